#!/bin/bash
# report --junit FILE: a passing, a crashing and a hung test give JUnit XML
# (read back with python's xml.etree) with 1 pass and 2 failures, each with
# its reason, signal, first frames and triage files; a hostile command line
# as a test's name leaves the XML well-formed.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"
. "$(dirname "${E2E_LIB:-$0}")/config-lib.sh"

# stop_is_in SESSION PID REASON: |* of SESSION says PID is held for REASON.
stop_is_in() {
	ctl -s "$1" --json '|*'
	[ "$(jget "$OUT" 'str(next((p["stop"] for p in d["processes"] if p["pid"] == '"$2"'), None))')" == "$3" ]
}

SLEEPER_EXE=$(exe_of "$HELPERS/sleeper")
CONF=$DIR/tether.conf
scan_policies "$SLEEPER_EXE" ci hang "timeout=2s dump+kill" >"$CONF"
start_daemon_with "$CONF"

# The passing test's runner has what XML cannot hold as it is: markup, a
# control character, an escape, a byte that is not UTF-8.
HOSTILE=$'pytest t.py::test_<a href="x">&amp;\'q\' ]]> \x01\e[1m\xff'

step "a passing test (its command line hostile), a crashing one, a hung one"
(exec -a "$HOSTILE" "$HELPERS/sleeper" "$DIR/pass.progress") &
PASS=$!
wait_until test -s "$DIR/pass.progress"
ctl -s ci .attach "$PASS"
spawn "$HELPERS/crasher" "$DIR/crash.progress"
CRASH=$LAST_PID
wait_until test -s "$DIR/crash.progress"
ctl -s ci .attach "$CRASH"
spawn_sleeper hang
HANG=$LAST_PID
wait_until in_session ci "$HANG"

kill -TERM "$PASS"
wait_until not is_alive "$PASS"
kill -USR1 "$CRASH"
wait_until stop_is_in ci "$CRASH" SIGSEGV
ctl -s ci "|~[$CRASH] dump"
ctl -s ci "|~[$CRASH] gn"
wait_until not is_alive "$CRASH"
wait_until not is_alive "$HANG"
wait_until db_is "SELECT count(*) FROM targets WHERE reason IS NOT NULL" 3
assert_eq "exit|0|crash|11|timeout|9" "$(db "SELECT group_concat(reason || '|' ||
	coalesce(exit_code, exit_signal), '|') FROM (SELECT * FROM targets ORDER BY ordinal)")" \
	"how the three ended"

step "report --junit"
ctl -s ci report --junit "$DIR/report.xml"
assert_eq "$DIR/report.xml: 3 test(s), 2 failed, 0 in error, 0 skipped" "$OUT" "report --junit's line"
"$PY" - "$DIR/report.xml" "$PASS" "$CRASH" "$HANG" "$HOSTILE" <<'EOF' || fail "the JUnit XML (above)"
import os, re, sys
import xml.etree.ElementTree as ET

path, pass_pid, crash_pid, hang_pid = sys.argv[1:5]
hostile = os.fsencode(sys.argv[5]).decode("utf-8", "replace")
# XML 1.0 has no control characters: they are '?'.
hostile = re.sub("[\x00-\x08\x0b-\x1f\x7f]", "?", hostile)

def check(cond, what):
    if not cond:
        sys.exit("report.xml: " + what)

root = ET.parse(path).getroot()
check(root.tag == "testsuites", "root is %s" % root.tag)
check([root.get(k) for k in ("tests", "failures", "errors", "skipped")] == ["3", "2", "0", "0"],
      "testsuites counts %s" % root.attrib)
suites = root.findall("testsuite")
check(len(suites) == 1 and suites[0].get("name") == "ci", "one testsuite, ci: %s" % [s.attrib for s in suites])
suite = suites[0]
check([suite.get(k) for k in ("tests", "failures", "errors", "skipped")] == ["3", "2", "0", "0"],
      "testsuite counts %s" % suite.attrib)
cases = suite.findall("testcase")
check(len(cases) == 3, "3 testcases, not %d" % len(cases))
check(all(c.get("classname") == "ci" for c in cases), "classname ci")
by_pid = {}
for c in cases:
    m = re.match(r"\|\d+ \(pid (\d+)\) of session ci", c.find("system-out").text)
    check(m is not None, "system-out of %s: %r" % (c.get("name"), c.find("system-out").text))
    by_pid[m.group(1)] = c

p = by_pid[pass_pid]
check(p.get("name") == hostile + " " + os.path.dirname(path) + "/pass.progress",
      "the passing test's name: %r" % p.get("name"))
check([e.tag for e in p] == ["system-out"], "the passing test has no verdict element: %s" % [e.tag for e in p])

def failure(c, kind, message):
    f = c.find("failure")
    check(f is not None, "%s: no failure" % kind)
    check(f.get("type") == kind and f.get("message") == message,
          "%s: failure %s" % (kind, f.attrib))
    out = c.find("system-out").text
    m = re.search(r"^triage: (\S+)$", out, re.M)
    check(m is not None and os.path.isfile(m.group(1)), "%s: triage file in %r" % (kind, out))
    return f.text

text = failure(by_pid[crash_pid], "crash", "crash: ended by SIGSEGV")
check(re.search(r"^#0  0x[0-9a-f]+ crash\+0x[0-9a-f]+ \(\S*crasher\) \S*crasher\.c:\d+$", text, re.M),
      "the crash's first frame is the faulting function: %r" % text)
check(by_pid[crash_pid].get("name").endswith("crasher " + os.path.dirname(path) + "/crash.progress"),
      "the crashing test's name: %r" % by_pid[crash_pid].get("name"))
text = failure(by_pid[hang_pid], "timeout", "timeout: ended by SIGKILL")
check(re.search(r"^#0  0x[0-9a-f]+ ", text, re.M), "the hung test's frames: %r" % text)
check(len(re.findall(r"^#\d+ ", text, re.M)) <= 8, "at most 8 frames: %r" % text)
EOF

step "--since: only the targets live or ended since"
# An hour ahead: none has ended since (an age such as 0s counts in whole
# seconds, and the last one may have ended in this one).
ctl -s ci report --since "@$(($(date +%s) + 3600))" --junit "$DIR/none.xml"
assert_eq "$DIR/none.xml: 0 test(s), 0 failed, 0 in error, 0 skipped" "$OUT" "report --since an hour ahead"
ctl -s ci report --since 1h --junit "$DIR/hour.xml"
assert_eq "$DIR/hour.xml: 3 test(s), 2 failed, 0 in error, 0 skipped" "$OUT" "report --since 1h"

step "errors change nothing"
ctl_expect 2 -s ci history --junit "$DIR/bad.xml"
assert_eq "tetherctl: --junit and --since go with report only (report, or ||SYSTEMS report)" "$ERR" \
	"--junit of another command"
ctl_expect 2 -s ci ps --since 1h
ctl_expect 1 -s ci report --junit "$DIR/no/such/dir/r.xml"
assert_eq "tetherctl: $DIR/no/such/dir/r.xml: No such file or directory" "$ERR" "an unwritable file"
assert_true "no file for an error" not test -e "$DIR/bad.xml"
