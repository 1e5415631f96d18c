# Drives an interactive tetherctl on a pseudo-terminal for the end-to-end
# tests: every read is bounded (10 s for each thing awaited).
#   import ptyctl
#   t = ptyctl.Term([tetherctl, "-S", sock])
#   t.expect(rb"default> ")      # a regular expression over the bytes shown
#   t.send(b"ps\r")
#   t.end()                       # Ctrl+D; tetherctl must exit 0
import os, pty, re, select, sys, time

class Term:
    def __init__(self, argv, env=None):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            if env is not None:
                os.execve(argv[0], argv, env)
            os.execv(argv[0], argv)
        self.seen = b""

    def expect(self, pattern):
        """Waits for pattern; returns the match, and forgets what came
        before its end."""
        deadline = time.monotonic() + 10
        while True:
            m = re.search(pattern, self.seen)
            if m:
                self.seen = self.seen[m.end():]
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                sys.exit("timed out waiting for %r; the terminal showed %r" % (pattern, self.seen))
            if select.select([self.fd], [], [], left)[0]:
                try:
                    data = os.read(self.fd, 4096)
                except OSError:
                    data = b""
                if not data:
                    sys.exit("the terminal closed before %r; it showed %r" % (pattern, self.seen))
                self.seen += data

    def send(self, data):
        os.write(self.fd, data)

    def end(self):
        """Ctrl+D: tetherctl must exit 0 within the bound."""
        self.send(b"\x04")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                code = os.waitstatus_to_exitcode(status)
                if code != 0:
                    sys.exit("tetherctl exited %d" % code)
                return
            time.sleep(0.02)
        sys.exit("tetherctl did not exit after Ctrl+D")
