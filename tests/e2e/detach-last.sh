#!/bin/bash
# Detaching the last target leaves the session dormant; the daemon keeps
# serving, and the next target gets a new ordinal (ordinals are never reused).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

# session_field KEY: the KEY of session "default" in status --json.
session_field() {
	ctl --json status
	jget "$OUT" '[s for s in d["sessions"] if s["name"] == "default"][0]["'"$1"'"]'
}

start_daemon
SLEEPER_EXE=$(exe_of "$HELPERS/sleeper")
spawn_sleeper a
A=$LAST_PID
ctl .attach "$A"
assert_eq "$(status_line . 0 "$A" attach "$SLEEPER_EXE")" "$OUT" ".attach reply"
assert_tracer "$A" "$DAEMON_PID"
assert_eq false "$(session_field dormant)" "dormant in status --json with a target"
assert_eq 1 "$(session_field live)" "live in status --json with a target"

step ".detach of the only target"
ctl .detach
assert_eq "Detached.
$DORMANT_LINE" "$OUT" ".detach reply"
assert_tracer "$A" 0
assert_alive "$A" "the detached sleeper"
wait_progress "$DIR/a.progress"

ctl '|*'
assert_eq "$DORMANT_LINE" "$OUT" "|* of the dormant session"
ctl '|'
assert_eq "$DORMANT_LINE" "$OUT" "| of the dormant session"
ctl --json '|*'
assert_eq 'default true []' "$(jget "$OUT" '"%s %s %s" % (d["session"], str(d["dormant"]).lower(), d["processes"])')" "|* --json of the dormant session"

ctl status
assert_match 'default' "$OUT" "status text names the session"
assert_match 'dormant' "$OUT" "status text says dormant"
assert_eq true "$(session_field dormant)" "dormant in status --json"
assert_eq 0 "$(session_field live)" "live in status --json"

step "a new target in the dormant session gets ordinal 1"
spawn_sleeper b
B=$LAST_PID
ctl .attach "$B"
assert_eq "$(status_line . 1 "$B" attach "$SLEEPER_EXE")" "$OUT" ".attach reply in the dormant session"
assert_tracer "$B" "$DAEMON_PID"
assert_tracer "$A" 0 "TracerPid of the detached sleeper"
ctl '|*'
assert_eq "$(status_line . 1 "$B" attach "$SLEEPER_EXE")" "$OUT" "|* after the new attach"
assert_eq false "$(session_field dormant)" "dormant in status --json after the new attach"
assert_eq 1 "$(session_field live)" "live in status --json after the new attach"
wait_progress "$DIR/b.progress"
