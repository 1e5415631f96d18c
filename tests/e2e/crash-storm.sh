#!/bin/bash
# Crash safety (DESIGN §4: a daemon that is killed loses nothing that it had
# acknowledged): tetherd is killed (-9) in the middle of a fork storm under
# child-debug. After a restart, every event a command's reply or an
# `events -f` subscriber had seen is in the database, exactly; the database
# passes integrity_check; the targets still alive are re-adopted.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

[ "$(id -u)" == 0 ] || skip "re-adopting the storm needs root"

# events_of JSONFILE: "id kind ordinal pid" per event of an events --json reply.
events_of() {
	"$PY" -c '
import json, sys
for e in json.load(open(sys.argv[1]))["events"]:
    print(e["id"], e["kind"], e["ordinal"], e["pid"])' "$1"
}
# db_events MAXID: the same from the database, for ids up to MAXID.
db_events() {
	db "SELECT e.id || ' ' || e.kind || ' ' || ifnull(t.ordinal, 'None') || ' ' || ifnull(t.pid, 'None')
		FROM events e LEFT JOIN targets t ON t.id = e.target_id WHERE e.id <= $1 ORDER BY e.id"
}
forks_above() { # N: the storm made more than N forks
	[ "$(counter "$DIR/storm/progress")" -gt "$1" ]
}
child_rows_above() { # N: more than N child rows committed
	[ "$(db "SELECT count(*) FROM targets WHERE how = 'child'")" -gt "$1" ]
}

start_daemon
mkdir "$DIR/storm"
ctl .create "$HELPERS/storm" "$DIR/storm"
STORM=$(pid_of_reply)
ctl .childdbg 1
release_if_held "$STORM"

step "a subscriber follows the events"
"$TETHERCTL" -S "$SOCK" --json events -f >"$DIR/follow.out" 2>"$DIR/follow.err" &
FOLLOWER=$!
wait_until test -s "$DIR/storm/progress"
wait_until forks_above 200
wait_until child_rows_above 100

step "acknowledged: replies of events and |* while the storm runs, then kill -9"
for i in 1 2 3; do
	"$TETHERCTL" -S "$SOCK" --json events 100000000 >"$DIR/ack-events.json"
	"$TETHERCTL" -S "$SOCK" --json '|*' >"$DIR/ack-ps.json"
done
"$TETHERCTL" -S "$SOCK" --json events 100000000 >"$DIR/ack-events.json"
kill_daemon
wait "$FOLLOWER" 2>/dev/null || true
# The storm goes on untraced; pause it so that the restart has a fixed set.
kill -USR1 "$STORM"
wait_until test -e "$DIR/storm/paused"

ACKED=$(events_of "$DIR/ack-events.json")
ACK_COUNT=$(wc -l <<<"$ACKED")
MAX_ID=$(tail -n 1 <<<"$ACKED" | cut -d' ' -f1)
step "$ACK_COUNT events acknowledged (last id $MAX_ID); storm at $(counter "$DIR/storm/progress") forks"
[ "$ACK_COUNT" -gt 200 ] || fail "only $ACK_COUNT events acknowledged: the storm did not run under the daemon"

step "restart"
start_daemon
assert_eq ok "$(db 'PRAGMA integrity_check')" "PRAGMA integrity_check"
assert_eq "" "$(db 'PRAGMA foreign_key_check')" "PRAGMA foreign_key_check"
assert_eq "$ACKED" "$(db_events "$MAX_ID")" "events up to id $MAX_ID: the acknowledged ones, exactly (id kind ordinal pid)"

step "what |* acknowledged is in the database"
"$PY" -c '
import json, sys
for p in json.load(open(sys.argv[1]))["processes"]:
    print(p["ordinal"], p["pid"], p["how"])' "$DIR/ack-ps.json" >"$DIR/ack-ps.txt"
[ "$(wc -l <"$DIR/ack-ps.txt")" -gt 1 ] || fail "|* listed no children: $(cat "$DIR/ack-ps.json")"
ORDS=$(cut -d' ' -f1 "$DIR/ack-ps.txt" | paste -sd,)
assert_eq "$(sort -n "$DIR/ack-ps.txt")" "$(db "SELECT ordinal || ' ' || pid || ' ' || how FROM targets WHERE ordinal IN ($ORDS) ORDER BY ordinal")" "rows of the processes |* listed (ordinal pid how)"

step "what the subscriber saw is in the database"
FOLLOWED=$("$PY" -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    try:
        d = json.loads(line)
    except ValueError:
        break          # a line cut by the kill
    evs = d.get("events", [d]) if isinstance(d, dict) else []
    for e in evs:
        if isinstance(e, dict) and "id" in e and "kind" in e:
            print(e["id"], e["kind"], e["ordinal"], e["pid"])
' "$DIR/follow.out")
[ -n "$FOLLOWED" ] || fail "the subscriber saw no event: $(head -c 300 "$DIR/follow.out")"
IDS=$(cut -d' ' -f1 <<<"$FOLLOWED" | paste -sd,)
assert_eq "$(sort -n <<<"$FOLLOWED")" "$(db "SELECT e.id || ' ' || e.kind || ' ' || ifnull(t.ordinal, 'None') || ' ' || ifnull(t.pid, 'None')
	FROM events e LEFT JOIN targets t ON t.id = e.target_id WHERE e.id IN ($IDS) ORDER BY e.id")" "events seen by the subscriber (id kind ordinal pid)"
step "$(wc -l <<<"$FOLLOWED") followed events checked"

step "the survivors are re-adopted, the others lost"
LIVE=$(db "SELECT pid FROM targets WHERE state IN ('running', 'stopped')")
ADOPTED=$(db "SELECT count(*) FROM events WHERE kind = 'adopt'")
assert_eq "$(wc -l <<<"$LIVE")" "$ADOPTED" "adopt events and live rows"
[ "$ADOPTED" -gt 1 ] || fail "only $ADOPTED target(s) re-adopted"
assert_eq "" "$(untraced_by "$DAEMON_PID" $LIVE)" "re-adopted targets not traced by the new daemon"
assert_eq 0 "$(db "SELECT count(*) FROM targets t WHERE state = 'lost' AND NOT EXISTS (SELECT 1 FROM events e WHERE e.target_id = t.id AND e.kind = 'lost')")" "lost targets without a lost event"
# A lost one is not alive as the same process (pid and start time).
assert_eq "" "$("$PY" -c '
import sys
for pair in sys.argv[1:]:
    pid, start = pair.split(":")
    try:
        stat = open("/proc/%s/stat" % pid).read()
    except OSError:
        continue
    fields = stat[stat.rindex(")") + 2:].split()
    if fields[19] == start and fields[0] not in "ZX":
        print(pid)' $(db "SELECT pid || ':' || start_time FROM targets WHERE state = 'lost'"))" "targets marked lost that are alive as the same process"

step "the storm, re-adopted, still gathers its children"
kill -USR1 "$STORM"
wait_until child_rows_above "$(db "SELECT count(*) FROM targets WHERE how = 'child'")"
assert_tracer "$STORM" "$DAEMON_PID" "TracerPid of the storm"
kill -USR1 "$STORM"
wait_until test -e "$DIR/storm/paused"
