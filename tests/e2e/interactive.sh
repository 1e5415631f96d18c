#!/bin/bash
# The interactive prompt at a terminal (a pseudo-terminal python drives):
# the debugger's prompt form (ORDINAL:PID> for the current process, the
# session's name when there is none), line editing with history (Up, Enter
# runs the same command again; the history is kept in
# $XDG_STATE_HOME/tether/history), and help at the prompt.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${E2E_LIB:-${0%/*}/lib.sh}"

start_daemon
spawn_sleeper a
A=$LAST_PID
ctl .attach "$A"
mkdir "$DIR/state"

step "prompt, Up + Enter, help at the prompt"
PYTHONPATH=$(dirname "$E2E_LIB") XDG_STATE_HOME=$DIR/state TERM=xterm \
	"$PY" - "$TETHERCTL" "$SOCK" "$A" >"$DIR/pty.out" 2>&1 <<'PYEOF' || fail "interactive tetherctl: $(cat "$DIR/pty.out")"
import sys, ptyctl
ctl, sock, pid = sys.argv[1:4]
t = ptyctl.Term([ctl, "-S", sock])
prompt = b"0:" + pid.encode() + b"> "
t.expect(prompt)
t.send(b"ps\r")
line = rb"\.  0  id: " + pid.encode() + rb"  attach  name: \S+  cmd: \S+ \S+\r\n"
t.expect(line)
t.expect(prompt)
# Up brings back "ps"; Enter runs it again: its output comes a second time.
t.send(b"\x1b[A")
t.expect(rb"ps")
t.send(b"\r")
t.expect(line)
t.expect(prompt)
t.send(b"help .kill\r")
t.expect(rb"usage: \[\|N\] \.kill \[/h \| /n\], or \.kill PID\r\nend a process\r\n")
t.expect(prompt)
t.send(b"kill --help\r")
t.expect(rb"usage: kill \[N \| ~PID \| -p PID\] \[-n \| -h\]\r\n")
t.expect(prompt)
t.end()
# A session with no current process: its name.
t = ptyctl.Term([ctl, "-S", sock, "-s", "other"])
t.expect(rb"other> ")
t.end()
PYEOF
# libedit keeps it encoded as vis(3) does: a blank is \040.
assert_eq 'ps
help\040.kill
kill\040--help' "$(grep -v '^_HiStOrY_V2_$' "$DIR/state/tether/history")" "history file"
assert_eq "-rw-------" "$(stat -c %A "$DIR/state/tether/history")" "mode of the history file"
