#!/bin/bash
# Bad input gets a clear error, the right exit status, and changes nothing
# (DESIGN §6): unknown commands, bad identifiers, a pid that is not a target,
# malformed JSON and an oversized line on the socket; and no daemon at all.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

# raw_exchange KIND: sends one raw request to the socket, prints
# {"reply": <the reply line parsed, or null>, "raw": "...", "closed": bool}.
raw_exchange() {
	"$PY" - "$SOCK" "$1" <<'PYEOF'
import json, socket, sys, threading
path, kind = sys.argv[1], sys.argv[2]
payloads = {
    "malformed": b'{"session": "default", "line": \n',
    "not-object": b'["default", "|*"]\n',
    "too-long": b'{"session": "default", "line": "' + b"x" * (1 << 20) + b'"}\n',
    "valid": b'{"session": "default", "line": "|*"}\n',
    "bad-form": b'{"session": "default", "line": "|*", "form": "xml"}\n',
    "text-form": b'{"session": "default", "line": "|*", "form": "text"}\n',
    "data-form": b'{"session": "default", "line": "|*", "form": "data"}\n',
}
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(path)
def send():
    try:
        s.sendall(payloads[kind])
    except OSError:
        pass  # the daemon may close before it has read it all
threading.Thread(target=send, daemon=True).start()
buf, closed = b"", False
try:
    while b"\n" not in buf:
        chunk = s.recv(65536)
        if not chunk:
            closed = True
            break
        buf += chunk
    if kind == "too-long" and not closed:
        # The connection must be closed after the reply.
        while True:
            chunk = s.recv(65536)
            if not chunk:
                closed = True
                break
except ConnectionResetError:
    closed = True
except socket.timeout:
    pass
line = buf.split(b"\n")[0]
try:
    reply = json.loads(line)
except ValueError:
    reply = None
print(json.dumps({"reply": reply, "raw": line[:300].decode("utf-8", "replace"), "closed": closed}))
PYEOF
}

step "no daemon: exit 3"
ctl_expect 3 status
[ -n "$ERR" ] || fail "no message on stderr when there is no daemon"

start_daemon
spawn_sleeper a
A=$LAST_PID
attach "$A"
spawn_sleeper b
B=$LAST_PID
ctl '|*'
BEFORE=$OUT

step "usage errors: exit 2"
ctl_expect 2 foo
assert_eq "tetherctl: unknown command: foo" "$ERR" "stderr of an unknown command"
ctl_expect 2 stauts
assert_eq "tetherctl: unknown command: stauts (did you mean status?)" "$ERR" "stderr of a mistyped command"
ctl_expect 2 '|~[abc]s'
assert_match '^tetherctl: bad process identifier: ' "$ERR" "stderr of |~[abc]s"
ctl_expect 2 '|1x'
assert_match '^tetherctl: .*unexpected text after process identifier' "$ERR" "stderr of |1x"
ctl_expect 2 select

step "failed commands: exit 1"
# An unknown option is a word tetherctl does not know, as an unknown event
# kind is: exit 1, with the one meant when it is close.
ctl_expect 1 --no-such-option status
assert_eq "tetherctl: unknown option '--no-such-option'
Try 'tetherctl --help'." "$ERR" "stderr of an unknown option"
ctl_expect 1 status --jsno
assert_eq "tetherctl: unknown option '--jsno' (did you mean --json?)
Try 'tetherctl --help'." "$ERR" "stderr of a mistyped option"
ctl_expect 1 '|99s'
assert_eq "tetherctl: no such process: |99" "$ERR" "stderr of |99s"
ctl_expect 1 '|5 .detach'
assert_match '^tetherctl: no such process: \|5$' "$ERR" "stderr of |5 .detach"
ctl_expect 1 .kill "$B"
assert_eq "tetherctl: pid $B is not a target of session default" "$ERR" "stderr of .kill of a non-target"
assert_alive "$B" "the sleeper that is not a target"
assert_tracer "$B" 0
wait_progress "$DIR/b.progress"

step "malformed requests on the socket"
R=$(raw_exchange malformed)
assert_eq false "$(jget "$R" 'd["reply"]["ok"]')" "ok of a malformed request ($R)"
assert_match '^malformed request' "$(jget "$R" 'd["reply"]["error"]')" "error of a malformed request"
R=$(raw_exchange not-object)
assert_eq false "$(jget "$R" 'd["reply"]["ok"]')" "ok of a request that is not an object ($R)"
R=$(raw_exchange too-long)
assert_eq false "$(jget "$R" 'd["reply"]["ok"]')" "ok of a 1 MiB request ($(jget "$R" 'd["raw"]'))"
assert_eq "request line too long (limit 65536 bytes)" "$(jget "$R" 'd["reply"]["error"]')" "error of a 1 MiB request"
assert_eq true "$(jget "$R" 'd["closed"]')" "connection closed after a 1 MiB request"
R=$(raw_exchange valid)
assert_eq true "$(jget "$R" 'd["reply"]["ok"]')" "ok of a valid raw request ($R)"
assert_eq "$BEFORE" "$(jget "$R" 'd["reply"]["text"]')" "text of a valid raw |* request"
assert_eq true "$(jget "$R" 'd["reply"]["text"].endswith("\n")')" "text of a valid raw request ends in a newline"
# The form a request names: only that member comes back; another is refused.
R=$(raw_exchange bad-form)
assert_eq "false|malformed request: \"form\" is \"text\" or \"data\"" \
	"$(jget "$R" '"%s|%s" % (str(d["reply"]["ok"]).lower(), d["reply"]["error"])')" "a request with form xml ($R)"
R=$(raw_exchange text-form)
assert_eq "$BEFORE|False" "$(jget "$R" '"%s|%s" % (d["reply"]["text"].rstrip("\n"), "data" in d["reply"])')" "text and data of a form text request"
R=$(raw_exchange data-form)
assert_eq "False|$(OUT=$BEFORE ordinals | tr ' ' ',')" \
	"$(jget "$R" '"%s|%s" % ("text" in d["reply"], ",".join(str(p["ordinal"]) for p in d["reply"]["data"]["processes"]))')" \
	"text and data of a form data request"

step "nothing changed"
ctl status
ctl '|*'
assert_eq "$BEFORE" "$OUT" "|* after the bad input"
assert_tracer "$A" "$DAEMON_PID"
assert_tracer "$B" 0
wait_progress "$DIR/a.progress" "$DIR/b.progress"
