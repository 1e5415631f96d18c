/*
 * Unit test of daemon/argv-text.c: a target's command line is the target's
 * own bytes; on a terminal it must stay one line of the right width, and in
 * JSON it must encode.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "argv-text.h"

static void
test_controls_and_stray_bytes(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(argv_text("a\nb\x1b[31m\x7f\xff\xc2\x9b c", 0, buf, sizeof buf),
	    "a?b?[31m??? c");
	/* A character cut short, an overlong form, a surrogate. */
	assert_string_equal(argv_text("\xe2\x82 \xc0\xaf \xed\xa0\x80", 0, buf, sizeof buf),
	    "?? ?? ???");
	/* Well-formed characters stay; U+FFFD (a stray byte in JSON) is '?'. */
	assert_string_equal(argv_text("caf\xc3\xa9 \xe2\x82\xac \xef\xbf\xbd", 0, buf, sizeof buf),
	    "caf\xc3\xa9 \xe2\x82\xac ?");
}

static void
test_cut_to_width(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(argv_text("make -j2 check", 14, buf, sizeof buf), "make -j2 check");
	assert_string_equal(argv_text("make -j2 check", 13, buf, sizeof buf), "make -j2 c...");
	assert_string_equal(argv_text("make", 2, buf, sizeof buf), "..");
	/* Characters, not bytes, are counted. */
	assert_string_equal(argv_text("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 4, buf, sizeof buf),
	    "\xc3\xa9...");
	/* A short buffer holds what fits, ended. */
	assert_string_equal(argv_text("abcdefgh", 0, buf, 5), "abcd");
}

static void
test_line(void **state)
{
	char buf[128];

	(void)state;
	strcpy(buf, ".  0  id: 12  attach  name: /bin/sh");
	argv_text_line(buf, sizeof buf, "sh -c 'sleep 1000'", "  [stopped: SIGSEGV]", 80);
	assert_string_equal(buf, ".  0  id: 12  attach  name: /bin/sh  cmd: sh -c 'sleep 1000'  [stopped: SIGSEGV]");
	assert_int_equal(strlen(buf), 80);
	strcpy(buf, ".  0  id: 12  attach  name: /bin/sh");
	argv_text_line(buf, sizeof buf, "sh -c 'sleep 1000'", "  [stopped: SIGSEGV]", 79);
	assert_string_equal(buf, ".  0  id: 12  attach  name: /bin/sh  cmd: sh -c 'sleep 1...  [stopped: SIGSEGV]");
	assert_int_equal(strlen(buf), 79);
	/* Never fewer than ARGV_TEXT_MIN characters of it. */
	strcpy(buf, "0123456789");
	argv_text_append(buf, sizeof buf, ARGV_LABEL, "abcdefghijklmnopqrstuvwxyz", 5);
	assert_string_equal(buf, "0123456789  cmd: abcdefghijklm...");
	/* No command line: nothing but the tail. */
	strcpy(buf, "x");
	argv_text_line(buf, sizeof buf, "", "  [stopped: SIGINT]", 0);
	assert_string_equal(buf, "x  [stopped: SIGINT]");
}

static void
test_json(void **state)
{
	json_t *j;

	(void)state;
	j = argv_json("ok\n\x1b");
	assert_string_equal(json_string_value(j), "ok\n\x1b");
	json_decref(j);
	j = argv_json("a\xff" "b\xe2\x82");
	assert_non_null(j);
	assert_string_equal(json_string_value(j), "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd");
	json_decref(j);
	j = argv_json(NULL);
	assert_true(json_is_null(j));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_controls_and_stray_bytes),
		cmocka_unit_test(test_cut_to_width),
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
