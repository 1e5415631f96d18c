/* Splitting command lines: identifiers, prefixes, ';', quotes, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cmdline.h"

static struct command_list parse_ok(const char *line, int count)
{
	struct command_list list = { -1, NULL };
	const char *err = NULL;
	int rc = cmdline_parse(line, &list, &err);

	if (rc != 0)
		fail_msg("'%s': %s", line, err);
	assert_int_equal(list.count, count);
	return list;
}

/* Checks one command: prefix, name, and its arguments (NULL-ended). */
static void check_command(const struct command *cmd, enum procid_kind kind,
    long value, const char *name, ...)
{
	va_list ap;
	const char *arg;
	int i = 0;

	assert_int_equal(cmd->prefix.kind, kind);
	if (kind == PROCID_ORDINAL || kind == PROCID_PID)
		assert_int_equal(cmd->prefix.value, value);
	assert_string_equal(cmd->name, name);
	assert_non_null(cmd->argv);
	va_start(ap, name);
	while ((arg = va_arg(ap, const char *)) != NULL) {
		assert_true(i < cmd->argc);
		assert_string_equal(cmd->argv[i], arg);
		i++;
	}
	va_end(ap);
	assert_int_equal(cmd->argc, i);
	assert_null(cmd->argv[cmd->argc]);
}

/* A line with one command. */
static void check_one(const char *line, enum procid_kind kind, long value,
    const char *name, const char *arg0, const char *arg1)
{
	struct command_list list = parse_ok(line, 1);

	check_command(&list.commands[0], kind, value, name, arg0, arg1, NULL);
	cmdline_free(&list);
	assert_int_equal(list.count, 0);
	assert_null(list.commands);
}

static void check_error(const char *line, const char *want)
{
	struct command_list list = { -1, NULL };
	const char *err = NULL;

	assert_int_equal(cmdline_parse(line, &list, &err), -1);
	assert_non_null(err);
	if (!strstr(err, want))
		fail_msg("'%s': got error '%s', want '%s'", line, err, want);
	assert_int_equal(list.count, 0);
	assert_null(list.commands);
}

static void test_status_identifiers(void **state)
{
	(void)state;
	check_one("|", PROCID_ALL, 0, "|", NULL, NULL);
	check_one("|*", PROCID_ALL, 0, "|", NULL, NULL);
	check_one("|.", PROCID_CURRENT, 0, "|", NULL, NULL);
	check_one("|#", PROCID_EVENT, 0, "|", NULL, NULL);
	check_one("|0", PROCID_ORDINAL, 0, "|", NULL, NULL);
	check_one("|12", PROCID_ORDINAL, 12, "|", NULL, NULL);
	check_one("|~[4312]", PROCID_PID, 4312, "|", NULL, NULL);
	check_one("  |3  ", PROCID_ORDINAL, 3, "|", NULL, NULL);
}

static void test_select(void **state)
{
	(void)state;
	check_one("|1s", PROCID_ORDINAL, 1, "|s", NULL, NULL);
	check_one("|~[4312]s", PROCID_PID, 4312, "|s", NULL, NULL);
	check_one("|.s", PROCID_CURRENT, 0, "|s", NULL, NULL);
	check_one("\t|20s\t", PROCID_ORDINAL, 20, "|s", NULL, NULL);
}

static void test_plain_commands(void **state)
{
	(void)state;
	check_one(".detach", PROCID_NONE, 0, ".detach", NULL, NULL);
	check_one(".detach /n", PROCID_NONE, 0, ".detach", "/n", NULL);
	check_one("  .kill   12345  ", PROCID_NONE, 0, ".kill", "12345", NULL);
	check_one("g", PROCID_NONE, 0, "g", NULL, NULL);
	check_one("~", PROCID_NONE, 0, "~", NULL, NULL);
	check_one("events 5", PROCID_NONE, 0, "events", "5", NULL);
	/* '|' inside a word is an ordinary character */
	check_one("g|1 a|b", PROCID_NONE, 0, "g|1", "a|b", NULL);
}

static void test_prefix(void **state)
{
	(void)state;
	check_one("|3 .detach /n", PROCID_ORDINAL, 3, ".detach", "/n", NULL);
	check_one("|. .kill", PROCID_CURRENT, 0, ".kill", NULL, NULL);
	check_one("|# g", PROCID_EVENT, 0, "g", NULL, NULL);
	check_one("|* g", PROCID_ALL, 0, "g", NULL, NULL);
	check_one("| g", PROCID_ALL, 0, "g", NULL, NULL);
	check_one("|~[77]\t.childdbg 1", PROCID_PID, 77, ".childdbg", "1", NULL);
	check_one("|3s extra", PROCID_ORDINAL, 3, "|s", "extra", NULL);
	/* a thread command needs no blank after the identifier */
	check_one("|*~*k", PROCID_ALL, 0, "~*k", NULL, NULL);
	check_one("|2~", PROCID_ORDINAL, 2, "~", NULL, NULL);
	check_one("|~[77]~*k", PROCID_PID, 77, "~*k", NULL, NULL);
}

static void test_semicolons(void **state)
{
	struct command_list list;

	(void)state;
	list = parse_ok("|1s; .detach /n ;|*", 3);
	check_command(&list.commands[0], PROCID_ORDINAL, 1, "|s", NULL);
	check_command(&list.commands[1], PROCID_NONE, 0, ".detach", "/n", NULL);
	check_command(&list.commands[2], PROCID_ALL, 0, "|", NULL);
	cmdline_free(&list);

	list = parse_ok("|2;g;|3 .kill /h", 3);
	check_command(&list.commands[0], PROCID_ORDINAL, 2, "|", NULL);
	check_command(&list.commands[1], PROCID_NONE, 0, "g", NULL);
	check_command(&list.commands[2], PROCID_ORDINAL, 3, ".kill", "/h", NULL);
	cmdline_free(&list);

	list = parse_ok("|5s;.detach", 2);
	check_command(&list.commands[0], PROCID_ORDINAL, 5, "|s", NULL);
	check_command(&list.commands[1], PROCID_NONE, 0, ".detach", NULL);
	cmdline_free(&list);
}

static void test_empty_commands(void **state)
{
	struct command_list list;

	(void)state;
	list = parse_ok("", 0);
	cmdline_free(&list);
	list = parse_ok("   \t ", 0);
	cmdline_free(&list);
	list = parse_ok(";;", 0);
	cmdline_free(&list);
	list = parse_ok(" ; ;\t;", 0);
	cmdline_free(&list);
	list = parse_ok(";g;;  ;.detach;", 2);
	check_command(&list.commands[0], PROCID_NONE, 0, "g", NULL);
	check_command(&list.commands[1], PROCID_NONE, 0, ".detach", NULL);
	cmdline_free(&list);
}

static void test_quotes(void **state)
{
	struct command_list list;

	(void)state;
	list = parse_ok(".create sh -c 'echo a; echo b'", 1);
	check_command(&list.commands[0], PROCID_NONE, 0, ".create",
	    "sh", "-c", "echo a; echo b", NULL);
	cmdline_free(&list);

	list = parse_ok(".create sh -c \"echo \\\"a\\\"; echo \\\\b\"; g", 2);
	check_command(&list.commands[0], PROCID_NONE, 0, ".create",
	    "sh", "-c", "echo \"a\"; echo \\b", NULL);
	check_command(&list.commands[1], PROCID_NONE, 0, "g", NULL);
	cmdline_free(&list);

	/* single quotes keep backslashes and double quotes as they are */
	check_one("x 'a\\b\"c'", PROCID_NONE, 0, "x", "a\\b\"c", NULL);
	/* inside double quotes, single quotes are ordinary */
	check_one("x \"it's\"", PROCID_NONE, 0, "x", "it's", NULL);
	/* a backslash outside quotes escapes blanks, ';' and quotes */
	check_one("x a\\ b\\;c \\'", PROCID_NONE, 0, "x", "a b;c", "'");
	/* quotes glue to the text around them; '' is an empty word */
	check_one("x ab'c d'\"e\"f ''", PROCID_NONE, 0, "x", "abc def", "");
	/* a quoted identifier is a word, not an identifier, and no command:
	 * not even "|" or "|s", the names of the status and select commands */
	check_error("'|1' a", "'|1': a quoted process identifier is no command");
	check_error("\\|", "'|': a quoted process identifier is no command");
	check_error("\"|s\"", "'|s': a quoted process identifier is no command");
	check_error("|2 '|'", "'|': a quoted process identifier is no command");
	check_one(".create '|' '|s'", PROCID_NONE, 0, ".create", "|", "|s");
	/* the prefix form takes quoted arguments */
	check_one("|2 .create 'a b'", PROCID_ORDINAL, 2, ".create", "a b", NULL);
}

static void test_bad_identifiers(void **state)
{
	(void)state;
	check_error("|~[abc]", "bad process identifier: ");
	check_error("|~[abc]s", "bad process identifier: ");
	check_error("|~12", "bad process identifier: ");
	check_error("|~[12", "bad process identifier: ");
	check_error("|99999999999", "bad process identifier: ");
	check_error("|-1", "bad process identifier: ");
	check_error("|x", "bad process identifier: ");
	check_error("g; |~[x]s", "bad process identifier: ");
}

static void test_text_after_identifier(void **state)
{
	(void)state;
	check_error("|1x", "'|1x': unexpected text after process identifier");
	check_error("|1x .detach", "'|1x': unexpected text after process identifier");
	check_error("|1sx", "'|1sx': unexpected text after process identifier");
	check_error("|1ss;g", "'|1ss': unexpected text after process identifier");
	check_error("|*k", "'|*k': unexpected text after process identifier");
	check_error("|~[5]]", "'|~[5]]': unexpected text after process identifier");
	check_error("g;|.x", "'|.x': unexpected text after process identifier");
	check_error("|1 |2", "process identifier");
}

static void test_unterminated(void **state)
{
	(void)state;
	check_error(".create sh -c 'echo a", "unterminated quote");
	check_error("g; x \"a; b", "unterminated quote");
	check_error("x \"a\\\"", "unterminated quote");
	check_error("x a\\", "backslash");
}

/* The error of a long word is cut, and the message stays whole. */
static void test_long_error(void **state)
{
	char line[4096];
	const char *err = NULL;
	struct command_list list;

	(void)state;
	memset(line, 'x', sizeof line - 1);
	line[0] = '|';
	line[1] = '1';
	line[sizeof line - 1] = '\0';
	assert_int_equal(cmdline_parse(line, &list, &err), -1);
	assert_non_null(strstr(err, "': unexpected text after process identifier"));
	assert_true(strlen(err) < 200);
}

/* Many commands and arguments: the arrays grow. */
static void test_many(void **state)
{
	char line[8192] = "";
	struct command_list list;
	int i;

	(void)state;
	for (i = 0; i < 300; i++)
		strcat(line, "a b c d e f;");
	list = parse_ok(line, 300);
	for (i = 0; i < 300; i++)
		check_command(&list.commands[i], PROCID_NONE, 0, "a",
		    "b", "c", "d", "e", "f", NULL);
	cmdline_free(&list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_identifiers),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_plain_commands),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_semicolons),
		cmocka_unit_test(test_empty_commands),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_bad_identifiers),
		cmocka_unit_test(test_text_after_identifier),
		cmocka_unit_test(test_unterminated),
		cmocka_unit_test(test_long_error),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
