#!/bin/bash
# [target] sections: each program runs under trace right after the daemon
# starts, with its command, working directory, environment, user, session
# and child-debug setting; restart = always starts it again when it exits,
# restart = no does not.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"
. "$(dirname "${E2E_LIB:-$0}")/config-lib.sh"

[ "$(id -u)" == 0 ] || skip "running a target as another user needs root"
NOBODY_UID=$(id -u nobody 2>/dev/null) || skip "no user nobody"

SLEEPER_EXE=$(exe_of "$HELPERS/sleeper")
CONF=$DIR/tether.conf
cat >"$CONF" <<CONF
[daemon]
; the restarts below come sooner than the embedded minimum (1s)
min_restart_delay = 50ms

[target "napper"]
; a relative path: it lands in cwd
command = "$HELPERS/sleeper" nap.progress
cwd = $DIR
environment = TETHER_TEST_FOO=bar "TETHER_TEST_TWO=two words"
session = launched
childdbg = yes
restart = always
restart_delay = 50ms

[target "once"]
command = $HELPERS/sleeper
session = launched
user = nobody
restart = no
restart_delay = 50ms
CONF
start_daemon_with "$CONF"

# pid_of_launch NAME: the pid of the running target of that [target].
pid_of_launch() {
	db "SELECT t.pid FROM targets t JOIN events e ON e.target_id = t.id
	    WHERE e.kind = 'launch' AND e.detail = '{\"target\":\"$1\"}'
	      AND t.state IN ('running', 'stopped') ORDER BY t.id DESC LIMIT 1"
}
launched() { [ -n "$(pid_of_launch "$1")" ]; }

step "both run under trace right after the start"
wait_until launched napper
wait_until launched once
NAP=$(pid_of_launch napper)
ONCE=$(pid_of_launch once)
ctl -s launched '|*'
assert_eq "0 1" "$(ordinals)" "ordinals of session launched"
for p in "$NAP" "$ONCE"; do
	assert_tracer "$p" "$DAEMON_PID"
	assert_eq create "$(jget "$(target_obj launched "$p")" 'd["how"]')" "how pid $p joined"
done
wait_until test -s "$DIR/nap.progress"
wait_progress "$DIR/nap.progress"

step "command, cwd, environment, child-debug, user"
assert_eq true "$(jget "$(target_obj launched "$NAP")" 'd["childdbg"]')" "childdbg of napper"
assert_eq false "$(jget "$(target_obj launched "$ONCE")" 'd["childdbg"]')" "childdbg of once"
assert_eq "$DIR" "$(readlink "/proc/$NAP/cwd")" "cwd of napper"
ENVIRON=$(tr '\0' '\n' <"/proc/$NAP/environ")
assert_match $'(^|\n)TETHER_TEST_FOO=bar(\n|$)' "$ENVIRON" "environment of napper"
assert_match $'(^|\n)TETHER_TEST_TWO=two words(\n|$)' "$ENVIRON" "environment of napper"
assert_match $'(^|\n)TETHER_E2E_TAG=' "$ENVIRON" "environment of napper (tetherd's own is kept)"
assert_eq "$NOBODY_UID" "$(status_field "$ONCE" Uid | cut -f1)" "real uid of once"
assert_eq "$SLEEPER_EXE" "$(db "SELECT exe FROM targets WHERE pid = $NAP")" "exe of napper in the database"

step "restart = no: once exits and stays gone"
kill -TERM "$ONCE"
wait_until db_state_is "$ONCE" exited

step "restart = always: napper exits and starts again"
kill -TERM "$NAP"
wait_until db_state_is "$NAP" exited
wait_until launched napper
NAP2=$(pid_of_launch napper)
[ "$NAP2" != "$NAP" ] || fail "napper restarted with the same pid $NAP"
assert_tracer "$NAP2" "$DAEMON_PID" "TracerPid of the restarted napper"
ctl -s launched '|*'
assert_eq "2" "$(ordinals)" "ordinals of session launched after the restart"
wait_progress "$DIR/nap.progress"
# Both had the same delay, once ended first: it would have come back by now.
assert_eq "" "$(pid_of_launch once)" "a running once (restart = no)"
assert_eq 1 "$(db "SELECT count(*) FROM events WHERE kind = 'launch' AND detail = '{\"target\":\"once\"}'")" \
	"launch events of once"
assert_eq 2 "$(db "SELECT count(*) FROM events WHERE kind = 'launch' AND detail = '{\"target\":\"napper\"}'")" \
	"launch events of napper"
