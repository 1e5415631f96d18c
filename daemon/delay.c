/*
 * libevent measures time with CLOCK_MONOTONIC_COARSE, which lags the true
 * clock by up to one tick: a delay counted from it can end a tick early,
 * and a "timeout = 1s" limit then acts at 0.99 s. One tick is added to what
 * a user asked for. (EVENT_BASE_FLAG_PRECISE_TIMER would fix it for every
 * timer, at the price of a timerfd_settime call on every turn of the loop,
 * that is on every ptrace stop.)
 */
#include <sys/time.h>
#include <time.h>

#include <event2/event.h>

#include "delay.h"

int
delay_add(struct event *ev, double seconds)
{
	struct timespec tick;
	struct timeval tv;
	long long usec;

	if (clock_getres(CLOCK_MONOTONIC_COARSE, &tick) == -1)
		tick = (struct timespec){ 0, 10 * 1000 * 1000 };
	usec = (long long)(seconds * 1e6) + tick.tv_sec * 1000000LL +
	    (tick.tv_nsec + 999) / 1000;
	tv.tv_sec = (time_t)(usec / 1000000);
	tv.tv_usec = (suseconds_t)(usec % 1000000);
	return evtimer_add(ev, &tv);
}

double
delay_clock(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
