/*
 * The daemon's command table and the shared table of usages and summaries
 * (common/cmddoc.c) name the same commands; and "did you mean" finds typos.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cmd.h"
#include "cmddoc.h"
#include "suggest.h"

static void test_every_command_documented(void **state)
{
	const struct cmd_entry *e;
	size_t i;

	(void)state;
	for (i = 0; (e = cmd_table_entry(i)) != NULL; i++)
		if (cmd_doc_find(e->name) == NULL)
			fail_msg("command %s has no entry in common/cmddoc.c", e->name);
	for (i = 0; i < cmd_docs_count; i++)
		if (cmd_find(cmd_docs[i].name) == NULL)
			fail_msg("cmddoc.c documents %s, which tetherd lacks",
			    cmd_docs[i].name);
}

static const char *suggestion(const char *word, const char *const *list)
{
	struct suggest s;

	suggest_init(&s, word);
	for (; *list != NULL; list++)
		suggest_try(&s, *list);
	return s.best;
}

static void test_suggest(void **state)
{
	static const char *const kinds[] = { "create", "attach", "child", "exec",
	    "signal", "exit", "detach", "kill", NULL };

	(void)state;
	assert_string_equal(suggestion("exti", kinds), "exit");
	assert_string_equal(suggestion("sigal", kinds), "signal");
	assert_string_equal(suggestion("detahc", kinds), "detach");
	assert_null(suggestion("bogus", kinds));
	assert_null(suggestion("x", kinds));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_command_documented),
		cmocka_unit_test(test_suggest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
