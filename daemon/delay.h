/*
 * Delays a user asked for (a target's timeout, on_break_timeout, a
 * restart's delay) armed so that they never end early.
 */
#ifndef TETHER_DELAY_H
#define TETHER_DELAY_H

struct event;

/* Arms the timer ev to fire no sooner than seconds from now. */
int delay_add(struct event *ev, double seconds);

/* CLOCK_MONOTONIC in seconds, for deadlines that tries check as they go. */
double delay_clock(void);

#endif
