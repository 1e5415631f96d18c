#!/bin/bash
# Attack: a user of the socket reaches a process that runs with root's
# privileges through tetherd (a root tracer). A process the user started
# from a setuid program (uids U 0 0 0: the user's own PTRACE_ATTACH gets
# EPERM) must not be attached, stack-walked, dumped or killed for the user;
# a child of the user's target that execs a setuid program is let go at its
# exec, recorded with the reason; and what the user .creates runs with
# no_new_privs, so the setuid bit gives it nothing. The check is the
# kernel's: every uid of the process as it is now, and its dumpable flag.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"
. "${E2E_LIB%/*}/hostile-lib.sh"

hostile_start_daemon
U=$HOSTILE_USER
UID_U=$HOSTILE_UID
# A setuid-root copy of sleep, as passwd or ssh-keysign are.
SUID=$DIR/bin/suid-sleep
cp "$(command -v sleep)" "$SUID"
chmod 4755 "$SUID"

uids_of() {
	status_field "$1" Uid | tr -s '\t ' ' '
}

uids_are() {
	[ "$(uids_of "$1")" == "$2" ]
}

no_new_privs() {
	[ "$(status_field "$1" NoNewPrivs)" == 1 ]
}

spawn_as "$U" "$SUID" 1000
P=$LAST_PID
wait_until uids_are "$P" "$UID_U 0 0 0"

step "the user cannot attach a process it runs from a setuid program"
hostile_ctl_expect 0 "$U" -s mine sxe segv
hostile_ctl_expect 1 "$U" -s mine .attach "$P"
assert_match "permission denied: process $P runs as uids $UID_U 0 0 0" "$ERR" "stderr of .attach"
assert_tracer "$P" 0

step "once root has attached it to the user's session, the user cannot act on it"
ctl -s mine .attach "$P"
for cmd in k '~' ".dump $DIR/home/$U/core" 'dump /c none' .kill .detach .abandon \
	'.childdbg 1' g; do
	hostile_ctl_expect 1 "$U" -s mine "|0 $cmd"
	assert_match "^tetherctl: permission denied: \\|0: process $P runs as uids $UID_U 0 0 0" \
		"$ERR" "stderr of the user's |0 $cmd"
done
hostile_ctl_expect 0 "$U" -s mine g
assert_eq "Continued 0 target(s)." "$OUT" "the user's g in its session"
assert_alive "$P" "the setuid process"
assert_tracer "$P" "$DAEMON_PID"
assert_eq "" "$(find "$DIR/triage" "$DIR/home/$U" -type f 2>/dev/null)" "files after the refused dumps"
ctl -s mine '|0 .detach'
assert_tracer "$P" 0

step "a child of the user's target that execs a setuid program is let go"
mkfifo -m 0666 "$DIR/go"
# 'true' after it: the shell forks a child for the setuid program.
spawn_as "$U" /bin/sh -c "read x <'$DIR/go'; '$SUID' 1000; true"
SH=$LAST_PID
hostile_ctl_expect 0 "$U" -s mine .attach "$SH"
hostile_ctl_expect 0 "$U" -s mine "|~[$SH] .childdbg 1"
echo go >"$DIR/go"
child_of_sh() {
	CHILD=$(pgrep -P "$SH" -x suid-sleep) && [ "$(uids_of "$CHILD")" == "$UID_U 0 0 0" ]
}
wait_until child_of_sh
release_event() {
	hostile_ctl "$U" -s mine events -k release
	[ -n "$OUT" ]
}
wait_until release_event
assert_match "release.*process $CHILD runs as uids $UID_U 0 0 0" "$OUT" "the release event"
wait_until tracer_is "$CHILD" 0
assert_alive "$CHILD" "the released setuid child"
assert_eq "detached" "$(db "SELECT state FROM targets WHERE pid = $CHILD")" "state of the released child"
hostile_ctl_expect 1 "$U" -s mine "|~[$CHILD] k"
assert_match "no such process" "$ERR" "the user's k of the released child"
assert_tracer "$SH" "$DAEMON_PID"

step "what the user creates runs with no_new_privs: the setuid bit gives it nothing"
hostile_ctl_expect 0 "$U" -s mine .create "$SUID" 1000
C=$(pid_of_reply)
TETHER_SESSION=mine release_if_held "$C"
wait_until no_new_privs "$C"
wait_until exe_is "$C" "$SUID"
assert_eq "$UID_U $UID_U $UID_U $UID_U" "$(uids_of "$C")" "uids of the created setuid program"
assert_tracer "$C" "$DAEMON_PID"
