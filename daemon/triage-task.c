/* One target's triage on the loop: pause, registers, a worker's job,
 * unpause (see triage-task.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "engine.h"
#include "triage-task.h"
#include "triage-worker.h"

struct triage_task {
	struct target *t;	/* NULL once it ended */
	struct triage_task_opts o;
	struct triage_job *job;	/* handed to the worker; freed by it */
	bool want_core;
	triage_task_done_fn done;
	void *arg;
	/* For status, and the result of a target that ended. */
	char *session;
	int ordinal;
	pid_t pid;
	uid_t uid;
	double since;
	int nthreads;
	char status[TARGET_LINE_MAX];
	TAILQ_ENTRY(triage_task) entry;
};
TAILQ_HEAD(task_list, triage_task);

static struct task_list tasks = TAILQ_HEAD_INITIALIZER(tasks);

struct thread *
triage_current_thread(const struct target *t)
{
	struct thread *th, *leader = NULL;

	TAILQ_FOREACH(th, &t->threads, entry) {
		if (th->outstanding)
			return th;
		if (th->tid == t->pid)
			leader = th;
	}
	return leader != NULL ? leader : TAILQ_FIRST(&t->threads);
}

static void
task_free(struct triage_task *task)
{
	if (task->o.core_fd != -1)
		close(task->o.core_fd);
	free(task->session);
	free(task);
}

/* The end without a job: nothing was walked or written. */
static void
task_fail(struct triage_task *task, struct target *t, const char *error)
{
	struct triage_result r = { .error = error, .status = task->status,
	    .core_error = task->o.core_fd != -1 ? error : NULL };

	task->done(t, &r, task->arg);
	task_free(task);
}

static void
job_done(struct triage_job *job, void *arg)
{
	struct triage_task *task = arg;
	struct target *t = task->t;
	struct triage_result r = { .walk = job->walk, .nthreads = task->nthreads,
	    .core_bytes = job->core_bytes, .core_skipped = job->core_skipped,
	    .status = task->status };

	TAILQ_REMOVE(&tasks, task, entry);
	if (t != NULL) {
		engine_unpause(t);
		target_status_line(t, 0, task->status, sizeof task->status);
	} else {
		r.error = "the process ended during its triage";
	}
	if (task->want_core) {
		r.core_written = job->core_error[0] == '\0' && t != NULL;
		r.core_error = r.core_written ? NULL : job->core_error[0] != '\0' ?
		    job->core_error : "the process ended during its triage";
	}
	if (r.walk != NULL)
		json_object_set_new(r.walk, "ordinal", json_integer(task->ordinal));
	task->o.core_fd = -1;	/* the job closed it */
	task->done(t, &r, task->arg);
	task_free(task);
}

static int
capture_one(struct triage_job *job, size_t *n, const struct thread *th,
    char *err, size_t errlen)
{
	struct coredump_thread *c = &job->threads[*n];

	c->tid = th->tid;
	c->cursig = th->stop == STOP_SIGNAL ? th->pending_sig : 0;
	if (coredump_capture(c, err, errlen) == -1)
		return -1;
	(*n)++;
	return 0;
}

/* Every thread of t is stopped: read their registers, queue the job. */
static void
task_submit(struct triage_task *task, struct target *t)
{
	struct thread *th, *cur = triage_current_thread(t);
	struct triage_job *job;
	char err[256], path[64];
	size_t n = 0;

	if ((job = triage_job_new(TRIAGE_JOB_PROCESS)) == NULL ||
	    (job->threads = calloc((size_t)t->nthreads + 1, sizeof *job->threads)) == NULL) {
		triage_job_free(job);
		engine_unpause(t);
		task_fail(task, t, "out of memory");
		return;
	}
	/* The current thread first: gdb shows it as thread 1. */
	if (cur != NULL && capture_one(job, &n, cur, err, sizeof err) == -1)
		goto fail;
	TAILQ_FOREACH(th, &t->threads, entry)
		if (th != cur && n < (size_t)t->nthreads + 1 &&
		    capture_one(job, &n, th, err, sizeof err) == -1)
			goto fail;
	snprintf(path, sizeof path, "/proc/%d", (int)t->pid);
	if ((job->procfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		snprintf(err, sizeof err, "%s: %s", path, strerror(errno));
		goto fail;
	}
	job->pid = t->pid;
	job->nthreads = n;
	job->nwalk = !task->o.walk ? 0 : task->o.current_only ? 1 : n;
	job->core_fd = task->o.core_fd;
	job->limits = task->o.limits;
	task->o.core_fd = -1;
	task->nthreads = (int)n;
	task->job = job;
	task->t = t;
	task->since = model_now();
	TAILQ_INSERT_TAIL(&tasks, task, entry);
	triage_job_submit(job, job_done, task);
	return;
fail:
	triage_job_free(job);
	engine_unpause(t);
	task_fail(task, t, err);
}

static void
task_paused(struct target *t, enum target_state state, void *arg)
{
	struct triage_task *task = arg;

	if (task->job == NULL) {
		if (state == TS_RUNNING)	/* it could not be stopped */
			task_fail(task, t, engine_failure());
		else if (state != TS_STOPPED)
			task_fail(task, NULL, "the process ended before it could be stopped");
		else
			task_submit(task, t);
		return;
	}
	/* It ended while the worker has it: the job stops at its next
	 * chunk, and its done reports it. */
	task->t = NULL;
	atomic_store(&task->job->cancel, true);
}

int
triage_task_start(struct target *t, const struct triage_task_opts *o,
    triage_task_done_fn done, void *arg)
{
	struct triage_task *task;

	if ((task = calloc(1, sizeof *task)) == NULL ||
	    (task->session = strdup(t->session->name)) == NULL) {
		free(task);
		errno = ENOMEM;
		return -1;
	}
	task->o = *o;
	task->want_core = o->core_fd != -1;
	task->done = done;
	task->arg = arg;
	task->ordinal = t->ordinal;
	task->pid = t->pid;
	task->uid = t->uid;
	target_status_line(t, 0, task->status, sizeof task->status);
	if (engine_pause(t, task_paused, task) == -1) {
		int saved = errno;

		task->o.core_fd = -1;
		task_free(task);
		errno = saved;
		return -1;
	}
	return 0;
}

void
triage_tasks_status(struct cmd_ctx *ctx, json_t *data)
{
	struct triage_task *task;
	json_t *list = json_array();
	double now = model_now();
	int queued, running;

	triage_workers_load(&queued, &running);
	if (ctx != NULL)
		cmd_print(ctx, "triage:   %d running, %d queued", running, queued);
	TAILQ_FOREACH(task, &tasks, entry) {
		bool busy = atomic_load(&task->job->running);

		/* Other users' targets are not shown (DESIGN §6). */
		if (ctx != NULL && ctx->peer_uid != 0 && ctx->peer_uid != task->uid)
			continue;
		if (ctx != NULL)
			cmd_print(ctx, "  session %s |%d pid %d: %s %s for %.1f s%s",
			    task->session, task->ordinal, (int)task->pid,
			    task->o.what, busy ? "running" : "queued",
			    now - task->since, task->t == NULL ? " (the process ended)" : "");
		json_array_append_new(list, json_pack("{s:s, s:i, s:i, s:s, s:s, s:f}",
		    "session", task->session, "ordinal", task->ordinal,
		    "pid", (int)task->pid, "what", task->o.what,
		    "state", busy ? "running" : "queued", "since", task->since));
	}
	if (data != NULL)
		json_object_set_new(data, "triage", list);
	else
		json_decref(list);
}
