#!/bin/bash
# Triage files are bounded: with triage_max_use = 1M the oldest file goes
# when a new one passes the cap; a process larger than triage_max_process
# gets stacks only, and the reply and event say why; a core that alone
# passes triage_max_per_uid is not kept, with a message; retention of a
# pruned target removes its files (and their rows). Files are mode 0600 in
# a 0700 directory.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"
. "$(dirname "${E2E_LIB:-$0}")/config-lib.sh"

CONF=$DIR/tether.conf
write_conf() {
	cat >"$CONF" <<CONF
[daemon]
autoattach = off
triage_max_use = 1M
triage_keep_free = 0
triage_max_process = 32M
triage_max_per_uid = $1
CONF
}
write_conf unlimited
start_daemon_with "$CONF" -A 2s -I 0.1

# A target whose core is about 400 KiB compressed (noise does not compress).
spawn "$HELPERS/bigmem" 4 "$DIR/noisy.ready" 400
NOISY=$LAST_PID
wait_until test -s "$DIR/noisy.ready"
attach "$NOISY"

# dump_core ORDINAL: `dump /c` of it; sets CORE to its core file.
dump_core() {
	ctl --json "|$1 dump /c"
	CORE=$(jget "$OUT" 'd["processes"][0]["core"] or ""')
	[ -n "$CORE" ] || fail "no core in: $OUT"
}

rows() {
	db "SELECT kind || ' ' || path FROM triage_files ORDER BY id"
}

step "three cores of 400 KiB under a 1 MiB cap: the oldest goes"
dump_core 0
CORE1=$CORE
TEXT1=$(jget "$OUT" 'd["file"]')
assert_true "the core is 400 KiB or more" test "$(stat -c %s "$CORE1")" -ge $((400 << 10))
assert_eq "600 700" "$(stat -c %a "$CORE1") $(stat -c %a "$DIR/triage")" "modes of a core and of the triage directory"
dump_core 0
CORE2=$CORE
assert_true "the first core stays while under the cap" test -e "$CORE1"
dump_core 0
CORE3=$CORE
TEXT3=$(jget "$OUT" 'd["file"]')
wait_until not test -e "$CORE1"
wait_until not test -e "$TEXT1"
assert_true "the second core stays" test -e "$CORE2"
assert_true "the third core stays" test -e "$CORE3"
assert_eq 0 "$(db "SELECT count(*) FROM triage_files WHERE path IN ('$CORE1', '$TEXT1')")" "rows of the removed files"
TOTAL=$(db "SELECT sum(bytes) FROM triage_files")
assert_true "the files take at most 1 MiB ($TOTAL)" test "$TOTAL" -le $((1 << 20))
assert_eq "$TOTAL" "$(du -cb $(db "SELECT path FROM triage_files") | tail -1 | cut -f1)" "the rows' bytes are the files' sizes"
assert_match "triage: removed $CORE1 \([0-9]+ bytes\): over triage_max_use" "$(<"$DIR/tetherd.log")" "the log says why"

step "a process larger than triage_max_process: stacks only, and why"
spawn "$HELPERS/bigmem" 64 "$DIR/big.ready"
BIG=$LAST_PID
wait_until test -s "$DIR/big.ready"
attach "$BIG"
ctl '|1 dump /c'
WHY="no core: the process has 6[4-9] MiB to dump, more than triage_max_process \(32 MiB\)"
assert_match "\|1: core: $WHY" "$OUT" "dump reply"
assert_match "bigmem!main\+" "$OUT" "the stacks are there"
assert_eq 0 "$(ls "$DIR"/triage/default-1-*.core* 2>/dev/null | wc -l)" "cores of |1"
assert_match "^core: $WHY\$" "$(db "SELECT json_extract(e.detail, '\$.error') FROM events e JOIN targets t ON t.id = e.target_id WHERE e.kind = 'triage' AND t.ordinal = 1")" "the triage event says why"

step "under a lower triage_max_per_uid the uid's older files go, and a core that alone passes it is not kept"
write_conf 64K
ctl reload
ctl_expect 1 '|0 dump /c'
assert_match "\|0: core: not kept: it would pass triage_max_per_uid \(65536 bytes, uid $(id -u)\)" "$OUT" "dump reply"
assert_match "sleep|bigmem!" "$OUT" "the stacks are there"
assert_eq 0 "$(ls "$DIR"/triage/default-0-*.core* 2>/dev/null | wc -l)" "cores of |0 after the refused one"
assert_match "triage: removed $CORE3 \([0-9]+ bytes\): over triage_max_per_uid" "$(<"$DIR/tetherd.log")" "the log says why"
TEXT4=$(db "SELECT path FROM triage_files f JOIN targets t ON t.id = f.target_id WHERE t.ordinal = 0")
assert_match "^$DIR/triage/default-0-.*\.txt\$" "$TEXT4" "the refused dump's text is kept"

step "retention of a pruned target removes its files"
write_conf unlimited
ctl reload
dump_core 0
CORE5=$CORE
TEXT5=$(jget "$OUT" 'd["file"]')
ctl '|0 .kill'
pruned() { [ "$(db 'SELECT count(*) FROM targets WHERE ordinal = 0')" == 0 ]; }
wait_until pruned
wait_until not test -e "$CORE5"
wait_until not test -e "$TEXT5"
wait_until not test -e "$TEXT4"
assert_eq 0 "$(db "SELECT count(*) FROM triage_files f WHERE f.target_id NOT IN (SELECT id FROM targets)")" "rows of pruned targets' files"
assert_eq "text" "$(db "SELECT group_concat(kind) FROM triage_files")" "what is left: the text of |1, which lives"
assert_eq 0 "$(db "SELECT count(*) FROM triage_removed")" "paths left to remove"
assert_eq ok "$(db 'PRAGMA integrity_check')" "integrity_check"
