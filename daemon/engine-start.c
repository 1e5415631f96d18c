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
#include <sys/stat.h>
#include <unistd.h>

#include "creds.h"
#include "engine-internal.h"
#include "log.h"
#include "procfs.h"
#include "spawn.h"
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

/* The client's groups, as initgroups would set them. */
static gid_t *
create_groups(uid_t uid, gid_t gid, int *count)
{
	struct passwd *pw = getpwuid(uid);
	gid_t *groups, *more;
	int n = 64;

	if ((groups = calloc(n, sizeof *groups)) == NULL)
		return NULL;
	groups[0] = gid;
	*count = 1;
	if (pw == NULL)
		return groups;
	if (getgrouplist(pw->pw_name, gid, groups, &n) == -1) {
		if ((more = reallocarray(groups, n, sizeof *more)) == NULL) {
			free(groups);
			return NULL;
		}
		groups = more;
		if (getgrouplist(pw->pw_name, gid, groups, &n) == -1) {
			free(groups);
			return NULL;
		}
	}
	*count = n;
	return groups;
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

struct target *
engine_create(struct session *s, const struct create_params *p, char *err,
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
	struct target_params tp = { .how = HOW_CREATE, .uid = p->uid };
	struct target *t = NULL;
	struct spawn sp = { .pid = -1, .gate = -1, .report = -1 };
	char **client_env = NULL, *real, msg[PATH_MAX + 128];
	gid_t *groups = NULL;

	/* A client other than root gets a clean environment, not tetherd's. */
	if (req.envp == NULL && req.change_user)
		req.envp = client_env = spawn_client_env(p->uid);
	else if (req.envp == NULL)
		req.envp = environ;
	if (req.envp == NULL ||
	    (req.change_user && (groups = create_groups(p->uid, p->gid, &req.ngroups)) == NULL) ||
	    (req.null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1) {
		error_msg(err, errlen, "cannot prepare the new process: %s", strerror(errno));
		goto out;
	}
	req.groups = groups;
	if (spawn_start(&req, &sp, err, errlen) == -1)
		goto out;
	if (ptrace(PTRACE_SEIZE, sp.pid, 0, TRACE_OPTIONS) == -1) {
		error_msg(err, errlen, "cannot trace the new process: %s", strerror(errno));
		spawn_abort(&sp);
		goto out;
	}
	tp.pid = sp.pid;
	/* The name the client found, without its links. */
	real = realpath(sp.path, NULL);
	tp.exe = real != NULL ? real : sp.path;
	if (procfs_start_time(sp.pid, &tp.start_time) == -1)
		log_warn("start time of %d: %s", (int)sp.pid, strerror(errno));
	tp.cmdline = join_argv(p->argv);
	if (tp.cmdline != NULL)
		t = target_join(s, &tp);
	free((char *)tp.cmdline);
	free(real);
	if (t == NULL) {
		/* Killed before it runs anything: no trace of it is wanted. */
		spawn_abort(&sp);
		error_msg(err, errlen, "cannot record the new process: %s",
		    store_errmsg(model_store()));
		goto out;
	}
	thread_add(t, sp.pid, TH_RUNNING);
	/* Recorded: it may run its program now. A failed exec ends it (exit
	 * 127, recorded) and the client is told why. */
	if (spawn_exec(&sp, msg, sizeof msg) == -1) {
		error_msg(err, errlen, "%s", msg);
		t = NULL;
	}
out:
	if (req.null_fd != -1)
		close(req.null_fd);
	free(groups);
	free(client_env);
	return t;
}
