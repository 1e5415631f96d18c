#!/bin/bash
# tetherd under systemd: the unit passes systemd-analyze verify, and tetherd
# tells the service manager it is ready (READY=1, once clients can connect)
# and stopping (STOPPING=1) on the socket NOTIFY_SOCKET names, as sd_notify
# does for Type=notify.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

step "systemd-analyze verify of tetherd.service"
command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed"
# The unit as installed, but for where tetherd is: this build's.
sed "s|^ExecStart=.*|ExecStart=$TETHERD|" "$SRC_DIR/etc/systemd/tetherd.service.in" >"$DIR/tetherd.service"
grep -q '^KillMode=process$' "$DIR/tetherd.service" || fail "the unit does not say KillMode=process"
grep -q '^Type=notify$' "$DIR/tetherd.service" || fail "the unit does not say Type=notify"
RC=0
systemd-analyze verify --man=no "$DIR/tetherd.service" >"$DIR/verify.out" 2>&1 || RC=$?
assert_eq 0 "$RC" "systemd-analyze verify: $(cat "$DIR/verify.out")"
assert_eq "" "$(grep -v '^$' "$DIR/verify.out" || true)" "systemd-analyze verify output"

step "READY=1 and STOPPING=1 on NOTIFY_SOCKET"
# python binds the datagram socket, starts tetherd with NOTIFY_SOCKET set,
# and prints each message it receives, a line each; every wait is bounded.
"$PY" - "$TETHERD" "$SOCK" "$DB" "$DIR/notify" >"$DIR/notify.out" 2>&1 <<'PYEOF' || fail "notify: $(cat "$DIR/notify.out")"
import os, signal, socket, subprocess, sys, time
tetherd, sock, db, path = sys.argv[1:5]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(10)
env = dict(os.environ, NOTIFY_SOCKET=path)
p = subprocess.Popen([tetherd, "-S", sock, "-D", db], env=env,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
def receive(want):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        msg = s.recv(4096).decode()
        print(msg.replace("\n", " "))
        if want in msg.split("\n"):
            return msg
    sys.exit("no %s" % want)
ready = receive("READY=1")
# Ready means clients can connect now.
c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
c.connect(sock)
c.close()
p.send_signal(signal.SIGTERM)
receive("STOPPING=1")
sys.exit(p.wait(timeout=10))
PYEOF
assert_match "READY=1 STATUS=listening on ${SOCK//./\\.}" "$(<"$DIR/notify.out")" "the notification of readiness"
