#!/bin/bash
# Every operation ends. A parent in vfork cannot stop while its child has
# not exec'd or exited: when that child is held at a break, .detach, k,
# .dump and .abandon of the parent fail at once with the reason and change
# nothing, and .kill of the parent then works. When the daemon cannot know
# (the child is not a target), the operation fails within the bound
# (operation_timeout) instead. An operation whose client went away is
# cancelled: it does not block the next one.
# tetherctl runs under timeout throughout: a hang fails the test.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"
. "$(dirname "${E2E_LIB:-$0}")/config-lib.sh"

CONF=$DIR/tether.conf
printf '[daemon]\noperation_timeout = 1s\n' >"$CONF"
start_daemon_with "$CONF"

# bounded ARGS...: tetherctl under timeout 8; sets OUT, ERR, RC.
bounded() {
	RC=0
	timeout 8 "$TETHERCTL" -S "$SOCK" "$@" >"$DIR/ctl.out" 2>"$DIR/ctl.err" || RC=$?
	OUT=$(<"$DIR/ctl.out")
	ERR=$(<"$DIR/ctl.err")
	[ "$RC" != 124 ] || fail "tetherctl $* did not end within 8 s"
}

# start_vforker MODE CHILDDBG: a created vforker, told to vfork once
# child-debug is set; sets PARENT.
start_vforker() {
	rm -f "$DIR/ready"
	ctl .create "$HELPERS/vforker" "$1" "$DIR/ready"
	PARENT=$(pid_of_reply)
	ctl "|~[$PARENT]" .childdbg "$2"
	release_if_held "$PARENT"
	wait_until test -s "$DIR/ready"
	kill -USR1 "$PARENT"
}

# child_held: PARENT's child (a target) is held at SIGSEGV; sets CHILD and
# the ordinals PORD and CORD.
child_held() {
	local found
	ctl --json '|*'
	found=$(jget "$OUT" '[(c["pid"], p["ordinal"], c["ordinal"]) for p in d["processes"] if p["pid"] == '"$PARENT"' for c in d["processes"] if c["parent"] == p["ordinal"] and c.get("stop") == "SIGSEGV"]')
	[[ $found =~ ^\[\[([0-9]+),([0-9]+),([0-9]+)\]\]$ ]] || return 1
	CHILD=${BASH_REMATCH[1]} PORD=${BASH_REMATCH[2]} CORD=${BASH_REMATCH[3]}
}

step "the child of a vfork is held at SIGSEGV"
start_vforker segv 1
wait_until child_held
assert_eq "0 1" "$PORD $CORD" "ordinals of the parent and the child"
REASON="pid $PARENT waits in vfork for |1, held at SIGSEGV: continue or kill |1 first"

for cmd in .detach k .abandon "~*k" ".dump $DIR/core"; do
	step "|0 $cmd fails at once with the reason"
	bounded "|0 $cmd"
	assert_eq 1 "$RC" "exit status of |0 $cmd"
	assert_eq "tetherctl: |0: $REASON" "$ERR" "error of |0 $cmd"
	# Nothing changed: both still traced by the daemon, the child held.
	assert_tracer "$PARENT" "$DAEMON_PID"
	assert_tracer "$CHILD" "$DAEMON_PID"
	assert_eq SIGSEGV "$(stop_of "$CHILD")" "the child's stop after |0 $cmd"
done
[ ! -e "$DIR/core" ] || fail ".dump left a core file"

step "|0 .kill works"
bounded "|0 .kill"
assert_eq 0 "$RC" "exit status of |0 .kill (stderr: $ERR)"
wait_until not is_alive "$PARENT"

step "qd says why the parent stays"
start_vforker segv 1
wait_until child_held
REASON="pid $PARENT waits in vfork for |$CORD, held at SIGSEGV: continue or kill |$CORD first"
bounded qd
assert_eq 0 "$RC" "exit status of qd"
assert_match "\|$PORD: $REASON" "$OUT" "qd output"

step "a child the daemon does not trace stops itself: the bound ends the detach"
start_vforker stop 0
wait_until not state_is "$PARENT" S
bounded "|~[$PARENT]" .detach
assert_eq 1 "$RC" "exit status of .detach of a parent that cannot stop"
assert_match "^tetherctl: \|[0-9]+: pid $PARENT: not every thread stopped within 1 s$" "$ERR" \
	"error of .detach past the bound"
assert_tracer "$PARENT" "$DAEMON_PID"

step "an operation whose client went away is cancelled"
printf '[daemon]\noperation_timeout = 1h\n' >"$CONF"
ctl reload
timeout -s KILL 1 "$TETHERCTL" -S "$SOCK" "|~[$PARENT]" .detach && fail "the detach ended"
cancelled() {
	grep -q "pid $PARENT, cmd: $(cmd_of "$PARENT")): the client went away" "$DIR/tetherd.log"
}
wait_until cancelled
bounded "|~[$PARENT]" .kill
assert_eq 0 "$RC" "exit status of .kill after a cancelled detach (stderr: $ERR)"
wait_until not is_alive "$PARENT"
