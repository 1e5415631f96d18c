/*
 * Unit test of daemon/lazyfree.c: every tree handed over is dropped, small
 * ones at once, big ones by the thread (all of them by lazyfree_stop, the
 * ring overflowing included), and a subtree someone else holds is only
 * counted down. Under ThreadSanitizer it is also the check of the handover.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lazyfree.h"

/* A tree whose one member is shared, held by the caller too. */
static json_t *
tree_with(json_t *shared)
{
	return json_pack("{s:O, s:[iii]}", "shared", shared, "own", 1, 2, 3);
}

static void
small_tree_dropped_at_once(void **state)
{
	char err[128];
	json_t *shared = json_object();

	(void)state;
	assert_int_equal(lazyfree_start(err, sizeof err), 0);
	lazyfree_json(tree_with(shared), 100);
	assert_int_equal(shared->refcount, 1);
	lazyfree_stop();
	json_decref(shared);
}

static void
big_trees_all_dropped_by_stop(void **state)
{
	char err[128];
	json_t *shared = json_object();
	int i;

	(void)state;
	assert_int_equal(lazyfree_start(err, sizeof err), 0);
	/* More than the ring holds: the rest are dropped by the caller. */
	for (i = 0; i < 1000; i++)
		lazyfree_json(tree_with(shared), LAZYFREE_MIN_BYTES);
	lazyfree_stop();
	assert_int_equal(shared->refcount, 1);
	json_decref(shared);
}

static void
without_thread_dropped_at_once(void **state)
{
	json_t *shared = json_object();

	(void)state;
	lazyfree_json(tree_with(shared), LAZYFREE_MIN_BYTES * 4);
	assert_int_equal(shared->refcount, 1);
	lazyfree_json(NULL, LAZYFREE_MIN_BYTES);
	json_decref(shared);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(small_tree_dropped_at_once),
		cmocka_unit_test(big_trees_all_dropped_by_stop),
		cmocka_unit_test(without_thread_dropped_at_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
