/*
 * Who may connect: connections are counted per uid and in all, and past
 * either limit a new one is refused. Refusals are logged once per interval
 * with their count, never once per attempt: a client that keeps trying
 * must not fill the log.
 */
#ifndef TETHER_ADMISSION_H
#define TETHER_ADMISSION_H

#include <stddef.h>
#include <sys/types.h>

struct event_base;

/* The embedded defaults (tether.conf(5)). */
#define ADMISSION_DEFAULT_TOTAL 512
#define ADMISSION_DEFAULT_PER_UID 64

int admission_init(struct event_base *base);
void admission_free(void);
/* New limits (start, reload): connections already open stay. */
void admission_set_limits(int total, int per_uid);

/* Counts a new connection of uid: 0, or -1 with the refusal in msg (one
 * line for the client), counted for the log. */
int admission_take(uid_t uid, char *msg, size_t msglen);
/* A connection that admission_take let in is closed. */
void admission_release(uid_t uid);

/* Something went wrong for the n-th time (accept failing, ...): the first
 * of an interval is logged at once, the rest as a count at its end. */
void admission_log_limited(const char *what);

#endif
