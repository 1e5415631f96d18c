#!/bin/bash
# Which test is it: |*, events, events -f, history, the triage header and
# the daemon's log show a target's command line. In text it is cut to the
# terminal's width ($COLUMNS when the output is no terminal) and its control
# characters and stray bytes show as '?'; in --json it is whole.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

# A test runner's command line, with what a hostile one could put in it: a
# newline, an escape sequence, a byte that is not UTF-8.
ARG0=$'python3 -m pytest tests/test_storage.py::test_fsync_after_rename\n\e[31mred\xff'
SHOWN='python3 -m pytest tests/test_storage.py::test_fsync_after_rename??[31mred?'

start_daemon
(exec -a "$ARG0" "$HELPERS/sleeper" "$DIR/t.progress") &
T=$!
wait_until test -s "$DIR/t.progress"
SHOWN="$SHOWN $DIR/t.progress"
# In JSON (as python's json.dumps writes it): whole, the stray byte U+FFFD.
WHOLE_JSON='"python3 -m pytest tests/test_storage.py::test_fsync_after_rename\n\u001b[31mred\ufffd '"$DIR"'/t.progress"'

# The followers start first: they see the target join.
COLUMNS=100 "$TETHERCTL" -S "$SOCK" events -f >"$DIR/follow.txt" 2>&1 &
FT=$!
"$TETHERCTL" -S "$SOCK" --json events -f >"$DIR/follow.json" 2>&1 &
FJ=$!
# The followers are subscribed once they have heard an event: a target
# joined for the purpose is broken in on and let go until both have a line
# (a follower that subscribed after the first break-in hears the next).
spawn_sleeper mark
MARK=$LAST_PID
attach "$MARK"
followers_heard() {
	has_lines "$DIR/follow.txt" 1 && has_lines "$DIR/follow.json" 1 && return 0
	ctl .breakin
	ctl g
	return 1
}
wait_until followers_heard
attach "$T"

# cut_check WHAT ARGS...: tetherctl ARGS prints a line that ends with the
# whole command line; with $COLUMNS 30 wider than what comes before it, the
# same line ends with its first 27 characters and "...".
cut_check() {
	local what=$1 whole prefix width
	shift
	ctl "$@"
	whole=$(grep -F -- "$SHOWN" <<<"$OUT") || fail "$what: no line with the command line in:
$OUT"
	[[ $whole == *"$SHOWN" ]] || fail "$what: the command line does not end the line: $whole"
	prefix=${whole%"$SHOWN"}
	width=$((${#prefix} + 30))
	COLUMNS=$width ctl "$@"
	assert_eq "$prefix${SHOWN:0:27}..." "$(grep -F -- "$prefix" <<<"$OUT")" "$what, $width columns wide"
	CUT_PREFIX=$prefix
}

step "|* and ps: the command line, whole or cut to the width"
cut_check "|* line of the target" '|*'
assert_match "^[.# ]  1  id: $T  attach  name: $(exe_of "$HELPERS/sleeper")  cmd: \$" \
	"$CUT_PREFIX" "|* line before the command line"
cut_check "ps 1" ps 1
ctl --json '|*'
assert_eq "$WHOLE_JSON" \
	"$(jget "$OUT" 'json.dumps([p["cmdline"] for p in d["processes"] if p["pid"] == '"$T"'][0])')" \
	"|* --json: the command line whole, the stray byte as U+FFFD"

step "events and events -f"
cut_check "events line of the attach" events -p 1
ctl --json events -p 1
assert_eq "attach $WHOLE_JSON" \
	"$(jget "$OUT" 'd["events"][0]["kind"] + " " + json.dumps(d["events"][0]["cmdline"])')" \
	"events --json: the command line whole"
wait_until grep -q -F -- "${SHOWN:0:20}" "$DIR/follow.txt"
LINE=$(grep -F -- "${SHOWN:0:20}" "$DIR/follow.txt")
ctl events -p 1
WHOLE=$(grep -F -- "$SHOWN" <<<"$OUT")
PREFIX=${WHOLE%"$SHOWN"}
assert_eq "$PREFIX${SHOWN:0:$((100 - ${#PREFIX} - 3))}..." "$LINE" "events -f with COLUMNS=100"
assert_eq 100 "${#LINE}" "width of the events -f line"
attach_of_t_heard() {
	"$PY" -c '
import json, sys
sys.exit(0 if any(e.get("kind") == "attach" and e.get("pid") == int(sys.argv[2])
    for e in map(json.loads, open(sys.argv[1]))) else 1)
' "$DIR/follow.json" "$T"
}
wait_until attach_of_t_heard
assert_eq "$WHOLE_JSON" "$("$PY" -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["pid"] == int(sys.argv[2]):
        print(json.dumps(e["cmdline"]))
' "$DIR/follow.json" "$T")" "events -f --json: the command line whole"

step "history"
cut_check "history line of the target" history
assert_match "  RESULT +COMMAND$" "$(head -n 1 <<<"$OUT")" "history's header"

step "the triage header and the status line in it"
ctl '|1 dump'
assert_match "^Triage of \\|1 in session default \\(command\\), then none, [^"$'\n'"]*"$'\n'"Command: " \
	"$OUT" "dump: the line after the header"
assert_eq "Command: $SHOWN" "$(sed -n 2p <<<"$OUT")" "dump: the command line, whole, its control characters as '?'"
FILE=${OUT##*Triage written to }
assert_eq "Command: $SHOWN" "$(sed -n 2p "$FILE")" "the triage file's second line"

step "the daemon's log: a target lost at a restart"
kill_daemon
kill -9 "$T"
wait "$T" 2>/dev/null || true
start_daemon
grep -F -- "|1 (pid $T, cmd: $SHOWN) lost: gone" "$DIR/tetherd.log" >/dev/null ||
	fail "no log line naming the lost target by its command line in:
$(<"$DIR/tetherd.log")"
# Each log line starts with the program's name: the target's newline and
# escape did not start one of their own.
assert_eq "" "$(grep -v '^tetherd: ' "$DIR/tetherd.log" || true)" \
	"log lines that do not start with tetherd:"

step "a width tetherd refuses"
"$PY" - "$SOCK" <<'EOF' >"$DIR/bad-width" || fail "the refusal of a bad width"
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b'{"line": "|*", "width": -3}\n')
reply = json.loads(s.makefile().readline())
print(reply["ok"], reply["error"])
EOF
assert_eq 'False malformed request: "width" is a number of columns from 0 to 4096' \
	"$(<"$DIR/bad-width")" "reply to a request with a negative width"

kill "$FT" "$FJ" 2>/dev/null || true
