/* Unit tests of ctl/alias.c: shell-friendly spellings and word joining. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "alias.h"

static void expands_to(const char *line, const char *want)
{
	char err[128] = "";
	char *got = alias_expand_line(line, err, sizeof(err));

	if (got == NULL)
		fail_msg("\"%s\": unexpected error: %s", line, err);
	assert_string_equal(got, want);
	free(got);
}

static void misused(const char *line, const char *want)
{
	char err[128] = "";
	char *got = alias_expand_line(line, err, sizeof(err));

	if (got != NULL)
		fail_msg("\"%s\": expanded to \"%s\", expected an error", line, got);
	assert_string_equal(err, want);
}

static void joins_to(int argc, char **argv, const char *want)
{
	char *got = alias_join_words(argc, argv);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_ps(void **state)
{
	(void)state;
	expands_to("ps", "|*");
	expands_to("ps 0", "|0");
	expands_to("ps 12", "|12");
	expands_to("  ps  3  ", "  |3  ");
	expands_to("ps '4'", "|4");
	expands_to("ps ~4312", "|~[4312]");
	expands_to("ps -p 4312", "|~[4312]");
	misused("ps x", "ps: unexpected argument 'x' (usage: ps [N | ~PID | -p PID])");
	misused("ps -1", "ps: unexpected argument '-1' (usage: ps [N | ~PID | -p PID])");
	misused("ps 1 2", "ps: unexpected argument '2' (usage: ps [N | ~PID | -p PID])");
}

static void test_select(void **state)
{
	(void)state;
	expands_to("select 1", "|1s");
	expands_to("select \"7\"", "|7s");
	expands_to("select ~12", "|~[12]s");
	misused("select", "select: expected an ordinal, ~PID or -p PID");
	misused("select one", "select: unexpected argument 'one' (usage: select N | ~PID | -p PID)");
	misused("select ''", "select: unexpected argument '' (usage: select N | ~PID | -p PID)");
	misused("select 1x", "select: unexpected argument '1x' (usage: select N | ~PID | -p PID)");
	misused("select 1 2", "select: unexpected argument '2' (usage: select N | ~PID | -p PID)");
	/* Too long to be an ordinal, and not cut into one. */
	misused("select 1111111111111111111111111111111111111111",
	    "select: unexpected argument '' (usage: select N | ~PID | -p PID)");
}

static void test_detach(void **state)
{
	(void)state;
	expands_to("detach", ".detach");
	expands_to("detach -n", ".detach /n");
	expands_to("detach -h", ".detach /h");
	expands_to("detach '-n'", ".detach /n");
	misused("detach /n", "detach: unexpected argument '/n' (usage: detach [N | ~PID | -p PID] [-n | -h])");
	misused("detach -x", "detach: unexpected argument '-x' (usage: detach [N | ~PID | -p PID] [-n | -h])");
	expands_to("detach 3", "|3 .detach");
	expands_to("detach -n 3", "|3 .detach /n");
	expands_to("detach ~77 -h", "|~[77] .detach /h");
	misused("detach -n -h", "detach: unexpected argument '-h' (usage: detach [N | ~PID | -p PID] [-n | -h])");
}

static void test_kill(void **state)
{
	(void)state;
	expands_to("kill", ".kill");
	expands_to("kill -n", ".kill /n");
	expands_to("kill -h", ".kill /h");
	/* A bare number is an ordinal, as everywhere; a pid is ~PID. */
	expands_to("kill 1", "|1 .kill");
	expands_to("kill 1 -n", "|1 .kill /n");
	expands_to("kill ~12345", "|~[12345] .kill");
	expands_to("kill -p 12345 -n", "|~[12345] .kill /n");
	misused("kill -9", "kill: unexpected argument '-9' (usage: kill [N | ~PID | -p PID] [-n | -h])");
	misused("kill abc", "kill: unexpected argument 'abc' (usage: kill [N | ~PID | -p PID] [-n | -h])");
	misused("kill 1 2", "kill: unexpected argument '2' (usage: kill [N | ~PID | -p PID] [-n | -h])");
	misused("kill -p", "kill: unexpected argument '-p' (usage: kill [N | ~PID | -p PID] [-n | -h])");
	misused("kill -n -h", "kill: unexpected argument '-h' (usage: kill [N | ~PID | -p PID] [-n | -h])");
}

static void test_attach(void **state)
{
	(void)state;
	expands_to("attach 4312", ".attach 4312");
	expands_to("attach ~4312", ".attach 4312");
	expands_to("attach -p 4312", ".attach 4312");
	misused("attach", "attach: expected a pid");
	misused("attach make", "attach: unexpected argument 'make' (usage: attach PID | ~PID | -p PID)");
	misused("attach 1 2", "attach: unexpected argument '2' (usage: attach PID | ~PID | -p PID)");
}

static void test_run(void **state)
{
	(void)state;
	expands_to("run /bin/true", ".create /bin/true");
	expands_to("run  sleep   100", ".create  sleep   100");
	/* The arguments keep their quoting: the daemon unquotes them. */
	expands_to("run sh -c 'echo \"hi\"'", ".create sh -c 'echo \"hi\"'");
	expands_to("run a\\ b", ".create a\\ b");
	misused("run", "run: expected a command");
	misused("run   ", "run: expected a command");
	misused("run sh -c 'echo", "run: unterminated quote");
}

static void test_childdbg(void **state)
{
	(void)state;
	expands_to("childdbg", ".childdbg");
	expands_to("childdbg 0", ".childdbg 0");
	expands_to("childdbg 1", ".childdbg 1");
	expands_to("childdbg 2", "|2 .childdbg");
	expands_to("childdbg 3 1", "|3 .childdbg 1");
	expands_to("childdbg ~40 0", "|~[40] .childdbg 0");
	misused("childdbg on", "childdbg: unexpected argument 'on' (usage: childdbg [N | ~PID | -p PID] [0 | 1])");
	misused("childdbg 1 2", "childdbg: unexpected argument '2' (usage: childdbg [N | ~PID | -p PID] [0 | 1])");
}

static void test_no_argument_aliases(void **state)
{
	(void)state;
	expands_to("go", "g");
	expands_to("threads", "~");
	expands_to("quit", "q");
	expands_to("quit -d", "qd");
	expands_to("go -h", "gh");
	expands_to("go -n", "gn");
	expands_to("break", ".breakin");
	expands_to("abandon", ".abandon");
	expands_to("abandon -n", ".abandon /n");
	expands_to("go 1", "|1 g");
	expands_to("go 1 -n", "|1 gn");
	expands_to("threads 2", "|2 ~");
	misused("go -h -n", "go: unexpected argument '-n' (usage: go [N | ~PID | -p PID] [-n | -h])");
	misused("break now", "break: unexpected argument 'now' (usage: break)");
	misused("threads all", "threads: unexpected argument 'all' (usage: threads [N | ~PID | -p PID])");
	misused("quit -n", "quit: unexpected argument '-n' (usage: quit [-d])");
	misused("quit -d -d", "quit: unexpected argument '-d' (usage: quit [-d])");
}

static void test_passthrough(void **state)
{
	(void)state;
	expands_to("", "");
	expands_to("   ", "   ");
	expands_to("|*", "|*");
	expands_to("|1s", "|1s");
	expands_to(".detach /n", ".detach /n");
	expands_to("|3 .detach /n", "|3 .detach /n");
	expands_to(".create sh -c 'x'", ".create sh -c 'x'");
	expands_to("g", "g");
	expands_to("status", "status");
	expands_to("events 5", "events 5");
	expands_to("foo bar baz", "foo bar baz");
	/* Only the first word of a command names an alias. */
	expands_to("|2 kill", "|2 kill");
	expands_to("echo ps", "echo ps");
	/* Near misses are other commands. */
	expands_to("PS", "PS");
	expands_to("psx 1", "psx 1");
	expands_to("gone", "gone");
	/* An unterminated quote is the daemon's to report when no alias is
	 * involved. */
	expands_to(".create sh -c 'x", ".create sh -c 'x");
	/* A first word too long for an alias is no alias. */
	expands_to("pspspspspspspspspspspspspspspspspspspsps 1",
	    "pspspspspspspspspspspspspspspspspspspsps 1");
}

static void test_quoted_alias_name(void **state)
{
	(void)state;
	/* The daemon unquotes words, so a quoted alias is still the alias. */
	expands_to("'go'", "g");
	expands_to("\"ps\" 1", "|1");
	expands_to("p\\s", "|*");
}

static void test_semicolons(void **state)
{
	(void)state;
	expands_to("ps;go", "|*;g");
	expands_to("ps; select 1 ; detach -n;go", "|*; |1s ; .detach /n;g");
	expands_to("|1s; kill -n; |*", "|1s; .kill /n; |*");
	expands_to(";;ps;", ";;|*;");
	expands_to("quit -d;threads", "qd;~");
	/* A misused alias anywhere fails the whole line. */
	misused("ps; select x; go", "select: unexpected argument 'x' (usage: select N | ~PID | -p PID)");
	misused("go; go; kill x", "kill: unexpected argument 'x' (usage: kill [N | ~PID | -p PID] [-n | -h])");
}

static void test_quoted_semicolons(void **state)
{
	(void)state;
	expands_to("run sh -c 'echo a; echo b'", ".create sh -c 'echo a; echo b'");
	expands_to("run sh -c 'echo a; echo b'; ps",
	    ".create sh -c 'echo a; echo b'; |*");
	expands_to("run sh -c \"a; go\"; go", ".create sh -c \"a; go\"; g");
	expands_to("run echo a\\;go; go", ".create echo a\\;go; g");
	/* A quoted ';' is no separator, so "ps" there is no command. */
	expands_to(".create sh -c 'x; ps'", ".create sh -c 'x; ps'");
	expands_to(".create sh -c \"x\\\"; ps\"; ps",
	    ".create sh -c \"x\\\"; ps\"; |*");
	expands_to(".create echo 'it''s; ps'", ".create echo 'it''s; ps'");
}

static void test_small_error_buffer(void **state)
{
	char err[8];

	(void)state;
	assert_null(alias_expand_line("select x", err, sizeof(err)));
	assert_string_equal(err, "select:");
}

static void test_join_plain(void **state)
{
	char *one[] = { "|1 .detach /n" };
	char *words[] = { "|1", ".detach", "/n" };
	char *semi[] = { "ps", ";", "go" };
	char *glued[] = { "ps;", "go" };

	(void)state;
	joins_to(0, NULL, "");
	/* A single word is a whole command line, blanks and quotes included. */
	joins_to(1, one, "|1 .detach /n");
	joins_to(3, words, "|1 .detach /n");
	joins_to(3, semi, "ps ; go");
	joins_to(2, glued, "ps; go");
}

static void test_join_quoting(void **state)
{
	char *blank[] = { "run", "sh", "-c", "echo a; echo b" };
	char *tab[] = { "run", "printf", "a\tb" };
	char *squote[] = { "run", "echo", "it's" };
	char *dquote[] = { "run", "echo", "say \"hi\"" };
	char *bslash[] = { "run", "echo", "a\\b" };
	char *empty[] = { "run", "echo", "" };
	char *newline[] = { "run", "echo", "a\nb" };

	(void)state;
	joins_to(4, blank, "run sh -c 'echo a; echo b'");
	joins_to(3, tab, "run printf 'a\tb'");
	joins_to(3, squote, "run echo 'it'\\''s'");
	joins_to(3, dquote, "run echo 'say \"hi\"'");
	joins_to(3, bslash, "run echo 'a\\b'");
	joins_to(3, empty, "run echo ''");
	joins_to(3, newline, "run echo 'a\nb'");
}

static void test_join_then_expand(void **state)
{
	char *run[] = { "run", "sh", "-c", "echo a; echo b", ";", "ps", "2" };
	char *squote[] = { "run", "echo", "it's; go" };
	char *line;

	(void)state;
	line = alias_join_words(7, run);
	assert_non_null(line);
	expands_to(line, ".create sh -c 'echo a; echo b' ; |2");
	free(line);
	line = alias_join_words(3, squote);
	assert_non_null(line);
	expands_to(line, ".create echo 'it'\\''s; go'");
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ps),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_detach),
		cmocka_unit_test(test_kill),
		cmocka_unit_test(test_attach),
		cmocka_unit_test(test_run),
		cmocka_unit_test(test_childdbg),
		cmocka_unit_test(test_no_argument_aliases),
		cmocka_unit_test(test_passthrough),
		cmocka_unit_test(test_quoted_alias_name),
		cmocka_unit_test(test_semicolons),
		cmocka_unit_test(test_quoted_semicolons),
		cmocka_unit_test(test_small_error_buffer),
		cmocka_unit_test(test_join_plain),
		cmocka_unit_test(test_join_quoting),
		cmocka_unit_test(test_join_then_expand),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
