#!/bin/bash
# Every thread of a target is traced: those there at attach, those created
# after it, and those of a created process; `.detach` lets go of all of them.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

# check_threads PID ORDINAL: `|ORDINAL ~` (in OUT) lists exactly the tasks
# of PID, in order, index 0.., the leader first and marked '.'.
check_threads() {
	local pid=$1 line i=0 tids=() listed=()
	while IFS= read -r line; do
		[[ $line =~ ^([.\ ])\ \ ([0-9]+)\ \ id:\ $pid\.([0-9]+)\ \ (running|stopped|job-stopped)$ ]] ||
			fail "bad thread line: '$line' in:
$OUT"
		assert_eq "$i" "${BASH_REMATCH[2]}" "thread index in: $line"
		if [ "${BASH_REMATCH[3]}" == "$pid" ]; then
			assert_eq . "${BASH_REMATCH[1]}" "mark of the leader thread: $line"
		else
			assert_eq ' ' "${BASH_REMATCH[1]}" "mark of a non-leader thread: $line"
		fi
		listed+=("${BASH_REMATCH[3]}")
		i=$((i + 1))
	done <<<"$OUT"
	mapfile -t tids < <(tasks "$pid")
	assert_eq "${tids[*]}" "$(printf '%s\n' "${listed[@]}" | sort -n | tr '\n' ' ' | sed 's/ $//')" "threads listed by ~ vs /proc/$pid/task"
	assert_eq "$pid" "${listed[0]}" "first thread listed by ~"
}

thread_count_is() { # ORDINAL N
	ctl_ok "|$1 ~" && [ "$(wc -l <<<"$OUT")" == "$2" ]
}

start_daemon
THREADS_EXE=$(exe_of "$HELPERS/threads")
mkdir "$DIR/t"
spawn "$HELPERS/threads" 4 "$DIR/t"
T=$LAST_PID
for f in main thread.1 thread.2 thread.3 thread.4; do
	wait_until test -s "$DIR/t/$f"
done
assert_eq 5 "$(tasks "$T" | wc -l)" "tasks of the threads helper"

step "attach a process of 5 threads"
ctl .attach "$T"
assert_eq "$(status_line . 0 "$T" attach "$THREADS_EXE")" "$OUT" ".attach reply"
assert_true "every thread traced by tetherd" every_task_tracer_is "$T" "$DAEMON_PID"
ctl '~'
assert_eq 5 "$(wc -l <<<"$OUT")" "lines of ~"
check_threads "$T"
ctl --json '~'
assert_eq "$T" "$(jget "$OUT" 'd["pid"]')" "pid of ~ --json"
assert_eq "$(tasks "$T" | tr '\n' ' ' | sed 's/ $//')" \
	"$(jget "$OUT" '" ".join(str(t["tid"]) for t in sorted(d["threads"], key=lambda t: t["tid"]))')" "tids of ~ --json"
assert_eq "running running running running running" "$(jget "$OUT" '" ".join(t["state"] for t in d["threads"])')" "thread states of ~ --json"

step "a thread created after the attach is traced and listed"
kill -USR1 "$T"
wait_until test -s "$DIR/t/thread.5"
assert_eq 6 "$(tasks "$T" | wc -l)" "tasks after SIGUSR1"
assert_true "every thread traced after a new one" every_task_tracer_is "$T" "$DAEMON_PID"
wait_until thread_count_is 0 6
check_threads "$T"

step ".detach lets go of every thread"
ctl .detach
assert_eq "Detached.
$DORMANT_LINE" "$OUT" ".detach reply"
assert_true "every thread untraced after .detach" every_task_tracer_is "$T" 0
wait_progress "$DIR"/t/main "$DIR"/t/thread.{1..5}

step ".create of a threaded process"
mkdir "$DIR/t2"
ctl .create "$HELPERS/threads" 3 "$DIR/t2"
C=$(pid_of_reply)
assert_match "^[.# ]  1  id: $C  create  name: " "$OUT" ".create reply"
assert_eq "$(status_line "${OUT:0:1}" 1 "$C" create "$THREADS_EXE")" "$OUT" ".create reply"
assert_tracer "$C" "$DAEMON_PID"
release_if_held "$C"
for f in main thread.1 thread.2 thread.3; do
	wait_until test -s "$DIR/t2/$f"
done
wait_until thread_count_is 1 4
assert_eq 4 "$(tasks "$C" | wc -l)" "tasks of the created process"
assert_true "every thread of the created process traced" every_task_tracer_is "$C" "$DAEMON_PID"
check_threads "$C"
wait_progress "$DIR"/t2/main "$DIR"/t2/thread.{1..3}
