# Sourced by every end-to-end test (bash). The test runs a private tetherd on
# a socket and database in a fresh temporary directory, drives it with
# tetherctl, and checks the real processes (/proc) and the database.
#
# Environment (set by `make check`, see AM_TESTS_ENVIRONMENT):
#   TETHERD, TETHERCTL  the programs under test
#   HELPERS             the directory of the helper programs (tests/helpers)
#
# Rules the tests keep: no fixed sleeps, only bounded polls (wait_until);
# every check compares exact values and says what it expected and saw.
# Exit status: 0 pass, 1 fail, 77 skip.

set -eu
shopt -s inherit_errexit
export LC_ALL=C

: "${TETHERD:?TETHERD must name the tetherd program}"
: "${TETHERCTL:?TETHERCTL must name the tetherctl program}"
: "${HELPERS:?HELPERS must name the directory of the helper programs}"

# The source tree (files the tests read: the example configuration, the
# bash completion).
SRC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

TEST_NAME=${0##*/}
TEST_NAME=${TEST_NAME%.sh}
# wait_until gives up after 10 s (E2E_POLL_SECONDS for a slow machine).
POLL_SECONDS=${E2E_POLL_SECONDS:-10}
POLL_LIMIT_US=$((POLL_SECONDS * 1000000))

# ---------------------------------------------------------------- reporting

fail() {
	printf '%s: FAIL: %s\n' "$TEST_NAME" "$*" >&2
	exit 1
}

skip() {
	printf '%s: SKIP: %s\n' "$TEST_NAME" "$*" >&2
	exit 77
}

step() {
	printf '%s: %s\n' "$TEST_NAME" "$*" >&2
}

# assert_eq EXPECTED ACTUAL [WHAT]
assert_eq() {
	[ "$1" == "$2" ] && return 0
	fail "${3:-value}: expected:
$1
--- actual:
$2"
}

# assert_match ERE ACTUAL [WHAT]: the ERE must match somewhere in ACTUAL
# (anchor it with ^...$ to match the whole text).
assert_match() {
	[[ $2 =~ $1 ]] && return 0
	fail "${3:-value}: expected a match of /$1/; actual:
$2"
}

# assert_true WHAT CMD...: CMD must succeed.
assert_true() {
	local what=$1
	shift
	"$@" && return 0
	fail "$what: not true: $*"
}

not() {
	! "$@"
}

# ------------------------------------------------------- python for JSON

# The interpreter itself, not a wrapper script: it starts faster.
PY=$(python3 -c 'import sys; print(sys.executable)') ||
	skip "python3 is needed to read JSON"

# jget JSON EXPR: evaluates the Python expression EXPR with d bound to the
# parsed JSON; prints a string as it is and anything else as compact JSON.
# The JSON goes through stdin: a listing of many targets is longer than
# one argument may be (128 KiB).
jget() {
	"$PY" -c '
import json, sys
d = json.loads(sys.stdin.read())
v = eval(sys.argv[1])
print(v if isinstance(v, str) else json.dumps(v, separators=(",", ":")))
' "$2" <<<"$1"
}

# ------------------------------------------------------------- workspace

DIR=$(mktemp -d "${TMPDIR:-/tmp}/tether-e2e.XXXXXX")
SOCK=$DIR/sock
DB=$DIR/tether.db
DAEMON_PID=
# Everything this test starts inherits this variable, even what tetherd
# starts for it and what the helpers fork: cleanup finds them all by it.
export TETHER_E2E_TAG=$DIR
unset TETHER_SOCKET TETHER_SESSION
# Text is as wide as it needs to be, unless a test asks for a width.
unset COLUMNS
# Under ThreadSanitizer (configure --enable-tsan) the first data race ends
# tetherd, so that no test passes beside one.
export TSAN_OPTIONS="halt_on_error=1 ${TSAN_OPTIONS:-}"
# Commands cleanup runs once the test's processes and daemon are gone (a
# test's throwaway users, see hostile-lib.sh).
CLEANUP_HOOKS=()

# Pids of processes carrying our tag, except this shell and the daemon.
tagged_pids() {
	local f p
	for f in $(env -u TETHER_E2E_TAG grep -lzxF "TETHER_E2E_TAG=$DIR" /proc/[0-9]*/environ 2>/dev/null); do
		p=${f#/proc/}
		p=${p%/environ}
		[ "$p" != $$ ] && [ "$p" != "$BASHPID" ] && [ "$p" != "$DAEMON_PID" ] && echo "$p"
	done
	return 0
}

cleanup() {
	local rc=$? pids i
	set +e
	trap - EXIT
	# The shell reports jobs a signal ended; those cleanup ends are no news.
	disown -a
	pids=$(tagged_pids)
	[ -n "$pids" ] && kill -9 $pids 2>/dev/null
	if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
		kill -TERM "$DAEMON_PID" 2>/dev/null
		for i in $(seq 250); do
			is_alive "$DAEMON_PID" || break
			sleep 0.02
		done
		is_alive "$DAEMON_PID" && kill -9 "$DAEMON_PID" 2>/dev/null
	fi
	# A process created by tetherd may have outlived it.
	pids=$(tagged_pids)
	[ -n "$pids" ] && kill -9 $pids 2>/dev/null
	for i in "${CLEANUP_HOOKS[@]}"; do
		eval "$i"
	done
	# A sanitizer's report in tetherd's log fails the test, even one that
	# came at exit (a leak, a race) after every assertion held.
	if [ "$rc" == 0 ] && grep -qE '^(==[0-9]+==ERROR: |WARNING: ThreadSanitizer|SUMMARY: (Address|Leak|Thread|UndefinedBehavior)Sanitizer)|runtime error: ' "$DIR/tetherd.log" 2>/dev/null; then
		echo "FAIL: a sanitizer reported an error in tetherd" >&2
		rc=1
	fi
	if [ "$rc" != 0 ] && [ "$rc" != 77 ] && [ -s "$DIR/tetherd.log" ]; then
		echo "---- tetherd log ($DIR/tetherd.log):" >&2
		sed 's/^/tetherd: /' "$DIR/tetherd.log" >&2
	fi
	rm -rf "$DIR"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# ------------------------------------------------------------------ polls

now_us() {
	local t=$EPOCHREALTIME
	echo "${t//[!0-9]/}"
}

# wait_until CMD...: runs CMD every 0.02 s until it succeeds; fails the test
# after 10 s naming the condition. CMD's arguments are expanded once, by the
# caller: what must be read again each time goes inside a command (state_is,
# db_is), never in a "$(...)" argument, which would test one old value over
# and over (a test that passed only when the condition already held).
wait_until() {
	local deadline=$(($(now_us) + POLL_LIMIT_US))
	until "$@"; do
		[ "$(now_us)" -lt "$deadline" ] || fail "timed out after $POLL_SECONDS s waiting until: $*"
		sleep 0.02
	done
}

# ------------------------------------------------------------- processes

# proc_file FILE: the whole text of a /proc file, read in one go. (A
# line-by-line read seeks between lines, and /proc/PID/status is made anew
# at each seek: a State line that changed length in between makes the next
# line be skipped or cut.)
proc_file() {
	{ cat "$1"; } 2>/dev/null || true
}

# proc_state PID: the state letter of /proc/PID/stat, or nothing.
proc_state() {
	local line
	line=$(proc_file "/proc/$1/stat")
	[ -n "$line" ] || return 0
	line=${line##*) }
	echo "${line%% *}"
}

# state_is PID STATE: the process's state letter (/proc/PID/stat) is STATE.
# A command, so that wait_until reads it again each time: an argument
# "$(proc_state PID)" would be read once, when wait_until is called.
state_is() {
	[ "$(proc_state "$1")" == "$2" ]
}

# is_alive PID: the process exists and is not a zombie.
is_alive() {
	local s
	s=$(proc_state "$1")
	[ -n "$s" ] && [ "$s" != Z ] && [ "$s" != X ]
}

# status_field PID FIELD [TASK]: a field of /proc/PID/status (or of the task).
status_field() {
	local file=/proc/$1/status text
	[ $# -gt 2 ] && file=/proc/$1/task/$3/status
	text=$(proc_file "$file")
	[[ $'\n'$text =~ $'\n'$2:[[:blank:]]*([^$'\n']*) ]] || return 1
	echo "${BASH_REMATCH[1]}"
}

tracer_pid() {
	status_field "$1" TracerPid
}

tracer_is() {
	[ "$(tracer_pid "$1")" == "$2" ]
}

# tasks PID: the tids of the process, ascending.
tasks() {
	ls /proc/"$1"/task | sort -n
}

# every_task_tracer_is PID TRACER
every_task_tracer_is() {
	local t n=0
	for t in $(tasks "$1" 2>/dev/null); do
		[ "$(status_field "$1" TracerPid "$t")" == "$2" ] || return 1
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}

# assert_tracer PID EXPECTED [WHAT]
assert_tracer() {
	local state
	state=$(proc_state "$1")
	assert_eq "$2" "$(tracer_pid "$1")" "${3:-TracerPid of $1} (pid $1, state '${state:-no such process}')"
}

assert_alive() {
	is_alive "$1" || fail "${2:-process $1} is not alive (state '$(proc_state "$1")')"
}

assert_dead() {
	is_alive "$1" && fail "${2:-process $1} is still alive (state '$(proc_state "$1")')"
	return 0
}

exe_of() {
	readlink -f "$1"
}

# exe_is PID EXE: the process runs that executable now.
exe_is() {
	[ "$(readlink -f "/proc/$1/exe" 2>/dev/null)" == "$2" ]
}

# spawn CMD...: starts CMD in the background; its pid is left in LAST_PID.
# It stays a job of this shell, which reports in the log if a signal ends it.
spawn() {
	"$@" &
	LAST_PID=$!
}

# ---------------------------------------------------------------- files

# line_count FILE: lines in FILE (0 when it does not exist).
line_count() {
	local lines=()
	[ -e "$1" ] && mapfile -t lines <"$1"
	echo "${#lines[@]}"
}

has_lines() {
	[ "$(line_count "$1")" -ge "$2" ]
}

# nth_line FILE N (1-based)
nth_line() {
	sed -n "$2p" "$1"
}

# counter FILE: the number a helper keeps in FILE.
counter() {
	local v
	read -r v <"$1" || fail "cannot read counter $1"
	echo "$v"
}

counter_above() {
	[ "$(counter "$1")" -gt "$2" ]
}

# wait_progress FILE...: each counter moves past the value it has now.
wait_progress() {
	local f v
	for f in "$@"; do
		v=$(counter "$f")
		wait_until counter_above "$f" "$v"
	done
}

# ---------------------------------------------------------------- helpers

# spawn_sleeper NAME: a sleeper counting in $DIR/NAME.progress; waits until it
# counts. Sets LAST_PID.
spawn_sleeper() {
	spawn "$HELPERS/sleeper" "$DIR/$1.progress"
	wait_until test -s "$DIR/$1.progress"
}

# spawn_forker NAME: a forker working in $DIR/NAME/. Sets LAST_PID.
spawn_forker() {
	mkdir "$DIR/$1"
	spawn "$HELPERS/forker" "$DIR/$1"
	wait_until test -s "$DIR/$1/progress"
}

# mount_stallfs NAME [FILE]: stallfs (tests/helpers/stallfs.c) on
# $DIR/NAME, holding what it is asked in $DIR/NAME.held, with FILE as its
# setuid "prog" if given; sets STALL (its pid). Unmounted at exit.
mount_stallfs() {
	mkdir -m 0755 "$DIR/$1"
	CLEANUP_HOOKS+=("umount -l '$DIR/$1' 2>/dev/null")
	spawn "$HELPERS/stallfs" "$DIR/$1" "$DIR/$1.held" "${@:2}"
	STALL=$LAST_PID
	# Not mounted here (no FUSE in a container): nothing to test.
	wait_until eval "test -e '$DIR/$1.ready' || ! is_alive $STALL"
	test -e "$DIR/$1.ready" || skip "stallfs cannot mount"
}

# spawn_exec_held NAME SPAWN...: a process that execs NAME/prog (mount_stallfs
# NAME FILE), started by SPAWN... (spawn, spawn_as USER, ...: what it does
# happens before the exec begins); sets LAST_PID once the exec is held. It
# leaves the process in the middle of that exec (its uids not changed yet,
# PTRACE_SEIZE would wait on it) and stallfs holding the first read of prog
# ($DIR/NAME.held): `kill -USR1 $STALL` lets the exec end (prog runs, setuid
# root), `kill $STALL` makes it fail; cleanup ends both.
spawn_exec_held() {
	mkfifo -m 0666 "$DIR/$1.go"
	"${@:2}" /bin/sh -c "read x <'$DIR/$1.go'; exec '$DIR/$1/prog' 1000"
	echo go >"$DIR/$1.go"
	wait_until test -e "$DIR/$1.held"
}

# ------------------------------------------------------------- the daemon

# ctl_try ARGS...: runs tetherctl on our socket; sets OUT (stdout without
# the final newline), ERR (stderr) and RC. Never fails.
ctl_try() {
	RC=0
	"$TETHERCTL" -S "$SOCK" "$@" >"$DIR/ctl.out" 2>"$DIR/ctl.err" || RC=$?
	OUT=$(<"$DIR/ctl.out")
	ERR=$(<"$DIR/ctl.err")
	return 0
}

# ctl ARGS...: like ctl_try, and the command must succeed.
ctl() {
	ctl_try "$@"
	[ "$RC" == 0 ] || fail "tetherctl $* exited $RC
stdout: $OUT
stderr: $ERR"
}

# ctl_expect RC ARGS...: like ctl_try, and the exit status must be RC.
ctl_expect() {
	local want=$1
	shift
	ctl_try "$@"
	[ "$RC" == "$want" ] || fail "tetherctl $*: expected exit $want, got $RC
stdout: $OUT
stderr: $ERR"
}

ctl_ok() {
	ctl_try "$@"
	[ "$RC" == 0 ]
}

# cmd_of PID: the command line of PID as tetherd shows it whole: its
# arguments joined by blanks (nothing when it has none, or is gone).
cmd_of() {
	local arg args=()
	while IFS= read -r -d '' arg; do
		args+=("$arg")
	done <"/proc/$1/cmdline" 2>/dev/null || true
	echo "${args[*]}"
}

# status_line MARK ORDINAL PID HOW NAME: a line of `|*` as the spec writes
# it, with the command line PID has now.
status_line() {
	local cmd
	cmd=$(cmd_of "$3")
	printf '%s  %s  id: %s  %s  name: %s' "$@"
	[ -z "$cmd" ] || printf '  cmd: %s' "$cmd"
}

# listed_line ORDINAL: the `|*` line of that ordinal (from OUT), or nothing.
listed_line() {
	local line
	while IFS= read -r line; do
		# |* pads ordinals to the width of the largest: the line
		# without the padding.
		if [[ $line =~ ^(.\ \ )\ *($1\ \ id:.*) ]]; then
			echo "${BASH_REMATCH[1]}${BASH_REMATCH[2]}"
			return 0
		fi
	done <<<"$OUT"
	return 0
}

# is_listed ORDINAL: `|*` has a line for it.
is_listed() {
	ctl_ok '|*' && [ -n "$(listed_line "$1")" ]
}

# assert_listed ORDINAL PID HOW NAME [MARKS]: `|*` output (in OUT) has the
# line of that ordinal, with one of MARKS (default: any of ". #").
assert_listed() {
	local line marks=${5:-.# }
	line=$(listed_line "$1")
	[ -n "$line" ] || fail "no line for ordinal $1 in:
$OUT"
	assert_eq "$(status_line "${line:0:1}" "$1" "$2" "$3" "$4")" "$line" "status line of ordinal $1"
	[[ $marks == *"${line:0:1}"* ]] || fail "mark of ordinal $1 is '${line:0:1}', expected one of '$marks': $line"
}

# ordinals: the ordinals `|*` (in OUT) lists, space-separated.
ordinals() {
	local line list=()
	while IFS= read -r line; do
		[[ $line =~ ^.\ \ \ *([0-9]+)\ \ id: ]] && list+=("${BASH_REMATCH[1]}")
	done <<<"$OUT"
	echo "${list[*]}"
}

daemon_answers() {
	local rc=0
	if ! is_alive "$DAEMON_PID"; then
		wait "$DAEMON_PID" || rc=$?
		fail "tetherd exited with status $rc during start-up"
	fi
	ctl_ok status
}

start_daemon() {
	[ -x "$TETHERD" ] || fail "no program at $TETHERD"
	[ -x "$TETHERCTL" ] || fail "no program at $TETHERCTL"
	"$TETHERD" -S "$SOCK" -D "$DB" >>"$DIR/tetherd.log" 2>&1 &
	DAEMON_PID=$!
	wait_until daemon_answers
	ctl --json status
	assert_eq "$DAEMON_PID" "$(jget "$OUT" 'd["pid"]')" "daemon pid in status --json"
}

# assert_follower_told_stop PID ERRFILE: an events -f follower (PID, its
# stderr in ERRFILE) of a daemon stopped by SIGTERM ends, says why, and
# exits 3: the end of the stream is no success.
assert_follower_told_stop() {
	local rc=0
	wait_until not is_alive "$1"
	wait "$1" || rc=$?
	assert_eq 3 "$rc" "exit status of the follower when the daemon stopped"
	assert_eq "tetherctl: events: end of the stream from $SOCK: the daemon stopped (Terminated)" \
		"$(<"$2")" "stderr of the follower"
}

# stop_daemon: SIGTERM, then the daemon must exit within the poll bound;
# its exit status is left in DAEMON_RC.
stop_daemon() {
	kill -TERM "$DAEMON_PID"
	wait_until not is_alive "$DAEMON_PID"
	DAEMON_RC=0
	wait "$DAEMON_PID" || DAEMON_RC=$?
	DAEMON_PID=
}

# state_of_target PID: the "state" |* --json gives for the target PID.
state_of_target() {
	ctl --json '|*'
	jget "$OUT" '[p["state"] for p in d["processes"] if p["pid"] == '"$1"'][0]'
}

# release_if_held PID: a created target may start running or held at its
# start (DESIGN does not say); when |* says it is stopped, `g` lets it run.
# Either way the caller then waits for it to make progress, so a target
# said to run that does not fails the test.
release_if_held() {
	local state
	state=$(state_of_target "$1")
	case $state in
	running) ;;
	stopped)
		ctl g
		assert_match '^Continued [1-9][0-9]* target\(s\)\.$' "$OUT" "g reply for a held created target"
		;;
	*) fail "state of created target $1 is '$state', expected running or stopped" ;;
	esac
}

# attach PID: `.attach PID` must succeed; prints nothing.
attach() {
	ctl .attach "$1"
}

# db SQL: runs SQL on the test's database. A long one (ids listed inline)
# goes through stdin: an argument is limited to 128 KiB.
db() {
	if [ $# -eq 1 ] && [ ${#1} -gt 65536 ]; then
		sqlite3 -batch -bail "$DB" <<<"$1;"
	else
		sqlite3 -batch "$DB" "$@"
	fi
}

# db_is SQL VALUE: SQL's output is VALUE (a command, for wait_until: see
# state_is).
db_is() {
	[ "$(db "$1")" == "$2" ]
}

# pid_of_line: the pid in a status line (from OUT's first line).
pid_of_reply() {
	[[ $OUT =~ id:\ ([0-9]+) ]] || fail "no pid in reply: $OUT"
	echo "${BASH_REMATCH[1]}"
}

DORMANT_LINE='Session default is dormant: no live targets.'

# --- shared by several tests

# stop_of PID: what `|*` says of the target PID: "running", or the reason it
# is stopped (the line's "  [stopped: REASON]" suffix); "absent" when no
# line has that pid. Text, not --json: this runs in polls.
stop_of() {
	local line
	ctl '|*'
	while IFS= read -r line; do
		[[ $line == ?"  "*"  id: $1  "* ]] || continue
		if [[ $line =~ \ \ \[stopped:\ ([^]]*)\]$ ]]; then
			echo "${BASH_REMATCH[1]}"
		else
			echo running
		fi
		return 0
	done <<<"$OUT"
	echo absent
}

stop_is() {
	[ "$(stop_of "$1")" == "$2" ]
}

# target_end ORDINAL: "state|exit_code|exit_signal" of the ordinal in the database.
target_end() {
	db "SELECT state || '|' || ifnull(exit_code, '') || '|' || ifnull(exit_signal, '') FROM targets WHERE ordinal = $1"
}

target_end_is() {
	[ "$(target_end "$1")" == "$2" ]
}

kill_daemon() {
	kill -9 "$DAEMON_PID"
	wait_until not is_alive "$DAEMON_PID"
	wait "$DAEMON_PID" 2>/dev/null || true
	DAEMON_PID=
}

# untraced_by TRACER PID...: the pids (every task) not traced by TRACER, in
# one pass (a shell loop over hundreds of /proc files is slow).
untraced_by() {
	"$PY" -c '
import os, sys
want = sys.argv[1]
for pid in sys.argv[2:]:
    try:
        tasks = os.listdir("/proc/%s/task" % pid)
    except OSError:
        print(pid, "gone"); continue
    for t in tasks:
        try:
            status = open("/proc/%s/task/%s/status" % (pid, t)).read()
        except OSError:
            continue
        tracer = [l.split()[1] for l in status.splitlines() if l.startswith("TracerPid:")]
        if tracer != [want]:
            print(pid, t, tracer)' "$@"
}
