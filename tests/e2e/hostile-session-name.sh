#!/bin/bash
# Attack: a user of the socket names a session with a path, so that the log
# root opens for its .create (LOGDIR/SESSION-ORDINAL.log) lands elsewhere:
# through a symbolic link the user planted, onto a file of root's; or in a
# directory the user cannot write. Session names are a restricted set
# (letters, digits, -_., not starting with '.'), refused wherever they
# enter, and logs are created O_EXCL|O_NOFOLLOW in tetherd's own directory.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"
. "${E2E_LIB%/*}/hostile-lib.sh"

hostile_start_daemon
HOME_U=$DIR/home/$HOSTILE_USER

# A file of root's that only root may read or write.
printf 'root data\n' >"$DIR/victim"
chmod 0600 "$DIR/victim"
# A directory only root may write.
mkdir -m 0755 "$DIR/rootonly"

# The log directory is $DIR/logs: from there, enough '..' reach '/'.
UP=../../../../../../../../../../..
as_user "$HOSTILE_USER" mkdir "$HOME_U/mal"
as_user "$HOSTILE_USER" ln -s "$DIR/victim" "$HOME_U/mal/x-0.log"
as_user "$HOSTILE_USER" ln -s "$DIR/victim" "$HOME_U/mal/x-1.log"

victim_untouched() {
	assert_eq "0:0 600 root data" "$(stat -c '%u:%g %a' "$DIR/victim") $(<"$DIR/victim")" \
		"owner, mode and text of root's file"
}

step "a session name that climbs to a link of the user's is refused"
hostile_ctl_expect 2 "$HOSTILE_USER" -s "$UP$HOME_U/mal/x" .create /bin/echo PWNED
assert_match "bad session name '\\.\\./.*': " "$ERR" "stderr of .create in a session named by a path"
victim_untouched

step "the name cannot come in the environment either"
RC=0
TETHER_SESSION="$UP$HOME_U/mal/x" as_user "$HOSTILE_USER" "$BIN/tetherctl" -S "$SOCK" \
	.create /bin/echo PWNED >"$DIR/ctl.out" 2>"$DIR/ctl.err" || RC=$?
assert_eq 2 "$RC" "exit status with TETHER_SESSION naming a path"
assert_match "bad session name" "$(<"$DIR/ctl.err")" "stderr with TETHER_SESSION naming a path"
victim_untouched

step "nor past tetherctl, in a request written to the socket"
as_user "$HOSTILE_USER" "$PY" -c '
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
for name in (sys.argv[2], "../rootonly/x", ".hidden", "a/b", "x" * 65):
    s.sendall((json.dumps({"session": name, "line": ".create /bin/echo PWNED"}) + "\n").encode())
    r = json.loads(s.makefile().readline())
    assert not r["ok"] and r["error"].startswith("bad session name"), (name, r)
' "$SOCK" "$UP$HOME_U/mal/x" || fail "a request naming a bad session was not refused"
victim_untouched
assert_eq "" "$(ls -A "$DIR/rootonly")" "files made in a directory only root writes"
ctl '|*'
assert_eq "" "$(ordinals)" "targets after the refused requests"
assert_eq 0 "$(db 'SELECT count(*) FROM targets')" "rows of targets after the refused requests"

step "names of the restricted set are taken"
hostile_ctl_expect 0 "$HOSTILE_USER" -s Build-7_x.y .create /bin/true
assert_match "^\\.  0  id: [0-9]+  create  name: /(usr/)?bin/true  cmd: /bin/true$" "$OUT" ".create in session Build-7_x.y"

step "the log is tetherd's own file, made anew"
LOG=$DIR/logs/Build-7_x.y-0.log
assert_eq "0 600" "$(stat -c '%u %a' "$LOG")" "owner and mode of the target's log"
assert_eq "1" "$(find "$DIR/logs" -maxdepth 1 -type f | wc -l)" "files in the log directory"
