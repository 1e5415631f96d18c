#!/bin/bash
# The database is public (DESIGN §4): after a scripted run (create, attach,
# child, kill, detach, exit) sqlite3 shows exactly what happened, and each
# change is there as soon as the command's reply is.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

state_of() { # PID: the state column of its row
	db "SELECT state FROM targets WHERE pid = $1"
}
state_is() { # PID STATE
	[ "$(state_of "$1")" == "$2" ]
}
cmdline_of() { # PID: /proc/PID/cmdline, arguments joined by spaces
	tr '\0' ' ' <"/proc/$1/cmdline" | sed 's/ $//'
}
start_time_of() { # PID: field 22 of /proc/PID/stat
	local line
	read -r line <"/proc/$1/stat"
	line=${line##*) }
	set -- $line
	echo "${20}"
}

T0=$EPOCHREALTIME
start_daemon
UID_NOW=$(id -u)
SLEEPER_EXE=$(exe_of "$HELPERS/sleeper")
FORKER_EXE=$(exe_of "$HELPERS/forker")

assert_match '^[1-9][0-9]*$' "$(db 'PRAGMA user_version')" "PRAGMA user_version"
assert_eq wal "$(db 'PRAGMA journal_mode')" "PRAGMA journal_mode"

step "create"
ctl .create "$HELPERS/sleeper" "$DIR/created.progress"
CREATED=$(pid_of_reply)
assert_eq "$(status_line "${OUT:0:1}" 0 "$CREATED" create "$SLEEPER_EXE")" "$OUT" ".create reply"
assert_match '^(running|stopped)$' "$(state_of "$CREATED")" "state row of the created process right after the reply"
release_if_held "$CREATED"
wait_until test -s "$DIR/created.progress"

step "attach"
spawn_forker f
FORKER=$LAST_PID
ctl .attach "$FORKER"
assert_eq running "$(state_of "$FORKER")" "state row of the attached forker right after the reply"
ctl '|1 .childdbg 1'

step "child"
kill -USR1 "$FORKER"
wait_until has_lines "$DIR/f/children" 1
CHILD=$(nth_line "$DIR/f/children" 1)
wait_until is_listed 2
assert_listed 2 "$CHILD" child "$FORKER_EXE"
# Read from /proc by the commit that wrote its row, not at the fork.
assert_eq "$(start_time_of "$CHILD")" "$(db "SELECT start_time FROM targets WHERE ordinal = 2")" "start_time of the live child"

step "kill"
ctl '|2 .kill'
assert_eq "Terminated." "$OUT" "|2 .kill reply"
assert_eq killed "$(state_of "$CHILD")" "state row of the killed child right after the reply"

step "detach"
ctl '|0 .detach'
assert_eq "Detached." "$OUT" "|0 .detach reply"
assert_eq detached "$(state_of "$CREATED")" "state row of the detached process right after the reply"
assert_tracer "$CREATED" 0

step "exit"
spawn_sleeper s
SLEEPER=$LAST_PID
ctl .attach "$SLEEPER"
assert_listed 3 "$SLEEPER" attach "$SLEEPER_EXE"
kill -TERM "$SLEEPER"
wait_until not is_listed 3
wait_until state_is "$SLEEPER" exited

step "the rows"
assert_eq "1|default" "$(db 'SELECT count(*), max(name) FROM sessions')" "sessions"
SID=$(db "SELECT id FROM sessions WHERE name = 'default'")
assert_eq "0|$CREATED|create|detached||NULL|NULL|0|$UID_NOW|$SLEEPER_EXE
1|$FORKER|attach|running||NULL|NULL|1|$UID_NOW|$FORKER_EXE
2|$CHILD|child|killed|1|NULL|9|1|$UID_NOW|$FORKER_EXE
3|$SLEEPER|attach|exited||0|NULL|0|$UID_NOW|$SLEEPER_EXE" \
	"$(db "SELECT t.ordinal, t.pid, t.how, t.state, ifnull(p.ordinal, ''),
		ifnull(t.exit_code, 'NULL'), ifnull(t.exit_signal, 'NULL'),
		t.childdbg, t.uid, t.exe
	FROM targets t LEFT JOIN targets p ON p.id = t.parent_id ORDER BY t.ordinal")" \
	"targets (ordinal|pid|how|state|parent ordinal|exit_code|exit_signal|childdbg|uid|exe)"
assert_eq "4|4" "$(db "SELECT count(*), sum(session_id = $SID) FROM targets")" "targets of the session"
assert_eq "$(cmdline_of "$CREATED")" "$(db "SELECT cmdline FROM targets WHERE ordinal = 0")" "cmdline of the created process"
assert_eq "$(cmdline_of "$FORKER")" "$(db "SELECT cmdline FROM targets WHERE ordinal = 1")" "cmdline of the forker"
assert_eq "$(start_time_of "$FORKER")" "$(db "SELECT start_time FROM targets WHERE ordinal = 1")" "start_time of the forker"
assert_eq "$(start_time_of "$CREATED")" "$(db "SELECT start_time FROM targets WHERE ordinal = 0")" "start_time of the created process"
T1=$EPOCHREALTIME
assert_eq "0|0|1|1
1|0|0|0
2|0|1|1
3|0|1|1" "$(db "SELECT ordinal, typeof(joined_at) != 'real' OR joined_at < $T0 - 1 OR joined_at > $T1 + 1,
		ended_at IS NOT NULL, ifnull(ended_at >= joined_at AND ended_at <= $T1 + 1, 0)
	FROM targets ORDER BY ordinal")" "times (ordinal|joined_at wrong|ended|ended_at sane)"

step "the events"
EVENTS=$(db "SELECT ifnull(t.ordinal, '-') || ' ' || e.kind FROM events e
	LEFT JOIN targets t ON t.id = e.target_id WHERE e.session_id = $SID ORDER BY e.id")
# The created process's exec of its program may or may not be an event.
assert_eq "0 create
1 attach
2 child
2 kill
0 detach
3 attach
3 exit" "$(grep -vx '0 exec' <<<"$EVENTS")" "events of the session (ordinal kind), in order; all of them:
$EVENTS"
assert_eq 0 "$(db "SELECT count(*) FROM events WHERE session_id IS NOT $SID")" "events outside the session"
assert_eq 0 "$(db "SELECT count(*) FROM events a JOIN events b ON b.id > a.id WHERE b.at < a.at")" "events out of time order"
DETAIL=$(db "SELECT e.detail FROM events e JOIN targets t ON t.id = e.target_id WHERE t.ordinal = 3 AND e.kind = 'exit'")
assert_eq 0 "$(jget "$DETAIL" 'd["code"]')" "code in the detail of the exit event ($DETAIL)"
DETAIL=$(db "SELECT e.detail FROM events e JOIN targets t ON t.id = e.target_id WHERE t.ordinal = 2 AND e.kind = 'kill'")
[ -z "$DETAIL" ] || jget "$DETAIL" 'd' >/dev/null || fail "detail of the kill event is not JSON: $DETAIL"

step "the events command agrees"
ctl events 100
assert_eq "$(db "SELECT count(*) FROM events WHERE session_id = $SID")" "$(wc -l <<<"$OUT")" "lines of events 100"
ctl --json events 100
assert_eq 1 "$(wc -l <<<"$OUT")" "lines printed by --json events 100 (one JSON document per command); output:
$OUT"
assert_eq "$(db "SELECT kind FROM events WHERE session_id = $SID ORDER BY id" | tr '\n' ' ')" \
	"$(jget "$OUT" '"".join(e["kind"] + " " for e in d["events"])')" "kinds of events --json"
assert_eq "$(db "SELECT ifnull(t.ordinal, 'None'), ifnull(t.pid, 'None') FROM events e
	LEFT JOIN targets t ON t.id = e.target_id WHERE e.session_id = $SID ORDER BY e.id" | tr '\n' ' ')" \
	"$(jget "$OUT" '"".join("%s|%s " % (e["ordinal"], e["pid"]) for e in d["events"])')" "ordinals and pids of events --json"
