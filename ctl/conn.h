/*
 * tetherctl's side of the control socket: blocking I/O on one connection,
 * lines in both directions (common/proto.h).
 */
#ifndef TETHER_CONN_H
#define TETHER_CONN_H

#include <stddef.h>

struct conn {
	int fd;			/* -1 when not connected */
	char *buf;		/* bytes read and not yet returned */
	size_t len, cap;
	size_t consumed;	/* bytes of buf given out by the last read */
	size_t scanned;		/* bytes of buf known to hold no newline */
};

#define CONN_INIT { -1, NULL, 0, 0, 0, 0 }

/* Connects to the unix socket at path. 0, or -1 with errno. */
int conn_open(struct conn *c, const char *path);

/* Sends text and a newline. 0, or -1 with errno (EPIPE: the peer left). */
int conn_send_line(struct conn *c, const char *text);

/*
 * Reads one line, without its newline, into *line (valid until the next
 * call). Returns 1; 0 when the peer closed before a whole line; -1 with
 * errno, EMSGSIZE when the line is longer than max bytes.
 */
int conn_read_line(struct conn *c, size_t max, char **line);

/*
 * The same in two steps, for a caller that polls many connections:
 * conn_take_line gives the next whole line already read (1), or 0 when
 * there is none yet, or -1 (EMSGSIZE); conn_fill reads once, which blocks
 * unless poll said the fd is readable: 1, 0 at the end, -1 with errno.
 */
int conn_take_line(struct conn *c, size_t max, char **line);
int conn_fill(struct conn *c);
/* The length of the line the last call gave. */
size_t conn_line_len(const struct conn *c);

void conn_close(struct conn *c);

#endif
