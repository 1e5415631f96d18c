/* The triage_files table (see store-triage.h). Not on the per-event path:
 * statements are prepared when they run; the writes are jobs of the
 * store's thread (store_job). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
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

/* An insert or a delete of a row, run by the store's thread. */
struct triage_write {
	int64_t id;
	struct triage_file_row row;	/* insert; NULL kind: delete */
	char errmsg[256];
	int failed;
};

static void
triage_write_free(struct triage_write *w)
{
	free((char *)w->row.kind);
	free((char *)w->row.path);
	free((char *)w->row.compression);
	free(w);
}

static void
write_run(struct store *st, void *arg)
{
	struct triage_write *w = arg;
	sqlite3_stmt *s;

	if (store_write_begin(st) < 0)
		goto fail;
	if (w->row.kind == NULL) {
		if ((s = prepare(st, "DELETE FROM triage_files WHERE id = ?1")) == NULL)
			goto fail;
		sqlite3_bind_int64(s, 1, w->id);
	} else {
		if ((s = prepare(st, "INSERT INTO triage_files (id, target_id, kind,"
		    " path, bytes, uid, compression, created_at)"
		    " VALUES (?8, ?1, ?2, ?3, ?4, ?5, ?6, ?7)")) == NULL)
			goto fail;
		sqlite3_bind_int64(s, 1, w->row.target_id);
		sqlite3_bind_text(s, 2, w->row.kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, w->row.path, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 4, w->row.bytes);
		sqlite3_bind_int64(s, 5, w->row.uid);
		if (w->row.compression != NULL)
			sqlite3_bind_text(s, 6, w->row.compression, -1, SQLITE_STATIC);
		sqlite3_bind_double(s, 7, w->row.created_at);
		sqlite3_bind_int64(s, 8, w->id);
	}
	if (sqlite3_step(s) != SQLITE_DONE) {
		fail(st, s);
		goto fail;
	}
	sqlite3_finalize(s);
	return;
fail:
	w->failed = 1;
	snprintf(w->errmsg, sizeof w->errmsg, "%s", store_errmsg(st));
}

static void
write_done(void *arg)
{
	struct triage_write *w = arg;

	if (w->failed)
		log_warn("triage file %s: database: %s",
		    w->row.path != NULL ? w->row.path : "row", w->errmsg);
	triage_write_free(w);
}

/* The id of a new row is the loop's to give, as a target's is (store.h). */
int64_t
store_triage_add(struct store *st, const struct triage_file_row *row)
{
	struct triage_write *w = calloc(1, sizeof *w);

	if (w == NULL)
		goto nomem;
	w->row = *row;
	w->row.kind = strdup(row->kind);
	w->row.path = strdup(row->path);
	w->row.compression = row->compression != NULL ? strdup(row->compression) : NULL;
	if (w->row.kind == NULL || w->row.path == NULL ||
	    (row->compression != NULL && w->row.compression == NULL)) {
		triage_write_free(w);
		goto nomem;
	}
	w->id = store_next_triage_id(st);
	store_job(st, write_run, write_done, w);
	return w->id;
nomem:
	store_set_errmsg(st, "out of memory");
	return -1;
}

int
store_triage_remove(struct store *st, int64_t id)
{
	struct triage_write *w = calloc(1, sizeof *w);

	if (w == NULL) {
		store_set_errmsg(st, "out of memory");
		return -1;
	}
	w->id = id;
	store_job(st, write_run, write_done, w);
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

/* The paths retention left, read and forgotten by the store's thread. */
struct take_removed {
	void (*cb)(void *arg, const char *path);
	void *arg;
	char **paths;
	int n;
	char errmsg[256];
	int failed;
};

static void
take_run(struct store *st, void *arg)
{
	struct take_removed *t = arg;
	sqlite3_stmt *s;
	char **more;
	int rc;

	if ((s = prepare(st, "SELECT path FROM triage_removed ORDER BY id")) == NULL)
		goto fail;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((more = reallocarray(t->paths, t->n + 1, sizeof *more)) == NULL ||
		    (more[t->n] = strdup((const char *)sqlite3_column_text(s, 0))) == NULL) {
			if (more != NULL)
				t->paths = more;
			sqlite3_finalize(s);
			store_set_errmsg(st, "out of memory");
			goto fail;
		}
		t->paths = more;
		t->n++;
	}
	if (rc != SQLITE_DONE) {
		fail(st, s);
		goto fail;
	}
	sqlite3_finalize(s);
	if (t->n == 0)
		return;
	if (store_write_begin(st) < 0 ||
	    (s = prepare(st, "DELETE FROM triage_removed")) == NULL)
		goto fail;
	if (sqlite3_step(s) != SQLITE_DONE) {
		fail(st, s);
		goto fail;
	}
	sqlite3_finalize(s);
	return;
fail:
	t->failed = 1;
	snprintf(t->errmsg, sizeof t->errmsg, "%s", store_errmsg(st));
}

static void
take_done(void *arg)
{
	struct take_removed *t = arg;
	int i;

	if (t->failed)
		log_warn("triage files of pruned targets: %s", t->errmsg);
	else
		for (i = 0; i < t->n; i++)
			t->cb(t->arg, t->paths[i]);
	for (i = 0; i < t->n; i++)
		free(t->paths[i]);
	free(t->paths);
	free(t);
}

int
store_triage_take_removed(struct store *st,
    void (*cb)(void *arg, const char *path), void *arg)
{
	struct take_removed *t = calloc(1, sizeof *t);

	if (t == NULL) {
		store_set_errmsg(st, "out of memory");
		return -1;
	}
	t->cb = cb;
	t->arg = arg;
	store_job(st, take_run, take_done, t);
	return 0;
}
