#!/bin/bash
# A target held at a crash signal (SIGSEGV breaks by default): k's top frame
# is the faulting function at the faulting line, ~*k shows every thread,
# .dump makes a core gdb reads as a SIGSEGV in that function, and the
# target is still held afterwards (the walk does not resume it).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

command -v gdb >/dev/null || fail "gdb is needed (Debian: apt-get install gdb)"
SRC=${E2E_LIB%/e2e/lib.sh}/helpers/stacker.c
[ -r "$SRC" ] || fail "cannot read the helper's source $SRC"
CRASH_LINE=$(grep -n 'CRASH-LINE' "$SRC" | grep -v '^[0-9]*: \*' | cut -d: -f1)
[ -n "$CRASH_LINE" ] || fail "no CRASH-LINE in $SRC"

held_at_segv() {
	ctl_ok '|*' && [[ $OUT == *"[stopped: SIGSEGV]"* ]]
}

# every task of PID in a ptrace-stop (state t)
all_in_trace_stop() {
	local t
	for t in $(tasks "$1"); do
		[ "$(proc_state "$1/task/$t")" == t ] || return 1
	done
}

start_daemon
STACKER_EXE=$(exe_of "$HELPERS/stacker")
mkdir "$DIR/s"
spawn "$HELPERS/stacker" "$DIR/s"
P=$LAST_PID
wait_until test -s "$DIR/s/ready"
ctl .attach "$P"

step "SIGUSR1 makes the helper crash: the target is held at SIGSEGV"
kill -USR1 "$P"
wait_until held_at_segv
ctl '|*'
assert_eq "$(status_line . 0 "$P" attach "$STACKER_EXE")  [stopped: SIGSEGV]" "$(listed_line 0)" \
	"status line of ordinal 0"

step "k: the top frame is the faulting function"
ctl k
assert_match "^\.  0  id: $P\.$P"$'\n'" #  address             call site"$'\n'"00  0x[0-9a-f]{16}  stacker!crash_here\+0x[0-9a-f]+ \[[^]]*stacker\.c @ $CRASH_LINE\]"$'\n'"01  0x[0-9a-f]{16}  stacker!crash2\+0x[0-9a-f]+ \[[^]]*\]"$'\n'"02  0x[0-9a-f]{16}  stacker!crash1\+0x[0-9a-f]+ \[[^]]*\]"$'\n'"03  0x[0-9a-f]{16}  stacker!hang_here\+" \
	"$OUT" "k of the crashed thread"
ctl --json k
assert_eq "crash_here $CRASH_LINE" "$(jget "$OUT" '"%s %d" % (d["threads"][0]["frames"][0]["function"], d["threads"][0]["frames"][0]["line"])')" "top frame of k --json"
TOP_PC=$(jget "$OUT" '"%x" % d["threads"][0]["frames"][0]["pc"]')

step "~*k: three threads; still held"
ctl '~*k'
assert_eq 3 "$(grep -cE "^[. ]  [0-9]+  id: $P\.[0-9]+$" <<<"$OUT")" "thread lines of ~*k in:
$OUT"
assert_eq 1 "$(grep -c 'stacker!crash_here+' <<<"$OUT")" "crash_here in ~*k"
assert_true "held after ~*k" held_at_segv
assert_true "every thread still in a ptrace-stop" all_in_trace_stop "$P"

step ".dump of the held target: gdb sees the SIGSEGV in crash_here"
ctl .dump "$DIR/crash.core"
assert_eq "Core file written: $DIR/crash.core (3 threads)" "$OUT" ".dump reply"
GDB_OUT=$(env -u DEBUGINFOD_URLS gdb -nx -batch -ex 'set debuginfod enabled off' \
	-ex 'thread apply all bt' "$STACKER_EXE" "$DIR/crash.core" 2>&1) || fail "gdb: $GDB_OUT"
assert_match "Program terminated with signal SIGSEGV" "$GDB_OUT" "gdb: the signal of the core"
assert_match "#0 +(0x0*$TOP_PC in )?crash_here \([^)]*\) at [^ ]*stacker\.c:$CRASH_LINE" "$GDB_OUT" "gdb: frame 0 of the core"
assert_true "held after .dump" held_at_segv
assert_true "every thread still in a ptrace-stop after .dump" all_in_trace_stop "$P"

step ".kill ends it"
ctl .kill
assert_eq "Terminated." "$(head -1 <<<"$OUT")" ".kill reply"
wait_until not is_alive "$P"
