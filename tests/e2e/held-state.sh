#!/bin/bash
# The database follows holds: targets.state is 'stopped' while the target
# is held (at a break, or by a break-in), as |* --json says, and 'running'
# again once it is continued.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

start_daemon

# row_state PID: the targets row's state, read with the sqlite3 shell.
row_state() {
	db "SELECT state FROM targets WHERE pid = $1 AND ended_at IS NULL"
}

row_state_is() {
	[ "$(row_state "$1")" == "$2" ]
}

step "held at a break (SIGSEGV): stopped in |* and in the database"
spawn "$HELPERS/crasher" "$DIR/crasher.progress"
CRASHER=$LAST_PID
wait_until test -s "$DIR/crasher.progress"
attach "$CRASHER"
assert_eq running "$(row_state "$CRASHER")" "row state of a running target"
kill -USR1 "$CRASHER"
wait_until stop_is "$CRASHER" SIGSEGV
assert_eq stopped "$(state_of_target "$CRASHER")" "|* --json state when held"
wait_until row_state_is "$CRASHER" stopped

step "break-in: stopped, then running after g"
spawn_sleeper nap
SLEEPER=$LAST_PID
attach "$SLEEPER"
ctl .breakin
assert_eq stopped "$(state_of_target "$SLEEPER")" "|* --json state after .breakin"
wait_until row_state_is "$SLEEPER" stopped
ctl "|~[$SLEEPER]" g
assert_eq running "$(state_of_target "$SLEEPER")" "|* --json state after g"
wait_until row_state_is "$SLEEPER" running
wait_progress "$DIR/nap.progress"

step "the crash continued unhandled (gn): it ends, recorded as such"
ctl "|~[$CRASHER]" gn
wait_until not is_alive "$CRASHER"
wait_until target_end_is 0 "exited||11"
