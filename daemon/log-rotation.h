/*
 * The bounds of the created targets' logs, as logrotate's size and rotate:
 * a timer has the log of every live created target rotated once it is
 * larger than max_bytes, keeping keep rotations (log-files.h says how and
 * what a rotation can lose); and the logs of the targets retention deleted
 * are removed with them (schema step 8). The file work runs on the triage
 * workers; the loop only queues it.
 */
#ifndef TETHER_LOG_ROTATION_H
#define TETHER_LOG_ROTATION_H

struct event_base;
struct store;

struct log_bounds {
	long long max_bytes;	/* 0: never rotated */
	int keep;		/* rotations kept */
	double interval;	/* seconds between checks */
};

#define LOG_DEFAULT_MAX_BYTES (10LL << 20)
#define LOG_DEFAULT_KEEP 5
#define LOG_DEFAULT_INTERVAL 30.0

/* Starts the timer, with the bounds last set (the defaults before). 0 or
 * -1. */
int log_rotation_start(struct event_base *base, struct store *st,
    const char *logdir);
/* New bounds (the configuration, at start and reload). */
void log_rotation_set(const struct log_bounds *b);
const struct log_bounds *log_rotation_bounds(void);
void log_rotation_stop(void);
/* Removes the logs of the targets retention has just deleted. */
void log_rotation_sweep(void);

#endif
