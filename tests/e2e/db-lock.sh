#!/bin/bash
# The loop never waits for the database. While another process holds the
# write lock, a traced shell that forks every 10 ms (child-debug on) keeps
# forking, and commands that change nothing answer; a reply that needs a
# commit (.attach) comes only once its row is readable by another process;
# once the lock goes, every child and its end are in the database.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

# top_ordinal: the highest ordinal |* lists (the daemon's memory, not the
# database).
top_ordinal() {
	ctl --json '|*'
	jget "$OUT" 'max(p["ordinal"] for p in d["processes"])'
}

ordinal_above() {
	[ "$(top_ordinal)" -gt "$1" ]
}

pid_listed() {
	ctl '|*'
	[[ $OUT == *"id: $1  "* ]]
}

live_count_is() {
	ctl --json '|*'
	[ "$(jget "$OUT" 'len(d["processes"])')" == "$1" ]
}

start_daemon
ctl .create /bin/sh -c 'while :; do sleep 0.01; done'
LOOP=$(pid_of_reply)
ctl .childdbg 1
release_if_held "$LOOP"
wait_until ordinal_above 5

step "another process takes the write lock"
coproc LOCK { exec sqlite3 -batch "$DB"; }
echo ".timeout 10000
BEGIN EXCLUSIVE;
SELECT 'locked';" >&"${LOCK[1]}"
read -r -t "$POLL_SECONDS" line <&"${LOCK[0]}" || fail "sqlite3 did not take the lock"
assert_eq locked "$line" "the lock holder's answer"

step "while it holds it: the loop forks on, |. answers"
FROM=$(top_ordinal)
wait_until ordinal_above $((FROM + 30))
ctl '|.'
assert_match "id: $LOOP" "$OUT" "|. while the database is locked"

step ".attach replies only once its row is committed"
spawn_sleeper s
S=$LAST_PID
( "$TETHERCTL" -S "$SOCK" .attach "$S" >"$DIR/attach.out" 2>&1
  echo "rc=$? rows=$(sqlite3 -batch "$DB" "SELECT count(*) FROM targets WHERE pid = $S")" >"$DIR/attach.done" ) &
ATTACHER=$!
# The daemon holds it now; its reply must wait for the commit.
wait_until pid_listed "$S"
FROM=$(top_ordinal)
wait_until ordinal_above $((FROM + 10))
assert_eq "" "$(cat "$DIR/attach.done" 2>/dev/null)" ".attach reply while the database is locked"

step "the lock goes"
echo "ROLLBACK;" >&"${LOCK[1]}"
exec {LOCK[1]}>&-
wait "$ATTACHER"
assert_eq "rc=0 rows=1" "$(<"$DIR/attach.done")" ".attach exit status, and its row read right after the reply"

step "every child of the loop is in the database"
ctl '|0 .kill'
wait_until live_count_is 1
# A reply after the loop's end: what came before it is committed.
ctl --json history
TOP=$(jget "$OUT" 'max(t["ordinal"] for t in d["targets"])')
assert_eq "$((TOP + 1))" "$(db 'SELECT count(*) FROM targets')" "target rows (ordinals 0..$TOP)"
assert_eq "$((TOP + 1))" "$(db 'SELECT count(DISTINCT ordinal) FROM targets')" "distinct ordinals"
assert_eq 0 "$(db "SELECT count(*) FROM targets t WHERE t.how = 'child' AND t.state = 'exited'
	AND NOT EXISTS (SELECT 1 FROM events e WHERE e.target_id = t.id AND e.kind = 'exit')")" \
	"exited children without an exit event"
assert_eq 0 "$(db "SELECT count(*) FROM targets WHERE how = 'child' AND state NOT IN ('exited', 'killed', 'detached')")" \
	"children neither ended nor let go"
