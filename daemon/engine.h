/*
 * The trace engine: every ptrace request and every waitpid of tetherd. It
 * runs on the event loop's thread (ptrace requests must come from the thread
 * that attached) and never blocks: stops are collected from SIGCHLD by
 * draining waitpid(-1, __WALL | WNOHANG), and operations that must wait for
 * the kernel (detach needs every thread stopped; kill waits for the exit)
 * finish from there, calling back when they are over.
 */
#ifndef TETHER_ENGINE_H
#define TETHER_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "model.h"

struct event_base;

int engine_init(struct event_base *base);
void engine_free(void);

/* The outcome of one try at bringing a process under trace. */
enum attach_try {
	ATTACH_JOINED,	/* traced, and in the model */
	ATTACH_REFUSED,	/* err says why; nothing has changed */
	ATTACH_BUSY,	/* it is in the middle of an exec: nothing has
			 * changed; try again later (engine-attach.c) */
};
/*
 * One try at seizing every thread of process pid into session s, waiting a
 * few milliseconds at most (seize.h). peer_uid is the uid of the client
 * asking (DESIGN §6). *start_time: 0 at a first try, then the start time
 * of the process it found (a later try fails if the pid is another's).
 * *tp is the target when ATTACH_JOINED.
 */
enum attach_try engine_attach_try(struct session *s, pid_t pid, uid_t peer_uid,
    unsigned long long *start_time, struct target **tp, char *err, size_t errlen);
/*
 * .attach: as engine_attach_try, and a process in the middle of an exec is
 * tried again while the loop goes on, until the exec ends or
 * operation_timeout passes. done is called once, with t or why not (err),
 * maybe before engine_attach returns; when the operation's owner goes away
 * (engine_cancel_owned), with the reason. Neither at engine_free.
 */
typedef void (*attach_done_fn)(struct target *t, const char *err, void *arg);
void engine_attach(struct session *s, pid_t pid, uid_t peer_uid,
    attach_done_fn done, void *arg);

struct create_params {
	char *const *argv;	/* argv[0] is the program, looked up in PATH as
				 * the user it runs as (spawn.h) */
	const char *cwd;	/* where the client stands; NULL: tetherd's own */
	uid_t uid;		/* run as this user (the client) */
	gid_t gid;
	/* Its environment; NULL: a clean one for a user other than tetherd's
	 * (spawn.h), tetherd's own for tetherd's user. */
	char *const *envp;
	int log_fd;		/* its stdout and stderr (target-log.h) */
	bool childdbg;		/* -o: child-debug on from its first instruction */
};
/*
 * A .create under way: the child prepares itself (user, directory, program)
 * while the loop goes on. joined is called when it has joined the session as
 * t, before it runs anything (settings that must hold from its first
 * instruction go there); done once it has executed its program (t) or
 * failed (t NULL, err says why; ordinal is the one it had joined as, or -1
 * when it never joined). Each step (getting ready, executing the program)
 * is bounded by operation_timeout (engine_set_op_timeout).
 */
struct create_op;
typedef void (*create_joined_fn)(struct target *t, void *arg);
typedef void (*create_done_fn)(struct target *t, int ordinal, const char *err,
    void *arg);
/* Starts a program traced from its first instruction: the operation, or
 * NULL with a message in err (then neither callback is called). */
struct create_op *engine_create(struct session *s, const struct create_params *p,
    create_joined_fn joined, create_done_fn done, void *arg, char *err,
    size_t errlen);
/* Calls neither callback any more; a child that has not joined is killed
 * (one that has is a target like any other). Returns the ordinal it joined
 * as, or -1. */
int engine_create_cancel(struct create_op *op);

/*
 * Called once when an operation is over, with the target in its last
 * moment (state is how it ended: TS_DETACHED, TS_KILLED, or TS_EXITED when
 * the process exited first). The target is freed when this returns. It may
 * be called before engine_detach or engine_kill returns.
 */
typedef void (*op_done_fn)(struct target *t, enum target_state state, void *arg);

/*
 * The operations that end a target (detach, kill, abandon) take its cause:
 * why it ends and who asked (targets.reason, ended_by); NULL: a client's
 * command of unknown uid, recorded as detached, killed or abandoned.
 */

/* Stops every thread (PTRACE_INTERRUPT), then detaches each; the process
 * runs on untraced. deliver (/n): an outstanding signal is delivered, else
 * (/h) suppressed. -1 when another operation is in progress on t. */
int engine_detach(struct target *t, bool deliver, const struct end_cause *cause,
    op_done_fn done, void *arg);
/* SIGKILL, then waits for the exit to be reported. deliver (/n): an
 * outstanding signal takes effect first (a held SIGSEGV ends the process by
 * SIGSEGV). -1 as above, or when the signal cannot be sent (errno). */
int engine_kill(struct target *t, bool deliver, const struct end_cause *cause,
    op_done_fn done, void *arg);

/*
 * Every operation that waits for threads to stop (detach, abandon, pause,
 * hold) ends: when it cannot even start (a parent in vfork whose child is
 * held) or its threads have not all stopped within the bound, it fails:
 * every thread is put back as it was, and done is called with TS_RUNNING;
 * engine_failure() then says why (valid during that call only).
 */
const char *engine_failure(void);
/* The bound, in seconds (operation_timeout, tether.conf(5)). */
#define ENGINE_DEFAULT_OP_TIMEOUT 5.0
void engine_set_op_timeout(double seconds);
double engine_op_timeout(void);
/* Operations started from now on belong to owner (NULL: none)... */
void engine_set_owner(const void *owner);
/* ... and fail as above, for the reason why, when it goes away. */
void engine_cancel_owned(const void *owner, const char *why);

enum continue_mode {
	CONTINUE_FILTER,	/* g: as the filter says (a break's signal is delivered) */
	CONTINUE_HANDLED,	/* gh: the outstanding signal is suppressed */
	CONTINUE_UNHANDLED,	/* gn: it is delivered */
};
/* Resumes a held target; 1 when it was held, else 0. Continuing an
 * outstanding event is recorded. */
int engine_continue(struct target *t, enum continue_mode mode);

/*
 * One try at seizing every thread of the process of t, a target already in
 * the model (re-adoption after a restart), as engine_attach_try: a message
 * in err unless ATTACH_JOINED.
 */
enum attach_try engine_seize(struct target *t, char *err, size_t errlen);

/*
 * Stops every thread of t (asynchronously, as a detach does) and calls done
 * with TS_STOPPED once all of them are in a ptrace-stop: then registers can
 * be read and memory walked. The target is NOT freed after that call; it
 * stays stopped until engine_unpause, which puts each thread back as it was
 * (running, job-stopped, or held: a held target stays held). When the
 * process ends first, done gets TS_EXITED or TS_KILLED and t is freed as
 * for the other operations. -1 when another operation is in progress.
 */
int engine_pause(struct target *t, op_done_fn done, void *arg);
void engine_unpause(struct target *t);

/*
 * Stops every thread of t and holds it there (a break-in): the target shows
 * as stopped until engine_continue. done (may be NULL) is called with
 * TS_STOPPED once every thread is stopped, or as above if it ends first.
 */
int engine_hold(struct target *t, op_done_fn done, void *arg);

/*
 * Lets go of t but leaves it stopped (job-control stopped, state T), so that
 * another debugger can take it. deliver: an outstanding signal is left
 * pending for that debugger instead of being suppressed. done as above.
 */
int engine_abandon(struct target *t, bool deliver, const struct end_cause *cause,
    op_done_fn done, void *arg);

#endif
