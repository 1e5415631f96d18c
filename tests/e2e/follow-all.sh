#!/bin/bash
# events -f -a follows the events of every session; when the daemon stops
# (SIGTERM), the follower says why on stderr and exits 3 (no daemon).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

start_daemon
"$TETHERCTL" -S "$SOCK" --json events -f -a >"$DIR/follow.json" 2>"$DIR/follow.err" &
F=$!
spawn_sleeper one
ONE=$LAST_PID
spawn_sleeper two
TWO=$LAST_PID

# The acknowledgement is not printed: attach and detach in session s1 until
# the follower prints something.
follower_prints() {
	is_alive "$F" || fail "the follower ended: $(cat "$DIR/follow.err")"
	[ -s "$DIR/follow.json" ] && return 0
	ctl -s s1 .attach "$ONE"
	ctl -s s1 '|. .detach'
	return 1
}
wait_until follower_prints

step "events of two sessions in one stream"
ctl -s s1 .attach "$ONE"
ctl -s s2 .attach "$TWO"
attached_in() { # SESSION PID: the follower printed its attach event
	"$PY" -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["session"] == sys.argv[2] and e["pid"] == int(sys.argv[3]) and e["kind"] == "attach":
        sys.exit(0)
sys.exit(1)' "$DIR/follow.json" "$1" "$2"
}
wait_until attached_in s1 "$ONE"
wait_until attached_in s2 "$TWO"

step "SIGTERM of tetherd: the follower exits 3 with a message"
stop_daemon
assert_eq 0 "$DAEMON_RC" "exit status of tetherd"
assert_follower_told_stop "$F" "$DIR/follow.err"
