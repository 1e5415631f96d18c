#!/bin/bash
# dump: the triage of a target and the targets gathered from it. On a
# child-debug tree (a parent that forks a child hung in hang_here), `dump`
# of the parent records the stacks of both and leaves both running; `dump
# /c kill` of the hung child records its stacks (events table, text file
# beside the database), writes its core, then kills it: the child is gone,
# the parent runs on, traced.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

command -v gdb >/dev/null || fail "gdb is needed (Debian: apt-get install gdb)"
SRC=${E2E_LIB%/e2e/lib.sh}/helpers/stacker.c
HANG_LINE=$(grep -n 'HANG-LINE' "$SRC" | grep -v '^[0-9]*: \*' | cut -d: -f1)
[ -n "$HANG_LINE" ] || fail "no HANG-LINE in $SRC"

start_daemon
STACKER_EXE=$(exe_of "$HELPERS/stacker")
mkdir "$DIR/t"
spawn "$HELPERS/stacker" "$DIR/t" tree
PARENT=$LAST_PID
wait_until test -s "$DIR/t/progress"
ctl .attach "$PARENT"
ctl .childdbg 1
kill -USR2 "$PARENT"
wait_until has_lines "$DIR/t/children" 1
CHILD=$(nth_line "$DIR/t/children" 1)
wait_until test -s "$DIR/t/child/ready"
wait_until is_listed 1
ctl '|*'
assert_listed 1 "$CHILD" child "$STACKER_EXE"

step "dump of the parent: the stacks of the tree, and both run on"
ctl '|0 dump'
assert_match "^Triage of \|0 in session default \(command\), then none, [^"$'\n'"]*"$'\n'"Command: $(cmd_of "$PARENT")"$'\n' \
	"$OUT" "dump reply: its header names the command line"
assert_match $'\n'"[.# ]  0  id: $PARENT  attach  name: $STACKER_EXE  cmd: $(cmd_of "$PARENT")"$'\n' "$OUT" "the parent in the dump"
assert_match $'\n'"[.# ]  1  id: $CHILD  child  name: $STACKER_EXE  cmd: $(cmd_of "$CHILD")"$'\n' "$OUT" "the child in the dump"
assert_match "stacker!hang_here\+0x[0-9a-f]+ \[[^]]*stacker\.c @ $HANG_LINE\]" "$OUT" "the child's hang in the dump"
assert_match $'\n\n''\|0: running'$'\n''\|1: running'$'\n'"Triage written to $DIR/triage/default-0-[0-9]{8}-[0-9]{6}(-[0-9]+)?\.txt$" "$OUT" "triage file line"
FILE0=${OUT##*Triage written to }
assert_true "the triage file exists" test -s "$FILE0"
assert_match "stacker!hang_here\+" "$(<"$FILE0")" "stacks in the triage file"
assert_eq 2 "$(db "SELECT count(*) FROM events WHERE kind = 'triage'")" "triage events after dump of the tree"
wait_progress "$DIR/t/progress"
assert_alive "$CHILD" "the child after dump"

step "dump /c kill of the hung child"
ctl --json '|1 dump /c kill'
JSON=$OUT
assert_eq "command kill 1 $CHILD killed" "$(jget "$JSON" '"%s %s %d %d %s" % (d["reason"], d["then"], len(d["processes"]), d["processes"][0]["pid"], d["processes"][0]["outcome"])')" "dump --json"
assert_eq 3 "$(jget "$JSON" 'len(d["processes"][0]["threads"])')" "threads of the child in dump --json"
assert_eq "hang_here $HANG_LINE" "$(jget "$JSON" '[("%s %d" % (f["function"], f["line"])) for t in d["processes"][0]["threads"] for f in t["frames"] if f["function"] == "hang_here"][0]')" "hang_here in dump --json"
FILE1=$(jget "$JSON" 'd["file"]')
CORE1=$(jget "$JSON" 'd["processes"][0]["core"]')
assert_match "^$DIR/triage/default-1-[0-9]{8}-[0-9]{6}(-[0-9]+)?\.txt$" "$FILE1" "triage file of the child"
assert_eq "${FILE1%.txt}.1.core.zst" "$CORE1" "core file of the child (zstd, the default)"
assert_true "the child's triage file exists" test -s "$FILE1"
assert_match "stacker!hang_here\+0x[0-9a-f]+ \[[^]]*stacker\.c @ $HANG_LINE\]" "$(<"$FILE1")" "the child's hang in its triage file"

step "the child is gone, the parent runs on, traced"
wait_until not is_alive "$CHILD"
wait_progress "$DIR/t/progress"
assert_tracer "$PARENT" "$DAEMON_PID"
ctl '|*'
assert_eq "0" "$(ordinals)" "targets after dump kill"
assert_eq killed "$(db "SELECT state FROM targets WHERE ordinal = 1")" "state of the child in the database"

step "the events table has the child's stacks and files"
DETAIL=$(db "SELECT e.detail FROM events e JOIN targets t ON t.id = e.target_id WHERE e.kind = 'triage' AND t.ordinal = 1 ORDER BY e.id DESC LIMIT 1")
assert_eq "command kill $FILE1 $CORE1 3" "$(jget "$DETAIL" '"%s %s %s %s %d" % (d["reason"], d["then"], d["file"], d["core"], len(d["threads"]))')" "triage event of the child"
assert_eq "hang_here" "$(jget "$DETAIL" '[f["function"] for t in d["threads"] for f in t["frames"] if f["function"] == "hang_here"][0]')" "hang_here in the triage event"
ctl events 50
assert_match "\|1    triage   [^"$'\n'"]*\"file\":\"$FILE1\",\"core\":\"$CORE1\"" "$OUT" "events shows where the triage files are"
ctl --json '|1 history'
assert_eq "$FILE1 $CORE1" "$(jget "$OUT" '"%s %s" % (d["targets"][0]["triage"], d["targets"][0]["core"])')" "history --json has the triage files"
ctl '|1 history'
assert_match "triage: $FILE1  core: $CORE1" "$OUT" "history shows where the triage files are"

step "the core of the killed child opens in gdb"
zstd -q -d -o "$DIR/child.core" "$CORE1" || fail "zstd -d $CORE1"
GDB_OUT=$(env -u DEBUGINFOD_URLS gdb -nx -batch -ex 'set debuginfod enabled off' \
	-ex 'thread apply all bt' "$STACKER_EXE" "$DIR/child.core" 2>&1) || fail "gdb: $GDB_OUT"
assert_match "in hang_here \(\) at [^ ]*stacker\.c:$HANG_LINE" "$GDB_OUT" "gdb: hang_here in the child's core"

step "bad uses of dump"
ctl_expect 2 dump /x
ctl_expect 2 dump kill detach
ctl_expect 2 dump /c bogus
ctl_expect 1 '|5 dump'
