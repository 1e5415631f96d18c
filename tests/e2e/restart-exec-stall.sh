#!/bin/bash
# Restart while a target is in the middle of an exec that never ends (its
# program is on stallfs, never released): the kernel would make the
# re-adopting seize wait for ever, and the new daemon would never start.
# It waits operation_timeout at most, then marks the target lost ("cannot
# attach", saying why) and leaves the process untraced and alive.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"
. "$(dirname "${E2E_LIB:-$0}")/config-lib.sh"

[ -c /dev/fuse ] || skip "no /dev/fuse"
[ "$(id -u)" == 0 ] || skip "mounting stallfs and re-adoption need root"

CONF=$DIR/tether.conf
printf '[daemon]\noperation_timeout = 1s\n' >"$CONF"
start_daemon_with "$CONF"

mount_stallfs fs "$(command -v sleep)"

# spawn_orphaned_target CMD...: CMD, attached, then the daemon is killed.
spawn_orphaned_target() {
	spawn "$@"
	attach "$LAST_PID"
	kill_daemon
	wait_until tracer_is "$LAST_PID" 0
}

step "a target that will exec a program on stallfs; kill -9; with no daemon, the target starts its exec, which never ends"
spawn_exec_held fs spawn_orphaned_target
P=$LAST_PID

step "restart: the daemon starts, the target is lost, untraced and alive"
start_daemon_with "$CONF"
assert_eq "lost" "$(db "SELECT state FROM targets WHERE pid = $P")" "state of the target's row"
DETAIL=$(db "SELECT detail FROM events WHERE kind = 'lost' AND target_id = (SELECT id FROM targets WHERE pid = $P)")
assert_eq "cannot attach" "$(jget "$DETAIL" 'd["reason"]')" "reason in the lost event ($DETAIL)"
assert_eq "process $P has been in the middle of an exec for 1s (operation_timeout)" \
	"$(jget "$DETAIL" 'd["error"]')" "error in the lost event"
assert_eq 0 "$(tracer_pid "$P")" "tracer of the process"
assert_alive "$P" "the process in its exec"
