/*
 * The triage of one target, on the loop's side: pause it (engine_pause),
 * read what only the tracer can (the registers of each thread), hand the
 * rest to a triage worker (stack walk, core), and when the worker is done
 * put the target back as it was and report. The target stays stopped for
 * the whole of it; one that ends meanwhile cancels the job, which then
 * finishes with an error. Used by k, ~*k, .dump and dump.
 */
#ifndef TETHER_TRIAGE_TASK_H
#define TETHER_TRIAGE_TASK_H

#include <stdbool.h>
#include <jansson.h>

#include "coredump.h"
#include "model.h"

struct cmd_ctx;

struct triage_task_opts {
	bool walk;		/* the stacks ... */
	bool current_only;	/* ... of the current thread only */
	int core_fd;		/* a core there (-1: none); the task closes it */
	struct coredump_limits limits;	/* of the core (cancel is the task's) */
	const char *what;	/* for status: "stacks", "core", "triage" */
};

/* What became of it; valid during the done call only. */
struct triage_result {
	json_t *walk;		/* stack.h's walk with "ordinal", or NULL */
	int nthreads;
	bool core_written;
	long long core_bytes;
	bool core_skipped;	/* too large to dump: stacks only */
	const char *core_error;	/* why there is no core, when one was asked */
	const char *error;	/* why nothing could be done, or NULL */
	const char *status;	/* the target's status line */
};

/* t is NULL when the target ended before the end of its triage. */
typedef void (*triage_task_done_fn)(struct target *t, const struct triage_result *r,
    void *arg);

/* -1 (errno EBUSY: another operation is in progress; o->core_fd is then
 * left to the caller), else done is called exactly once, maybe before
 * this returns. */
int triage_task_start(struct target *t, const struct triage_task_opts *o,
    triage_task_done_fn done, void *arg);

/* The thread `k` shows: the one held at an outstanding event, else the
 * thread group leader, else the first thread. */
struct thread *triage_current_thread(const struct target *t);

/* The triage in progress, for `status` (text to ctx, data to data). */
void triage_tasks_status(struct cmd_ctx *ctx, json_t *data);

#endif
