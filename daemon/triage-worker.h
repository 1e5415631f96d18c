/*
 * Triage workers: the threads that walk stacks and write cores, so that
 * the event loop never waits on them (DESIGN §4). In the manner of Redis's
 * bio.c: the loop queues plain job records, a fixed number of threads take
 * them in order, and each finished job comes back to the loop through an
 * eventfd, where its done function runs. A worker never calls ptrace and
 * never touches the model: everything only the tracer can read (the
 * registers) is read on the loop and carried in the job; memory is read
 * through /proc/PID/mem, opened by the loop as part of the /proc/PID
 * directory the job holds (which pins the process: a pid reused after the
 * process ended reads as gone, never as another process).
 *
 * The queue is protected by one mutex that is never held across a system
 * call; the only state shared while a job runs is its atomic flags.
 */
#ifndef TETHER_TRIAGE_WORKER_H
#define TETHER_TRIAGE_WORKER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/types.h>
#include <jansson.h>

#include "coredump.h"

struct event_base;

enum triage_job_kind {
	TRIAGE_JOB_PROCESS,	/* stacks and/or a core of a stopped process */
	TRIAGE_JOB_UNLINK,	/* remove a triage file that is no longer kept */
	TRIAGE_JOB_EXTRACT,	/* a kept core back as a plain ELF file */
};

struct triage_job;
typedef void (*triage_job_done_fn)(struct triage_job *job, void *arg);

struct triage_job {
	enum triage_job_kind kind;

	/* TRIAGE_JOB_PROCESS: the input, set by the loop. */
	pid_t pid;
	int procfd;		/* /proc/PID, O_DIRECTORY; the job closes it */
	struct coredump_thread *threads;	/* the current one first */
	size_t nthreads;
	size_t nwalk;		/* walk the first nwalk threads (0: no walk) */
	int core_fd;		/* write a core there (-1: none); the job closes it */
	struct coredump_limits limits;

	/* TRIAGE_JOB_UNLINK: path. TRIAGE_JOB_EXTRACT: src_fd (zstd says
	 * how it was written) to core_fd. */
	char *path;
	int src_fd;
	bool zstd;

	/* Set by the loop at any time: the process ended, stop soon. */
	atomic_bool cancel;
	/* Set by the worker when it takes the job (for status). */
	atomic_bool running;

	/* The output, read by the loop in done. */
	json_t *walk;		/* stack.h's walk, or NULL */
	long long core_bytes;	/* the size of the core file written */
				/* (EXTRACT: core_error says why it failed) */
	char core_error[512];	/* why no core was written, or "" */
	bool core_skipped;	/* not an error: the process is too large */

	triage_job_done_fn done;
	void *arg;
	TAILQ_ENTRY(triage_job) entry;
};

/* Starts nworkers threads (1..64) and watches their completions on base.
 * 0, or -1 with a message in err. */
int triage_workers_start(struct event_base *base, int nworkers, char *err,
    size_t errlen);
/* Cancels every job, waits for the threads to end (a job being written
 * stops at its next chunk) and frees what was queued, without calling done. */
void triage_workers_stop(void);

/* A new job of that kind, zeroed, its fds -1; NULL when out of memory. */
struct triage_job *triage_job_new(enum triage_job_kind kind);
/* Queues job; done(job, arg) is called on the loop when it is over, and
 * the job is freed (triage_job_free) after done returns. */
void triage_job_submit(struct triage_job *job, triage_job_done_fn done, void *arg);
void triage_job_free(struct triage_job *job);

/* Jobs queued and jobs being worked on. */
void triage_workers_load(int *queued, int *running);

#endif
