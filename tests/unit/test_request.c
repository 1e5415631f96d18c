/* Decoding request lines: the members, their types, the form, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "request.h"

static void decode_ok(const char *text, struct request *req)
{
	char err[256] = "";

	if (request_decode(text, strlen(text), req, err, sizeof err) != 0)
		fail_msg("'%s': %s", text, err);
}

static void check_error(const char *text, size_t len, const char *want)
{
	struct request req;
	char err[256] = "";

	assert_int_equal(request_decode(text, len, &req, err, sizeof err), -1);
	assert_null(req.json);
	if (strstr(err, want) == NULL)
		fail_msg("'%.*s': got '%s', want '%s'", (int)len, text, err, want);
}

static void test_line_only(void **state)
{
	struct request req;

	(void)state;
	decode_ok("{\"line\": \"|*\"}", &req);
	assert_string_equal(req.line, "|*");
	assert_string_equal(req.session, "default");
	assert_null(req.cwd);
	assert_int_equal(req.form, FORM_BOTH);
	request_free(&req);
	assert_null(req.json);
}

/* As tetherctl sends it, and with members the protocol does not know. */
static void test_every_member(void **state)
{
	struct request req;

	(void)state;
	decode_ok("{\"session\": \"farm\", \"line\": \".create sh -c 'a; b'\", "
	    "\"cwd\": \"/home/me\", \"form\": \"text\", \"later\": [1]}", &req);
	assert_string_equal(req.session, "farm");
	assert_string_equal(req.line, ".create sh -c 'a; b'");
	assert_string_equal(req.cwd, "/home/me");
	assert_int_equal(req.form, FORM_TEXT);
	assert_int_equal(req.width, 0);
	request_free(&req);
	decode_ok("{\"line\": \"|*\", \"width\": 132}", &req);
	assert_int_equal(req.width, 132);
	request_free(&req);
	decode_ok("{\"line\": \"\", \"form\": \"data\"}", &req);
	assert_string_equal(req.line, "");
	assert_int_equal(req.form, FORM_DATA);
	request_free(&req);
}

/* The terminal's width: a whole number of columns, within bounds. */
static void test_width(void **state)
{
	const char *bad[] = { "-1", "4097", "80.5", "\"80\"", "null", "true" };
	char text[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(text, sizeof text, "{\"line\": \"|*\", \"width\": %s}", bad[i]);
		check_error(text, strlen(text), "\"width\" is a number of columns");
	}
}

/* The length counts, not a NUL: the line may be cut anywhere. */
static void test_length(void **state)
{
	const char *text = "{\"line\": \"g\"}{\"line\": 1}";
	struct request req;
	char err[256];

	(void)state;
	assert_int_equal(request_decode(text, 13, &req, err, sizeof err), 0);
	assert_string_equal(req.line, "g");
	request_free(&req);
	check_error(text, 12, "malformed request");
	check_error(text, strlen(text), "malformed request");
}

static void test_not_json(void **state)
{
	(void)state;
	check_error("", 0, "malformed request: ");
	check_error("|*", 2, "malformed request: ");
	check_error("{\"line\": \"a\"", 12, "malformed request: ");
	/* jansson refuses a NUL inside a string unless asked not to. */
	check_error("{\"line\": \"a\\u0000b\"}", 20, "malformed request: ");
}

static void test_wrong_types(void **state)
{
	const char *want = "malformed request: expected {\"session\": string, "
	    "\"line\": string, \"cwd\": string}";

	(void)state;
	check_error("[\"|*\"]", 6, want);
	check_error("{}", 2, want);
	check_error("{\"line\": null}", 14, want);
	check_error("{\"line\": 3}", 11, want);
	check_error("{\"line\": \"g\", \"session\": 3}", 27, want);
	check_error("{\"line\": \"g\", \"session\": null}", 30, want);
	check_error("{\"line\": \"g\", \"cwd\": {}}", 24, want);
}

static void test_bad_form(void **state)
{
	const char *want = "malformed request: \"form\" is \"text\" or \"data\"";

	(void)state;
	check_error("{\"line\": \"g\", \"form\": \"both\"}", 29, want);
	check_error("{\"line\": \"g\", \"form\": \"\"}", 25, want);
	check_error("{\"line\": \"g\", \"form\": 1}", 24, want);
	check_error("{\"line\": \"g\", \"form\": null}", 27, want);
}

static void test_empty_session(void **state)
{
	(void)state;
	check_error("{\"line\": \"g\", \"session\": \"\"}", 28,
	    "malformed request: empty session name");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_only),
		cmocka_unit_test(test_every_member),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_not_json),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_bad_form),
		cmocka_unit_test(test_empty_session),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
