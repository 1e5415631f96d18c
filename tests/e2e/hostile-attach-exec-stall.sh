#!/bin/bash
# Attack: the user's process starts an exec that never ends (its program is
# on a file system that does not answer: stallfs, never released), then the
# user asks tetherd to .attach it. The kernel would make the seize wait
# for ever; tetherd's loop must not: the .attach fails within
# operation_timeout saying why, the process is left as it was (untraced,
# alive, no row), and the daemon answers throughout.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"
. "${E2E_LIB%/*}/hostile-lib.sh"
. "${E2E_LIB%/*}/config-lib.sh"

[ -c /dev/fuse ] || skip "no /dev/fuse"

CONF=$DIR/tether.conf
printf '[daemon]\noperation_timeout = 1s\n' >"$CONF"
hostile_start_daemon "$CONF"
U=$HOSTILE_USER

mount_stallfs fs "$(command -v sleep)"

step "the user's process, in an exec that never ends"
spawn_exec_held fs spawn_as "$U"
P=$LAST_PID

step "the user's .attach fails within operation_timeout, saying why (twice at once)"
# The second waits behind the first, without a try of its own.
as_user "$U" "$BIN/tetherctl" -S "$SOCK" -s mine .attach "$P" >"$DIR/attach.out" 2>"$DIR/attach.err" &
ATTACH=$!
as_user "$U" "$BIN/tetherctl" -S "$SOCK" -s mine .attach "$P" >"$DIR/attach2.out" 2>"$DIR/attach2.err" &
ATTACH2=$!
wait_until not is_alive "$ATTACH"
wait_until not is_alive "$ATTACH2"
for a in "$ATTACH:attach" "$ATTACH2:attach2"; do
	RC=0
	wait "${a%%:*}" || RC=$?
	assert_eq 1 "$RC" "exit status of the user's ${a#*:}"
	assert_eq "tetherctl: process $P is in the middle of an exec that has not finished in 1s (operation_timeout): try again" \
		"$(<"$DIR/${a#*:}.err")" "the ${a#*:}'s error"
done

step "nothing has changed: the process is untraced and alive, with no row"
assert_eq 0 "$(tracer_pid "$P")" "tracer of the process"
assert_alive "$P" "the process in its exec"
assert_eq 0 "$(db "SELECT count(*) FROM targets WHERE pid = $P")" "rows of the process"
ctl status
hostile_ctl_expect 0 "$U" -s mine '|*'
assert_eq "Session mine is dormant: no live targets." "$OUT" "the user's session"
