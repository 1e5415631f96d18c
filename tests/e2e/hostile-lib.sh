# Sourced after lib.sh by the hostile-user tests (tests/e2e/hostile-*.sh):
# a root tetherd, and a local user who is allowed on its socket and tries
# to turn it against the host. Each test is an attack that must fail.
#
# Sourcing it makes a throwaway group HOSTILE_GROUP (the group the socket
# admits, as the `tether` group of a farm) and a user HOSTILE_USER in it,
# with its own primary group and a home in $DIR; both are removed when the
# test exits. It skips unless run as root.
#
#   hostile_user              another throwaway user in HOSTILE_GROUP; its
#                             name is left in LAST_USER
#   as_user USER CMD...       runs CMD as USER (uid, primary gid, groups),
#                             keeping the environment, in USER's home
#   spawn_as USER CMD...      the same in the background; LAST_PID is CMD's
#                             own pid (as spawn)
#   hostile_ctl USER ARGS...  tetherctl -S $SOCK ARGS as USER; sets OUT, ERR,
#                             RC as ctl_try does
#   hostile_ctl_expect RC USER ARGS...  the same, and the exit status is RC
#   hostile_start_daemon [CONF]  start_daemon (start_daemon_with CONF: the
#                             test sources config-lib.sh), then opens the
#                             socket (and the way to it) to HOSTILE_GROUP
#   BIN                       a directory of copies of tetherctl and the
#                             helpers every user can run (the build tree
#                             may be under a directory only root enters)

[ "$(id -u)" == 0 ] || skip "needs root (makes a throwaway user)"
for cmd in useradd userdel groupadd groupdel setpriv; do
	command -v "$cmd" >/dev/null || skip "needs $cmd"
done

# Names unique to this test run (parallel tests have other pids); at most
# 32 characters, as useradd wants.
HOSTILE_PREFIX=tt$$
HOSTILE_GROUP=${HOSTILE_PREFIX}g
HOSTILE_USERS=()
HOSTILE_GROUPS=()

# kill_user_processes USER: what tetherd started for USER does not carry
# TETHER_E2E_TAG (a client's targets get a clean environment).
kill_user_processes() {
	local uid f p
	uid=$(id -u "$1") || return 0
	for f in /proc/[0-9]*/status; do
		[[ $(proc_file "$f") =~ $'\n'Uid:[[:blank:]]+$uid[[:blank:]] ]] || continue
		p=${f#/proc/}
		kill -9 "${p%/status}" 2>/dev/null
	done
	return 0
}

hostile_remove_users() {
	local u g
	for u in "${HOSTILE_USERS[@]}"; do
		kill_user_processes "$u"
		# -f: a process of the user that outlived the test's cleanup
		# must not keep its account.
		userdel -f "$u" >/dev/null 2>&1 || echo "cannot remove user $u" >&2
	done
	for g in "${HOSTILE_GROUPS[@]}"; do
		getent group "$g" >/dev/null && { groupdel "$g" || echo "cannot remove group $g" >&2; }
	done
	HOSTILE_USERS=()
	HOSTILE_GROUPS=()
}
CLEANUP_HOOKS+=(hostile_remove_users)

groupadd "$HOSTILE_GROUP" || fail "cannot make group $HOSTILE_GROUP"
HOSTILE_GROUPS+=("$HOSTILE_GROUP")

# Every directory on the way to $DIR's files must be open to the user.
chmod 0711 "$DIR"
mkdir -m 0755 "$DIR/home"

hostile_user() {
	local name=${HOSTILE_PREFIX}u${#HOSTILE_USERS[@]}
	mkdir -m 0700 "$DIR/home/$name"
	useradd -M -U -G "$HOSTILE_GROUP" -d "$DIR/home/$name" -s /bin/sh "$name" ||
		fail "cannot make user $name"
	HOSTILE_USERS+=("$name")
	# useradd -U made the user's own group: userdel removes it, and so
	# does hostile_remove_users if userdel did not.
	HOSTILE_GROUPS+=("$name")
	chown "$name:$name" "$DIR/home/$name"
	LAST_USER=$name
}

hostile_user
HOSTILE_USER=$LAST_USER
HOSTILE_UID=$(id -u "$HOSTILE_USER")

# as_command USER: the words that run a command as USER. setpriv, not
# runuser: no PAM session, the environment is kept (the cleanup finds the
# user's processes by TETHER_E2E_TAG), and env and setpriv exec the command
# in the same process.
as_command() {
	local home=$DIR/home/$1
	AS=(env -C "$home" HOME="$home" USER="$1" LOGNAME="$1"
		setpriv --reuid="$1" --regid="$(id -g "$1")" --init-groups)
}

as_user() {
	as_command "$1"
	shift
	"${AS[@]}" "$@"
}

spawn_as() {
	as_command "$1"
	shift
	spawn "${AS[@]}" "$@"
}

hostile_ctl() {
	local user=$1
	shift
	RC=0
	as_user "$user" "$BIN/tetherctl" -S "$SOCK" "$@" >"$DIR/ctl.out" 2>"$DIR/ctl.err" || RC=$?
	OUT=$(<"$DIR/ctl.out")
	ERR=$(<"$DIR/ctl.err")
	return 0
}

hostile_ctl_expect() {
	local want=$1
	shift
	hostile_ctl "$@"
	[ "$RC" == "$want" ] || fail "tetherctl ${*:2} as $1: expected exit $want, got $RC
stdout: $OUT
stderr: $ERR"
}

BIN=$DIR/bin
mkdir -m 0755 "$BIN"
cp "$TETHERCTL" "$BIN/tetherctl"
for f in "$HELPERS"/*; do
	[ -f "$f" ] && [ -x "$f" ] && cp "$f" "$BIN/"
done
chmod -R a+rX "$BIN"

hostile_start_daemon() {
	if [ $# -gt 0 ]; then
		start_daemon_with "$@"
	else
		start_daemon
	fi
	chgrp "$HOSTILE_GROUP" "$SOCK"
	chmod 0660 "$SOCK"
}
