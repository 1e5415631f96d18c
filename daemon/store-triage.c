/* The triage_files table (see store-triage.h). Not on the per-event path:
 * statements are prepared when they run. */
#include <stdlib.h>

#include <sqlite3.h>

#include "store.h"
#include "store-triage.h"

static int
fail(struct store *st, sqlite3_stmt *s)
{
	store_set_errmsg(st, sqlite3_errmsg(store_sqlite(st)));
	sqlite3_finalize(s);
	return -1;
}

static sqlite3_stmt *
prepare(struct store *st, const char *sql)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(store_sqlite(st), sql, -1, &s, NULL) != SQLITE_OK) {
		fail(st, s);
		return NULL;
	}
	return s;
}

int64_t
store_triage_add(struct store *st, const struct triage_file_row *row)
{
	sqlite3_stmt *s;

	if (store_write_begin(st) < 0 || (s = prepare(st,
	    "INSERT INTO triage_files (target_id, kind, path, bytes, uid,"
	    " compression, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, row->target_id);
	sqlite3_bind_text(s, 2, row->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, row->path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, row->bytes);
	sqlite3_bind_int64(s, 5, row->uid);
	if (row->compression != NULL)
		sqlite3_bind_text(s, 6, row->compression, -1, SQLITE_STATIC);
	sqlite3_bind_double(s, 7, row->created_at);
	if (sqlite3_step(s) != SQLITE_DONE)
		return fail(st, s);
	sqlite3_finalize(s);
	return sqlite3_last_insert_rowid(store_sqlite(st));
}

int
store_triage_remove(struct store *st, int64_t id)
{
	sqlite3_stmt *s;

	if (store_write_begin(st) < 0 ||
	    (s = prepare(st, "DELETE FROM triage_files WHERE id = ?1")) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_DONE)
		return fail(st, s);
	sqlite3_finalize(s);
	return 0;
}

int
store_triage_load(struct store *st,
    void (*cb)(void *arg, const struct triage_file_row *row), void *arg)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = prepare(st,
	    "SELECT f.id, f.target_id, f.kind, f.path, f.bytes, f.uid,"
	    " f.compression, f.created_at, se.name, t.ordinal, t.pid, t.exe,"
	    " t.cmdline"
	    " FROM triage_files f JOIN targets t ON t.id = f.target_id"
	    " JOIN sessions se ON se.id = t.session_id"
	    " ORDER BY f.created_at, f.id")) == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct triage_file_row row = {
			.id = sqlite3_column_int64(s, 0),
			.target_id = sqlite3_column_int64(s, 1),
			.kind = (const char *)sqlite3_column_text(s, 2),
			.path = (const char *)sqlite3_column_text(s, 3),
			.bytes = sqlite3_column_int64(s, 4),
			.uid = (unsigned)sqlite3_column_int64(s, 5),
			.compression = (const char *)sqlite3_column_text(s, 6),
			.created_at = sqlite3_column_double(s, 7),
			.session = (const char *)sqlite3_column_text(s, 8),
			.ordinal = sqlite3_column_int(s, 9),
			.pid = sqlite3_column_int(s, 10),
			.exe = (const char *)sqlite3_column_text(s, 11),
			.cmdline = (const char *)sqlite3_column_text(s, 12),
		};

		cb(arg, &row);
	}
	if (rc != SQLITE_DONE)
		return fail(st, s);
	sqlite3_finalize(s);
	return 0;
}

int
store_triage_take_removed(struct store *st,
    void (*cb)(void *arg, const char *path), void *arg)
{
	sqlite3_stmt *s;
	int rc, n = 0;

	if ((s = prepare(st, "SELECT path FROM triage_removed ORDER BY id")) == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		cb(arg, (const char *)sqlite3_column_text(s, 0));
		n++;
	}
	if (rc != SQLITE_DONE)
		return fail(st, s);
	sqlite3_finalize(s);
	if (n == 0)
		return 0;
	if (store_write_begin(st) < 0 ||
	    (s = prepare(st, "DELETE FROM triage_removed")) == NULL)
		return -1;
	if (sqlite3_step(s) != SQLITE_DONE)
		return fail(st, s);
	sqlite3_finalize(s);
	return 0;
}
