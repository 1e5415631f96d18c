#!/bin/bash
# Every ended target says why it ended (targets.reason): exit, crash (a
# signal tether did not send), killed and detached and abandoned by a
# client (with its uid), shutdown (SIGTERM of the daemon); history, |N of
# an ended target and --json show it.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

start_daemon
ME=$(id -u)

# reason|ended_by of the target with that pid
reason_of() {
	db "SELECT ifnull(reason, '-') || '|' || ifnull(ended_by, '-') FROM targets WHERE pid = $1"
}

reason_is() {
	[ "$(reason_of "$1")" == "$2" ]
}

attached_sleeper() {
	spawn_sleeper "$1"
	ctl .attach "$LAST_PID"
}

step "exit: it ends by itself"
attached_sleeper ex
EX=$LAST_PID
assert_eq "-|-" "$(reason_of "$EX")" "no reason while it lives"
kill -TERM "$EX"
wait_until reason_is "$EX" "exit|-"

step "crash: a signal tether did not send ends it"
attached_sleeper cr
CR=$LAST_PID
kill -USR1 "$CR"
wait_until reason_is "$CR" "crash|-"
assert_eq "exited||10" "$(db "SELECT state || '|' || ifnull(exit_code, '') || '|' || exit_signal FROM targets WHERE pid = $CR")" \
	"state and exit of the crashed sleeper"

step "killed, detached, abandoned: by a client, with its uid"
attached_sleeper k
K=$LAST_PID
ctl "|~[$K]" .kill
wait_until reason_is "$K" "killed|$ME"
attached_sleeper d
D=$LAST_PID
ctl "|~[$D]" .detach
wait_until reason_is "$D" "detached|$ME"
attached_sleeper a
A=$LAST_PID
ctl "|~[$A]" .abandon
wait_until reason_is "$A" "abandoned|$ME"
kill -CONT "$A"

step "history, |N of an ended target, --json"
KORD=$(db "SELECT ordinal FROM targets WHERE pid = $K")
ctl history
assert_match "  RESULT  " "$OUT" "history's header"
assert_match "  killed  +killed  " "$OUT" "history's line of the killed target"
assert_match "  exited on SIGUSR1  +crash  " "$OUT" "history's line of the crashed target"
ctl --json history
assert_eq "exit crash killed detached abandoned" \
	"$(jget "$OUT" '" ".join(t["reason"] for t in d["targets"])')" "reasons in history --json"
assert_eq "None None $ME $ME $ME" \
	"$(jget "$OUT" '" ".join(str(t["ended_by"]) for t in d["targets"])')" "ended_by in history --json"
ctl "|$KORD"
assert_match "^   $KORD  id: $K  attach  name: .*  \[ended: killed\]  Result: killed$" "$OUT" "|N of the killed target"
ctl ps "$KORD"
assert_match "Result: killed$" "$OUT" "ps N of the killed target"
ctl --json "|$KORD"
assert_eq "killed killed" "$(jget "$OUT" 'd["processes"][0]["state"] + " " + d["processes"][0]["reason"]')" \
	"|N --json of the killed target"
ctl_expect 1 "|~[$K]"
ctl_expect 1 "|${KORD}s"
assert_eq "tetherctl: no such process: |$KORD" "$ERR" "an ended target cannot be selected"
ctl_expect 1 "|999"
assert_eq "tetherctl: no such process: |999" "$ERR" "|N of an ordinal never given"
ctl --json "|$KORD; |*"
assert_eq "killed" "$(jget "$(printf '%s\n' "$OUT" | head -n 1)" 'd["processes"][0]["reason"]')" \
	"|N of an ended target in a line of several commands"

step "shutdown: SIGTERM of the daemon lets its targets go"
attached_sleeper s
S=$LAST_PID
stop_daemon
assert_eq "detached|shutdown|-" "$(db "SELECT state || '|' || reason || '|' || ifnull(ended_by, '-') FROM targets WHERE pid = $S")" \
	"the target the daemon let go when it stopped"
