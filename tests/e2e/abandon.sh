#!/bin/bash
# .abandon (issue 4): tether lets go of a target but leaves it stopped (state
# T, TracerPid 0), so that another debugger can take it: `gdb -p PID -batch`
# attaches and lists its threads. The other target stays traced and runs on.
# A target held at an outstanding SIGUSR1 is abandoned with it suppressed
# (/h) or delivered (/n): its handler runs once the process is continued.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

# events_of PID ORDINAL: the events of that target, "kind|detail" a line.
events_of() {
	db "SELECT e.kind || '|' || ifnull(e.detail, '') FROM events e JOIN targets t ON t.id = e.target_id
		WHERE t.pid = $1 AND t.ordinal = $2 ORDER BY e.id"
}

# assert_left_stopped PID FILE: the process is in state T, traced by no one,
# and its counter FILE stands still while the traced sleeper counts 10 more.
assert_left_stopped() {
	local v w
	assert_eq T "$(proc_state "$1")" "/proc state of abandoned process $1"
	assert_tracer "$1" 0
	v=$(counter "$2")
	w=$(counter "$DIR/t.progress")
	wait_until counter_above "$DIR/t.progress" $((w + 10))
	assert_eq "$v" "$(counter "$2")" "counter $2 of abandoned process $1"
	assert_eq T "$(proc_state "$1")" "/proc state of abandoned process $1, later"
}

# caught_now: the handler's count once the catcher has run two more rounds.
caught_now() {
	local p
	p=$(counter "$DIR/k/progress")
	wait_until counter_above "$DIR/k/progress" $((p + 1))
	counter "$DIR/k/caught"
}

HAVE_GDB=true
command -v gdb >/dev/null || HAVE_GDB=false

start_daemon
SLEEPER_EXE=$(exe_of "$HELPERS/sleeper")
CATCHER_EXE=$(exe_of "$HELPERS/catcher")
spawn_sleeper t
T=$LAST_PID
spawn_sleeper a
A=$LAST_PID
ctl .attach "$T"
ctl .attach "$A"
ctl '|1s'

step ".abandon of a running target"
ctl .abandon
assert_eq "Abandoned: process $A is left stopped." "$OUT" ".abandon reply"
assert_left_stopped "$A" "$DIR/a.progress"
ctl '|*'
assert_eq "0" "$(ordinals)" "ordinals after .abandon"
assert_listed 0 "$T" attach "$SLEEPER_EXE"
assert_tracer "$T" "$DAEMON_PID"
assert_eq "abandoned||" "$(db "SELECT state || '|' || ifnull(exit_code, '') || '|' || ifnull(exit_signal, '') FROM targets WHERE ordinal = 1")" \
	"targets row of the abandoned sleeper (state|exit_code|exit_signal)"
assert_eq "attach|
abandon|{\"left\":\"stopped\"}" "$(events_of "$A" 1)" "events of the abandoned sleeper"

if $HAVE_GDB; then
	step "gdb -p $A takes it"
	RC=0
	timeout 60 env -u DEBUGINFOD_URLS gdb -nx -batch -iex 'set debuginfod enabled off' \
		-p "$A" -ex 'info threads' >"$DIR/gdb.out" 2>&1 || RC=$?
	GDB_OUT=$(<"$DIR/gdb.out")
	assert_eq 0 "$RC" "exit status of gdb -p $A -batch -ex 'info threads' (output: $GDB_OUT)"
	assert_match $'(^|\n)\\* 1 +Thread 0x[0-9a-f]+ \\(LWP '"$A"'\) "sleeper" ' "$GDB_OUT" "gdb's info threads"
	assert_match "Inferior 1 \\(process $A\\) detached" "$GDB_OUT" "gdb's detach"
	# gdb detached too: the process is still stopped, and runs on SIGCONT.
	wait_until tracer_is "$A" 0
	assert_eq T "$(proc_state "$A")" "/proc state of the abandoned sleeper after gdb"
else
	step "gdb is not installed: its check is skipped"
fi
kill -CONT "$A"
wait_progress "$DIR/a.progress"

step ".abandon /h and /n of a target held at SIGUSR1"
ctl sxe usr1
mkdir "$DIR/k"
spawn "$HELPERS/catcher" "$DIR/k"
K=$LAST_PID
wait_until test -s "$DIR/k/progress"
# abandon_held ORDINAL HOW: attach the catcher, hold it at SIGUSR1, abandon.
abandon_held() {
	ctl .attach "$K"
	assert_eq "$(status_line "${OUT:0:1}" "$1" "$K" attach "$CATCHER_EXE")" "$OUT" ".attach of the catcher as ordinal $1"
	kill -USR1 "$K"
	wait_until stop_is "$K" SIGUSR1
	ctl "|$1 .abandon $2"
	assert_eq "Abandoned: process $K is left stopped." "$OUT" ".abandon $2 reply"
	assert_left_stopped "$K" "$DIR/k/progress"
	assert_eq "0" "$(ordinals_now)" "ordinals after .abandon $2"
}
ordinals_now() {
	ctl '|*'
	ordinals
}
CAUGHT=$(counter "$DIR/k/caught")
assert_eq 0 "$CAUGHT" "handler calls before any SIGUSR1"
abandon_held 2 /h
kill -CONT "$K"
assert_eq 0 "$(caught_now)" "handler calls after .abandon /h and SIGCONT"
abandon_held 3 /n
kill -CONT "$K"
assert_eq 1 "$(caught_now)" "handler calls after .abandon /n and SIGCONT"
assert_eq "attach|
signal|{\"signal\":10,\"name\":\"SIGUSR1\",\"tid\":$K,\"action\":\"break\"}
abandon|{\"left\":\"stopped\",\"signal\":10,\"handled\":true}" "$(events_of "$K" 2)" "events of the catcher (ordinal 2)"
assert_eq "attach|
signal|{\"signal\":10,\"name\":\"SIGUSR1\",\"tid\":$K,\"action\":\"break\"}
abandon|{\"left\":\"stopped\",\"signal\":10,\"handled\":false}" "$(events_of "$K" 3)" "events of the catcher (ordinal 3)"
wait_progress "$DIR/t.progress"
assert_tracer "$T" "$DAEMON_PID"

$HAVE_GDB || skip "gdb is not installed: everything but gdb -p passed"
