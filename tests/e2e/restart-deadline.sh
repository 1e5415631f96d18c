#!/bin/bash
# Deadlines survive a restart: tetherd is killed (-9) while two targets are
# under timeout = 3s kill. The next tetherd re-adopts them with their
# limits counted from when they joined, not from the restart: the one whose
# deadline passed while the daemon was down (and the other, whose deadline
# may have passed too) are killed, both with reason timeout, never before
# their 3 s. A policy with no limit gives its targets none after the
# restart either.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"
. "$(dirname "${E2E_LIB:-$0}")/config-lib.sh"

[ "$(id -u)" == 0 ] || skip "re-adopting processes the test did not start needs root"

SLEEPER_EXE=$(exe_of "$HELPERS/sleeper")
CONF=$DIR/tether.conf
scan_policies "$SLEEPER_EXE" td hang "timeout=3s kill" -- free >"$CONF"
start_daemon_with "$CONF"

# passed PID SECONDS: SECONDS have passed since the target PID joined.
passed() {
	[ "$(db "SELECT (julianday('now') - 2440587.5) * 86400 - joined_at >= $2
	    FROM targets WHERE pid = $1")" == 1 ]
}

step "two targets under timeout = 3s kill, one without a limit; tetherd killed"
spawn_sleeper hang-early
EARLY=$LAST_PID
spawn_sleeper hang-late
LATE=$LAST_PID
spawn_sleeper free
FREE=$LAST_PID
for p in "$EARLY" "$LATE" "$FREE"; do
	wait_until db_state_is "$p" running
done
kill_daemon
assert_eq "running running" "$(state_in_db "$EARLY") $(state_in_db "$LATE")" \
	"both were live when the daemon died"
# the limit as the policy event recorded it, for the next daemon
assert_eq '{"timeout":3.0,"timeout_action":"kill","on_break_timeout":0.0,"break_action":"none"}' \
	"$(db "SELECT json_extract(detail, '$.limits') FROM events e JOIN targets t ON t.id = e.target_id
	    WHERE t.pid = $EARLY AND e.kind = 'policy'")" "the limits in the policy event"

step "the early one's deadline passes while the daemon is down"
wait_until passed "$EARLY" 3.2
assert_alive "$EARLY"
start_daemon_with "$CONF"
wait_until db_state_is "$EARLY" killed
wait_until not is_alive "$EARLY"
wait_until db_state_is "$LATE" killed
wait_until not is_alive "$LATE"
for p in "$EARLY" "$LATE"; do
	assert_eq "killed|9|timeout" "$(db "SELECT state || '|' || exit_signal || '|' || reason
	    FROM targets WHERE pid = $p")" "state, signal and reason of pid $p"
	assert_eq "adopt timeout kill" "$(db "SELECT group_concat(kind, ' ') FROM (SELECT e.kind
	    FROM events e JOIN targets t ON t.id = e.target_id WHERE t.pid = $p
	    AND e.id > (SELECT max(id) FROM events WHERE kind = 'lost' OR kind = 'policy') ORDER BY e.id)")" \
		"events of pid $p after the restart"
	assert_eq 1 "$(db "SELECT ended_at - joined_at >= 2.99 FROM targets WHERE pid = $p")" \
		"pid $p was not killed before its 3 s"
done
assert_alive "$FREE"
assert_eq running "$(state_in_db "$FREE")" "the target without a limit"
