#!/bin/bash
# tetherctl -H ssh://HOST (a real sshd, started here): the walk-through of
# seeds/001 run on the far side through `tetherctl dial-stdio`: attach,
# .childdbg 1, the fork, |1s, .kill of the child, the parent running on;
# asserted on the processes. A host whose tetherd is not there says so,
# with the far side's reason; dial-stdio does nothing but relay.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"
. "${E2E_LIB%/*}/ssh-lib.sh"

start_daemon
open_socket "$SOCK"
start_sshd
H=$(host_a)
spawn_user_forker f
FORKER=$LAST_PID
FORKER_EXE=$(exe_of "$BIN/forker")

step "attach the forker over ssh"
fleet -H "$H" .attach "$FORKER"
assert_eq "$(status_line . 0 "$FORKER" attach "$FORKER_EXE")" "$OUT" ".attach reply over ssh"
assert_tracer "$FORKER" "$DAEMON_PID"

fleet -H "$H" .childdbg 1
assert_eq "Processes created by the current process will be debugged" "$OUT" ".childdbg 1 reply over ssh"

step "the forker forks; the child joins as ordinal 1"
kill -USR1 "$FORKER"
wait_until has_lines "$DIR/f/children" 1
CHILD=$(nth_line "$DIR/f/children" 1)
wait_until is_listed 1
fleet -H "$H" '|*'
assert_eq "$(status_line . 0 "$FORKER" attach "$FORKER_EXE")
$(status_line ' ' 1 "$CHILD" child "$FORKER_EXE")" "$OUT" "|* over ssh after the fork"
assert_tracer "$CHILD" "$DAEMON_PID"

step "|1s selects the child, over ssh"
fleet -H "$H" '|1s'
assert_eq "$(status_line . 1 "$CHILD" child "$FORKER_EXE")" "$OUT" "|1s reply over ssh"

step ".kill ends the child, the parent keeps running"
fleet -H "$H" .kill
assert_eq "Terminated." "$OUT" ".kill reply over ssh"
assert_dead "$CHILD" "the killed child"
wait_until grep -qx "$CHILD signal 9" "$DIR/f/reaped"
assert_alive "$FORKER" "the forker"
assert_tracer "$FORKER" "$DAEMON_PID"
fleet -H "$H" '|*'
assert_eq 0 "$(ordinals)" "ordinals listed over ssh after .kill"
assert_listed 0 "$FORKER" attach "$FORKER_EXE"
fleet -H "$H" g
wait_progress "$DIR/f/progress"

if [ "$(id -u)" == 0 ]; then
	step "the far side acts with the ssh user's credentials, not root's"
	spawn_sleeper r
	R=$LAST_PID
	ctl .attach "$R"
	fleet_try -H "$H" "|~[$R] .kill"
	assert_eq 1 "$RC" "exit status of the ssh user's |~[$R] .kill of root's target
stdout: $OUT
stderr: $ERR"
	# Root's target is not the user's to act on, nor to see.
	assert_match '[Pp]ermission|not permitted|no such process' "$ERR" "the ssh user's |~[$R] .kill of root's target"
	assert_alive "$R" "root's sleeper"
	assert_tracer "$R" "$DAEMON_PID"
	ctl "|~[$R] .detach"
fi

step "TETHER_HOST is the default for -H; --json works the same"
TETHER_HOST=$H fleet --json '|*'
assert_eq "[$FORKER]" "$(jget "$OUT" '[p["pid"] for p in d["processes"]]')" "|* --json through TETHER_HOST"

step "a host with no tetherd: exit 3, with the far side's reason"
fleet_try -H "ssh://127.0.0.1:$SSH_PORT$DIR/nothing.sock" '|*'
assert_eq 3 "$RC" "exit status with no daemon on the far side
stderr: $ERR"
assert_eq "tetherctl: no daemon at ssh://127.0.0.1:$SSH_PORT$DIR/nothing.sock: tetherctl: no daemon at $DIR/nothing.sock: No such file or directory" "$ERR" "message with no daemon on the far side"

step "dial-stdio relays and does nothing else"
# The daemon drops the replies of a client that has gone (stdin's end is
# passed on): the request is written, the reply read, then stdin closed.
R=$("$PY" -c '
import subprocess, sys
p = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
p.stdin.write(b"{\"line\":\"|*\",\"form\":\"text\"}\n")
p.stdin.flush()
print(p.stdout.readline().decode(), end="")
p.stdin.close()
sys.exit(p.wait(timeout=10))' "$TETHERCTL" -S "$SOCK" dial-stdio)
assert_eq "$FORKER" "$(jget "$R" 'd["text"].split("id: ")[1].split()[0]')" "pid in the relayed |* reply"
ctl_expect 2 dial-stdio '|*'
assert_match 'dial-stdio takes no arguments' "$ERR" "dial-stdio with a command"
ctl_expect 2 -H "$H" dial-stdio
assert_match 'dial-stdio takes no arguments' "$ERR" "dial-stdio with a host"
