#!/bin/bash
# A crash keeps its verdict: a target held on SIGSEGV and ended by
# on_break_timeout = 1s kill gets its signal first (as .kill /n): it ends
# by SIGSEGV, its parent's wait sees signal 11 (139 in a shell) and the
# database has exit_signal 11; with kill/h the signal is suppressed and it
# ends by SIGKILL (137).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"
. "$(dirname "${E2E_LIB:-$0}")/config-lib.sh"

CRASHER_EXE=$(exe_of "$HELPERS/crasher")
CONF=$DIR/tether.conf
scan_policies "$CRASHER_EXE" cv \
	deliver break=SEGV "on_break_timeout=1s kill" -- \
	suppress break=SEGV "on_break_timeout=1s kill/h" >"$CONF"
start_daemon_with "$CONF"

# crash_under_shell NAME: a shell runs a crasher and writes its status to
# $DIR/NAME.status; once the policy has it, the crasher faults. Sets CR.
crash_under_shell() {
	sh -c '"$1" "$2"; echo $? >"$3.tmp"; mv "$3.tmp" "$3"' sh \
		"$HELPERS/crasher" "$DIR/$1.progress" "$DIR/$1.status" &
	wait_until test -s "$DIR/$1.progress"
	wait_until target_with_cmdline "$DIR/$1.progress"
	CR=$(target_with_cmdline "$DIR/$1.progress")
	wait_until db_state_is "$CR" running
	kill -USR1 "$CR"
	wait_until test -s "$DIR/$1.status"
	# The shell sees the end at once; the daemon writes it on its store
	# thread a moment later.
	wait_until row_ended "$CR"
}

row_ended() { # PID: its row has its end
	[ -n "$(db "SELECT ended_at FROM targets WHERE pid = $1 AND ended_at IS NOT NULL")" ]
}

# target_with_cmdline TEXT: prints the pid of the target whose command line
# ends with TEXT; false while there is none.
target_with_cmdline() {
	local pid
	pid=$(db "SELECT pid FROM targets WHERE cmdline LIKE '%$1'" 2>/dev/null)
	[ -n "$pid" ] && echo "$pid"
}

step "on_break_timeout = 1s kill: the held SIGSEGV is delivered first"
crash_under_shell deliver
assert_eq 139 "$(<"$DIR/deliver.status")" "the shell's status of the crasher"
assert_eq "killed||11|break-timeout" "$(db "SELECT state || '|' || ifnull(exit_code, '') || '|' ||
	exit_signal || '|' || reason FROM targets WHERE pid = $CR")" "state, exit and reason of the crasher"
assert_eq '{"handled":false,"outstanding":11,"signal":11}' \
	"$(jget "$(db "SELECT detail FROM events e JOIN targets t ON t.id = e.target_id
	    WHERE t.pid = $CR AND e.kind = 'kill'")" 'json.dumps(d, sort_keys=True, separators=(",", ":"))')" \
	"the kill event: its outstanding signal delivered"

step "on_break_timeout = 1s kill/h: the signal is suppressed"
crash_under_shell suppress
assert_eq 137 "$(<"$DIR/suppress.status")" "the shell's status of the crasher"
assert_eq "killed||9|break-timeout" "$(db "SELECT state || '|' || ifnull(exit_code, '') || '|' ||
	exit_signal || '|' || reason FROM targets WHERE pid = $CR")" "state, exit and reason of the crasher"
assert_eq "kill/h" "$(db "SELECT json_extract(e.detail, '$.action') FROM events e JOIN targets t
	ON t.id = e.target_id WHERE t.pid = $CR AND e.kind = 'timeout'")" "the action the timeout event names"
