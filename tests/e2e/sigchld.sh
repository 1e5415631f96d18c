#!/bin/bash
# SIGCHLD passed to a parent is not an event by default (as a debugger's
# "handle SIGCHLD nostop noprint pass"): it is delivered and counted in sx.
# `sxn CHLD` makes it an event again.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

# chld_events PID: the SIGCHLD events recorded for the target PID.
chld_events() {
	db "SELECT count(*) FROM events e JOIN targets t ON t.id = e.target_id
		WHERE t.pid = $1 AND e.kind = 'signal'
		AND json_extract(e.detail, '$.name') = 'SIGCHLD'"
}

# parent: creates a shell that runs one child, then becomes a sleep: it
# has had its one SIGCHLD once its exe is sleep. Sets P.
parent() {
	ctl .create /bin/sh -c '/bin/true; exec sleep 1000'
	P=$(pid_of_reply)
	release_if_held "$P"
	wait_until exe_is "$P" "$SLEEP_EXE"
}

# chld_in_sx: "action ignored" of SIGCHLD in sx --json.
chld_in_sx() {
	ctl --json sx
	jget "$OUT" '" ".join(str(s[k]) for s in d["signals"] if s["name"] == "SIGCHLD" for k in ("action", "ignored"))'
}

SLEEP_EXE=$(readlink -f "$(command -v sleep)")
start_daemon

step "by default, SIGCHLD is delivered and counted, not recorded"
parent
assert_eq "ignore 1" "$(chld_in_sx)" "SIGCHLD in sx after one child ended"
ctl --json events
assert_eq 0 "$(chld_events "$P")" "SIGCHLD events by default"

step "sxn CHLD: an event again"
ctl sxn CHLD
parent
assert_eq "notify 1" "$(chld_in_sx)" "SIGCHLD in sx after sxn CHLD"
# The events command runs after what came before it is written.
ctl --json events
assert_eq 1 "$(chld_events "$P")" "SIGCHLD events after sxn CHLD"
assert_eq 1 "$(jget "$OUT" 'len([e for e in d["events"] if e["kind"] == "signal" and e["detail"]["name"] == "SIGCHLD"])')" \
	"SIGCHLD in the events command's reply"
