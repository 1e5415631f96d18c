#!/bin/bash
# Three targets; `|1 .detach` lets go of ordinal 1 only: it runs free, the
# two others stay traced and keep running.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

start_daemon
SLEEPER_EXE=$(exe_of "$HELPERS/sleeper")
PIDS=()
for i in 0 1 2; do
	spawn_sleeper "s$i"
	PIDS+=("$LAST_PID")
	ctl .attach "$LAST_PID"
	assert_match "^[.# ]  $i  id: $LAST_PID  attach  name: " "$OUT" ".attach of sleeper $i"
	assert_tracer "$LAST_PID" "$DAEMON_PID"
done
ctl '|*'
assert_eq "0 1 2" "$(ordinals)" "ordinals before the detach"
ctl '|.'
CURRENT_BEFORE=$OUT

step "|1 .detach"
ctl '|1 .detach'
assert_eq "Detached." "$OUT" "|1 .detach reply"
assert_tracer "${PIDS[1]}" 0
assert_alive "${PIDS[1]}" "the detached sleeper"
wait_progress "$DIR/s1.progress"

for i in 0 2; do
	assert_tracer "${PIDS[$i]}" "$DAEMON_PID" "TracerPid of sleeper $i"
	wait_progress "$DIR/s$i.progress"
done

ctl '|*'
assert_eq "0 2" "$(ordinals)" "ordinals after the detach"
assert_listed 0 "${PIDS[0]}" attach "$SLEEPER_EXE"
assert_listed 2 "${PIDS[2]}" attach "$SLEEPER_EXE"
# The prefix form does not change the selection (DESIGN §3).
if [[ $CURRENT_BEFORE != ?"  1  "* ]]; then
	ctl '|.'
	assert_eq "$CURRENT_BEFORE" "$OUT" "|. after |1 .detach (selection unchanged)"
fi
ctl --json '|*'
assert_eq '[0,2]' "$(jget "$OUT" '[p["ordinal"] for p in d["processes"]]')" "ordinals in |* --json"
assert_eq 'false' "$(jget "$OUT" 'd["dormant"]')" "dormant in |* --json"
