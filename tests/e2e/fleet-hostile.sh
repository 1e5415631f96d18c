#!/bin/bash
# Host strings reach ssh's argument vector: one that could be read as an
# option ("-oProxyCommand=...") or as shell code is refused before ssh
# runs, from every place hosts come from (-H, --hosts, TETHER_HOST,
# TETHER_HOSTS). ssh here is a stand-in, first on PATH, that records its
# arguments and runs the remote command through sh as sshd would; so the
# test also sees the exact ssh command, and that what the far side's shell
# gets are the intended words. And: a fleet none of whose hosts answers
# exits 3, each host on its own line with ssh's reason.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

unset TETHER_HOST TETHER_HOSTS TETHER_SSH_OPTS TETHER_REMOTE_CTL
mkdir "$DIR/bin"
CALLS=$DIR/ssh-calls
WORDS=$DIR/remote-words
# The stand-in: one line of arguments per call; the words after the host
# go through sh, one per line into WORDS; then it fails as ssh does.
cat >"$DIR/bin/ssh" <<STANDIN
#!/bin/sh
printf '%s\n' "\$*" >>"$CALLS"
while [ \$# -gt 0 ] && [ "\$1" != -- ]; do shift; done
shift 2
sh -c "printf '%s\n' \$*" >>"$WORDS"
echo "ssh: connect to host stand-in port 22: Connection refused" >&2
exit 255
STANDIN
chmod +x "$DIR/bin/ssh"
export PATH=$DIR/bin:$PATH
PWNED=$DIR/pwned

calls() {
	line_count "$CALLS"
}

step "the stand-in is what tetherctl runs, with this command"
ctl_expect 3 -H ssh://farm1 '|*'
assert_eq 1 "$(calls)" "ssh calls"
assert_eq "-T -x -a -o BatchMode=yes -o ConnectTimeout=5 -- farm1 'tetherctl' dial-stdio" "$(<"$CALLS")" "ssh's arguments"
assert_eq "tetherctl: no daemon at ssh://farm1: ssh: connect to host stand-in port 22: Connection refused" "$ERR" "message of an unreachable host"

step "user, port, socket, remote program, ssh options, timeout"
rm -f "$CALLS" "$WORDS"
TETHER_SSH_OPTS="-F $DIR/no-such-config -o Compression=yes" \
TETHER_REMOTE_CTL="/opt/my tether/tetherctl" \
	ctl_expect 3 --connect-timeout 7 -H "ssh://ci@farm2:2222/tmp/it's;touch $PWNED" '|*'
assert_eq "-F $DIR/no-such-config -o Compression=yes -T -x -a -o BatchMode=yes -o ConnectTimeout=7 -p 2222 -l ci -- farm2 '/opt/my tether/tetherctl' -S '/tmp/it'\\''s;touch $PWNED' dial-stdio" \
	"$(<"$CALLS")" "ssh's arguments"
assert_eq "/opt/my tether/tetherctl
-S
/tmp/it's;touch $PWNED
dial-stdio" "$(<"$WORDS")" "the words the far side's shell runs"
assert_true "nothing ran the socket path as a command" test ! -e "$PWNED"

step "hostile host strings are refused before ssh runs"
rm -f "$CALLS"
for h in "-oProxyCommand=touch $PWNED" "ssh://-oProxyCommand=touch $PWNED" \
	"ssh://-oProxyCommand=sh" "ssh://-l@farm1" "ssh://root@-p" "ssh://farm1;touch $PWNED" \
	"ssh://\$(touch $PWNED)" "ssh://farm1 -oProxyCommand=x" "ssh://farm1:22 -v" "farm1"; do
	ctl_expect 2 -H ssh://farm1 -H "$h" '||*'
	assert_match "^tetherctl: host '.*': (bad (host|user) name|bad port|expected ssh://)" "$ERR" "message for -H '$h'"
	TETHER_HOST=$h ctl_expect 2 '|*'
	assert_match "^tetherctl: host '" "$ERR" "message for TETHER_HOST='$h'"
	printf 'ssh://farm1\n%s\n' "$h" >"$DIR/hosts"
	ctl_expect 2 --hosts "$DIR/hosts" '||*'
	assert_match "^tetherctl: host '" "$ERR" "message for --hosts with '$h'"
	TETHER_HOSTS=$DIR/hosts ctl_expect 2 '||*'
	assert_match "^tetherctl: host '" "$ERR" "message for TETHER_HOSTS with '$h'"
done
assert_eq 0 "$(calls)" "ssh calls for hostile hosts"
assert_true "nothing ran" test ! -e "$PWNED"

step "bad --connect-timeout"
for t in 0 -1 x 3601 ''; do
	ctl_expect 2 --connect-timeout "$t" -H ssh://farm1 '|*'
	assert_match "^tetherctl: --connect-timeout: expected seconds" "$ERR" "message for --connect-timeout '$t'"
done
assert_eq 0 "$(calls)" "ssh calls for a bad timeout"

step "a hosts file (comments, blank lines); no host answers: exit 3, a line each"
cat >"$DIR/hosts" <<HOSTS
# the farm
ssh://farm1   # rack 1

  ssh://ci@farm2:2222
HOSTS
ctl_expect 3 --hosts "$DIR/hosts" '||*'
assert_eq 2 "$(calls)" "ssh calls for two hosts"
assert_eq ".  0  farm1          unreachable: ssh: connect to host stand-in port 22: Connection refused
   1  ci@farm2:2222  unreachable: ssh: connect to host stand-in port 22: Connection refused" "$OUT" "||* of two unreachable hosts"
TETHER_HOSTS=$DIR/hosts ctl_expect 3 '||* |*'
assert_eq "" "$OUT" "stdout of ||* |* with no host answering"
assert_eq "tetherctl: ||0 farm1: unreachable: ssh: connect to host stand-in port 22: Connection refused
tetherctl: ||1 ci@farm2:2222: unreachable: ssh: connect to host stand-in port 22: Connection refused" "$ERR" "stderr of ||* |* with no host answering"
ctl_expect 2 --hosts "$DIR/hosts" '||2'
assert_eq "tetherctl: no system 2 (there are 2: 0 to 1)" "$ERR" "||2 of two systems"
