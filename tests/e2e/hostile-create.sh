#!/bin/bash
# Attack: a user of the socket has root do the steps of its .create: change
# to a directory only root may enter (and run a program there on a file
# only root may read), find out what exists there through the program
# lookup, or inherit root's environment. A non-root client's .create does
# its chdir and PATH lookup as the client, in a clean environment, and
# every failure of the new process's setup is a clear error, not a target
# that exits with 127.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"
. "${E2E_LIB%/*}/hostile-lib.sh"

hostile_start_daemon
U=$HOSTILE_USER
HOME_U=$DIR/home/$U
mkdir -m 0700 "$DIR/rootdir"
echo "root's secret" >"$DIR/rootdir/f"
cp /bin/true "$DIR/rootdir/prog"

# raw_create CWD ARGS...: a .create request with any cwd, as the user.
raw_create() {
	local cwd=$1
	shift
	as_user "$U" "$PY" -c '
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
line = " ".join(sys.argv[3:])
s.sendall((json.dumps({"session": "ci", "line": line, "cwd": sys.argv[2]}) + "\n").encode())
r = json.loads(s.makefile().readline())
print(r.get("error", "ok"))' "$SOCK" "$cwd" "$@"
}

step "the chdir is the client's"
assert_eq "cannot change to directory $DIR/rootdir: Permission denied" \
	"$(raw_create "$DIR/rootdir" .create /bin/cat f)" "a .create in root's directory"

step "the program lookup is the client's: no oracle of what exists"
hostile_ctl_expect 1 "$U" -s ci .create "$DIR/rootdir/prog"
assert_eq "tetherctl: $DIR/rootdir/prog: Permission denied" "$ERR" ".create of a program in root's directory"
hostile_ctl_expect 1 "$U" -s ci .create "$DIR/rootdir/none"
assert_eq "tetherctl: $DIR/rootdir/none: Permission denied" "$ERR" ".create of a missing program in root's directory"
ctl -s ci '|*'
assert_eq "" "$(ordinals)" "targets after the refused .creates"

step "no program, a directory, a program that cannot be executed: clear errors"
hostile_ctl_expect 1 "$U" -s ci .create ""
assert_eq "tetherctl: no program: the program name is empty" "$ERR" ".create ''"
hostile_ctl_expect 1 "$U" -s ci .create /tmp
assert_eq "tetherctl: /tmp: Is a directory" "$ERR" ".create of a directory"
hostile_ctl_expect 1 "$U" -s ci .create no-such-program-here
assert_eq "tetherctl: no-such-program-here: No such file or directory" "$ERR" ".create of a missing program"
printf 'not a program\n' >"$HOME_U/bad"
chmod 0755 "$HOME_U/bad"
hostile_ctl_expect 1 "$U" -s ci .create "$HOME_U/bad"
assert_eq "tetherctl: cannot execute $HOME_U/bad: Exec format error" "$ERR" ".create of a file that is no program"

step "the environment is a clean one of the client's"
# shellcheck disable=SC2016
hostile_ctl_expect 0 "$U" -s ci .create sh -c 'env >"$HOME/env.out"'
wait_until test -s "$HOME_U/env.out"
wait_until not is_alive "$(pid_of_reply)"
assert_eq "HOME=$HOME_U
LOGNAME=$U
PATH=/usr/local/bin:/usr/bin:/bin
PWD=$HOME_U
SHELL=/bin/sh
USER=$U" "$(grep -v '^_=\|^SHLVL=' "$HOME_U/env.out" | sort)" "environment of the user's target"

step "its ids are the client's, groups included (looked up by the new process)"
# shellcheck disable=SC2016
hostile_ctl_expect 0 "$U" -s ci .create sh -c 'id -u >"$HOME/ids.out"; id -G >>"$HOME/ids.out"'
wait_until test -s "$HOME_U/ids.out"
wait_until not is_alive "$(pid_of_reply)"
assert_eq "$(id -u "$U")
$(id -G "$U")" "$(<"$HOME_U/ids.out")" "uid and groups of the user's target"
