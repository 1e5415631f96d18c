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

step "events objects name their session"
ctl --json events -n 1
assert_eq '["at","detail","id","kind","ordinal","pid","session"]' "$(keys 'sorted(d["events"][0])')" "keys of an event"
assert_eq default "$(jget "$OUT" 'd["events"][0]["session"]')" "session of an event"
