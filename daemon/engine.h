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

/* Seizes every thread of process pid into session s. peer_uid is the uid of
 * the client asking (DESIGN §6). NULL with a message in err on failure. */
struct target *engine_attach(struct session *s, pid_t pid, uid_t peer_uid,
    char *err, size_t errlen);

struct create_params {
	char *const *argv;	/* argv[0] is the program, looked up in PATH */
	const char *cwd;	/* where the client stands; NULL: tetherd's own */
	uid_t uid;		/* run as this user (the client) */
	gid_t gid;
	const char *logpath;	/* where its stdout and stderr go */
};
/* Starts a program traced from its first instruction. */
struct target *engine_create(struct session *s, const struct create_params *p,
    char *err, size_t errlen);

/*
 * Called once when an operation is over, with the target in its last
 * moment (state is how it ended: TS_DETACHED, TS_KILLED, or TS_EXITED when
 * the process exited first). The target is freed when this returns. It may
 * be called before engine_detach or engine_kill returns.
 */
typedef void (*op_done_fn)(struct target *t, enum target_state state, void *arg);

/* Stops every thread (PTRACE_INTERRUPT), then detaches each; the process
 * runs on untraced. -1 when another operation is in progress on t. */
int engine_detach(struct target *t, op_done_fn done, void *arg);
/* SIGKILL, then waits for the exit to be reported. -1 as above, or when the
 * signal cannot be sent (errno). */
int engine_kill(struct target *t, op_done_fn done, void *arg);
/* Resumes the threads of t that the daemon holds; how many threads. */
int engine_continue(struct target *t);

#endif
