/*
 * Retention: keeps the database bounded on a farm that runs for months.
 * A libevent timer prunes, in small batches (one transaction each, committed
 * at the end of the loop iteration like every other write), what ended long
 * enough ago (max_age) and, while the database uses more than max_bytes, the
 * oldest ended history whatever its age. Live targets, and everything they
 * need (their events, their parents' rows, their sessions), are never
 * pruned. See store_prune_batch for what goes, in which order.
 */
#ifndef TETHER_RETENTION_H
#define TETHER_RETENTION_H

#include <stdint.h>

struct event_base;
struct store;

struct retention_params {
	double max_age;		/* seconds after a target ended; 0: keep forever */
	int64_t max_bytes;	/* database size to stay under; 0: no limit */
	double interval;	/* seconds between checks when idle (> 0) */
	int batch;		/* rows of each kind per batch (> 0) */
};

/* The embedded defaults: keep everything, check every 60 s, 500 rows. */
#define RETENTION_DEFAULT_INTERVAL 60.0
#define RETENTION_DEFAULT_BATCH 500

/* Starts the timer (nothing runs when both limits are 0). 0 or -1. */
int retention_start(struct event_base *base, struct store *st,
    const struct retention_params *p);
/* Applies new limits (a configuration reload); the timer restarts. */
int retention_set(const struct retention_params *p);
void retention_stop(void);

/* Parsers for the command line and the configuration file: "90", "30s",
 * "15m", "12h", "30d" (seconds) and "4096", "512K", "100M", "2G" (bytes,
 * powers of 1024). 0, or -1 when the text is not one of those. */
int retention_parse_age(const char *text, double *seconds);
int retention_parse_size(const char *text, int64_t *bytes);

#endif
