/*
 * The SQLite store: opening (and refusing) a database, bringing its schema
 * up to date, and the writes of the daemon, gathered into one transaction
 * per event-loop iteration.
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

/* PRAGMA application_id of a tether database: "teth" in ASCII. */
#define TETHER_APPLICATION_ID 0x74657468

/* How long a write waits for another connection (a user's sqlite3 shell). */
#define BUSY_TIMEOUT_MS 5000

enum stmt_id {
	S_BEGIN,
	S_COMMIT,
	S_SESSION_FIND,
	S_SESSION_INSERT,
	S_SESSION_NEXT_ORDINAL,
	S_TARGET_INSERT,
	S_TARGET_SET_STATE,
	S_TARGET_SET_EXE,
	S_TARGET_SET_CHILDDBG,
	S_TARGET_SET_START_TIME,
	S_TARGET_END,
	S_EVENT_INSERT,
	S_SESSION_SET_ALLSTOP,
	S_SESSION_SET_SIGNAL,
	S_SESSION_SETTINGS,
	S_COUNT
};

static const char *const stmt_sql[S_COUNT] = {
	/* IMMEDIATE: the write lock is taken here, waiting out a reader's
	 * busy spell; a deferred transaction that has read first can fail to
	 * take it later with SQLITE_BUSY and no wait. */
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	[S_SESSION_FIND] = "SELECT id, owner FROM sessions WHERE name = ?1",
	[S_SESSION_INSERT] =
	    "INSERT INTO sessions (name, created_at, owner) VALUES (?1, ?2, ?3)",
	/* sessions.next_ordinal (schema step 3) keeps the count when
	 * retention has deleted the targets with the highest ordinals. */
	[S_SESSION_NEXT_ORDINAL] =
	    "SELECT max(ifnull((SELECT MAX(ordinal) + 1 FROM targets"
	    " WHERE session_id = ?1), 0), ifnull((SELECT next_ordinal"
	    " FROM sessions WHERE id = ?1), 0))",
	[S_TARGET_INSERT] =
	    "INSERT INTO targets (session_id, ordinal, pid, start_time, how,"
	    " parent_id, uid, exe, cmdline, state, childdbg, joined_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	/* A target back to a live state (re-adopted after being marked
	 * lost) has not ended. */
	[S_TARGET_SET_STATE] =
	    "UPDATE targets SET state = ?2, ended_at = CASE"
	    " WHEN ?2 IN ('running', 'stopped') THEN NULL ELSE ended_at END"
	    " WHERE id = ?1",
	[S_TARGET_SET_EXE] =
	    "UPDATE targets SET exe = ?2, cmdline = ?3 WHERE id = ?1",
	[S_TARGET_SET_CHILDDBG] =
	    "UPDATE targets SET childdbg = ?2 WHERE id = ?1",
	[S_TARGET_SET_START_TIME] =
	    "UPDATE targets SET start_time = ?2 WHERE id = ?1",
	[S_TARGET_END] =
	    "UPDATE targets SET state = ?2, exit_code = ?3, exit_signal = ?4,"
	    " ended_at = ?5 WHERE id = ?1",
	[S_EVENT_INSERT] =
	    "INSERT INTO events (session_id, target_id, at, kind, detail)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_SESSION_SET_ALLSTOP] = "UPDATE sessions SET allstop = ?2 WHERE id = ?1",
	[S_SESSION_SET_SIGNAL] =
	    "INSERT OR REPLACE INTO session_signals (session_id, signal, action)"
	    " VALUES (?1, ?2, ?3)",
	/* The stop mode first (signal NULL), then the signals set. */
	[S_SESSION_SETTINGS] =
	    "SELECT NULL, allstop FROM sessions WHERE id = ?1"
	    " UNION ALL SELECT signal, action FROM session_signals"
	    " WHERE session_id = ?1",
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmt[S_COUNT];
	void (*dirty_hook)(void *);
	void *dirty_arg;
	int hook_called;	/* for the open transaction */
	void (*commit_hook)(void *);	/* last writes before a commit */
	void *commit_arg;
	void (*lost_hook)(void *);	/* a commit failed: its writes are gone */
	void *lost_arg;
	char errmsg[256];
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

/* Runs a statement that returns no rows, then readies it for reuse. */
static int run(struct store *st, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return db_error(st);
	return 0;
}

/* A binding failed: the statement was not run. */
static int bind_error(struct store *st, sqlite3_stmt *s)
{
	db_error(st);
	sqlite3_reset(s);
	return -1;
}

/*
 * Every write goes through here first: the first write after a commit opens
 * the transaction and tells the event loop it has something to commit.
 */
static int write_begin(struct store *st)
{
	if (sqlite3_get_autocommit(st->db) && run(st, st->stmt[S_BEGIN]) < 0)
		return -1;
	/* Writes made before a hook is set still get it called, once set. */
	if (!st->hook_called && st->dirty_hook) {
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

struct store *store_open(const char *path, char *err, size_t errlen)
{
	struct store *st = calloc(1, sizeof *st);
	long long version;
	int i, rc;

	if (!st) {
		set_err(err, errlen, "out of memory");
		return NULL;
	}
	if (check_writable(path, err, errlen) < 0)
		goto fail;
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
	return st;
fail:
	finalize_all(st);
	sqlite3_close(st->db);
	free(st);
	return NULL;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	/* A failed commit is rolled back by the close: nothing to report it to. */
	store_commit(st);
	finalize_all(st);
	sqlite3_close(st->db);
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

int store_commit(struct store *st)
{
	/* Before hook_called is reset: its writes join the open transaction
	 * without asking the loop for another commit. */
	if (!sqlite3_get_autocommit(st->db) && st->commit_hook)
		st->commit_hook(st->commit_arg);
	/* After a failure the next write calls the hook again, so that the
	 * loop tries again. */
	st->hook_called = 0;
	if (sqlite3_get_autocommit(st->db))
		return 0;
	if (run(st, st->stmt[S_COMMIT]) == 0)
		return 0;
	/* A full disk or an I/O error may or may not have rolled the
	 * transaction back: make it certain, and say that its writes are
	 * lost, so that the daemon can write again what it still holds. */
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	if (st->lost_hook)
		st->lost_hook(st->lost_arg);
	return -1;
}

void store_set_lost_hook(struct store *st, void (*hook)(void *), void *arg)
{
	st->lost_hook = hook;
	st->lost_arg = arg;
}

const char *store_errmsg(struct store *st)
{
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

/* --- sessions, targets, events */

int64_t store_session_ensure(struct store *st, const char *name, uid_t *owner,
    int *next_ordinal)
{
	sqlite3_stmt *s = st->stmt[S_SESSION_FIND];
	int64_t id;
	int rc;

	if (bind_text(s, 1, name) != SQLITE_OK)
		return bind_error(st, s);
	rc = sqlite3_step(s);
	id = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	if (rc == SQLITE_ROW)
		*owner = (uid_t)sqlite3_column_int64(s, 1);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(st);
	if (id == 0) {
		s = st->stmt[S_SESSION_INSERT];
		if (write_begin(st) < 0)
			return -1;
		if (bind_text(s, 1, name) != SQLITE_OK ||
		    sqlite3_bind_double(s, 2, now()) != SQLITE_OK ||
		    sqlite3_bind_int64(s, 3, (sqlite3_int64)*owner) != SQLITE_OK)
			return bind_error(st, s);
		if (run(st, s) < 0)
			return -1;
		id = sqlite3_last_insert_rowid(st->db);
	}
	s = st->stmt[S_SESSION_NEXT_ORDINAL];
	if (sqlite3_bind_int64(s, 1, id) != SQLITE_OK)
		return bind_error(st, s);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*next_ordinal = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return db_error(st);
	return id;
}

int64_t store_target_insert(struct store *st, const struct target_row *row)
{
	sqlite3_stmt *s = st->stmt[S_TARGET_INSERT];

	if (write_begin(st) < 0)
		return -1;
	if (sqlite3_bind_int64(s, 1, row->session_id) != SQLITE_OK ||
	    sqlite3_bind_int(s, 2, row->ordinal) != SQLITE_OK ||
	    sqlite3_bind_int(s, 3, row->pid) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 4, (sqlite3_int64)row->start_time) != SQLITE_OK ||
	    bind_text(s, 5, row->how) != SQLITE_OK ||
	    bind_int_or_null(s, 6, row->parent_id, 1) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 7, row->uid) != SQLITE_OK ||
	    bind_text(s, 8, row->exe) != SQLITE_OK ||
	    bind_text(s, 9, row->cmdline) != SQLITE_OK ||
	    bind_text(s, 10, row->state) != SQLITE_OK ||
	    sqlite3_bind_int(s, 11, row->childdbg != 0) != SQLITE_OK ||
	    sqlite3_bind_double(s, 12, row->joined_at) != SQLITE_OK)
		return bind_error(st, s);
	if (run(st, s) < 0)
		return -1;
	return sqlite3_last_insert_rowid(st->db);
}

int store_target_set_state(struct store *st, int64_t id, const char *state)
{
	sqlite3_stmt *s = st->stmt[S_TARGET_SET_STATE];

	if (write_begin(st) < 0)
		return -1;
	if (sqlite3_bind_int64(s, 1, id) != SQLITE_OK ||
	    bind_text(s, 2, state) != SQLITE_OK)
		return bind_error(st, s);
	return run(st, s);
}

int store_target_set_exe(struct store *st, int64_t id, const char *exe, const char *cmdline)
{
	sqlite3_stmt *s = st->stmt[S_TARGET_SET_EXE];

	if (write_begin(st) < 0)
		return -1;
	if (sqlite3_bind_int64(s, 1, id) != SQLITE_OK ||
	    bind_text(s, 2, exe) != SQLITE_OK ||
	    bind_text(s, 3, cmdline) != SQLITE_OK)
		return bind_error(st, s);
	return run(st, s);
}

/* The UPDATE statements that set one integer column of a target row. */
static int target_set_int(struct store *st, int which, int64_t id, sqlite3_int64 value)
{
	sqlite3_stmt *s = st->stmt[which];

	if (write_begin(st) < 0)
		return -1;
	if (sqlite3_bind_int64(s, 1, id) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, value) != SQLITE_OK)
		return bind_error(st, s);
	return run(st, s);
}

int store_target_set_childdbg(struct store *st, int64_t id, int childdbg)
{
	return target_set_int(st, S_TARGET_SET_CHILDDBG, id, childdbg != 0);
}

int store_target_set_start_time(struct store *st, int64_t id, unsigned long long start)
{
	return target_set_int(st, S_TARGET_SET_START_TIME, id, (sqlite3_int64)start);
}

int store_target_end(struct store *st, int64_t id, const char *state,
    int exit_code, int exit_signal, double at)
{
	sqlite3_stmt *s = st->stmt[S_TARGET_END];

	if (write_begin(st) < 0)
		return -1;
	if (sqlite3_bind_int64(s, 1, id) != SQLITE_OK ||
	    bind_text(s, 2, state) != SQLITE_OK ||
	    bind_int_or_null(s, 3, exit_code, 0) != SQLITE_OK ||
	    bind_int_or_null(s, 4, exit_signal, 0) != SQLITE_OK ||
	    sqlite3_bind_double(s, 5, at) != SQLITE_OK)
		return bind_error(st, s);
	return run(st, s);
}

int64_t store_event(struct store *st, int64_t session_id, int64_t target_id,
    double at, const char *kind, const char *detail)
{
	sqlite3_stmt *s = st->stmt[S_EVENT_INSERT];

	if (write_begin(st) < 0)
		return -1;
	if (sqlite3_bind_int64(s, 1, session_id) != SQLITE_OK ||
	    bind_int_or_null(s, 2, target_id, 1) != SQLITE_OK ||
	    sqlite3_bind_double(s, 3, at) != SQLITE_OK ||
	    bind_text(s, 4, kind) != SQLITE_OK ||
	    bind_text(s, 5, detail) != SQLITE_OK)
		return bind_error(st, s);
	if (run(st, s) < 0)
		return -1;
	return sqlite3_last_insert_rowid(st->db);
}

int store_session_set_allstop(struct store *st, int64_t id, int allstop)
{
	sqlite3_stmt *s = st->stmt[S_SESSION_SET_ALLSTOP];

	if (write_begin(st) < 0)
		return -1;
	if (sqlite3_bind_int64(s, 1, id) != SQLITE_OK ||
	    sqlite3_bind_int(s, 2, allstop != 0) != SQLITE_OK)
		return bind_error(st, s);
	return run(st, s);
}

int store_session_set_signal(struct store *st, int64_t id, int sig, const char *action)
{
	sqlite3_stmt *s = st->stmt[S_SESSION_SET_SIGNAL];

	if (write_begin(st) < 0)
		return -1;
	if (sqlite3_bind_int64(s, 1, id) != SQLITE_OK ||
	    sqlite3_bind_int(s, 2, sig) != SQLITE_OK ||
	    bind_text(s, 3, action) != SQLITE_OK)
		return bind_error(st, s);
	return run(st, s);
}

int store_session_settings(struct store *st, int64_t id, int *allstop,
    void (*signal_cb)(void *arg, int sig, const char *action), void *arg)
{
	sqlite3_stmt *s = st->stmt[S_SESSION_SETTINGS];
	int rc;

	if (sqlite3_bind_int64(s, 1, id) != SQLITE_OK)
		return bind_error(st, s);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sqlite3_column_type(s, 0) == SQLITE_NULL)
			*allstop = sqlite3_column_int(s, 1);
		else
			signal_cb(arg, sqlite3_column_int(s, 0),
			    (const char *)sqlite3_column_text(s, 1));
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : db_error(st);
}
