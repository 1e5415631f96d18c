#!/bin/bash
# Restart (DESIGN §4): tetherd is killed (-9) with 50 live targets in three
# sessions (created, attached, threaded, children and a grandchild;
# child-debug on and off). The next tetherd re-adopts every one of them with
# the same session, ordinal, parent and child-debug setting, and they work
# as targets: .kill, .detach, forks joining (or not), new ordinals never
# reusing old ones.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

[ "$(id -u)" == 0 ] || skip "re-adopting processes the test did not start needs root"

kill_daemon() { # kill -9, as a crash does; the kernel lets the targets go
	kill -9 "$DAEMON_PID"
	wait_until not is_alive "$DAEMON_PID"
	wait "$DAEMON_PID" 2>/dev/null || true
	DAEMON_PID=
}
# snapshot SESSION: the processes of |* --json without the marks and the
# state, one line each, by ordinal.
snapshot() {
	ctl -s "$1" --json '|*'
	jget "$OUT" '"\n".join(json.dumps({k: v for k, v in p.items() if k not in ("current", "event", "state", "stop")}, sort_keys=True) for p in sorted(d["processes"], key=lambda p: p["ordinal"]))'
}
session_pids() { # SESSION: the pids |* lists
	ctl -s "$1" --json '|*'
	jget "$OUT" '" ".join(str(p["pid"]) for p in d["processes"])'
}
all_traced_by() { # TRACER PID...: every task of every pid
	[ -z "$(untraced_by "$@")" ]
}
none_traced() {
	all_traced_by 0 "$@"
}
listed_in() { # SESSION ORDINAL
	ctl_ok -s "$1" '|*' && [ -n "$(listed_line "$2")" ]
}

start_daemon
FIRST_DAEMON=$DAEMON_PID

step "session default: 5 created, 14 attached, a threaded one; |3 detached"
for i in 1 2 3 4 5; do
	ctl .create "$HELPERS/sleeper" "$DIR/c$i.progress"
	release_if_held "$(pid_of_reply)"
done
for i in $(seq 14); do
	spawn_sleeper "a$i"
	attach "$LAST_PID"
done
mkdir "$DIR/threads"
spawn "$HELPERS/threads" 3 "$DIR/threads"
THREADED=$LAST_PID
wait_until test -s "$DIR/threads/thread.3"
attach "$THREADED"
ctl '|3 .detach'
assert_eq "Detached." "$OUT" "|3 .detach"
ctl '|7s'

step "session farm: a forker with child-debug on, 13 children, a grandchild"
spawn_forker f1
F1=$LAST_PID
ctl -s farm .attach "$F1"
ctl -s farm .childdbg 1
for i in $(seq 12); do
	kill -USR1 "$F1"
	wait_until has_lines "$DIR/f1/children" "$i"
done
kill -USR2 "$F1"
wait_until has_lines "$DIR/f1/grandchildren" 1
wait_until listed_in farm 14
GRANDCHILD=$(nth_line "$DIR/f1/grandchildren" 1)
# The child-debug setting each child inherited is turned off on one child.
ctl -s farm '|5 .childdbg 0'

step "session other: a forker with child-debug off (its child runs free), 15 attached"
spawn_forker f2
F2=$LAST_PID
ctl -s other .attach "$F2"
kill -USR1 "$F2"
wait_until has_lines "$DIR/f2/children" 1
FREE1=$(nth_line "$DIR/f2/children" 1)
for i in $(seq 15); do
	spawn_sleeper "o$i"
	ctl -s other .attach "$LAST_PID"
done

for s in default farm other; do
	printf -v "BEFORE_$s" '%s' "$(snapshot "$s")"
done
PIDS="$(session_pids default) $(session_pids farm) $(session_pids other)"
set -- $PIDS
assert_eq 50 "$#" "live targets before the restart"
assert_eq "" "$(untraced_by "$FIRST_DAEMON" $PIDS)" "targets not traced by the first daemon"
assert_eq 50 "$(db "SELECT count(*) FROM targets WHERE state IN ('running', 'stopped')")" "live rows before the restart"

step "kill -9, and the kernel lets every target go"
kill_daemon
wait_until none_traced $PIDS
assert_eq "" "$(untraced_by 0 $PIDS)" "targets still traced, or gone, after the kill"

step "restart: all 50 re-adopted"
start_daemon
assert_eq "" "$(untraced_by "$DAEMON_PID" $PIDS)" "targets (pid tid tracer) not traced by the new daemon"
for s in default farm other; do
	v=BEFORE_$s
	assert_eq "${!v}" "$(snapshot "$s")" "|* --json of session $s after the restart (ordinal, pid, how, name, parent, childdbg)"
done
assert_eq 50 "$(db "SELECT count(*) FROM targets WHERE state IN ('running', 'stopped')")" "live rows after the restart"
assert_eq "0|50" "$(db "SELECT count(*) FILTER (WHERE kind = 'lost'), count(*) FILTER (WHERE kind = 'adopt') FROM events")" "lost and adopt events"
assert_eq 0 "$(db "SELECT count(*) FROM targets t WHERE state IN ('running', 'stopped') AND NOT EXISTS (SELECT 1 FROM events e WHERE e.target_id = t.id AND e.kind = 'adopt')")" "live targets without an adopt event"
assert_eq "0 1 2 4" "$(db "SELECT group_concat(ordinal, ' ') FROM targets WHERE how = 'create' AND state = 'running'")" "created targets re-adopted (|3 was detached)"
assert_eq 0 "$(db "SELECT count(*) FROM targets WHERE ended_at IS NOT NULL AND state IN ('running', 'stopped')")" "live rows with an end time"
ctl '|*'
# (20 targets: the ordinals are two wide)
assert_match '^\.   0  id: ' "$OUT" "the current process after the restart is the first live one"
ctl --json '|~['"$THREADED"'] ~'
assert_eq "$(tasks "$THREADED" | tr '\n' ' ')" "$(jget "$OUT" '"".join("%d " % t["tid"] for t in sorted(d["threads"], key=lambda t: t["tid"]))')" "threads of the threaded target after the restart ($OUT)"

step "they work as targets: .kill, .detach"
ctl -s farm --json '|13'
KILLED=$(jget "$OUT" 'd["processes"][0]["pid"]')
ctl -s farm '|13 .kill'
assert_eq "Terminated." "$OUT" "|13 .kill in farm after the restart"
wait_until not is_alive "$KILLED"
assert_alive "$GRANDCHILD" "the grandchild of the killed child"
assert_tracer "$GRANDCHILD" "$DAEMON_PID" "TracerPid of the grandchild"
ctl --json '|7'
DETACHED=$(jget "$OUT" 'd["processes"][0]["pid"]')
ctl '|7 .detach'
assert_eq "Detached." "$OUT" "|7 .detach after the restart"
assert_tracer "$DETACHED" 0
assert_alive "$DETACHED"
assert_eq "killed|detached" "$(db "SELECT (SELECT state FROM targets WHERE pid = $KILLED), (SELECT state FROM targets WHERE pid = $DETACHED AND ordinal = 7)")" "rows of the killed and the detached target"

step "child-debug kept: farm's forker gathers a new child, |5 and other's forker do not"
kill -USR1 "$F1"
wait_until has_lines "$DIR/f1/children" 14
NEWCHILD=$(nth_line "$DIR/f1/children" 14)
wait_until listed_in farm 15
ctl -s farm '|15'
assert_listed 15 "$NEWCHILD" child "$(exe_of "$HELPERS/forker")"
kill -USR1 "$F2"
wait_until has_lines "$DIR/f2/children" 2
FREE2=$(nth_line "$DIR/f2/children" 2)
wait_until tracer_is "$FREE2" 0
ctl -s other --json '|*'
assert_eq 16 "$(jget "$OUT" 'len(d["processes"])')" "targets of session other after an untraced fork"

step "new ordinals are not reused"
spawn_sleeper late
attach "$LAST_PID"
assert_match '^.  20  id: '"$LAST_PID"'  attach  ' "$OUT" ".attach after the restart"
ctl --json history
assert_eq "$(seq -s ' ' 0 20)" "$(jget "$OUT" '" ".join(str(t["ordinal"]) for t in d["targets"])')" "ordinals in history"
assert_eq "detached detached" "$(jget "$OUT" '" ".join(t["state"] for t in d["targets"] if t["ordinal"] in (3, 7))')" "states of |3 and |7 in history"
