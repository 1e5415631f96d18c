#!/bin/bash
# A typo is an error (exit 1, a message, the word meant when one is close),
# never an empty or "dormant" answer: event kinds, states, sessions, options.
# Options go before or after the command; a bare number is an ordinal
# everywhere (kill 1), a pid is ~PID or -p PID.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

start_daemon
spawn_sleeper a
A=$LAST_PID
spawn_sleeper b
B=$LAST_PID
spawn_sleeper c
C=$LAST_PID
ctl .attach "$A"
ctl .attach "$B"
ctl -s build .attach "$C"

step "event kinds, states"
ctl_expect 1 events -k bogus
assert_eq "tetherctl: unknown event kind: bogus" "$ERR" "events -k bogus"
ctl_expect 1 events -k attach,exti
assert_eq "tetherctl: unknown event kind: exti (did you mean exit?)" "$ERR" "events -k attach,exti"
ctl_expect 1 history -S bogus
assert_eq "tetherctl: unknown state: bogus" "$ERR" "history -S bogus"
ctl_expect 1 history -S runing
assert_eq "tetherctl: unknown state: runing (did you mean running?)" "$ERR" "history -S runing"
ctl events -k attach
assert_eq 2 "$(wc -l <<<"$OUT")" "events -k attach (a good kind still works)"

step "sessions"
ctl_expect 1 -s nosuch ps
assert_eq "tetherctl: no such session: nosuch" "$ERR" "-s nosuch ps"
assert_eq "" "$OUT" "stdout of -s nosuch ps"
ctl_expect 1 -s biuld ps
assert_eq "tetherctl: no such session: biuld (did you mean build?)" "$ERR" "-s biuld ps"
ctl_expect 1 --session=nosuch events
assert_eq "tetherctl: no such session: nosuch" "$ERR" "--session=nosuch events"
ctl_expect 1 -s nosuch history
ctl_expect 1 -s nosuch .detach
# A dormant session is no typo.
ctl -s build '|. .detach'
ctl -s build ps
assert_eq "Session build is dormant: no live targets." "$OUT" "ps of a dormant session"

step "options"
ctl_expect 1 events -x
assert_match "^tetherctl: events: unknown option -x \(usage: events " "$ERR" "events -x"
ctl_expect 1 ps --jsno
assert_match "unknown option '--jsno' \(did you mean --json\?\)" "$ERR" "ps --jsno"
ctl --json ps
BEFORE=$OUT
ctl ps --json
assert_eq "$BEFORE" "$OUT" "ps --json against --json ps"
ctl events -n all
assert_eq "$(db 'SELECT count(*) FROM events e JOIN sessions s ON s.id = e.session_id WHERE s.name = "default"')" \
	"$(wc -l <<<"$OUT")" "events -n all: every event of the session"
ctl events -n 1
assert_eq 1 "$(wc -l <<<"$OUT")" "events -n 1"

step "kill 1 is ordinal 1; kill ~PID a pid"
ctl kill 1
assert_eq "Terminated." "$OUT" "kill 1"
wait_until not is_alive "$B"
assert_alive "$A" "ordinal 0 after kill 1"
ctl kill "~$A"
assert_eq "Terminated." "$OUT" "kill ~PID"
wait_until not is_alive "$A"
