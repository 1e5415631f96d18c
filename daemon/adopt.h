/*
 * Re-adoption at start (DESIGN §4, Restart): the targets the database holds
 * as live were left by a daemon that stopped or died. Each is checked by its
 * identity, pid AND start time (/proc/PID/stat field 22): the same process
 * is traced again with its ordinal, session, parent and child-debug setting
 * (an "adopt" event); any other (gone, a zombie, its pid now another
 * process's, traced by someone else, or re-adoption turned off) is marked
 * "lost" with a "lost" event and never touched.
 */
#ifndef TETHER_ADOPT_H
#define TETHER_ADOPT_H

#include <stdbool.h>

struct event_base;
struct store;

struct adopt_result {
	int adopted;
	int lost;
};

/*
 * Runs once at start, after engine_init (stops of the seized targets must
 * be heard) and before the control socket opens. readopt false: every live
 * target is marked lost (config [daemon] readopt = no, tetherd -R). One in
 * the middle of an exec is waited for, operation_timeout at most (all of
 * them together), then marked lost. Writes
 * go into the store's open transaction: commit afterwards. 0, or -1 when the
 * database could not be read (message in store_errmsg).
 */
int adopt_all(struct store *st, bool readopt, struct adopt_result *res);

/*
 * After lost writes (a failed commit: a full disk, an I/O error; or a full
 * queue) the database misses some of what the daemon did, while the daemon
 * still holds it. Once registered, every loss schedules a resync a second
 * later (not at once: the disk may still be full): the session and target
 * rows of everything live in memory are written again, and rows still live
 * in the database that the daemon no longer holds (they ended while their
 * end could not be written) are marked lost with a "lost" event. The lost
 * events themselves are not written again: their replies said so, and
 * status counts them. Retries until a batch succeeds.
 */
int adopt_watch_commits(struct event_base *base, struct store *st);
void adopt_unwatch_commits(void);
/* The resync itself: a job of the store (store_job); 0, or -1 when out
 * of memory. */
int adopt_resync(struct store *st);

#endif
