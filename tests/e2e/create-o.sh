#!/bin/bash
# .create -o (and run -o) start a program with child-debug on from its first
# instruction: the very first children it forks join the session.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

start_daemon
children() {
	db "SELECT count(*) FROM targets WHERE how = 'child'"
}
children_at_least() {
	[ "$(children)" -ge "$1" ]
}

step ".create -o: the first three children are gathered"
ctl --json .create -o /bin/sh -c 'for i in 1 2 3; do /bin/true; done; exec sleep 1000'
assert_eq "true|create" "$(jget "$OUT" '"%s|%s" % (str(d["childdbg"]).lower(), d["how"])')" ".create -o reply"
P=$(jget "$OUT" 'd["pid"]')
release_if_held "$P"
wait_until children_at_least 3
assert_eq 3 "$(children)" "children gathered"

step "run -o is the same"
ctl --json run -o /bin/sh -c '/bin/true; exec sleep 1000'
assert_eq true "$(jget "$OUT" 'str(d["childdbg"]).lower()')" "run -o reply"
release_if_held "$(jget "$OUT" 'd["pid"]')"
wait_until children_at_least 4
assert_eq 4 "$(children)" "children gathered"
ctl_expect 2 .create -o
assert_match "^tetherctl: usage: \.create \[-o\] CMD" "$ERR" ".create -o without a program"
