/*
 * Operations that wait for the kernel: they start here and go on from the
 * stops that engine.c decodes (op_progress) until they are over.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "argv-text.h"
#include "delay.h"
#include "engine-internal.h"
#include "log.h"

static double op_timeout = ENGINE_DEFAULT_OP_TIMEOUT;
static const void *current_owner;
static const char *failure;	/* while done learns of a failure */

void
engine_set_op_timeout(double seconds)
{
	op_timeout = seconds;
}

double
engine_op_timeout(void)
{
	return op_timeout;
}

void
engine_set_owner(const void *owner)
{
	current_owner = owner;
}

const void *
engine_owner(void)
{
	return current_owner;
}

const char *
engine_failure(void)
{
	return failure != NULL ? failure : "the operation failed";
}

static void
op_free(struct op *op)
{
	if (op->timer != NULL)
		event_free(op->timer);
	free(op);
}

static struct op *
op_start(struct target *t, enum op_kind kind, const struct end_cause *cause,
    op_done_fn done, void *arg)
{
	struct op *op;

	if (t->op != NULL) {
		errno = EBUSY;
		return NULL;
	}
	if ((op = calloc(1, sizeof *op)) == NULL)
		return NULL;
	op->kind = kind;
	op->done = done;
	op->arg = arg;
	op->cause = cause != NULL ? *cause : (struct end_cause){ END_NONE, -1 };
	op->owner = current_owner;
	t->op = op;
	return op;
}

/*
 * The operation on t cannot go on: the threads it stopped run again (a
 * held target stays held), a thread it could not stop yet is resumed at
 * the stop it still reports, and done learns why, with TS_RUNNING. t is
 * not touched after done, which may start another operation on it.
 */
static void
op_fail(struct target *t, const char *why)
{
	struct op *op = t->op;
	struct thread *th;
	const char *saved = failure;
	char cmd[ARGV_LOG_MAX];

	t->op = NULL;
	if (!t->held)
		TAILQ_FOREACH(th, &t->threads, entry)
			if (th->state == TH_STOPPED)
				thread_resume(th);
	log_info("|%d of session %s (pid %d, cmd: %s): %s", t->ordinal,
	    t->session->name, (int)t->pid, argv_text(t->cmdline, ARGV_LOG_WIDTH,
	    cmd, sizeof cmd), why);
	failure = why;
	if (op->done != NULL)
		op->done(t, TS_RUNNING, op->arg);
	failure = saved;
	op_free(op);
}

static void
on_op_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct target *t = arg;
	char why[256];

	(void)fd;
	(void)what;
	/* The child may have been held after the operation started. */
	if (!target_vfork_blocked(t, why, sizeof why))
		snprintf(why, sizeof why, "pid %d: not every thread stopped within %g s",
		    (int)t->pid, op_timeout);
	op_fail(t, why);
}

/* Whether the operation may still be undone: it waits for stops. */
static bool
op_waiting(const struct op *op)
{
	return op->kind != OP_KILL && !(op->kind == OP_PAUSE && op->reported);
}

void
engine_cancel_owned(const void *owner, const char *why)
{
	struct session *s;
	struct target *t;

	if (owner == NULL)
		return;
	attach_cancel_owned(owner, why);
again:
	TAILQ_FOREACH(s, session_all(), entry)
		TAILQ_FOREACH(t, &s->targets, entry)
			if (t->op != NULL && t->op->owner == owner && op_waiting(t->op)) {
				/* done may change the lists: start over (each
				 * pass leaves one operation fewer). */
				op_fail(t, why);
				goto again;
			}
}

void
op_finish(struct target *t, enum target_state state, int exit_code,
    int exit_signal, const char *kind, const char *detail)
{
	struct op *op = t->op;

	t->op = NULL;
	if (op != NULL && op->done != NULL)
		op->done(t, state, op->arg);
	target_end(t, state, exit_code, exit_signal, op != NULL ? &op->cause : NULL,
	    kind, detail);
	if (op != NULL)
		op_free(op);
}

/*
 * Every thread is stopped: detach each. A signal that arrived while they
 * were being stopped is delivered; an outstanding one as /h or /n says.
 * To abandon, SIGSTOP is queued first: the process takes it as soon as it
 * is let go, and stays stopped for the next debugger.
 */
static void
release_all(struct target *t, bool abandon)
{
	struct thread *th;
	/* The abandon event says where the process went: left stopped. */
	const char *left = abandon ? "\"left\":\"stopped\"" : "";
	char detail[96] = "";
	int sig;

	if (abandon && kill(t->pid, SIGSTOP) == -1)
		log_warn("SIGSTOP to %d: %s", (int)t->pid, strerror(errno));
	if (abandon)
		snprintf(detail, sizeof detail, "{%s}", left);
	TAILQ_FOREACH(th, &t->threads, entry) {
		sig = th->pending_sig;
		if (th->outstanding) {
			snprintf(detail, sizeof detail, "{%s%s\"signal\":%d,\"handled\":%s}",
			    left, abandon ? "," : "", sig, t->op->deliver ? "false" : "true");
			if (!t->op->deliver)
				sig = 0;
		}
		ptrace_ok(ptrace(PTRACE_DETACH, th->tid, 0, (long)sig),
		    "PTRACE_DETACH", th->tid);
	}
	op_finish(t, abandon ? TS_ABANDONED : TS_DETACHED, -1, -1,
	    abandon ? "abandon" : "detach", detail[0] != '\0' ? detail : NULL);
}

void
op_progress(struct target *t)
{
	struct op *op = t->op;

	if (op->kind == OP_KILL) {
		/* .kill /n: the delivered signal did not end the process (it
		 * has a handler, or is not fatal): now the kill. */
		if (op->kill_pending) {
			op->kill_pending = false;
			if (kill(t->pid, SIGKILL) == -1 && errno != ESRCH)
				log_warn("SIGKILL to %d: %s", (int)t->pid, strerror(errno));
		}
		return;
	}
	if (!target_all_stopped(t))
		return;
	switch (op->kind) {
	case OP_DETACH:
	case OP_ABANDON:
		release_all(t, op->kind == OP_ABANDON);
		break;
	case OP_PAUSE:
		if (!op->reported) {
			op->reported = true;
			evtimer_del(op->timer);
			op->done(t, TS_STOPPED, op->arg);
		}
		break;
	case OP_HOLD:
		t->held = true;
		t->op = NULL;
		target_sync_state(t);
		if (op->done != NULL)
			op->done(t, TS_STOPPED, op->arg);
		op_free(op);
		break;
	case OP_KILL:
		break;
	}
}

/* The operations that first stop every thread. */
static int
op_stop_all(struct target *t, enum op_kind kind, bool deliver,
    const struct end_cause *cause, op_done_fn done, void *arg)
{
	struct op *op;
	char why[256];

	if ((op = op_start(t, kind, cause, done, arg)) == NULL)
		return -1;
	op->deliver = deliver;
	/* It would never end: fail now, having changed nothing. */
	if (target_vfork_blocked(t, why, sizeof why)) {
		op_fail(t, why);
		return 0;
	}
	if ((op->timer = evtimer_new(engine_base, on_op_timeout, t)) == NULL ||
	    delay_add(op->timer, op_timeout) == -1) {
		t->op = NULL;
		op_free(op);
		errno = ENOMEM;
		return -1;
	}
	target_interrupt(t);
	op_progress(t);
	return 0;
}

int
engine_detach(struct target *t, bool deliver, const struct end_cause *cause,
    op_done_fn done, void *arg)
{
	return op_stop_all(t, OP_DETACH, deliver, cause, done, arg);
}

int
engine_abandon(struct target *t, bool deliver, const struct end_cause *cause,
    op_done_fn done, void *arg)
{
	return op_stop_all(t, OP_ABANDON, deliver, cause, done, arg);
}

int
engine_pause(struct target *t, op_done_fn done, void *arg)
{
	return op_stop_all(t, OP_PAUSE, false, NULL, done, arg);
}

void
engine_unpause(struct target *t)
{
	struct thread *th;

	op_free(t->op);
	t->op = NULL;
	/* A held target stays held: only the daemon's own stops are undone. */
	if (t->held)
		return;
	TAILQ_FOREACH(th, &t->threads, entry)
		if (th->state == TH_STOPPED)
			thread_resume(th);
}

int
engine_hold(struct target *t, op_done_fn done, void *arg)
{
	if (t->held) {
		if (done != NULL)
			done(t, TS_STOPPED, arg);
		return 0;
	}
	return op_stop_all(t, OP_HOLD, false, NULL, done, arg);
}

int
engine_kill(struct target *t, bool deliver, const struct end_cause *cause,
    op_done_fn done, void *arg)
{
	struct thread *th;
	struct op *op;
	int sig;

	if ((op = op_start(t, OP_KILL, cause, done, arg)) == NULL)
		return -1;
	op->deliver = deliver;
	/* /n: the outstanding signal is delivered first and the kill waits
	 * for its effect: the next stop of that thread, or the end. */
	TAILQ_FOREACH(th, &t->threads, entry) {
		if (!th->outstanding)
			continue;
		sig = th->pending_sig;
		op->outstanding_sig = sig;
		if (!deliver)
			continue;
		th->pending_sig = 0;
		th->outstanding = false;
		th->state = TH_RUNNING;
		ptrace_ok(ptrace(PTRACE_CONT, th->tid, 0, (long)sig), "PTRACE_CONT", th->tid);
		ptrace_ok(ptrace(PTRACE_INTERRUPT, th->tid, 0, 0), "PTRACE_INTERRUPT", th->tid);
		op->kill_pending = true;
	}
	/* SIGKILL ends it even in a ptrace-stop; the exit comes through
	 * waitpid like any other. */
	if (!op->kill_pending && kill(t->pid, SIGKILL) == -1 && errno != ESRCH) {
		int saved = errno;
		op_free(op);
		t->op = NULL;
		errno = saved;
		return -1;
	}
	return 0;
}

int
engine_continue(struct target *t, enum continue_mode mode)
{
	struct thread *th;
	char detail[64];
	bool handled;

	if (t->op != NULL || !t->held)
		return 0;
	t->held = false;
	target_sync_state(t);
	TAILQ_FOREACH(th, &t->threads, entry) {
		if (th->state != TH_STOPPED)
			continue;
		if (th->outstanding) {
			handled = mode == CONTINUE_HANDLED;
			snprintf(detail, sizeof detail, "{\"signal\":%d,\"handled\":%s}",
			    th->pending_sig, handled ? "true" : "false");
			target_event(t, "continue", detail);
			if (handled)
				th->pending_sig = 0;
		}
		thread_resume(th);
	}
	return 1;
}
