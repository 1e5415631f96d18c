#!/bin/bash
# Retention (tetherd -A AGE): history that ended more than AGE ago is pruned
# by a timer, in batches; live targets and their events stay, and an ordinal
# is never given again even once the target that had it is pruned.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

"$TETHERD" -S "$SOCK" -D "$DB" -A 1s -I 0.1 -v >>"$DIR/tetherd.log" 2>&1 &
DAEMON_PID=$!
wait_until daemon_answers

spawn_sleeper live
LIVE=$LAST_PID
attach "$LIVE"
spawn_sleeper ended
ENDED=$LAST_PID
attach "$ENDED"
ctl '|1 .detach'
assert_eq "0 running|1 detached" "$(db "SELECT group_concat(ordinal || ' ' || state, '|') FROM (SELECT * FROM targets ORDER BY ordinal)")" "targets before the prune"

step "the detached target and its events go, the live one stays"
pruned() { [ "$(db 'SELECT count(*) FROM targets')" == 1 ]; }
wait_until pruned
assert_eq "0|$LIVE|running" "$(db 'SELECT ordinal, pid, state FROM targets')" "what is left"
assert_eq "attach" "$(db "SELECT group_concat(kind) FROM events")" "events left (the live target's)"
assert_eq 0 "$(db "SELECT count(*) FROM events WHERE target_id NOT IN (SELECT id FROM targets)")" "events of pruned targets"
assert_eq ok "$(db 'PRAGMA integrity_check')" "integrity_check"

step "ordinal 1 is not given again"
spawn_sleeper late
attach "$LAST_PID"
assert_match '^.  2  id: '"$LAST_PID"'  attach  ' "$OUT" ".attach after the prune"
ctl --json history
assert_eq "0 2" "$(jget "$OUT" '" ".join(str(t["ordinal"]) for t in d["targets"])')" "ordinals in history after the prune"
