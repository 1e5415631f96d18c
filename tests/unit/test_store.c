/*
 * The store against real database files: schema, writes read back by a
 * second connection, the dirty hook, and the files it must refuse (and
 * leave untouched).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "db-fixture.h"
#include "store.h"

/* --- reading the database the way a user's sqlite3 shell would */

static sqlite3 *raw_open(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
	    SQLITE_OK);
	return db;
}

/* The integer the query returns; -999 for a NULL. */
static long long raw_int(const char *path, const char *sql)
{
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *s;
	long long v;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_type(s, 0) == SQLITE_NULL ? -999 : sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static double raw_double(const char *path, const char *sql)
{
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *s;
	double v;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_double(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* The text the query returns, as a static copy; "(null)" for a NULL. */
static const char *raw_text(const char *path, const char *sql)
{
	static char buf[512];
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *s;
	const unsigned char *t;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	t = sqlite3_column_text(s, 0);
	snprintf(buf, sizeof buf, "%s", t ? (const char *)t : "(null)");
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

static int64_t add_target(struct store *st, int64_t session, int ordinal,
    int pid, const char *how, int64_t parent, const char *state)
{
	struct target_row row = {
		.session_id = session,
		.ordinal = ordinal,
		.pid = pid,
		.start_time = 123456789012ULL + (unsigned)pid,
		.how = how,
		.parent_id = parent,
		.uid = 1000,
		.exe = "/usr/bin/sleep",
		.cmdline = "sleep 100",
		.state = state,
		.childdbg = 0,
		.joined_at = 1700000000.25,
	};

	return store_target_insert(st, &row);
}

/* --- a new database */

static void test_new_database(void **state)
{
	struct fixture *fx = *state;
	struct store *st = open_ok(fx->db);

	assert_true(schema_step_count >= 1);
	assert_string_equal(schema_steps[0].name, "001-initial.sql");
	assert_int_equal(raw_int(fx->db, "PRAGMA user_version"), schema_step_count);
	assert_int_equal(raw_int(fx->db, "PRAGMA application_id"), 0x74657468);
	assert_string_equal(raw_text(fx->db, "PRAGMA journal_mode"), "wal");
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'table' AND name IN ('sessions', 'targets', 'events')"), 3);
	/* the public schema (DESIGN §4): every column users may query */
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM (SELECT id, name,"
	    " created_at FROM sessions)"), 0);
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM (SELECT id,"
	    " session_id, ordinal, pid, start_time, how, parent_id, uid, exe,"
	    " cmdline, state, childdbg, exit_code, exit_signal, joined_at,"
	    " ended_at FROM targets)"), 0);
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM (SELECT id,"
	    " session_id, target_id, at, kind, detail FROM events)"), 0);
	store_close(st);

	/* opening again applies nothing and keeps the version */
	st = open_ok(fx->db);
	assert_int_equal(raw_int(fx->db, "PRAGMA user_version"), schema_step_count);
	store_close(st);
}

/* An empty file is a database that has nothing yet. */
static void test_empty_file(void **state)
{
	struct fixture *fx = *state;
	FILE *f = fopen(fx->db, "w");
	struct store *st;

	assert_non_null(f);
	fclose(f);
	st = open_ok(fx->db);
	assert_int_equal(raw_int(fx->db, "PRAGMA user_version"), schema_step_count);
	store_close(st);
}

/* --- writes, read back by another connection */

static void test_write_and_read_back(void **state)
{
	struct fixture *fx = *state;
	struct store *st = open_ok(fx->db);
	int next = -1;
	uid_t owner = 0;
	int64_t sid, t0, t1, ev;

	sid = store_session_ensure(st, "default", &owner, &next);
	assert_true(sid > 0);
	assert_int_equal(next, 0);
	t0 = add_target(st, sid, 0, 4312, "attach", 0, "running");
	assert_true(t0 > 0);
	t1 = add_target(st, sid, 1, 4313, "child", t0, "stopped");
	assert_true(t1 > t0);
	ev = store_event(st, sid, t1, 1700000001.5, "signal", "{\"signal\":10}");
	assert_true(ev > 0);
	assert_true(store_event(st, sid, 0, 1700000002.0, "note", NULL) > ev);

	/* nothing is visible to others before the commit */
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM targets"), 0);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM targets"), 2);
	store_close(st);

	assert_string_equal(raw_text(fx->db, "SELECT name FROM sessions"), "default");
	assert_true(raw_double(fx->db, "SELECT created_at FROM sessions") > 1.6e9);
	assert_int_equal(raw_int(fx->db, "SELECT pid FROM targets WHERE ordinal = 0"), 4312);
	assert_int_equal(raw_int(fx->db, "SELECT start_time FROM targets WHERE ordinal = 0"),
	    123456789012LL + 4312);
	assert_string_equal(raw_text(fx->db, "SELECT how FROM targets WHERE ordinal = 0"), "attach");
	assert_int_equal(raw_int(fx->db, "SELECT parent_id FROM targets WHERE ordinal = 0"), -999);
	assert_int_equal(raw_int(fx->db, "SELECT parent_id FROM targets WHERE ordinal = 1"), t0);
	assert_string_equal(raw_text(fx->db, "SELECT how FROM targets WHERE ordinal = 1"), "child");
	assert_string_equal(raw_text(fx->db, "SELECT state FROM targets WHERE ordinal = 1"), "stopped");
	assert_int_equal(raw_int(fx->db, "SELECT uid FROM targets WHERE ordinal = 1"), 1000);
	assert_string_equal(raw_text(fx->db, "SELECT exe FROM targets WHERE ordinal = 1"), "/usr/bin/sleep");
	assert_string_equal(raw_text(fx->db, "SELECT cmdline FROM targets WHERE ordinal = 1"), "sleep 100");
	assert_int_equal(raw_int(fx->db, "SELECT childdbg FROM targets WHERE ordinal = 1"), 0);
	assert_true(raw_double(fx->db, "SELECT joined_at FROM targets WHERE ordinal = 1") == 1700000000.25);
	assert_int_equal(raw_int(fx->db, "SELECT ended_at FROM targets WHERE ordinal = 1"), -999);
	assert_int_equal(raw_int(fx->db, "SELECT session_id FROM targets WHERE ordinal = 1"), sid);
	assert_string_equal(raw_text(fx->db, "SELECT detail FROM events WHERE kind = 'signal'"),
	    "{\"signal\":10}");
	assert_int_equal(raw_int(fx->db, "SELECT target_id FROM events WHERE kind = 'signal'"), t1);
	assert_true(raw_double(fx->db, "SELECT at FROM events WHERE kind = 'signal'") == 1700000001.5);
	assert_int_equal(raw_int(fx->db, "SELECT target_id FROM events WHERE kind = 'note'"), -999);
	assert_string_equal(raw_text(fx->db, "SELECT detail FROM events WHERE kind = 'note'"), "(null)");
}

static void test_updates(void **state)
{
	struct fixture *fx = *state;
	struct store *st = open_ok(fx->db);
	int next;
	uid_t owner = 0;
	int64_t sid = store_session_ensure(st, "default", &owner, &next);
	int64_t t = add_target(st, sid, 0, 100, "create", 0, "running");

	assert_int_equal(store_target_set_state(st, t, "stopped"), 0);
	assert_int_equal(store_target_set_exe(st, t, "/bin/true", "true --version"), 0);
	assert_int_equal(store_target_set_childdbg(st, t, 1), 0);
	assert_int_equal(store_commit(st), 0);
	assert_string_equal(raw_text(fx->db, "SELECT state FROM targets"), "stopped");
	assert_string_equal(raw_text(fx->db, "SELECT exe FROM targets"), "/bin/true");
	assert_string_equal(raw_text(fx->db, "SELECT cmdline FROM targets"), "true --version");
	assert_int_equal(raw_int(fx->db, "SELECT childdbg FROM targets"), 1);
	assert_int_equal(store_target_set_childdbg(st, t, 0), 0);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(raw_int(fx->db, "SELECT childdbg FROM targets"), 0);
	store_close(st);
}

static void test_target_end(void **state)
{
	struct fixture *fx = *state;
	struct store *st = open_ok(fx->db);
	int next;
	uid_t owner = 0;
	int64_t sid = store_session_ensure(st, "default", &owner, &next);
	int64_t a = add_target(st, sid, 0, 100, "create", 0, "running");
	int64_t b = add_target(st, sid, 1, 101, "attach", 0, "stopped");
	int64_t c = add_target(st, sid, 2, 102, "attach", 0, "running");

	assert_int_equal(store_target_end(st, a, "exited", "exit", -1, 3, -1, 1700000100.5), 0);
	assert_int_equal(store_target_end(st, b, "killed", "killed", 1000, -1, 9, 1700000101.0), 0);
	assert_int_equal(store_target_end(st, c, "detached", "shutdown", -1, -1, -1, 1700000102.0), 0);
	store_close(st);

	assert_string_equal(raw_text(fx->db, "SELECT state FROM targets WHERE ordinal = 0"), "exited");
	assert_int_equal(raw_int(fx->db, "SELECT exit_code FROM targets WHERE ordinal = 0"), 3);
	assert_int_equal(raw_int(fx->db, "SELECT exit_signal FROM targets WHERE ordinal = 0"), -999);
	assert_true(raw_double(fx->db, "SELECT ended_at FROM targets WHERE ordinal = 0") == 1700000100.5);
	assert_string_equal(raw_text(fx->db, "SELECT state FROM targets WHERE ordinal = 1"), "killed");
	assert_int_equal(raw_int(fx->db, "SELECT exit_code FROM targets WHERE ordinal = 1"), -999);
	assert_int_equal(raw_int(fx->db, "SELECT exit_signal FROM targets WHERE ordinal = 1"), 9);
	assert_string_equal(raw_text(fx->db, "SELECT state FROM targets WHERE ordinal = 2"), "detached");
	assert_int_equal(raw_int(fx->db, "SELECT exit_code FROM targets WHERE ordinal = 2"), -999);
	assert_int_equal(raw_int(fx->db, "SELECT exit_signal FROM targets WHERE ordinal = 2"), -999);
	assert_true(raw_double(fx->db, "SELECT ended_at FROM targets WHERE ordinal = 2") == 1700000102.0);
	/* why each ended, and who ended it */
	assert_string_equal(raw_text(fx->db, "SELECT group_concat(reason || ':' ||"
	    " ifnull(ended_by, '-'), ' ') FROM (SELECT * FROM targets ORDER BY ordinal)"),
	    "exit:- killed:1000 shutdown:-");
}

/* --- the dirty hook: once per transaction, on the first write */

static void count_calls(void *arg)
{
	(*(int *)arg)++;
}

static void test_dirty_hook(void **state)
{
	struct fixture *fx = *state;
	struct store *st = open_ok(fx->db);
	int calls = 0, next;
	uid_t owner = 0;
	int64_t sid, t;

	store_set_dirty_hook(st, count_calls, &calls);
	/* nothing to commit: no hook, no error */
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(calls, 0);

	sid = store_session_ensure(st, "default", &owner, &next);
	assert_int_equal(calls, 1);
	t = add_target(st, sid, 0, 100, "create", 0, "running");
	assert_true(store_event(st, sid, t, 1.0, "create", NULL) > 0);
	assert_int_equal(store_target_set_state(st, t, "stopped"), 0);
	assert_int_equal(calls, 1);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(calls, 1);

	/* reading an existing session writes nothing */
	assert_int_equal(store_session_ensure(st, "default", &owner, &next), sid);
	assert_int_equal(calls, 1);
	assert_int_equal(store_commit(st), 0);

	assert_int_equal(store_target_set_state(st, t, "running"), 0);
	assert_int_equal(calls, 2);
	assert_true(store_event(st, sid, t, 2.0, "signal", "{\"signal\":2}") > 0);
	assert_int_equal(calls, 2);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(calls, 2);
	assert_int_equal(store_target_end(st, t, "lost", "lost", -1, -1, -1, 3.0), 0);
	assert_int_equal(calls, 3);
	assert_true(store_event(st, sid, t, 3.0, "lost", NULL) > 0);
	assert_int_equal(calls, 3);

	/* store_close commits what is pending */
	store_close(st);
	assert_string_equal(raw_text(fx->db, "SELECT state FROM targets"), "lost");
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM events"), 3);
}

/* Writes made before the hook is set: the hook still hears of them. */
static void test_dirty_hook_set_late(void **state)
{
	struct fixture *fx = *state;
	struct store *st = open_ok(fx->db);
	int calls = 0, next;
	uid_t owner = 0;
	int64_t sid = store_session_ensure(st, "default", &owner, &next);

	assert_true(sid > 0);
	store_set_dirty_hook(st, count_calls, &calls);
	assert_true(store_event(st, sid, 0, 1.0, "note", NULL) > 0);
	assert_int_equal(calls, 1);
	assert_true(store_event(st, sid, 0, 2.0, "note", NULL) > 0);
	assert_int_equal(calls, 1);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM events"), 2);
	store_close(st);
}

/* --- ordinals: never reused, across restarts */

static void test_next_ordinal(void **state)
{
	struct fixture *fx = *state;
	struct store *st = open_ok(fx->db);
	int next = -1;
	uid_t owner = 0;
	int64_t sid, other;

	sid = store_session_ensure(st, "default", &owner, &next);
	assert_int_equal(next, 0);
	assert_true(add_target(st, sid, 0, 100, "create", 0, "running") > 0);
	assert_true(add_target(st, sid, 1, 101, "create", 0, "running") > 0);
	assert_true(add_target(st, sid, 2, 102, "create", 0, "exited") > 0);
	other = store_session_ensure(st, "other", &owner, &next);
	assert_true(other > 0 && other != sid);
	assert_int_equal(next, 0);
	assert_true(add_target(st, other, 0, 200, "create", 0, "running") > 0);
	store_close(st);

	st = open_ok(fx->db);
	next = -1;
	assert_int_equal(store_session_ensure(st, "default", &owner, &next), sid);
	assert_int_equal(next, 3);
	assert_int_equal(store_session_ensure(st, "other", &owner, &next), other);
	assert_int_equal(next, 1);
	assert_true(store_session_ensure(st, "third", &owner, &next) > other);
	assert_int_equal(next, 0);
	store_close(st);
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM sessions"), 3);
}

/* --- a target marked lost at start, then re-adopted */

static void test_lost_then_readopted(void **state)
{
	struct fixture *fx = *state;
	struct store *st = open_ok(fx->db);
	int next;
	uid_t owner = 0;
	int64_t sid = store_session_ensure(st, "default", &owner, &next);
	int64_t a = add_target(st, sid, 0, 100, "create", 0, "running");
	int64_t b = add_target(st, sid, 1, 101, "attach", 0, "running");

	assert_int_equal(store_target_end(st, b, "exited", "exit", -1, 0, -1, 50.0), 0);
	assert_int_equal(store_target_end(st, a, "lost", "lost", -1, -1, -1, 100.5), 0);
	store_close(st);
	assert_true(raw_double(fx->db, "SELECT ended_at FROM targets WHERE ordinal = 0") == 100.5);
	assert_string_equal(raw_text(fx->db, "SELECT state FROM targets WHERE ordinal = 0"), "lost");

	/* a re-adopted target is live again and has not ended */
	st = open_ok(fx->db);
	assert_int_equal(store_target_set_state(st, a, "running"), 0);
	store_close(st);
	assert_int_equal(raw_int(fx->db, "SELECT ended_at FROM targets WHERE ordinal = 0"), -999);
	assert_string_equal(raw_text(fx->db, "SELECT state FROM targets WHERE ordinal = 0"), "running");
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM targets WHERE ordinal = 0"
	    " AND reason IS NULL AND ended_by IS NULL"), 1);
	/* an ended target is not touched */
	assert_true(raw_double(fx->db, "SELECT ended_at FROM targets WHERE ordinal = 1") == 50.0);
}

/* --- errors: reported through store_errmsg, the store stays usable */

static void test_write_errors(void **state)
{
	struct fixture *fx = *state;
	struct store *st = open_ok(fx->db);
	int next;
	uid_t owner = 0;
	int64_t sid = store_session_ensure(st, "default", &owner, &next);

	assert_true(add_target(st, sid, 0, 100, "create", 0, "running") > 0);
	/* ordinals are unique in a session */
	assert_int_equal(add_target(st, sid, 0, 101, "create", 0, "running"), -1);
	assert_non_null(strstr(store_errmsg(st), "UNIQUE"));
	/* the checks of the schema hold */
	assert_int_equal(add_target(st, sid, 1, 101, "borrow", 0, "running"), -1);
	assert_non_null(strstr(store_errmsg(st), "CHECK"));
	assert_int_equal(add_target(st, sid, 1, 101, "create", 0, "asleep"), -1);
	assert_non_null(strstr(store_errmsg(st), "CHECK"));
	/* foreign keys are on */
	assert_int_equal(add_target(st, sid + 50, 0, 101, "create", 0, "running"), -1);
	assert_non_null(strstr(store_errmsg(st), "FOREIGN KEY"));
	assert_int_equal(store_event(st, sid, 77, 1.0, "exit", NULL), -1);
	/* the good writes of the transaction survive the bad ones */
	assert_true(add_target(st, sid, 1, 101, "create", 0, "running") > 0);
	assert_int_equal(store_commit(st), 0);
	store_close(st);
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM targets"), 2);
}

/* --- refusals: the file is left exactly as it was */

struct snapshot {
	char *bytes;
	long size;
};

static struct snapshot snap(const char *path)
{
	struct snapshot s = { NULL, 0 };
	FILE *f = fopen(path, "rb");

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	s.size = ftell(f);
	rewind(f);
	s.bytes = malloc(s.size + 1);
	assert_non_null(s.bytes);
	assert_int_equal(fread(s.bytes, 1, s.size, f), (size_t)s.size);
	fclose(f);
	return s;
}

/* FNV-1a, to show the file's checksum did not move. */
static uint64_t checksum(const struct snapshot *s)
{
	uint64_t h = 1469598103934665603ULL;
	long i;

	for (i = 0; i < s->size; i++)
		h = (h ^ (unsigned char)s->bytes[i]) * 1099511628211ULL;
	return h;
}

static void only_file_in_dir(const struct fixture *fx)
{
	struct dirent *de;
	DIR *d = opendir(fx->dir);
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (strcmp(de->d_name, "tether.db") != 0)
			fail_msg("store_open left %s behind", de->d_name);
		n++;
	}
	closedir(d);
	assert_int_equal(n, 1);
}

/* store_open must fail with a message containing want, changing nothing. */
static void check_refused(const struct fixture *fx, const char *want)
{
	struct snapshot before = snap(fx->db), after;
	uint64_t sum = checksum(&before);
	char err[256] = "";
	struct store *st = store_open(fx->db, err, sizeof err);

	assert_null(st);
	if (!strstr(err, want))
		fail_msg("error '%s', want '%s'", err, want);
	assert_non_null(strstr(err, fx->db));
	after = snap(fx->db);
	assert_int_equal(after.size, before.size);
	assert_memory_equal(after.bytes, before.bytes, before.size);
	assert_true(checksum(&after) == sum);
	only_file_in_dir(fx);
	free(before.bytes);
	free(after.bytes);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static void test_refuse_not_sqlite(void **state)
{
	struct fixture *fx = *state;
	char big[8192];

	write_file(fx->db, "this is not a database\n");
	check_refused(fx, "not a SQLite database");

	/* longer than a header, and starting almost like one */
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	memcpy(big, "SQLite format 2", 15);
	write_file(fx->db, big);
	check_refused(fx, "not a SQLite database");
}

static void test_refuse_foreign_tables(void **state)
{
	struct fixture *fx = *state;

	raw_exec(fx->db, "CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT);"
	    " INSERT INTO recipes (name) VALUES ('bread');");
	check_refused(fx, "not a tether database");
	assert_int_equal(raw_int(fx->db, "PRAGMA user_version"), 0);
	assert_string_equal(raw_text(fx->db, "PRAGMA journal_mode"), "delete");
}

/* Another program's tables named like tether's are still not tether's. */
static void test_refuse_lookalike(void **state)
{
	struct fixture *fx = *state;

	raw_exec(fx->db, "CREATE TABLE sessions (id INTEGER PRIMARY KEY);");
	check_refused(fx, "not a tether database");
}

static void test_refuse_other_application(void **state)
{
	struct fixture *fx = *state;

	raw_exec(fx->db, "PRAGMA application_id = 1234; PRAGMA user_version = 1;");
	check_refused(fx, "not a tether database");
}

static void test_refuse_newer_schema(void **state)
{
	struct fixture *fx = *state;
	char sql[64];

	store_close(open_ok(fx->db));
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", schema_step_count + 1);
	raw_exec(fx->db, sql);
	check_refused(fx, "newer");
	assert_int_equal(raw_int(fx->db, "PRAGMA user_version"), schema_step_count + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_new_database, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_empty_file, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_write_and_read_back, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_updates, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_target_end, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_dirty_hook, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_dirty_hook_set_late, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_next_ordinal, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_lost_then_readopted, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_write_errors, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_refuse_not_sqlite, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_refuse_foreign_tables, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_refuse_lookalike, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_refuse_other_application, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_refuse_newer_schema, fixture_setup, fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
