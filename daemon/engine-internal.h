/*
 * What the parts of the trace engine share: engine.c decodes the stops,
 * engine-ops.c runs the operations that wait for them (detach, kill, pause,
 * hold, abandon), engine-start.c and engine-create.c bring processes under
 * trace.
 */
#ifndef TETHER_ENGINE_INTERNAL_H
#define TETHER_ENGINE_INTERNAL_H

#include <stdbool.h>
#include <sys/ptrace.h>

#include "engine.h"

/*
 * No PTRACE_O_EXITKILL: targets must outlive a crash of the daemon so that
 * the next one can find them again.
 */
#define TRACE_OPTIONS (PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | \
	PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC)

enum op_kind {
	OP_DETACH,	/* stop every thread, then detach each */
	OP_ABANDON,	/* the same, leaving the process job-control stopped */
	OP_PAUSE,	/* stop every thread until engine_unpause */
	OP_HOLD,	/* stop every thread and hold the target */
	OP_KILL,	/* SIGKILL, then wait for the exit */
};

struct op {
	enum op_kind kind;
	op_done_fn done;
	void *arg;
	const void *owner;	/* engine_set_owner's when it started */
	struct event *timer;	/* the bound on waiting for the stops */
	bool deliver;		/* /n: an outstanding signal is delivered */
	bool kill_pending;	/* .kill /n: SIGKILL once the signal took effect */
	int outstanding_sig;	/* .kill: the signal of the outstanding event */
	bool reported;		/* OP_PAUSE: done has been called */
	struct end_cause cause;	/* detach, abandon, kill: why the target ends */
};

extern struct event_base *engine_base;

/* False (and a warning unless the task is gone: ESRCH) when rc is -1. */
bool ptrace_ok(long rc, const char *what, pid_t tid);
/* Leaves the stop th is in, the way its kind requires. */
void thread_resume(struct thread *th);
/* Sends PTRACE_INTERRUPT to each thread of t that runs. */
void target_interrupt(struct target *t);

/* An operation's target has had a thread stop or go: see if it can go on. */
void op_progress(struct target *t);
/* The target of an operation (or none) ended: calls done, then ends it. */
void op_finish(struct target *t, enum target_state state, int exit_code,
    int exit_signal, const char *kind, const char *detail);

/*
 * Whether a thread of t waits in vfork for a child that the daemon holds:
 * it cannot stop (nor t be detached, paused or held) until that child is
 * let go. Says so in why.
 */
bool target_vfork_blocked(const struct target *t, char *why, size_t len);

/* Lets a task go at its first stop (now, if it was already seen). */
void stranger_release(pid_t tid);
/* A process seized but not recorded: let go at its next stop. */
void release_unrecorded(pid_t pid);
/* Why PTRACE_SEIZE failed with err (buf: room for the longer message). */
const char *seize_error(int err, char *buf, size_t len);

/* The owner engine_set_owner set (NULL: none). */
const void *engine_owner(void);

/*
 * engine-attach.c: seizes that wait for an exec to end. seize_threads
 * seizes the threads of t not traced yet; -1 when its process is in the
 * middle of an exec (the rest to be tried later: threads_wait does).
 */
int seize_threads(struct target *t);
void threads_wait(struct target *t);
void attach_cancel_owned(const void *owner, const char *why);
int attach_wait_init(struct event_base *base);
void attach_wait_free(void);

/* engine-create.c: the process pid, created by engine_create, stopped at
 * its exec (it is running its program now); the pending .creates are let
 * go at engine_free. */
void create_init(void);
void create_exec_seen(pid_t pid);
void create_free_all(void);

#endif
