#!/bin/bash
# Hostile user against tetherd's files (tetherd(8) FILES, tether.conf(5)):
# - a root tetherd reads no configuration file that another user owns or
#   that group or others may write, at start or at reload (the running
#   configuration stays, and what the file says is not run as root);
# - -c of a FIFO, a device or a directory is refused at once, not a hang;
# - restart = always with restart_delay = 0 is refused;
# - a per-user daemon refuses a socket directory another user made (or
#   one open to others), and tetherctl will not talk to a socket there.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"
. "$(dirname "${E2E_LIB:-$0}")/config-lib.sh"
. "$(dirname "${E2E_LIB:-$0}")/hostile-lib.sh"

CONF=$DIR/tether.conf
MARK=$DIR/pwned
cp "$TETHERD" "$BIN/tetherd"
chmod a+rx "$BIN/tetherd"

# start_fails FILE MESSAGE: tetherd -c FILE exits 1 at once with MESSAGE
# on stderr, and creates no database.
start_fails() {
	local rc=0
	timeout 10 "$TETHERD" -c "$1" -S "$SOCK" -D "$DB" >"$DIR/start.out" 2>"$DIR/start.err" || rc=$?
	[ "$rc" != 124 ] || fail "tetherd -c $1 did not exit"
	assert_eq 1 "$rc" "exit status of tetherd -c $1"
	assert_eq "tetherd: $2" "$(<"$DIR/start.err")" "stderr of tetherd -c $1"
	[ ! -e "$DB" ] || fail "a database was created despite -c $1"
}

step "-c of a file that is not a regular one"
mkfifo "$DIR/fifo"
start_fails /dev/zero "/dev/zero: not a regular file"
start_fails "$DIR/fifo" "$DIR/fifo: not a regular file"
start_fails "$DIR" "$DIR: not a regular file"

step "restart = always with restart_delay = 0"
printf '[target "t"]\ncommand = /bin/true\nrestart = always\nrestart_delay = 0\n' >"$CONF"
start_fails "$CONF" "$CONF:4: target \"t\": restart_delay 0s is below min_restart_delay (1s, [daemon])"

step "a configuration file the hostile user owns, or may write"
# What the hostile user would have root run.
EVIL="[target \"evil\"]
command = /bin/touch $MARK
"
printf '%s' "$EVIL" >"$CONF"
chown "$HOSTILE_USER" "$CONF"
start_fails "$CONF" "$CONF: owned by uid $HOSTILE_UID, not root: a root tetherd reads only a file that root owns"
chown root "$CONF"
chmod 0666 "$CONF"
start_fails "$CONF" "$CONF: writable by group or others (mode 0666): a root tetherd reads only a file that root alone may write (chmod go-w)"
chmod 0644 "$CONF"
mkdir -m 0777 "$DIR/open"
cp "$CONF" "$DIR/open/tether.conf"
start_fails "$DIR/open/tether.conf" "$DIR/open/tether.conf: its directory $DIR/open is writable by group or others (mode 0777): a root tetherd reads only a file in a directory that root alone may change"
[ ! -e "$MARK" ] || fail "the hostile command ran"

step "reload of a file the hostile user took over: refused, nothing runs"
printf '[daemon]\nlog_level = info\n' >"$CONF"
start_daemon_with "$CONF"
chown "$HOSTILE_USER" "$CONF"
as_user "$HOSTILE_USER" sh -c 'printf "%s" "$1" >"$2"' sh "$EVIL" "$CONF"
ctl_expect 1 reload
assert_eq "tetherctl: $CONF: owned by uid $HOSTILE_UID, not root: a root tetherd reads only a file that root owns; the running configuration stays" \
	"$ERR" "reload of a file the hostile user owns"
chown root "$CONF"
chmod 0666 "$CONF"
ctl_expect 1 reload
assert_match "^tetherctl: $CONF: writable by group or others \(mode 0666\)" "$ERR" \
	"reload of a file others may write"
ctl '|*'
assert_eq "$DORMANT_LINE" "$OUT" "targets after the refused reloads"
[ ! -e "$MARK" ] || fail "the hostile command ran as root"
stop_daemon

step "a per-user daemon and a socket directory another user made"
hostile_user
VICTIM=$LAST_USER
VUID=$(id -u "$VICTIM")
RUNDIR=/tmp/tether-$VUID
rm -rf "$RUNDIR"
CLEANUP_HOOKS+=("rm -rf '$RUNDIR'")
as_user "$HOSTILE_USER" mkdir -m 0777 "$RUNDIR"
as_user "$HOSTILE_USER" chmod 0777 "$RUNDIR"
# victim_run CMD...: CMD as the victim, with the default socket path.
victim_run() {
	RC=0
	env -u XDG_RUNTIME_DIR -u TETHER_SOCKET timeout 10 setpriv --reuid="$VICTIM" \
		--regid="$(id -g "$VICTIM")" --init-groups env HOME="$DIR/home/$VICTIM" \
		"$@" >"$DIR/victim.out" 2>"$DIR/victim.err" || RC=$?
	OUT=$(<"$DIR/victim.out")
	ERR=$(<"$DIR/victim.err")
	[ "$RC" != 124 ] || fail "$* as the victim did not end"
}
victim_run "$BIN/tetherd" -D "$DIR/home/$VICTIM/tether.db"
assert_eq 1 "$RC" "exit status of the victim's tetherd"
assert_eq "tetherd: $RUNDIR is owned by uid $HOSTILE_UID, not by uid $VUID: remove it and start tetherd again" \
	"$ERR" "the victim's tetherd in a directory the hostile user made"
[ ! -e "$DIR/home/$VICTIM/tether.db" ] || fail "the victim's tetherd made a database before it stopped"
# The hostile user listens where the victim's tetherctl would connect.
as_user "$HOSTILE_USER" "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1] + "/tetherd.sock")
s.listen(1)
open(sys.argv[2], "w").close()
s.accept()
open(sys.argv[3], "w").close()' "$RUNDIR" "$DIR/home/$HOSTILE_USER/listening" "$DIR/home/$HOSTILE_USER/accepted" &
wait_until test -e "$DIR/home/$HOSTILE_USER/listening"
victim_run "$BIN/tetherctl" .create /bin/echo secret
assert_eq 3 "$RC" "exit status of the victim's tetherctl"
assert_eq "tetherctl: no daemon at $RUNDIR/tetherd.sock: $RUNDIR is owned by uid $HOSTILE_UID, not by uid $VUID or root: remove it (tetherd makes it anew)" \
	"$ERR" "the victim's tetherctl before a socket in the hostile user's directory"
[ ! -e "$DIR/home/$HOSTILE_USER/accepted" ] || fail "the victim connected to the hostile listener"

step "its own directory, open to others: refused with what to fix"
rm -rf "$RUNDIR"
mkdir -m 0777 "$RUNDIR"
chown "$VICTIM" "$RUNDIR"
victim_run "$BIN/tetherd" -D "$DIR/home/$VICTIM/tether.db"
assert_eq 1 "$RC" "exit status of the victim's tetherd"
assert_eq "tetherd: $RUNDIR has mode 0777: a per-user tetherd needs it 0700 (chmod 700 $RUNDIR)" \
	"$ERR" "the victim's tetherd in its own directory open to others"

step "no directory: the daemon makes it, the user's alone"
rm -rf "$RUNDIR"
env -u XDG_RUNTIME_DIR -u TETHER_SOCKET setpriv --reuid="$VICTIM" --regid="$(id -g "$VICTIM")" \
	--init-groups env HOME="$DIR/home/$VICTIM" "$BIN/tetherd" -D "$DIR/home/$VICTIM/tether.db" \
	>>"$DIR/victim-tetherd.log" 2>&1 &
victim_answers() {
	victim_run "$BIN/tetherctl" status
	[ "$RC" == 0 ]
}
wait_until victim_answers
assert_eq "$VICTIM 700" "$(stat -c '%U %a' "$RUNDIR")" "owner and mode of the directory it made"
