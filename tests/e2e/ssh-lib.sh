# Sourced by the fleet tests after lib.sh: a private sshd on 127.0.0.1 at a
# free high port, with its own host key, an authorized key made here, and
# a client configuration that trusts that host key only. tetherctl reaches
# it as ssh://$SSH_USER@127.0.0.1:$SSH_PORT/SOCKET: TETHER_SSH_OPTS points
# ssh at the client configuration, TETHER_REMOTE_CTL names the tetherctl
# under test (it is not on the PATH of the login shell). The client
# configuration shares one connection per host across tetherctl runs
# (ControlMaster), as a user's may.
#
# Run as root, the far side is a user made here (SSH_USER, shell /bin/sh):
# the daemons run as root, as on a farm, and what the user does through
# ssh is checked against the user's own credentials; its test programs run
# as that user (spawn_as_user). Run as another user, sshd can only let that
# user in: SSH_USER is then the user running the test.

SSHD=$(command -v sshd || echo /usr/sbin/sshd)
[ -x "$SSHD" ] || skip "sshd (openssh-server) is not installed"
command -v ssh >/dev/null || skip "ssh (openssh-client) is not installed"
command -v ssh-keygen >/dev/null || skip "ssh-keygen is not installed"

SSH_DIR=$DIR/ssh
SSHD_PID=
mkdir -p "$SSH_DIR"
chmod 0755 "$DIR" "$SSH_DIR"

# On exit, before lib.sh's cleanup (which runs with the test's status):
# ssh's shared connections are closed and sshd is stopped. They are not
# found by their environment as the other processes are: ssh and sshd
# write their process titles over it.
fleet_cleanup() {
	local rc=$? cm
	set +e
	for cm in "$SSH_DIR"/cm-*; do
		[ -S "$cm" ] && ssh -F "$SSH_DIR/ssh_config" -o ControlPath="$cm" -O exit 127.0.0.1 >/dev/null 2>&1
	done
	[ -n "$SSHD_PID" ] && kill "$SSHD_PID" 2>/dev/null
	[ -n "${SSH_UID:-}" ] && userdel -f "$SSH_USER" 2>/dev/null && groupdel "$SSH_USER" 2>/dev/null
	# cleanup takes the status from $?: the else branch has the test's.
	if (exit "$rc"); then cleanup; else cleanup; fi
}
trap fleet_cleanup EXIT

if [ "$(id -u)" == 0 ]; then
	command -v useradd >/dev/null || skip "useradd is needed to make the ssh user"
	command -v setpriv >/dev/null || skip "setpriv is needed to run as the ssh user"
	SSH_USER=tt$$s
	useradd -M -d "$SSH_DIR" -s /bin/sh -U "$SSH_USER" || fail "useradd $SSH_USER failed"
	SSH_UID=$(id -u "$SSH_USER")
	# Without PAM, sshd refuses a locked account ('!'), even for a key.
	usermod -p '*' "$SSH_USER" || fail "usermod $SSH_USER failed"
	SSH_GID=$(id -g "$SSH_USER")
	# The programs, where the user can run them (the build tree may be
	# in a directory only root can enter).
	BIN=$SSH_DIR/bin
	mkdir "$BIN"
	cp "$TETHERCTL" "$HELPERS/forker" "$HELPERS/sleeper" "$BIN/"
	chmod 0755 "$BIN" "$BIN"/*
	REMOTE_CTL=$BIN/tetherctl
else
	SSH_USER=$(id -un)
	BIN=$HELPERS
	REMOTE_CTL=$TETHERCTL
fi

# spawn_as_user PROGRAM ARGS...: a program of BIN run as SSH_USER, in the
# background; LAST_PID is its own pid.
spawn_as_user() {
	if [ "$(id -u)" == 0 ]; then
		spawn setpriv --reuid="$SSH_UID" --regid="$SSH_GID" --clear-groups "$BIN/$1" "${@:2}"
	else
		spawn "$BIN/$1" "${@:2}"
	fi
}

# user_dir NAME: $DIR/NAME, made and writable by SSH_USER.
user_dir() {
	mkdir -p "$DIR/$1"
	[ "$(id -u)" == 0 ] && chown "$SSH_USER:" "$DIR/$1"
	return 0
}

# spawn_user_forker NAME: a forker of SSH_USER working in $DIR/NAME/.
spawn_user_forker() {
	user_dir "$1"
	spawn_as_user forker "$DIR/$1"
	wait_until test -s "$DIR/$1/progress"
}

spawn_user_sleeper() {
	user_dir "$1"
	spawn_as_user sleeper "$DIR/$1/progress"
	wait_until test -s "$DIR/$1/progress"
}

# open_socket PATH: lets SSH_USER connect (the daemon checks each request).
open_socket() {
	chmod 0666 "$1"
}

# free_port: a TCP port of 127.0.0.1 that nothing listens on now.
free_port() {
	"$PY" -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# port_listens PORT
port_listens() {
	"$PY" -c '
import socket, sys
s = socket.socket()
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)' "$1"
}

sshd_up() {
	is_alive "$SSHD_PID" || return 2
	port_listens "$SSH_PORT"
}

# start_sshd: sets SSH_PORT and the environment tetherctl needs to use it.
start_sshd() {
	local try rc
	ssh-keygen -q -t ed25519 -N '' -C tether-test-host -f "$SSH_DIR/host_key" ||
		fail "ssh-keygen (host key) failed"
	ssh-keygen -q -t ed25519 -N '' -C tether-test-user -f "$SSH_DIR/id" ||
		fail "ssh-keygen (user key) failed"
	cp "$SSH_DIR/id.pub" "$SSH_DIR/authorized_keys"
	chmod 0644 "$SSH_DIR/authorized_keys"
	# sshd's privilege separation needs its directory, even unused.
	[ -d /run/sshd ] || mkdir -p -m 0755 /run/sshd 2>/dev/null || true
	# The port is free when chosen; another program may take it before
	# sshd binds it: then another port.
	for try in 1 2 3 4 5; do
		SSH_PORT=$(free_port)
		cat >"$SSH_DIR/sshd_config" <<-EOF
		Port $SSH_PORT
		ListenAddress 127.0.0.1
		HostKey $SSH_DIR/host_key
		PidFile $SSH_DIR/sshd.pid
		AuthorizedKeysFile $SSH_DIR/authorized_keys
		StrictModes no
		UsePAM no
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		PubkeyAuthentication yes
		PermitRootLogin prohibit-password
		MaxStartups 100
		MaxSessions 100
		LogLevel ERROR
		EOF
		"$SSHD" -D -e -f "$SSH_DIR/sshd_config" >>"$SSH_DIR/sshd.log" 2>&1 &
		SSHD_PID=$!
		rc=0
		wait_until_or_dead sshd_up || rc=$?
		[ "$rc" == 0 ] && break
		wait "$SSHD_PID" 2>/dev/null || true
	done
	[ "$rc" == 0 ] || fail "sshd did not start: $(cat "$SSH_DIR/sshd.log")"
	{
		printf '[127.0.0.1]:%s ' "$SSH_PORT"
		cut -d' ' -f1,2 "$SSH_DIR/host_key.pub"
	} >"$SSH_DIR/known_hosts"
	cat >"$SSH_DIR/ssh_config" <<-EOF
	Host *
	  IdentityFile $SSH_DIR/id
	  IdentitiesOnly yes
	  UserKnownHostsFile $SSH_DIR/known_hosts
	  GlobalKnownHostsFile /dev/null
	  StrictHostKeyChecking yes
	  LogLevel ERROR
	  ControlMaster auto
	  ControlPath $SSH_DIR/cm-%C
	  ControlPersist 120
	EOF
	export TETHER_SSH_OPTS="-F $SSH_DIR/ssh_config"
	export TETHER_REMOTE_CTL=$REMOTE_CTL
	unset TETHER_HOST TETHER_HOSTS
}

# wait_until_or_dead CMD...: like wait_until, but gives up (status 2)
# as soon as CMD says its process is gone (status 2).
wait_until_or_dead() {
	local deadline=$(($(now_us) + POLL_LIMIT_US)) rc
	while :; do
		rc=0
		"$@" || rc=$?
		[ "$rc" == 0 ] && return 0
		[ "$rc" == 2 ] && return 2
		[ "$(now_us)" -lt "$deadline" ] || fail "timed out after $POLL_SECONDS s waiting until: $*"
		sleep 0.02
	done
}

# A second daemon, the second "host" (same machine, its own socket and
# database): B_SOCK, B_DB, B_PID.
B_SOCK=$DIR/b.sock
B_DB=$DIR/b.db
B_PID=

start_daemon_b() {
	"$TETHERD" -S "$B_SOCK" -D "$B_DB" >>"$DIR/tetherd-b.log" 2>&1 &
	B_PID=$!
	wait_until "$TETHERCTL" -S "$B_SOCK" status >/dev/null 2>&1
	open_socket "$B_SOCK"
}

# The two systems as ssh URLs, and one nothing listens on.
host_a() { echo "ssh://$SSH_USER@127.0.0.1:$SSH_PORT$SOCK"; }
host_b() { echo "ssh://$SSH_USER@127.0.0.1:$SSH_PORT$B_SOCK"; }

# A host that answers gets this long (a loaded machine is slow to log in);
# tests of hosts that do not answer give their own --connect-timeout.
SSH_TIMEOUT=${E2E_SSH_TIMEOUT:-60}

# fleet_try ARGS...: tetherctl with no -S (the hosts say where); sets
# OUT, ERR, RC.
fleet_try() {
	RC=0
	"$TETHERCTL" --connect-timeout "$SSH_TIMEOUT" "$@" >"$DIR/ctl.out" 2>"$DIR/ctl.err" </dev/null || RC=$?
	OUT=$(<"$DIR/ctl.out")
	ERR=$(<"$DIR/ctl.err")
	return 0
}

fleet() {
	fleet_try "$@"
	[ "$RC" == 0 ] || fail "tetherctl $* exited $RC
stdout: $OUT
stderr: $ERR"
}
