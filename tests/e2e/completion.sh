#!/bin/bash
# tetherctl's bash completion, driven as bash drives it (COMP_WORDS,
# COMP_CWORD, the function's COMPREPLY) in a non-interactive bash: a
# command, an option, a session name and the ordinals of live targets,
# these two asked of a live daemon.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

COMPLETION=$SRC_DIR/etc/bash-completion/tetherctl

# completions WORD...: what completes the last WORD of tetherctl WORD...,
# one a line.
completions() {
	bash -c '
		. "$1"
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		_tetherctl
		printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETION" "$TETHERCTL" "$@"
}

start_daemon
spawn_sleeper a
A=$LAST_PID
spawn_sleeper b
B=$LAST_PID
spawn_sleeper c
C=$LAST_PID
ctl .attach "$A"
ctl .attach "$B"
ctl -s farm .attach "$C"

step "commands and aliases"
assert_eq "detach" "$(completions de)" "completion of 'de'"
assert_eq "sx
sxe
sxd
sxn
sxi
status
select" "$(completions s)" "completion of 's'"
assert_eq ".kill" "$(completions .k)" "completion of '.k'"
assert_eq "history
help" "$(completions h)" "completion of 'h'"

step "options"
assert_eq "--json" "$(completions --js)" "completion of '--js'"
assert_eq "--socket
--session
--since" "$(completions -S "$SOCK" --s)" "completion of '--s'"

step "session names, asked of the daemon"
assert_eq "farm" "$(completions -S "$SOCK" -s f)" "completion of '-s f'"
assert_eq "default
farm" "$(completions --socket "$SOCK" --session '')" "completion of '--session '"

step "live ordinals, asked of the daemon"
assert_eq "0
1" "$(completions -S "$SOCK" kill '')" "completion of 'kill '"
assert_eq "0" "$(completions -S "$SOCK" -s farm select '')" "completion of '-s farm select '"
ctl kill 0
assert_eq "1" "$(completions -S "$SOCK" detach '')" "completion of 'detach ' after kill 0"

step "no daemon: nothing, quickly"
assert_eq "" "$(completions -S "$DIR/none" kill '')" "completion of 'kill ' with no daemon"
