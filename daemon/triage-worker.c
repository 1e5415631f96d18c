/*
 * The triage worker threads and their queue (see triage-worker.h).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include <event2/event.h>

#include "core-sink.h"
#include "log.h"
#include "stack.h"
#include "triage-worker.h"

TAILQ_HEAD(job_list, triage_job);

/*
 * The workers' nice value. A core of a large process keeps a worker on a
 * CPU for seconds (reading /proc/PID/mem, zstd); at the priority of the
 * traced programs and of the thread that traces them it took its full
 * share of their CPU, and a traced fork loop waited up to 190 ms behind it
 * for its children to run (bench/triage-stall). At a lower weight a program
 * that wakes preempts the worker, and the worker weighs a tenth as much in
 * the load the scheduler balances; it still has a tenth of a busy CPU, so
 * triage ends on a loaded machine too (SCHED_IDLE left a dump 40 s there,
 * its target stopped all along). systemd-coredump runs at nice 9 for the
 * same reason.
 */
#define WORKER_NICE 10

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_cond = PTHREAD_COND_INITIALIZER;
static struct job_list todo = TAILQ_HEAD_INITIALIZER(todo);
static struct job_list finished = TAILQ_HEAD_INITIALIZER(finished);
static struct job_list busy = TAILQ_HEAD_INITIALIZER(busy);
static bool quitting;
static int nqueued, nrunning;	/* triage jobs; the logs' are not counted */

static pthread_t *threads;
static int nthreads;
static int done_fd = -1;		/* eventfd: a worker finished a job */
static struct event *done_ev;

/* Whether the job is triage, as status shows it, rather than a log's. */
static bool
counted(const struct triage_job *job)
{
	return job->kind != TRIAGE_JOB_LOG_ROTATE && job->kind != TRIAGE_JOB_LOG_READ &&
	    job->kind != TRIAGE_JOB_LOG_REMOVE;
}

struct triage_job *
triage_job_new(enum triage_job_kind kind)
{
	struct triage_job *job = calloc(1, sizeof *job);

	if (job == NULL)
		return NULL;
	job->kind = kind;
	job->procfd = -1;
	job->core_fd = -1;
	job->src_fd = -1;
	atomic_init(&job->cancel, false);
	atomic_init(&job->running, false);
	return job;
}

void
triage_job_free(struct triage_job *job)
{
	if (job == NULL)
		return;
	if (job->procfd != -1)
		close(job->procfd);
	if (job->core_fd != -1)
		close(job->core_fd);
	if (job->src_fd != -1)
		close(job->src_fd);
	free(job->threads);
	free(job->path);
	free(job->log.data);
	json_decref(job->walk);
	free(job);
}

static void
run_process(struct triage_job *job)
{
	if (job->nwalk > 0)
		job->walk = stack_walk(job->procfd, job->pid, job->threads, job->nwalk);
	if (job->core_fd != -1 && !atomic_load(&job->cancel)) {
		job->limits.cancel = &job->cancel;
		if (coredump_write_fd(job->procfd, job->pid, job->threads,
		    job->nthreads, job->core_fd, &job->limits, &job->core_bytes,
		    &job->core_skipped, job->core_error, sizeof job->core_error) == 0)
			job->core_error[0] = '\0';
	}
	if (atomic_load(&job->cancel) && job->core_fd != -1 &&
	    job->core_error[0] == '\0')
		snprintf(job->core_error, sizeof job->core_error,
		    "the process ended during its triage");
	/* The /proc directory pins the process until the loop has seen the
	 * result: closed here, it is one system call less on the loop. */
	if (job->procfd != -1) {
		close(job->procfd);
		job->procfd = -1;
	}
	if (job->core_fd != -1) {
		if (close(job->core_fd) == -1 && job->core_error[0] == '\0')
			snprintf(job->core_error, sizeof job->core_error, "core: %s",
			    strerror(errno));
		job->core_fd = -1;
	}
}

static void
run_unlink(struct triage_job *job)
{
	if (unlink(job->path) == -1 && errno != ENOENT)
		snprintf(job->core_error, sizeof job->core_error, "%s: %s",
		    job->path, strerror(errno));
}

static void
run_extract(struct triage_job *job)
{
	core_extract(job->src_fd, job->zstd, job->core_fd, &job->core_bytes,
	    job->core_error, sizeof job->core_error);
	if (close(job->core_fd) == -1 && job->core_error[0] == '\0')
		snprintf(job->core_error, sizeof job->core_error, "%s",
		    strerror(errno));
	job->core_fd = -1;
}

static void *
worker_main(void *arg)
{
	struct triage_job *job;
	uint64_t one = 1;

	(void)arg;
	/* Linux: PRIO_PROCESS of a thread id is that thread alone. */
	if (setpriority(PRIO_PROCESS, (id_t)gettid(), WORKER_NICE) == -1)
		log_warn("triage worker: nice %d: %s", WORKER_NICE, strerror(errno));
	for (;;) {
		pthread_mutex_lock(&lock);
		while (!quitting && TAILQ_EMPTY(&todo))
			pthread_cond_wait(&work_cond, &lock);
		if (quitting) {
			pthread_mutex_unlock(&lock);
			return NULL;
		}
		job = TAILQ_FIRST(&todo);
		TAILQ_REMOVE(&todo, job, entry);
		TAILQ_INSERT_TAIL(&busy, job, entry);
		if (counted(job)) {
			nqueued--;
			nrunning++;
		}
		atomic_store(&job->running, true);
		pthread_mutex_unlock(&lock);

		switch (job->kind) {
		case TRIAGE_JOB_PROCESS:
			run_process(job);
			break;
		case TRIAGE_JOB_UNLINK:
			run_unlink(job);
			break;
		case TRIAGE_JOB_EXTRACT:
			run_extract(job);
			break;
		case TRIAGE_JOB_LOG_ROTATE:
			log_files_rotate(job->path, &job->log);
			break;
		case TRIAGE_JOB_LOG_READ:
			log_files_read(job->path, &job->log);
			break;
		case TRIAGE_JOB_LOG_REMOVE:
			log_files_remove(job->path, job->log.keep, &job->log);
			break;
		}

		pthread_mutex_lock(&lock);
		TAILQ_REMOVE(&busy, job, entry);
		TAILQ_INSERT_TAIL(&finished, job, entry);
		if (counted(job))
			nrunning--;
		pthread_mutex_unlock(&lock);
		/* An eventfd write cannot block below 2^64 - 1. */
		if (write(done_fd, &one, sizeof one) != sizeof one)
			log_warn("triage worker: eventfd: %s", strerror(errno));
	}
}

/* On the loop: run the done functions of the finished jobs. */
static void
on_done(evutil_socket_t fd, short what, void *arg)
{
	struct job_list ready = TAILQ_HEAD_INITIALIZER(ready);
	struct triage_job *job;
	uint64_t count;

	(void)what;
	(void)arg;
	if (read(fd, &count, sizeof count) == -1 && errno != EAGAIN)
		log_warn("triage: eventfd: %s", strerror(errno));
	pthread_mutex_lock(&lock);
	TAILQ_CONCAT(&ready, &finished, entry);
	pthread_mutex_unlock(&lock);
	while ((job = TAILQ_FIRST(&ready)) != NULL) {
		TAILQ_REMOVE(&ready, job, entry);
		if (job->done != NULL)
			job->done(job, job->arg);
		triage_job_free(job);
	}
}

int
triage_workers_start(struct event_base *base, int n, char *err, size_t errlen)
{
	sigset_t all, old;
	int i, rc;

	if (n < 1 || n > 64) {
		snprintf(err, errlen, "triage workers: %d is not from 1 to 64", n);
		return -1;
	}
	stack_init();
	if ((done_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		return -1;
	}
	if ((done_ev = event_new(base, done_fd, EV_READ | EV_PERSIST, on_done,
	    NULL)) == NULL || event_add(done_ev, NULL) == -1 ||
	    (threads = calloc((size_t)n, sizeof *threads)) == NULL) {
		snprintf(err, errlen, "triage workers: out of memory");
		triage_workers_stop();
		return -1;
	}
	quitting = false;
	/* The workers take no signals: those are the loop's (the signalfd's,
	 * and the one that bounds a seize, seize.c). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (i = 0; i < n; i++) {
		if ((rc = pthread_create(&threads[i], NULL, worker_main, NULL)) != 0) {
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			snprintf(err, errlen, "triage workers: %s", strerror(rc));
			triage_workers_stop();
			return -1;
		}
		pthread_setname_np(threads[i], "tetherd-triage");
		nthreads++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return 0;
}

static void
free_list(struct job_list *l)
{
	struct triage_job *job;

	while ((job = TAILQ_FIRST(l)) != NULL) {
		TAILQ_REMOVE(l, job, entry);
		triage_job_free(job);
	}
}

void
triage_workers_stop(void)
{
	struct triage_job *job;
	int i;

	pthread_mutex_lock(&lock);
	quitting = true;
	TAILQ_FOREACH(job, &busy, entry)
		atomic_store(&job->cancel, true);
	pthread_cond_broadcast(&work_cond);
	pthread_mutex_unlock(&lock);
	for (i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	nthreads = 0;
	free(threads);
	threads = NULL;
	free_list(&todo);
	free_list(&finished);
	nqueued = nrunning = 0;
	if (done_ev != NULL)
		event_free(done_ev);
	done_ev = NULL;
	if (done_fd != -1)
		close(done_fd);
	done_fd = -1;
}

void
triage_job_submit(struct triage_job *job, triage_job_done_fn done, void *arg)
{
	job->done = done;
	job->arg = arg;
	pthread_mutex_lock(&lock);
	TAILQ_INSERT_TAIL(&todo, job, entry);
	if (counted(job))
		nqueued++;
	pthread_mutex_unlock(&lock);
	pthread_cond_signal(&work_cond);
}

void
triage_workers_load(int *queued, int *running)
{
	pthread_mutex_lock(&lock);
	*queued = nqueued;
	*running = nrunning;
	pthread_mutex_unlock(&lock);
}
