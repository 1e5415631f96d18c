#!/bin/bash
# The system commands over a real sshd: two tetherd as two hosts (0, 1)
# and a third host whose port is closed (2). ||* lists all three, the
# third with ssh's reason, exit 1; ||* |* lists every target with its
# system; in one interactive run (a pty) ||1s makes |* show system 1's
# targets only; ||0 |0 .detach acts on system 0 and leaves system 1
# selected; ||# is the system of the latest break.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"
. "${E2E_LIB%/*}/ssh-lib.sh"

ulimit -c 0
start_daemon
open_socket "$SOCK"
start_daemon_b
start_sshd
CLOSED=$(free_port)
A=$(host_a)
B=$(host_b)
C=ssh://$SSH_USER@127.0.0.1:$CLOSED/x
LA=${A#ssh://}
LB=${B#ssh://}
LC=${C#ssh://}
W=${#LA}
[ ${#LB} -gt "$W" ] && W=${#LB}
[ ${#LC} -gt "$W" ] && W=${#LC}
VERSION=$("$TETHERCTL" -V)
VERSION=${VERSION#tetherctl }
SLEEPER_EXE=$(exe_of "$BIN/sleeper")

# label N: system N's label, padded as listings pad it.
label() {
	local l
	case $1 in 0) l=$LA ;; 1) l=$LB ;; 2) l=$LC ;; esac
	printf '%-*s' "$W" "$l"
}

step "targets of the ssh user on both systems"
spawn_user_sleeper a0
SA=$LAST_PID
spawn_user_sleeper b0
SB0=$LAST_PID
spawn_user_sleeper b1
SB1=$LAST_PID
fleet -H "$A" .attach "$SA"
fleet -H "$B" .attach "$SB0"
fleet -H "$B" .attach "$SB1"
assert_tracer "$SA" "$DAEMON_PID"
assert_tracer "$SB1" "$B_PID"

step "||* lists the two systems and the unreachable third, exit 1"
fleet_try -H "$A" -H "$B" -H "$C" '||*'
assert_eq 1 "$RC" "exit status of ||* with a host down
stderr: $ERR"
assert_eq ".  0  $(label 0)  tetherd $VERSION  live: 1  sessions: 1  held: 0
   1  $(label 1)  tetherd $VERSION  live: 2  sessions: 1  held: 0
   2  $(label 2)  unreachable: ssh: connect to host 127.0.0.1 port $CLOSED: Connection refused" "$OUT" "||*"
fleet_try -H "$A" -H "$B" -H "$C" --json '||'
assert_eq 1 "$RC" "exit status of || --json with a host down"
assert_eq '[[0,true,true,1],[1,false,true,2],[2,false,false,null]]' \
	"$(jget "$OUT" '[[s["system"], s["current"], s["reachable"], s.get("live")] for s in d["systems"]]')" "|| --json"
fleet_try -H "$A" -H "$B" -H "$C" --json '||2'
assert_match '^Connection refused$' "$(jget "$OUT" 'd["systems"][0]["reason"].split(": ")[-1]')" "reason in ||2 --json"

step "||* |*: every target of every system, with its system"
fleet -H "$A" -H "$B" '||* |*'
assert_eq "0  $(label 0)  $(status_line . 0 "$SA" attach "$SLEEPER_EXE")
1  $(label 1)  $(status_line . 0 "$SB0" attach "$SLEEPER_EXE")
1  $(label 1)  $(status_line '#' 1 "$SB1" attach "$SLEEPER_EXE")" "$OUT" "||* |*"
fleet -H "$A" -H "$B" --json '||* |*'
assert_eq "[[0, $SA], [1, $SB0], [1, $SB1]]" \
	"$("$PY" -c '
import json, sys
print([[l["system"], p["pid"]] for l in map(json.loads, sys.stdin) for p in l["data"]["processes"]])' <<<"$OUT")" "||* |* --json"

step "||* |* with a host down: the others' targets, and exit 1"
fleet_try -H "$A" -H "$C" -H "$B" '||* |*'
assert_eq 1 "$RC" "exit status of ||* |* with a host down"
assert_eq "0  $(label 0)  $(status_line . 0 "$SA" attach "$SLEEPER_EXE")
2  $(label 1)  $(status_line . 0 "$SB0" attach "$SLEEPER_EXE")
2  $(label 1)  $(status_line '#' 1 "$SB1" attach "$SLEEPER_EXE")" "$OUT" "||* |* with system 1 down"
assert_eq "tetherctl: ||1 $LC: unreachable: ssh: connect to host 127.0.0.1 port $CLOSED: Connection refused" "$ERR" "stderr of ||* |* with system 1 down"

step "an interactive run (a pty): ||1s, then |* lists system 1's targets only"
cat >"$DIR/pty.py" <<'PTY'
import os, select, subprocess, sys, time
master, slave = os.openpty()
p = subprocess.Popen(sys.argv[1:], stdin=slave, stdout=slave, stderr=slave, close_fds=True)
os.close(slave)
out = b""
# until(want): reads until out has want after mark, then a prompt after it.
def until(want, mark, seconds=90):
    global out
    end = time.time() + seconds
    while True:
        at = out.find(want, mark)
        if at >= 0 and out.find(b"> ", at + len(want)) >= 0:
            return
        left = end - time.time()
        if left <= 0:
            sys.stderr.write("pty: no %r then a prompt in %r\n" % (want, out[mark:]))
            sys.exit(1)
        if select.select([master], [], [], left)[0]:
            try:
                out += os.read(master, 65536)
            except OSError:
                sys.stderr.write("pty: closed before %r in %r\n" % (want, out[mark:]))
                sys.exit(1)
until(b"", 0)  # the first prompt (ORDINAL:PID> or SESSION>)
for line, want in ((b"||1s\n", b"tetherd "), (b"|*\n", b"name:")):
    mark = len(out)
    os.write(master, line)
    until(want, mark)
sys.stdout.write(out.decode())
os.write(master, b"\x04")
p.wait(timeout=30)
PTY
"$PY" "$DIR/pty.py" "$TETHERCTL" --connect-timeout "$SSH_TIMEOUT" -H "$A" -H "$B" >"$DIR/pty.out" ||
	fail "the interactive run failed: $(cat "$DIR/pty.out")"
mapfile -t lines < <(tr -d '\r' <"$DIR/pty.out" | grep -E '^[.# ]  [0-9]+  ' || true)
OUT=$(printf '%s\n' "${lines[@]}")
assert_eq ".  1  $(printf '%-*s' ${#LB} "$LB")  tetherd $VERSION  live: 2  sessions: 1  held: 0
$(status_line . 0 "$SB0" attach "$SLEEPER_EXE")
$(status_line '#' 1 "$SB1" attach "$SLEEPER_EXE")" "$OUT" "||1s then |* at the prompt"

step "||0 |0 .detach acts on system 0; system 1 stays selected"
printf '%s\n' '||1s' '||0 |0 .detach' '||.' '|*' >"$DIR/script"
RC=0
"$TETHERCTL" --connect-timeout "$SSH_TIMEOUT" -H "$A" -H "$B" <"$DIR/script" >"$DIR/ctl.out" 2>"$DIR/ctl.err" || RC=$?
OUT=$(<"$DIR/ctl.out")
assert_eq 0 "$RC" "exit status of the script
stderr: $(<"$DIR/ctl.err")"
assert_eq ".  1  $(label 1 | sed 's/ *$//')
0  $(printf '%-*s' ${#LB} "$LA")  Detached.
0  $(printf '%-*s' ${#LB} "$LA")  $DORMANT_LINE
.  1  $(label 1 | sed 's/ *$//')
$(status_line . 0 "$SB0" attach "$SLEEPER_EXE")
$(status_line '#' 1 "$SB1" attach "$SLEEPER_EXE")" \
	"$(sed -E 's/  tetherd .*//' <<<"$OUT")" "output of ||1s, ||0 |0 .detach, ||., |*"
assert_tracer "$SA" 0 "TracerPid of system 0's detached sleeper"
assert_alive "$SA" "system 0's detached sleeper"
wait_progress "$DIR/a0/progress"
assert_tracer "$SB0" "$B_PID"
assert_tracer "$SB1" "$B_PID"
fleet -H "$A" -H "$B" '||0'
assert_eq ".  0  $(label 0 | sed 's/ *$//')  tetherd $VERSION  live: 0  sessions: 1  held: 0" "$OUT" "||0 after the detach"

step "||# is the system of the latest break"
fleet_try -H "$A" -H "$B" '||#'
assert_eq "1 tetherctl: no system has had a break" "$RC $ERR" "||# before any break"
kill -SEGV "$SB1"
wait_until state_is "$SB1" t
fleet -H "$A" -H "$B" '||#'
assert_eq "#  1  $(label 1)  tetherd $VERSION  live: 2  sessions: 1  held: 1" "$OUT" "||# after a break on system 1"
fleet -H "$A" -H "$B" '||# |#'
assert_eq "1  $(label 1)  $(status_line '#' 1 "$SB1" attach "$SLEEPER_EXE")  [stopped: SIGSEGV]" "$OUT" "||# |#"
