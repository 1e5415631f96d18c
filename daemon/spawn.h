/*
 * The child side of .create: a forked child that becomes the client (groups,
 * gid, uid, no_new_privs; its account looked up by the child), changes to the client's directory and looks the
 * program up in PATH, each step as the client, then waits for the daemon to
 * seize it before it executes the program. What fails in the child comes
 * back on a close-on-exec pipe as the step and its errno, and becomes a
 * clear message for the client instead of a target that exits with 127.
 * The daemon's side never waits: engine-create.c watches the pipe from the
 * event loop.
 */
#ifndef TETHER_SPAWN_H
#define TETHER_SPAWN_H

#include <stdbool.h>
#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

struct spawn_req {
	char *const *argv;	/* argv[0]: a path, or a name looked up in PATH */
	/* Its environment; its PATH is the search path. NULL with
	 * change_user: HOME, USER, LOGNAME and SHELL from uid's password
	 * entry, PATH=/usr/local/bin:/usr/bin:/bin, nothing of tetherd's. */
	char *const *envp;
	const char *cwd;	/* NULL: tetherd's own */
	/* Run as uid, gid and uid's groups (as initgroups sets them). The
	 * child looks the account up itself: the daemon's loop never waits
	 * for the name service. */
	bool change_user;
	uid_t uid;
	gid_t gid;
	bool no_new_privs;
	int log_fd;		/* stdout and stderr */
	int null_fd;		/* stdin */
};

/* What the child reports: the step that failed and its errno, or that
 * it is ready (and the program it found). */
enum spawn_step {
	SPAWN_READY,
	SPAWN_SETUP,	/* signals, session, standard descriptors */
	SPAWN_USER,	/* the account, groups, gid, uid */
	SPAWN_NNP,
	SPAWN_CHDIR,
	SPAWN_LOOKUP,
	SPAWN_EXEC,
};

struct spawn_report {
	int step;
	int err;
	char path[PATH_MAX];	/* the program it found, as the client sees it */
};

/* A child on its way to exec, and what the daemon knows of it. */
struct spawn {
	pid_t pid;
	int gate;		/* close it to let the child exec */
	int report;		/* the report pipe, non-blocking */
	size_t got;		/* bytes of the report read so far */
	struct spawn_report r;
	/* for the messages */
	uid_t uid;
	char prog[256];
	char cwd[PATH_MAX];
};

/*
 * Forks the child; it reports on sp->report when it is ready to exec, or
 * which step failed. The daemon waits for nothing here: it watches
 * sp->report (spawn_read) and bounds the wait itself (engine-create.c).
 * 0, or -1 with a message in err.
 */
int spawn_start(const struct spawn_req *req, struct spawn *sp, char *err, size_t errlen);
/* Reads what is there of the report: 1 when sp->r is whole, 0 at EOF
 * before any of it (the child executed its program, or died), -1 with
 * errno (EAGAIN: not yet). */
int spawn_read(struct spawn *sp);
/* The message of a report that is not SPAWN_READY. */
void spawn_report_error(const struct spawn *sp, char *err, size_t errlen);
/* Lets the ready child exec; a report read after this is its exec's
 * failure. */
void spawn_go(struct spawn *sp);
/* Closes what sp holds. */
void spawn_close(struct spawn *sp);
/* The child is not wanted: it is killed; what sp holds is closed. */
void spawn_abort(struct spawn *sp);

#endif
