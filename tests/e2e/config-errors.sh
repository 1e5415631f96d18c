#!/bin/bash
# A bad tether.conf: at start, tetherd exits non-zero with FILE:LINE: message
# on stderr and touches nothing; at reload (the reload command, SIGHUP), the
# file is rejected whole with its line and the old policies stay in force;
# a good file then takes effect for processes that start afterwards. With
# no file, the daemon runs on its embedded defaults.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"
. "$(dirname "${E2E_LIB:-$0}")/config-lib.sh"

CONF=$DIR/tether.conf

# start_fails LINE MESSAGE-ERE: tetherd -c $CONF must exit non-zero at once,
# saying "tetherd: $CONF:LINE: ..." and nothing else, and create nothing.
start_fails() {
	local rc=0 err
	timeout 10 "$TETHERD" -c "$CONF" -S "$SOCK" -D "$DB" >"$DIR/start.out" 2>"$DIR/start.err" || rc=$?
	err=$(<"$DIR/start.err")
	[ "$rc" != 0 ] || fail "tetherd started with a bad file (line $1)"
	[ "$rc" != 124 ] || fail "tetherd did not exit with a bad file (line $1)"
	assert_match "^tetherd: ${CONF//./\\.}:$1: $2\$" "$err" "stderr for a bad file (line $1)"
	assert_eq "" "$(<"$DIR/start.out")" "stdout for a bad file"
	[ ! -e "$DB" ] || fail "a database was created despite the bad file"
	[ ! -e "$SOCK" ] || fail "a socket was created despite the bad file"
}

step "bad files at start"
printf '[daemon]\nlog_level = info\n\n[bogus]\n' >"$CONF"
start_fails 4 'unknown section \[bogus\] \(expected daemon, policy or target\)'
printf '[policy "p"]\ncmdline = *x*\ncolour = blue\n' >"$CONF"
start_fails 3 "unknown key 'colour' in \\[policy \"p\"\\]"
printf '; comment\n[policy "p"]\ncmdline = *x*\ntimeout = soon kill\n' >"$CONF"
start_fails 4 'timeout: expected DURATION \[ACTION\] .*: soon kill'
printf '[policy "p"]\ncmdline = *x*\ntimeout = 5m explode\n' >"$CONF"
start_fails 3 'timeout: unknown action explode .*'
printf '[policy "p"]\ncmdline = *x*\non_break_timeout = 5m detach/h\n' >"$CONF"
start_fails 3 'on_break_timeout: /h goes with kill and dump\+kill only: detach/h'
printf '[daemon]\nautoattach = maybe\n' >"$CONF"
start_fails 2 'autoattach: expected auto, connector, scan or off: maybe'
printf '[policy "p"]\ncmdline = *x*\nbreak = SEGV NOSUCH\n' >"$CONF"
start_fails 3 'break: unknown signal NOSUCH .*'
printf '[daemon]\nthis line has no equals sign\n' >"$CONF"
start_fails 2 'syntax error .*'
printf '[daemon]\n\n[policy "empty"]\nsession = s\n' >"$CONF"
start_fails 3 'policy "empty" matches nothing: .*'
printf '[target "t"]\ncommand = /bin/true\ncommand = /bin/false\n' >"$CONF"
start_fails 3 "'command' is given twice in this section"
printf '[policy "a"]\ncmdline = *x*\nbreak = SEGV\n[policy "b"]\ncmdline = *y*\nnotify = SEGV\n' >"$CONF"
start_fails 4 'session default: SIGSEGV has another filter in policy "a" \(line 1\)'
rm -f "$CONF"
rc=0
timeout 10 "$TETHERD" -c "$CONF" -S "$SOCK" -D "$DB" 2>"$DIR/start.err" || rc=$?
[ "$rc" != 0 ] && [ "$rc" != 124 ] || fail "tetherd with a missing file exited $rc"
assert_eq "tetherd: $CONF: No such file or directory" "$(<"$DIR/start.err")" "stderr for a missing file"

step "a good file"
write_conf() { # POLICY-NAME... : one scan-mode file with those policies
	local p
	{
		printf '[daemon]\nautoattach = scan\nscan_interval = 20ms\nlog_level = debug\n'
		for p in "$@"; do
			printf '\n[policy "%s"]\ncmdline = *%s/%s*\nsession = %s\n' "$p" "$DIR" "$p" "$p"
		done
	} >"$CONF"
}
write_conf alpha
start_daemon_with "$CONF"
spawn_sleeper alpha1
A1=$LAST_PID
wait_until in_session alpha "$A1"

step "reload of a bad file: rejected with its line, the old policies stay"
write_conf alpha beta
printf 'scan_interval = 1s\n' >>"$CONF"	# line 13: a key of [daemon] in [policy "beta"]
ctl_expect 1 reload
assert_eq "tetherctl: $CONF:13: unknown key 'scan_interval' in [policy \"beta\"]; the running configuration stays" \
	"$ERR" "reload of a bad file: stderr"
LOGLINES=$(line_count "$DIR/tetherd.log")
kill -HUP "$DAEMON_PID"
log_says_rejected() {
	sed -n "$((LOGLINES + 1)),\$p" "$DIR/tetherd.log" |
		grep -qF "$CONF:13: unknown key 'scan_interval' in [policy \"beta\"]; the running configuration stays"
}
wait_until log_says_rejected
assert_alive "$DAEMON_PID" "tetherd after SIGHUP with a bad file"
ctl --json status
assert_eq 1 "$(jget "$OUT" 'd["policies"]')" "policies in force after the rejected reloads"
spawn_sleeper beta1
B1=$LAST_PID
wait_until exe_is "$B1" "$(exe_of "$HELPERS/sleeper")"
spawn_sleeper alpha2
A2=$LAST_PID
wait_until in_session alpha "$A2"
assert_tracer "$B1" 0 "TracerPid of beta1 (its policy was rejected)"

step "reload of a good file: the new policy takes new processes"
write_conf alpha beta
ctl reload
assert_eq "Reloaded $CONF: 2 policies, 0 target section(s)." "$OUT" "reply of reload"
spawn_sleeper beta2
B2=$LAST_PID
wait_until in_session beta "$B2"
assert_tracer "$B1" 0 "TracerPid of beta1 (it started before the reload)"

step "SIGHUP reloads too"
write_conf alpha beta gamma
kill -HUP "$DAEMON_PID"
policies_are() {
	ctl --json status
	[ "$(jget "$OUT" 'd["policies"]')" == "$1" ]
}
wait_until policies_are 3
spawn_sleeper gamma1
G1=$LAST_PID
wait_until in_session gamma "$G1"
for p in "$A1" "$A2" "$B2" "$G1"; do
	assert_tracer "$p" "$DAEMON_PID"
done
stop_daemon
assert_eq 0 "$DAEMON_RC" "exit status of tetherd"

step "no file: the embedded defaults"
start_daemon
ctl status
assert_match $'\nconfig:   none \\(embedded defaults\\)\nauto-attach: off \\(no policies\\), 0 policies(\n|$)' "$OUT" "status with no file"
ctl_expect 1 reload
assert_eq "tetherctl: no configuration file to reload (tetherd was started without -c); the running configuration stays" \
	"$ERR" "reload with no file"
