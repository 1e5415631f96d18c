# Sourced by the tether.conf tests after lib.sh.
#
# Careful: in connector mode the daemon sees every exec on the machine, and
# the tests run in parallel. Every policy of these tests matches only
# command lines under $DIR (the test's own directory), or it would take
# the processes of the other tests.

# start_daemon_with FILE [ARGS...]: start_daemon, with -c FILE. With
# DAEMON_NICE set, tetherd runs at that nice value (timing tests on a
# machine that other work keeps busy).
start_daemon_with() {
	local nice=()
	[ -x "$TETHERD" ] || fail "no program at $TETHERD"
	[ -n "${DAEMON_NICE:-}" ] && nice=(nice -n "$DAEMON_NICE")
	"${nice[@]}" "$TETHERD" -c "$1" -S "$SOCK" -D "$DB" "${@:2}" >>"$DIR/tetherd.log" 2>&1 &
	DAEMON_PID=$!
	wait_until daemon_answers
	ctl --json status
	assert_eq "$DAEMON_PID" "$(jget "$OUT" 'd["pid"]')" "daemon pid in status --json"
}

# scan_policies EXE SESSION NAME KEY=VALUE... [-- NAME KEY=VALUE...]...:
# a configuration (on stdout) that scans /proc every 20 ms, with one policy
# per NAME for the processes of EXE whose command line holds $DIR/NAME,
# into SESSION, with the given keys.
scan_policies() {
	local exe=$1 session=$2 kv
	shift 2
	printf '[daemon]\nautoattach = scan\nscan_interval = 20ms\n'
	while [ $# -gt 0 ]; do
		printf '\n[policy "%s"]\nexe = %s\ncmdline = *%s/%s*\nsession = %s\n' \
			"$1" "$exe" "$DIR" "$1" "$session"
		shift
		while [ $# -gt 0 ] && [ "$1" != -- ]; do
			kv=$1
			printf '%s = %s\n' "${kv%%=*}" "${kv#*=}"
			shift
		done
		[ $# -eq 0 ] || shift
	done
}

# session_pids SESSION: the pids |* lists in SESSION, ascending.
session_pids() {
	ctl -s "$1" --json '|*'
	jget "$OUT" '" ".join(str(p) for p in sorted(p["pid"] for p in d["processes"]))'
}

# in_session SESSION PID: PID is a live target of SESSION.
in_session() {
	local p
	for p in $(session_pids "$1"); do
		[ "$p" == "$2" ] && return 0
	done
	return 1
}

# target_obj SESSION PID: what a policy decides of the process object of
# |* --json, keys sorted: not the marks (current, event), which depend on
# the events' order, nor the times and the command line (every key of the
# object is checked by columns.sh).
target_obj() {
	ctl -s "$1" --json '|*'
	jget "$OUT" 'json.dumps([{k: v for k, v in p.items() if k in ("childdbg", "how", "name", "ordinal", "parent", "pid", "state", "stop")} for p in d["processes"] if p["pid"] == '"$2"'][0], sort_keys=True, separators=(",", ":"))'
}

# events_of PID: "kind detail" lines of the target with that pid (the
# latest one with it), oldest first.
events_of() {
	db "SELECT e.kind || ' ' || coalesce(e.detail, '') FROM events e
	    WHERE e.target_id = (SELECT max(id) FROM targets WHERE pid = $1) ORDER BY e.id"
}

# state_in_db PID: the state of the latest target with that pid.
state_in_db() {
	db "SELECT state FROM targets WHERE id = (SELECT max(id) FROM targets WHERE pid = $1)"
}

db_state_is() { # PID STATE
	[ "$(state_in_db "$1")" == "$2" ]
}

# untraced PID: no tracer (TracerPid 0).
untraced() {
	[ "$(tracer_pid "$1")" == 0 ]
}
