#!/bin/bash
# Hostile user against the control socket's limits (tether.conf(5)
# max_connections_per_user, max_client_backlog; tetherd(8) LIMITS):
# - a flood of connections: past the user's limit each is refused with a
#   message the client prints; the log says so once, not once per attempt;
#   root's status still answers;
# - out of file descriptors: accepting pauses instead of spinning (a few log
#   lines, not thousands), and root's status still answers;
# - clients that never read their replies are cut off, with a log line;
# - a half-closed client (a request, then shutdown(SHUT_WR)) gets its reply.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"
. "$(dirname "${E2E_LIB:-$0}")/config-lib.sh"
. "$(dirname "${E2E_LIB:-$0}")/hostile-lib.sh"

cp "$(dirname "${E2E_LIB:-$0}")/clients.py" "$BIN/clients.py"
chmod a+r "$BIN/clients.py"
CONF=$DIR/tether.conf
LIMIT=8
HHOME=$DIR/home/$HOSTILE_USER	# where the hostile user writes

# start_limited [PRLIMIT-ARGS...]: the daemon on $CONF, its socket open to
# the hostile group.
start_limited() {
	"$@" "$TETHERD" -c "$CONF" -S "$SOCK" -D "$DB" >>"$DIR/tetherd.log" 2>&1 &
	DAEMON_PID=$!
	wait_until daemon_answers
	chgrp "$HOSTILE_GROUP" "$SOCK"
	chmod 0660 "$SOCK"
}

# stop_flood: ends the flood client (its pid is in its output).
stop_flood() {
	local pid
	pid=$(sed -n 's/^pid //p' "$HHOME/flood.out")
	kill "$pid"
	wait "$FLOOD" 2>/dev/null || true
	rm -f "$HHOME/flood.out"
}

# log_count TEXT: lines of the daemon's log that hold TEXT.
log_count() {
	grep -cF -- "$1" "$DIR/tetherd.log" || true
}

printf '[daemon]\nmax_connections_per_user = %d\nmax_client_backlog = 64K\n' "$LIMIT" >"$CONF"
start_limited

step "a flood of connections from one user"
REFUSAL="too many connections for uid $HOSTILE_UID (limit $LIMIT)"
as_user "$HOSTILE_USER" "$PY" "$BIN/clients.py" flood "$SOCK" 40 "$HHOME/flood.out" &
FLOOD=$!
wait_until test -e "$HHOME/flood.out"
assert_eq "held $LIMIT" "$(grep ^held "$HHOME/flood.out")" "connections the flood still holds"
assert_eq "$((40 - LIMIT))" "$(grep -cxF "$REFUSAL" "$HHOME/flood.out")" "refusals the flood read"
hostile_ctl_expect 1 "$HOSTILE_USER" status
assert_eq "tetherctl: $REFUSAL" "$ERR" "tetherctl's message past the limit"
ctl status
assert_match "^tetherd " "$OUT" "root's status during the flood"
assert_eq 1 "$(log_count "connection refused: $REFUSAL")" "log lines about the refusals"
stop_flood
hostile_ok() {
	hostile_ctl "$HOSTILE_USER" status
	[ "$RC" == 0 ]
}
wait_until hostile_ok

step "clients that never read their replies are cut off"
as_user "$HOSTILE_USER" "$PY" "$BIN/clients.py" noread "$SOCK" 4 status >"$DIR/noread.out"
assert_eq "closed 4" "$(<"$DIR/noread.out")" "clients the daemon closed"
assert_eq 4 "$(log_count "a client of uid $HOSTILE_UID (pid")" "log lines about cut-off clients"
assert_match "does not read: [0-9]+ bytes unsent \(max_client_backlog 65536\): cut off" \
	"$(<"$DIR/tetherd.log")" "the cut-off log line"
ctl status

step "a half-closed client gets its reply"
as_user "$HOSTILE_USER" "$PY" "$BIN/clients.py" halfclose "$SOCK" status >"$DIR/half.out"
assert_eq true "$(jget "$(<"$DIR/half.out")" 'str(d["ok"]).lower()')" "reply to a half-closed client"
assert_match "tetherd [^ ]+, pid $DAEMON_PID" "$(jget "$(<"$DIR/half.out")" 'd["text"]')" \
	"text of the reply to a half-closed client"
stop_daemon

step "out of file descriptors: accepting pauses, root still gets an answer"
command -v prlimit >/dev/null || skip "needs prlimit"
printf '[daemon]\nmax_connections = 10000\nmax_connections_per_user = 10000\n' >"$CONF"
: >"$DIR/tetherd.log"
start_limited prlimit --nofile=48
as_user "$HOSTILE_USER" "$PY" "$BIN/clients.py" flood "$SOCK" 300 "$HHOME/flood.out" &
FLOOD=$!
wait_until test -e "$HHOME/flood.out"
grep -qxF "tetherd is out of file descriptors" "$HHOME/flood.out" ||
	fail "no refusal says the daemon is out of descriptors: $(<"$HHOME/flood.out")"
RC=0
timeout 10 "$TETHERCTL" -S "$SOCK" status >"$DIR/ctl.out" 2>"$DIR/ctl.err" || RC=$?
assert_eq 0 "$RC" "root's status with no descriptor left (stderr: $(<"$DIR/ctl.err"))"
# Without the pause the accept error is retried, and logged, in a loop.
N=$(log_count "accept: Too many open files")
[ "$N" -ge 1 ] && [ "$N" -le 2 ] || fail "$N log lines about accept failing (expected 1 or 2)"
stop_flood
