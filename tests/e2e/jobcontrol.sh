#!/bin/bash
# Job control under trace (issue 4): SIGSTOP and SIGTSTP stop a traced target
# (a group-stop: `|*` says "job control"), SIGCONT resumes it, as without a
# tracer; the other target runs on meanwhile. A traced shell pipeline (the
# shell and, with .childdbg 1, both ends of its pipe) stops as a whole on a
# SIGSTOP to its process group and resumes on SIGCONT.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

# assert_stand_still FILE...: while the witness (a traced sleeper that
# nothing stops) counts 10 more, each counter FILE keeps its value.
assert_stand_still() {
	local f w before=()
	for f in "$@"; do
		before+=("$(counter "$f")")
	done
	w=$(counter "$DIR/w.progress")
	wait_until counter_above "$DIR/w.progress" $((w + 10))
	for f in "$@"; do
		assert_eq "${before[0]}" "$(counter "$f")" "counter $f of a stopped target (witness went from $w to $(counter "$DIR/w.progress"))"
		before=("${before[@]:1}")
	done
}

# signal_events PID: the signal events of the target PID, "NAME action" a line.
signal_events() {
	db "SELECT json_extract(e.detail, '$.name') || ' ' || json_extract(e.detail, '$.action')
		FROM events e JOIN targets t ON t.id = e.target_id
		WHERE t.pid = $1 AND e.kind = 'signal' ORDER BY e.id"
}

start_daemon
SLEEPER_EXE=$(exe_of "$HELPERS/sleeper")
PIPER_EXE=$(exe_of "$HELPERS/piper")
spawn_sleeper w
W=$LAST_PID
# In a process group of its own whose parent (this shell) is in another
# group of the same session: not orphaned, so SIGTSTP stops it (the kernel
# drops SIGTSTP sent to an orphaned process group).
set -m
spawn_sleeper s
S=$LAST_PID
set +m
ctl .attach "$W"
ctl .attach "$S"

for sig in STOP TSTP; do
	step "SIG$sig to a traced target"
	kill "-$sig" "$S"
	wait_until stop_is "$S" "job control"
	ctl '|*'
	assert_eq "$(status_line "#" 1 "$S" attach "$SLEEPER_EXE")  [stopped: job control]" "$(listed_line 1)" "|* line of the stopped sleeper"
	assert_listed 0 "$W" attach "$SLEEPER_EXE" ". "
	ctl --json '|*'
	assert_eq '[[0,"running",null],[1,"stopped","job control"]]' \
		"$(jget "$OUT" '[[p["ordinal"], p["state"], p["stop"]] for p in d["processes"]]')" \
		"|* --json (ordinal, state, stop) after SIG$sig"
	assert_eq t "$(proc_state "$S")" "/proc state of the sleeper stopped by SIG$sig (traced)"
	assert_stand_still "$DIR/s.progress"

	step "SIGCONT resumes it"
	kill -CONT "$S"
	wait_until stop_is "$S" running
	wait_progress "$DIR/s.progress" "$DIR/w.progress"
	assert_tracer "$S" "$DAEMON_PID"
	# g has nothing to continue: job control is not a hold.
	ctl g
	assert_eq "Continued 0 target(s)." "$OUT" "g after SIGCONT"
done
assert_eq "SIGSTOP notify
SIGCONT notify
SIGTSTP notify
SIGCONT notify" "$(signal_events "$S")" "signal events of the sleeper"

step "a traced shell pipeline"
mkfifo "$DIR/go"
ctl .create /bin/sh -c "read x <'$DIR/go'; '$HELPERS/piper' produce '$DIR/a' | '$HELPERS/piper' consume '$DIR/b'"
SH=$(pid_of_reply)
ctl '|2s'
ctl .childdbg 1
assert_eq "Processes created by the current process will be debugged" "$OUT" ".childdbg 1 of the shell"
timeout 10 sh -c 'echo go >"$1"' sh "$DIR/go" || fail "the shell did not open $DIR/go"
wait_until is_listed 4
wait_until test -s "$DIR/a"
wait_until test -s "$DIR/b"
wait_progress "$DIR/a" "$DIR/b"
ctl --json '|*'
assert_eq "[[3,2,\"$PIPER_EXE\"],[4,2,\"$PIPER_EXE\"]]" \
	"$(jget "$OUT" '[[p["ordinal"], p["parent"], p["name"]] for p in d["processes"] if p["ordinal"] > 2]')" \
	"the ends of the pipe in |* --json (ordinal, parent, name)"
PIPE_PIDS=$(jget "$OUT" '" ".join(str(p["pid"]) for p in d["processes"] if p["ordinal"] > 2)')
PGID=$(proc_file "/proc/$SH/stat")
PGID=${PGID##*) }
PGID=$(echo "$PGID" | cut -d' ' -f3)
assert_eq "$SH" "$PGID" "process group of the created shell (a session of its own)"
for p in $PIPE_PIDS; do
	PG=$(proc_file "/proc/$p/stat")
	PG=${PG##*) }
	assert_eq "$SH" "$(echo "$PG" | cut -d' ' -f3)" "process group of pipe end $p"
done

step "kill -STOP -$PGID: the whole pipeline stops"
kill -STOP -- "-$PGID"
for p in "$SH" $PIPE_PIDS; do
	wait_until stop_is "$p" "job control"
done
assert_stand_still "$DIR/a" "$DIR/b"
assert_eq running "$(stop_of "$W")" "the witness while the pipeline is stopped"

step "kill -CONT -$PGID: it resumes"
kill -CONT -- "-$PGID"
for p in "$SH" $PIPE_PIDS; do
	wait_until stop_is "$p" running
done
wait_progress "$DIR/a" "$DIR/b"
ctl '|*'
assert_eq "0 1 2 3 4" "$(ordinals)" "ordinals after the pipeline resumed"
for p in $PIPE_PIDS; do
	assert_eq "SIGSTOP notify
SIGCONT notify" "$(signal_events "$p")" "signal events of pipe end $p"
done
