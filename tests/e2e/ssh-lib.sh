# Sourced by the fleet tests after lib.sh: a private sshd on 127.0.0.1 at a
# free high port, with its own host key, an authorized key made here, and
# a client configuration that trusts that host key only. tetherctl reaches
# it as ssh://127.0.0.1:$SSH_PORT/SOCKET: TETHER_SSH_OPTS points ssh at the
# client configuration, TETHER_REMOTE_CTL names the tetherctl under test
# (it is not on the PATH of the login shell).

SSHD=$(command -v sshd || echo /usr/sbin/sshd)
[ -x "$SSHD" ] || skip "sshd (openssh-server) is not installed"
command -v ssh >/dev/null || skip "ssh (openssh-client) is not installed"
command -v ssh-keygen >/dev/null || skip "ssh-keygen is not installed"

SSH_DIR=$DIR/ssh
SSHD_PID=

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
	mkdir -p "$SSH_DIR"
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
	EOF
	export TETHER_SSH_OPTS="-F $SSH_DIR/ssh_config"
	export TETHER_REMOTE_CTL=$TETHERCTL
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
}

# The two systems as ssh URLs, and one nothing listens on.
host_a() { echo "ssh://127.0.0.1:$SSH_PORT$SOCK"; }
host_b() { echo "ssh://127.0.0.1:$SSH_PORT$B_SOCK"; }

# fleet_try ARGS...: tetherctl with no -S (the hosts say where); sets
# OUT, ERR, RC.
fleet_try() {
	RC=0
	"$TETHERCTL" "$@" >"$DIR/ctl.out" 2>"$DIR/ctl.err" </dev/null || RC=$?
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
