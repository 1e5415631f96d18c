#!/bin/bash
# A full disk: what the commands did took effect, and their replies say it
# was not recorded (tetherctl exits 4); status counts what was lost; once
# there is room again, the live targets are written again. The database
# lives on a small tmpfs filled to the last block.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

[ "$(id -u)" == 0 ] || skip "mounting a small tmpfs needs root"
mkdir "$DIR/full"
mount -t tmpfs -o size=2m tmpfs "$DIR/full" 2>/dev/null || skip "cannot mount a tmpfs here"
CLEANUP_HOOKS+=('umount -l "$DIR/full"')
DB=$DIR/full/tether.db
SLEEP_EXE=$(readlink -f "$(command -v sleep)")

unrecorded() {
	ctl --json status
	jget "$OUT" 'd["unrecorded"]'
}

row_state_is() { # PID STATE
	[ "$(db "SELECT state FROM targets WHERE pid = $1")" == "$2" ]
}

start_daemon
ctl .create "$SLEEP_EXE" 1001
assert_eq 0 "$(unrecorded)" "changes not recorded before the disk is full"

step "the disk fills up"
dd if=/dev/zero of="$DIR/full/filler" bs=4096 2>/dev/null || true
assert_eq 0 "$(df --output=avail "$DIR/full" | tail -1 | tr -d ' ')" "free blocks on the tmpfs"

step ".create: the process starts, the reply says it is not recorded"
ctl_expect 4 .create "$SLEEP_EXE" 1002
A=$(pid_of_reply)
assert_match "^tetherctl: done, but not recorded: database or disk is full$" "$ERR" ".create's message"
assert_alive "$A"
assert_tracer "$A" "$DAEMON_PID"
ctl_expect 4 .create "$SLEEP_EXE" 1003
B=$(pid_of_reply)

step "|1 .kill: killed; recorded or said not to be"
# A failed commit leaves its frames' room in the write-ahead log: a small
# batch after it may fit there.
ctl_try '|1 .kill'
case $RC in
0) assert_eq "" "$ERR" ".kill's messages when recorded" ;;
4) assert_match "^tetherctl: done, but not recorded: database or disk is full$" "$ERR" ".kill's message" ;;
*) fail "|1 .kill exited $RC: $ERR" ;;
esac
wait_until not is_alive "$A"
# One reply: the count may still grow (the end of the killed target is
# written after the kill), so text and count come from the same answer.
ctl status
LOST=$(sed -n 's/^database: \([0-9]*\) change(s) not recorded since start.*/\1/p' <<<"$OUT")
assert_true "status text counts the changes not recorded ($LOST): $OUT" [ "${LOST:-0}" -gt 0 ]

step "room again: the live targets are written again"
rm "$DIR/full/filler"
wait_until row_state_is "$B" running
assert_eq "" "$(db "SELECT state FROM targets WHERE pid = $A")" "the row of the target created and killed while the disk was full"
ctl .create "$SLEEP_EXE" 1004
C=$(pid_of_reply)
assert_eq running "$(db "SELECT state FROM targets WHERE pid = $C")" "a target created once there is room"
# Nothing more is lost once there is room: the count stands still.
AFTER=$(unrecorded)
assert_true "changes not recorded, once there is room ($AFTER, was $LOST)" [ "$AFTER" -ge "$LOST" ]
ctl .create "$SLEEP_EXE" 1005
assert_eq "$AFTER" "$(unrecorded)" "changes not recorded after a create with room"
