#!/bin/bash
# ||* events -f over a real sshd: one stream of the events of both
# daemons, each line tagged with its system and host (text), or wrapped
# with them (--json); the events are the ones each daemon had.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"
. "${E2E_LIB%/*}/ssh-lib.sh"

start_daemon
open_socket "$SOCK"
start_daemon_b
start_sshd
A=$(host_a)
B=$(host_b)
LA=${A#ssh://}
LB=${B#ssh://}

# user_ctl SOCKET ARGS...: the ssh user's own tetherctl on a daemon, here.
user_ctl() {
	if [ -n "${SSH_UID:-}" ]; then
		setpriv --reuid="$SSH_UID" --regid="$SSH_GID" --clear-groups "$BIN/tetherctl" -S "$@" >/dev/null
	else
		"$TETHERCTL" -S "$@" >/dev/null
	fi
}

spawn_user_sleeper za
ZA=$LAST_PID
spawn_user_sleeper zb
ZB=$LAST_PID

"$TETHERCTL" --connect-timeout "$SSH_TIMEOUT" -H "$A" -H "$B" '||*' events -f \
	>"$DIR/follow.txt" 2>"$DIR/follow-txt.err" </dev/null &
FT=$!
"$TETHERCTL" --connect-timeout "$SSH_TIMEOUT" -H "$A" -H "$B" --json '||* events -f' \
	>"$DIR/follow.json" 2>"$DIR/follow-json.err" </dev/null &
FJ=$!

# has_tagged FILE PREFIX: a line of FILE starts with PREFIX.
has_tagged() {
	grep -qF -- "$2" "$1"
}

# The acknowledgements are not printed: a follower shows that it follows
# by the events it prints. Until both print one of each system, the
# sleepers are attached and detached again.
both_follow() {
	is_alive "$FT" || fail "the text follower ended: $(cat "$DIR/follow-txt.err")"
	is_alive "$FJ" || fail "the --json follower ended: $(cat "$DIR/follow-json.err")"
	has_tagged "$DIR/follow.txt" "0  $LA  " && has_tagged "$DIR/follow.txt" "1  $LB  " &&
		has_tagged "$DIR/follow.json" '{"system":0,' && has_tagged "$DIR/follow.json" '{"system":1,' &&
		return 0
	user_ctl "$SOCK" .attach "$ZA"
	user_ctl "$SOCK" '|. .detach'
	user_ctl "$B_SOCK" .attach "$ZB"
	user_ctl "$B_SOCK" '|. .detach'
	return 1
}
E2E_POLL_SECONDS=$((SSH_TIMEOUT * 2)) POLL_LIMIT_US=$((SSH_TIMEOUT * 2000000)) wait_until both_follow

step "text: each line starts with its system and host"
W=${#LA}
[ ${#LB} -gt "$W" ] && W=${#LB}
while IFS= read -r line; do
	[[ $line =~ ^([01])\ \ ([^ ]+)\ *\ \ [0-9-]+\ [0-9:]+\ \ \|[0-9]+\ +(attach|detach)\  ]] ||
		fail "not a tagged event line: '$line'"
	n=${BASH_REMATCH[1]}
	want=$([ "$n" == 0 ] && echo "$LA" || echo "$LB")
	assert_eq "$want" "${BASH_REMATCH[2]}" "host of system $n in '$line'"
	assert_eq "$(printf '%d  %-*s  ' "$n" "$W" "$want")" "${line:0:$((W + 5))}" "tag of '$line'"
done <"$DIR/follow.txt"

step "--json: each event wrapped with its system and host, from its daemon"
assert_eq "ok" "$("$PY" -c '
import json, sys
hosts = {0: (sys.argv[2], int(sys.argv[3])), 1: (sys.argv[4], int(sys.argv[5]))}
seen = set()
for line in open(sys.argv[1]):
    d = json.loads(line)
    host, pid = hosts[d["system"]]
    assert d["host"] == host, line
    assert d["event"]["pid"] == pid, line
    assert d["event"]["kind"] in ("attach", "detach"), line
    seen.add(d["system"])
assert seen == {0, 1}, seen
print("ok")' "$DIR/follow.json" "$LA" "$ZA" "$LB" "$ZB")" "the --json stream"

step "a daemon that stops ends its part of the stream; the other goes on"
kill -TERM "$B_PID"
wait_until not is_alive "$B_PID"
n=$(line_count "$DIR/follow.txt")
user_ctl "$SOCK" .attach "$ZA"
wait_until has_lines "$DIR/follow.txt" $((n + 1))
assert_match "^0  $LA +  .*attach" "$(tail -n 1 "$DIR/follow.txt")" "the last line after system 1 stopped"
assert_alive "$FT" "the text follower"
