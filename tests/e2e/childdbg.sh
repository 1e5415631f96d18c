#!/bin/bash
# Child-debug mode: off, a forked child runs free; on, the child and its own
# child (a grandchild) join the session, with the right parents.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

# proc_json PID: the process object of PID in |* --json.
proc_json() {
	ctl --json '|*'
	jget "$OUT" 'json.dumps([p for p in d["processes"] if p["pid"] == '"$1"'][0], sort_keys=True)'
}

start_daemon
spawn_forker f
FORKER=$LAST_PID
FORKER_EXE=$(exe_of "$HELPERS/forker")
ctl .attach "$FORKER"

step "child-debug is off by default"
ctl .childdbg
assert_eq "Processes created by the current process will not be debugged" "$OUT" ".childdbg reply (default)"
ctl --json .childdbg
assert_eq '{"childdbg":false,"ordinal":0}' "$(jget "$OUT" 'json.dumps(d, sort_keys=True, separators=(",", ":"))')" ".childdbg --json (default)"
ctl .childdbg 0
assert_eq "Processes created by the current process will not be debugged" "$OUT" ".childdbg 0 reply"

step "with .childdbg 0 a child runs free"
kill -USR1 "$FORKER"
wait_until has_lines "$DIR/f/children" 1
C1=$(nth_line "$DIR/f/children" 1)
wait_until tracer_is "$C1" 0
assert_alive "$C1" "the untraced child"
ctl '|*'
assert_eq "$(status_line . 0 "$FORKER" attach "$FORKER_EXE")" "$OUT" "|* after an untraced fork"
assert_tracer "$FORKER" "$DAEMON_PID"

step "with .childdbg 1 a child and a grandchild join"
ctl .childdbg 1
assert_eq "Processes created by the current process will be debugged" "$OUT" ".childdbg 1 reply"
ctl --json .childdbg
assert_eq '{"childdbg":true,"ordinal":0}' "$(jget "$OUT" 'json.dumps(d, sort_keys=True, separators=(",", ":"))')" ".childdbg --json after .childdbg 1"
kill -USR2 "$FORKER"
wait_until has_lines "$DIR/f/children" 2
wait_until has_lines "$DIR/f/grandchildren" 1
C2=$(nth_line "$DIR/f/children" 2)
G=$(nth_line "$DIR/f/grandchildren" 1)
wait_until is_listed 2
ctl '|*'
assert_eq "0 1 2" "$(ordinals)" "ordinals after the fork of child and grandchild"
assert_listed 0 "$FORKER" attach "$FORKER_EXE" .
assert_listed 1 "$C2" child "$FORKER_EXE"
assert_listed 2 "$G" child "$FORKER_EXE"
assert_tracer "$C2" "$DAEMON_PID" "TracerPid of the child"
assert_tracer "$G" "$DAEMON_PID" "TracerPid of the grandchild"
assert_tracer "$C1" 0 "TracerPid of the first (untraced) child"

want() { # ordinal pid how parent
	printf '{"childdbg":true,"current":%s,"event":%s,"how":"%s","name":"%s","ordinal":%s,"parent":%s,"pid":%s,"state":"running","stop":null}' \
		"$5" "$6" "$3" "$FORKER_EXE" "$1" "$4" "$2"
}
# The object's documented keys, less current/event which depend on the
# order of the events; keys added later are not compared.
strip_marks() {
	jget "$1" 'json.dumps({k: d.get(k, "MISSING") for k in ("ordinal", "pid", "how", "name", "state", "childdbg", "parent", "stop")}, sort_keys=True, separators=(",", ":"))'
}
for spec in "1 $C2 child 0" "2 $G child 1"; do
	set -- $spec
	obj=$(proc_json "$2")
	assert_eq "$(strip_marks "$(want "$1" "$2" "$3" "$4" false false)")" "$(strip_marks "$obj")" "|* --json object of ordinal $1"
	assert_eq false "$(jget "$obj" 'd["current"]')" "current of ordinal $1"
done
obj=$(proc_json "$FORKER")
assert_eq '{"childdbg":true,"how":"attach","name":"'"$FORKER_EXE"'","ordinal":0,"parent":null,"pid":'"$FORKER"',"state":"running","stop":null}' \
	"$(strip_marks "$obj")" "|* --json object of the forker"
assert_eq true "$(jget "$obj" 'd["current"]')" "current of the forker"

ctl '|2 .childdbg'
assert_eq "Processes created by the current process will be debugged" "$OUT" "|2 .childdbg (inherited)"
wait_progress "$DIR/f/progress"
