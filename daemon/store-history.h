/*
 * The queries of the store that look back: the targets a previous daemon
 * left live (re-adoption at start), the history of a session's targets, the
 * events with filters, and retention (pruning old history in small batches).
 * They run on the store's connection: in a job (store_job) once the store's
 * thread runs, else on the caller's thread. Same conventions as store.h:
 * times are Unix epoch seconds (REAL); errors are -1 or NULL with the
 * message in store_errmsg.
 */
#ifndef TETHER_STORE_HISTORY_H
#define TETHER_STORE_HISTORY_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "store.h"

struct store;

/* The id of the session called name, without creating it, and its owner:
 * 0 when there is none. From the catalog (store.h): on the loop, no
 * database read. */
int64_t store_session_lookup(struct store *st, const char *name, uid_t *owner);

/* A row of targets in a live state (running, stopped), with its session's
 * name and its parent's ordinal (-1 when it has no parent target). */
struct live_target {
	int64_t id;
	int64_t session_id;
	char *session;
	int ordinal;
	int pid;
	unsigned long long start_time;
	char *how;
	int64_t parent_id;		/* 0: none */
	int parent_ordinal;		/* -1: none */
	unsigned uid;
	char *exe;
	char *cmdline;
	char *state;
	int childdbg;
	double joined_at;
	char *triage, *core;		/* of its latest triage, or NULL */
};

/* Every live target, by id (a parent comes before its children). Count, or
 * -1; *out is malloc'd, freed with store_live_targets_free. */
int store_live_targets(struct store *st, struct live_target **out);
void store_live_targets_free(struct live_target *list, int count);

/*
 * Writing again, after a failed commit (adopt_resync), what the daemon holds:
 * its session row and the row of a live target, with their ids (inserted
 * when missing; a target's exe, cmdline, state and child-debug updated).
 * A parent whose row is missing is not named. 0 or -1.
 */
int store_session_restore(struct store *st, int64_t id, const char *name,
    uid_t owner, double created_at);
int store_target_restore(struct store *st, int64_t id, const struct target_row *row);

/*
 * What a re-adopted target's limits count from (policy.c): in *limits
 * (malloc'd, NULL when none) the detail of the nearest policy or launch
 * event that gave limits, of the target or of the targets it was forked
 * from; in *joined_at when it joined; in *broke_at when it last broke (a
 * break signal event with no continue after it), or 0. 0 or -1.
 */
int store_target_limits(struct store *st, int64_t target_id, char **limits,
    double *joined_at, double *broke_at);

/*
 * The targets of a session, live or not, ordered by ordinal: the last limit
 * of those that match (limit <= 0: all). A filter field left at its "any"
 * value (-1, NULL, 0) does not filter. Each is a JSON object:
 *   ordinal, pid, how, name (exe), cmdline, parent (ordinal or null), uid,
 *   childdbg, state, exit_code, exit_signal (null when none),
 *   start_time, joined_at, ended_at (null while live), triage, core (of
 *   its latest triage, or null), reason (why it ended: targets.reason),
 *   ended_by (uid of the client that ended it), both null while live
 */
struct history_filter {
	int ordinal;		/* -1: any */
	int pid;		/* -1: any */
	const char *states;	/* JSON array of state words, or NULL */
	double since;		/* ended at or after (live ones always match); 0 */
	int limit;
	bool verdict;		/* also: signal (the detail of its last signal
				 * event) and threads (of its last triage:
				 * [{tid, frames}]), null when none */
};
json_t *store_history(struct store *st, int64_t session_id,
    const struct history_filter *f);

/*
 * The events of a session, oldest first: the last limit of those that
 * match (limit <= 0: all). Objects as store_events_list's.
 */
struct event_filter {
	int ordinal;		/* -1: any */
	int pid;		/* -1: any */
	const char *kinds;	/* JSON array of kind words, or NULL */
	double since;		/* at >= since; 0: no bound */
	double until;		/* at < until; 0: no bound */
	int64_t after_id;	/* id > after_id; 0: no bound */
	int limit;
};
json_t *store_events_query(struct store *st, int64_t session_id,
    const struct event_filter *f);

/*
 * Retention: one batch of at most batch rows per kind of row, in the open
 * write transaction (the event loop commits it). Deletes, oldest first:
 * events of targets that ended before cutoff; session events (no target)
 * older than cutoff; targets that ended before cutoff and have no events
 * and no child target left; sessions created before cutoff with no target
 * and no event left, unless keep_session says the daemon holds them.
 * Returns the number of rows deleted (0: nothing left to prune), or -1.
 */
struct prune_stats {
	int events;
	int targets;
	int sessions;
};
int store_prune_batch(struct store *st, double cutoff, int batch,
    bool (*keep_session)(int64_t session_id, void *arg), void *arg,
    struct prune_stats *stats);
/* On the loop, around a pruning job: while one runs, a session taken from
 * the catalog has its row written again (the job may delete it first);
 * after it, the sessions it deleted leave the catalog. */
void store_prune_started(struct store *st);
void store_prune_over(struct store *st, const int64_t *deleted, int n);

/* Bytes the database uses: pages in use (not free) times the page size;
 * -1 on error. */
int64_t store_used_bytes(struct store *st);

#endif
