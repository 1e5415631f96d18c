"""Misbehaving clients of the control socket, for the tests of its limits.

    clients.py flood SOCKET N OUT    opens N connections (not waiting when
        the daemon's queue is full), sends nothing, reads for up to 2 s what
        each is told, writes to OUT one line per refusal message and then
        "held K" (the connections still open) and "pid P" (its own), and
        keeps them open until killed.
    clients.py noread SOCKET N REQ   N connections, each sends REQ (a command
        line) 2000 times and never reads; then waits, for up to 10 s each,
        until the daemon closes them; prints "closed K".
    clients.py halfclose SOCKET REQ  sends REQ, shuts down its writing side
        and prints what it reads until the end.
"""
import json
import os
import select
import socket
import sys
import time


def connect(path, timeout=None):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(path)
    return s


def request(line):
    return (json.dumps({"line": line}) + "\n").encode()


def flood(path, n, out):
    conns = []
    for _ in range(n):
        try:
            conns.append(connect(path, 0.2))
        except OSError:
            pass
    refusals = []
    deadline = time.monotonic() + 2
    pending = list(conns)
    while pending and time.monotonic() < deadline:
        ready, _, _ = select.select(pending, [], [], 0.1)
        for c in ready:
            pending.remove(c)
            try:
                data = c.recv(4096)
            except OSError:
                data = b""
            if data:
                refusals.append(json.loads(data.split(b"\n")[0])["error"])
            c.close()
    held = pending
    with open(out + ".tmp", "w") as f:
        for r in refusals:
            f.write(r + "\n")
        f.write("held %d\n" % len(held))
        f.write("pid %d\n" % os.getpid())
    os.rename(out + ".tmp", out)
    while True:
        time.sleep(60)


def noread(path, n, line):
    conns = [connect(path, 10) for _ in range(n)]
    req = request(line) * 2000
    for c in conns:
        try:
            c.sendall(req)
        except OSError:
            pass
    closed = 0
    for c in conns:
        # The daemon's reply bytes are read only now, to see the end.
        try:
            while c.recv(1 << 20):
                pass
            closed += 1
        except socket.timeout:
            pass
        except OSError:
            closed += 1
    print("closed %d" % closed)


def halfclose(path, line):
    c = connect(path, 10)
    c.sendall(request(line))
    c.shutdown(socket.SHUT_WR)
    data = b""
    while True:
        d = c.recv(65536)
        if not d:
            break
        data += d
    sys.stdout.write(data.decode())


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "flood":
        flood(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif cmd == "noread":
        noread(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif cmd == "halfclose":
        halfclose(sys.argv[2], sys.argv[3])
    else:
        sys.exit("unknown command " + cmd)
