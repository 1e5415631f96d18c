/* Unit tests of ctl/jscan.c: JSON walked without being decoded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "jscan.h"

/* The members or elements of text, as "key=value;" each; NULL if malformed. */
static const char *walk(const char *text, char *out, size_t len)
{
	struct jscan s;
	struct jspan key = { "", 0 }, value;
	size_t used = 0;
	int rc;

	if (jscan_open(&s, text, strlen(text)) < 0)
		return NULL;
	out[0] = '\0';
	while ((rc = jscan_next(&s, &key, &value)) == 1)
		used += (size_t)snprintf(out + used, len - used, "%.*s=%.*s;",
		    (int)key.len, key.p, (int)value.len, value.p);
	return rc == 0 ? out : NULL;
}

static void walks_to(const char *text, const char *want)
{
	char out[512];
	const char *got = walk(text, out, sizeof(out));

	if (got == NULL)
		fail_msg("%s: malformed, expected %s", text, want);
	assert_string_equal(got, want);
}

static void malformed(const char *text)
{
	char out[512];

	if (walk(text, out, sizeof(out)) != NULL)
		fail_msg("%s: walked to %s, expected malformed", text, out);
}

static void test_objects(void **state)
{
	(void)state;
	walks_to("{}", "");
	walks_to(" { \"ok\" : true , \"data\":{\"a\":[1,{\"b\":null}]} }\n",
	    "\"ok\"=true;\"data\"={\"a\":[1,{\"b\":null}]};");
	walks_to("{\"text\":\"a \\\"}\\\\\",\"n\":-1.5e3}",
	    "\"text\"=\"a \\\"}\\\\\";\"n\"=-1.5e3;");
}

static void test_arrays(void **state)
{
	(void)state;
	walks_to("[]", "");
	walks_to("[{\"x\":1},[],\"]\",null]", "={\"x\":1};=[];=\"]\";=null;");
}

static void test_malformed(void **state)
{
	(void)state;
	malformed("");
	malformed("null");
	malformed("\"{}\"");
	malformed("{\"a\":1}}");
	malformed("{\"a\":1");
	malformed("{\"a\" 1}");
	malformed("{a:1}");
	malformed("{\"a\":1,}");
	malformed("[1,,2]");
	malformed("[1 2]");
	malformed("{\"a\":[1}");
	malformed("{\"a\":\"x}");
	malformed("[\"a\nb\"]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_objects),
		cmocka_unit_test(test_arrays),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
