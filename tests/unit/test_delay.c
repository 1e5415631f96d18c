/*
 * Unit test of daemon/delay.c: a delay a user asked for never ends early,
 * though libevent counts time with the coarse clock (a plain evtimer_add
 * ends up to a tick early: config-timeout.sh once caught a 1 s timeout
 * acting at 0.99 s).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>

#include <event2/event.h>

#include "delay.h"

static struct timespec armed_at;
static double fired_after;

static double
seconds_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
on_fire(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	fired_after = seconds_since(&armed_at);
}

static long long
ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Arms ev when the coarse clock lags the precise one by most of a tick, then
 * lets that tick end before the loop runs: where a delay counted from the
 * coarse clock would end earliest (by most of a tick).
 */
static void
arm_late_in_tick(struct event *ev, double seconds)
{
	struct timespec res;
	long long coarse;

	clock_getres(CLOCK_MONOTONIC_COARSE, &res);
	do {
		coarse = ns(CLOCK_MONOTONIC_COARSE);
		clock_gettime(CLOCK_MONOTONIC, &armed_at);
	} while (ns(CLOCK_MONOTONIC) - coarse < res.tv_nsec * 3 / 4);
	assert_int_equal(delay_add(ev, seconds), 0);
	while (ns(CLOCK_MONOTONIC_COARSE) == coarse)
		;
}

/* Delays of 5 to 24 ms, each measured on the precise clock. */
static void test_never_early(void **state)
{
	struct event_base *base = event_base_new();
	struct event *ev;
	double want;
	int i;

	(void)state;
	assert_non_null(base);
	ev = evtimer_new(base, on_fire, NULL);
	assert_non_null(ev);
	for (i = 0; i < 20; i++) {
		want = 0.005 + i * 0.001;
		fired_after = -1;
		arm_late_in_tick(ev, want);
		/* returns once the one timer has fired */
		assert_int_equal(event_base_dispatch(base), 1);
		assert_true(fired_after >= want);
		/* and not absurdly late: the added tick is small */
		assert_true(fired_after < want + 0.5);
	}
	event_free(ev);
	event_base_free(base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_never_early),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
