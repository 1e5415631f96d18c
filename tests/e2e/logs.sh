#!/bin/bash
# tetherctl logs: a created target's output, as docker logs shows a
# container's. The path is in ps -l and --json; logs N, -n LINES|all; -f
# prints what the target writes after the follow started, across a
# rotation; a log past log_max_size is rotated (copytruncate: the rotation
# exists, the live file shrank, the target keeps writing to it); the target
# writes while tetherd is down; retention removes the files with the
# target; a typo or an unknown ordinal exits 1 with a message.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"
. "$(dirname "${E2E_LIB:-$0}")/config-lib.sh"

CONF=$DIR/tether.conf
cat >"$CONF" <<CONF
[daemon]
autoattach = off
log_max_size = 8K
log_rotate = 2
log_check_interval = 100ms
CONF
# Retention: an ended target goes (with its log) a second after its end.
start_daemon_with "$CONF" -A 1s -I 0.1
LOGS=$DIR/logs

# A target that writes what it is told: each file $DIR/say.N that appears
# is written out (then removed), N = 1, 2, ...
cat >"$DIR/sayer.sh" <<'SH'
n=1
echo "started"
echo "to stderr" >&2
while :; do
	if [ -e "$1/say.$n" ]; then
		cat "$1/say.$n"
		rm -f "$1/say.$n"
		n=$((n + 1))
	fi
	sleep 0.02
done
SH
# say ORDINAL-DIR TEXT: has the sayer write TEXT (the next say.N).
SAID=0
say() {
	SAID=$((SAID + 1))
	printf '%s' "$2" >"$1/say.tmp"
	mv "$1/say.tmp" "$1/say.$SAID"
}

mkdir "$DIR/s0"
ctl run sh "$DIR/sayer.sh" "$DIR/s0"
LOG0=$LOGS/default-0.log
has() { grep -qx -- "$2" "$1" 2>/dev/null; }
wait_until has "$LOG0" "to stderr"

step "logs 0: what the target wrote, stdout and stderr"
ctl logs 0
assert_eq $'started\nto stderr' "$OUT" "logs 0"
step "the path is in --json and ps -l"
ctl --json ps
assert_eq "$LOG0" "$(jget "$OUT" 'd["processes"][0]["log"]')" "log of |0 in ps --json"
ctl --json history
assert_eq "$LOG0" "$(jget "$OUT" 'd["targets"][0]["log"]')" "log of |0 in history --json"
ctl ps -l
assert_match $'(^|\n)      log: '"$LOG0"'$' "$OUT" "ps -l (the log)"
ctl_expect 2 '|* -x'
assert_eq "tetherctl: usage: |[.|#|*|N|~[PID]] [-l]" "$ERR" "|* -x"
assert_eq 600 "$(stat -c %a "$LOG0")" "mode of the log"

step "logs 0 -f prints a line the target writes after the follow started"
"$TETHERCTL" -S "$SOCK" logs 0 -f >"$DIR/follow.out" 2>"$DIR/follow.err" &
F=$!
wait_until has "$DIR/follow.out" "to stderr"
say "$DIR/s0" $'after the follow\n'
wait_until has "$DIR/follow.out" "after the follow"
assert_eq $'started\nto stderr\nafter the follow' "$(<"$DIR/follow.out")" "what the follower printed"
is_alive "$F" || fail "the follower ended while its target runs"

step "-n LINES, -n all"
ctl logs 0 -n 1
assert_eq "after the follow" "$OUT" "logs 0 -n 1"
ctl logs -n 2 0
assert_eq $'to stderr\nafter the follow' "$OUT" "logs -n 2 0"
ctl logs 0 -n all
assert_eq $'started\nto stderr\nafter the follow' "$OUT" "logs 0 -n all"

step "a log past log_max_size is rotated; the target keeps writing; -f follows"
# 100 lines of 100 bytes: 10000 bytes, past the 8K cap.
BIG=$(for i in $(seq 100); do printf 'line %03d %090d\n' "$i" 0; done)
say "$DIR/s0" "$BIG"$'\n'
wait_until test -e "$LOG0.1"
assert_eq 0 "$(stat -c %s "$LOG0")" "size of the live log once rotated (the target wrote nothing since)"
assert_eq "started" "$(head -n 1 "$LOG0.1")" "first line of the rotation"
assert_eq "line 100 $(printf '%090d' 0)" "$(tail -n 1 "$LOG0.1")" "last line of the rotation"
say "$DIR/s0" $'after the rotation\n'
wait_until has "$LOG0" "after the rotation"
# O_APPEND: the write lands at the start of the emptied file, no hole.
assert_eq "after the rotation" "$(<"$LOG0")" "the live log after the rotation"
wait_until has "$DIR/follow.out" "after the rotation"
assert_eq "started to stderr after the follow $(seq -f 'line %03g' 100 | tr '\n' ' ')after the rotation" \
	"$(cut -c1-18 "$DIR/follow.out" | sed 's/ 0*$//' | tr '\n' ' ' | sed 's/ $//')" \
	"the follower's lines across the rotation"
ctl logs 0
assert_eq "after the rotation" "$OUT" "logs 0 after the rotation (the live file)"

step "log_rotate 2: two rotations kept"
say "$DIR/s0" "$BIG"$'\n'
wait_until test -e "$LOG0.2"
say "$DIR/s0" "$BIG"$'\n'
wait_until has "$LOG0.2" "after the rotation"
[ -e "$LOG0.3" ] && fail "a third rotation was kept: $(ls "$LOGS")"
kill "$F"
wait "$F" 2>/dev/null || true

step "the target writes while tetherd is down; a restart forgets nothing"
kill -9 "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null || true
say "$DIR/s0" $'while down\n'
wait_until has "$LOG0" "while down"
start_daemon_with "$CONF" -A 1s -I 0.1
ctl ps
assert_match "^.  0  id: " "$OUT" "|0 re-adopted"
ctl logs 0 -n 1
assert_eq "while down" "$OUT" "logs 0 after the restart"

step "typos and unknown ordinals: exit 1 with a message"
ctl_expect 1 logs 7
assert_eq "tetherctl: no such process: |7" "$ERR" "logs 7"
ctl_expect 1 logs 0 -m 3
assert_eq "tetherctl: logs: unknown option -m (did you mean -n?)" "$ERR" "logs 0 -m 3"
ctl_expect 1 logs zero
assert_eq "tetherctl: no such process: |zero" "$ERR" "logs zero"
ctl_expect 2 logs 0 -n many
assert_match "logs: -n many: expected a number of lines or all" "$ERR" "logs 0 -n many"
ctl_expect 1 -s nosuch logs 0
assert_match "no such session" "$ERR" "logs in a session that never was"
spawn_sleeper attached
attach "$LAST_PID"
ctl_expect 1 logs 1
assert_eq "tetherctl: |1 has no log: only a target started by .create has one (it joined by attach)" "$ERR" "logs of an attached target"

step "retention removes the log with its target"
ls "$LOGS"/default-0.log* >/dev/null
ctl kill 0
gone() { ! compgen -G "$LOGS/default-0.log*" >/dev/null; }
wait_until gone
assert_eq 0 "$(db "SELECT count(*) FROM targets WHERE ordinal = 0")" "row of |0 pruned"
assert_eq 0 "$(db "SELECT count(*) FROM logs_removed")" "logs_removed emptied"
ctl_expect 1 logs 0
assert_eq "tetherctl: no such process: |0" "$ERR" "logs of a pruned target"
