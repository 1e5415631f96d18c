/*
 * The stops: SIGCHLD drains waitpid, each status is decoded (fork, clone,
 * exec, group-stop, signal-delivery stop, exit), the model is updated, and
 * the thread is resumed, held, or handed to the operation waiting for it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>

#include "creds.h"
#include "engine-internal.h"
#include "log.h"
#include "procfs.h"
#include "seize.h"
#include "signals.h"

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

struct event_base *engine_base;
static struct event *sigchld_ev;
static int sigchld_fd = -1;
static struct stranger *strangers;

static void handle_status(pid_t tid, int status);

bool
ptrace_ok(long rc, const char *what, pid_t tid)
{
	/* ESRCH: the task died or is not in a stop; its exit will be reported. */
	if (rc == -1 && errno != ESRCH) {
		log_warn("%s %d: %s", what, (int)tid, strerror(errno));
		return false;
	}
	return rc != -1;
}

void
thread_resume(struct thread *th)
{
	int sig = th->pending_sig;

	th->pending_sig = 0;
	th->outstanding = false;
	if (th->stop == STOP_GROUP) {
		th->state = TH_JOBSTOPPED;
		ptrace_ok(ptrace(PTRACE_LISTEN, th->tid, 0, 0), "PTRACE_LISTEN", th->tid);
		target_sync_state(th->target);
		return;
	}
	th->state = TH_RUNNING;
	ptrace_ok(ptrace(PTRACE_CONT, th->tid, 0, (long)sig), "PTRACE_CONT", th->tid);
	/* Only a target recorded stopped can have changed here. */
	if (th->target->recorded_stopped)
		target_sync_state(th->target);
}

bool
target_vfork_blocked(const struct target *t, char *why, size_t len)
{
	const struct thread *th;
	const struct target *child;
	char reason[32];
	const char *stop;

	TAILQ_FOREACH(th, &t->threads, entry) {
		if (th->vfork_child == 0 || th->state == TH_STOPPED)
			continue;
		child = target_by_pid(th->vfork_child);
		if (child == NULL || child->vfork_parent != th->tid || !child->held)
			continue;
		stop = target_stop_reason(child, reason, sizeof reason);
		snprintf(why, len, "pid %d waits in vfork for |%d, held %s%s: continue "
		    "or kill |%d first", (int)t->pid, child->ordinal,
		    stop != NULL && strncmp(stop, "SIG", 3) == 0 ? "at " : "for ",
		    stop != NULL ? stop : "a break", child->ordinal);
		return true;
	}
	return false;
}

void
target_interrupt(struct target *t)
{
	struct thread *th;

	/* New threads (TH_NEW) stop by themselves; stopped ones are stopped. */
	TAILQ_FOREACH(th, &t->threads, entry)
		if (th->state == TH_RUNNING || th->state == TH_JOBSTOPPED)
			ptrace_ok(ptrace(PTRACE_INTERRUPT, th->tid, 0, 0),
			    "PTRACE_INTERRUPT", th->tid);
}

/* th has just entered a ptrace-stop of the given kind. */
static void
thread_stopped(struct thread *th, enum stop_kind kind)
{
	struct target *t = th->target;

	th->stop = kind;
	th->state = TH_STOPPED;
	if (t->op != NULL)
		op_progress(t);
	else if (!t->held)
		thread_resume(th);
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

void
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

static void new_task(struct target *t, pid_t parent_tid, pid_t tid, int event,
    bool resume_child);

/*
 * Whether th can be resumed before its stop is recorded: then the recording
 * (SQL) overlaps the target's own work. Not while an operation or a hold
 * decides what becomes of the stop (an operation may even end the target).
 */
static bool
resume_first(const struct thread *th)
{
	return th->target->op == NULL && !th->target->held;
}

/*
 * A new child's first stop, when it has already come (read here, or
 * earlier as a stranger's), is resumed before the child is recorded, so
 * that the recording (SQL) runs while the child does. Returns whether it
 * was; any other status is kept for stranger_claim to replay.
 */
static bool
resume_new_child(pid_t tid)
{
	struct stranger *sg;
	int status;

	HASH_FIND(hh, strangers, &tid, sizeof tid, sg);
	if (sg != NULL && sg->have_status)
		status = sg->status;
	else if (sg != NULL || waitpid(tid, &status, __WALL | WNOHANG) != tid)
		return false;
	if (status >> 16 != PTRACE_EVENT_STOP || WSTOPSIG(status) != SIGTRAP) {
		sg = stranger_get(tid);
		sg->status = status;
		sg->have_status = true;
		return false;
	}
	if (sg != NULL)
		stranger_forget(sg);
	/* ESRCH: killed meanwhile; its end is still to be read. */
	ptrace_ok(ptrace(PTRACE_CONT, tid, 0, 0), "PTRACE_CONT", tid);
	return true;
}

/* A fork, vfork or clone event of th: the new task is tid. */
static void
on_new_task(struct thread *th, int event)
{
	struct target *t = th->target;
	unsigned long msg;
	pid_t tid;
	bool resumed = resume_first(th);

	if (ptrace(PTRACE_GETEVENTMSG, th->tid, 0, &msg) == -1) {
		ptrace_ok(-1, "PTRACE_GETEVENTMSG", th->tid);
		thread_stopped(th, STOP_EVENT);
		return;
	}
	tid = (pid_t)msg;
	/* Once resumed, a vforking thread waits for its child to exec or
	 * exit, and cannot stop until then. */
	if (event == PTRACE_EVENT_VFORK)
		th->vfork_child = tid;
	/* The new task's own first stop is only handled once it has been
	 * put in the model below, or resumed at once (resume_new_child). */
	if (resumed)
		thread_stopped(th, STOP_EVENT);
	new_task(t, th->tid, tid, event, resumed);
	if (!resumed)
		thread_stopped(th, STOP_EVENT);
}

static void
new_task(struct target *t, pid_t parent_tid, pid_t tid, int event, bool resume_child)
{
	struct target *child;
	struct target_params p;
	struct proc_status ps;
	char detail[96];
	bool running;

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
	running = resume_child && resume_new_child(tid);
	p = (struct target_params){
		.pid = tid, .how = HOW_CHILD, .parent = t, .uid = t->uid,
		/* Until it execs, a child is its parent's image. */
		.exe = t->exe, .cmdline = t->cmdline, .childdbg = true,
		.event_detail = detail,
		.start_time = procfs_boot_ticks(), .start_estimated = true,
	};
	snprintf(detail, sizeof detail, "{\"parent\":%d,\"via\":\"%s\"}",
	    t->ordinal, event == PTRACE_EVENT_FORK ? "fork" :
	    event == PTRACE_EVENT_VFORK ? "vfork" : "clone");
	if ((child = target_join(t->session, &p)) == NULL) {
		stranger_release(tid);
		/* A running task is let go at the stop this asks for. */
		if (running)
			ptrace_ok(ptrace(PTRACE_INTERRUPT, tid, 0, 0), "PTRACE_INTERRUPT", tid);
		return;
	}
	if (event == PTRACE_EVENT_VFORK)
		child->vfork_parent = parent_tid;
	thread_add(child, tid, running ? TH_RUNNING : TH_NEW);
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
	/* Its vfork parent goes on from here. */
	t->vfork_parent = 0;
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

/*
 * A root tracer lets a setuid, setgid or file-capability exec take effect,
 * where the kernel would not for the session's user. In a session of a user
 * other than root, a process that gained privileges by its exec is let go
 * at once, left running, recorded as detached with an event "release" that
 * says why (DESIGN §6). th is in its exec stop, the target's one thread.
 */
static bool
release_if_privileged(struct thread *th)
{
	struct target *t = th->target;
	char why[160];
	json_t *obj;
	char *detail;

	if (t->session->owner == 0 ||
	    creds_may_access(t->pid, t->session->owner, why, sizeof why))
		return false;
	ptrace_ok(ptrace(PTRACE_DETACH, th->tid, 0, 0), "PTRACE_DETACH", th->tid);
	log_info("session %s: |%d (pid %d) let go at its exec: %s", t->session->name,
	    t->ordinal, (int)t->pid, why);
	obj = json_pack("{s:s}", "reason", why);
	detail = obj != NULL ? json_dumps(obj, JSON_COMPACT) : NULL;
	op_finish(t, TS_DETACHED, -1, -1, "release", detail);
	free(detail);
	json_decref(obj);
	return true;
}

/* A SIGTRAP the target sent itself (raise, kill) is not a breakpoint. */
static bool
raised_by_itself(const struct thread *th)
{
	siginfo_t si;

	if (ptrace(PTRACE_GETSIGINFO, th->tid, 0, &si) == -1)
		return false;
	return si.si_code <= 0 && si.si_pid == th->target->pid;
}

static enum sig_action
signal_action(const struct thread *th, int sig)
{
	const struct target *t = th->target;
	enum sig_action action = sig <= SIGNAL_MAX ? t->session->sigact[sig] : SIGACT_NOTIFY;
	struct proc_status ps;

	/* While the daemon lets go of the process, a signal is not a break:
	 * it is delivered, as it would have been without the daemon. */
	if (t->op != NULL && t->op->kind != OP_PAUSE && t->op->kind != OP_HOLD &&
	    action != SIGACT_IGNORE)
		return SIGACT_NOTIFY;
	if (action == SIGACT_SECOND_CHANCE)
		action = procfs_status(t->pid, &ps) == 0 &&
		    (ps.sigcaught & (1ULL << (sig - 1))) ? SIGACT_NOTIFY : SIGACT_BREAK;
	if (action == SIGACT_BREAK && sig == SIGTRAP && raised_by_itself(th))
		action = SIGACT_NOTIFY;
	return action;
}

/* Holds t because of a break: every thread stops and stays stopped; in
 * all-stop mode, so do the other targets of the session. */
static void
hold_for_break(struct target *t)
{
	struct target *other;

	t->held = true;
	target_sync_state(t);
	t->session->last_break = model_now();
	/* A pause or a hold in progress is already stopping every thread. */
	if (t->op != NULL)
		op_progress(t);
	else
		target_interrupt(t);
	if (!t->session->allstop)
		return;
	TAILQ_FOREACH(other, &t->session->targets, entry)
		if (other != t && !other->held && other->op == NULL)
			engine_hold(other, NULL, NULL);
}

static void
record_signal(struct thread *th, int sig, enum sig_action action)
{
	struct session *s = th->target->session;
	char detail[128], name[16];

	if (action == SIGACT_IGNORE) {
		s->ignored[sig]++;
		return;
	}
	snprintf(detail, sizeof detail,
	    "{\"signal\":%d,\"name\":\"%s\",\"tid\":%d,\"action\":\"%s\"}",
	    sig, signal_name(sig, name, sizeof name), (int)th->tid,
	    action == SIGACT_BREAK ? "break" : "notify");
	target_event(th->target, "signal", detail);
}

static void
on_signal(struct thread *th, int sig)
{
	enum sig_action action = signal_action(th, sig);

	th->pending_sig = sig;
	if (action != SIGACT_BREAK && resume_first(th)) {
		thread_stopped(th, STOP_SIGNAL);
		record_signal(th, sig, action);
		return;
	}
	record_signal(th, sig, action);
	if (action != SIGACT_BREAK) {
		thread_stopped(th, STOP_SIGNAL);
		return;
	}
	th->outstanding = true;
	th->stop = STOP_SIGNAL;
	th->state = TH_STOPPED;
	hold_for_break(th->target);
}

static void
thread_gone(struct thread *th, int status)
{
	struct target *t = th->target;
	char detail[128], outstanding[64] = "";
	bool killed;

	if (th->tid != t->pid) {
		thread_remove(th);
		if (t->op != NULL)
			op_progress(t);
		return;
	}
	/* The leader is reported last, once the whole thread group is gone. */
	killed = t->op != NULL && t->op->kind == OP_KILL;
	/* A kill of a held target says what became of its outstanding signal:
	 * delivered first (/n) or suppressed (/h). */
	if (killed && t->op->outstanding_sig != 0)
		snprintf(outstanding, sizeof outstanding, ",\"outstanding\":%d,\"handled\":%s",
		    t->op->outstanding_sig, t->op->deliver ? "false" : "true");
	if (WIFEXITED(status)) {
		snprintf(detail, sizeof detail, "{\"code\":%d%s}", WEXITSTATUS(status), outstanding);
		op_finish(t, killed ? TS_KILLED : TS_EXITED, WEXITSTATUS(status), -1,
		    killed ? "kill" : "exit", detail);
		return;
	}
	snprintf(detail, sizeof detail, "{\"signal\":%d%s}", WTERMSIG(status), outstanding);
	op_finish(t, killed ? TS_KILLED : TS_EXITED, -1, WTERMSIG(status),
	    killed ? "kill" : "exit", detail);
}

static void
handle_status(pid_t tid, int status)
{
	struct thread *th = thread_by_tid(tid);
	pid_t pid;
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
	/* A thread that stops is back from any vfork. */
	th->vfork_child = 0;
	sig = WSTOPSIG(status);
	switch (status >> 16) {
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		on_new_task(th, status >> 16);
		break;
	case PTRACE_EVENT_EXEC:
		on_exec(th);
		if (release_if_privileged(th))
			break;
		pid = th->target->pid;
		thread_stopped(th, STOP_EVENT);
		/* A .create is over once its program runs (and t may have
		 * ended meanwhile: looked up again). */
		create_exec_seen(pid);
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
		break;
	default:
		thread_stopped(th, STOP_EVENT);
		break;
	}
}

/*
 * SIGCHLD comes through a signalfd: one read where a signal handler and
 * libevent's socketpair would cost a handful of system calls per stop.
 */
static void
on_sigchld(evutil_socket_t fd, short what, void *arg)
{
	struct signalfd_siginfo si[16];
	pid_t tid;
	int status;

	(void)what;
	(void)arg;
	while (read(fd, si, sizeof si) == (ssize_t)sizeof si)
		;
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
	sigset_t chld;

	engine_base = base;
	create_init();
	if (seize_init() == -1 || attach_wait_init(base) == -1) {
		log_warn("cannot prepare the bounded seizes: %s", strerror(errno));
		return -1;
	}
	/* Blocked, so that it is only ever read from the signalfd; every
	 * program tetherd starts gets an empty mask back before exec. */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &chld, NULL) == -1 ||
	    (sigchld_fd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC)) == -1) {
		log_warn("signalfd: %s", strerror(errno));
		return -1;
	}
	sigchld_ev = event_new(base, sigchld_fd, EV_READ | EV_PERSIST, on_sigchld, NULL);
	if (sigchld_ev == NULL || event_add(sigchld_ev, NULL) == -1) {
		log_warn("cannot watch SIGCHLD");
		return -1;
	}
	return 0;
}

void
engine_free(void)
{
	struct stranger *sg, *tmp;

	create_free_all();
	attach_wait_free();
	seize_free();
	HASH_ITER(hh, strangers, sg, tmp)
		stranger_forget(sg);
	if (sigchld_ev != NULL)
		event_free(sigchld_ev);
	sigchld_ev = NULL;
	if (sigchld_fd != -1)
		close(sigchld_fd);
	sigchld_fd = -1;
}
