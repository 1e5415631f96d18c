/* Blocking line I/O on the control socket, for tetherctl. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "conn.h"

#define READ_CHUNK 65536

/* An interrupted connect goes on in the background (connect(2)): wait for
 * it and fetch its result instead of calling connect again. */
static int connect_eintr(int fd, const struct sockaddr_un *addr)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	socklen_t len = sizeof(int);
	int err;

	if (connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0)
		return 0;
	if (errno != EINTR)
		return -1;
	while (poll(&pfd, 1, -1) < 0)
		if (errno != EINTR)
			return -1;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return -1;
	if (err != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

int conn_open(struct conn *c, const char *path)
{
	struct sockaddr_un addr;
	int fd, saved;

	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(addr.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(addr.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect_eintr(fd, &addr) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	c->fd = fd;
	return 0;
}

static int send_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		/* MSG_NOSIGNAL: a daemon that went away is an error, not SIGPIPE. */
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int conn_send_line(struct conn *c, const char *text)
{
	if (send_all(c->fd, text, strlen(text)) < 0)
		return -1;
	return send_all(c->fd, "\n", 1);
}

static int grow(struct conn *c)
{
	size_t cap = c->cap == 0 ? READ_CHUNK : c->cap * 2;
	char *buf;

	if ((buf = realloc(c->buf, cap)) == NULL)
		return -1;
	c->buf = buf;
	c->cap = cap;
	return 0;
}

int conn_take_line(struct conn *c, size_t max, char **line)
{
	char *nl;

	if (c->consumed > 0) {
		c->len -= c->consumed;
		memmove(c->buf, c->buf + c->consumed, c->len);
		c->consumed = 0;
		c->scanned = 0;
	}
	/* Only the bytes not scanned yet: a reply of megabytes arrives in
	 * many reads, and rescanning from the start would be quadratic. */
	nl = c->len > c->scanned ? memchr(c->buf + c->scanned, '\n', c->len - c->scanned) : NULL;
	c->scanned = c->len;
	if ((nl != NULL && (size_t)(nl - c->buf) > max) ||
	    (nl == NULL && c->len > max)) {
		errno = EMSGSIZE;
		return -1;
	}
	if (nl == NULL)
		return 0;
	*nl = '\0';
	c->consumed = (size_t)(nl - c->buf) + 1;
	*line = c->buf;
	return 1;
}

size_t conn_line_len(const struct conn *c)
{
	return c->consumed > 0 ? c->consumed - 1 : 0;
}

int conn_fill(struct conn *c)
{
	ssize_t n;

	if (c->cap - c->len < READ_CHUNK / 2 && grow(c) < 0)
		return -1;
	do
		n = read(c->fd, c->buf + c->len, c->cap - c->len);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		c->len += (size_t)n;
	return (int)(n > 0 ? 1 : n);
}

int conn_read_line(struct conn *c, size_t max, char **line)
{
	int rc;

	while ((rc = conn_take_line(c, max, line)) == 0)
		if ((rc = conn_fill(c)) <= 0)
			return rc;
	return rc;
}

void conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	*c = (struct conn)CONN_INIT;
}
