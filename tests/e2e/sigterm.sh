#!/bin/bash
# SIGTERM stops tetherd cleanly (DESIGN §5): it detaches its targets, which
# keep running, records them as detached, and exits 0.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

start_daemon
SLEEPER_EXE=$(exe_of "$HELPERS/sleeper")

ctl .create "$HELPERS/sleeper" "$DIR/c.progress"
C=$(pid_of_reply)
assert_eq "$(status_line "${OUT:0:1}" 0 "$C" create "$SLEEPER_EXE")" "$OUT" ".create reply"
release_if_held "$C"
wait_until test -s "$DIR/c.progress"
spawn_sleeper a
A=$LAST_PID
ctl .attach "$A"
assert_tracer "$C" "$DAEMON_PID"
assert_tracer "$A" "$DAEMON_PID"

step "SIGTERM to tetherd"
stop_daemon
assert_eq 0 "$DAEMON_RC" "exit status of tetherd after SIGTERM"
for p in "$C" "$A"; do
	assert_alive "$p"
	assert_tracer "$p" 0
done
wait_progress "$DIR/c.progress" "$DIR/a.progress"
assert_eq "0|$C|detached|1
1|$A|detached|1" "$(db "SELECT ordinal, pid, state, ended_at IS NOT NULL FROM targets ORDER BY ordinal")" \
	"targets (ordinal|pid|state|ended) after SIGTERM"
assert_eq "0 detach
1 detach" "$(db "SELECT t.ordinal || ' ' || e.kind FROM events e JOIN targets t ON t.id = e.target_id
	WHERE e.id > (SELECT max(id) FROM events WHERE kind = 'attach') ORDER BY t.ordinal")" \
	"events after the last attach"
ctl_expect 3 status
