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

struct store;

struct adopt_result {
	int adopted;
	int lost;
};

/*
 * Runs once at start, after engine_init (stops of the seized targets must
 * be heard) and before the control socket opens. readopt false: every live
 * target is marked lost (config [daemon] readopt = no, tetherd -R). Writes
 * go into the store's open transaction: commit afterwards. 0, or -1 when the
 * database could not be read (message in store_errmsg).
 */
int adopt_all(struct store *st, bool readopt, struct adopt_result *res);

#endif
