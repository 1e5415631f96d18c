/*
 * A connection to one system's tetherd: the local socket, or an ssh child
 * whose stdin and stdout are one end of a socketpair (so that the lines go
 * both ways through one socket, as with the local daemon). ssh's stderr is
 * kept (its tail) to say why a host could not be reached.
 */
#ifndef TETHER_LINK_H
#define TETHER_LINK_H

#include <stdbool.h>
#include <sys/types.h>

#include "conn.h"
#include "host.h"

#define LINK_ERR_MAX 1024

struct link {
	struct conn conn;	/* conn.fd is -1 when closed */
	pid_t ssh;		/* -1 when there is none */
	int err_fd;		/* ssh's stderr; -1 once at its end */
	char err[LINK_ERR_MAX];	/* the last bytes ssh wrote to stderr */
	size_t errlen;
};

#define LINK_INIT { CONN_INIT, -1, -1, "", 0 }

/*
 * Connects to the local socket, or starts ssh for a remote host (the
 * connection is then not known to work until the far side answers). 0, or
 * -1 with the reason in why.
 */
int link_open(struct link *l, const struct host *h, const char *local_socket,
    const struct ssh_params *p, char *why, size_t len);

/* Reads what ssh wrote to stderr, without blocking. -1 once it ended. */
int link_read_err(struct link *l);

/* The reason ssh gave for a failure: its last line on stderr, waiting up
 * to wait_ms for it (ssh may still be writing it). "" when it said nothing. */
const char *link_reason(struct link *l, int wait_ms);

/* Closes the connection: ssh then ends (link_reap). */
void link_hangup(struct link *l);

/* Waits for ssh to end until deadline_ms (link_now_ms), then kills it;
 * frees what is left of l. At once when there is no ssh. */
void link_reap(struct link *l, long long deadline_ms);

/* The monotonic clock in ms. */
long long link_now_ms(void);

#endif
