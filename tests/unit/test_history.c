/*
 * The store's look back (store-history.h): migrations from every earlier
 * schema version, the live targets re-adoption reads, history and events
 * with filters, and retention's batch prune. Real database files.
 */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "retention.h"
#include "db-fixture.h"
#include "store.h"
#include "store-history.h"

/* The integer the query returns; -999 for a NULL or no row. */
static long long raw_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s;
	long long v = -999;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static const char *raw_text(const char *path, const char *sql)
{
	static char buf[1024];
	sqlite3 *db = NULL;
	sqlite3_stmt *s;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	snprintf(buf, sizeof buf, "(none)");
	if (sqlite3_step(s) == SQLITE_ROW)
		snprintf(buf, sizeof buf, "%s", sqlite3_column_text(s, 0) ?
		    (const char *)sqlite3_column_text(s, 0) : "(null)");
	sqlite3_finalize(s);
	sqlite3_close(db);
	return buf;
}

static struct store *open_ok(const char *path)
{
	char err[256] = "";
	struct store *st = store_open(path, err, sizeof err);

	if (!st)
		fail_msg("store_open %s: %s", path, err);
	return st;
}

/* --- migrations: a database left at every earlier version, with data */

/* The data a version-1 tether wrote: only the columns of 001. */
static const char v1_data[] =
    "INSERT INTO sessions (id, name, created_at) VALUES (1, 'default', 100.0),"
    " (2, 'farm', 101.0);"
    "INSERT INTO targets (id, session_id, ordinal, pid, start_time, how,"
    " parent_id, uid, exe, cmdline, state, childdbg, exit_code, exit_signal,"
    " joined_at, ended_at) VALUES"
    " (1, 1, 0, 4312, 777, 'attach', NULL, 1000, '/usr/bin/make', 'make -j4',"
    "  'running', 1, NULL, NULL, 110.0, NULL),"
    " (2, 1, 1, 4320, 778, 'child', 1, 1000, '/usr/bin/cc', 'cc -c a.c',"
    "  'exited', 1, 0, NULL, 111.0, 112.5),"
    " (3, 1, 2, 4321, 779, 'child', 1, 1000, '/usr/bin/cc', 'cc -c b.c',"
    "  'exited', 1, NULL, 11, 111.5, 113.0),"
    " (4, 2, 0, 5000, 880, 'create', NULL, 0, '/bin/sleep', 'sleep 9',"
    "  'lost', 0, NULL, NULL, 120.0, 130.0),"
    " (5, 2, 1, 5001, 881, 'create', NULL, 0, '/bin/hang', 'hang',"
    "  'killed', 0, NULL, 9, 121.0, 131.0),"
    " (6, 2, 2, 5002, 882, 'create', NULL, 0, '/bin/hang', 'hang',"
    "  'killed', 0, NULL, 9, 122.0, 132.0),"
    " (7, 2, 3, 5003, 883, 'create', NULL, 0, '/bin/hang', 'hang',"
    "  'detached', 0, NULL, NULL, 123.0, 133.0);"
    "INSERT INTO events (session_id, target_id, at, kind, detail) VALUES"
    " (1, 1, 110.0, 'attach', NULL), (1, 2, 111.0, 'child', '{\"parent\":0}'),"
    " (1, 2, 112.5, 'exit', '{\"code\":0}'), (1, 3, 111.5, 'child', NULL),"
    " (1, 3, 113.0, 'exit', '{\"signal\":11}'), (2, 4, 120.0, 'create', NULL),"
    " (2, 4, 130.0, 'lost', NULL), (1, NULL, 114.0, 'note', NULL),"
    " (2, 5, 131.0, 'timeout', '{\"limit\":\"on_break_timeout\",\"action\":\"kill\"}'),"
    " (2, 6, 132.0, 'timeout', '{\"limit\":\"timeout\",\"action\":\"dump\"}'),"
    " (2, 7, 133.0, 'timeout', '{\"limit\":\"timeout\",\"action\":\"detach\"}');";

/* A database as a tether of schema version `version` left it. */
static void make_old_database(const char *path, int version)
{
	char pragmas[160];
	int i;

	for (i = 0; i < version; i++)
		raw_exec(path, schema_steps[i].sql);
	snprintf(pragmas, sizeof pragmas, "PRAGMA user_version = %d;"
	    " PRAGMA application_id = %d; PRAGMA journal_mode = WAL;",
	    version, 0x74657468);
	raw_exec(path, pragmas);
	raw_exec(path, v1_data);
}

/* A database left at version `version`, brought up to date. */
static void check_migrated(const char *path, int version)
{
	struct store *st;
	int next = -1;
	uid_t owner = 0;

	st = open_ok(path);
	assert_int_equal(raw_int(path, "PRAGMA user_version"), schema_step_count);
	assert_string_equal(raw_text(path, "PRAGMA integrity_check"), "ok");
	assert_int_equal(raw_int(path, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	/* the data is all there, unchanged */
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sessions"), 2);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM targets"), 7);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM events"), 11);
	assert_string_equal(raw_text(path, "SELECT group_concat(ordinal || ':' || pid"
	    " || ':' || start_time || ':' || how || ':' || ifnull(parent_id, '-') || ':'"
	    " || state || ':' || ifnull(exit_code, '-') || ':' || ifnull(exit_signal, '-')"
	    " || ':' || childdbg || ':' || exe || ':' || cmdline, ' ') FROM"
	    " (SELECT * FROM targets ORDER BY id)"),
	    "0:4312:777:attach:-:running:-:-:1:/usr/bin/make:make -j4"
	    " 1:4320:778:child:1:exited:0:-:1:/usr/bin/cc:cc -c a.c"
	    " 2:4321:779:child:1:exited:-:11:1:/usr/bin/cc:cc -c b.c"
	    " 0:5000:880:create:-:lost:-:-:0:/bin/sleep:sleep 9"
	    " 1:5001:881:create:-:killed:-:9:0:/bin/hang:hang"
	    " 2:5002:882:create:-:killed:-:9:0:/bin/hang:hang"
	    " 3:5003:883:create:-:detached:-:-:0:/bin/hang:hang");
	assert_string_equal(raw_text(path, "SELECT group_concat(kind, ' ') FROM"
	    " (SELECT kind FROM events ORDER BY id)"),
	    "attach child exit child exit create lost note timeout timeout timeout");
	/* what later versions added, with their defaults */
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sessions WHERE allstop = 0"), 2);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM session_signals"), 0);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sessions WHERE next_ordinal = 0"), 2);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
	    " AND name IN ('targets_ended', 'targets_parent', 'events_session_only')"), 3);
	assert_string_equal(raw_text(path, "SELECT group_concat(name, ' ') FROM sqlite_master"
	    " WHERE type = 'index' AND name IN ('targets_state', 'targets_live')"), "targets_live");
	/* version 6: why each ended, from its state, exit status and the
	 * limit whose action ended it (a dump did not end the target);
	 * rows written after it (by a version-6 daemon) carry their own */
	assert_string_equal(raw_text(path, "SELECT group_concat(ifnull(reason, '-') || ':'"
	    " || ifnull(ended_by, '-'), ' ') FROM (SELECT * FROM targets ORDER BY id)"),
	    version < 6 ? "-:- exit:- crash:- lost:- break-timeout:- killed:- timeout:-" :
	    "-:- -:- -:- -:- -:- -:- -:-");
	/* version 7: the sessions it had are root's */
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sessions WHERE owner = 0"), 2);
	/* version 8: the logs of pruned created targets are noted there */
	assert_int_equal(raw_int(path, "SELECT count(*) FROM logs_removed"), 0);
	/* and the store works on it */
	assert_int_equal(store_session_ensure(st, "default", &owner, &next), 1);
	assert_int_equal(next, 3);
	assert_int_equal(store_session_ensure(st, "farm", &owner, &next), 2);
	assert_int_equal(next, 4);
	store_close(st);
}

static void test_migrations(void **state)
{
	struct fixture *fx = *state;
	int v;

	for (v = 1; v < schema_step_count; v++) {
		unlink(fx->db);
		make_old_database(fx->db, v);
		assert_int_equal(raw_int(fx->db, "PRAGMA user_version"), v);
		check_migrated(fx->db, v);
		/* opening again changes nothing */
		check_migrated(fx->db, v);
		fixture_teardown(state);
		assert_int_equal(fixture_setup(state), 0);
		fx = *state;
	}
}

/* --- helpers for the store API */

static int64_t add(struct store *st, int64_t sid, int ordinal, int pid,
    const char *how, int64_t parent, const char *state, double joined)
{
	struct target_row row = {
		.session_id = sid, .ordinal = ordinal, .pid = pid,
		.start_time = 1000 + (unsigned)pid, .how = how, .parent_id = parent,
		.uid = 1000, .exe = "/bin/x", .cmdline = "x", .state = state,
		.childdbg = 1, .joined_at = joined,
	};
	int64_t id = store_target_insert(st, &row);

	assert_true(id > 0);
	return id;
}

static void end(struct store *st, int64_t id, const char *state, int code,
    int sig, double at)
{
	const char *reason = strcmp(state, "exited") != 0 ? state : sig > 0 ? "crash" : "exit";

	assert_int_equal(store_target_end(st, id, state, reason, -1, code, sig, at), 0);
}

static void ev(struct store *st, int64_t sid, int64_t tid, double at, const char *kind)
{
	assert_true(store_event(st, sid, tid, at, kind, NULL) > 0);
}

/* --- live targets, for re-adoption */

static void test_live_targets(void **state)
{
	struct fixture *fx = *state;
	struct store *st = open_ok(fx->db);
	struct live_target *list;
	int next, n;
	uid_t owner = 0;
	int64_t a = store_session_ensure(st, "default", &owner, &next);
	int64_t b = store_session_ensure(st, "farm", &owner, &next);
	int64_t p = add(st, a, 0, 100, "attach", 0, "running", 1.0);
	int64_t c = add(st, a, 1, 101, "child", p, "stopped", 2.0);
	int64_t gone = add(st, a, 2, 102, "create", 0, "running", 3.0);

	add(st, b, 0, 200, "create", 0, "running", 4.0);
	end(st, gone, "exited", 0, -1, 5.0);
	end(st, p, "killed", -1, 9, 6.0);
	assert_int_equal(store_commit(st), 0);
	n = store_live_targets(st, &list);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, c);
	assert_string_equal(list[0].session, "default");
	assert_int_equal(list[0].session_id, a);
	assert_int_equal(list[0].ordinal, 1);
	assert_int_equal(list[0].pid, 101);
	assert_true(list[0].start_time == 1101);
	assert_string_equal(list[0].how, "child");
	assert_int_equal(list[0].parent_id, p);
	assert_int_equal(list[0].parent_ordinal, 0);
	assert_string_equal(list[0].state, "stopped");
	assert_int_equal(list[0].childdbg, 1);
	assert_string_equal(list[1].session, "farm");
	assert_int_equal(list[1].parent_id, 0);
	assert_int_equal(list[1].parent_ordinal, -1);
	store_live_targets_free(list, n);
	store_close(st);
}

/* --- history and events, with filters */

static const char *ordinals_of(json_t *list)
{
	static char buf[256];
	size_t i, len = 0;
	json_t *e;

	buf[0] = '\0';
	json_array_foreach(list, i, e)
		len += snprintf(buf + len, sizeof buf - len, "%s%lld", i ? " " : "",
		    (long long)json_integer_value(json_object_get(e, "ordinal")));
	json_decref(list);
	return buf;
}

static const char *kinds_of(json_t *list)
{
	static char buf[256];
	size_t i, len = 0;
	json_t *e;

	buf[0] = '\0';
	json_array_foreach(list, i, e)
		len += snprintf(buf + len, sizeof buf - len, "%s%s", i ? " " : "",
		    json_string_value(json_object_get(e, "kind")));
	json_decref(list);
	return buf;
}

static void test_history(void **state)
{
	struct fixture *fx = *state;
	struct store *st = open_ok(fx->db);
	struct history_filter all = { .ordinal = -1, .pid = -1 }, f;
	int next;
	uid_t owner = 0;
	int64_t a = store_session_ensure(st, "default", &owner, &next);
	int64_t other = store_session_ensure(st, "other", &owner, &next);
	int64_t t0 = add(st, a, 0, 100, "attach", 0, "running", 10.0);
	int64_t t1 = add(st, a, 1, 101, "child", t0, "running", 11.0);
	int64_t t2 = add(st, a, 2, 100, "create", 0, "running", 12.0);
	json_t *list, *t;

	add(st, other, 0, 300, "create", 0, "running", 13.0);
	end(st, t1, "exited", -1, 11, 20.0);
	end(st, t2, "lost", -1, -1, 30.0);
	assert_int_equal(store_commit(st), 0);

	list = store_history(st, a, &all);
	assert_non_null(list);
	assert_int_equal(json_array_size(list), 3);
	t = json_array_get(list, 1);
	assert_int_equal(json_integer_value(json_object_get(t, "pid")), 101);
	assert_string_equal(json_string_value(json_object_get(t, "how")), "child");
	assert_int_equal(json_integer_value(json_object_get(t, "parent")), 0);
	assert_string_equal(json_string_value(json_object_get(t, "state")), "exited");
	assert_true(json_is_null(json_object_get(t, "exit_code")));
	assert_int_equal(json_integer_value(json_object_get(t, "exit_signal")), 11);
	assert_true(json_real_value(json_object_get(t, "joined_at")) == 11.0);
	assert_true(json_real_value(json_object_get(t, "ended_at")) == 20.0);
	assert_string_equal(json_string_value(json_object_get(t, "name")), "/bin/x");
	assert_int_equal(json_integer_value(json_object_get(t, "start_time")), 1101);
	assert_true(json_is_null(json_object_get(json_array_get(list, 0), "ended_at")));
	assert_true(json_is_null(json_object_get(json_array_get(list, 0), "parent")));
	json_decref(list);

	f = all;
	f.pid = 100;		/* a pid that two targets had */
	assert_string_equal(ordinals_of(store_history(st, a, &f)), "0 2");
	f = all;
	f.ordinal = 1;
	assert_string_equal(ordinals_of(store_history(st, a, &f)), "1");
	f = all;
	f.states = "[\"lost\",\"exited\"]";
	assert_string_equal(ordinals_of(store_history(st, a, &f)), "1 2");
	f = all;
	f.since = 25.0;		/* live, or ended since */
	assert_string_equal(ordinals_of(store_history(st, a, &f)), "0 2");
	f = all;
	f.limit = 2;		/* the latest two */
	assert_string_equal(ordinals_of(store_history(st, a, &f)), "1 2");
	assert_string_equal(ordinals_of(store_history(st, other + 10, &all)), "");
	store_close(st);
}

static void test_events_query(void **state)
{
	struct fixture *fx = *state;
	struct store *st = open_ok(fx->db);
	struct event_filter all = { .ordinal = -1, .pid = -1 }, f;
	int next;
	uid_t owner = 0;
	int64_t a = store_session_ensure(st, "default", &owner, &next);
	int64_t other = store_session_ensure(st, "other", &owner, &next);
	int64_t t0 = add(st, a, 0, 100, "attach", 0, "running", 10.0);
	int64_t t1 = add(st, a, 1, 101, "child", t0, "running", 11.0);
	int64_t t2 = add(st, a, 2, 100, "create", 0, "running", 12.0);
	int64_t o0 = add(st, other, 0, 101, "create", 0, "running", 12.0);
	int64_t first;
	json_t *list;

	ev(st, a, t0, 10.0, "attach");
	ev(st, a, t1, 11.0, "child");
	ev(st, other, o0, 11.5, "create");
	ev(st, a, t1, 12.0, "signal");
	ev(st, a, 0, 12.5, "note");
	ev(st, a, t2, 13.0, "create");
	ev(st, a, t1, 14.0, "exit");
	ev(st, a, t2, 15.0, "signal");
	assert_int_equal(store_commit(st), 0);

	assert_string_equal(kinds_of(store_events_query(st, a, &all)),
	    "attach child signal note create exit signal");
	f = all;
	f.ordinal = 1;
	assert_string_equal(kinds_of(store_events_query(st, a, &f)), "child signal exit");
	f = all;
	f.pid = 100;		/* |0 and |2 had pid 100; other's 101 is not ours */
	assert_string_equal(kinds_of(store_events_query(st, a, &f)), "attach create signal");
	f = all;
	f.kinds = "[\"signal\",\"exit\"]";
	assert_string_equal(kinds_of(store_events_query(st, a, &f)), "signal exit signal");
	f = all;
	f.since = 12.0;
	f.until = 14.0;
	assert_string_equal(kinds_of(store_events_query(st, a, &f)), "signal note create");
	f = all;
	f.limit = 2;
	assert_string_equal(kinds_of(store_events_query(st, a, &f)), "exit signal");
	f = all;
	f.ordinal = 1;
	f.kinds = "[\"signal\"]";
	f.since = 11.5;
	assert_string_equal(kinds_of(store_events_query(st, a, &f)), "signal");
	list = store_events_query(st, a, &all);
	first = json_integer_value(json_object_get(json_array_get(list, 0), "id"));
	assert_true(json_is_null(json_object_get(json_array_get(list, 3), "ordinal")));
	assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 1), "pid")), 101);
	json_decref(list);
	f = all;
	f.after_id = first + 2;	/* after the other session's one */
	assert_string_equal(kinds_of(store_events_query(st, a, &f)), "signal note create exit signal");
	store_close(st);
}

/* --- retention */

static bool keep_first(int64_t id, void *arg)
{
	return id == *(int64_t *)arg;
}

static void test_prune(void **state)
{
	struct fixture *fx = *state;
	struct store *st = open_ok(fx->db);
	struct prune_stats ps;
	int next, n, rounds = 0;
	uid_t owner = 0;
	int64_t a = store_session_ensure(st, "default", &owner, &next);
	int64_t old = store_session_ensure(st, "old", &owner, &next);
	int64_t live, parent, child, recent, high, o0, grand;
	int64_t used;
	int i;

	/* default: a live target whose child ended long ago (the child goes,
	 * the live one and its events stay); an old parent with an old child
	 * (both go, the child first); a recent one (stays); the highest
	 * ordinal, old (goes, but its ordinal is never given again). */
	live = add(st, a, 0, 100, "attach", 0, "running", 1.0);
	child = add(st, a, 1, 101, "child", live, "running", 2.0);
	parent = add(st, a, 2, 102, "attach", 0, "running", 3.0);
	grand = add(st, a, 3, 103, "child", parent, "running", 4.0);
	recent = add(st, a, 4, 104, "attach", 0, "running", 5.0);
	high = add(st, a, 5, 105, "attach", 0, "running", 6.0);
	end(st, child, "exited", 0, -1, 10.0);
	end(st, parent, "killed", -1, 9, 11.0);
	end(st, grand, "exited", 0, -1, 12.0);
	end(st, recent, "detached", -1, -1, 500.0);
	end(st, high, "lost", -1, -1, 13.0);
	for (i = 0; i < 7; i++) {
		ev(st, a, live, 1.0 + i, "signal");
		ev(st, a, child, 2.0 + i, "signal");
		ev(st, a, parent, 3.0 + i, "signal");
		ev(st, a, grand, 4.0 + i, "signal");
		ev(st, a, recent, 5.0 + i, "signal");
	}
	ev(st, a, 0, 20.0, "note");
	ev(st, a, 0, 600.0, "note");
	/* old: everything ended long ago, and the daemon does not hold it */
	o0 = add(st, old, 0, 200, "create", 0, "running", 1.0);
	ev(st, old, o0, 1.0, "create");
	end(st, o0, "exited", 1, -1, 14.0);
	assert_int_equal(store_commit(st), 0);
	raw_exec(fx->db, "UPDATE sessions SET created_at = 0.5");
	used = store_used_bytes(st);
	assert_true(used > 0);

	/* batches of 4 rows of each kind at most, until nothing is left */
	while ((n = store_prune_batch(st, 100.0, 4, keep_first, &a, &ps)) > 0) {
		assert_true(ps.events <= 4 && ps.targets <= 4 && ps.sessions <= 4);
		assert_int_equal(n, ps.events + ps.targets + ps.sessions);
		assert_int_equal(store_commit(st), 0);
		/* never a dangling reference, after any batch */
		assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
		assert_true(++rounds < 50);
	}
	assert_int_equal(n, 0);
	assert_true(rounds >= 6);	/* 23 events, 4 at a time */
	assert_int_equal(store_commit(st), 0);

	assert_string_equal(raw_text(fx->db, "SELECT group_concat(ordinal, ' ') FROM"
	    " (SELECT ordinal FROM targets ORDER BY ordinal)"), "0 4");
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM events WHERE target_id = 1"), 7);
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM events WHERE target_id = 5"), 7);
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM events WHERE target_id IS NULL"), 1);
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM events"), 15);
	/* the held session stays; the old one is gone, with its settings */
	assert_string_equal(raw_text(fx->db, "SELECT group_concat(name) FROM sessions"), "default");
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM sessions WHERE id = 2"), 0);
	/* ordinals are not given again */
	assert_int_equal(store_session_ensure(st, "default", &owner, &next), a);
	assert_int_equal(next, 6);
	assert_string_equal(raw_text(fx->db, "PRAGMA integrity_check"), "ok");

	/* a cutoff past everything: what ended goes, the live one stays */
	while (store_prune_batch(st, HUGE_VAL, 100, NULL, NULL, &ps) > 0)
		assert_int_equal(store_commit(st), 0);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM targets"), 1);
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM events"), 7);
	/* a session with a live target is never removed, held or not */
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM sessions"), 1);
	store_close(st);
}

/* --- the parsers of the retention settings */

static void test_retention_parse(void **state)
{
	double s;
	int64_t b;

	(void)state;
	assert_int_equal(retention_parse_age("90", &s), 0);
	assert_true(s == 90);
	assert_int_equal(retention_parse_age("15m", &s), 0);
	assert_true(s == 900);
	assert_int_equal(retention_parse_age("12h", &s), 0);
	assert_true(s == 43200);
	assert_int_equal(retention_parse_age("30d", &s), 0);
	assert_true(s == 30 * 86400);
	assert_int_equal(retention_parse_age("1.5s", &s), 0);
	assert_true(s == 1.5);
	assert_int_equal(retention_parse_age("", &s), -1);
	assert_int_equal(retention_parse_age("-1", &s), -1);
	assert_int_equal(retention_parse_age("3x", &s), -1);
	assert_int_equal(retention_parse_age("3dd", &s), -1);
	assert_int_equal(retention_parse_age("inf", &s), -1);
	assert_int_equal(retention_parse_size("4096", &b), 0);
	assert_int_equal(b, 4096);
	assert_int_equal(retention_parse_size("512K", &b), 0);
	assert_int_equal(b, 512 * 1024);
	assert_int_equal(retention_parse_size("100M", &b), 0);
	assert_int_equal(b, 100LL * 1024 * 1024);
	assert_int_equal(retention_parse_size("2g", &b), 0);
	assert_int_equal(b, 2LL * 1024 * 1024 * 1024);
	assert_int_equal(retention_parse_size("2T", &b), -1);
	assert_int_equal(retention_parse_size("M", &b), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrations, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_live_targets, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_history, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_events_query, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_prune, fixture_setup, fixture_teardown),
		cmocka_unit_test(test_retention_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
