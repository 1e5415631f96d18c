#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "spawn.h"

#define DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"

/* The step of the child's setup that failed, as the report says it. */
enum spawn_step {
	STEP_READY,
	STEP_SETUP,	/* signals, session, standard descriptors */
	STEP_USER,	/* groups, gid, uid */
	STEP_NNP,
	STEP_CHDIR,
	STEP_LOOKUP,
	STEP_EXEC,
};

struct report {
	int step;
	int err;
	char path[sizeof ((struct spawn *)0)->path];
};

/* --- in the child, between fork and exec: async-signal-safe calls only */

static void __attribute__((noreturn))
child_fail(int fd, struct report *r, enum spawn_step step)
{
	r->step = step;
	r->err = errno;
	(void)!write(fd, r, sizeof *r);
	_exit(127);
}

/* dir + "/" + name into out; false when it does not fit. */
static bool
child_join(char *out, size_t len, const char *dir, size_t dirlen, const char *name)
{
	size_t n = strlen(name);

	if (dirlen + 1 + n + 1 > len)
		return false;
	memcpy(out, dir, dirlen);
	out[dirlen] = '/';
	memcpy(out + dirlen + 1, name, n + 1);
	return true;
}

/* Whether path is a program the child (now the client) may run; errno. */
static bool
child_runnable(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) == -1)
		return false;
	if (S_ISDIR(sb.st_mode)) {
		errno = EISDIR;
		return false;
	}
	return access(path, X_OK) == 0;
}

static const char *
child_search_path(char *const *envp)
{
	for (; *envp != NULL; envp++)
		if (strncmp(*envp, "PATH=", 5) == 0)
			return *envp + 5;
	return DEFAULT_PATH;
}

/* execvp's search, as the client: the first runnable PATH entry. */
static bool
child_lookup(const struct spawn_req *req, char *out, size_t len)
{
	const char *prog = req->argv[0], *p, *end;
	int first = ENOENT;

	if (strchr(prog, '/') != NULL) {
		if (prog[0] != '/' && req->cwd != NULL) {
			if (!child_join(out, len, req->cwd, strlen(req->cwd), prog)) {
				errno = ENAMETOOLONG;
				return false;
			}
		} else if (strlen(prog) < len) {
			memcpy(out, prog, strlen(prog) + 1);
		} else {
			errno = ENAMETOOLONG;
			return false;
		}
		return child_runnable(out);
	}
	for (p = child_search_path(req->envp); ; p = end + 1) {
		end = strchrnul(p, ':');
		if (child_join(out, len, p, (size_t)(end - p), prog)) {
			if (child_runnable(out))
				return true;
			/* A match that cannot be run says more than "not found". */
			if (errno != ENOENT && errno != ENOTDIR && first == ENOENT)
				first = errno;
		}
		if (*end == '\0')
			break;
	}
	errno = first;
	return false;
}

static void __attribute__((noreturn))
child_run(const struct spawn_req *req, int gate, int report)
{
	static struct report r;
	sigset_t none;
	char ch;

	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) == -1 ||
	    signal(SIGPIPE, SIG_DFL) == SIG_ERR || setsid() == -1 ||
	    dup2(req->null_fd, 0) == -1 || dup2(req->log_fd, 1) == -1 ||
	    dup2(req->log_fd, 2) == -1)
		child_fail(report, &r, STEP_SETUP);
	/* Groups and gid first: once the uid is the client's, they cannot
	 * be changed. Every step after this one is done as the client. */
	if (req->change_user && (setgroups((size_t)req->ngroups, req->groups) == -1 ||
	    setresgid(req->gid, req->gid, req->gid) == -1 ||
	    setresuid(req->uid, req->uid, req->uid) == -1))
		child_fail(report, &r, STEP_USER);
	if (req->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		child_fail(report, &r, STEP_NNP);
	if (req->cwd != NULL && chdir(req->cwd) == -1)
		child_fail(report, &r, STEP_CHDIR);
	if (!child_lookup(req, r.path, sizeof r.path))
		child_fail(report, &r, STEP_LOOKUP);
	r.step = STEP_READY;
	if (write(report, &r, sizeof r) != (ssize_t)sizeof r)
		_exit(127);
	while (read(gate, &ch, 1) == -1 && errno == EINTR)
		;
	execve(r.path, req->argv, req->envp);
	child_fail(report, &r, STEP_EXEC);
}

/* --- in the daemon */

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * One report from the child: 1 when read whole, 0 at EOF (it executed its
 * program, or died), -1 with errno (ETIMEDOUT past SPAWN_WAIT_MS). The
 * child's steps are few system calls, but its directory or program may be
 * on a file system that hangs: the wait is bounded.
 */
static int
report_read(int fd, struct report *r)
{
	long long deadline = now_ms() + SPAWN_WAIT_MS;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t got = 0;
	ssize_t n;
	int left;

	while (got < sizeof *r) {
		if ((left = (int)(deadline - now_ms())) <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (poll(&pfd, 1, left) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if ((pfd.revents & (POLLIN | POLLHUP | POLLERR)) == 0)
			continue;
		if ((n = read(fd, (char *)r + got, sizeof *r - got)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			return got == 0 ? 0 : (errno = EPROTO, -1);
		got += (size_t)n;
	}
	return 1;
}

static void
report_error(const struct spawn_req *req, const struct report *r, char *err,
    size_t errlen)
{
	const char *what = strerror(r->err);

	switch (r->step) {
	case STEP_USER:
		snprintf(err, errlen, "cannot run as uid %u: %s", (unsigned)req->uid, what);
		break;
	case STEP_NNP:
		snprintf(err, errlen, "cannot set no_new_privs: %s", what);
		break;
	case STEP_CHDIR:
		snprintf(err, errlen, "cannot change to directory %s: %s", req->cwd, what);
		break;
	case STEP_LOOKUP:
		snprintf(err, errlen, "%s: %s", req->argv[0], what);
		break;
	case STEP_EXEC:
		snprintf(err, errlen, "cannot execute %s: %s", r->path, what);
		break;
	default:
		snprintf(err, errlen, "cannot prepare the new process: %s", what);
		break;
	}
}

static void
spawn_close(struct spawn *sp)
{
	if (sp->gate != -1)
		close(sp->gate);
	if (sp->report != -1)
		close(sp->report);
	sp->gate = sp->report = -1;
}

void
spawn_abort(struct spawn *sp)
{
	/* It exits, untraced: the engine's reaper takes it as a stranger. */
	if (sp->pid > 0 && kill(sp->pid, SIGKILL) == -1 && errno != ESRCH)
		log_warn("kill %d: %s", (int)sp->pid, strerror(errno));
	spawn_close(sp);
}

int
spawn_start(const struct spawn_req *req, struct spawn *sp, char *err, size_t errlen)
{
	struct report r;
	int gate[2], report[2];

	*sp = (struct spawn){ .pid = -1, .gate = -1, .report = -1 };
	if (req->argv[0] == NULL || req->argv[0][0] == '\0') {
		snprintf(err, errlen, "no program: the program name is empty");
		return -1;
	}
	if (pipe2(gate, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	if (pipe2(report, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		close(gate[0]);
		close(gate[1]);
		return -1;
	}
	if ((sp->pid = fork()) == -1) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(gate[0]);
		close(gate[1]);
		close(report[0]);
		close(report[1]);
		return -1;
	}
	if (sp->pid == 0) {
		close(gate[1]);
		close(report[0]);
		child_run(req, gate[0], report[1]);
	}
	close(gate[0]);
	close(report[1]);
	sp->gate = gate[1];
	sp->report = report[0];
	switch (report_read(sp->report, &r)) {
	case 1:
		if (r.step == STEP_READY)
			break;
		report_error(req, &r, err, errlen);
		spawn_close(sp);
		return -1;
	case 0:
		snprintf(err, errlen, "the new process ended before it was ready");
		spawn_abort(sp);
		return -1;
	default:
		snprintf(err, errlen, "the new process did not get ready within %d ms "
		    "(%s): its directory or program may be on a file system that "
		    "does not answer", SPAWN_WAIT_MS, strerror(errno));
		spawn_abort(sp);
		return -1;
	}
	r.path[sizeof r.path - 1] = '\0';
	memcpy(sp->path, r.path, sizeof sp->path);
	return 0;
}

int
spawn_exec(struct spawn *sp, char *err, size_t errlen)
{
	struct spawn_req none = { .argv = (char *[]){ sp->path, NULL } };
	struct report r;
	int rc;

	close(sp->gate);
	sp->gate = -1;
	/* EOF: the exec closed the pipe (close-on-exec), before its stop. */
	rc = report_read(sp->report, &r);
	spawn_close(sp);
	if (rc == 0)
		return 0;
	if (rc == 1)
		report_error(&none, &r, err, errlen);
	else
		snprintf(err, errlen, "the new process did not execute %s within %d ms: %s",
		    sp->path, SPAWN_WAIT_MS, strerror(errno));
	return -1;
}

char **
spawn_client_env(uid_t uid)
{
	struct passwd *pw = getpwuid(uid);
	const char *home = pw != NULL && pw->pw_dir != NULL ? pw->pw_dir : "/";
	const char *shell = pw != NULL && pw->pw_shell != NULL && pw->pw_shell[0] != '\0' ?
	    pw->pw_shell : "/bin/sh";
	char name[32];
	const char *user = name;
	char **env, *p;
	size_t len;
	int n;

	if (pw != NULL && pw->pw_name != NULL)
		user = pw->pw_name;
	else
		snprintf(name, sizeof name, "%u", (unsigned)uid);
	len = 6 * sizeof *env + strlen(home) + 2 * strlen(user) + strlen(shell) +
	    sizeof "HOME=USER=LOGNAME=SHELL=PATH=" DEFAULT_PATH + 5;
	if ((env = malloc(len)) == NULL)
		return NULL;
	p = (char *)(env + 6);
	n = 0;
	env[n++] = p;
	p += sprintf(p, "HOME=%s", home) + 1;
	env[n++] = p;
	p += sprintf(p, "USER=%s", user) + 1;
	env[n++] = p;
	p += sprintf(p, "LOGNAME=%s", user) + 1;
	env[n++] = p;
	p += sprintf(p, "SHELL=%s", shell) + 1;
	env[n++] = p;
	sprintf(p, "PATH=%s", DEFAULT_PATH);
	env[n] = NULL;
	return env;
}
