#!/bin/bash
# Second-chance break (issue 4): with `sxd usr1` a SIGUSR1 holds the target
# only when it has no handler for it (it would die of it). A catcher with a
# handler gets it passed (not held, handler run, event "notify"); the same
# program without a handler is held ("break"); `gh` lets it live on, `g`
# (the filter: delivered) lets the signal end it. Last, `sxi 10`: delivered,
# no event row, counted in `sx`.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

# caught_now NAME: the handler's count of catcher NAME once it has run two
# more rounds (each writes caught, then progress).
caught_now() {
	local p
	p=$(counter "$DIR/$1/progress")
	wait_until counter_above "$DIR/$1/progress" $((p + 1))
	counter "$DIR/$1/caught"
}

counter_is() {
	[ "$(counter "$1")" == "$2" ]
}

# events_of PID ORDINAL: the events of that target, "kind|detail" a line.
events_of() {
	db "SELECT e.kind || '|' || ifnull(e.detail, '') FROM events e JOIN targets t ON t.id = e.target_id
		WHERE t.pid = $1 AND t.ordinal = $2 ORDER BY e.id"
}

# sx_of SIG: the entry of signal number SIG in sx --json.
sx_of() {
	ctl --json sx
	jget "$OUT" 'json.dumps([s for s in d["signals"] if s["signal"] == '"$1"'][0], sort_keys=True, separators=(",", ":"))'
}

# start_catcher NAME [nohandler]: a catcher in $DIR/NAME, attached. Sets LAST_PID.
start_catcher() {
	mkdir "$DIR/$1"
	spawn "$HELPERS/catcher" "$DIR/$1" ${2:+"$2"}
	wait_until test -s "$DIR/$1/progress"
	ctl .attach "$LAST_PID"
}

start_daemon
CATCHER_EXE=$(exe_of "$HELPERS/catcher")

ctl sxd usr1
assert_eq "SIGUSR1: second-chance" "$OUT" "sxd usr1 reply"
assert_eq '{"action":"second-chance","ignored":0,"name":"SIGUSR1","signal":10}' "$(sx_of 10)" "SIGUSR1 in sx --json"

step "with a handler: passed"
start_catcher h
H=$LAST_PID
assert_eq "$(status_line "${OUT:0:1}" 0 "$H" attach "$CATCHER_EXE")" "$OUT" ".attach of the catcher with a handler"
assert_match $'\nSigCgt:\t[0-9a-f]*[2367abef][0-9a-f]{2}\n' "$(proc_file "/proc/$H/status")" "SigCgt of the catcher has SIGUSR1 (bit 9)"
kill -USR1 "$H"
wait_until counter_is "$DIR/h/caught" 1
assert_eq running "$(stop_of "$H")" "the catcher with a handler after SIGUSR1"
assert_eq 1 "$(caught_now h)" "handler calls after one SIGUSR1"
assert_eq "attach|
signal|{\"signal\":10,\"name\":\"SIGUSR1\",\"tid\":$H,\"action\":\"notify\"}" "$(events_of "$H" 0)" "events of the catcher with a handler"

step "without a handler: held"
start_catcher n nohandler
N=$LAST_PID
assert_eq "$(status_line "${OUT:0:1}" 1 "$N" attach "$CATCHER_EXE")" "$OUT" ".attach of the catcher without a handler"
kill -USR1 "$N"
wait_until stop_is "$N" SIGUSR1
assert_eq "t" "$(proc_state "$N")" "/proc state of the held catcher"
ctl '|#'
assert_eq "$(status_line "#" 1 "$N" attach "$CATCHER_EXE")  [stopped: SIGUSR1]" "$OUT" "|# while held"
assert_eq running "$(stop_of "$H")" "the catcher with a handler while the other is held"
wait_progress "$DIR/h/progress"

step "gh: it lives on; again held; g: SIGUSR1 ends it"
ctl gh
assert_eq "Continued 1 target(s)." "$OUT" "gh reply"
wait_progress "$DIR/n/progress"
assert_eq running "$(stop_of "$N")" "the catcher without a handler after gh"
kill -USR1 "$N"
wait_until stop_is "$N" SIGUSR1
ctl '|1 g'
assert_eq "Continued 1 target(s)." "$OUT" "|1 g reply"
RC=0
wait "$N" || RC=$?
assert_eq $((128 + 10)) "$RC" "exit status of the catcher without a handler (128 + SIGUSR1)"
wait_until target_end_is 1 "exited||10"
assert_eq "attach|
signal|{\"signal\":10,\"name\":\"SIGUSR1\",\"tid\":$N,\"action\":\"break\"}
continue|{\"signal\":10,\"handled\":true}
signal|{\"signal\":10,\"name\":\"SIGUSR1\",\"tid\":$N,\"action\":\"break\"}
continue|{\"signal\":10,\"handled\":false}
exit|{\"signal\":10}" "$(events_of "$N" 1)" "events of the catcher without a handler"
ctl '|*'
assert_eq "0" "$(ordinals)" "ordinals after the end of ordinal 1"

step "sxi 10: delivered, counted, no event row"
ctl sxi 10
assert_eq "SIGUSR1: ignore" "$OUT" "sxi 10 reply"
kill -USR1 "$H"
wait_until counter_is "$DIR/h/caught" 2
assert_eq running "$(stop_of "$H")" "the catcher with a handler after an ignored SIGUSR1"
assert_eq '{"action":"ignore","ignored":1,"name":"SIGUSR1","signal":10}' "$(sx_of 10)" "SIGUSR1 in sx --json after one ignored"
ctl sx
assert_match $'(^|\n)SIGUSR1    10  ignore \\(1 delivered\\)(\n|$)' "$OUT" "sx text after one ignored SIGUSR1"
assert_eq "attach|
signal|{\"signal\":10,\"name\":\"SIGUSR1\",\"tid\":$H,\"action\":\"notify\"}" "$(events_of "$H" 0)" "events of the catcher with a handler (no row for the ignored one)"
