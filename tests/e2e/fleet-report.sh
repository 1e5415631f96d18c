#!/bin/bash
# ||* report --junit FILE over a real sshd: one JUnit file with a testsuite
# per system (two tetherd as two hosts, and a third whose port is closed:
# a testsuite with one test in error that says why, and exit 1).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"
. "${E2E_LIB%/*}/ssh-lib.sh"

start_daemon
open_socket "$SOCK"
start_daemon_b
start_sshd
CLOSED=$(free_port)
A=$(host_a)
B=$(host_b)
C=ssh://$SSH_USER@127.0.0.1:$CLOSED/x

step "a test that passes on system 0, one that crashes on system 1"
spawn_user_sleeper a0
SA=$LAST_PID
spawn_user_sleeper b0
SB=$LAST_PID
fleet -H "$A" .attach "$SA"
fleet -H "$B" .attach "$SB"
kill -TERM "$SA"
kill -KILL "$SB"
wait_until not is_alive "$SA"
wait_until not is_alive "$SB"
DB=$B_DB wait_until db_is "SELECT reason FROM targets WHERE pid = $SB" crash
wait_until db_is "SELECT reason FROM targets WHERE pid = $SA" exit

step "||* report --junit: a testsuite per system"
fleet_try -H "$A" -H "$B" -H "$C" '||*' report --junit "$DIR/fleet.xml"
assert_eq 1 "$RC" "exit status with system 2 down (stderr: $ERR)"
assert_eq "$DIR/fleet.xml: 3 test(s), 1 failed, 1 in error, 0 skipped" "$OUT" "the report's line"
"$PY" - "$DIR/fleet.xml" "${A#ssh://}" "${B#ssh://}" "${C#ssh://}" "$SA" "$SB" "$CLOSED" <<'EOF' || fail "the JUnit XML (above)"
import re, sys
import xml.etree.ElementTree as ET

path, la, lb, lc, sa, sb, closed = sys.argv[1:8]

def check(cond, what):
    if not cond:
        sys.exit("fleet.xml: " + what)

root = ET.parse(path).getroot()
check([root.get(k) for k in ("tests", "failures", "errors", "skipped")] == ["3", "1", "1", "0"],
      "testsuites counts %s" % root.attrib)
suites = root.findall("testsuite")
check([s.get("name") for s in suites] == [la, lb, lc], "one testsuite a system: %s" % [s.attrib for s in suites])
counts = [[s.get(k) for k in ("tests", "failures", "errors")] for s in suites]
check(counts == [["1", "0", "0"], ["1", "1", "0"], ["1", "0", "1"]], "counts %s" % counts)

def case(suite, pid):
    (c,) = suite.findall("testcase")
    check(c.get("classname") == "default", "classname %s" % c.attrib)
    check(re.match(r"\|0 \(pid %s\) of session default" % pid, c.find("system-out").text),
          "system-out %r" % c.find("system-out").text)
    return c

c = case(suites[0], sa)
check(c.get("name").endswith("/a0/progress") and [e.tag for e in c] == ["system-out"], "the pass: %r" % c.get("name"))
c = case(suites[1], sb)
f = c.find("failure")
check(f is not None and f.get("type") == "crash" and f.get("message") == "crash: ended by SIGKILL",
      "the crash: %s" % (f.attrib if f is not None else None))
(c,) = suites[2].findall("testcase")
e = c.find("error")
check(e is not None and e.get("type") == "unreachable" and
      e.get("message") == "ssh: connect to host 127.0.0.1 port %s: Connection refused" % closed,
      "the system that is down: %s" % (e.attrib if e is not None else None))
EOF

step "||1 report --junit: system 1 alone"
fleet -H "$A" -H "$B" '||1' report --junit "$DIR/one.xml"
assert_eq "$DIR/one.xml: 1 test(s), 1 failed, 0 in error, 0 skipped" "$OUT" "||1 report --junit"
