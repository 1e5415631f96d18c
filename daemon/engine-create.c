/*
 * .create without waiting: the child (spawn.c) prepares itself while the
 * loop goes on; its report pipe is an event of the loop, and each step has
 * a timer, never a sleep. Ready, it is seized and joins the session, then
 * the gate opens and it executes its program: the operation is over at its
 * exec stop (engine.c calls create_exec_seen), or when it ends first (its
 * exec failed: the report says why).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <unistd.h>

#include <event2/event.h>

#include "delay.h"
#include "engine-internal.h"
#include "log.h"
#include "procfs.h"
#include "seize.h"
#include "spawn.h"
#include "store.h"

enum create_phase {
	PHASE_SETUP,	/* waiting for the child's report */
	PHASE_EXEC,	/* joined; waiting for its exec stop */
	PHASE_OVER,	/* done is due (its ending came first) */
};

struct create_op {
	enum create_phase phase;
	struct session *s;	/* sessions live as long as the daemon */
	struct spawn sp;
	bool childdbg;
	char *cmdline;
	create_joined_fn joined;
	create_done_fn done;
	void *arg;
	struct event *io;	/* the report pipe (PHASE_SETUP) */
	struct event *timer;	/* the bound of the phase; at once in PHASE_OVER */
	int64_t target_id;
	int ordinal;		/* once joined; else -1 */
	char err[PATH_MAX + 128];
	LIST_ENTRY(create_op) entry;
};
static LIST_HEAD(, create_op) pending = LIST_HEAD_INITIALIZER(pending);

static void
create_free(struct create_op *op)
{
	LIST_REMOVE(op, entry);
	spawn_close(&op->sp);
	if (op->io != NULL)
		event_free(op->io);
	if (op->timer != NULL)
		event_free(op->timer);
	free(op->cmdline);
	free(op);
}

/* The operation is over: t is the target running its program, or NULL
 * (op->err says why). */
static void
create_finish(struct create_op *op, struct target *t)
{
	create_done_fn done = op->done;
	void *arg = op->arg;
	int ordinal = op->ordinal;
	char err[sizeof op->err];

	memcpy(err, op->err, sizeof err);
	create_free(op);
	done(t, ordinal, t != NULL ? NULL : err, arg);
}

/* The bound of a step (operation_timeout). */
static void
set_timer(struct create_op *op, double seconds)
{
	if (delay_add(op->timer, seconds) == -1)
		log_warn("cannot arm the timer of a .create");
}

/* It joined and ended before its exec stop (its exec failed, or someone
 * killed it): done is called from the loop, not from inside target_end. */
static void
on_target_end(struct target *t, enum target_state state, int exit_code,
    int exit_signal)
{
	struct create_op *op;

	(void)exit_code;
	(void)exit_signal;
	LIST_FOREACH(op, &pending, entry)
		if (op->phase == PHASE_EXEC && op->target_id == t->id)
			break;
	if (op == NULL)
		return;
	/* A report written before the child's exit is in the pipe by now. */
	if (spawn_read(&op->sp) == 1 && op->sp.r.step != SPAWN_READY)
		spawn_report_error(&op->sp, op->err, sizeof op->err);
	else
		snprintf(op->err, sizeof op->err, "the new process ended (%s) before "
		    "it ran %s", target_state_name(state), op->sp.r.path);
	op->phase = PHASE_OVER;
	event_active(op->timer, EV_TIMEOUT, 1);
}

/* Ready: seized, recorded, then let go to exec. */
static void
create_join(struct create_op *op)
{
	struct target_params tp = {
		.how = HOW_CREATE, .pid = op->sp.pid, .uid = op->sp.uid,
		.cmdline = op->cmdline, .childdbg = op->childdbg,
	};
	enum seize_result seized;
	struct target *t;
	char *real;

	/* It waits at its gate, before its exec: its seize cannot find it in
	 * the middle of one. Were it to, the try's bound ends the .create. */
	if ((seized = seize_try(op->sp.pid, TRACE_OPTIONS)) != SEIZE_OK) {
		snprintf(op->err, sizeof op->err, "cannot trace the new process: %s",
		    seized == SEIZE_BUSY ? "it is in the middle of an exec" :
		    strerror(errno));
		spawn_abort(&op->sp);
		create_finish(op, NULL);
		return;
	}
	/* The name the client found, without its links. */
	real = realpath(op->sp.r.path, NULL);
	tp.exe = real != NULL ? real : op->sp.r.path;
	if (procfs_start_time(op->sp.pid, &tp.start_time) == -1)
		log_warn("start time of %d: %s", (int)op->sp.pid, strerror(errno));
	t = target_join(op->s, &tp);
	free(real);
	if (t == NULL) {
		/* Killed before it runs anything: no trace of it is wanted. */
		snprintf(op->err, sizeof op->err, "cannot record the new process: %s",
		    store_errmsg(model_store()));
		spawn_abort(&op->sp);
		create_finish(op, NULL);
		return;
	}
	thread_add(t, op->sp.pid, TH_RUNNING);
	op->target_id = t->id;
	op->ordinal = t->ordinal;
	op->phase = PHASE_EXEC;
	if (op->joined != NULL)
		op->joined(t, op->arg);
	/* Recorded: it may run its program now. */
	event_del(op->io);
	spawn_go(&op->sp);
	set_timer(op, engine_op_timeout());
}

static void
on_report(evutil_socket_t fd, short what, void *arg)
{
	struct create_op *op = arg;
	int rc;

	(void)fd;
	(void)what;
	if ((rc = spawn_read(&op->sp)) == -1 && errno == EAGAIN)
		return;
	if (rc == 1 && op->sp.r.step == SPAWN_READY) {
		create_join(op);
		return;
	}
	if (rc == 1)
		spawn_report_error(&op->sp, op->err, sizeof op->err);	/* it exits */
	else if (rc == 0)
		snprintf(op->err, sizeof op->err,
		    "the new process ended before it was ready");
	else
		snprintf(op->err, sizeof op->err, "the new process's report: %s",
		    strerror(errno));
	if (rc != 1)
		spawn_abort(&op->sp);
	create_finish(op, NULL);
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct create_op *op = arg;
	pid_t pid = op->sp.pid;

	(void)fd;
	(void)what;
	switch (op->phase) {
	case PHASE_SETUP:
		/* Its directory or program may be on a file system that
		 * hangs, or the name service its groups come from. */
		snprintf(op->err, sizeof op->err, "the new process did not get ready "
		    "within %gs (operation_timeout): its directory or program may be "
		    "on a file system that does not answer, or the name service "
		    "(its user's groups)", engine_op_timeout());
		spawn_abort(&op->sp);
		break;
	case PHASE_EXEC:
		/* The target ends, killed, in the usual way. */
		snprintf(op->err, sizeof op->err, "the new process did not execute %s "
		    "within %gs (operation_timeout): killed", op->sp.r.path,
		    engine_op_timeout());
		if (kill(pid, SIGKILL) == -1 && errno != ESRCH)
			log_warn("kill %d: %s", (int)pid, strerror(errno));
		break;
	case PHASE_OVER:
		break;
	}
	create_finish(op, NULL);
}

void
create_exec_seen(pid_t pid)
{
	struct create_op *op;
	struct target *t;

	LIST_FOREACH(op, &pending, entry)
		if (op->phase == PHASE_EXEC && op->sp.pid == pid)
			break;
	if (op == NULL || (t = target_by_pid(pid)) == NULL || t->id != op->target_id)
		return;
	create_finish(op, t);
}

static char *
join_argv(char *const *argv)
{
	size_t len = 1;
	int i;
	char *s;

	for (i = 0; argv[i] != NULL; i++)
		len += strlen(argv[i]) + 1;
	if ((s = calloc(1, len)) == NULL)
		return NULL;
	for (i = 0; argv[i] != NULL; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

extern char **environ;

struct create_op *
engine_create(struct session *s, const struct create_params *p,
    create_joined_fn joined, create_done_fn done, void *arg, char *err,
    size_t errlen)
{
	struct spawn_req req = {
		.argv = p->argv, .envp = p->envp, .cwd = p->cwd,
		.change_user = p->uid != getuid(), .uid = p->uid, .gid = p->gid,
		/* What a client starts never gains privileges it lacks: a root
		 * tracer would let a setuid exec take effect (DESIGN §6). */
		.no_new_privs = p->uid != 0,
		.log_fd = p->log_fd, .null_fd = -1,
	};
	struct create_op *op;

	if ((op = calloc(1, sizeof *op)) == NULL ||
	    (op->cmdline = join_argv(p->argv)) == NULL ||
	    (op->timer = evtimer_new(engine_base, on_timer, op)) == NULL) {
		snprintf(err, errlen, "cannot prepare the new process: out of memory");
		goto fail;
	}
	/* A client other than tetherd's user gets a clean environment, made
	 * by the child with its groups (spawn.h); tetherd's own user gets
	 * tetherd's. */
	if (req.envp == NULL && !req.change_user)
		req.envp = environ;
	if ((req.null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "cannot prepare the new process: %s", strerror(errno));
		goto fail;
	}
	if (spawn_start(&req, &op->sp, err, errlen) == -1)
		goto fail;
	close(req.null_fd);
	op->s = s;
	op->childdbg = p->childdbg;
	op->joined = joined;
	op->done = done;
	op->arg = arg;
	op->ordinal = -1;
	LIST_INSERT_HEAD(&pending, op, entry);
	if ((op->io = event_new(engine_base, op->sp.report, EV_READ | EV_PERSIST,
	    on_report, op)) == NULL || event_add(op->io, NULL) == -1) {
		snprintf(err, errlen, "cannot watch the new process");
		spawn_abort(&op->sp);
		create_free(op);
		return NULL;
	}
	set_timer(op, engine_op_timeout());
	return op;
fail:
	if (req.null_fd != -1)
		close(req.null_fd);
	if (op != NULL) {
		if (op->timer != NULL)
			event_free(op->timer);
		free(op->cmdline);
		free(op);
	}
	return NULL;
}

int
engine_create_cancel(struct create_op *op)
{
	int ordinal = op->ordinal;

	if (op->phase == PHASE_SETUP)
		spawn_abort(&op->sp);
	create_free(op);
	return ordinal;
}

void
create_init(void)
{
	model_observe_end(on_target_end);
}

void
create_free_all(void)
{
	while (!LIST_EMPTY(&pending))
		(void)engine_create_cancel(LIST_FIRST(&pending));
}
