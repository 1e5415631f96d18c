#!/bin/bash
# Outstanding signals and their handling (issue 4): with `sxe usr1` a SIGUSR1
# holds the target in its signal-delivery stop. `gh` continues it with the
# signal suppressed (the target's handler does not run), `gn` and `g` with
# it delivered (the handler runs once); `.detach /h` and `.detach /n` do the
# same as they let go of it. An unhandled SIGTERM held by `sxe term` ends the
# process once `.detach /n` delivers it.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

# caught_now: the handler's count, once the catcher has run two more rounds
# (each round writes caught, then progress): a handler run at the moment
# the target was let go is counted by then.
caught_now() {
	local p
	p=$(counter "$DIR/k/progress")
	wait_until counter_above "$DIR/k/progress" $((p + 1))
	counter "$DIR/k/caught"
}

# events_of PID ORDINAL: the events of that target, "kind|detail" a line.
events_of() {
	db "SELECT e.kind || '|' || ifnull(e.detail, '') FROM events e JOIN targets t ON t.id = e.target_id
		WHERE t.pid = $1 AND t.ordinal = $2 ORDER BY e.id"
}

start_daemon
CATCHER_EXE=$(exe_of "$HELPERS/catcher")

step "sxe usr1"
ctl sxe usr1
assert_eq "SIGUSR1: break" "$OUT" "sxe usr1 reply"
ctl --json sx
assert_eq '{"action":"break","ignored":0,"name":"SIGUSR1","signal":10}' \
	"$(jget "$OUT" 'json.dumps([s for s in d["signals"] if s["signal"] == 10][0], sort_keys=True, separators=(",", ":"))')" \
	"SIGUSR1 in sx --json"

mkdir "$DIR/k"
spawn "$HELPERS/catcher" "$DIR/k"
K=$LAST_PID
wait_until test -s "$DIR/k/progress"
ctl .attach "$K"
assert_eq "$(status_line "${OUT:0:1}" 0 "$K" attach "$CATCHER_EXE")" "$OUT" ".attach of the catcher"
assert_eq 0 "$(caught_now)" "handler calls before any SIGUSR1"

# held_at SIG WANT_CAUGHT: sends SIG to the catcher, which must be held
# at it with the handler not run yet.
held_at() {
	kill "-$1" "$K"
	wait_until stop_is "$K" "SIG$1"
	assert_eq "t" "$(proc_state "$K")" "/proc state of the catcher held at SIG$1"
	assert_eq "$2" "$(counter "$DIR/k/caught")" "handler calls while held at SIG$1"
}

step "held at SIGUSR1; gh suppresses it"
held_at USR1 0
ctl '|#'
# The only target is also the current one: "." wins over "#".
assert_eq "$(status_line . 0 "$K" attach "$CATCHER_EXE")  [stopped: SIGUSR1]" "$OUT" "|# while held"
ctl --json '|#'
assert_eq "[0,$K,\"stopped\",\"SIGUSR1\",true,true]" \
	"$(jget "$OUT" '[[p["ordinal"], p["pid"], p["state"], p["stop"], p["event"], p["current"]] for p in d["processes"]][0]')" \
	"|# --json (ordinal, pid, state, stop, event, current) while held"
ctl gh
assert_eq "Continued 1 target(s)." "$OUT" "gh reply"
assert_eq running "$(stop_of "$K")" "the catcher after gh"
assert_eq 0 "$(caught_now)" "handler calls after gh"
assert_tracer "$K" "$DAEMON_PID"

step "held at SIGUSR1; gn delivers it"
held_at USR1 0
ctl gn
assert_eq "Continued 1 target(s)." "$OUT" "gn reply"
assert_eq 1 "$(caught_now)" "handler calls after gn"
assert_eq running "$(stop_of "$K")" "the catcher after gn"

step "held at SIGUSR1; g delivers it, as the filter says"
held_at USR1 1
ctl g
assert_eq "Continued 1 target(s)." "$OUT" "g reply"
assert_eq 2 "$(caught_now)" "handler calls after g"
ctl g
assert_eq "Continued 0 target(s)." "$OUT" "g with nothing held"
assert_eq 2 "$(caught_now)" "handler calls after a g with nothing held"

assert_eq "attach|
signal|{\"signal\":10,\"name\":\"SIGUSR1\",\"tid\":$K,\"action\":\"break\"}
continue|{\"signal\":10,\"handled\":true}
signal|{\"signal\":10,\"name\":\"SIGUSR1\",\"tid\":$K,\"action\":\"break\"}
continue|{\"signal\":10,\"handled\":false}
signal|{\"signal\":10,\"name\":\"SIGUSR1\",\"tid\":$K,\"action\":\"break\"}
continue|{\"signal\":10,\"handled\":false}" "$(events_of "$K" 0)" "events of the catcher (ordinal 0)"

step "held at SIGUSR1; .detach /h suppresses it"
held_at USR1 2
ctl '|# .detach /h'
assert_eq "Detached.
$DORMANT_LINE" "$OUT" ".detach /h reply"
assert_tracer "$K" 0
assert_alive "$K" "the catcher after .detach /h"
assert_eq 2 "$(caught_now)" "handler calls after .detach /h"
wait_progress "$DIR/k/progress"
assert_eq "detached" "$(db "SELECT state FROM targets WHERE ordinal = 0")" "state of ordinal 0 in the database"

step "held at SIGUSR1 again; .detach /n delivers it"
ctl .attach "$K"
assert_eq "$(status_line "${OUT:0:1}" 1 "$K" attach "$CATCHER_EXE")" "$OUT" "second .attach of the catcher"
held_at USR1 2
ctl '|1 .detach /n'
assert_eq "Detached.
$DORMANT_LINE" "$OUT" ".detach /n reply"
assert_tracer "$K" 0
assert_alive "$K" "the catcher after .detach /n"
assert_eq 3 "$(caught_now)" "handler calls after .detach /n"
assert_eq "attach|
signal|{\"signal\":10,\"name\":\"SIGUSR1\",\"tid\":$K,\"action\":\"break\"}
detach|{\"signal\":10,\"handled\":false}" "$(events_of "$K" 1)" "events of the catcher (ordinal 1)"
assert_eq "attach|
signal|{\"signal\":10,\"name\":\"SIGUSR1\",\"tid\":$K,\"action\":\"break\"}
continue|{\"signal\":10,\"handled\":true}
signal|{\"signal\":10,\"name\":\"SIGUSR1\",\"tid\":$K,\"action\":\"break\"}
continue|{\"signal\":10,\"handled\":false}
signal|{\"signal\":10,\"name\":\"SIGUSR1\",\"tid\":$K,\"action\":\"break\"}
continue|{\"signal\":10,\"handled\":false}
signal|{\"signal\":10,\"name\":\"SIGUSR1\",\"tid\":$K,\"action\":\"break\"}
detach|{\"signal\":10,\"handled\":true}" "$(events_of "$K" 0)" "events of the catcher (ordinal 0) at the end"

step "sxe term: an unhandled SIGTERM is held; .detach /n lets it end the process"
ctl sxe SIGTERM
assert_eq "SIGTERM: break" "$OUT" "sxe SIGTERM reply"
ctl .attach "$K"
assert_eq "$(status_line "${OUT:0:1}" 2 "$K" attach "$CATCHER_EXE")" "$OUT" "third .attach of the catcher"
held_at TERM 3
# Held, the SIGTERM has not ended it: the process stands still but lives.
assert_alive "$K" "the catcher held at SIGTERM"
ctl '|2 .detach /n'
assert_eq "Detached.
$DORMANT_LINE" "$OUT" ".detach /n reply (SIGTERM)"
RC=0
wait "$K" || RC=$?
assert_eq $((128 + 15)) "$RC" "exit status of the catcher seen by its parent after .detach /n of SIGTERM"
assert_eq "attach|
signal|{\"signal\":15,\"name\":\"SIGTERM\",\"tid\":$K,\"action\":\"break\"}
detach|{\"signal\":15,\"handled\":false}" "$(events_of "$K" 2)" "events of the catcher (ordinal 2)"
