/*
 * The SQLite store. The schema is the numbered files of schema/, built into
 * the daemon (schema-sql.c) and applied in order; PRAGMA user_version says
 * how many have been applied. WAL, synchronous=NORMAL, foreign keys on.
 *
 * The event loop never runs SQL once the store's thread runs (store_start):
 * each write below makes a fixed-size record in a queue and returns (the
 * row ids are the loop's to give); the thread writes the records in
 * batches, one transaction each, and reports each batch back to the loop.
 * The first record after a flush calls the dirty hook, so that the loop
 * flushes soon, at once when someone waits for it (control.c says when);
 * nothing is acknowledged before its batch is committed. Before
 * store_start (start-up, re-adoption, the unit tests) the same writes run
 * at once on the caller's thread, gathered until store_commit.
 * Every statement is prepared once, when the store opens.
 *
 * Times are Unix epoch seconds with fractions (REAL).
 */
#ifndef TETHER_STORE_H
#define TETHER_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>

struct store;
struct event_base;

/* Work run on the store's connection, in order with the writes (see
 * store_job), and what the loop does once the batch holding it is over. */
typedef void (*store_job_fn)(struct store *st, void *arg);
typedef void (*store_done_fn)(void *arg);

/* The schema files, in order (generated from schema/ by schema/embed.awk). */
struct schema_step {
	const char *name;	/* "001-initial.sql" */
	const char *sql;
};
extern const struct schema_step schema_steps[];
extern const int schema_step_count;

/*
 * Opens (creating if needed) the database at path and brings its schema up
 * to date. Refuses, with a message in err, a file that is not a SQLite
 * database, one that has tables but is not tether's, and one whose
 * user_version is newer than schema_step_count; such a file is not changed.
 */
struct store *store_open(const char *path, char *err, size_t errlen);
void store_close(struct store *st);	/* commits what is pending */

/*
 * Starts the store's thread; from then on the writes are queued and the
 * loop of base hears of each batch. store_stop hands the thread what is
 * left, waits for it to be written (a lock held by another process is
 * waited out for at most a few seconds) and ends the thread; from then on
 * writes are made at once, on the caller's thread. store_settle does the
 * same at a shutdown whose loop has ended but whose clients and timers
 * still exist: the jobs in flight get their done callbacks (which answer
 * clients and free what the jobs hold). store_stop, for when those are
 * gone, drops them.
 */
int store_start(struct store *st, struct event_base *base, char *err, size_t errlen);
void store_settle(struct store *st);
void store_stop(struct store *st);

void store_set_dirty_hook(struct store *st, void (*hook)(void *), void *arg);
/* Hands what was recorded so far to the thread, to be committed now. */
void store_flush(struct store *st);
/* Records made so far, and how many of them the thread is done with
 * (written, or lost): a change is durable once store_committed() reaches
 * the store_mark() taken after it. */
uint64_t store_mark(const struct store *st);
uint64_t store_committed(const struct store *st);
/* Called on the loop after each batch: committed as above; lost_msg is
 * NULL, or why some of the batch's records are not in the database
 * ("database or disk is full"). */
void store_set_done_hook(struct store *st,
    void (*hook)(void *arg, uint64_t committed, const char *lost_msg), void *arg);
/* Records that could not be written since the store opened. */
uint64_t store_lost_count(const struct store *st);
/*
 * Runs run(st, arg) on the store's connection after the writes recorded
 * before it (in their transaction: it sees them), then done(arg) on the
 * loop once its batch is over. For the queries of store-history.h. Before
 * store_start, run is called at once and done at the next store_commit.
 */
void store_job(struct store *st, store_job_fn run, store_done_fn done, void *arg);

/* Commits what is pending. Before store_start: the open transaction, if
 * any; after: hands it over and waits. 0, or -1 (see store_errmsg). */
int store_commit(struct store *st);
/* Called before each commit (a flush) of pending writes, for the writes
 * that wait until then (model_settle_start_times). */
void store_set_commit_hook(struct store *st, void (*hook)(void *), void *arg);
/* Called when writes were lost: a commit failed (the transaction was
 * rolled back), or the queue was full; what they wrote is not in the
 * database (see adopt_resync). */
void store_set_lost_hook(struct store *st, void (*hook)(void *), void *arg);
const char *store_errmsg(struct store *st);

/*
 * For the queries that live beside the store (store-history.c: history,
 * filtered events, live targets at start, retention), run by a job or
 * before store_start: the connection, the write entry point (opens the
 * transaction), and the message store_errmsg returns.
 */
struct sqlite3 *store_sqlite(struct store *st);
int store_write_begin(struct store *st);
void store_set_errmsg(struct store *st, const char *msg);

/*
 * The session called name, created when missing, owned by *owner (schema
 * step 7). Returns its id (> 0), sets *owner to the owner it has and
 * *next_ordinal to one more than the highest ordinal it ever gave; or -1 on
 * error. The sessions of the database are read when it opens (with their
 * settings and owners): this, store_session_settings and
 * store_session_lookup read no database.
 */
int64_t store_session_ensure(struct store *st, const char *name, uid_t *owner,
    int *next_ordinal);

struct target_row {
	int64_t session_id;
	int ordinal;
	int pid;
	unsigned long long start_time;	/* /proc/PID/stat field 22 */
	const char *how;		/* "create", "attach", "child" */
	int64_t parent_id;		/* 0: no parent target */
	unsigned uid;
	const char *exe;
	const char *cmdline;		/* arguments joined by spaces */
	const char *state;		/* "running", "stopped" */
	int childdbg;
	double joined_at;
};

/* The id of the next triage_files row (store-triage.c). */
int64_t store_next_triage_id(struct store *st);

/* Returns the new row's id (> 0), or -1. The writes fail only before
 * store_start: after, a write that cannot be queued is a loss (see
 * store_set_lost_hook), and the call succeeds. */
int64_t store_target_insert(struct store *st, const struct target_row *row);
int store_target_set_state(struct store *st, int64_t id, const char *state);
int store_target_set_exe(struct store *st, int64_t id, const char *exe, const char *cmdline);
int store_target_set_childdbg(struct store *st, int64_t id, int childdbg);
int store_target_set_start_time(struct store *st, int64_t id, unsigned long long start);
/* The target ended: state is "exited", "killed", "detached", "abandoned" or
 * "lost"; reason one of the words of targets.reason; by the uid of the
 * client that ended it; exit_code / exit_signal / by are stored as NULL
 * when negative. */
int store_target_end(struct store *st, int64_t id, const char *state,
    const char *reason, int64_t by, int exit_code, int exit_signal, double at);

/* A session's settings (schema step 2): its stop mode and the handling of
 * the signals that were set. The action words are those of
 * session_signals.action. 0 or -1. */
int store_session_set_allstop(struct store *st, int64_t id, int allstop);
int store_session_set_signal(struct store *st, int64_t id, int sig, const char *action);
/* Calls signal_cb for every signal set. */
int store_session_settings(struct store *st, int64_t id, int *allstop,
    void (*signal_cb)(void *arg, int sig, const char *action), void *arg);

/* Records an event; target_id 0 stores NULL; detail is JSON text or NULL.
 * Returns the event id, or -1. */
int64_t store_event(struct store *st, int64_t session_id, int64_t target_id,
    double at, const char *kind, const char *detail);


#endif
