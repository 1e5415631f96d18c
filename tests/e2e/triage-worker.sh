#!/bin/bash
# Triage runs beside the event loop, its worker at nice 10 and the loop at
# the nice tetherd was started with: while the core of a 1.1 GiB target is
# written, `status` answers and shows that triage in progress (and the
# target stays stopped all along); with one worker a second triage waits
# in the queue; a target killed during its triage ends that triage with an
# error, its half-written core is removed, and nothing hangs.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"
. "$(dirname "${E2E_LIB:-$0}")/config-lib.sh"

CONF=$DIR/tether.conf
cat >"$CONF" <<CONF
[daemon]
autoattach = off
triage_workers = 1
# Plain cores, as large as the process: the longest write there is.
triage_compress = none
triage_max_per_uid = unlimited
CONF
start_daemon_with "$CONF"

spawn "$HELPERS/bigmem" 1100 "$DIR/big.ready"
BIG=$LAST_PID
# Writing 1.1 GiB takes long on a loaded machine: a minute at most.
POLL_SECONDS=120 POLL_LIMIT_US=120000000 wait_until test -s "$DIR/big.ready"
spawn_sleeper small
SMALL=$LAST_PID
attach "$BIG"
attach "$SMALL"

# in_triage ORDINAL PID WHAT STATE: `status` shows that triage.
in_triage() {
	ctl status
	[[ $OUT == *$'\n'"  session default |$1 pid $2: $3 $4 for "* ]]
}

no_triage() {
	ctl status
	[[ $OUT == *$'\n'"triage:   0 running, 0 queued"* ]] && [[ $OUT != *"  session default |"* ]]
}

# threads_named NAME: the ids of the daemon's threads named NAME.
threads_named() {
	local t
	for t in /proc/"$DAEMON_PID"/task/*; do
		[ "$(proc_file "$t/comm")" == "$1" ] && echo "${t##*/}"
	done
	return 0
}

# nice_of TID: the nice value of the daemon's thread TID, field 19 of its
# stat, counted after the last ")" (the name before it may hold one).
nice_of() {
	local line
	line=$(proc_file "/proc/$DAEMON_PID/task/$1/stat")
	line=${line##*) }
	set -- $line
	echo "${17}"
}

# big_then_small OUT1 OUT2 SMALL_COMMAND WHAT: `|0 dump /c` of the big
# target in the background, and once it runs, SMALL_COMMAND on |1, which
# must wait in the queue (WHAT is its name in status). Sets DUMPER, SMALLER.
big_then_small() {
	"$TETHERCTL" -S "$SOCK" '|0 dump /c' >"$DIR/$1" 2>&1 &
	DUMPER=$!
	wait_until in_triage 0 "$BIG" "stacks and core" running
	"$TETHERCTL" -S "$SOCK" "|1 $3" >"$DIR/$2" 2>&1 &
	SMALLER=$!
	wait_until in_triage 1 "$SMALL" "$4" queued
}

step "status answers while the big core is written; the small walk waits in the queue"
big_then_small dump.out k.out k stacks
KER=$SMALLER
# The answer came while the dump was still going: it says so.
assert_match $'\n'"  session default \|0 pid $BIG: stacks and core running for " "$OUT" "status during the dump"
# The worker writes at nice 10, below the loop, which keeps the nice
# tetherd was started with (this shell's).
assert_eq 1 "$(threads_named tetherd-triage | wc -l)" "threads named tetherd-triage (triage_workers = 1)"
assert_eq 10 "$(nice_of "$(threads_named tetherd-triage)")" "nice of the triage worker during the dump"
assert_eq tetherd "$(proc_file "/proc/$DAEMON_PID/task/$DAEMON_PID/comm")" "name of the loop thread"
assert_eq "$(nice)" "$(nice_of "$DAEMON_PID")" "nice of the loop thread during the dump"
assert_match "^t" "$(status_field "$BIG" State)" "the big target is held stopped during its triage"
wait "$DUMPER" || fail "dump exited $?: $(<"$DIR/dump.out")"
wait "$KER" || fail "k exited $?: $(<"$DIR/k.out")"
CORE=$(sed -n 's/^core: //p' "$DIR/dump.out")
[ -n "$CORE" ] || fail "no core line in the dump reply: $(<"$DIR/dump.out")"
assert_true "the big core is 1.1 GiB or more" test "$(stat -c %s "$CORE")" -ge $((1100 << 20))
assert_match "sleeper" "$(<"$DIR/k.out")" "k of the small target after it waited"
wait_until no_triage
# Resumed, it goes back to its wait (it may still be running when the
# triage is over): never stopped again.
big_waits() { [[ $(status_field "$BIG" State) == S* ]]; }
wait_until big_waits

step "targets killed during their triage, queued and running: each triage ends with an error"
big_then_small dump2.out dump3.out 'dump /c' "stacks and core"
DUMPER3=$SMALLER
kill -9 "$SMALL"
ended_in_queue() {
	ctl status
	[[ $OUT =~ $'\n'"  session default |1 pid $SMALL: stacks and core queued for "[0-9.]+" s (the process ended)" ]]
}
wait_until ended_in_queue
kill -9 "$BIG"
RC=0
wait "$DUMPER" || RC=$?
assert_eq 1 "$RC" "exit status of the dump of a target killed while it was written"
assert_match "\|0: (core: )?the process ended during its triage" "$(<"$DIR/dump2.out")" "dump reply (running)"
RC=0
wait "$DUMPER3" || RC=$?
assert_eq 1 "$RC" "exit status of the dump of a target killed while it waited"
assert_match "\|1: (core: )?the process ended during its triage" "$(<"$DIR/dump3.out")" "dump reply (queued)"
wait_until no_triage
assert_eq "$CORE" "$(ls "$DIR"/triage/*.core)" "cores: the unfinished ones are removed"
wait_until target_end_is 0 "exited||9"
wait_until target_end_is 1 "exited||9"
ctl '|*'
assert_eq "" "$(ordinals)" "targets after the kills"
spawn_sleeper other
attach "$LAST_PID"
ctl '|2 k'
assert_match "sleeper" "$OUT" "the daemon goes on walking stacks"
