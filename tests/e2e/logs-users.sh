#!/bin/bash
# Who may read a log: the same users as may see its target. Under a root
# tetherd a user reads the logs of the targets it created (files it cannot
# open itself: they are the daemon's, mode 0600), not those of root's or
# another user's sessions; root reads every one.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"
. "$(dirname "${E2E_LIB:-$0}")/hostile-lib.sh"

hostile_start_daemon
hostile_user
OTHER=$LAST_USER

step "a user's target: its log is the user's to read"
hostile_ctl_expect 0 "$HOSTILE_USER" run sh -c 'echo mine; exec sleep 1000'
wait_until grep -qx mine "$DIR/logs/default-0.log"
hostile_ctl_expect 0 "$HOSTILE_USER" logs 0
assert_eq mine "$OUT" "logs 0 as its owner"
assert_eq "root 600" "$(stat -c '%U %a' "$DIR/logs/default-0.log")" "owner and mode of the file"
as_user "$HOSTILE_USER" cat "$DIR/logs/default-0.log" 2>/dev/null && fail "the user opened the file itself"

step "root's and another user's targets are not shown"
ctl -s prod run sh -c 'echo secret; exec sleep 1000'
wait_until grep -qx secret "$DIR/logs/prod-0.log"
hostile_ctl_expect 1 "$HOSTILE_USER" -s prod logs 0
assert_eq "tetherctl: session prod belongs to uid 0" "$ERR" "logs of root's target as the user"
assert_eq "" "$OUT" "nothing of it printed"
hostile_ctl_expect 1 "$OTHER" logs 0
assert_eq "tetherctl: session default belongs to uid $HOSTILE_UID" "$ERR" "logs of a user's target as another user"
assert_eq "" "$OUT" "nothing of it printed"
step "root reads every log"
ctl logs 0
assert_eq mine "$OUT" "logs 0 as root"
ctl -s prod logs 0
assert_eq secret "$OUT" "logs of prod's 0 as root"
