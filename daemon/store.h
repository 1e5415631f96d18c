/*
 * The SQLite store. The schema is the numbered files of schema/, built into
 * the daemon (schema-sql.c) and applied in order; PRAGMA user_version says
 * how many have been applied. WAL, synchronous=NORMAL, foreign keys on.
 *
 * Writes are gathered: the first write after a commit opens a transaction
 * and calls the dirty hook, so that the event loop commits soon, at once
 * when someone waits for it (store_commit; control.c says when). Nothing
 * is acknowledged before that.
 * Every statement is prepared once, when the store opens.
 *
 * Times are Unix epoch seconds with fractions (REAL).
 */
#ifndef TETHER_STORE_H
#define TETHER_STORE_H

#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>

struct store;

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

void store_set_dirty_hook(struct store *st, void (*hook)(void *), void *arg);
/* Commits the open transaction, if any. 0, or -1 (see store_errmsg). */
int store_commit(struct store *st);
/* Called at the start of every commit of an open transaction, for the
 * writes that wait until then (model_settle_start_times). */
void store_set_commit_hook(struct store *st, void (*hook)(void *), void *arg);
/* Called when a commit failed: the transaction has been rolled back, and
 * what it wrote is not in the database (see adopt_resync). */
void store_set_lost_hook(struct store *st, void (*hook)(void *), void *arg);
const char *store_errmsg(struct store *st);

/*
 * For the queries that live beside the store (store-history.c: history,
 * filtered events, live targets at start, retention): the connection, the
 * write entry point (opens the transaction, calls the dirty hook), and the
 * message store_errmsg returns.
 */
struct sqlite3 *store_sqlite(struct store *st);
int store_write_begin(struct store *st);
void store_set_errmsg(struct store *st, const char *msg);

/*
 * The session called name, created when missing, owned by *owner (schema
 * step 6). Returns its id (> 0), sets *owner to the owner it has and
 * *next_ordinal to one more than the highest ordinal it ever gave; or -1 on
 * error.
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

/* Returns the new row's id (> 0), or -1. */
int64_t store_target_insert(struct store *st, const struct target_row *row);
int store_target_set_state(struct store *st, int64_t id, const char *state);
int store_target_set_exe(struct store *st, int64_t id, const char *exe, const char *cmdline);
int store_target_set_childdbg(struct store *st, int64_t id, int childdbg);
int store_target_set_start_time(struct store *st, int64_t id, unsigned long long start);
/* The target ended: state is "exited", "killed", "detached", "abandoned" or
 * "lost"; exit_code / exit_signal are stored as NULL when negative. */
int store_target_end(struct store *st, int64_t id, const char *state,
    int exit_code, int exit_signal, double at);

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
