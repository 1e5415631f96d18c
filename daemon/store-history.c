/*
 * The store's queries that look back (see store-history.h). They are not on
 * the per-event path, so they are prepared when they run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "argv-text.h"
#include "store.h"
#include "store-history.h"

static int db_error(struct store *st)
{
	store_set_errmsg(st, sqlite3_errmsg(store_sqlite(st)));
	return -1;
}

static sqlite3_stmt *prepare(struct store *st, const char *sql)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(store_sqlite(st), sql, -1, &s, NULL) != SQLITE_OK) {
		db_error(st);
		sqlite3_finalize(s);
		return NULL;
	}
	return s;
}

static char *dup_column(sqlite3_stmt *s, int col)
{
	const char *t = (const char *)sqlite3_column_text(s, col);

	return strdup(t != NULL ? t : "");
}

/* --- live targets, for re-adoption */

/* Where the latest triage (dump) of target t left the stacks and the core. */
#define LATEST_TRIAGE_FILES \
	"json_extract(tr.detail, '$.file'), json_extract(tr.detail, '$.core')"
#define LATEST_TRIAGE_JOIN \
	"LEFT JOIN events tr ON tr.id = (SELECT MAX(id) FROM events" \
	" WHERE target_id = t.id AND kind = 'triage')"

int store_live_targets(struct store *st, struct live_target **out)
{
	sqlite3_stmt *s = prepare(st,
	    "SELECT t.id, t.session_id, s.name, t.ordinal, t.pid, t.start_time,"
	    " t.how, t.parent_id, ifnull(p.ordinal, -1), t.uid, t.exe, t.cmdline,"
	    " t.state, t.childdbg, t.joined_at, " LATEST_TRIAGE_FILES
	    " FROM targets t JOIN sessions s ON s.id = t.session_id"
	    " LEFT JOIN targets p ON p.id = t.parent_id " LATEST_TRIAGE_JOIN
	    " WHERE t.state IN ('running', 'stopped') ORDER BY t.id");
	struct live_target *list = NULL, *more, *lt;
	int n = 0, cap = 0, rc;

	*out = NULL;
	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			if ((more = reallocarray(list, cap, sizeof *list)) == NULL)
				break;
			list = more;
		}
		lt = &list[n++];
		*lt = (struct live_target){
			.id = sqlite3_column_int64(s, 0),
			.session_id = sqlite3_column_int64(s, 1),
			.session = dup_column(s, 2),
			.ordinal = sqlite3_column_int(s, 3),
			.pid = sqlite3_column_int(s, 4),
			.start_time = (unsigned long long)sqlite3_column_int64(s, 5),
			.how = dup_column(s, 6),
			.parent_id = sqlite3_column_int64(s, 7),
			.parent_ordinal = sqlite3_column_int(s, 8),
			.uid = (unsigned)sqlite3_column_int64(s, 9),
			.exe = dup_column(s, 10),
			.cmdline = dup_column(s, 11),
			.state = dup_column(s, 12),
			.childdbg = sqlite3_column_int(s, 13),
			.joined_at = sqlite3_column_double(s, 14),
			.triage = sqlite3_column_type(s, 15) == SQLITE_NULL ? NULL :
			    dup_column(s, 15),
			.core = sqlite3_column_type(s, 16) == SQLITE_NULL ? NULL :
			    dup_column(s, 16),
		};
		if (!lt->session || !lt->how || !lt->exe || !lt->cmdline || !lt->state ||
		    (!lt->triage && sqlite3_column_type(s, 15) != SQLITE_NULL) ||
		    (!lt->core && sqlite3_column_type(s, 16) != SQLITE_NULL))
			break;
	}
	if (rc != SQLITE_DONE) {
		if (rc == SQLITE_ROW)
			store_set_errmsg(st, "out of memory");
		else
			db_error(st);
		sqlite3_finalize(s);
		store_live_targets_free(list, n);
		return -1;
	}
	sqlite3_finalize(s);
	*out = list;
	return n;
}

void store_live_targets_free(struct live_target *list, int count)
{
	int i;

	for (i = 0; i < count; i++) {
		free(list[i].session);
		free(list[i].how);
		free(list[i].exe);
		free(list[i].cmdline);
		free(list[i].state);
		free(list[i].triage);
		free(list[i].core);
	}
	free(list);
}

/* --- writing again what a failed commit lost */

int store_session_restore(struct store *st, int64_t id, const char *name,
    uid_t owner, double created_at)
{
	sqlite3_stmt *s = prepare(st, "INSERT OR IGNORE INTO sessions (id, name,"
	    " created_at, owner) VALUES (?1, ?2, ?3, ?4)");
	int rc;

	if (s == NULL || store_write_begin(st) < 0) {
		sqlite3_finalize(s);
		return -1;
	}
	if (sqlite3_bind_int64(s, 1, id) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_double(s, 3, created_at) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 4, (sqlite3_int64)owner) != SQLITE_OK) {
		sqlite3_finalize(s);
		return db_error(st);
	}
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : db_error(st);
}

int store_target_restore(struct store *st, int64_t id, const struct target_row *row)
{
	sqlite3_stmt *s = prepare(st,
	    "INSERT INTO targets (id, session_id, ordinal, pid, start_time, how,"
	    " parent_id, uid, exe, cmdline, state, childdbg, joined_at) VALUES"
	    " (?1, ?2, ?3, ?4, ?5, ?6, (SELECT id FROM targets WHERE id = ?7),"
	    " ?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT (id) DO UPDATE SET"
	    " exe = excluded.exe, cmdline = excluded.cmdline, state = excluded.state,"
	    " childdbg = excluded.childdbg, exit_code = NULL, exit_signal = NULL,"
	    " ended_at = NULL, reason = NULL, ended_by = NULL");
	int rc;

	if (s == NULL || store_write_begin(st) < 0) {
		sqlite3_finalize(s);
		return -1;
	}
	if (sqlite3_bind_int64(s, 1, id) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, row->session_id) != SQLITE_OK ||
	    sqlite3_bind_int(s, 3, row->ordinal) != SQLITE_OK ||
	    sqlite3_bind_int(s, 4, row->pid) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 5, (sqlite3_int64)row->start_time) != SQLITE_OK ||
	    sqlite3_bind_text(s, 6, row->how, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 7, row->parent_id) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 8, row->uid) != SQLITE_OK ||
	    sqlite3_bind_text(s, 9, row->exe, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 10, row->cmdline, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 11, row->state, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int(s, 12, row->childdbg != 0) != SQLITE_OK ||
	    sqlite3_bind_double(s, 13, row->joined_at) != SQLITE_OK) {
		sqlite3_finalize(s);
		return db_error(st);
	}
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : db_error(st);
}

/* --- JSON of rows */

static json_t *int_or_null(sqlite3_stmt *s, int col)
{
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return json_null();
	return json_integer(sqlite3_column_int64(s, col));
}

static json_t *real_or_null(sqlite3_stmt *s, int col)
{
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return json_null();
	return json_real(sqlite3_column_double(s, col));
}

int store_target_limits(struct store *st, int64_t target_id, char **limits,
    double *joined_at, double *broke_at)
{
	sqlite3_stmt *s = prepare(st,
	    "WITH RECURSIVE chain (id, depth) AS (SELECT ?1, 0 UNION ALL"
	    " SELECT t.parent_id, c.depth + 1 FROM targets t JOIN chain c ON t.id = c.id"
	    " WHERE t.parent_id IS NOT NULL AND c.depth < 1000)"
	    " SELECT (SELECT e.detail FROM chain c JOIN events e ON e.target_id = c.id"
	    "   WHERE e.kind IN ('policy', 'launch')"
	    "   AND json_extract(e.detail, '$.limits') IS NOT NULL"
	    "   ORDER BY c.depth, e.id DESC LIMIT 1),"
	    " (SELECT joined_at FROM targets WHERE id = ?1),"
	    " (SELECT max(b.at) FROM events b WHERE b.target_id = ?1"
	    "   AND b.kind = 'signal' AND json_extract(b.detail, '$.action') = 'break'"
	    "   AND NOT EXISTS (SELECT 1 FROM events c WHERE c.target_id = ?1"
	    "   AND c.kind = 'continue' AND c.id > b.id))");
	int rc;

	*limits = NULL;
	*joined_at = *broke_at = 0;
	if (s == NULL)
		return -1;
	if (sqlite3_bind_int64(s, 1, target_id) != SQLITE_OK) {
		sqlite3_finalize(s);
		return db_error(st);
	}
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sqlite3_column_type(s, 0) != SQLITE_NULL &&
		    (*limits = strdup((const char *)sqlite3_column_text(s, 0))) == NULL)
			rc = SQLITE_NOMEM;
		*joined_at = sqlite3_column_double(s, 1);
		*broke_at = sqlite3_column_double(s, 2);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW) {
		free(*limits);
		*limits = NULL;
		return rc == SQLITE_NOMEM ? (store_set_errmsg(st, "out of memory"), -1) :
		    db_error(st);
	}
	return 0;
}

static json_t *text_or_null(sqlite3_stmt *s, int col)
{
	const char *t = (const char *)sqlite3_column_text(s, col);

	return t != NULL ? json_string(t) : json_null();
}

/* The detail column: parsed back when it is JSON, else kept as a string. */
static json_t *detail_column(sqlite3_stmt *s, int col)
{
	const char *text = (const char *)sqlite3_column_text(s, col);
	json_t *v;

	if (!text)
		return json_null();
	v = json_loads(text, JSON_DECODE_ANY, NULL);
	return v ? v : json_string(text);
}

/* Runs s and collects one object per row; NULL on error. */
static json_t *collect(struct store *st, sqlite3_stmt *s,
    json_t *(*row)(sqlite3_stmt *))
{
	json_t *list = json_array();
	int rc = SQLITE_NOMEM;

	if (list != NULL) {
		while ((rc = sqlite3_step(s)) == SQLITE_ROW &&
		    json_array_append_new(list, row(s)) == 0)
			;
	}
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(s);
		return list;
	}
	if (rc == SQLITE_ROW || rc == SQLITE_NOMEM)
		store_set_errmsg(st, "out of memory");
	else
		db_error(st);
	sqlite3_finalize(s);
	json_decref(list);
	return NULL;
}

/* --- history */

static json_t *history_json(sqlite3_stmt *s)
{
	return json_pack("{s:i, s:i, s:s, s:o, s:o, s:o, s:I, s:b, s:s, s:o, s:o,"
	    " s:I, s:f, s:o, s:o, s:o, s:o, s:o}",
	    "ordinal", sqlite3_column_int(s, 0),
	    "pid", sqlite3_column_int(s, 1),
	    "how", (const char *)sqlite3_column_text(s, 2),
	    "name", text_or_null(s, 3),
	    "cmdline", argv_json((const char *)sqlite3_column_text(s, 4)),
	    "parent", int_or_null(s, 5),
	    "uid", (json_int_t)sqlite3_column_int64(s, 6),
	    "childdbg", sqlite3_column_int(s, 7) != 0,
	    "state", (const char *)sqlite3_column_text(s, 8),
	    "exit_code", int_or_null(s, 9),
	    "exit_signal", int_or_null(s, 10),
	    "start_time", (json_int_t)sqlite3_column_int64(s, 11),
	    "joined_at", sqlite3_column_double(s, 12),
	    "ended_at", real_or_null(s, 13),
	    "triage", text_or_null(s, 14),
	    "core", text_or_null(s, 15),
	    "reason", text_or_null(s, 16),
	    "ended_by", int_or_null(s, 17));
}

/* history_json, and what a verdict needs (history_filter.verdict). */
static json_t *verdict_json(sqlite3_stmt *s)
{
	json_t *row = history_json(s);

	if (row != NULL && (json_object_set_new(row, "signal", detail_column(s, 18)) < 0 ||
	    json_object_set_new(row, "threads", detail_column(s, 19)) < 0)) {
		json_decref(row);
		return NULL;
	}
	return row;
}

json_t *store_history(struct store *st, int64_t session_id,
    const struct history_filter *f)
{
	char sql[2048];
	sqlite3_stmt *s;

	snprintf(sql, sizeof sql,
	    "SELECT * FROM (SELECT t.ordinal, t.pid, t.how, t.exe, t.cmdline,"
	    " p.ordinal, t.uid, t.childdbg, t.state, t.exit_code, t.exit_signal,"
	    " t.start_time, t.joined_at, t.ended_at,"
	    " " LATEST_TRIAGE_FILES ", t.reason, t.ended_by%s"
	    " FROM targets t LEFT JOIN targets p ON p.id = t.parent_id "
	    LATEST_TRIAGE_JOIN
	    " WHERE t.session_id = ?1%s%s%s%s"
	    " ORDER BY t.ordinal DESC LIMIT ?6) ORDER BY 1",
	    f->verdict ? ", (SELECT detail FROM events WHERE target_id = t.id"
	    " AND kind = 'signal' ORDER BY id DESC LIMIT 1),"
	    " json_extract(tr.detail, '$.threads')" : "",
	    f->ordinal >= 0 ? " AND t.ordinal = ?2" : "",
	    f->pid >= 0 ? " AND t.pid = ?3" : "",
	    f->states != NULL ? " AND t.state IN (SELECT value FROM json_each(?4))" : "",
	    f->since > 0 ? " AND (t.ended_at IS NULL OR t.ended_at >= ?5)" : "");
	if ((s = prepare(st, sql)) == NULL)
		return NULL;
	if (sqlite3_bind_int64(s, 1, session_id) != SQLITE_OK ||
	    (f->ordinal >= 0 && sqlite3_bind_int(s, 2, f->ordinal) != SQLITE_OK) ||
	    (f->pid >= 0 && sqlite3_bind_int(s, 3, f->pid) != SQLITE_OK) ||
	    (f->states != NULL &&
	    sqlite3_bind_text(s, 4, f->states, -1, SQLITE_STATIC) != SQLITE_OK) ||
	    (f->since > 0 && sqlite3_bind_double(s, 5, f->since) != SQLITE_OK) ||
	    sqlite3_bind_int64(s, 6, f->limit > 0 ? f->limit : -1) != SQLITE_OK) {
		db_error(st);
		sqlite3_finalize(s);
		return NULL;
	}
	return collect(st, s, f->verdict ? verdict_json : history_json);
}

/* --- events */

static json_t *event_json(sqlite3_stmt *s)
{
	return json_pack("{s:I, s:f, s:s, s:o, s:o, s:o?, s:o*}",
	    "id", (json_int_t)sqlite3_column_int64(s, 0),
	    "at", sqlite3_column_double(s, 1),
	    "kind", (const char *)sqlite3_column_text(s, 2),
	    "ordinal", int_or_null(s, 3),
	    "pid", int_or_null(s, 4),
	    "detail", detail_column(s, 5),
	    "cmdline", argv_json((const char *)sqlite3_column_text(s, 6)));
}

json_t *store_events_query(struct store *st, int64_t session_id,
    const struct event_filter *f)
{
	char sql[1024], who[160] = "";
	sqlite3_stmt *s;

	/* A process filter goes through the targets first (events_target),
	 * not through every event of the session. */
	if (f->ordinal >= 0 || f->pid >= 0)
		snprintf(who, sizeof who, " AND e.target_id IN (SELECT id FROM"
		    " targets WHERE session_id = ?1%s%s)",
		    f->ordinal >= 0 ? " AND ordinal = ?2" : "",
		    f->pid >= 0 ? " AND pid = ?3" : "");
	snprintf(sql, sizeof sql,
	    "SELECT * FROM (SELECT e.id, e.at, e.kind, t.ordinal, t.pid, e.detail,"
	    " t.cmdline"
	    " FROM events e LEFT JOIN targets t ON t.id = e.target_id"
	    " WHERE e.session_id = ?1%s%s%s%s%s"
	    " ORDER BY e.id DESC LIMIT ?8) ORDER BY id",
	    who,
	    f->kinds != NULL ? " AND e.kind IN (SELECT value FROM json_each(?4))" : "",
	    f->since > 0 ? " AND e.at >= ?5" : "",
	    f->until > 0 ? " AND e.at < ?6" : "",
	    f->after_id > 0 ? " AND e.id > ?7" : "");
	if ((s = prepare(st, sql)) == NULL)
		return NULL;
	if (sqlite3_bind_int64(s, 1, session_id) != SQLITE_OK ||
	    (f->ordinal >= 0 && sqlite3_bind_int(s, 2, f->ordinal) != SQLITE_OK) ||
	    (f->pid >= 0 && sqlite3_bind_int(s, 3, f->pid) != SQLITE_OK) ||
	    (f->kinds != NULL &&
	    sqlite3_bind_text(s, 4, f->kinds, -1, SQLITE_STATIC) != SQLITE_OK) ||
	    (f->since > 0 && sqlite3_bind_double(s, 5, f->since) != SQLITE_OK) ||
	    (f->until > 0 && sqlite3_bind_double(s, 6, f->until) != SQLITE_OK) ||
	    (f->after_id > 0 && sqlite3_bind_int64(s, 7, f->after_id) != SQLITE_OK) ||
	    sqlite3_bind_int64(s, 8, f->limit > 0 ? f->limit : -1) != SQLITE_OK) {
		db_error(st);
		sqlite3_finalize(s);
		return NULL;
	}
	return collect(st, s, event_json);
}

/* --- retention */

/* Runs a statement with (cutoff, limit) bound; rows changed, or -1. */
static int run_cutoff(struct store *st, const char *sql, double cutoff, int limit)
{
	sqlite3_stmt *s = prepare(st, sql);
	int rc;

	if (s == NULL)
		return -1;
	if (sqlite3_bind_double(s, 1, cutoff) != SQLITE_OK ||
	    sqlite3_bind_int(s, 2, limit) != SQLITE_OK) {
		sqlite3_finalize(s);
		return db_error(st);
	}
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return db_error(st);
	return sqlite3_changes(store_sqlite(st));
}

/* The first column of every row of (cutoff, limit), into ids; count or -1. */
static int select_ids(struct store *st, const char *sql, double cutoff,
    int limit, int64_t *ids)
{
	sqlite3_stmt *s = prepare(st, sql);
	int n = 0, rc;

	if (s == NULL)
		return -1;
	if (sqlite3_bind_double(s, 1, cutoff) != SQLITE_OK ||
	    sqlite3_bind_int(s, 2, limit) != SQLITE_OK) {
		sqlite3_finalize(s);
		return db_error(st);
	}
	while (n < limit && (rc = sqlite3_step(s)) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(s, 0);
	if (n < limit && rc != SQLITE_DONE) {
		sqlite3_finalize(s);
		return db_error(st);
	}
	sqlite3_finalize(s);
	return n;
}

/* Runs sql with ?1 = id for each id; 0 or -1. */
static int for_each_id(struct store *st, const char *sql, const int64_t *ids, int n)
{
	sqlite3_stmt *s = prepare(st, sql);
	int i, rc = SQLITE_DONE;

	if (s == NULL)
		return -1;
	for (i = 0; i < n && rc == SQLITE_DONE; i++) {
		if (sqlite3_bind_int64(s, 1, ids[i]) != SQLITE_OK) {
			rc = SQLITE_ERROR;
			break;
		}
		rc = sqlite3_step(s);
		sqlite3_reset(s);
	}
	if (rc != SQLITE_DONE) {
		db_error(st);
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return 0;
}

int store_prune_batch(struct store *st, double cutoff, int batch,
    bool (*keep_session)(int64_t session_id, void *arg), void *arg,
    struct prune_stats *stats)
{
	struct prune_stats ps = { 0, 0, 0 };
	int64_t *ids;
	int n, i, kept;

	if (batch <= 0)
		batch = 1;
	if ((ids = calloc(batch, sizeof *ids)) == NULL) {
		store_set_errmsg(st, "out of memory");
		return -1;
	}
	if (store_write_begin(st) < 0)
		goto fail;
	/* Events of targets that ended long enough ago, oldest first. */
	if ((n = run_cutoff(st,
	    "DELETE FROM events WHERE id IN (SELECT e.id FROM targets t"
	    " JOIN events e ON e.target_id = t.id WHERE t.ended_at < ?1"
	    " ORDER BY t.ended_at, e.id LIMIT ?2)", cutoff, batch)) < 0)
		goto fail;
	ps.events = n;
	if (ps.events < batch) {
		if ((n = run_cutoff(st,
		    "DELETE FROM events WHERE id IN (SELECT id FROM events"
		    " WHERE target_id IS NULL AND at < ?1 ORDER BY at LIMIT ?2)",
		    cutoff, batch - ps.events)) < 0)
			goto fail;
		ps.events += n;
	}
	/* Targets with nothing left that refers to them. Before they go, the
	 * session keeps the count of the ordinals it gave. */
	if ((n = select_ids(st,
	    "SELECT t.id FROM targets t WHERE t.ended_at < ?1"
	    " AND NOT EXISTS (SELECT 1 FROM targets c WHERE c.parent_id = t.id)"
	    " AND NOT EXISTS (SELECT 1 FROM events e WHERE e.target_id = t.id)"
	    " ORDER BY t.ended_at LIMIT ?2", cutoff, batch, ids)) < 0)
		goto fail;
	if (n > 0 && (for_each_id(st,
	    "UPDATE sessions SET next_ordinal = max(next_ordinal, (SELECT"
	    " MAX(ordinal) + 1 FROM targets WHERE session_id = sessions.id))"
	    " WHERE id = (SELECT session_id FROM targets WHERE id = ?1)", ids, n) < 0 ||
	    for_each_id(st, "DELETE FROM targets WHERE id = ?1", ids, n) < 0))
		goto fail;
	ps.targets = n;
	/* Sessions left with nothing, that the daemon does not hold. */
	if ((n = select_ids(st,
	    "SELECT s.id FROM sessions s WHERE s.created_at < ?1"
	    " AND NOT EXISTS (SELECT 1 FROM targets t WHERE t.session_id = s.id)"
	    " AND NOT EXISTS (SELECT 1 FROM events e WHERE e.session_id = s.id)"
	    " ORDER BY s.id LIMIT ?2", cutoff, batch, ids)) < 0)
		goto fail;
	for (i = kept = 0; i < n; i++)
		if (keep_session == NULL || !keep_session(ids[i], arg))
			ids[kept++] = ids[i];
	if (kept > 0 && (for_each_id(st,
	    "DELETE FROM session_signals WHERE session_id = ?1", ids, kept) < 0 ||
	    for_each_id(st, "DELETE FROM sessions WHERE id = ?1", ids, kept) < 0))
		goto fail;
	ps.sessions = kept;
	free(ids);
	if (stats != NULL)
		*stats = ps;
	return ps.events + ps.targets + ps.sessions;
fail:
	free(ids);
	return -1;
}

int64_t store_used_bytes(struct store *st)
{
	sqlite3_stmt *s = prepare(st,
	    "SELECT (SELECT page_count FROM pragma_page_count)"
	    " - (SELECT freelist_count FROM pragma_freelist_count),"
	    " (SELECT page_size FROM pragma_page_size)");
	int64_t bytes = -1;

	if (s == NULL)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		bytes = sqlite3_column_int64(s, 0) * sqlite3_column_int64(s, 1);
	else
		db_error(st);
	sqlite3_finalize(s);
	return bytes;
}
