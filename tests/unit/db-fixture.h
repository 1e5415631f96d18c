/* A temporary directory with a database path in it, for the store's tests. */
#ifndef TETHER_DB_FIXTURE_H
#define TETHER_DB_FIXTURE_H

struct fixture {
	char dir[256];
	char db[300];		/* DIR/tether.db, not created */
};

/* cmocka setup and teardown: the directory is made, then removed with
 * what the test left in it. */
int fixture_setup(void **state);
int fixture_teardown(void **state);

/* Runs sql on the database at path as a user's sqlite3 shell would; the
 * test fails if it does not succeed. */
void raw_exec(const char *path, const char *sql);

#endif
