#!/bin/bash
# The event loop never waits for a .create. A program on a file system that
# does not answer (stallfs: its lookups are never answered) keeps the new
# process in its setup, in the program's lookup; meanwhile the daemon
# answers other clients, and the .create's reply comes when the lookup
# ends, with its reason. A setup that never ends fails within the bound
# (operation_timeout), and the waiting process is killed (it ends once the
# file system lets go).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"
. "$(dirname "${E2E_LIB:-$0}")/config-lib.sh"

[ -c /dev/fuse ] || skip "no /dev/fuse"
[ "$(id -u)" == 0 ] || skip "mounting stallfs needs root"

CONF=$DIR/tether.conf
printf '[daemon]\noperation_timeout = 1h\n' >"$CONF"
start_daemon_with "$CONF"

# children_of PID: the pids of PID's children.
children_of() {
	local t
	for t in /proc/"$1"/task/*/children; do
		cat "$t"
	done 2>/dev/null
}

step "a .create whose program lookup hangs: the daemon answers meanwhile"
mount_stallfs stall
"$TETHERCTL" -S "$SOCK" .create "$DIR/stall/prog" >"$DIR/create.out" 2>"$DIR/create.err" &
CREATE=$!
wait_until test -e "$DIR/stall.held"
assert_eq "prog" "$(<"$DIR/stall.held")" "the name stallfs holds"
ctl status
ctl '|*'
assert_eq "Session default is dormant: no live targets." "$OUT" "targets while the .create is pending"
assert_alive "$CREATE" "the tetherctl of the pending .create"
assert_eq "" "$(<"$DIR/create.out")$(<"$DIR/create.err")" "the .create's reply, before its lookup ended"

step "the lookup ends (the file system goes away): the .create fails with its reason"
kill "$STALL"
RC=0
wait "$CREATE" || RC=$?
assert_eq 1 "$RC" "exit status of the .create"
assert_match "$DIR/stall/prog: Software caused connection abort" "$(<"$DIR/create.err")" "the .create's error"
assert_eq 0 "$(db 'SELECT count(*) FROM targets')" "targets recorded"
wait_until eval '[ -z "$(children_of "$DAEMON_PID")" ]'
umount -l "$DIR/stall"

step "a setup that never ends fails within operation_timeout, and its process is killed"
printf '[daemon]\noperation_timeout = 1s\n' >"$CONF"
ctl reload
mount_stallfs stall2
ctl_expect 1 .create "$DIR/stall2/prog"
assert_match "did not get ready within 1s \(operation_timeout\)" "$ERR" "the .create's error"
assert_eq "prog" "$(<"$DIR/stall2.held")" "the name stallfs held"
# A lookup the file system has been sent cannot be interrupted, SIGKILL
# included: the process ends once stallfs lets go.
ctl status
assert_alive "$STALL" "stallfs"
kill "$STALL"
wait_until eval '[ -z "$(children_of "$DAEMON_PID")" ]'
ctl '|*'
assert_eq "Session default is dormant: no live targets." "$OUT" "targets after the failed .create"
assert_eq 0 "$(db 'SELECT count(*) FROM targets')" "targets recorded"
