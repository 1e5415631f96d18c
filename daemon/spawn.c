#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "spawn.h"

#define DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"

/*
 * --- in the child, between fork and exec: async-signal-safe calls only,
 * but for the client's account (child_account)
 */

static void __attribute__((noreturn))
child_fail(int fd, struct spawn_report *r, enum spawn_step step)
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
child_lookup(const struct spawn_req *req, char *const *envp, char *out, size_t len)
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
	for (p = child_search_path(envp); ; p = end + 1) {
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

/* The environment of a program started for a client: HOME, USER, LOGNAME
 * and SHELL from its password entry (pw may be NULL), PATH the default;
 * nothing of tetherd's own. One malloc'd block; NULL (errno). */
static char **
client_env(const struct passwd *pw, uid_t uid)
{
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

/* The client's groups, as initgroups would set them: gid alone when it has
 * no password entry. NULL (errno). */
static gid_t *
client_groups(const struct passwd *pw, gid_t gid, int *count)
{
	gid_t *groups, *more;
	int n = 64;

	if ((groups = calloc((size_t)n, sizeof *groups)) == NULL)
		return NULL;
	groups[0] = gid;
	*count = 1;
	if (pw == NULL)
		return groups;
	if (getgrouplist(pw->pw_name, gid, groups, &n) == -1) {
		if ((more = reallocarray(groups, (size_t)n, sizeof *more)) == NULL)
			return NULL;
		groups = more;
		if (getgrouplist(pw->pw_name, gid, groups, &n) == -1) {
			errno = E2BIG;
			return NULL;
		}
	}
	*count = n;
	return groups;
}

/*
 * The client's account, looked up here and not in the daemon: the name
 * service (LDAP, sssd on a farm) may take its time, and the loop never
 * waits. It is not async-signal-safe, and need not be: only the loop's
 * thread ever calls the name service, so no other thread holds a lock of
 * it at the fork, and glibc's fork leaves malloc and stdio usable in the
 * child. Sets its groups and, when none was given, the environment
 * (*envp). false (errno) when they cannot be had.
 */
static bool
child_account(const struct spawn_req *req, char *const **envp)
{
	struct passwd *pw;
	gid_t *groups;
	char **env;
	int n;

	errno = 0;
	pw = getpwuid(req->uid);
	if ((groups = client_groups(pw, req->gid, &n)) == NULL ||
	    setgroups((size_t)n, groups) == -1)
		return false;
	if (*envp == NULL) {
		if ((env = client_env(pw, req->uid)) == NULL)
			return false;
		*envp = env;
	}
	return true;
}

static void __attribute__((noreturn))
child_run(const struct spawn_req *req, int gate, int report)
{
	static struct spawn_report r;
	char *const *envp = req->envp;
	sigset_t none;
	char ch;

	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) == -1 ||
	    signal(SIGPIPE, SIG_DFL) == SIG_ERR || setsid() == -1 ||
	    dup2(req->null_fd, 0) == -1 || dup2(req->log_fd, 1) == -1 ||
	    dup2(req->log_fd, 2) == -1)
		child_fail(report, &r, SPAWN_SETUP);
	/* Groups and gid first: once the uid is the client's, they cannot
	 * be changed. Every step after this one is done as the client. */
	if (req->change_user && (!child_account(req, &envp) ||
	    setresgid(req->gid, req->gid, req->gid) == -1 ||
	    setresuid(req->uid, req->uid, req->uid) == -1))
		child_fail(report, &r, SPAWN_USER);
	if (req->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		child_fail(report, &r, SPAWN_NNP);
	if (req->cwd != NULL && chdir(req->cwd) == -1)
		child_fail(report, &r, SPAWN_CHDIR);
	if (!child_lookup(req, envp, r.path, sizeof r.path))
		child_fail(report, &r, SPAWN_LOOKUP);
	r.step = SPAWN_READY;
	if (write(report, &r, sizeof r) != (ssize_t)sizeof r)
		_exit(127);
	while (read(gate, &ch, 1) == -1 && errno == EINTR)
		;
	execve(r.path, req->argv, envp);
	child_fail(report, &r, SPAWN_EXEC);
}

/* --- in the daemon */

int
spawn_read(struct spawn *sp)
{
	ssize_t n;

	while (sp->got < sizeof sp->r) {
		n = read(sp->report, (char *)&sp->r + sp->got, sizeof sp->r - sp->got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0) {
			if (sp->got == 0)
				return 0;
			errno = EPROTO;
			return -1;
		}
		sp->got += (size_t)n;
	}
	sp->r.path[sizeof sp->r.path - 1] = '\0';
	return 1;
}

void
spawn_report_error(const struct spawn *sp, char *err, size_t errlen)
{
	const char *what = strerror(sp->r.err);

	switch (sp->r.step) {
	case SPAWN_USER:
		snprintf(err, errlen, "cannot run as uid %u: %s", (unsigned)sp->uid, what);
		break;
	case SPAWN_NNP:
		snprintf(err, errlen, "cannot set no_new_privs: %s", what);
		break;
	case SPAWN_CHDIR:
		snprintf(err, errlen, "cannot change to directory %s: %s", sp->cwd, what);
		break;
	case SPAWN_LOOKUP:
		snprintf(err, errlen, "%s: %s", sp->prog, what);
		break;
	case SPAWN_EXEC:
		snprintf(err, errlen, "cannot execute %s: %s", sp->r.path, what);
		break;
	default:
		snprintf(err, errlen, "cannot prepare the new process: %s", what);
		break;
	}
}

void
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

void
spawn_go(struct spawn *sp)
{
	close(sp->gate);
	sp->gate = -1;
	sp->got = 0;
}

int
spawn_start(const struct spawn_req *req, struct spawn *sp, char *err, size_t errlen)
{
	int gate[2], report[2];

	*sp = (struct spawn){ .pid = -1, .gate = -1, .report = -1, .uid = req->uid };
	if (req->argv[0] == NULL || req->argv[0][0] == '\0') {
		snprintf(err, errlen, "no program: the program name is empty");
		return -1;
	}
	snprintf(sp->prog, sizeof sp->prog, "%s", req->argv[0]);
	snprintf(sp->cwd, sizeof sp->cwd, "%s", req->cwd != NULL ? req->cwd : ".");
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
	if (fcntl(sp->report, F_SETFL, O_NONBLOCK) == -1) {
		snprintf(err, errlen, "fcntl: %s", strerror(errno));
		spawn_abort(sp);
		return -1;
	}
	return 0;
}
