#!/bin/bash
# Hang and crash limits: timeout = 1s kill ends a sleeping target and
# records why; timeout = 1s abandon leaves it stopped (state T, untraced);
# on_break_timeout = 1s kill ends a target held on a break that nobody
# handles. Each action is an event in the database.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"
. "$(dirname "${E2E_LIB:-$0}")/config-lib.sh"

SLEEPER_EXE=$(exe_of "$HELPERS/sleeper")
CONF=$DIR/tether.conf
cat >"$CONF" <<CONF
[daemon]
autoattach = scan
scan_interval = 20ms

[policy "killer"]
exe = $SLEEPER_EXE
cmdline = *$DIR/killme*
session = tk
timeout = 1s kill

[policy "abandoner"]
exe = $SLEEPER_EXE
cmdline = *$DIR/abandonme*
session = ta
timeout = 1s abandon

[policy "crashy"]
exe = $SLEEPER_EXE
cmdline = *$DIR/crashme*
session = tc
break = SEGV
on_break_timeout = 1s kill
CONF
start_daemon_with "$CONF"

# The targets are looked for in the database, not with |*: a loaded
# machine may take longer than the limit between two polls.

# the detail of the timeout event of the target with that pid
timeout_detail() {
	db "SELECT e.detail FROM events e JOIN targets t ON t.id = e.target_id
	    WHERE t.pid = $1 AND e.kind = 'timeout'"
}

step "timeout = 1s kill"
spawn_sleeper killme
K=$LAST_PID
wait_until db_state_is "$K" killed
wait_until not is_alive "$K"
assert_eq '{"action":"kill","after":1,"by":"policy killer","limit":"timeout"}' \
	"$(jget "$(timeout_detail "$K")" 'json.dumps(d, sort_keys=True, separators=(",", ":"))')" \
	"the timeout event of the killed sleeper"
assert_eq "attach policy timeout kill" \
	"$(db "SELECT group_concat(kind, ' ') FROM (SELECT e.kind FROM events e JOIN targets t
	    ON t.id = e.target_id WHERE t.pid = $K ORDER BY e.id)")" "events of the killed sleeper"
assert_eq "9|1" "$(db "SELECT exit_signal, ended_at - joined_at >= 1 FROM targets WHERE pid = $K")" \
	"exit signal, and at least 1 s between join and end"
assert_eq "timeout" "$(db "SELECT reason FROM targets WHERE pid = $K")" "reason of the killed sleeper"

step "timeout = 1s abandon"
spawn_sleeper abandonme
A=$LAST_PID
wait_until db_state_is "$A" abandoned
wait_until tracer_is "$A" 0
assert_eq T "$(proc_state "$A")" "state of the abandoned sleeper"
assert_eq '{"action":"abandon","after":1,"by":"policy abandoner","limit":"timeout"}' \
	"$(jget "$(timeout_detail "$A")" 'json.dumps(d, sort_keys=True, separators=(",", ":"))')" \
	"the timeout event of the abandoned sleeper"
assert_eq "timeout" "$(db "SELECT reason FROM targets WHERE pid = $A")" "reason of the abandoned sleeper"

step "on_break_timeout = 1s kill"
spawn_sleeper crashme
C=$LAST_PID
wait_until db_state_is "$C" running
kill -SEGV "$C"
wait_until db_state_is "$C" killed
wait_until not is_alive "$C"
assert_eq '{"action":"kill","after":1,"by":"policy crashy","limit":"on_break_timeout"}' \
	"$(jget "$(timeout_detail "$C")" 'json.dumps(d, sort_keys=True, separators=(",", ":"))')" \
	"the timeout event of the crashed sleeper"
assert_eq "break-timeout" "$(db "SELECT reason FROM targets WHERE pid = $C")" "reason of the crashed sleeper"
assert_eq "attach policy signal timeout kill" \
	"$(db "SELECT group_concat(kind, ' ') FROM (SELECT e.kind FROM events e JOIN targets t
	    ON t.id = e.target_id WHERE t.pid = $C ORDER BY e.id)")" "events of the crashed sleeper"
assert_eq 1 "$(db "SELECT (SELECT at FROM events e JOIN targets t ON t.id = e.target_id
	    WHERE t.pid = $C AND e.kind = 'timeout') - (SELECT at FROM events e JOIN targets t
	    ON t.id = e.target_id WHERE t.pid = $C AND e.kind = 'signal') >= 0.98")" \
	"at least 1 s (less libevent's coarse clock) between the break and the action"
