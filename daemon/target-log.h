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
 * Creates the log of the target that will be |ordinal of session; returns
 * its descriptor (O_CLOEXEC, append) or -1 with a message in err. A file of
 * that name left by an earlier database is replaced.
 */
/* The path of that log: 0, or -1 when it does not fit in len. */
int target_log_path(const char *logdir, const char *session, int ordinal,
    char *buf, size_t len);

int target_log_create(const char *logdir, const char *session, int ordinal,
    char *err, size_t errlen);

#endif
