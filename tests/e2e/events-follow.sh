#!/bin/bash
# The live event stream (issue 4): `tetherctl --json events -f` and the text
# form, started before a scripted workload, see its events as they happen,
# in order: the creation and first exec of a program, the fork of a child
# (child-debug on), the child's exec, the signal it sends itself, its end by
# that signal, and the end of the program. A follower that goes away does
# not disturb the daemon; one still following ends when the daemon stops,
# saying so, with exit status 3.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

start_daemon
EXECER_EXE=$(exe_of "$HELPERS/execer")
SH_EXE=$(exe_of /bin/sh)

"$TETHERCTL" -S "$SOCK" --json events -f >"$DIR/follow.json" 2>"$DIR/follow-json.err" &
FJ=$!
"$TETHERCTL" -S "$SOCK" events -f >"$DIR/follow.txt" 2>"$DIR/follow-txt.err" &
FT=$!
# The acknowledgement of events -f is not printed: a follower shows that it
# is subscribed by the first event it prints. Until both do, a sleeper is
# attached and detached again (two events each time).
spawn_sleeper z
Z=$LAST_PID
followers_print() {
	is_alive "$FJ" || fail "the --json follower ended: $(cat "$DIR/follow-json.err")"
	is_alive "$FT" || fail "the text follower ended: $(cat "$DIR/follow-txt.err")"
	[ -s "$DIR/follow.json" ] && [ -s "$DIR/follow.txt" ] && return 0
	ctl .attach "$Z"
	ctl '|. .detach'
	return 1
}
wait_until followers_print

step "the workload: an execer that forks a shell that signals itself"
mkdir "$DIR/x"
ctl .create "$HELPERS/execer" "$DIR/x" /bin/sh -c 'kill -USR1 $$'
E=$(pid_of_reply)
ORD_E=$(jget "$(ctl --json "|~[$E]"; echo "$OUT")" 'd["processes"][0]["ordinal"]')
release_if_held "$E"
wait_until test -e "$DIR/x/ready"
ctl "|~[$E] .childdbg 1"
assert_eq "Processes created by the current process will be debugged" "$OUT" ".childdbg 1 of the execer"
kill -USR1 "$E"
wait_until has_lines "$DIR/x/reaped" 1
C=$(nth_line "$DIR/x/children" 1)
assert_eq "$C signal 10" "$(nth_line "$DIR/x/reaped" 1)" "how the child ended, seen by the execer"
kill -TERM "$E"

# events PIDS...: the events of those pids the --json follower printed, as
# "ordinal kind detail" lines (detail as compact JSON, sorted keys).
events_of_pids() {
	"$PY" -c '
import json, sys
pids = set(int(p) for p in sys.argv[2:])
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["pid"] in pids:
        print(e["ordinal"], e["kind"], json.dumps(e["detail"], sort_keys=True, separators=(",", ":")))
' "$DIR/follow.json" "$@"
}
# the_end: the --json follower printed the exit of the execer.
the_end() {
	[[ $(events_of_pids "$E") == *" exit "* ]]
}
wait_until the_end
ORD_C=$((ORD_E + 1))
assert_eq "$ORD_E create null
$ORD_E exec {\"exe\":\"$EXECER_EXE\"}
$ORD_C child {\"parent\":$ORD_E,\"via\":\"fork\"}
$ORD_C exec {\"exe\":\"$SH_EXE\"}
$ORD_C signal {\"action\":\"notify\",\"name\":\"SIGUSR1\",\"signal\":10,\"tid\":$C}
$ORD_C exit {\"signal\":10}
$ORD_E exit {\"code\":0}" "$(events_of_pids "$E" "$C")" "events of the workload in the --json stream"

step "every line of the stream is a whole event object, in id order, as the database has it"
"$PY" -c '
import json, sqlite3, sys
lines = open(sys.argv[1]).read().splitlines()
db = sqlite3.connect(sys.argv[2])
prev = 0
for line in lines:
    e = json.loads(line)
    keys = sorted(e)
    if keys != ["at", "cmdline", "detail", "id", "kind", "ordinal", "pid", "session"]:
        sys.exit("keys %s in %s" % (keys, line))
    if e["session"] != "default" or e["id"] <= prev:
        sys.exit("session or order wrong at %s (previous id %d)" % (line, prev))
    prev = e["id"]
    row = db.execute("SELECT e.kind, e.detail, t.ordinal, t.pid, e.at FROM events e "
                     "JOIN targets t ON t.id = e.target_id WHERE e.id = ?", (e["id"],)).fetchone()
    detail = json.loads(row[1]) if row and row[1] is not None else None
    if row is None or [row[0], detail, row[2], row[3]] != [e["kind"], e["detail"], e["ordinal"], e["pid"]] \
            or abs(row[4] - e["at"]) > 0.001:
        sys.exit("event %s differs from the database row %s" % (line, row))
' "$DIR/follow.json" "$DB" || fail "the --json stream (above) against the events table"

step "the text stream says the same as tetherctl events"
wait_until has_lines "$DIR/follow.txt" "$(line_count "$DIR/follow.json")"
N=$(line_count "$DIR/follow.txt")
assert_eq "$(line_count "$DIR/follow.json")" "$N" "lines of the text stream against the --json stream"
ctl events
# The command line is the one the target had at the event in the stream,
# its latest in the database: they differ before an exec.
assert_eq "$(tail -n "$N" <<<"$OUT" | sed 's/  cmd: .*//')" "$(sed 's/  cmd: .*//' "$DIR/follow.txt")" \
	"the text stream against the tail of tetherctl events"
assert_match "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}  \\|$ORD_C +signal +\\{\"signal\":10,\"name\":\"SIGUSR1\",\"tid\":$C,\"action\":\"notify\"\\}  cmd: /bin/sh -c kill -USR1 \\\$\\\$$" \
	"$(grep -E "\\|$ORD_C +signal " "$DIR/follow.txt")" "the text line of the child's signal"
assert_eq "$(grep -E "\\|$ORD_C +signal " "$DIR/follow.txt")" "$(grep -E "\\|$ORD_C +signal " <<<"$OUT")" \
	"the child's signal after its exec, in the stream and in tetherctl events"

step "a follower that goes away; one that stays ends with the daemon"
kill -TERM "$FT"
wait_until not is_alive "$FT"
wait "$FT" || true
ctl .attach "$Z"
wait_until has_lines "$DIR/follow.json" $((N + 1))
ctl status
stop_daemon
assert_eq 0 "$DAEMON_RC" "exit status of tetherd"
assert_follower_told_stop "$FJ" "$DIR/follow-json.err"
