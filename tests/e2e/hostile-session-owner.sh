#!/bin/bash
# Attack: a user of the socket changes a session of root's: its signal
# filter, stop mode, selection, or continues, breaks in, quits it, or adds
# targets to it. A session belongs to the uid that made it; all of these are
# its owner's and root's only, and change nothing for another user.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"
. "${E2E_LIB%/*}/hostile-lib.sh"

hostile_start_daemon
U=$HOSTILE_USER

ctl -s prod .create "$BIN/sleeper" "$DIR/r.progress"
R=$(pid_of_reply)
TETHER_SESSION=prod release_if_held "$R"
wait_until test -s "$DIR/r.progress"
ctl -s prod .create "$BIN/sleeper" "$DIR/r2.progress"
R2=$(pid_of_reply)
TETHER_SESSION=prod release_if_held "$R2"
ctl -s prod '|0s'

settings() {
	ctl -s prod --json sx
	echo "$OUT"
	ctl -s prod --json .allstop
	echo "$OUT"
	ctl -s prod --json '|*'
	echo "$OUT"
}
BEFORE=$(settings)

step "every command that changes or shows the session as a whole is refused"
for cmd in 'sxe chld' 'sxi segv' 'sxd usr1' 'sxn trap' sx '.allstop 1' .allstop .breakin \
	'|1s' g gh gn q qd '|*' '|' '|1' events history "events -f" ".create $BIN/sleeper" \
	".attach $R"; do
	hostile_ctl_expect 1 "$U" -s prod "$cmd"
	assert_eq "tetherctl: session prod belongs to uid 0" "$ERR" "stderr of the user's $cmd in root's session"
	assert_eq "" "$OUT" "stdout of the user's $cmd in root's session"
done
assert_eq "$BEFORE" "$(settings)" "root's session after the user's commands"
for p in "$R" "$R2"; do
	assert_alive "$p"
	assert_tracer "$p" "$DAEMON_PID"
done
wait_progress "$DIR/r.progress" "$DIR/r2.progress"

step "the user's own sessions are its own"
hostile_ctl_expect 0 "$U" -s ci sxe chld
hostile_ctl_expect 0 "$U" -s ci .create "$BIN/sleeper" "$DIR/home/$U/u.progress"
assert_eq "ci|$HOSTILE_UID prod|0" "$(db "SELECT name || '|' || owner FROM sessions WHERE name IN ('ci', 'prod') ORDER BY name" | tr '\n' ' ' | sed 's/ $//')" \
	"owners of the sessions"
hostile_ctl_expect 0 "$U" status
assert_match "session ci: " "$OUT" "the user's status"
[[ $OUT != *"session prod"* ]] || fail "the user's status shows root's session: $OUT"

step "root may do anything in the user's session"
ctl -s ci '|*'
assert_eq 0 "$(ordinals)" "ordinals root sees in the user's session"
ctl -s ci .allstop 1
hostile_ctl_expect 0 "$U" -s ci .allstop
assert_match "all-stop" "$OUT" "the user's .allstop after root's"
