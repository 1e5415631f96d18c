/*
 * Bringing processes under trace: .attach (every thread, including those
 * created while attaching), .create (traced from its first instruction),
 * and re-seizing a target the model already has.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "creds.h"
#include "engine-internal.h"
#include "log.h"
#include "procfs.h"
#include "store.h"

static const char *
seize_error(int err, char *buf, size_t len)
{
	int scope;

	if (err == EPERM && (scope = procfs_yama_scope()) >= 1) {
		snprintf(buf, len, "%s (kernel.yama.ptrace_scope is %d: tetherd "
		    "needs CAP_SYS_PTRACE, or ptrace_scope 0)", strerror(err), scope);
		return buf;
	}
	return strerror(err);
}

/* Threads appear while we attach: list the tasks until a pass finds none
 * to seize. One that refuses with EPERM was auto-attached through its
 * creator's clone event, which will name it. */
static void
seize_threads(struct target *t)
{
	pid_t *tids;
	int i, n, seized;

	do {
		seized = 0;
		if ((n = procfs_tasks(t->pid, &tids)) == -1)
			return;
		for (i = 0; i < n; i++) {
			if (thread_by_tid(tids[i]) != NULL)
				continue;
			if (ptrace(PTRACE_SEIZE, tids[i], 0, TRACE_OPTIONS) == 0) {
				thread_add(t, tids[i], TH_RUNNING);
				seized++;
			}
		}
		free(tids);
	} while (seized > 0);
}

static void
error_msg(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
error_msg(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* A target that could not be recorded is let go at its next stop. */
static void
release_unrecorded(pid_t pid)
{
	stranger_release(pid);
	ptrace_ok(ptrace(PTRACE_INTERRUPT, pid, 0, 0), "PTRACE_INTERRUPT", pid);
}

struct target *
engine_attach(struct session *s, pid_t pid, uid_t peer_uid, char *err,
    size_t errlen)
{
	struct proc_status ps;
	struct target_params p = { .pid = pid, .how = HOW_ATTACH };
	struct target *t;
	char *exe, *cmdline, buf[160];

	if (pid <= 0) {
		error_msg(err, errlen, "bad pid %d", (int)pid);
		return NULL;
	}
	if (pid == getpid()) {
		error_msg(err, errlen, "pid %d is tetherd itself", (int)pid);
		return NULL;
	}
	if ((t = target_by_pid(pid)) != NULL) {
		error_msg(err, errlen, "pid %d is already target |%d of session %s",
		    (int)pid, t->ordinal, t->session->name);
		return NULL;
	}
	if (procfs_status(pid, &ps) == -1 ||
	    procfs_start_time(pid, &p.start_time) == -1) {
		error_msg(err, errlen, "no such process: %d", (int)pid);
		return NULL;
	}
	if (ps.tgid != pid) {
		error_msg(err, errlen, "%d is a thread of process %d: attach to the process",
		    (int)pid, (int)ps.tgid);
		return NULL;
	}
	if (!creds_may_access(pid, peer_uid, buf, sizeof buf)) {
		error_msg(err, errlen, "permission denied: %s", buf);
		return NULL;
	}
	if (ps.tracer != 0) {
		error_msg(err, errlen, "process %d is already traced by pid %d",
		    (int)pid, (int)ps.tracer);
		return NULL;
	}
	if (ptrace(PTRACE_SEIZE, pid, 0, TRACE_OPTIONS) == -1) {
		error_msg(err, errlen, "cannot attach to %d: %s", (int)pid,
		    seize_error(errno, buf, sizeof buf));
		return NULL;
	}
	/* It may have exec'd a setuid program between the check and the
	 * seize: look again now that it is ours. An exec after the seize
	 * stops at its exec event, where the engine checks it again. */
	if (!creds_may_access(pid, peer_uid, buf, sizeof buf)) {
		release_unrecorded(pid);
		error_msg(err, errlen, "permission denied: %s", buf);
		return NULL;
	}
	exe = procfs_exe(pid);
	cmdline = procfs_cmdline(pid);
	p.uid = ps.uid;
	p.exe = exe != NULL ? exe : "?";
	p.cmdline = cmdline != NULL ? cmdline : "";
	t = target_join(s, &p);
	free(exe);
	free(cmdline);
	if (t == NULL) {
		release_unrecorded(pid);
		error_msg(err, errlen, "cannot record process %d: %s", (int)pid,
		    store_errmsg(model_store()));
		return NULL;
	}
	thread_add(t, pid, TH_RUNNING);
	seize_threads(t);
	return t;
}

int
engine_seize(struct target *t, char *err, size_t errlen)
{
	unsigned long long start;
	char buf[160];

	if (ptrace(PTRACE_SEIZE, t->pid, 0, TRACE_OPTIONS) == -1) {
		error_msg(err, errlen, "cannot attach to %d: %s", (int)t->pid,
		    seize_error(errno, buf, sizeof buf));
		return -1;
	}
	/* Traced, the process keeps its pid until we reap it: only now is
	 * its start time the identity of what we hold. Another process that
	 * took the pid since the caller looked is let go untouched. */
	if (procfs_start_time(t->pid, &start) == -1 || start != t->start_time) {
		release_unrecorded(t->pid);
		error_msg(err, errlen, "pid %d now belongs to another process",
		    (int)t->pid);
		return -1;
	}
	thread_add(t, t->pid, TH_RUNNING);
	seize_threads(t);
	return 0;
}

/* execvp's search, done before the fork so that a typo is a clear error
 * instead of a target that exits with 127. */
static int
resolve_program(const char *prog, const char *cwd, char *out, size_t len)
{
	const char *path, *p, *end;
	char cand[PATH_MAX];

	if (strchr(prog, '/') != NULL) {
		if (prog[0] == '/' || cwd == NULL)
			snprintf(cand, sizeof cand, "%s", prog);
		else
			snprintf(cand, sizeof cand, "%s/%s", cwd, prog);
		if (access(cand, X_OK) == -1)
			return -1;
		return realpath(cand, out) != NULL && strlen(out) < len ? 0 : -1;
	}
	if ((path = getenv("PATH")) == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; *p != '\0'; p = *end ? end + 1 : end) {
		end = strchrnul(p, ':');
		snprintf(cand, sizeof cand, "%.*s/%s", (int)(end - p), p, prog);
		if (access(cand, X_OK) == 0 && realpath(cand, out) != NULL)
			return 0;
	}
	errno = ENOENT;
	return -1;
}

struct create_child {
	int gate;		/* read end: EOF once the parent has seized us */
	int log;
	int null;
	const char *path;
	const struct create_params *p;
	bool change_user;
	int ngroups;
	gid_t *groups;
};

/* In the child, between fork and exec: only async-signal-safe calls. */
static void __attribute__((noreturn))
create_child_exec(const struct create_child *c)
{
	sigset_t none;
	char ch;

	while (read(c->gate, &ch, 1) == -1 && errno == EINTR)
		;
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) == -1 ||
	    signal(SIGPIPE, SIG_DFL) == SIG_ERR || setsid() == -1 ||
	    dup2(c->null, 0) == -1 || dup2(c->log, 1) == -1 || dup2(c->log, 2) == -1)
		_exit(127);
	if (c->p->cwd != NULL && chdir(c->p->cwd) == -1) {
		dprintf(2, "tetherd: chdir %s: %s\n", c->p->cwd, strerror(errno));
		_exit(127);
	}
	if (c->change_user && (setgroups(c->ngroups, c->groups) == -1 ||
	    setgid(c->p->gid) == -1 || setuid(c->p->uid) == -1)) {
		dprintf(2, "tetherd: cannot run as uid %u: %s\n", (unsigned)c->p->uid,
		    strerror(errno));
		_exit(127);
	}
	/* What a client starts never gains privileges it lacks: a root
	 * tracer would let a setuid exec take effect (DESIGN §6). */
	if (c->p->uid != 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		dprintf(2, "tetherd: no_new_privs: %s\n", strerror(errno));
		_exit(127);
	}
	execv(c->path, c->p->argv);
	dprintf(2, "tetherd: exec %s: %s\n", c->path, strerror(errno));
	_exit(127);
}

static int
create_groups(struct create_child *c)
{
	struct passwd *pw = getpwuid(c->p->uid);
	int n = 64;

	c->ngroups = 1;
	if ((c->groups = calloc(n, sizeof *c->groups)) == NULL)
		return -1;
	c->groups[0] = c->p->gid;
	if (pw == NULL)
		return 0;
	if (getgrouplist(pw->pw_name, c->p->gid, c->groups, &n) == -1) {
		gid_t *more = reallocarray(c->groups, n, sizeof *more);
		if (more == NULL)
			return -1;
		c->groups = more;
		if (getgrouplist(pw->pw_name, c->p->gid, c->groups, &n) == -1)
			return -1;
	}
	c->ngroups = n;
	return 0;
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

struct target *
engine_create(struct session *s, const struct create_params *p, char *err,
    size_t errlen)
{
	struct create_child c = { .p = p, .log = p->log_fd, .null = -1 };
	struct target_params tp = { .how = HOW_CREATE, .uid = p->uid };
	struct target *t = NULL;
	char path[PATH_MAX];
	int gate[2] = { -1, -1 };
	pid_t pid;

	if (resolve_program(p->argv[0], p->cwd, path, sizeof path) == -1) {
		error_msg(err, errlen, "%s: %s", p->argv[0], strerror(errno));
		return NULL;
	}
	c.path = path;
	c.change_user = p->uid != getuid();
	if ((c.null = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1 ||
	    (c.change_user && create_groups(&c) == -1) ||
	    pipe2(gate, O_CLOEXEC) == -1) {
		error_msg(err, errlen, "cannot prepare the new process: %s", strerror(errno));
		goto out;
	}
	c.gate = gate[0];
	if ((pid = fork()) == -1) {
		error_msg(err, errlen, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		close(gate[1]);
		create_child_exec(&c);
	}
	if (ptrace(PTRACE_SEIZE, pid, 0, TRACE_OPTIONS) == -1) {
		error_msg(err, errlen, "cannot trace the new process: %s", strerror(errno));
		if (kill(pid, SIGKILL) == -1)
			log_warn("kill %d: %s", (int)pid, strerror(errno));
		goto out;
	}
	tp.pid = pid;
	tp.exe = path;
	if (procfs_start_time(pid, &tp.start_time) == -1)
		log_warn("start time of %d: %s", (int)pid, strerror(errno));
	tp.cmdline = join_argv(p->argv);
	if (tp.cmdline != NULL)
		t = target_join(s, &tp);
	free((char *)tp.cmdline);
	if (t == NULL) {
		release_unrecorded(pid);
		error_msg(err, errlen, "cannot record the new process: %s",
		    store_errmsg(model_store()));
		goto out;
	}
	thread_add(t, pid, TH_RUNNING);
out:
	/* Closing the write end lets the child go on to exec. */
	if (gate[0] != -1)
		close(gate[0]);
	if (gate[1] != -1)
		close(gate[1]);
	if (c.null != -1)
		close(c.null);
	free(c.groups);
	return t;
}
