#!/bin/bash
# Non-stop and all-stop (issue 4). Non-stop (the default): a crash holds only
# the target that crashed; the other targets of the session run on. All-stop
# (`.allstop 1`): the crash holds every target of the session, the others as
# "break-in"; `|N g` continues one of them, `g` the rest (the crash signal
# then delivered: the crasher dies of it). `.breakin`, and Ctrl+C at the
# interactive tetherctl prompt, hold every target; `g` resumes them all. An
# untraced sleeper is the clock that says how long the held ones stood still.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

# assert_stand_still FILE...: while the untraced witness counts 10 more
# (some 100 ms of its work), each counter FILE keeps its value.
assert_stand_still() {
	local f w before=()
	for f in "$@"; do
		before+=("$(counter "$f")")
	done
	w=$(counter "$DIR/w.progress")
	wait_until counter_above "$DIR/w.progress" $((w + 10))
	for f in "$@"; do
		assert_eq "${before[0]}" "$(counter "$f")" "counter $f of a held target (witness went from $w to $(counter "$DIR/w.progress"))"
		before=("${before[@]:1}")
	done
}

# assert_held ORDINAL PID NAME REASON: `|*` output (in OUT) lists that
# ordinal as an attached target stopped for REASON.
assert_held() {
	local line
	line=$(listed_line "$1")
	assert_eq "$(status_line "${line:0:1}" "$1" "$2" attach "$3")  [stopped: $4]" "$line" "|* line of ordinal $1"
}

ulimit -c 0
start_daemon
SLEEPER_EXE=$(exe_of "$HELPERS/sleeper")
CRASHER_EXE=$(exe_of "$HELPERS/crasher")
spawn_sleeper w
W=$LAST_PID
spawn_sleeper s0
S0=$LAST_PID
spawn_sleeper s1
S1=$LAST_PID
ctl .attach "$S0"
ctl .attach "$S1"

# start_crasher N: a crasher attached as ordinal N; its pid in LAST_PID.
start_crasher() {
	spawn "$HELPERS/crasher" "$DIR/c$1.progress"
	wait_until test -s "$DIR/c$1.progress"
	ctl .attach "$LAST_PID"
	assert_eq "$(status_line "${OUT:0:1}" "$1" "$LAST_PID" attach "$CRASHER_EXE")" "$OUT" ".attach of crasher $1"
}

step "non-stop (default): a crash holds only the crasher"
ctl .allstop
assert_eq "A break stops only the target that caused it (non-stop)." "$OUT" ".allstop (default)"
start_crasher 2
C2=$LAST_PID
kill -USR1 "$C2"
wait_until stop_is "$C2" SIGSEGV
ctl '|*'
assert_eq "0 1 2" "$(ordinals)" "ordinals with crasher 2 held"
assert_listed 0 "$S0" attach "$SLEEPER_EXE"
assert_listed 1 "$S1" attach "$SLEEPER_EXE"
assert_eq "$(status_line "#" 2 "$C2" attach "$CRASHER_EXE")  [stopped: SIGSEGV]" "$(listed_line 2)" "|* line of crasher 2"
wait_progress "$DIR/s0.progress" "$DIR/s1.progress"
assert_stand_still "$DIR/c2.progress"
assert_eq running "$(stop_of "$S0")" "sleeper 0 after crasher 2 stood still"
assert_eq running "$(stop_of "$S1")" "sleeper 1 after crasher 2 stood still"
ctl '|2 .kill'
assert_eq "Terminated." "$OUT" "|2 .kill reply"
assert_eq "killed||9" "$(target_end 2)" "crasher 2 in the database"

step "all-stop: a crash holds every target of the session"
ctl .allstop 1
assert_eq "A break stops every target of the session (all-stop)." "$OUT" ".allstop 1 reply"
ctl --json sx
assert_eq true "$(jget "$OUT" 'd["allstop"]')" "allstop in sx --json"
assert_eq 1 "$(db "SELECT allstop FROM sessions WHERE name = 'default'")" "allstop in the sessions table"
start_crasher 3
C3=$LAST_PID
wait_progress "$DIR/s0.progress" "$DIR/s1.progress" "$DIR/c3.progress"
kill -USR1 "$C3"
wait_until stop_is "$C3" SIGSEGV
wait_until stop_is "$S0" break-in
wait_until stop_is "$S1" break-in
ctl '|*'
assert_eq "0 1 3" "$(ordinals)" "ordinals in all-stop with crasher 3 held"
assert_held 0 "$S0" "$SLEEPER_EXE" break-in
assert_held 1 "$S1" "$SLEEPER_EXE" break-in
assert_eq "$(status_line "#" 3 "$C3" attach "$CRASHER_EXE")  [stopped: SIGSEGV]" "$(listed_line 3)" "|* line of crasher 3"
ctl --json '|*'
assert_eq '[[0,"stopped","break-in",false],[1,"stopped","break-in",false],[3,"stopped","SIGSEGV",true]]' \
	"$(jget "$OUT" '[[p["ordinal"], p["state"], p["stop"], p["event"]] for p in d["processes"]]')" \
	"|* --json (ordinal, state, stop, event) in all-stop"
for p in "$S0" "$S1" "$C3"; do
	assert_eq t "$(proc_state "$p")" "/proc state of held target $p"
done
assert_stand_still "$DIR/s0.progress" "$DIR/s1.progress" "$DIR/c3.progress"

step "|0 g continues sleeper 0 alone"
ctl '|0 g'
assert_eq "Continued 1 target(s)." "$OUT" "|0 g reply"
wait_progress "$DIR/s0.progress"
assert_eq running "$(stop_of "$S0")" "sleeper 0 after |0 g"
assert_stand_still "$DIR/s1.progress" "$DIR/c3.progress"
assert_eq break-in "$(stop_of "$S1")" "sleeper 1 after |0 g"
assert_eq SIGSEGV "$(stop_of "$C3")" "crasher 3 after |0 g"

step "g continues the rest; the SIGSEGV is delivered"
ctl g
assert_eq "Continued 2 target(s)." "$OUT" "g reply"
RC=0
wait "$C3" || RC=$?
assert_eq $((128 + 11)) "$RC" "exit status of crasher 3 after g (128 + SIGSEGV)"
wait_until target_end_is 3 "exited||11"
wait_progress "$DIR/s0.progress" "$DIR/s1.progress"
ctl '|*'
assert_eq "0 1" "$(ordinals)" "ordinals after the end of crasher 3"
assert_listed 0 "$S0" attach "$SLEEPER_EXE"
assert_listed 1 "$S1" attach "$SLEEPER_EXE"

step ".breakin holds every target; g resumes them"
ctl .breakin
assert_eq "Break-in: 2 target(s) stopped." "$OUT" ".breakin reply"
ctl '|*'
assert_held 0 "$S0" "$SLEEPER_EXE" break-in
assert_held 1 "$S1" "$SLEEPER_EXE" break-in
assert_stand_still "$DIR/s0.progress" "$DIR/s1.progress"
assert_eq "0|breakin
1|breakin" "$(db "SELECT t.ordinal || '|' || e.kind FROM events e JOIN targets t ON t.id = e.target_id
	WHERE e.id > (SELECT max(id) FROM events WHERE kind = 'exit') ORDER BY e.id")" "events after the end of crasher 3"
ctl g
assert_eq "Continued 2 target(s)." "$OUT" "g reply after .breakin"
wait_progress "$DIR/s0.progress" "$DIR/s1.progress"
ctl '|*'
assert_listed 0 "$S0" attach "$SLEEPER_EXE"
assert_listed 1 "$S1" attach "$SLEEPER_EXE"

step "Ctrl+C at the interactive prompt breaks in; g resumes"
# tetherctl reads commands from a terminal here: a pseudo-terminal that
# python drives, every read bounded (10 s for each thing awaited).
PYTHONPATH=$(dirname "$E2E_LIB") "$PY" - "$TETHERCTL" "$SOCK" >"$DIR/pty.out" 2>&1 <<'PYEOF' || fail "interactive tetherctl: $(cat "$DIR/pty.out")"
import sys, ptyctl
t = ptyctl.Term([sys.argv[1], "-S", sys.argv[2]])
t.expect(rb"\d+:\d+> ")
# Ctrl+C right after the prompt, before tetherctl waits for input: it must
# not be lost (SIGINT is blocked until tetherctl waits, then taken).
t.send(b"\x03")
t.expect(rb"Break-in: 2 target\(s\) stopped\.\r\n")
t.expect(rb"\d+:\d+> ")
t.end()
PYEOF
ctl '|*'
assert_held 0 "$S0" "$SLEEPER_EXE" break-in
assert_held 1 "$S1" "$SLEEPER_EXE" break-in
assert_stand_still "$DIR/s0.progress" "$DIR/s1.progress"
ctl g
assert_eq "Continued 2 target(s)." "$OUT" "g reply after Ctrl+C"
wait_progress "$DIR/s0.progress" "$DIR/s1.progress"
ctl '|*'
assert_listed 0 "$S0" attach "$SLEEPER_EXE"
assert_listed 1 "$S1" attach "$SLEEPER_EXE"
assert_tracer "$S0" "$DAEMON_PID"
assert_tracer "$S1" "$DAEMON_PID"
assert_alive "$W" "the witness"
