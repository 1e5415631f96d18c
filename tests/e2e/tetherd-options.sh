#!/bin/bash
# tetherd's command line: GNU long options, --help and --version, and
# -t/--check, which parses the configuration, prints what the daemon would
# run with and exits 0, or 1 with FILE:LINE, touching nothing either way.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

EXAMPLE=$SRC_DIR/etc/tether.conf
NL=$'\n'

# run_tetherd ARGS...: sets OUT, ERR and RC of a tetherd that must exit.
run_tetherd() {
	RC=0
	timeout 10 "$TETHERD" "$@" >"$DIR/d.out" 2>"$DIR/d.err" || RC=$?
	OUT=$(<"$DIR/d.out")
	ERR=$(<"$DIR/d.err")
	[ "$RC" != 124 ] || fail "tetherd $* did not exit"
}

step "--help and --version"
run_tetherd --help
assert_eq 0 "$RC" "exit status of tetherd --help"
for opt in --config --socket --database --verbose --no-readopt --max-age \
    --max-size --interval --check --help --version; do
	assert_match "(^|$NL)  -[A-Za-z], $opt( |$NL)" "$OUT" "$opt in tetherd --help"
done
run_tetherd --version
assert_match '^tetherd [0-9]+\.[0-9]+\.[0-9]+$' "$OUT" "tetherd --version"
run_tetherd --no-such-option
assert_eq 2 "$RC" "exit status of an unknown option"
assert_match "unrecognized option '--no-such-option'" "$ERR" "stderr of an unknown option"

step "-t on the shipped example configuration"
run_tetherd -t -c "$EXAMPLE" -S "$SOCK" -D "$DB"
assert_eq 0 "$RC" "exit status of tetherd -t on $EXAMPLE (stderr: $ERR)"
assert_match "^configuration: ${EXAMPLE//./\\.}${NL}socket: ${SOCK//./\\.}${NL}database: ${DB//./\\.}$NL" "$OUT" "tetherd -t output"
assert_match "$NL"'policy pytest \(line [0-9]+\): attach' "$OUT" "a policy in tetherd -t output"
[ ! -e "$DB" ] || fail "tetherd -t created the database"
[ ! -e "$SOCK" ] || fail "tetherd -t created the socket"

step "--check with the command line winning over the file"
run_tetherd --check --config="$EXAMPLE" --max-age 2h --socket "$SOCK"
assert_eq 0 "$RC" "exit status of tetherd --check"
assert_match "${NL}retention_age: 7200s$NL" "$OUT" "--max-age in tetherd --check"

step "-t on a broken configuration: exit 1 with FILE:LINE"
printf '[daemon]\nlog_level = info\nretention_age = someday\n' >"$DIR/broken.conf"
run_tetherd -t -c "$DIR/broken.conf" -S "$SOCK" -D "$DB"
assert_eq 1 "$RC" "exit status of tetherd -t on a broken file"
assert_match "^tetherd: ${DIR//./\\.}/broken\.conf:3: " "$ERR" "stderr of tetherd -t on a broken file"
assert_eq "" "$OUT" "stdout of tetherd -t on a broken file"
[ ! -e "$DB" ] || fail "tetherd -t created the database"
