/*
 * The triage_files table (schema step 5): the stack texts and cores the
 * daemon keeps, and the paths retention leaves in triage_removed when it
 * deletes their targets.
 */
#ifndef TETHER_STORE_TRIAGE_H
#define TETHER_STORE_TRIAGE_H

#include <stdint.h>

struct store;

struct triage_file_row {
	int64_t id;
	int64_t target_id;
	const char *kind;		/* "text" or "core" */
	const char *path;
	long long bytes;
	unsigned uid;			/* whose share of the space it takes */
	const char *compression;	/* "zstd" or NULL */
	double created_at;
	/* Read with the row (store_triage_load), of its target: */
	const char *session;
	int ordinal;
	int pid;
	const char *exe;
	const char *cmdline;
};

/* Returns the new row's id (> 0), or -1. The insert and the delete are
 * written by the store's thread, in order with the other writes; a
 * failure is logged. */
int64_t store_triage_add(struct store *st, const struct triage_file_row *row);
int store_triage_remove(struct store *st, int64_t id);
/* Calls cb for every row, oldest first; before store_start only (it reads
 * on the caller's thread). 0 or -1. */
int store_triage_load(struct store *st,
    void (*cb)(void *arg, const struct triage_file_row *row), void *arg);
/* Calls cb on the loop with each path retention left, once the store's
 * thread has read and forgotten them. 0 or -1. */
int store_triage_take_removed(struct store *st,
    void (*cb)(void *arg, const char *path), void *arg);
/* The same for the logs of the created targets retention deleted (schema
 * step 8): cb gets each one's name in the log directory. */
int store_logs_take_removed(struct store *st,
    void (*cb)(void *arg, const char *name), void *arg);

#endif
