#!/bin/bash
# exec renames a target: in a gathered child, and in a target whose
# non-leader thread calls execv (the other threads vanish).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

# name_is ORDINAL EXE: `|ORDINAL` shows that name.
name_is() {
	ctl_ok "|$1" && [[ $OUT == *"  name: $2  cmd: "* ]]
}

start_daemon
EXECER_EXE=$(exe_of "$HELPERS/execer")
SLEEP_EXE=$(exe_of /bin/sleep)
mkdir "$DIR/e"
spawn "$HELPERS/execer" "$DIR/e" /bin/sleep 1000
E=$LAST_PID
wait_until test -e "$DIR/e/ready"

ctl .attach "$E"
assert_eq "$(status_line . 0 "$E" attach "$EXECER_EXE")" "$OUT" ".attach reply"
ctl .childdbg 1
ctl '|0 ~'
assert_eq 2 "$(wc -l <<<"$OUT")" "threads of the execer before any exec:
$OUT"

step "a child execs /bin/sleep"
kill -USR1 "$E"
wait_until has_lines "$DIR/e/children" 1
C=$(nth_line "$DIR/e/children" 1)
wait_until exe_is "$C" "$SLEEP_EXE"
wait_until name_is 1 "$SLEEP_EXE"
assert_eq "$(status_line "${OUT:0:1}" 1 "$C" child "$SLEEP_EXE")" "$OUT" "|1 after the child's exec"
assert_tracer "$C" "$DAEMON_PID"
ctl '|0'
assert_eq "$(status_line "${OUT:0:1}" 0 "$E" attach "$EXECER_EXE")" "$OUT" "|0 after the child's exec"

step "a non-leader thread execs /bin/sleep"
kill -USR2 "$E"
wait_until exe_is "$E" "$SLEEP_EXE"
wait_until name_is 0 "$SLEEP_EXE"
assert_eq "$(status_line "${OUT:0:1}" 0 "$E" attach "$SLEEP_EXE")" "$OUT" "|0 after the thread's exec"
ctl '|0 ~'
assert_match "^\.  0  id: $E\.$E  (running|stopped)\$" "$OUT" "threads after exec from a non-leader thread"
assert_eq "$E" "$(tasks "$E")" "tasks after the exec"
assert_tracer "$E" "$DAEMON_PID"
assert_alive "$E" "the execer turned sleep"
ctl --json '|*'
assert_eq "0 $E attach $SLEEP_EXE running|1 $C child $SLEEP_EXE running" \
	"$(jget "$OUT" '"|".join("%s %s %s %s %s" % (p["ordinal"], p["pid"], p["how"], p["name"], p["state"]) for p in d["processes"])')" \
	"|* --json after both execs"

step "the database has both execs"
assert_eq "0|$SLEEP_EXE
1|$SLEEP_EXE" "$(db "SELECT ordinal, exe FROM targets ORDER BY ordinal")" "targets (ordinal|exe) after both execs"
EXECS=$(db "SELECT t.ordinal || ' ' || e.detail FROM events e JOIN targets t ON t.id = e.target_id
	WHERE e.kind = 'exec' ORDER BY e.id")
assert_eq "1 $SLEEP_EXE|0 $SLEEP_EXE" "$("$PY" -c '
import json, sys
print("|".join(o + " " + json.loads(d)["exe"] for o, d in (l.split(" ", 1) for l in sys.stdin.read().splitlines())))' <<<"$EXECS")" \
	"exec events (ordinal exe); all of them:
$EXECS"
