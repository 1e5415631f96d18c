#!/bin/bash
# Restart, the other side (DESIGN §4): targets that are not the same process
# any more are marked lost and never touched. One exited while the daemon
# was down; one exited and its pid was given (clone3 set_tid) to an unrelated
# process, which must stay untraced; one is there but re-adoption is off
# (tetherd -R). What is the same process is re-adopted.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

[ "$(id -u)" == 0 ] || skip "choosing a pid (clone3 set_tid) and re-adoption need root"

start_daemon_with() { # ARGS...: start_daemon with more options
	"$TETHERD" -S "$SOCK" -D "$DB" "$@" >>"$DIR/tetherd.log" 2>&1 &
	DAEMON_PID=$!
	wait_until daemon_answers
}
row() { # ORDINAL: state|reason of the last lost event
	db "SELECT t.state || '|' || ifnull((SELECT json_extract(e.detail, '$.reason')
		FROM events e WHERE e.target_id = t.id AND e.kind = 'lost'
		ORDER BY e.id DESC LIMIT 1), '') FROM targets t WHERE t.ordinal = $1"
}
# take_pid PID: starts a sleeper (an unrelated process) as pid PID.
take_pid() {
	"$HELPERS/pidat" "$1" "$HELPERS/sleeper" "$DIR/reuser.progress" ||
		fail "could not start a process as pid $1"
}

start_daemon
spawn_sleeper gone
GONE=$LAST_PID
attach "$GONE"
spawn_sleeper reused
REUSED=$LAST_PID
attach "$REUSED"
spawn_sleeper same
SAME=$LAST_PID
attach "$SAME"

step "kill -9; two targets exit while no daemon runs"
kill_daemon
kill -TERM "$GONE" "$REUSED"
wait "$GONE" "$REUSED" 2>/dev/null || true
wait_until not is_alive "$GONE"
wait_until not is_alive "$REUSED"
step "pid $REUSED goes to an unrelated process"
take_pid "$REUSED"
REUSER=$REUSED
wait_until test -s "$DIR/reuser.progress"
OLD_START=$(db "SELECT start_time FROM targets WHERE ordinal = 1")

step "restart: |0 lost (gone), |1 lost (pid reused), |2 re-adopted"
start_daemon
assert_eq "lost|gone" "$(row 0)" "|0 (exited while the daemon was down)"
assert_eq "lost|pid reused" "$(row 1)" "|1 (its pid now another process's)"
assert_eq "running|" "$(row 2)" "|2 (the same process)"
assert_tracer "$REUSER" 0 "TracerPid of the unrelated process with pid $REUSER"
assert_tracer "$SAME" "$DAEMON_PID" "TracerPid of the re-adopted target"
ctl '|*'
assert_eq "2" "$(ordinals)" "ordinals |* lists"
ctl_expect 1 "|~[$REUSER]"
ctl --json events -k lost,adopt
assert_eq "lost 0 $GONE|lost 1 $REUSED|adopt 2 $SAME" \
	"$(jget "$OUT" '"|".join("%s %s %s" % (e["kind"], e["ordinal"], e["pid"]) for e in d["events"])')" "events -k lost,adopt"
DETAIL=$(db "SELECT detail FROM events WHERE kind = 'lost' AND target_id = (SELECT id FROM targets WHERE ordinal = 1)")
assert_eq "$OLD_START" "$(jget "$DETAIL" 'd["start_time"]')" "start_time in the lost event's detail ($DETAIL)"
ctl --json history -S lost
assert_eq "0 1" "$(jget "$OUT" '" ".join(str(t["ordinal"]) for t in d["targets"])')" "history -S lost"
ctl history -p 1
assert_match "  lost  +lost  " "$OUT" "history -p 1"
assert_eq "lost lost -" "$(db "SELECT group_concat(ifnull(reason, '-'), ' ') FROM (SELECT reason FROM targets ORDER BY ordinal)")" \
	"reasons of |0, |1 (lost) and |2 (live)"
# Still untouched after the daemon has run its loop for a while.
wait_progress "$DIR/reuser.progress"
assert_tracer "$REUSER" 0 "TracerPid of the unrelated process, later"

step "re-adoption off (-R): the live target is lost and left alone"
kill_daemon
wait_until tracer_is "$SAME" 0
start_daemon_with -R
assert_eq "lost|re-adoption off" "$(row 2)" "|2 with -R"
assert_tracer "$SAME" 0 "TracerPid of |2's process with -R"
assert_alive "$SAME"
ctl '|*'
assert_eq "" "$(ordinals)" "ordinals |* lists with -R"
assert_match "dormant" "$OUT" "|* with -R"
assert_eq 0 "$(db "SELECT count(*) FROM targets WHERE state IN ('running', 'stopped')")" "live rows with -R"
