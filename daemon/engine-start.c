/*
 * Bringing processes under trace: .attach (every thread, including those
 * created while attaching) and re-seizing a target the model already has
 * (.create: engine-create.c). Each seize is a bounded try (seize.h); what
 * must wait for an exec to end waits in engine-attach.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
#include "seize.h"
#include "store.h"

const char *
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

/*
 * Threads appear while we attach: list the tasks until a pass finds none
 * to seize. One that refuses with EPERM was auto-attached through its
 * creator's clone event, which will name it. A thread of the process in
 * the middle of an exec makes every seize wait (they share the lock the
 * exec holds): the pass ends there, and -1 says the rest is to be tried
 * again (engine-attach.c).
 */
int
seize_threads(struct target *t)
{
	pid_t *tids;
	int i, n, seized;

	do {
		seized = 0;
		if ((n = procfs_tasks(t->pid, &tids)) == -1)
			return 0;
		for (i = 0; i < n; i++) {
			if (thread_by_tid(tids[i]) != NULL)
				continue;
			switch (seize_try(tids[i], TRACE_OPTIONS)) {
			case SEIZE_OK:
				thread_add(t, tids[i], TH_RUNNING);
				seized++;
				break;
			case SEIZE_BUSY:
				free(tids);
				return -1;
			case SEIZE_FAILED:
				break;
			}
		}
		free(tids);
	} while (seized > 0);
	return 0;
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

void
release_unrecorded(pid_t pid)
{
	stranger_release(pid);
	ptrace_ok(ptrace(PTRACE_INTERRUPT, pid, 0, 0), "PTRACE_INTERRUPT", pid);
}

enum attach_try
engine_attach_try(struct session *s, pid_t pid, uid_t peer_uid,
    unsigned long long *start_time, struct target **tp, char *err, size_t errlen)
{
	struct proc_status ps;
	struct target_params p = { .pid = pid, .how = HOW_ATTACH };
	struct target *t;
	char *exe, *cmdline, buf[160];

	*tp = NULL;
	if (pid <= 0) {
		error_msg(err, errlen, "bad pid %d", (int)pid);
		return ATTACH_REFUSED;
	}
	if (pid == getpid()) {
		error_msg(err, errlen, "pid %d is tetherd itself", (int)pid);
		return ATTACH_REFUSED;
	}
	if ((t = target_by_pid(pid)) != NULL) {
		error_msg(err, errlen, "pid %d is already target |%d of session %s",
		    (int)pid, t->ordinal, t->session->name);
		return ATTACH_REFUSED;
	}
	/* A try after the first: the same process, or it has ended. */
	if (procfs_status(pid, &ps) == -1 ||
	    procfs_start_time(pid, &p.start_time) == -1 ||
	    (*start_time != 0 && p.start_time != *start_time)) {
		error_msg(err, errlen, "no such process: %d", (int)pid);
		return ATTACH_REFUSED;
	}
	*start_time = p.start_time;
	if (ps.tgid != pid) {
		error_msg(err, errlen, "%d is a thread of process %d: attach to the process",
		    (int)pid, (int)ps.tgid);
		return ATTACH_REFUSED;
	}
	if (!creds_may_access(pid, peer_uid, buf, sizeof buf)) {
		error_msg(err, errlen, "permission denied: %s", buf);
		return ATTACH_REFUSED;
	}
	if (ps.tracer != 0) {
		error_msg(err, errlen, "process %d is already traced by pid %d",
		    (int)pid, (int)ps.tracer);
		return ATTACH_REFUSED;
	}
	switch (seize_try(pid, TRACE_OPTIONS)) {
	case SEIZE_OK:
		break;
	case SEIZE_BUSY:
		return ATTACH_BUSY;
	case SEIZE_FAILED:
		error_msg(err, errlen, "cannot attach to %d: %s", (int)pid,
		    seize_error(errno, buf, sizeof buf));
		return ATTACH_REFUSED;
	}
	/* It may have exec'd a setuid program between the check and the
	 * seize: look again now that it is ours. An exec after the seize
	 * stops at its exec event, where the engine checks it again. */
	if (!creds_may_access(pid, peer_uid, buf, sizeof buf)) {
		release_unrecorded(pid);
		error_msg(err, errlen, "permission denied: %s", buf);
		return ATTACH_REFUSED;
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
		return ATTACH_REFUSED;
	}
	thread_add(t, pid, TH_RUNNING);
	if (seize_threads(t) == -1)
		threads_wait(t);
	*tp = t;
	return ATTACH_JOINED;
}

enum attach_try
engine_seize(struct target *t, char *err, size_t errlen)
{
	unsigned long long start;
	char buf[160];

	switch (seize_try(t->pid, TRACE_OPTIONS)) {
	case SEIZE_OK:
		break;
	case SEIZE_BUSY:
		error_msg(err, errlen, "process %d is in the middle of an exec",
		    (int)t->pid);
		return ATTACH_BUSY;
	case SEIZE_FAILED:
		error_msg(err, errlen, "cannot attach to %d: %s", (int)t->pid,
		    seize_error(errno, buf, sizeof buf));
		return ATTACH_REFUSED;
	}
	/* Traced, the process keeps its pid until we reap it: only now is
	 * its start time the identity of what we hold. Another process that
	 * took the pid since the caller looked is let go untouched. */
	if (procfs_start_time(t->pid, &start) == -1 || start != t->start_time) {
		release_unrecorded(t->pid);
		error_msg(err, errlen, "pid %d now belongs to another process",
		    (int)t->pid);
		return ATTACH_REFUSED;
	}
	thread_add(t, t->pid, TH_RUNNING);
	if (seize_threads(t) == -1)
		threads_wait(t);
	return ATTACH_JOINED;
}
