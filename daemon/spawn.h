/*
 * The child side of .create: a forked child that becomes the client (groups,
 * gid, uid, no_new_privs), changes to the client's directory and looks the
 * program up in PATH, each step as the client, then waits for the daemon to
 * seize it before it executes the program. What fails in the child comes
 * back on a close-on-exec pipe as the step and its errno, and becomes a
 * clear message for the client instead of a target that exits with 127.
 */
#ifndef TETHER_SPAWN_H
#define TETHER_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct spawn_req {
	char *const *argv;	/* argv[0]: a path, or a name looked up in PATH */
	char *const *envp;	/* its environment; its PATH is the search path */
	const char *cwd;	/* NULL: tetherd's own */
	bool change_user;	/* run as uid, gid, groups */
	uid_t uid;
	gid_t gid;
	int ngroups;
	const gid_t *groups;
	bool no_new_privs;
	int log_fd;		/* stdout and stderr */
	int null_fd;		/* stdin */
};

/* A running child waiting to exec. */
struct spawn {
	pid_t pid;
	int gate;		/* close it to let the child exec */
	int report;
	char path[4096];	/* the program it found, as the client sees it */
};

/*
 * Forks the child and waits (at most SPAWN_WAIT_MS) until it is ready to
 * exec; 0, or -1 with a message in err (the child is gone or going).
 */
#define SPAWN_WAIT_MS 5000
int spawn_start(const struct spawn_req *req, struct spawn *sp, char *err, size_t errlen);
/* Lets the child exec and waits (bounded) until it has: 0, or -1 with a
 * message in err. Closes what sp holds, as spawn_abort does. */
int spawn_exec(struct spawn *sp, char *err, size_t errlen);
/* The child is not wanted: it is killed; what sp holds is closed. */
void spawn_abort(struct spawn *sp);

/*
 * The environment a program started for uid gets: HOME, USER, LOGNAME and
 * SHELL from the password file, PATH=/usr/local/bin:/usr/bin:/bin. Nothing
 * of tetherd's own. malloc'd, one block; NULL when out of memory.
 */
char **spawn_client_env(uid_t uid);

#endif
