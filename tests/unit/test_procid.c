/* Process identifiers: every form of DESIGN §3, and the malformed ones. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "procid.h"

/* Parses s, expecting n characters taken, kind and value. */
static void check_ok(const char *s, int n, enum procid_kind kind, long value)
{
	struct procid id = { PROCID_NONE, -1 };
	const char *err = NULL;

	assert_int_equal(procid_parse(s, &id, &err), n);
	assert_null(err);
	assert_int_equal(id.kind, kind);
	assert_int_equal(id.value, value);
}

/* Parses s, expecting a failure whose message contains what. */
static void check_bad(const char *s, const char *what)
{
	struct procid id = { PROCID_NONE, -1 };
	const char *err = NULL;

	assert_int_equal(procid_parse(s, &id, &err), -1);
	assert_non_null(err);
	assert_non_null(strstr(err, "bad process identifier: "));
	assert_non_null(strstr(err, what));
}

static void test_marks(void **state)
{
	(void)state;
	check_ok("|.", 2, PROCID_CURRENT, 0);
	check_ok("|#", 2, PROCID_EVENT, 0);
	check_ok("|*", 2, PROCID_ALL, 0);
}

static void test_bare(void **state)
{
	(void)state;
	check_ok("|", 1, PROCID_ALL, 0);
	check_ok("| .detach", 1, PROCID_ALL, 0);
	check_ok("|;g", 1, PROCID_ALL, 0);
}

static void test_ordinal(void **state)
{
	(void)state;
	check_ok("|0", 2, PROCID_ORDINAL, 0);
	check_ok("|3", 2, PROCID_ORDINAL, 3);
	check_ok("|42", 3, PROCID_ORDINAL, 42);
	check_ok("|007", 4, PROCID_ORDINAL, 7);
	check_ok("|2147483647", 11, PROCID_ORDINAL, INT_MAX);
}

static void test_pid(void **state)
{
	(void)state;
	check_ok("|~[4312]", 8, PROCID_PID, 4312);
	check_ok("|~[0]", 5, PROCID_PID, 0);
	check_ok("|~[2147483647]", 14, PROCID_PID, INT_MAX);
}

/* Parsing stops where the identifier stops; the caller judges the rest. */
static void test_stops_at_end_of_identifier(void **state)
{
	(void)state;
	check_ok("|1s", 2, PROCID_ORDINAL, 1);
	check_ok("|12x", 3, PROCID_ORDINAL, 12);
	check_ok("|~[42]s", 6, PROCID_PID, 42);
	check_ok("|3 .detach /n", 2, PROCID_ORDINAL, 3);
	check_ok("|.s", 2, PROCID_CURRENT, 0);
	check_ok("|#;g", 2, PROCID_EVENT, 0);
}

static void test_bad_ordinal(void **state)
{
	(void)state;
	check_bad("|99999999999", "ordinal out of range");
	check_bad("|2147483648", "ordinal out of range");
	check_bad("|-1", "ordinal is not a number");
	check_bad("|+1", "ordinal is not a number");
	check_bad("|x", "ordinal is not a number");
	check_bad("|s", "ordinal is not a number");
}

static void test_bad_pid(void **state)
{
	(void)state;
	check_bad("|~[abc]", "pid is not a number");
	check_bad("|~[abc]s", "pid is not a number");
	check_bad("|~[]", "pid is not a number");
	check_bad("|~[-1]", "pid is not a number");
	check_bad("|~[ 12]", "pid is not a number");
	check_bad("|~12", "|~[PID]");
	check_bad("|~", "|~[PID]");
	check_bad("|~ [12]", "|~[PID]");
	check_bad("|~[12", "missing ']'");
	check_bad("|~[12 ]", "missing ']'");
	check_bad("|~[12x]", "missing ']'");
	check_bad("|~[2147483648]", "pid out of range");
	check_bad("|~[99999999999999999999999]", "pid out of range");
}

static void test_not_an_identifier(void **state)
{
	(void)state;
	check_bad("3", "expected '|'");
	check_bad("", "expected '|'");
}

static void check_format(enum procid_kind kind, long value, const char *want)
{
	struct procid id = { kind, value };
	char buf[32];

	assert_string_equal(procid_format(&id, buf, sizeof buf), want);
}

static void test_format(void **state)
{
	char small[4];
	struct procid id = { PROCID_PID, 123456 };

	(void)state;
	check_format(PROCID_CURRENT, 0, "|.");
	check_format(PROCID_EVENT, 0, "|#");
	check_format(PROCID_ALL, 0, "|*");
	check_format(PROCID_ORDINAL, 3, "|3");
	check_format(PROCID_PID, 42, "|~[42]");
	check_format(PROCID_NONE, 0, "");
	/* a short buffer is cut, never overrun */
	assert_string_equal(procid_format(&id, small, sizeof small), "|~[");
}

/* What procid_format writes, procid_parse reads back whole. */
static void test_round_trip(void **state)
{
	static const struct procid ids[] = {
		{ PROCID_CURRENT, 0 }, { PROCID_EVENT, 0 }, { PROCID_ALL, 0 },
		{ PROCID_ORDINAL, 0 }, { PROCID_ORDINAL, 17 },
		{ PROCID_PID, 1 }, { PROCID_PID, INT_MAX },
	};
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		procid_format(&ids[i], buf, sizeof buf);
		check_ok(buf, (int)strlen(buf), ids[i].kind, ids[i].value);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_marks),
		cmocka_unit_test(test_bare),
		cmocka_unit_test(test_ordinal),
		cmocka_unit_test(test_pid),
		cmocka_unit_test(test_stops_at_end_of_identifier),
		cmocka_unit_test(test_bad_ordinal),
		cmocka_unit_test(test_bad_pid),
		cmocka_unit_test(test_not_an_identifier),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
