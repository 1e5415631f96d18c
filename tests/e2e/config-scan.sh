#!/bin/bash
# tether.conf policies, /proc scanning mode (autoattach = scan, as a daemon
# that is not root would do): a matching process is attached (after a scan
# interval), an excluded and a non-matching one are left alone, a process
# seen before it execs is attached once it execs a matching program, and
# what ran before the daemon started is not taken. Status says "scan".
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"
. "$(dirname "${E2E_LIB:-$0}")/config-lib.sh"

SLEEPER_EXE=$(exe_of "$HELPERS/sleeper")
CONF=$DIR/tether.conf
cat >"$CONF" <<CONF
[daemon]
autoattach = scan
scan_interval = 50ms

[policy "exclude"]
action = ignore
cmdline = *$DIR/skipme*

[policy "sleepers"]
exe = $SLEEPER_EXE
cmdline = *$DIR/nap*
session = naps
childdbg = yes

[policy "late"]
exe = $SLEEPER_EXE
cmdline = *$DIR/late*
session = late
CONF

step "before the daemon: a matching sleeper, and a shell that will exec one"
spawn_sleeper nap-before
BEFORE=$LAST_PID
mkfifo "$DIR/go"
spawn bash -c 'read -r x <"$1"; exec "$2" "$3"' late-shell "$DIR/go" "$HELPERS/sleeper" "$DIR/late.progress"
LATE=$LAST_PID
wait_until exe_is "$LATE" "$(exe_of "$BASH")"
start_daemon_with "$CONF"

step "status says scan"
ctl status
assert_match $'\nauto-attach: scan \\(/proc every 0.05s\\), 3 policies' "$OUT" "status: auto-attach line"
ctl --json status
assert_eq scan "$(jget "$OUT" 'd["autoattach"]')" "status --json autoattach"
assert_eq 0.05 "$(jget "$OUT" 'd["scan_interval"]')" "status --json scan_interval"

step "a non-matching and an excluded process, then a matching one"
spawn "$HELPERS/sleeper" "$DIR/other.progress"
OTHER=$LAST_PID
spawn "$HELPERS/sleeper" "$DIR/skipme-nap.progress"
SKIPPED=$LAST_PID
wait_until exe_is "$OTHER" "$SLEEPER_EXE"
wait_until exe_is "$SKIPPED" "$SLEEPER_EXE"
spawn_sleeper nap
NAP=$LAST_PID
wait_until in_session naps "$NAP"
assert_tracer "$NAP" "$DAEMON_PID"
assert_eq '{"childdbg":true,"how":"attach","name":"'"$SLEEPER_EXE"'","ordinal":0,"parent":null,"pid":'"$NAP"',"state":"running","stop":null}' \
	"$(target_obj naps "$NAP")" "|* --json of the sleeper in session naps"
assert_eq "attach 
policy {\"policy\":\"sleepers\"}" "$(events_of "$NAP")" "events of the sleeper"
# The pass that found it came after both had exec'd: they were looked at.
for p in "$OTHER" "$SKIPPED"; do
	assert_tracer "$p" 0 "TracerPid of untouched pid $p"
	assert_eq 0 "$(db "SELECT count(*) FROM targets WHERE pid = $p")" "rows for untouched pid $p"
done

step "a process seen before its exec is taken when it execs"
echo go >"$DIR/go"
wait_until in_session late "$LATE"
assert_tracer "$LATE" "$DAEMON_PID"
wait_progress "$DIR/late.progress" "$DIR/nap.progress"

step "what ran before the daemon is not taken"
assert_tracer "$BEFORE" 0 "TracerPid of the sleeper started before the daemon"
assert_eq 0 "$(db "SELECT count(*) FROM targets WHERE pid = $BEFORE")" "rows for the sleeper started before the daemon"
