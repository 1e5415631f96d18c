#!/bin/bash
# Output as people and programs read it: |* keeps its columns aligned once
# ordinals pass 9; a target's JSON object has the same keys in every
# command; events objects name their session, as those of events -f do.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

start_daemon
for i in $(seq 0 10); do
	ctl run sleep 1000
done
ctl '|*'
[ "$(wc -l <<<"$OUT")" = 11 ] || fail "|* of 11 targets: $OUT"
step "the id: column starts at the same place on every line"
COLUMNS_AT=$(while IFS= read -r line; do
	prefix=${line%%id:*}
	echo "${#prefix}"
done <<<"$OUT" | sort -u)
assert_eq 7 "$COLUMNS_AT" "offsets of 'id:' in |* (lines: $OUT)"
assert_match $'(^|\n)    3  id: ' "$OUT" "the line of ordinal 3, padded"
assert_match $'(^|\n)[.# ]  10  id: ' "$OUT" "the line of ordinal 10"

step "the same keys for a target in every command"
keys() {
	jget "$OUT" "$1" | tr -d ' '
}
ctl --json '|*'
ALL=$(keys 'sorted(d["processes"][3])')
ctl --json '|3'
assert_eq "$ALL" "$(keys 'sorted(d["processes"][0])')" "keys of |3 against |*"
ctl --json '|3s'
assert_eq "$ALL" "$(keys 'sorted(d["processes"][0])')" "keys of |3s against |*"
ctl --json run sleep 1000
assert_eq "$ALL" "$(keys 'sorted(d)')" "keys of the run reply against |*"
ctl --json '|4 .detach'
assert_eq "$ALL" "$(keys 'sorted(d)')" "keys of the .detach reply against |*"
ctl --json '|5 .kill'
assert_eq "$ALL" "$(keys 'sorted(d)')" "keys of the .kill reply against |*"
ctl --json history
assert_eq "$ALL" "$(keys 'sorted(d["targets"][3])')" "keys of a live target in history against |*"
assert_eq "$ALL" "$(keys 'sorted(d["targets"][5])')" "keys of a killed target in history against |*"
assert_eq "$ALL" "$(keys 'sorted(d["targets"][4])')" "keys of a detached target in history against |*"
# Every key, listed in tetherctl(1) with its type.
assert_eq '["childdbg","cmdline","core","current","ended_at","ended_by","event","exit_code","exit_signal","how","joined_at","log","name","ordinal","parent","pid","reason","start_time","state","stop","triage","uid"]' \
	"$ALL" "the keys of a process"
step "a live target's values agree between |* and history"
ctl --json '|*'
LIVE=$(jget "$OUT" 'json.dumps([p for p in d["processes"] if p["ordinal"] == 3][0], sort_keys=True)')
ctl --json history -p 3
assert_eq "$LIVE" "$(jget "$OUT" 'json.dumps(d["targets"][0], sort_keys=True)')" "target 3 in |* and in history"

step "events objects name their session"
ctl --json events -n 1
assert_eq '["at","cmdline","detail","id","kind","ordinal","pid","session"]' "$(keys 'sorted(d["events"][0])')" "keys of an event"
# The keys of an event that name its target are those of a process.
ctl --json '|3'
P3=$(jget "$OUT" '"%d %d" % (d["processes"][0]["ordinal"], d["processes"][0]["pid"])')
ctl --json events -p 3 -n 1
assert_eq "$P3" "$(jget "$OUT" '"%d %d" % (d["events"][0]["ordinal"], d["events"][0]["pid"])')" "ordinal and pid of an event of |3"
