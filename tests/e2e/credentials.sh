#!/bin/bash
# Requests are checked against the client's credentials (DESIGN §6): a
# non-root client acts on its own targets only (even in root's session),
# cannot attach to root's processes, and what it creates runs as itself.
# It adds targets to its own sessions only.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

[ "$(id -u)" == 0 ] || skip "needs root (runs a client as user nobody)"
command -v setpriv >/dev/null || skip "needs setpriv"
NOBODY=65534
as_nobody() {
	setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups "$@"
}
as_nobody test -x "$HELPERS/sleeper" -a -x "$TETHERCTL" ||
	skip "user nobody cannot run $HELPERS/sleeper or $TETHERCTL (directory modes)"

# nb_ctl ARGS...: tetherctl as nobody; sets OUT, ERR, RC.
nb_ctl() {
	RC=0
	as_nobody "$TETHERCTL" -S "$SOCK" "$@" >"$DIR/ctl.out" 2>"$DIR/ctl.err" || RC=$?
	OUT=$(<"$DIR/ctl.out")
	ERR=$(<"$DIR/ctl.err")
}

chmod 0755 "$DIR"
mkdir "$DIR/nb"
chown $NOBODY:$NOBODY "$DIR/nb"
start_daemon
chmod 0666 "$SOCK"
SLEEPER_EXE=$(exe_of "$HELPERS/sleeper")

# setpriv itself, not the function: spawn must leave the sleeper's own pid.
spawn setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups "$HELPERS/sleeper" "$DIR/nb/n.progress"
N=$LAST_PID
wait_until test -s "$DIR/nb/n.progress"
assert_eq "$NOBODY" "$(status_field "$N" Uid | awk '{print $1}')" "uid of nobody's sleeper"
spawn_sleeper r
R=$LAST_PID
spawn_sleeper r2
R2=$LAST_PID

ctl .attach "$N"
ctl .attach "$R"
ctl '|*'
assert_listed 0 "$N" attach "$SLEEPER_EXE"
assert_listed 1 "$R" attach "$SLEEPER_EXE"

step "nobody kills its own target"
nb_ctl '|0 .kill'
assert_eq "0 Terminated." "$RC $OUT" "nobody's |0 .kill (exit status, reply)"
assert_dead "$N" "nobody's killed sleeper"

step "nobody cannot kill root's target"
nb_ctl '|1 .kill'
assert_eq 1 "$RC" "exit status of nobody's |1 .kill
stdout: $OUT
stderr: $ERR"
assert_match '[Pp]ermission|not permitted' "$ERR" "stderr of nobody's |1 .kill"
nb_ctl .kill "$R"
assert_eq 1 "$RC" "exit status of nobody's .kill $R
stdout: $OUT
stderr: $ERR"
assert_alive "$R" "root's sleeper"
assert_tracer "$R" "$DAEMON_PID"
wait_progress "$DIR/r.progress"

step "nobody cannot add to root's session"
nb_ctl .attach "$R2"
assert_eq "1 tetherctl: session default belongs to uid 0" "$RC $ERR" "nobody's .attach in root's session"

step "nobody cannot attach to root's process"
nb_ctl -s nb .attach "$R2"
assert_eq 1 "$RC" "exit status of nobody's .attach of a root process
stdout: $OUT
stderr: $ERR"
assert_match '[Pp]ermission|not permitted' "$ERR" "stderr of nobody's .attach of a root process"
assert_tracer "$R2" 0
ctl '|*'
assert_eq 1 "$(ordinals)" "ordinals after nobody's attempts"
assert_listed 1 "$R" attach "$SLEEPER_EXE"

step "what nobody creates runs as nobody"
nb_ctl -s nb .create "$HELPERS/sleeper" "$DIR/nb/c.progress"
assert_eq 0 "$RC" "exit status of nobody's .create
stdout: $OUT
stderr: $ERR"
C=$(pid_of_reply)
# A client's target has a clean environment, without the cleanup's tag.
CLEANUP_HOOKS+=("kill -9 $C 2>/dev/null")
assert_eq "$(status_line "${OUT:0:1}" 0 "$C" create "$SLEEPER_EXE")" "$OUT" "nobody's .create reply"
assert_eq "$NOBODY $NOBODY $NOBODY $NOBODY" "$(status_field "$C" Uid | tr -s '\t ' ' ')" "uids of nobody's created process"
assert_eq "$NOBODY $NOBODY $NOBODY $NOBODY" "$(status_field "$C" Gid | tr -s '\t ' ' ')" "gids of nobody's created process"
# The client had no supplementary group; root's must not leak in.
GROUPS_OF_C=" $(status_field "$C" Groups) "
[[ $GROUPS_OF_C != *" 0 "* ]] || fail "nobody's created process has group 0 (root): Groups:$GROUPS_OF_C"
assert_tracer "$C" "$DAEMON_PID"
TETHER_SESSION=nb release_if_held "$C"
wait_until test -s "$DIR/nb/c.progress"
assert_eq "$NOBODY" "$(stat -c %u "$DIR/nb/c.progress")" "owner of the file nobody's created process wrote"
