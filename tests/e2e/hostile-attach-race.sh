#!/bin/bash
# Attack: the user asks tetherd to .attach its own process while that
# process is in the middle of an exec of a setuid program. tetherd reads
# the process's uids (still all the user's), then seizes it; the kernel
# makes PTRACE_SEIZE wait for the exec under way, with no bound. tetherd
# must not wait with it: its loop tries again while it serves everyone
# else, and once the exec ends (with root's effective uid) it seizes the
# process, looks again, and lets it go. The exec is held in the middle by
# stallfs: the program is a setuid-root copy of sleep on it, and its first
# read waits until the test says so.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"
. "${E2E_LIB%/*}/hostile-lib.sh"
. "${E2E_LIB%/*}/config-lib.sh"

[ -c /dev/fuse ] || skip "no /dev/fuse"
case $(uname -m) in
x86_64) NR_PTRACE=101 ;;
aarch64) NR_PTRACE=117 ;;
*) skip "the ptrace system call number of $(uname -m) is not known here" ;;
esac

# The .attach waits as long as the test holds the exec.
CONF=$DIR/tether.conf
printf '[daemon]\noperation_timeout = 1h\n' >"$CONF"
hostile_start_daemon "$CONF"
U=$HOSTILE_USER
UID_U=$HOSTILE_UID

mount_stallfs fs "$(command -v sleep)"

uids_of() {
	status_field "$1" Uid | tr -s '\t ' ' '
}

# in_ptrace: the daemon's loop is in a ptrace call (a try at the seize).
in_ptrace() {
	[ "$(cut -d' ' -f1 "/proc/$DAEMON_PID/syscall" 2>/dev/null)" == "$NR_PTRACE" ]
}

step "the user's process, in the middle of its exec of a setuid program"
spawn_exec_held fs spawn_as "$U"
P=$LAST_PID
assert_eq "$UID_U $UID_U $UID_U $UID_U" "$(uids_of "$P")" "uids of the process, its exec held"

step "the user's .attach: checked before the seize, which cannot be done yet"
as_user "$U" "$BIN/tetherctl" -S "$SOCK" -s mine .attach "$P" >"$DIR/attach.out" 2>"$DIR/attach.err" &
ATTACH=$!
wait_until in_ptrace

step "meanwhile the daemon answers, and the .attach waits, having changed nothing"
RC=0
timeout "$POLL_SECONDS" "$TETHERCTL" -S "$SOCK" status >"$DIR/status.out" 2>&1 || RC=$?
assert_eq 0 "$RC" "exit status of root's status while the .attach waits"
assert_alive "$ATTACH" "the user's .attach, waiting"
assert_eq 0 "$(tracer_pid "$P")" "tracer of the process while its exec is held"
assert_eq 0 "$(db "SELECT count(*) FROM targets WHERE pid = $P")" "rows of the process while its exec is held"

step "the exec ends with root's effective uid: tetherd seizes, looks again and lets it go"
kill -USR1 "$STALL"
RC=0
wait "$ATTACH" || RC=$?
assert_eq 1 "$RC" "exit status of the user's .attach"
assert_eq "tetherctl: permission denied: process $P runs as uids $UID_U 0 0 0 (real, effective, saved, filesystem)" \
	"$(<"$DIR/attach.err")" "the .attach's error"
assert_eq "$UID_U 0 0 0" "$(uids_of "$P")" "uids of the process after its exec"
wait_until tracer_is "$P" 0
assert_alive "$P" "the process let go"
assert_eq 0 "$(db "SELECT count(*) FROM targets WHERE pid = $P")" "rows of the process"
hostile_ctl_expect 1 "$U" -s mine "|~[$P] k"
