#!/bin/bash
# The walk-through of seeds/001 (.kill): attach to a parent, .childdbg 1,
# let it fork, |* shows the child, |1s selects it, .kill ends the child
# and the parent keeps running under the daemon.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

start_daemon
spawn_forker f
FORKER=$LAST_PID
FORKER_EXE=$(exe_of "$HELPERS/forker")

step "attach the forker"
ctl .attach "$FORKER"
assert_eq "$(status_line . 0 "$FORKER" attach "$FORKER_EXE")" "$OUT" ".attach reply"
assert_tracer "$FORKER" "$DAEMON_PID"

ctl .childdbg 1
assert_eq "Processes created by the current process will be debugged" "$OUT" ".childdbg 1 reply"

step "the forker forks; the child joins as ordinal 1"
kill -USR1 "$FORKER"
wait_until has_lines "$DIR/f/children" 1
CHILD=$(nth_line "$DIR/f/children" 1)
wait_until is_listed 1
ctl '|*'
assert_eq "$(status_line . 0 "$FORKER" attach "$FORKER_EXE")
$(status_line ' ' 1 "$CHILD" child "$FORKER_EXE")" "$OUT" "|* after the fork"
assert_tracer "$CHILD" "$DAEMON_PID"

step "|1s selects the child"
ctl '|1s'
assert_eq "$(status_line . 1 "$CHILD" child "$FORKER_EXE")" "$OUT" "|1s reply"
ctl '|*'
assert_eq "$(status_line '#' 0 "$FORKER" attach "$FORKER_EXE")
$(status_line . 1 "$CHILD" child "$FORKER_EXE")" "$OUT" "|* after |1s (the seed's listing)"

step ".kill ends the child, the parent keeps running"
ctl .kill
assert_eq "Terminated." "$OUT" ".kill reply"
assert_dead "$CHILD" "the killed child"
wait_until grep -qx "$CHILD signal 9" "$DIR/f/reaped"
assert_eq "$CHILD signal 9" "$(<"$DIR/f/reaped")" "what the forker reaped"
wait_until test ! -e "/proc/$CHILD"
assert_alive "$FORKER" "the forker"
assert_tracer "$FORKER" "$DAEMON_PID"

ctl '|*'
assert_eq 0 "$(ordinals)" "ordinals listed after .kill"
assert_listed 0 "$FORKER" attach "$FORKER_EXE"

ctl g
assert_match '^Continued [0-9]+ target\(s\)\.$' "$OUT" "g reply"
wait_progress "$DIR/f/progress"
assert_tracer "$FORKER" "$DAEMON_PID"
