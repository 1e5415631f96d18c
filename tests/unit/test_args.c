/* Unit tests of ctl/args.c: tetherctl's options before or after the command. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "args.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The words of a, joined with '|' to compare in one go. */
static const char *words(const struct ctl_args *a)
{
	static char buf[256];
	int i;

	buf[0] = '\0';
	for (i = 0; i < a->nwords; i++) {
		if (i > 0)
			strcat(buf, "|");
		strcat(buf, a->words[i]);
	}
	return buf;
}

static void test_json_before_and_after(void **state)
{
	char *before[] = { "tetherctl", "--json", "ps" };
	char *after[] = { "tetherctl", "ps", "--json" };
	struct ctl_args a, b;

	(void)state;
	assert_int_equal(args_parse(ARGC(before), before, &a), 0);
	assert_int_equal(args_parse(ARGC(after), after, &b), 0);
	assert_int_equal(a.json, 1);
	assert_int_equal(b.json, 1);
	assert_string_equal(words(&a), "ps");
	assert_string_equal(words(&b), "ps");
	args_free(&a);
	args_free(&b);
}

static void test_long_with_values(void **state)
{
	char *argv[] = { "tetherctl", "events", "--session=ci", "-k", "exit",
	    "--socket", "/tmp/s" };
	struct ctl_args a;

	(void)state;
	assert_int_equal(args_parse(ARGC(argv), argv, &a), 0);
	assert_string_equal(a.session, "ci");
	assert_string_equal(a.socket, "/tmp/s");
	/* Short options after the command are the command's. */
	assert_string_equal(words(&a), "events|-k|exit");
	args_free(&a);
}

static void test_short_before(void **state)
{
	char *argv[] = { "tetherctl", "-Sx.sock", "-s", "s1", "history", "-S",
	    "exited", "-s", "1h" };
	struct ctl_args a;

	(void)state;
	assert_int_equal(args_parse(ARGC(argv), argv, &a), 0);
	assert_string_equal(a.socket, "x.sock");
	assert_string_equal(a.session, "s1");
	assert_string_equal(words(&a), "history|-S|exited|-s|1h");
	args_free(&a);
}

static void test_command_words_kept(void **state)
{
	char *argv[] = { "tetherctl", ".kill", "/n" };
	char *dash[] = { "tetherctl", "--", "--json" };
	struct ctl_args a;

	(void)state;
	assert_int_equal(args_parse(ARGC(argv), argv, &a), 0);
	assert_string_equal(words(&a), ".kill|/n");
	args_free(&a);
	assert_int_equal(args_parse(ARGC(dash), dash, &a), 0);
	assert_int_equal(a.json, 0);
	assert_string_equal(words(&a), "--json");
	args_free(&a);
}

static void test_program_arguments(void **state)
{
	char *argv[] = { "tetherctl", "run", "-o", "ls", "--json", "-l" };
	char *next[] = { "tetherctl", "run", "ls", "--help;", "ps", "--json" };
	struct ctl_args a;

	(void)state;
	/* What follows the program is the program's. */
	assert_int_equal(args_parse(ARGC(argv), argv, &a), 0);
	assert_int_equal(a.json, 0);
	assert_string_equal(words(&a), "run|-o|ls|--json|-l");
	args_free(&a);
	/* ... up to the end of its command. */
	assert_int_equal(args_parse(ARGC(next), next, &a), 0);
	assert_int_equal(a.json, 1);
	assert_int_equal(a.help, 0);
	assert_string_equal(words(&a), "run|ls|--help;|ps");
	args_free(&a);
}

static void test_help(void **state)
{
	char *argv[] = { "tetherctl", "kill", "--help" };
	struct ctl_args a;

	(void)state;
	assert_int_equal(args_parse(ARGC(argv), argv, &a), 0);
	assert_int_equal(a.help, 1);
	assert_string_equal(words(&a), "kill");
	args_free(&a);
}

static void test_errors(void **state)
{
	char *unknown[] = { "tetherctl", "ps", "--jsno" };
	char *short_unknown[] = { "tetherctl", "-x", "ps" };
	char *missing[] = { "tetherctl", "--socket" };
	char *valued[] = { "tetherctl", "--json=1", "ps" };
	struct ctl_args a;

	(void)state;
	assert_int_equal(args_parse(ARGC(unknown), unknown, &a), 1);
	args_free(&a);
	assert_int_equal(args_parse(ARGC(short_unknown), short_unknown, &a), 1);
	args_free(&a);
	assert_int_equal(args_parse(ARGC(missing), missing, &a), 1);
	args_free(&a);
	assert_int_equal(args_parse(ARGC(valued), valued, &a), 1);
	args_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_before_and_after),
		cmocka_unit_test(test_long_with_values),
		cmocka_unit_test(test_short_before),
		cmocka_unit_test(test_command_words_kept),
		cmocka_unit_test(test_program_arguments),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
