/*
 * tetherctl dial-stdio: the far end of "tetherctl -H ssh://HOST". It
 * connects to this host's daemon as whoever runs it (the ssh login), and
 * copies bytes both ways between its stdin/stdout and the socket until
 * either side is done. It reads nothing of what it copies: the daemon
 * checks the requests and the peer's credentials as for any local client.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "dial-stdio.h"
#include "proto.h"

#define CHUNK 65536

/* Bytes read from one side and not yet written to the other. */
struct pipe_buf {
	int from, to;
	char data[CHUNK];
	size_t len, off;
	bool eof;		/* from is at its end */
};

/* Writes what p holds: -1 when the other side is gone. */
static int flush_some(struct pipe_buf *p)
{
	ssize_t n;

	n = send(p->to, p->data + p->off, p->len - p->off, MSG_NOSIGNAL | MSG_DONTWAIT);
	/* stdout may be a pipe, not a socket. */
	if (n < 0 && errno == ENOTSOCK)
		n = write(p->to, p->data + p->off, p->len - p->off);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	p->off += (size_t)n;
	if (p->off == p->len)
		p->off = p->len = 0;
	return 0;
}

static int fill(struct pipe_buf *p)
{
	ssize_t n = read(p->from, p->data, sizeof(p->data));

	if (n < 0)
		return errno == EINTR ? 0 : -1;
	if (n == 0)
		p->eof = true;
	p->len = (size_t)n;
	p->off = 0;
	return 0;
}

/* The copy loop; returns an exit code. */
static int relay(int sock)
{
	static struct pipe_buf up, down;	/* 64 KiB each: not on the stack */
	struct pollfd pfd[2];
	bool up_shut = false;
	int i;

	up = (struct pipe_buf){ .from = STDIN_FILENO, .to = sock };
	down = (struct pipe_buf){ .from = sock, .to = STDOUT_FILENO };
	/* The daemon ends the exchange: when it has closed and all it sent is
	 * out, the relay is done. */
	while (!(down.eof && down.len == 0)) {
		if (up.eof && up.len == 0 && !up_shut) {
			/* The client is done: the daemon sees the end, then closes. */
			if (shutdown(sock, SHUT_WR) < 0 && errno != ENOTCONN)
				break;
			up_shut = true;
		}
		pfd[0] = (struct pollfd){ .fd = up.len > 0 ? up.to : up.eof ? -1 : up.from,
		    .events = up.len > 0 ? POLLOUT : POLLIN };
		pfd[1] = (struct pollfd){ .fd = down.len > 0 ? down.to : down.from,
		    .events = down.len > 0 ? POLLOUT : POLLIN };
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "tetherctl: dial-stdio: poll: %s\n", strerror(errno));
			return TETHER_EXIT_FAILED;
		}
		for (i = 0; i < 2; i++) {
			struct pipe_buf *p = i == 0 ? &up : &down;

			if (pfd[i].fd < 0 || pfd[i].revents == 0)
				continue;
			if (p->len > 0 ? flush_some(p) < 0 : fill(p) < 0) {
				/* A client whose input fails is done sending. */
				if (p == &up && p->len == 0) {
					up.eof = true;
					continue;
				}
				/* The daemon or the client is gone: that is the end. */
				return TETHER_EXIT_OK;
			}
		}
	}
	return TETHER_EXIT_OK;
}

int dial_stdio(const char *socket_path)
{
	struct conn c = CONN_INIT;
	int rc;

	if (conn_open(&c, socket_path) < 0) {
		fprintf(stderr, "tetherctl: no daemon at %s: %s\n", socket_path,
		    strerror(errno));
		return TETHER_EXIT_NO_DAEMON;
	}
	rc = relay(c.fd);
	conn_close(&c);
	return rc;
}
