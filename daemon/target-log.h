/*
 * The log of a created target: its stdout and stderr, one file per target,
 * SESSION-ORDINAL.log in tetherd's log directory (beside the database).
 * tetherd creates each file itself, as its own user, mode 0600, in a
 * directory that must be its own and writable by no one else; O_EXCL and
 * O_NOFOLLOW: it never writes through a name someone else placed, and never
 * hands a file to a client by chown (the target writes to the descriptor it
 * inherits).
 */
#ifndef TETHER_TARGET_LOG_H
#define TETHER_TARGET_LOG_H

#include <stddef.h>

/*
 * Creates the log of a target about to be created in session, under a
 * provisional name (put in pending): its ordinal is known only once it
 * joins. Returns its descriptor (O_CLOEXEC, append) or -1 with a message in
 * err.
 */
int target_log_create(const char *logdir, const char *session, char *pending,
    size_t pendinglen, char *err, size_t errlen);
/* The target joined as |ordinal: its log takes the name SESSION-ORDINAL.log
 * (one left by an earlier database is replaced); ordinal -1: it never
 * joined, the log is removed. Failures are logged. */
void target_log_settle(const char *logdir, const char *pending, const char *session,
    int ordinal);
/* The path of the log of |ordinal of session: 0, or -1 when it does not
 * fit in len. */
int target_log_path(const char *logdir, const char *session, int ordinal,
    char *buf, size_t len);

#endif
