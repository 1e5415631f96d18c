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
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>

#include "engine.h"
#include "log.h"
#include "procfs.h"
#include "store.h"

/*
 * No PTRACE_O_EXITKILL: targets must outlive a crash of the daemon so that
 * the next one can find them again.
 */
#define TRACE_OPTIONS (PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | \
	PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC)

enum op_kind { OP_DETACH, OP_KILL };

struct op {
	enum op_kind kind;
	op_done_fn done;
	void *arg;
};

enum stop_kind {
	STOP_EVENT,	/* fork, clone, exec, interrupt, first stop of a new task */
	STOP_SIGNAL,	/* signal-delivery stop: the only one that can deliver */
	STOP_GROUP,	/* group-stop (job control): left with PTRACE_LISTEN */
};

/*
 * A task the kernel reported before its parent's fork or clone event named
 * it (the order of the two is not fixed), or a child of a target with
 * child-debug off, to be let go at its first stop.
 */
struct stranger {
	pid_t tid;
	int status;
	bool have_status;
	bool release;
	UT_hash_handle hh;
};

static struct event *sigchld_ev;
static struct stranger *strangers;

static void handle_status(pid_t tid, int status);

static bool
ptrace_ok(long rc, const char *what, pid_t tid)
{
	/* ESRCH: the task died or is not in a stop; its exit will be reported. */
	if (rc == -1 && errno != ESRCH) {
		log_warn("%s %d: %s", what, (int)tid, strerror(errno));
		return false;
	}
	return rc != -1;
}

static void
thread_resume(struct thread *th, enum stop_kind kind)
{
	int sig = th->pending_sig;

	th->pending_sig = 0;
	if (kind == STOP_GROUP) {
		th->state = TH_JOBSTOPPED;
		ptrace_ok(ptrace(PTRACE_LISTEN, th->tid, 0, 0), "PTRACE_LISTEN", th->tid);
		return;
	}
	th->state = TH_RUNNING;
	ptrace_ok(ptrace(PTRACE_CONT, th->tid, 0, (long)sig), "PTRACE_CONT", th->tid);
}

static void
op_finish(struct target *t, enum target_state state, int exit_code,
    int exit_signal, const char *kind, const char *detail)
{
	struct op *op = t->op;

	t->op = NULL;
	if (op != NULL)
		op->done(t, state, op->arg);
	target_end(t, state, exit_code, exit_signal, kind, detail);
	free(op);
}

/* A detach goes on once every thread is in a ptrace-stop. */
static void
detach_progress(struct target *t)
{
	struct thread *th;

	if (!target_all_stopped(t))
		return;
	TAILQ_FOREACH(th, &t->threads, entry) {
		/* A signal that arrived while the threads were being stopped
		 * was not an outstanding event: it is delivered, as it would
		 * have been had the daemon not been there. */
		ptrace_ok(ptrace(PTRACE_DETACH, th->tid, 0, (long)th->pending_sig),
		    "PTRACE_DETACH", th->tid);
	}
	op_finish(t, TS_DETACHED, -1, -1, "detach", NULL);
}

/* th has just entered a ptrace-stop of the given kind. */
static void
thread_stopped(struct thread *th, enum stop_kind kind)
{
	struct target *t = th->target;

	if (t->op != NULL && t->op->kind == OP_DETACH) {
		th->state = TH_STOPPED;
		detach_progress(t);
		return;
	}
	thread_resume(th, kind);
}

static void
stranger_forget(struct stranger *sg)
{
	HASH_DELETE(hh, strangers, sg);
	free(sg);
}

static struct stranger *
stranger_get(pid_t tid)
{
	struct stranger *sg;

	HASH_FIND(hh, strangers, &tid, sizeof tid, sg);
	if (sg == NULL) {
		if ((sg = calloc(1, sizeof *sg)) == NULL) {
			log_warn("out of memory");
			abort();
		}
		sg->tid = tid;
		HASH_ADD(hh, strangers, tid, sizeof sg->tid, sg);
	}
	return sg;
}

/* A new task has been named by its parent's event: replay a stop it
 * reported before that. */
static void
stranger_claim(pid_t tid)
{
	struct stranger *sg;
	int status;

	HASH_FIND(hh, strangers, &tid, sizeof tid, sg);
	if (sg == NULL || !sg->have_status)
		return;
	status = sg->status;
	stranger_forget(sg);
	handle_status(tid, status);
}

/* Lets a task go at its first stop (now, if that was already seen). */
static void
stranger_release(pid_t tid)
{
	struct stranger *sg = stranger_get(tid);

	if (sg->have_status) {
		ptrace_ok(ptrace(PTRACE_DETACH, tid, 0, 0), "PTRACE_DETACH", tid);
		stranger_forget(sg);
		return;
	}
	sg->release = true;
}

static void
handle_stranger(pid_t tid, int status)
{
	struct stranger *sg;

	if (!WIFSTOPPED(status)) {
		/* The end of a task no longer traced: a detached child of
		 * ours, or one let go. waitpid has reaped it. */
		HASH_FIND(hh, strangers, &tid, sizeof tid, sg);
		if (sg != NULL)
			stranger_forget(sg);
		return;
	}
	sg = stranger_get(tid);
	if (sg->release) {
		ptrace_ok(ptrace(PTRACE_DETACH, tid, 0, 0), "PTRACE_DETACH", tid);
		stranger_forget(sg);
		return;
	}
	sg->status = status;
	sg->have_status = true;
}

static void
on_new_task(struct thread *th, int event)
{
	struct target *t = th->target, *child;
	struct target_params p;
	struct proc_status ps;
	unsigned long msg;
	pid_t tid;
	char detail[96];

	if (ptrace(PTRACE_GETEVENTMSG, th->tid, 0, &msg) == -1) {
		ptrace_ok(-1, "PTRACE_GETEVENTMSG", th->tid);
		return;
	}
	tid = (pid_t)msg;
	/* A clone is a thread when it shares the thread group; fork and
	 * vfork never are. Only clones pay for the /proc read. */
	if (event == PTRACE_EVENT_CLONE &&
	    (procfs_status(tid, &ps) == -1 || ps.tgid == t->pid)) {
		thread_add(t, tid, TH_NEW);
		stranger_claim(tid);
		return;
	}
	if (!t->childdbg) {
		stranger_release(tid);
		return;
	}
	p = (struct target_params){
		.pid = tid, .how = HOW_CHILD, .parent = t, .uid = t->uid,
		/* Until it execs, a child is its parent's image. */
		.exe = t->exe, .cmdline = t->cmdline, .childdbg = true,
		.event_detail = detail,
	};
	snprintf(detail, sizeof detail, "{\"parent\":%d,\"via\":\"%s\"}",
	    t->ordinal, event == PTRACE_EVENT_FORK ? "fork" :
	    event == PTRACE_EVENT_VFORK ? "vfork" : "clone");
	if (procfs_start_time(tid, &p.start_time) == -1)
		p.start_time = 0;
	if ((child = target_join(t->session, &p)) == NULL) {
		stranger_release(tid);
		return;
	}
	thread_add(child, tid, TH_NEW);
	stranger_claim(tid);
}

/*
 * After an exec every other thread is gone, and one from a non-leader thread
 * has taken the leader's tid: th (found by that tid) now stands for it. Some
 * of the vanished threads are never reported, so they are dropped here.
 */
static void
on_exec(struct thread *th)
{
	struct target *t = th->target;
	struct thread *other, *next;
	char *exe, *cmdline, *detail;
	json_t *obj;

	for (other = TAILQ_FIRST(&t->threads); other != NULL; other = next) {
		next = TAILQ_NEXT(other, entry);
		if (other != th)
			thread_remove(other);
	}
	exe = procfs_exe(t->pid);
	cmdline = procfs_cmdline(t->pid);
	if (exe == NULL || cmdline == NULL) {
		free(exe);
		free(cmdline);
		return;
	}
	target_set_exe(t, exe, cmdline);
	obj = json_pack("{s:s}", "exe", exe);
	detail = obj != NULL ? json_dumps(obj, JSON_COMPACT) : NULL;
	target_event(t, "exec", detail);
	free(detail);
	json_decref(obj);
}

static void
on_signal(struct thread *th, int sig)
{
	char detail[96];

	snprintf(detail, sizeof detail, "{\"signal\":%d,\"name\":\"SIG%s\",\"tid\":%d}",
	    sig, sigabbrev_np(sig) != NULL ? sigabbrev_np(sig) : "?", (int)th->tid);
	th->pending_sig = sig;
	target_event(th->target, "signal", detail);
}

static void
thread_gone(struct thread *th, int status)
{
	struct target *t = th->target;
	char detail[64];
	bool killed;

	if (th->tid != t->pid) {
		thread_remove(th);
		if (t->op != NULL && t->op->kind == OP_DETACH)
			detach_progress(t);
		return;
	}
	/* The leader is reported last, once the whole thread group is gone. */
	if (WIFEXITED(status)) {
		snprintf(detail, sizeof detail, "{\"code\":%d}", WEXITSTATUS(status));
		op_finish(t, TS_EXITED, WEXITSTATUS(status), -1, "exit", detail);
		return;
	}
	killed = t->op != NULL && t->op->kind == OP_KILL && WTERMSIG(status) == SIGKILL;
	snprintf(detail, sizeof detail, "{\"signal\":%d}", WTERMSIG(status));
	op_finish(t, killed ? TS_KILLED : TS_EXITED, -1, WTERMSIG(status),
	    killed ? "kill" : "exit", detail);
}

static void
handle_status(pid_t tid, int status)
{
	struct thread *th = thread_by_tid(tid);
	int sig;

	if (th == NULL) {
		handle_stranger(tid, status);
		return;
	}
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		thread_gone(th, status);
		return;
	}
	if (!WIFSTOPPED(status))
		return;
	sig = WSTOPSIG(status);
	switch (status >> 16) {
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		on_new_task(th, status >> 16);
		thread_stopped(th, STOP_EVENT);
		break;
	case PTRACE_EVENT_EXEC:
		on_exec(th);
		thread_stopped(th, STOP_EVENT);
		break;
	case PTRACE_EVENT_STOP:
		/* A group-stop reports the stopping signal; an interrupt, a
		 * new task's first stop and the end of a group-stop report
		 * SIGTRAP. */
		thread_stopped(th, sig == SIGSTOP || sig == SIGTSTP ||
		    sig == SIGTTIN || sig == SIGTTOU ? STOP_GROUP : STOP_EVENT);
		break;
	case 0:
		on_signal(th, sig);
		thread_stopped(th, STOP_SIGNAL);
		break;
	default:
		thread_stopped(th, STOP_EVENT);
		break;
	}
}

static void
on_sigchld(evutil_socket_t fd, short what, void *arg)
{
	pid_t tid;
	int status;

	(void)fd;
	(void)what;
	(void)arg;
	/* SIGCHLD coalesces: drain until nothing is left. */
	for (;;) {
		tid = waitpid(-1, &status, __WALL | WNOHANG);
		if (tid == -1 && errno == EINTR)
			continue;
		if (tid == -1 && errno != ECHILD)
			log_warn("waitpid: %s", strerror(errno));
		if (tid <= 0)
			return;
		handle_status(tid, status);
	}
}

int
engine_init(struct event_base *base)
{
	sigchld_ev = evsignal_new(base, SIGCHLD, on_sigchld, NULL);
	if (sigchld_ev == NULL || evsignal_add(sigchld_ev, NULL) == -1) {
		log_warn("cannot watch SIGCHLD");
		return -1;
	}
	return 0;
}

void
engine_free(void)
{
	struct stranger *sg, *tmp;

	HASH_ITER(hh, strangers, sg, tmp)
		stranger_forget(sg);
	if (sigchld_ev != NULL)
		event_free(sigchld_ev);
	sigchld_ev = NULL;
}

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
	if (peer_uid != 0 && ps.uid != peer_uid) {
		error_msg(err, errlen, "permission denied: process %d runs as uid %u",
		    (int)pid, (unsigned)ps.uid);
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
	struct create_child c = { .p = p, .log = -1, .null = -1 };
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
	if ((c.log = open(p->logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640)) == -1 ||
	    (c.change_user && fchown(c.log, p->uid, p->gid) == -1) ||
	    (c.null = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1 ||
	    (c.change_user && create_groups(&c) == -1) ||
	    pipe2(gate, O_CLOEXEC) == -1) {
		error_msg(err, errlen, "cannot prepare %s: %s", p->logpath, strerror(errno));
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
	if (c.log != -1)
		close(c.log);
	if (c.null != -1)
		close(c.null);
	free(c.groups);
	return t;
}

static struct op *
op_start(struct target *t, enum op_kind kind, op_done_fn done, void *arg)
{
	struct op *op;

	if (t->op != NULL) {
		errno = EBUSY;
		return NULL;
	}
	if ((op = calloc(1, sizeof *op)) == NULL)
		return NULL;
	op->kind = kind;
	op->done = done;
	op->arg = arg;
	t->op = op;
	return op;
}

int
engine_detach(struct target *t, op_done_fn done, void *arg)
{
	struct thread *th;

	if (op_start(t, OP_DETACH, done, arg) == NULL)
		return -1;
	/* New threads (TH_NEW) stop by themselves; held ones are stopped. */
	TAILQ_FOREACH(th, &t->threads, entry)
		if (th->state == TH_RUNNING || th->state == TH_JOBSTOPPED)
			ptrace_ok(ptrace(PTRACE_INTERRUPT, th->tid, 0, 0),
			    "PTRACE_INTERRUPT", th->tid);
	detach_progress(t);
	return 0;
}

int
engine_kill(struct target *t, op_done_fn done, void *arg)
{
	if (op_start(t, OP_KILL, done, arg) == NULL)
		return -1;
	/* SIGKILL ends it even in a ptrace-stop; the exit comes through
	 * waitpid like any other. */
	if (kill(t->pid, SIGKILL) == -1 && errno != ESRCH) {
		int saved = errno;
		free(t->op);
		t->op = NULL;
		errno = saved;
		return -1;
	}
	return 0;
}

int
engine_continue(struct target *t)
{
	struct thread *th;
	int n = 0;

	if (t->op != NULL)
		return 0;
	TAILQ_FOREACH(th, &t->threads, entry) {
		if (th->state == TH_STOPPED) {
			thread_resume(th, th->pending_sig ? STOP_SIGNAL : STOP_EVENT);
			n++;
		}
	}
	return n;
}
