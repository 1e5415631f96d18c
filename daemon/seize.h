/*
 * A PTRACE_SEIZE that gives up. The kernel makes PTRACE_SEIZE wait while
 * the process is in the middle of an exec, without a bound and without
 * letting a signal end the wait (seize.c says how); an exec that reads its
 * program from a file system that does not answer waits forever, and so
 * would the loop. seize_try waits a few milliseconds at most.
 */
#ifndef TETHER_SEIZE_H
#define TETHER_SEIZE_H

#include <sys/types.h>

enum seize_result {
	SEIZE_OK,	/* tid is traced by us */
	SEIZE_FAILED,	/* refused (errno says why: ESRCH, EPERM...) */
	SEIZE_BUSY,	/* its process is in the middle of an exec: try later */
};

/* The longest a seize_try waits, in milliseconds. */
#define SEIZE_TRY_MS 5

/* On the loop's thread, once, before any seize_try: makes the timer that
 * ends a try and installs its signal's handler. -1 (errno) on failure. */
int seize_init(void);
void seize_free(void);

/* PTRACE_SEIZE of tid with options, waiting SEIZE_TRY_MS at most. From the
 * loop's thread only (the tracer is the thread that seizes). */
enum seize_result seize_try(pid_t tid, unsigned long options);

#endif
