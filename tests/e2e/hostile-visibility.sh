#!/bin/bash
# Attack: a user of the socket reads what root's targets carry (a secret in
# a command line) through |*, events, history, status, their --json forms,
# events -f and events -f -a, or straight from the database file. Other users' sessions
# show nothing to it, and the database and its -wal and -shm are 0600.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"
. "${E2E_LIB%/*}/hostile-lib.sh"

hostile_start_daemon
U=$HOSTILE_USER
SECRET=PASSWORD=hunter2

for s in default prod; do
	ctl -s $s .create /bin/sh -c "sleep 1000; echo $SECRET"
	ctl -s $s .create /bin/echo "$SECRET"
	# Whether a created target starts held or not, g lets it run.
	ctl -s $s g
done
# Two live and two ended targets of root's carry the secret.
secret_rows() {
	[ "$(db "SELECT group_concat(state) FROM (SELECT state FROM targets
		WHERE cmdline LIKE '%hunter2%' ORDER BY state)")" == "exited,exited,running,running" ]
}
wait_until secret_rows

step "no command of the user shows root's sessions"
for s in default prod; do
	for cmd in '|*' '|0' '|1' events history 'history -S exited' report; do
		for json in "" --json; do
			hostile_ctl "$U" $json -s $s "$cmd"
			assert_eq 1 "$RC" "exit status of the user's $json $cmd in session $s"
			assert_eq "tetherctl: session $s belongs to uid 0" "$ERR" "stderr of the user's $json $cmd"
			[[ $OUT$ERR != *hunter2* ]] || fail "the user's $json $cmd in $s shows the secret: $OUT $ERR"
		done
	done
done
RC=0
as_user "$U" timeout 5 "$BIN/tetherctl" -S "$SOCK" -s prod events -f >"$DIR/f.out" 2>&1 || RC=$?
assert_eq "1 tetherctl: session prod belongs to uid 0" "$RC $(<"$DIR/f.out")" "the user's events -f of root's session"
hostile_ctl_expect 0 "$U" status
[[ $'\n'$OUT != *$'\n'session\ * ]] || fail "the user's status shows root's sessions: $OUT"
hostile_ctl_expect 0 "$U" --json status
assert_eq "[]" "$(jget "$OUT" 'd["sessions"]')" "sessions in the user's status --json"

# events -f -a streams the sessions the user owns, not root's.
spawn_as "$U" "$BIN/tetherctl" -S "$SOCK" --json -s mine events -f -a >"$DIR/fa.out" 2>&1
FOLLOWER=$LAST_PID
creates_seen() {
	grep -c '"kind": *"create"' "$DIR/fa.out" || true
}
# The acknowledgement is not printed: the user's .creates until the stream
# shows one.
follower_prints() {
	[ "$(creates_seen)" != 0 ] && return 0
	hostile_ctl_expect 0 "$U" -s mine .create /bin/echo mine
	return 1
}
wait_until follower_prints
# Root's .create comes before the user's next one, in the stream's order.
N=$(creates_seen)
ctl -s prod .create /bin/echo "$SECRET" again
hostile_ctl_expect 0 "$U" -s mine .create /bin/echo mine
wait_until eval '[ "$(creates_seen)" -gt "$N" ]'
kill "$FOLLOWER"
assert_eq "mine" "$(jget "[$(paste -sd, "$DIR/fa.out")]" '" ".join(sorted(set(e["session"] for e in d)))')" \
	"sessions in the user's events -f -a"

step "the database is root's alone"
for f in "$DB" "$DB-wal" "$DB-shm"; do
	[ -e "$f" ] || continue
	assert_eq "0 600" "$(stat -c '%u %a' "$f")" "owner and mode of $f"
	as_user "$U" cat "$f" >/dev/null 2>&1 && fail "the user can read $f"
done
assert_true "a -wal file exists (WAL mode)" test -e "$DB-wal"
