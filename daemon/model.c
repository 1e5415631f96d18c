#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "argv-text.h"
#include "log.h"
#include "model.h"
#include "procfs.h"
#include "signals.h"
#include "store.h"
#include "target-log.h"

static struct store *model_st;
static struct session_list sessions = TAILQ_HEAD_INITIALIZER(sessions);
static struct target *targets_by_pid;
static struct thread *threads_by_tid;
static TAILQ_HEAD(, target) unsettled = TAILQ_HEAD_INITIALIZER(unsettled);
static model_event_hook event_hook;
static const char *model_logdir;

static const char *const how_names[] = { "create", "attach", "child" };
static const char *const state_names[] = {
	"running", "stopped", "exited", "killed", "detached", "abandoned", "lost",
};

static const char *const reason_names[] = {
	[END_NONE] = NULL, [END_EXIT] = "exit", [END_CRASH] = "crash",
	[END_TIMEOUT] = "timeout", [END_BREAK_TIMEOUT] = "break-timeout",
	[END_KILLED] = "killed", [END_DETACHED] = "detached",
	[END_ABANDONED] = "abandoned", [END_SHUTDOWN] = "shutdown",
	[END_LOST] = "lost",
};

static void *
xmalloc0(size_t size)
{
	void *p = calloc(1, size);

	if (p == NULL) {
		log_warn("out of memory");
		abort();
	}
	return p;
}

static char *
xstrdup(const char *s)
{
	char *p = strdup(s != NULL ? s : "");

	if (p == NULL) {
		log_warn("out of memory");
		abort();
	}
	return p;
}

static void
unsettled_remove(struct target *t)
{
	TAILQ_REMOVE(&unsettled, t, unsettled_entry);
	t->unsettled = false;
}

/* Reads the start time of a target that has an estimate. */
static void
settle_start_time(struct target *t)
{
	unsigned long long start;

	unsettled_remove(t);
	if (procfs_start_time(t->pid, &start) == -1 || start == t->start_time)
		return;
	t->start_time = start;
	if (store_target_set_start_time(model_st, t->id, start) == -1)
		log_warn("pid %d: %s", (int)t->pid, store_errmsg(model_st));
}

/*
 * A forked child's start time, half of the identity a restart checks, is a
 * /proc read, and most children of a fork storm have exited before the next
 * commit: those keep the time their fork was seen (the same tick or a
 * little later), and only the ones still alive are read, once, here.
 */
static void
settle_start_times(void *arg)
{
	struct target *t;

	(void)arg;
	while ((t = TAILQ_FIRST(&unsettled)) != NULL)
		settle_start_time(t);
}

void
model_init(struct store *st)
{
	model_st = st;
	store_set_commit_hook(st, settle_start_times, NULL);
}

void
model_set_event_hook(model_event_hook hook)
{
	event_hook = hook;
}

struct store *
model_store(void)
{
	return model_st;
}

double
model_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

const char *
target_how_name(enum target_how how)
{
	return how_names[how];
}

const char *
end_reason_name(enum end_reason reason)
{
	return reason_names[reason];
}

const char *
target_state_name(enum target_state state)
{
	return state_names[state];
}

struct session *
session_find(const char *name)
{
	struct session *s;

	TAILQ_FOREACH(s, &sessions, entry)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

static const char *const sigaction_names[] = {
	[SIGACT_NOTIFY] = "notify", [SIGACT_BREAK] = "break",
	[SIGACT_SECOND_CHANCE] = "second-chance", [SIGACT_IGNORE] = "ignore",
};

const char *
sigaction_name(enum sig_action action)
{
	return sigaction_names[action];
}

int
sigaction_parse(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof sigaction_names / sizeof sigaction_names[0]; i++)
		if (strcmp(sigaction_names[i], name) == 0)
			return (int)i;
	return -1;
}

/* The defaults of DESIGN §3: crashes break, SIGCHLD is passed unrecorded,
 * everything else notifies. */
void
session_defaults(struct session *s)
{
	static const int crashes[] = {
		SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS, SIGTRAP,
	};
	size_t i;

	for (i = 0; i < sizeof crashes / sizeof crashes[0]; i++)
		s->sigact[crashes[i]] = SIGACT_BREAK;
	/* A parent hears of every child that ends: as a debugger's "handle
	 * SIGCHLD nostop noprint pass", it is passed and counted, not
	 * recorded (sxn CHLD records it). */
	s->sigact[SIGCHLD] = SIGACT_IGNORE;
}

static void
session_load_signal(void *arg, int sig, const char *action)
{
	struct session *s = arg;
	int a = sigaction_parse(action);

	if (sig >= 1 && sig <= SIGNAL_MAX && a != -1)
		s->sigact[sig] = (enum sig_action)a;
}

int
session_set_sigaction(struct session *s, int sig, enum sig_action action)
{
	if (store_session_set_signal(model_st, s->id, sig, sigaction_names[action]) == -1)
		return -1;
	s->sigact[sig] = action;
	return 0;
}

int
session_set_allstop(struct session *s, bool allstop)
{
	if (store_session_set_allstop(model_st, s->id, allstop) == -1)
		return -1;
	s->allstop = allstop;
	return 0;
}

struct session *
session_ensure(const char *name, uid_t owner)
{
	struct session *s;
	int64_t id;
	int next, allstop = 0;

	if ((s = session_find(name)) != NULL)
		return s;
	if ((id = store_session_ensure(model_st, name, &owner, &next)) == -1) {
		log_warn("session %s: %s", name, store_errmsg(model_st));
		return NULL;
	}
	s = xmalloc0(sizeof *s);
	s->id = id;
	s->name = xstrdup(name);
	s->next_ordinal = next;
	s->owner = owner;
	s->current = -1;
	s->event = -1;
	TAILQ_INIT(&s->targets);
	session_defaults(s);
	if (store_session_settings(model_st, id, &allstop, session_load_signal, s) == -1)
		log_warn("settings of session %s: %s", name, store_errmsg(model_st));
	s->allstop = allstop;
	TAILQ_INSERT_TAIL(&sessions, s, entry);
	return s;
}

struct session_list *
session_all(void)
{
	return &sessions;
}

static void
target_free(struct target *t)
{
	free(t->exe);
	free(t->cmdline);
	free(t->triage);
	free(t->core);
	free(t);
}

struct target *
target_join(struct session *s, const struct target_params *p)
{
	struct target *t;
	struct target_row row;

	t = xmalloc0(sizeof *t);
	t->session = s;
	t->ordinal = s->next_ordinal;
	t->pid = p->pid;
	t->start_time = p->start_time;
	t->how = p->how;
	t->parent_id = p->parent != NULL ? p->parent->id : 0;
	t->parent_ordinal = p->parent != NULL ? p->parent->ordinal : -1;
	t->uid = p->uid;
	t->exe = xstrdup(p->exe);
	t->cmdline = xstrdup(p->cmdline);
	t->childdbg = p->childdbg;
	t->joined_at = model_now();
	TAILQ_INIT(&t->threads);

	row = (struct target_row){
		.session_id = s->id, .ordinal = t->ordinal, .pid = t->pid,
		.start_time = t->start_time, .how = how_names[t->how],
		.parent_id = t->parent_id, .uid = t->uid, .exe = t->exe,
		.cmdline = t->cmdline, .state = "running",
		.childdbg = t->childdbg, .joined_at = t->joined_at,
	};
	if ((t->id = store_target_insert(model_st, &row)) == -1) {
		log_warn("pid %d: %s", (int)t->pid, store_errmsg(model_st));
		target_free(t);
		return NULL;
	}
	s->next_ordinal++;
	if (p->start_estimated) {
		t->unsettled = true;
		TAILQ_INSERT_TAIL(&unsettled, t, unsettled_entry);
	}
	TAILQ_INSERT_TAIL(&s->targets, t, entry);
	s->live++;
	HASH_ADD(hh, targets_by_pid, pid, sizeof t->pid, t);
	/* current is always a live ordinal or -1 (target_end keeps it so) */
	if (s->current == -1)
		s->current = t->ordinal;
	target_event(t, how_names[t->how], p->event_detail);
	/* A fork is the parent's doing: the parent is the event process, as
	 * the debugger shows it after a child is created. */
	if (p->parent != NULL)
		s->event = p->parent->ordinal;
	return t;
}

struct target *
target_restore(struct session *s, const struct target_params *p, int64_t id,
    int ordinal, int64_t parent_id, int parent_ordinal)
{
	struct target *t, *after;

	if (target_by_pid(p->pid) != NULL || target_by_ordinal(s, ordinal) != NULL)
		return NULL;
	t = xmalloc0(sizeof *t);
	t->id = id;
	t->session = s;
	t->ordinal = ordinal;
	t->pid = p->pid;
	t->start_time = p->start_time;
	t->how = p->how;
	t->parent_id = parent_id;
	t->parent_ordinal = parent_ordinal;
	t->uid = p->uid;
	t->exe = xstrdup(p->exe);
	t->cmdline = xstrdup(p->cmdline);
	t->childdbg = p->childdbg;
	t->joined_at = p->joined_at;
	t->triage = p->triage != NULL ? xstrdup(p->triage) : NULL;
	t->core = p->core != NULL ? xstrdup(p->core) : NULL;
	TAILQ_INIT(&t->threads);
	/* The list is by ordinal: insert after the last lower one. */
	after = TAILQ_LAST(&s->targets, target_list);
	while (after != NULL && after->ordinal > ordinal)
		after = TAILQ_PREV(after, target_list, entry);
	if (after != NULL)
		TAILQ_INSERT_AFTER(&s->targets, after, t, entry);
	else
		TAILQ_INSERT_HEAD(&s->targets, t, entry);
	if (s->next_ordinal <= ordinal)
		s->next_ordinal = ordinal + 1;
	s->live++;
	HASH_ADD(hh, targets_by_pid, pid, sizeof t->pid, t);
	if (s->current == -1)
		s->current = t->ordinal;
	return t;
}

#define OBSERVERS_MAX 8
static target_event_fn event_observers[OBSERVERS_MAX];
static target_end_fn end_observers[OBSERVERS_MAX];

void
model_observe_events(target_event_fn fn)
{
	int i;

	for (i = 0; i < OBSERVERS_MAX && event_observers[i] != fn; i++)
		if (event_observers[i] == NULL) {
			event_observers[i] = fn;
			return;
		}
}

void
model_observe_end(target_end_fn fn)
{
	int i;

	for (i = 0; i < OBSERVERS_MAX && end_observers[i] != fn; i++)
		if (end_observers[i] == NULL) {
			end_observers[i] = fn;
			return;
		}
}

void
target_event(struct target *t, const char *kind, const char *detail)
{
	double at = model_now();
	int64_t id;

	t->session->event = t->ordinal;
	id = store_event(model_st, t->session->id, t->id, at, kind, detail);
	if (id == -1)
		log_warn("event %s of pid %d: %s", kind, (int)t->pid, store_errmsg(model_st));
	else if (event_hook != NULL)
		event_hook(t, id, at, kind, detail);
	for (int i = 0; i < OBSERVERS_MAX && event_observers[i] != NULL; i++)
		event_observers[i](t, kind, detail);
}

/* The reason recorded for an end: a process that exited by itself did so
 * whatever an operation under way was for. */
static struct end_cause
end_cause_of(enum target_state state, int exit_signal, const struct end_cause *cause)
{
	static const enum end_reason by_state[] = {
		[TS_KILLED] = END_KILLED, [TS_DETACHED] = END_DETACHED,
		[TS_ABANDONED] = END_ABANDONED, [TS_LOST] = END_LOST,
	};

	if (state == TS_EXITED)
		return (struct end_cause){ exit_signal > 0 ? END_CRASH : END_EXIT, -1 };
	if (cause != NULL && cause->reason != END_NONE)
		return *cause;
	return (struct end_cause){ by_state[state], -1 };
}

void
target_end(struct target *t, enum target_state state, int exit_code,
    int exit_signal, const struct end_cause *cause, const char *event_kind,
    const char *event_detail)
{
	struct session *s = t->session;
	struct thread *th;
	struct end_cause why = end_cause_of(state, exit_signal, cause);

	/* A process let go lives on: its row gets its real start time. One
	 * that ended is gone from /proc. */
	if (t->unsettled && (state == TS_EXITED || state == TS_KILLED))
		unsettled_remove(t);
	else if (t->unsettled)
		settle_start_time(t);
	target_event(t, event_kind, event_detail);
	if (store_target_end(model_st, t->id, state_names[state],
	    reason_names[why.reason], why.by, exit_code, exit_signal,
	    model_now()) == -1)
		log_warn("pid %d: %s", (int)t->pid, store_errmsg(model_st));
	for (int i = 0; i < OBSERVERS_MAX && end_observers[i] != NULL; i++)
		end_observers[i](t, state, exit_code, exit_signal);

	while ((th = TAILQ_FIRST(&t->threads)) != NULL)
		thread_remove(th);
	HASH_DELETE(hh, targets_by_pid, t);
	TAILQ_REMOVE(&s->targets, t, entry);
	s->live--;
	if (s->event == t->ordinal)
		s->event = -1;
	if (s->current == t->ordinal) {
		struct target *first = TAILQ_FIRST(&s->targets);
		s->current = first != NULL ? first->ordinal : -1;
	}
	target_free(t);
}

void
target_set_exe(struct target *t, char *exe, char *cmdline)
{
	free(t->exe);
	free(t->cmdline);
	t->exe = exe;
	t->cmdline = cmdline;
	if (store_target_set_exe(model_st, t->id, exe, cmdline) == -1)
		log_warn("pid %d: %s", (int)t->pid, store_errmsg(model_st));
}

void
target_set_childdbg(struct target *t, bool on)
{
	t->childdbg = on;
	if (store_target_set_childdbg(model_st, t->id, on) == -1)
		log_warn("pid %d: %s", (int)t->pid, store_errmsg(model_st));
}

void
target_set_triage(struct target *t, const char *text, const char *core)
{
	free(t->triage);
	free(t->core);
	t->triage = text != NULL ? xstrdup(text) : NULL;
	t->core = core != NULL ? xstrdup(core) : NULL;
}

struct target *
target_by_pid(pid_t pid)
{
	struct target *t;

	HASH_FIND(hh, targets_by_pid, &pid, sizeof pid, t);
	return t;
}

struct target *
target_by_ordinal(const struct session *s, int ordinal)
{
	struct target *t;

	if (ordinal < 0)
		return NULL;
	TAILQ_FOREACH(t, &s->targets, entry)
		if (t->ordinal == ordinal)
			return t;
	return NULL;
}

bool
target_all_stopped(const struct target *t)
{
	const struct thread *th;

	TAILQ_FOREACH(th, &t->threads, entry)
		if (th->state != TH_STOPPED)
			return false;
	return true;
}

/*
 * Why a live target is stopped: the signal of its outstanding event, a
 * break-in (held without one), or job control; NULL when it runs.
 */
const char *
target_stop_reason(const struct target *t, char *buf, size_t len)
{
	const struct thread *th;

	if (t->held) {
		TAILQ_FOREACH(th, &t->threads, entry)
			if (th->outstanding)
				return signal_name(th->pending_sig, buf, len);
		return "break-in";
	}
	TAILQ_FOREACH(th, &t->threads, entry)
		if (th->state == TH_JOBSTOPPED)
			return "job control";
	return NULL;
}

enum target_state
target_live_state(const struct target *t)
{
	char buf[16];

	return target_stop_reason(t, buf, sizeof buf) != NULL ? TS_STOPPED : TS_RUNNING;
}

void
target_sync_state(struct target *t)
{
	bool stopped = target_live_state(t) == TS_STOPPED;

	if (stopped == t->recorded_stopped)
		return;
	t->recorded_stopped = stopped;
	if (store_target_set_state(model_st, t->id, stopped ? "stopped" : "running") == -1)
		log_warn("|%d of session %s: %s", t->ordinal, t->session->name,
		    store_errmsg(model_st));
}

void
target_status_line_aligned(const struct target *t, int ordinal_width,
    int width, char *buf, size_t len)
{
	char mark = ' ', reason[16], tail[32] = "";
	const char *stop = target_stop_reason(t, reason, sizeof reason);

	if (t->session->current == t->ordinal)
		mark = '.';
	else if (t->session->event == t->ordinal)
		mark = '#';
	snprintf(buf, len, "%c  %*d  id: %d  %s  name: %s", mark, ordinal_width,
	    t->ordinal, (int)t->pid, how_names[t->how], t->exe);
	if (stop != NULL)
		snprintf(tail, sizeof tail, "  [stopped: %s]", stop);
	argv_text_line(buf, len, t->cmdline, tail, width);
}

void
target_status_line(const struct target *t, int width, char *buf, size_t len)
{
	target_status_line_aligned(t, 0, width, buf, len);
}

void
model_set_logdir(const char *dir)
{
	model_logdir = dir;
}

/* What target_json and history's objects (cmd-history.c) hold for a target
 * and one alone may have: the same keys in every command. */
json_t *
target_json(const struct target *t, enum target_state state)
{
	char reason[16], log[PATH_MAX];
	const char *stop = state == TS_STOPPED ?
	    target_stop_reason(t, reason, sizeof reason) : NULL;
	json_t *o;

	o = json_pack("{s:i, s:i, s:s, s:s, s:o, s:o, s:I, s:b, s:s, s:o, s:o,"
	    " s:I, s:f, s:o, s:o, s:o, s:o, s:o}",
	    "ordinal", t->ordinal, "pid", (int)t->pid,
	    "how", how_names[t->how], "name", t->exe, "cmdline", argv_json(t->cmdline),
	    "parent", t->parent_ordinal >= 0 ? json_integer(t->parent_ordinal) : json_null(),
	    "uid", (json_int_t)t->uid, "childdbg", t->childdbg,
	    "state", state_names[state],
	    "exit_code", json_null(), "exit_signal", json_null(),
	    "start_time", (json_int_t)t->start_time, "joined_at", t->joined_at,
	    "ended_at", json_null(),
	    "triage", t->triage != NULL ? json_string(t->triage) : json_null(),
	    "core", t->core != NULL ? json_string(t->core) : json_null(),
	    "reason", json_null(), "ended_by", json_null());
	target_json_live_keys(o, t->session->current == t->ordinal,
	    t->session->event == t->ordinal, stop,
	    t->how == HOW_CREATE && model_logdir != NULL &&
	    target_log_path(model_logdir, t->session->name, t->ordinal, log,
	    sizeof log) == 0 ? log : NULL);
	return o;
}

void
target_json_row_keys(json_t *o, const char *session, int ordinal, bool created)
{
	const struct session *s = session_find(session);
	const struct target *t = s != NULL ? target_by_ordinal(s, ordinal) : NULL;
	char reason[16], log[PATH_MAX];

	target_json_live_keys(o, t != NULL && s->current == ordinal,
	    t != NULL && s->event == ordinal,
	    t != NULL ? target_stop_reason(t, reason, sizeof reason) : NULL,
	    created && model_logdir != NULL && target_log_path(model_logdir,
	    session, ordinal, log, sizeof log) == 0 ? log : NULL);
}

void
target_json_live_keys(json_t *o, bool current, bool event, const char *stop,
    const char *log)
{
	json_object_set_new(o, "current", json_boolean(current));
	json_object_set_new(o, "event", json_boolean(event));
	json_object_set_new(o, "stop", stop != NULL ? json_string(stop) : json_null());
	json_object_set_new(o, "log", log != NULL ? json_string(log) : json_null());
}

struct thread *
thread_add(struct target *t, pid_t tid, enum thread_state state)
{
	struct thread *th = xmalloc0(sizeof *th);

	th->tid = tid;
	th->target = t;
	th->state = state;
	TAILQ_INSERT_TAIL(&t->threads, th, entry);
	t->nthreads++;
	HASH_ADD(hh, threads_by_tid, tid, sizeof th->tid, th);
	return th;
}

void
thread_remove(struct thread *th)
{
	TAILQ_REMOVE(&th->target->threads, th, entry);
	th->target->nthreads--;
	HASH_DELETE(hh, threads_by_tid, th);
	free(th);
}

struct thread *
thread_by_tid(pid_t tid)
{
	struct thread *th;

	HASH_FIND(hh, threads_by_tid, &tid, sizeof tid, th);
	return th;
}

void
model_free(void)
{
	struct session *s;
	struct target *t;
	struct thread *th;

	while ((s = TAILQ_FIRST(&sessions)) != NULL) {
		while ((t = TAILQ_FIRST(&s->targets)) != NULL) {
			while ((th = TAILQ_FIRST(&t->threads)) != NULL)
				thread_remove(th);
			if (t->unsettled)
				unsettled_remove(t);
			HASH_DELETE(hh, targets_by_pid, t);
			TAILQ_REMOVE(&s->targets, t, entry);
			target_free(t);
		}
		TAILQ_REMOVE(&sessions, s, entry);
		free(s->name);
		free(s);
	}
}
