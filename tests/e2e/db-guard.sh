#!/bin/bash
# The database is guarded (DESIGN §6): tetherd refuses, with a clear message
# and a non-zero exit, a file that is not tether's (another program's SQLite
# database, not SQLite at all), one of a newer schema, a truncated one, and
# one on a read-only file system; each file is left exactly as it was
# (sha256sum before and after). On a full disk, commands fail with a clear
# error, the daemon stays up, and nothing it had is damaged.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

MNT=
cleanup_mount() {
	[ -n "$MNT" ] && mountpoint -q "$MNT" && umount -l "$MNT"
	return 0
}

# refused FILE WANT: tetherd on FILE must exit non-zero within the poll
# bound, saying WANT (and the path), and leave FILE and its directory as
# they were.
refused() {
	local file=$1 want=$2 before after list_before list_after pid rc=0
	before=$(sha256sum "$file")
	list_before=$(ls -la --time-style=+ "$(dirname "$file")" | grep -v ' \.$\| \.\.$')
	"$TETHERD" -S "$DIR/guard.sock" -D "$file" >"$DIR/guard.out" 2>&1 &
	pid=$!
	wait_until not is_alive "$pid"
	wait "$pid" || rc=$?
	[ "$rc" != 0 ] || fail "tetherd accepted $file ($want); it said: $(<"$DIR/guard.out")"
	assert_match "$want" "$(<"$DIR/guard.out")" "message of tetherd for $file"
	assert_match "$file" "$(<"$DIR/guard.out")" "message names the file"
	after=$(sha256sum "$file")
	assert_eq "$before" "$after" "sha256sum of $file after the refusal"
	list_after=$(ls -la --time-style=+ "$(dirname "$file")" | grep -v ' \.$\| \.\.$')
	assert_eq "$list_before" "$list_after" "files beside $file after the refusal"
	[ ! -e "$DIR/guard.sock" ] || fail "tetherd left a socket behind after refusing $file"
}

# A tether database with a little history, closed cleanly.
make_tether_db() {
	start_daemon
	spawn_sleeper "s$1"
	attach "$LAST_PID"
	ctl .detach
	stop_daemon
	assert_eq 0 "$DAEMON_RC" "exit status of the daemon that made the database"
}

step "another program's SQLite database"
mkdir "$DIR/foreign"
sqlite3 "$DIR/foreign/tether.db" "CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO recipes (name) VALUES ('bread');"
refused "$DIR/foreign/tether.db" "not a tether database"

step "not SQLite at all"
mkdir "$DIR/text"
printf 'SQLite format 2 is not this\n%.0s' $(seq 200) >"$DIR/text/tether.db"
refused "$DIR/text/tether.db" "not a SQLite database"

step "a newer schema"
make_tether_db 1
cp "$DB" "$DIR/newer.db"
sqlite3 "$DIR/newer.db" "PRAGMA user_version = 999"
mkdir "$DIR/newer" && mv "$DIR/newer.db" "$DIR/newer/tether.db"
refused "$DIR/newer/tether.db" "schema version 999 is newer than this tetherd knows"

step "a truncated file"
mkdir "$DIR/cut"
SIZE=$(stat -c %s "$DB")
[ "$SIZE" -ge 16384 ] || fail "the database is only $SIZE bytes"
head -c $((SIZE / 2 + 100)) "$DB" >"$DIR/cut/tether.db"
refused "$DIR/cut/tether.db" "malformed|truncated|not a SQLite database"

step "the original still opens, with its history"
start_daemon
ctl --json history
assert_eq "detached" "$(jget "$OUT" '" ".join(t["state"] for t in d["targets"])')" "history of the original database"
stop_daemon

if [ "$(id -u)" != 0 ] || ! command -v mount >/dev/null; then
	step "read-only and full disk need root (mount): not tested"
	exit 0
fi
MNT=$DIR/mnt
mkdir "$MNT"
mount -t tmpfs -o size=640k tmpfs "$MNT" 2>/dev/null || { step "cannot mount a tmpfs: read-only and full disk not tested"; exit 0; }
trap 'cleanup_mount; cleanup' EXIT

step "a read-only file system"
mkdir "$MNT/ro"
cp "$DB" "$MNT/ro/tether.db"
mount -o remount,ro "$MNT"
refused "$MNT/ro/tether.db" "read-only|cannot be written|readonly"
mount -o remount,rw "$MNT"
rm -r "$MNT/ro"

step "a full disk: commands fail clearly, the daemon stays, nothing is damaged"
DB=$MNT/tether.db
start_daemon
spawn_sleeper before
BEFORE=$LAST_PID
attach "$BEFORE"
# Fill what is left (dd stops at ENOSPC).
dd if=/dev/zero of="$MNT/fill" bs=4k 2>/dev/null || true
FAILED=0
for i in $(seq 40); do
	spawn_sleeper "full$i"
	ctl_try .attach "$LAST_PID"
	if [ "$RC" != 0 ]; then
		FAILED=$LAST_PID
		break
	fi
done
[ "$FAILED" != 0 ] || fail "40 attaches on a full disk all succeeded"
assert_eq 1 "$RC" "exit status of tetherctl .attach on a full disk"
assert_match "database.*(full|disk)" "$ERR" "error of .attach on a full disk"
assert_true "the daemon is alive on a full disk" is_alive "$DAEMON_PID"
ctl status
ctl '|*'
if [[ $OUT == *"id: $FAILED "* ]]; then
	step "space again: the daemon still holds $FAILED, whose attach could not be recorded: it is written again"
	rm "$MNT/fill"
	has_row() { [ "$(db "SELECT state FROM targets WHERE pid = $FAILED")" == running ]; }
	wait_until has_row
else
	rm "$MNT/fill"
fi
step "space again: the daemon works and the database is sound"
spawn_sleeper after
AFTER=$LAST_PID
ctl .attach "$AFTER"
ctl '|*'
assert_match "id: $AFTER " "$OUT" "|* after the disk has space again"
assert_eq ok "$(db 'PRAGMA integrity_check')" "integrity_check after the full disk"
assert_eq "$AFTER" "$(db "SELECT pid FROM targets WHERE pid = $AFTER")" "row of the target attached after the full disk"
assert_eq "$BEFORE" "$(db "SELECT pid FROM targets WHERE pid = $BEFORE")" "row of the target attached before the full disk"
stop_daemon
assert_eq ok "$(db 'PRAGMA integrity_check')" "integrity_check after the daemon stopped"
