/*
 * The SQLite store: opening (and refusing) a database, bringing its schema
 * up to date, the sessions it holds (read once, at open), and the writes of
 * the daemon: made into records by the loop, written by store_apply (on the
 * store's thread, see store-thread.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store.h"
#include "store-history.h"
#include "store-internal.h"
#include "uthash.h"

/* PRAGMA application_id of a tether database: "teth" in ASCII. */
#define TETHER_APPLICATION_ID 0x74657468

/* How long a write waits for another connection (a user's sqlite3 shell). */
#define BUSY_TIMEOUT_MS 5000

enum stmt_id {
	S_BEGIN,
	S_COMMIT,
	S_SESSION_INSERT,
	S_TARGET_INSERT,
	S_TARGET_SET_STATE,
	S_TARGET_SET_EXE,
	S_TARGET_SET_CHILDDBG,
	S_TARGET_SET_START_TIME,
	S_TARGET_END,
	S_EVENT_INSERT,
	S_SESSION_SET_ALLSTOP,
	S_SESSION_SET_SIGNAL,
	S_COUNT
};

/* The ids of new rows are the loop's to give (a reply names them before
 * the row is written): every INSERT names its row's id. */
static const char *const stmt_sql[S_COUNT] = {
	/* IMMEDIATE: the write lock is taken here, waiting out a reader's
	 * busy spell; a deferred transaction that has read first can fail to
	 * take it later with SQLITE_BUSY and no wait. */
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	/* A session of the catalog whose row retention deleted meanwhile is
	 * written again; one that is there is left as it is. */
	[S_SESSION_INSERT] =
	    "INSERT OR IGNORE INTO sessions (id, name, created_at, owner)"
	    " VALUES (?1, ?2, ?3, ?4)",
	[S_TARGET_INSERT] =
	    "INSERT INTO targets (id, session_id, ordinal, pid, start_time, how,"
	    " parent_id, uid, exe, cmdline, state, childdbg, joined_at)"
	    " VALUES (?13, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	/* A target back to a live state (re-adopted after being marked
	 * lost) has not ended. */
	[S_TARGET_SET_STATE] =
	    "UPDATE targets SET state = ?2, ended_at = CASE"
	    " WHEN ?2 IN ('running', 'stopped') THEN NULL ELSE ended_at END,"
	    " reason = CASE WHEN ?2 IN ('running', 'stopped') THEN NULL"
	    " ELSE reason END, ended_by = CASE WHEN ?2 IN ('running', 'stopped')"
	    " THEN NULL ELSE ended_by END WHERE id = ?1",
	[S_TARGET_SET_EXE] =
	    "UPDATE targets SET exe = ?2, cmdline = ?3 WHERE id = ?1",
	[S_TARGET_SET_CHILDDBG] =
	    "UPDATE targets SET childdbg = ?2 WHERE id = ?1",
	[S_TARGET_SET_START_TIME] =
	    "UPDATE targets SET start_time = ?2 WHERE id = ?1",
	[S_TARGET_END] =
	    "UPDATE targets SET state = ?2, exit_code = ?3, exit_signal = ?4,"
	    " ended_at = ?5, reason = ?6, ended_by = ?7 WHERE id = ?1",
	[S_EVENT_INSERT] =
	    "INSERT INTO events (id, session_id, target_id, at, kind, detail)"
	    " VALUES (?6, ?1, ?2, ?3, ?4, ?5)",
	[S_SESSION_SET_ALLSTOP] = "UPDATE sessions SET allstop = ?2 WHERE id = ?1",
	[S_SESSION_SET_SIGNAL] =
	    "INSERT OR REPLACE INTO session_signals (session_id, signal, action)"
	    " VALUES (?1, ?2, ?3)",
};

/* The signals a session can set (SIGNAL_MAX of signals.h). */
#define CATALOG_SIGNALS 65

struct catalog_entry {
	int64_t id;
	char *name;
	uid_t owner;		/* schema step 7 */
	int next_ordinal;
	int allstop;
	char action[CATALOG_SIGNALS][16];	/* "": not set */
	UT_hash_handle hh_name, hh_id;
};

static double now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
		return (double)time(NULL);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Keeps SQLite's message: later calls on the handle would overwrite it. */
static int db_error(struct store *st)
{
	snprintf(st->errmsg, sizeof st->errmsg, "%s", sqlite3_errmsg(st->db));
	return -1;
}

static int bind_text(sqlite3_stmt *s, int i, const char *v)
{
	return v ? sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC)
	    : sqlite3_bind_null(s, i);
}

/* Negative (exit status, signal) and zero (ids) mean "none": NULL. */
static int bind_int_or_null(sqlite3_stmt *s, int i, int64_t v, int64_t min)
{
	return v >= min ? sqlite3_bind_int64(s, i, v) : sqlite3_bind_null(s, i);
}

/*
 * Opens the transaction if none is open. Before store_start it is also
 * where the loop hears that there is something to commit.
 */
static int write_begin(struct store *st)
{
	if (sqlite3_get_autocommit(st->db)) {
		int rc = sqlite3_step(st->stmt[S_BEGIN]);

		sqlite3_reset(st->stmt[S_BEGIN]);
		if (rc != SQLITE_DONE) {
			st->errcode = rc;
			return db_error(st);
		}
	}
	/* Writes made before a hook is set still get it called, once set. */
	if (!st->threaded && !st->hook_called && st->dirty_hook) {
		st->hook_called = 1;
		st->dirty_hook(st->dirty_arg);
	}
	return 0;
}

/* --- opening */

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* The single integer a query returns: 0, or -1 (see sqlite3_errmsg). */
static int query_int(sqlite3 *db, const char *sql, long long *value)
{
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);

	if (rc != SQLITE_OK)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*value = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

/*
 * Decides, by reading only, whether the database at path may be used:
 * SQLite's own header check (SQLITE_NOTADB) on the first read, then whose
 * it is and how new its schema is. *version is its user_version.
 */
static int check_ownership(sqlite3 *db, const char *path, long long *version,
    char *err, size_t errlen)
{
	long long app_id, tables;

	/* The first read is where SQLite checks the file's header. */
	if (query_int(db, "PRAGMA user_version", version) < 0) {
		if (sqlite3_errcode(db) == SQLITE_NOTADB)
			set_err(err, errlen, "%s: not a SQLite database", path);
		else
			set_err(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
		return -1;
	}
	if (query_int(db, "PRAGMA application_id", &app_id) < 0 ||
	    query_int(db, "SELECT count(*) FROM sqlite_master"
	    " WHERE name NOT GLOB 'sqlite_*'", &tables) < 0) {
		set_err(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
		return -1;
	}
	if (app_id != TETHER_APPLICATION_ID &&
	    (app_id != 0 || *version != 0 || tables != 0)) {
		set_err(err, errlen, "%s: not a tether database", path);
		return -1;
	}
	if (*version > schema_step_count) {
		set_err(err, errlen, "%s: schema version %lld is newer than this "
		    "tetherd knows (%d)", path, *version, schema_step_count);
		return -1;
	}
	return 0;
}

/* Runs one schema step in its own transaction, user_version with it. */
static int apply_step(sqlite3 *db, int step, char *err, size_t errlen)
{
	char pragmas[96];
	int ok;

	snprintf(pragmas, sizeof pragmas,
	    "PRAGMA user_version = %d; PRAGMA application_id = %d;",
	    step + 1, TETHER_APPLICATION_ID);
	ok = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK &&
	    sqlite3_exec(db, schema_steps[step].sql, NULL, NULL, NULL) == SQLITE_OK &&
	    sqlite3_exec(db, pragmas, NULL, NULL, NULL) == SQLITE_OK &&
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
	if (ok)
		return 0;
	set_err(err, errlen, "schema %s: %s", schema_steps[step].name,
	    sqlite3_errmsg(db));
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/*
 * The database and its directory (where SQLite keeps the -wal and -shm
 * files) must be writable; said plainly here, before SQLite would fail with
 * "unable to open database file" or fall back to reading only.
 */
static int check_writable(const char *path, char *err, size_t errlen)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	struct statvfs vfs;

	if (slash == NULL)
		snprintf(dir, sizeof dir, ".");
	else
		snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
	if ((statvfs(dir, &vfs) == 0 && (vfs.f_flag & ST_RDONLY)) ||
	    (access(path, W_OK) == -1 && errno == EROFS)) {
		set_err(err, errlen, "%s: read-only file system: tetherd needs to "
		    "write its database", path);
		return -1;
	}
	if (access(path, W_OK) == -1 && errno != ENOENT) {
		set_err(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		return -1;
	}
	if (access(dir, W_OK | X_OK) == -1) {
		set_err(err, errlen, "%s: cannot write in %s (the database's -wal and "
		    "-shm files live there): %s", path, dir, strerror(errno));
		return -1;
	}
	return 0;
}

static int is_wal(void *result, int ncol, char **values, char **names)
{
	(void)names;
	*(int *)result = ncol == 1 && values[0] && strcmp(values[0], "wal") == 0;
	return 0;
}

static int configure(sqlite3 *db)
{
	int wal = 0;

	if (sqlite3_exec(db, "PRAGMA journal_mode = WAL", is_wal, &wal, NULL) != SQLITE_OK)
		return -1;
	if (!wal)
		return -2;
	return sqlite3_exec(db, "PRAGMA synchronous = NORMAL;"
	    " PRAGMA foreign_keys = ON;", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static void finalize_all(struct store *st)
{
	int i;

	if (st->stmt == NULL)
		return;
	for (i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
}

/*
 * The database holds every user's command lines: it is its owner's alone
 * (DESIGN §6). SQLite makes the -wal and -shm files with the mode of the
 * database file; those an older version left are set too.
 */
static int
restrict_mode(const char *path, char *err, size_t errlen)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	char name[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		snprintf(name, sizeof name, "%s%s", path, suffixes[i]);
		if (chmod(name, 0600) == -1 && (i == 0 || errno != ENOENT)) {
			set_err(err, errlen, "%s: cannot make it private (mode 0600): %s",
			    name, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* --- the catalog of sessions, and the ids of new rows */

static struct catalog_entry *catalog_by_name(struct store *st, const char *name)
{
	struct catalog_entry *e;

	HASH_FIND(hh_name, st->by_name, name, strlen(name), e);
	return e;
}

static struct catalog_entry *catalog_by_id(struct store *st, int64_t id)
{
	struct catalog_entry *e;

	HASH_FIND(hh_id, st->by_id, &id, sizeof id, e);
	return e;
}

static struct catalog_entry *catalog_add(struct store *st, int64_t id,
    const char *name, uid_t owner, int next_ordinal, int allstop)
{
	struct catalog_entry *e = calloc(1, sizeof *e);

	if (e == NULL || (e->name = strdup(name)) == NULL) {
		free(e);
		return NULL;
	}
	e->id = id;
	e->owner = owner;
	e->next_ordinal = next_ordinal;
	e->allstop = allstop;
	HASH_ADD_KEYPTR(hh_name, st->by_name, e->name, strlen(e->name), e);
	HASH_ADD(hh_id, st->by_id, id, sizeof e->id, e);
	return e;
}

static void catalog_remove(struct store *st, struct catalog_entry *e)
{
	HASH_DELETE(hh_name, st->by_name, e);
	HASH_DELETE(hh_id, st->by_id, e);
	free(e->name);
	free(e);
}

static void catalog_free(struct store *st)
{
	struct catalog_entry *e, *tmp;

	HASH_ITER(hh_id, st->by_id, e, tmp)
		catalog_remove(st, e);
}

/*
 * Reads what the loop needs to know of the database without asking it
 * again: every session (sessions.next_ordinal, schema step 3, keeps the
 * count when retention has deleted the targets with the highest
 * ordinals), their settings, and the highest row ids.
 */
static int catalog_load(struct store *st)
{
	sqlite3_stmt *s = NULL;
	struct catalog_entry *e;
	long long max;
	int rc, sig;

	if (sqlite3_prepare_v2(st->db, "SELECT s.id, s.name, max(s.next_ordinal,"
	    " ifnull((SELECT MAX(ordinal) + 1 FROM targets t"
	    " WHERE t.session_id = s.id), 0)), s.allstop, s.owner FROM sessions s",
	    -1, &s, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (catalog_add(st, sqlite3_column_int64(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    (uid_t)sqlite3_column_int64(s, 4),
		    sqlite3_column_int(s, 2), sqlite3_column_int(s, 3)) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return -1;
	if (sqlite3_prepare_v2(st->db, "SELECT session_id, signal, action"
	    " FROM session_signals", -1, &s, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		e = catalog_by_id(st, sqlite3_column_int64(s, 0));
		sig = sqlite3_column_int(s, 1);
		if (e != NULL && sig > 0 && sig < CATALOG_SIGNALS)
			snprintf(e->action[sig], sizeof e->action[sig], "%s",
			    (const char *)sqlite3_column_text(s, 2));
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return -1;
	if (query_int(st->db, "SELECT ifnull(max(id), 0) FROM sessions", &max) < 0)
		return -1;
	st->last_session_id = max;
	if (query_int(st->db, "SELECT ifnull(max(id), 0) FROM targets", &max) < 0)
		return -1;
	st->last_target_id = max;
	if (query_int(st->db, "SELECT ifnull(max(id), 0) FROM events", &max) < 0)
		return -1;
	st->last_event_id = max;
	if (query_int(st->db, "SELECT ifnull(max(id), 0) FROM triage_files", &max) < 0)
		return -1;
	st->last_triage_id = max;
	return 0;
}

int64_t store_next_triage_id(struct store *st)
{
	return ++st->last_triage_id;
}

struct store *store_open(const char *path, char *err, size_t errlen)
{
	struct store *st = calloc(1, sizeof *st);
	long long version;
	int i, rc;

	if (!st || (st->stmt = calloc(S_COUNT, sizeof *st->stmt)) == NULL) {
		free(st);
		set_err(err, errlen, "out of memory");
		return NULL;
	}
	st->efd = -1;
	if (check_writable(path, err, errlen) < 0)
		goto fail;
	/* NOMUTEX: one thread at a time uses the connection, the caller
	 * before store_start, the store's thread after. */
	rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		set_err(err, errlen, "%s: %s", path, sqlite3_errmsg(st->db));
		goto fail;
	}
	/* Nothing is written before the database is known to be ours. */
	if (sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS) != SQLITE_OK ||
	    check_ownership(st->db, path, &version, err, errlen) < 0 ||
	    restrict_mode(path, err, errlen) < 0)
		goto fail;
	/* SQLite falls back to reading only, silently, when it cannot write. */
	if (sqlite3_db_readonly(st->db, "main") == 1) {
		set_err(err, errlen, "%s: read-only (the file or its file system "
		    "cannot be written): tetherd needs to write its database", path);
		goto fail;
	}
	rc = configure(st->db);
	if (rc < 0) {
		if (rc == -2)
			set_err(err, errlen, "%s: cannot use WAL journal mode", path);
		else
			set_err(err, errlen, "%s: %s", path, sqlite3_errmsg(st->db));
		goto fail;
	}
	for (i = (int)version; i < schema_step_count; i++) {
		if (apply_step(st->db, i, err, errlen) < 0)
			goto fail;
	}
	for (i = 0; i < S_COUNT; i++) {
		if (sqlite3_prepare_v3(st->db, stmt_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &st->stmt[i], NULL) != SQLITE_OK) {
			set_err(err, errlen, "%s: %s", path, sqlite3_errmsg(st->db));
			goto fail;
		}
	}
	if (catalog_load(st) < 0) {
		set_err(err, errlen, "%s: %s", path, sqlite3_errmsg(st->db));
		goto fail;
	}
	return st;
fail:
	catalog_free(st);
	finalize_all(st);
	sqlite3_close(st->db);
	free(st->stmt);
	free(st);
	return NULL;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	store_stop(st);
	/* A failed commit is rolled back by the close: nothing to report it to. */
	store_commit(st);
	store_queue_free(st);
	catalog_free(st);
	finalize_all(st);
	sqlite3_close(st->db);
	free(st->stmt);
	free(st);
}

void store_set_dirty_hook(struct store *st, void (*hook)(void *), void *arg)
{
	st->dirty_hook = hook;
	st->dirty_arg = arg;
}

void store_set_commit_hook(struct store *st, void (*hook)(void *), void *arg)
{
	st->commit_hook = hook;
	st->commit_arg = arg;
}

void store_set_lost_hook(struct store *st, void (*hook)(void *), void *arg)
{
	st->lost_hook = hook;
	st->lost_arg = arg;
}

void store_set_done_hook(struct store *st,
    void (*hook)(void *, uint64_t, const char *), void *arg)
{
	st->done_hook = hook;
	st->done_arg = arg;
}

uint64_t store_mark(const struct store *st)
{
	return st->mark;
}

uint64_t store_committed(const struct store *st)
{
	return st->committed;
}

uint64_t store_lost_count(const struct store *st)
{
	return st->lost_total;
}

/* Sync mode: the jobs whose batch is over. */
static void run_sync_jobs(struct store *st)
{
	struct store_job_done *jobs = st->sync_jobs;
	int i, n = st->nsync_jobs;

	st->sync_jobs = NULL;
	st->nsync_jobs = 0;
	for (i = 0; i < n; i++)
		jobs[i].done(jobs[i].arg);
	free(jobs);
}

/* Commits the open transaction on the store's connection; after a
 * failure it is rolled back for certain. 0 or -1. */
int store_commit_open(struct store *st)
{
	int rc;

	if (sqlite3_get_autocommit(st->db))
		return 0;
	rc = sqlite3_step(st->stmt[S_COMMIT]);
	sqlite3_reset(st->stmt[S_COMMIT]);
	if (rc == SQLITE_DONE)
		return 0;
	st->errcode = rc;
	db_error(st);
	/* A full disk or an I/O error may or may not have rolled the
	 * transaction back: make it certain. */
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int store_commit(struct store *st)
{
	int rc;

	if (st->threaded) {
		store_flush(st);
		return 0;
	}
	/* Before hook_called is reset: its writes join the open transaction
	 * without asking the loop for another commit. */
	if (!sqlite3_get_autocommit(st->db) && st->commit_hook)
		st->commit_hook(st->commit_arg);
	/* After a failure the next write calls the hook again, so that the
	 * loop tries again. */
	st->hook_called = 0;
	st->committed = st->mark;
	rc = store_commit_open(st);
	if (rc < 0 && st->lost_hook)
		st->lost_hook(st->lost_arg);
	run_sync_jobs(st);
	return rc;
}

void store_job(struct store *st, store_job_fn run, store_done_fn done, void *arg)
{
	struct store_rec *r;
	struct store_job_done *more;

	if (st->threaded) {
		if ((r = store_queue_reserve(st, sizeof *r)) == NULL) {
			/* Never dropped: a job's done frees what it holds. */
			done(arg);
			return;
		}
		r->type = REC_JOB;
		r->run = run;
		r->done = done;
		r->arg = arg;
		return;
	}
	st->mark++;
	run(st, arg);
	more = reallocarray(st->sync_jobs, st->nsync_jobs + 1, sizeof *more);
	if (more == NULL) {
		done(arg);
		return;
	}
	st->sync_jobs = more;
	more[st->nsync_jobs++] = (struct store_job_done){ done, arg };
}

const char *store_errmsg(struct store *st)
{
	/* The connection's messages are the thread's once it runs; the
	 * loop's writes do not fail then. */
	if (st->threaded && !pthread_equal(pthread_self(), st->thread))
		return "the store's thread reports its errors itself";
	return st->errmsg;
}

sqlite3 *store_sqlite(struct store *st)
{
	return st->db;
}

int store_write_begin(struct store *st)
{
	return write_begin(st);
}

void store_set_errmsg(struct store *st, const char *msg)
{
	snprintf(st->errmsg, sizeof st->errmsg, "%s", msg);
}

/* --- records */

const char *store_rec_text(const struct store_rec *r, int i)
{
	const char *p = (const char *)(r + 1);
	int k;

	if (r->len[i] == 0)
		return NULL;
	for (k = 0; k < i; k++)
		p += r->len[k];
	return p;
}

/*
 * A record with room for its texts, in the queue (once the thread runs) or
 * on the stack (rec_buf, before: written at once by submit). NULL: the
 * queue is full (store-thread.c has counted it and told the loop).
 */
struct rec_buf {
	struct store_rec r;
	char text[8192];
};

static struct store_rec *rec_make(struct store *st, struct rec_buf *buf,
    enum rec_type type, int ntext, const char *const *texts)
{
	size_t len[REC_TEXTS], total = 0;
	struct store_rec *r;
	char *p;
	int i;

	for (i = 0; i < ntext; i++)
		total += len[i] = texts[i] != NULL ? strlen(texts[i]) + 1 : 0;
	if (st->threaded)
		r = store_queue_reserve(st, sizeof *r + total);
	else if (total <= sizeof buf->text)
		r = &buf->r;
	else
		r = malloc(sizeof *r + total);
	if (r == NULL)
		return NULL;
	/* A queued record comes cleared, its size set. */
	if (!st->threaded)
		memset(r, 0, sizeof *r);
	r->type = type;
	r->ntext = ntext;
	p = (char *)(r + 1);
	for (i = 0; i < ntext; i++) {
		r->len[i] = len[i];
		memcpy(p, texts[i] != NULL ? texts[i] : "", len[i]);
		p += len[i];
	}
	return r;
}

/*
 * The record is complete: queued, it is the thread's; before store_start
 * it is written now (and freed when it was too long for buf).
 */
static int submit(struct store *st, struct rec_buf *buf, struct store_rec *r)
{
	int rc;

	/* Queued, or refused: a loss, counted and told (store-thread.c),
	 * and written again by the resync. */
	if (st->threaded)
		return 0;
	if (r == NULL) {
		store_set_errmsg(st, "out of memory");
		return -1;
	}
	st->mark++;
	rc = write_begin(st) < 0 ? -1 : store_apply(st, r);
	if (r != &buf->r)
		free(r);
	return rc;
}

/* Runs a statement that returns no rows, then readies it for reuse. */
static int run(struct store *st, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		st->errcode = rc;
		return db_error(st);
	}
	return 0;
}

/* A binding failed: the statement was not run. */
static int bind_error(struct store *st, sqlite3_stmt *s)
{
	st->errcode = SQLITE_RANGE;
	db_error(st);
	sqlite3_reset(s);
	return -1;
}

int store_apply(struct store *st, const struct store_rec *r)
{
	sqlite3_stmt *s;
	int ok;

	switch (r->type) {
	case REC_SESSION_INSERT:
		s = st->stmt[S_SESSION_INSERT];
		ok = sqlite3_bind_int64(s, 1, r->a) == SQLITE_OK &&
		    bind_text(s, 2, store_rec_text(r, 0)) == SQLITE_OK &&
		    sqlite3_bind_double(s, 3, r->x) == SQLITE_OK &&
		    sqlite3_bind_int64(s, 4, (uint32_t)r->n[0]) == SQLITE_OK;
		break;
	case REC_TARGET_INSERT:
		s = st->stmt[S_TARGET_INSERT];
		ok = sqlite3_bind_int64(s, 13, r->a) == SQLITE_OK &&
		    sqlite3_bind_int64(s, 1, r->b) == SQLITE_OK &&
		    sqlite3_bind_int(s, 2, r->n[0]) == SQLITE_OK &&
		    sqlite3_bind_int(s, 3, r->n[1]) == SQLITE_OK &&
		    sqlite3_bind_int64(s, 4, (sqlite3_int64)r->u) == SQLITE_OK &&
		    bind_text(s, 5, store_rec_text(r, 0)) == SQLITE_OK &&
		    bind_int_or_null(s, 6, r->c, 1) == SQLITE_OK &&
		    sqlite3_bind_int64(s, 7, (uint32_t)r->n[2]) == SQLITE_OK &&
		    bind_text(s, 8, store_rec_text(r, 1)) == SQLITE_OK &&
		    bind_text(s, 9, store_rec_text(r, 2)) == SQLITE_OK &&
		    bind_text(s, 10, store_rec_text(r, 3)) == SQLITE_OK &&
		    sqlite3_bind_int(s, 11, r->n[3] != 0) == SQLITE_OK &&
		    sqlite3_bind_double(s, 12, r->x) == SQLITE_OK;
		break;
	case REC_TARGET_STATE:
		s = st->stmt[S_TARGET_SET_STATE];
		ok = sqlite3_bind_int64(s, 1, r->a) == SQLITE_OK &&
		    bind_text(s, 2, store_rec_text(r, 0)) == SQLITE_OK;
		break;
	case REC_TARGET_EXE:
		s = st->stmt[S_TARGET_SET_EXE];
		ok = sqlite3_bind_int64(s, 1, r->a) == SQLITE_OK &&
		    bind_text(s, 2, store_rec_text(r, 0)) == SQLITE_OK &&
		    bind_text(s, 3, store_rec_text(r, 1)) == SQLITE_OK;
		break;
	case REC_TARGET_CHILDDBG:
	case REC_SESSION_ALLSTOP:
		s = st->stmt[r->type == REC_TARGET_CHILDDBG ?
		    S_TARGET_SET_CHILDDBG : S_SESSION_SET_ALLSTOP];
		ok = sqlite3_bind_int64(s, 1, r->a) == SQLITE_OK &&
		    sqlite3_bind_int64(s, 2, r->b != 0) == SQLITE_OK;
		break;
	case REC_TARGET_START_TIME:
		s = st->stmt[S_TARGET_SET_START_TIME];
		ok = sqlite3_bind_int64(s, 1, r->a) == SQLITE_OK &&
		    sqlite3_bind_int64(s, 2, (sqlite3_int64)r->u) == SQLITE_OK;
		break;
	case REC_TARGET_END:
		s = st->stmt[S_TARGET_END];
		ok = sqlite3_bind_int64(s, 1, r->a) == SQLITE_OK &&
		    bind_text(s, 2, store_rec_text(r, 0)) == SQLITE_OK &&
		    bind_int_or_null(s, 3, r->b, 0) == SQLITE_OK &&
		    bind_int_or_null(s, 4, r->c, 0) == SQLITE_OK &&
		    sqlite3_bind_double(s, 5, r->x) == SQLITE_OK &&
		    bind_text(s, 6, store_rec_text(r, 1)) == SQLITE_OK &&
		    bind_int_or_null(s, 7, (int64_t)r->u, 0) == SQLITE_OK;
		break;
	case REC_EVENT:
		s = st->stmt[S_EVENT_INSERT];
		ok = sqlite3_bind_int64(s, 6, r->a) == SQLITE_OK &&
		    sqlite3_bind_int64(s, 1, r->b) == SQLITE_OK &&
		    bind_int_or_null(s, 2, r->c, 1) == SQLITE_OK &&
		    sqlite3_bind_double(s, 3, r->x) == SQLITE_OK &&
		    bind_text(s, 4, store_rec_text(r, 0)) == SQLITE_OK &&
		    bind_text(s, 5, store_rec_text(r, 1)) == SQLITE_OK;
		break;
	case REC_SESSION_SIGNAL:
		s = st->stmt[S_SESSION_SET_SIGNAL];
		ok = sqlite3_bind_int64(s, 1, r->a) == SQLITE_OK &&
		    sqlite3_bind_int(s, 2, (int)r->b) == SQLITE_OK &&
		    bind_text(s, 3, store_rec_text(r, 0)) == SQLITE_OK;
		break;
	case REC_JOB:
		r->run(st, r->arg);
		return 0;
	default:
		store_set_errmsg(st, "unknown record");
		return -1;
	}
	if (!ok)
		return bind_error(st, s);
	return run(st, s);
}

/* --- sessions, targets, events */

int64_t store_session_ensure(struct store *st, const char *name, uid_t *owner,
    int *next_ordinal)
{
	struct catalog_entry *e = catalog_by_name(st, name);
	const char *texts[1] = { name };
	struct rec_buf buf;
	struct store_rec *r;
	int sig;

	if (e != NULL) {
		*next_ordinal = e->next_ordinal;
		*owner = e->owner;
		if (st->prunes == 0)
			return e->id;
		/* Retention may delete the row before it hears that the
		 * session is in use again: write it again after it. */
		r = rec_make(st, &buf, REC_SESSION_INSERT, 1, texts);
		if (r != NULL) {
			r->a = e->id;
			r->n[0] = (int32_t)e->owner;
			r->x = now();
		}
		if (submit(st, &buf, r) < 0)
			return -1;
		if (e->allstop)
			store_session_set_allstop(st, e->id, 1);
		for (sig = 1; sig < CATALOG_SIGNALS; sig++)
			if (e->action[sig][0] != '\0')
				store_session_set_signal(st, e->id, sig, e->action[sig]);
		return e->id;
	}
	r = rec_make(st, &buf, REC_SESSION_INSERT, 1, texts);
	if (r != NULL) {
		r->a = st->last_session_id + 1;
		r->n[0] = (int32_t)*owner;
		r->x = now();
	}
	if (submit(st, &buf, r) < 0)
		return -1;
	if ((e = catalog_add(st, ++st->last_session_id, name, *owner, 0, 0)) == NULL) {
		store_set_errmsg(st, "out of memory");
		return -1;
	}
	*next_ordinal = 0;
	return e->id;
}

int64_t store_session_lookup(struct store *st, const char *name, uid_t *owner)
{
	struct catalog_entry *e = catalog_by_name(st, name);

	if (e == NULL)
		return 0;
	*owner = e->owner;
	return e->id;
}

int store_session_settings(struct store *st, int64_t id, int *allstop,
    void (*signal_cb)(void *arg, int sig, const char *action), void *arg)
{
	struct catalog_entry *e = catalog_by_id(st, id);
	int sig;

	if (e == NULL) {
		store_set_errmsg(st, "no such session");
		return -1;
	}
	*allstop = e->allstop;
	for (sig = 1; sig < CATALOG_SIGNALS; sig++)
		if (e->action[sig][0] != '\0')
			signal_cb(arg, sig, e->action[sig]);
	return 0;
}

void store_prune_started(struct store *st)
{
	st->prunes++;
}

void store_prune_over(struct store *st, const int64_t *deleted, int n)
{
	struct catalog_entry *e;
	int i;

	st->prunes--;
	for (i = 0; i < n; i++)
		if ((e = catalog_by_id(st, deleted[i])) != NULL)
			catalog_remove(st, e);
}

int64_t store_target_insert(struct store *st, const struct target_row *row)
{
	const char *texts[4] = { row->how, row->exe, row->cmdline, row->state };
	struct catalog_entry *e;
	struct rec_buf buf;
	struct store_rec *r = rec_make(st, &buf, REC_TARGET_INSERT, 4, texts);

	if (r != NULL) {
		r->a = st->last_target_id + 1;
		r->b = row->session_id;
		r->c = row->parent_id;
		r->n[0] = row->ordinal;
		r->n[1] = row->pid;
		r->n[2] = (int32_t)row->uid;
		r->n[3] = row->childdbg;
		r->u = row->start_time;
		r->x = row->joined_at;
	}
	/* The id is used even when the write fails: a later record that
	 * names it fails alone. */
	st->last_target_id++;
	if (submit(st, &buf, r) < 0)
		return -1;
	if ((e = catalog_by_id(st, row->session_id)) != NULL &&
	    e->next_ordinal <= row->ordinal)
		e->next_ordinal = row->ordinal + 1;
	return st->last_target_id;
}

/* A record that names a row (a) and one number (b). */
static int write_id_num(struct store *st, enum rec_type type, int64_t id,
    int64_t num)
{
	struct rec_buf buf;
	struct store_rec *r = rec_make(st, &buf, type, 0, NULL);

	if (r != NULL) {
		r->a = id;
		r->b = num;
		r->u = (uint64_t)num;
	}
	return submit(st, &buf, r);
}

int store_target_set_state(struct store *st, int64_t id, const char *state)
{
	const char *texts[1] = { state };
	struct rec_buf buf;
	struct store_rec *r = rec_make(st, &buf, REC_TARGET_STATE, 1, texts);

	if (r != NULL)
		r->a = id;
	return submit(st, &buf, r);
}

int store_target_set_exe(struct store *st, int64_t id, const char *exe, const char *cmdline)
{
	const char *texts[2] = { exe, cmdline };
	struct rec_buf buf;
	struct store_rec *r = rec_make(st, &buf, REC_TARGET_EXE, 2, texts);

	if (r != NULL)
		r->a = id;
	return submit(st, &buf, r);
}

int store_target_set_childdbg(struct store *st, int64_t id, int childdbg)
{
	return write_id_num(st, REC_TARGET_CHILDDBG, id, childdbg != 0);
}

int store_target_set_start_time(struct store *st, int64_t id, unsigned long long start)
{
	return write_id_num(st, REC_TARGET_START_TIME, id, (int64_t)start);
}

int store_target_end(struct store *st, int64_t id, const char *state,
    const char *reason, int64_t by, int exit_code, int exit_signal, double at)
{
	const char *texts[2] = { state, reason };
	struct rec_buf buf;
	struct store_rec *r = rec_make(st, &buf, REC_TARGET_END, 2, texts);

	if (r != NULL) {
		r->a = id;
		r->b = exit_code;
		r->c = exit_signal;
		r->u = (uint64_t)by;
		r->x = at;
	}
	return submit(st, &buf, r);
}

int64_t store_event(struct store *st, int64_t session_id, int64_t target_id,
    double at, const char *kind, const char *detail)
{
	const char *texts[2] = { kind, detail };
	struct rec_buf buf;
	struct store_rec *r = rec_make(st, &buf, REC_EVENT, 2, texts);

	if (r != NULL) {
		r->a = st->last_event_id + 1;
		r->b = session_id;
		r->c = target_id;
		r->x = at;
	}
	st->last_event_id++;
	if (submit(st, &buf, r) < 0)
		return -1;
	return st->last_event_id;
}

int store_session_set_allstop(struct store *st, int64_t id, int allstop)
{
	struct catalog_entry *e = catalog_by_id(st, id);

	if (write_id_num(st, REC_SESSION_ALLSTOP, id, allstop != 0) < 0)
		return -1;
	if (e != NULL)
		e->allstop = allstop != 0;
	return 0;
}

int store_session_set_signal(struct store *st, int64_t id, int sig, const char *action)
{
	struct catalog_entry *e = catalog_by_id(st, id);
	const char *texts[1] = { action };
	struct rec_buf buf;
	struct store_rec *r = rec_make(st, &buf, REC_SESSION_SIGNAL, 1, texts);

	if (r != NULL) {
		r->a = id;
		r->b = sig;
	}
	if (submit(st, &buf, r) < 0)
		return -1;
	if (e != NULL && sig > 0 && sig < CATALOG_SIGNALS)
		snprintf(e->action[sig], sizeof e->action[sig], "%s", action);
	return 0;
}
