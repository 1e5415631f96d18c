#!/bin/bash
# A crash is held for triage while the rest keeps running (issue 4): a target
# that dereferences NULL is held in its SIGSEGV signal-delivery stop, becomes
# the event process `|#`, and stands still while two other targets of the
# session keep making progress. `.kill /n` then lets the SIGSEGV end it (exit
# signal 11); in a second run `.kill /h` suppresses it and SIGKILL ends it
# (exit signal 9). The other targets stay traced and running.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

# No core file of the crashes left behind (wherever core_pattern points).
ulimit -c 0
start_daemon
SLEEPER_EXE=$(exe_of "$HELPERS/sleeper")
CRASHER_EXE=$(exe_of "$HELPERS/crasher")

# assert_stands_still FILE VALUE WITNESS: while the counter in WITNESS moves on by
# 10 (some 100 ms of its work), the counter in FILE keeps VALUE.
assert_stands_still() {
	local w
	w=$(counter "$3")
	wait_until counter_above "$3" $((w + 10))
	assert_eq "$2" "$(counter "$1")" "counter $1 of a held target (witness $3 went from $w to $(counter "$3"))"
}

spawn_sleeper s0
S0=$LAST_PID
spawn_sleeper s1
S1=$LAST_PID
ctl .attach "$S0"
ctl .attach "$S1"

# crash_run N HOW: attach a new crasher (ordinal N), make it crash, check it
# is held while the sleepers run, end it with `.kill HOW`.
crash_run() {
	local n=$1 how=$2 crasher v sig handled want_rc rc
	spawn "$HELPERS/crasher" "$DIR/c$n.progress"
	crasher=$LAST_PID
	wait_until test -s "$DIR/c$n.progress"
	ctl .attach "$crasher"
	assert_eq "$(status_line "${OUT:0:1}" "$n" "$crasher" attach "$CRASHER_EXE")" "$OUT" ".attach of crasher $n"
	wait_progress "$DIR/c$n.progress"

	step "crasher $n dereferences NULL: held at SIGSEGV"
	kill -USR1 "$crasher"
	wait_until stop_is "$crasher" SIGSEGV
	ctl '|#'
	assert_eq "$(status_line "#" "$n" "$crasher" attach "$CRASHER_EXE")  [stopped: SIGSEGV]" "$OUT" "|# after the crash"
	ctl '|*'
	assert_eq "0 1 $n" "$(ordinals)" "ordinals while crasher $n is held"
	assert_listed 0 "$S0" attach "$SLEEPER_EXE" ". "
	assert_listed 1 "$S1" attach "$SLEEPER_EXE" ". "
	assert_eq "t" "$(proc_state "$crasher")" "state of the held crasher in /proc/$crasher/stat"
	assert_tracer "$crasher" "$DAEMON_PID"
	# The signal-delivery stop is where the crash left it: SIGSEGV pending.
	v=$(counter "$DIR/c$n.progress")
	wait_progress "$DIR/s0.progress" "$DIR/s1.progress"
	assert_stands_still "$DIR/c$n.progress" "$v" "$DIR/s0.progress"
	assert_stands_still "$DIR/c$n.progress" "$v" "$DIR/s1.progress"
	ctl --json '|#'
	assert_eq "[$n,$crasher,\"stopped\",\"SIGSEGV\",true]" \
		"$(jget "$OUT" '[[p["ordinal"], p["pid"], p["state"], p["stop"], p["event"]] for p in d["processes"]][0]')" \
		"|# --json (ordinal, pid, state, stop, event) after the others ran"
	ctl '|*'
	assert_listed 0 "$S0" attach "$SLEEPER_EXE" ". "
	assert_listed 1 "$S1" attach "$SLEEPER_EXE" ". "
	assert_eq "signal|{\"signal\":11,\"name\":\"SIGSEGV\",\"tid\":$crasher,\"action\":\"break\"}" \
		"$(db "SELECT e.kind || '|' || e.detail FROM events e JOIN targets t ON t.id = e.target_id
			WHERE t.pid = $crasher AND t.ordinal = $n ORDER BY e.id DESC LIMIT 1")" \
		"latest event of crasher $n"

	step "|# .kill $how"
	ctl "|# .kill $how"
	assert_eq "Terminated." "$OUT" "|# .kill $how reply"
	case $how in
	/n) sig=11 handled=false ;;
	/h) sig=9 handled=true ;;
	esac
	want_rc=$((128 + sig))
	rc=0
	wait "$crasher" || rc=$?
	assert_eq "$want_rc" "$rc" "exit status of crasher $n seen by its parent (128 + signal)"
	assert_eq "killed||$sig" \
		"$(db "SELECT state || '|' || ifnull(exit_code, '') || '|' || ifnull(exit_signal, '') FROM targets WHERE pid = $crasher AND ordinal = $n")" \
		"targets row of crasher $n (state|exit_code|exit_signal)"
	assert_eq "attach|
signal|{\"signal\":11,\"name\":\"SIGSEGV\",\"tid\":$crasher,\"action\":\"break\"}
kill|{\"signal\":$sig,\"outstanding\":11,\"handled\":$handled}" \
		"$(db "SELECT e.kind || '|' || ifnull(e.detail, '') FROM events e JOIN targets t ON t.id = e.target_id
			WHERE t.pid = $crasher AND t.ordinal = $n ORDER BY e.id")" \
		"events of crasher $n"
	ctl '|*'
	assert_eq "0 1" "$(ordinals)" "ordinals after the kill of crasher $n"
	assert_listed 0 "$S0" attach "$SLEEPER_EXE"
	assert_listed 1 "$S1" attach "$SLEEPER_EXE"
	for p in "$S0" "$S1"; do
		assert_tracer "$p" "$DAEMON_PID"
	done
	wait_progress "$DIR/s0.progress" "$DIR/s1.progress"
}

crash_run 2 /n
crash_run 3 /h
