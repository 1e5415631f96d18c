#!/bin/bash
# k, ~*k and |*~*k show where each thread is: a helper hung in hang_here()
# three calls deep in its main thread while two other threads sleep. .dump
# writes a core that gdb opens with the same stacks. The helper runs on,
# traced, after each.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

command -v gdb >/dev/null || fail "gdb is needed (Debian: apt-get install gdb)"
SRC=${E2E_LIB%/e2e/lib.sh}/helpers/stacker.c
[ -r "$SRC" ] || fail "cannot read the helper's source $SRC"
HANG_LINE=$(grep -n 'HANG-LINE' "$SRC" | grep -v '^[0-9]*: \*' | cut -d: -f1)
[ -n "$HANG_LINE" ] || fail "no HANG-LINE in $SRC"

# running_traced PID: every task of PID is traced by the daemon and none is
# in a ptrace-stop (state t): the walk resumed it.
running_traced() {
	local t s
	every_task_tracer_is "$1" "$DAEMON_PID" || return 1
	for t in $(tasks "$1"); do
		s=$(proc_state "$1/task/$t")
		[ "$s" != t ] || return 1
	done
}

# gdb_bt EXE CORE: `thread apply all bt` of the core, in GDB_OUT.
gdb_bt() {
	GDB_OUT=$(env -u DEBUGINFOD_URLS gdb -nx -batch -ex 'set debuginfod enabled off' \
		-ex 'thread apply all bt' "$1" "$2" 2>&1) || fail "gdb failed on $2:
$GDB_OUT"
}

start_daemon
STACKER_EXE=$(exe_of "$HELPERS/stacker")
mkdir "$DIR/s"
spawn "$HELPERS/stacker" "$DIR/s"
P=$LAST_PID
wait_until test -s "$DIR/s/ready"
assert_eq "$P" "$(counter "$DIR/s/ready")" "tid of the hung thread (the main one)"
assert_eq 3 "$(tasks "$P" | wc -l)" "threads of the helper"
ctl .attach "$P"

step "~*k: three threads, the main one in hang_here at its line"
ctl '~*k'
STACKS=$OUT
mapfile -t headers < <(grep -E "^[. ]  [0-9]+  id: $P\.[0-9]+$" <<<"$STACKS")
assert_eq 3 "${#headers[@]}" "thread lines of ~*k in:
$STACKS"
assert_eq ".  0  id: $P.$P" "${headers[0]}" "first thread of ~*k"
assert_eq "$(tasks "$P" | tr '\n' ' ')" \
	"$(for h in "${headers[@]}"; do echo "${h##*.}"; done | sort -n | tr '\n' ' ')" "tids of ~*k vs /proc/$P/task"
# The frames of the main thread, in order: ... hang_here, level2, level1.
assert_match $'\n''[0-9]{2}  0x[0-9a-f]{16}  stacker!hang_here\+0x[0-9a-f]+ \[[^]]*stacker\.c @ '"$HANG_LINE"$'\]\n''[0-9]{2}  0x[0-9a-f]{16}  stacker!level2\+0x[0-9a-f]+ \[[^]]*\]'$'\n''[0-9]{2}  0x[0-9a-f]{16}  stacker!level1\+' \
	"$STACKS" "hang_here, level2, level1 in ~*k"
# The two other threads sleep in sleep_forever.
assert_eq 2 "$(grep -c 'stacker!sleep_forever+0x' <<<"$STACKS")" "sleeping threads in ~*k:
$STACKS"
wait_until running_traced "$P"

step "~*k --json: structured frames"
ctl --json '~*k'
JSON=$OUT
assert_eq "0 $P 3" "$(jget "$JSON" '"%d %d %d" % (d["ordinal"], d["pid"], len(d["threads"]))')" "ordinal, pid and threads of ~*k --json"
assert_eq "$P" "$(jget "$JSON" 'str(d["threads"][0]["tid"])')" "first thread of ~*k --json"
assert_eq "hang_here:$HANG_LINE:stacker.c level2 level1" "$(jget "$JSON" '(lambda f: (lambda i:
	"%s:%d:%s %s %s" % (f[i]["function"], f[i]["line"], f[i]["file"].rsplit("/", 1)[-1], f[i+1]["function"], f[i+2]["function"])
	)([x["function"] for x in f].index("hang_here")))(d["threads"][0]["frames"])')" "main thread frames in ~*k --json"
assert_eq "$STACKER_EXE" "$(jget "$JSON" '[x["module"] for x in d["threads"][0]["frames"] if x["function"] == "hang_here"][0]')" "module of hang_here"
assert_eq "" "$(jget "$JSON" '" ".join(sorted(set(k for t in d["threads"] for x in t["frames"] for k in x) ^ {"pc", "function", "offset", "module", "file", "line"}))')" "keys of a frame"
# The pcs of the main thread, for gdb below.
PCS=$(jget "$JSON" '(lambda f: (lambda i:
	" ".join("0x%016x" % x["pc"] for x in f[i:i+3])
	)([x["function"] for x in f].index("hang_here")))(d["threads"][0]["frames"])')
wait_until running_traced "$P"

step "k: the current thread only"
ctl k
mapfile -t headers < <(grep -E "^[. ]  [0-9]+  id: " <<<"$OUT")
assert_eq ".  0  id: $P.$P" "${headers[*]}" "thread lines of k"
assert_match "stacker!hang_here\+0x[0-9a-f]+ \[[^]]*stacker\.c @ $HANG_LINE\]" "$OUT" "hang_here in k"

step "|*~*k: every target, under its status line"
mkdir "$DIR/s2"
spawn "$HELPERS/stacker" "$DIR/s2"
P2=$LAST_PID
wait_until test -s "$DIR/s2/ready"
ctl .attach "$P2"
ctl '|*~*k'
assert_match "^[.# ]  0  id: $P  attach  name: $STACKER_EXE  cmd: $(cmd_of "$P")"$'\n'"\.  0  id: $P\.$P"$'\n' "$OUT" "|*~*k: target 0 first"
assert_match $'\n'"[.# ]  1  id: $P2  attach  name: $STACKER_EXE  cmd: $(cmd_of "$P2")"$'\n'"\.  0  id: $P2\.$P2"$'\n' "$OUT" "|*~*k: then target 1"
assert_eq 6 "$(grep -cE '^[. ]  [0-9]+  id: [0-9]+\.[0-9]+$' <<<"$OUT")" "thread lines of |*~*k"
assert_eq 2 "$(grep -c 'stacker!hang_here+' <<<"$OUT")" "hang_here in |*~*k"
ctl --json '|*~*k'
assert_eq "0:3 1:3" "$(jget "$OUT" '" ".join("%d:%d" % (p["ordinal"], len(p["threads"])) for p in d["processes"])')" "|*~*k --json"
ctl '|1 ~*k'
assert_match "^.  0  id: $P2\.$P2"$'\n' "$OUT" "|1 ~*k"
wait_until running_traced "$P"
wait_until running_traced "$P2"

step ".dump: a core gdb reads with the same stacks"
ctl '|0s'
ctl .dump "$DIR/hang.core"
assert_eq "Core file written: $DIR/hang.core (3 threads)" "$OUT" ".dump reply"
wait_until running_traced "$P"
gdb_bt "$STACKER_EXE" "$DIR/hang.core"
assert_eq 3 "$(grep -cE '^Thread [0-9]+ \(.*LWP [0-9]+\)' <<<"$GDB_OUT")" "threads gdb sees in the core:
$GDB_OUT"
assert_match "#[0-9]+ +0x[0-9a-f]+ in hang_here \(\) at [^ ]*stacker\.c:$HANG_LINE" "$GDB_OUT" "gdb: hang_here at its line"
# The same frames at the same addresses as ~*k, in the same order.
want=
for pc in $PCS; do
	want+="${pc#0x} "
done
got=$(grep -oE '^#[0-9]+ +0x[0-9a-f]+ in (hang_here|level2|level1) ' <<<"$GDB_OUT" | awk '{print $2}' | sed 's/^0x//' | tr '\n' ' ')
assert_eq "$want" "$got" "pcs of hang_here, level2, level1: ~*k vs gdb"
assert_match "Thread 1 \(.*LWP $P\)" "$GDB_OUT" "gdb's thread 1 is the main thread"

step ".dump refuses an existing file; /o overwrites it"
ctl_expect 1 .dump "$DIR/hang.core"
assert_match "hang\.core exists" "$ERR" ".dump of an existing file"
ctl .dump /o "$DIR/hang.core"
assert_eq "Core file written: $DIR/hang.core (3 threads)" "$OUT" ".dump /o reply"
ctl_expect 2 .dump
ctl_expect 2 .dump /o
(cd "$DIR" && "$TETHERCTL" -S "$SOCK" .dump rel.core >/dev/null) || fail ".dump of a relative path"
assert_true "relative .dump is written where the client stands" test -s "$DIR/rel.core"

step "the helper still runs, traced, and its threads still sleep"
wait_until running_traced "$P"
assert_alive "$P" "the helper"
ctl '|*'
assert_listed 0 "$P" attach "$STACKER_EXE"
kill -TERM "$P"
wait_until not is_alive "$P"
