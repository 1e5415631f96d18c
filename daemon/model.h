/*
 * The daemon's picture of the world: sessions, their live targets, and the
 * threads of each. Every change that matters is written through to the store
 * here, so the database and memory cannot drift apart.
 *
 * Only live targets are held in memory (ended ones are in the database):
 * memory stays proportional to what is being traced, not to history.
 * Lookups from pid to target and tid to thread are O(1) (uthash).
 */
#ifndef TETHER_MODEL_H
#define TETHER_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/types.h>
#include <jansson.h>
#include <uthash.h>

struct store;
struct op;

enum target_how { HOW_CREATE, HOW_ATTACH, HOW_CHILD };

/* What a signal does to a target of the session (DESIGN §3, sx*). */
enum sig_action {
	SIGACT_NOTIFY,		/* record and deliver */
	SIGACT_BREAK,		/* hold the target: an outstanding event */
	SIGACT_SECOND_CHANCE,	/* break only when no handler is installed */
	SIGACT_IGNORE,		/* deliver; counted, not recorded */
};
#define SIGNAL_MAX 64

enum target_state {
	TS_RUNNING, TS_STOPPED, TS_EXITED, TS_KILLED, TS_DETACHED,
	TS_ABANDONED, TS_LOST,
};

/* Why a target ended (targets.reason); END_NONE: not said, worked out from
 * how it ended (its state and exit status). */
enum end_reason {
	END_NONE, END_EXIT, END_CRASH, END_TIMEOUT, END_BREAK_TIMEOUT,
	END_KILLED, END_DETACHED, END_ABANDONED, END_SHUTDOWN, END_LOST,
};

/* Who ends a target and why, given to the operation that ends it. */
struct end_cause {
	enum end_reason reason;
	int64_t by;		/* the uid of the client that asked, or -1 */
};

enum thread_state {
	TH_NEW,		/* auto-attached; its first stop has not been seen yet */
	TH_RUNNING,	/* resumed; may report a stop at any time */
	TH_STOPPED,	/* in a ptrace-stop that the daemon holds */
	TH_JOBSTOPPED,	/* in a group-stop, left there with PTRACE_LISTEN */
};

/* The kind of ptrace-stop a thread is in, which says how to leave it. */
enum stop_kind {
	STOP_EVENT,	/* fork, clone, exec, interrupt, first stop of a new task */
	STOP_SIGNAL,	/* signal-delivery stop: the only one that can deliver */
	STOP_GROUP,	/* group-stop (job control): left with PTRACE_LISTEN */
};

struct thread {
	pid_t tid;
	struct target *target;
	enum thread_state state;
	enum stop_kind stop;	/* while TH_STOPPED */
	int pending_sig;	/* to deliver when it leaves a signal-delivery stop */
	bool outstanding;	/* pending_sig is an outstanding event (a break) */
	pid_t vfork_child;	/* the child of its latest vfork, until it stops again */
	TAILQ_ENTRY(thread) entry;
	UT_hash_handle hh;
};
TAILQ_HEAD(thread_list, thread);

struct target {
	int64_t id;		/* row in the targets table */
	struct session *session;
	int ordinal;
	pid_t pid;
	unsigned long long start_time;
	enum target_how how;
	int64_t parent_id;	/* 0 when it has no parent target */
	int parent_ordinal;	/* -1 when it has no parent target */
	uid_t uid;
	char *exe;
	char *cmdline;
	double joined_at;
	char *triage;		/* the text of its latest triage, or NULL */
	char *core;		/* the core file of it, or NULL */
	bool childdbg;
	struct thread_list threads;
	int nthreads;
	struct op *op;		/* detach or kill in progress, or NULL */
	bool held;		/* the daemon holds it: its threads stay stopped */
	bool unsettled;		/* start_time is an estimate until the next commit */
	pid_t vfork_parent;	/* the thread that vforked it, until it execs */
	bool recorded_stopped;	/* the row's state is "stopped" */
	TAILQ_ENTRY(target) unsettled_entry;
	TAILQ_ENTRY(target) entry;
	UT_hash_handle hh;
};
TAILQ_HEAD(target_list, target);

struct session {
	int64_t id;
	char *name;
	int next_ordinal;
	struct target_list targets;	/* live ones, by ordinal */
	int live;
	int current;		/* ordinal of the current process, or -1 */
	int event;		/* ordinal of the latest event's process, or -1 */
	enum sig_action sigact[SIGNAL_MAX + 1];	/* the filter, by signal number */
	unsigned long ignored[SIGNAL_MAX + 1];	/* deliveries of ignored signals */
	bool allstop;		/* a break stops every target of the session */
	uid_t owner;		/* the uid that made it (schema step 7) */
	double last_break;	/* when a break last held a target (model_now), or 0 */
	TAILQ_ENTRY(session) entry;
};
TAILQ_HEAD(session_list, session);

void model_init(struct store *st);
/* Called for every event recorded (to stream it to subscribers). */
typedef void (*model_event_hook)(const struct target *t, int64_t id, double at,
    const char *kind, const char *detail);
void model_set_event_hook(model_event_hook hook);
void model_free(void);
struct store *model_store(void);
double model_now(void);

/* Sessions. find returns NULL when there is none by that name; ensure
 * creates it (in the database too), owned by owner; one that exists keeps
 * its owner. */
struct session *session_find(const char *name);
struct session *session_ensure(const char *name, uid_t owner);
struct session_list *session_all(void);
/* Sets the default signal filter (DESIGN §3) in s. */
void session_defaults(struct session *s);
/* Filter and stop mode settings, persisted with the session. 0 or -1. */
int session_set_sigaction(struct session *s, int sig, enum sig_action action);
int session_set_allstop(struct session *s, bool allstop);
const char *sigaction_name(enum sig_action action);
/* -1 when name is not one of the words of sigaction_name. */
int sigaction_parse(const char *name);

/* Targets. */
struct target_params {
	pid_t pid;
	unsigned long long start_time;
	/* start_time is procfs_boot_ticks() at the fork: the real one is read
	 * before the row is first committed, if the process still lives. */
	bool start_estimated;
	enum target_how how;
	const struct target *parent;	/* NULL for create and attach */
	uid_t uid;
	const char *exe;
	const char *cmdline;
	bool childdbg;
	const char *event_detail;	/* JSON for the join event, or NULL */
	/* target_restore only: what the row says. */
	double joined_at;
	const char *triage, *core;
};
struct target *target_join(struct session *s, const struct target_params *p);
/*
 * Puts back in memory a target the database already has (row id, ordinal,
 * parent), for re-adoption after a restart: nothing is written and no event
 * recorded. p->parent and p->event_detail are not used. NULL when the pid or
 * the ordinal is already live in the model.
 */
struct target *target_restore(struct session *s, const struct target_params *p,
    int64_t id, int ordinal, int64_t parent_id, int parent_ordinal);
/* The target ended (state TS_EXITED, TS_KILLED, TS_DETACHED, ...): records
 * it and its event, removes it from memory and frees it. cause (may be
 * NULL) is what the operation that ended it was for; a target that exited
 * by itself meanwhile is recorded as exit or crash whatever the cause. */
void target_end(struct target *t, enum target_state state, int exit_code,
    int exit_signal, const struct end_cause *cause, const char *event_kind,
    const char *event_detail);
void target_set_exe(struct target *t, char *exe, char *cmdline);
void target_set_childdbg(struct target *t, bool on);
/* Where its latest triage wrote its stacks and core (NULL: none). */
void target_set_triage(struct target *t, const char *text, const char *core);
/* The directory of the created targets' logs (target-log.h), for the
 * "log" key of target_json. */
void model_set_logdir(const char *dir);
struct target *target_by_pid(pid_t pid);
struct target *target_by_ordinal(const struct session *s, int ordinal);
/* Records a debug event of t (and makes t the session's event process). */
void target_event(struct target *t, const char *kind, const char *detail);
/*
 * Observers (the policies and [target]s of tether.conf): called after each
 * debug event of a target is recorded, and when a target ends, after its
 * end is recorded and before it is freed. They must not end or free
 * targets themselves (schedule that). Up to 8 of each; registering the
 * same function twice registers it once.
 */
typedef void (*target_event_fn)(struct target *t, const char *kind,
    const char *detail);
typedef void (*target_end_fn)(struct target *t, enum target_state state,
    int exit_code, int exit_signal);
void model_observe_events(target_event_fn fn);
void model_observe_end(target_end_fn fn);
/* Whether every thread of t is in state TH_STOPPED. */
bool target_all_stopped(const struct target *t);

const char *target_how_name(enum target_how how);
/* "exit", "crash", "timeout", "break-timeout", ... (targets.reason). */
const char *end_reason_name(enum end_reason reason);
const char *target_state_name(enum target_state state);
/* Why a live target is stopped (its outstanding signal, "break-in", "job
 * control"), or NULL when it runs. */
const char *target_stop_reason(const struct target *t, char *buf, size_t len);
/* The row's state follows the target's: "stopped" while it is held or
 * job-stopped, "running" otherwise (written when it changes). */
void target_sync_state(struct target *t);
/* running, or stopped when any thread is held or job-stopped. */
enum target_state target_live_state(const struct target *t);

/* The status line of DESIGN §3 (".  0  id: 4312  attach  name: /usr/bin/make"),
 * then its command line ("  cmd: make -j2"), cut so that the line fits in
 * width characters (0: whole; argv_text_append). TARGET_LINE_MAX holds a
 * whole one. */
#define TARGET_LINE_MAX 4608
void target_status_line(const struct target *t, int width, char *buf, size_t len);
/* The same as a line of a listing: the ordinal right-aligned to
 * ordinal_width, so that the columns stay aligned at any ordinal width. */
void target_status_line_aligned(const struct target *t, int ordinal_width,
    int width, char *buf, size_t len);
/* The process object of DESIGN §5 with the given state: every key of a
 * target that tetherctl(1) lists, the same ones as history's. */
json_t *target_json(const struct target *t, enum target_state state);
/* Sets the keys of a target object that the model knows and the database
 * does not: current, event, stop (why it is held, or NULL) and log (the
 * path of its output, or NULL). */
void target_json_live_keys(json_t *o, bool current, bool event,
    const char *stop, const char *log);
/* The same for the row of target ordinal of session (history), live in
 * the model or not; created: it joined by .create (it has a log). */
void target_json_row_keys(json_t *o, const char *session, int ordinal,
    bool created);

/* Threads. */
struct thread *thread_add(struct target *t, pid_t tid, enum thread_state state);
void thread_remove(struct thread *th);
struct thread *thread_by_tid(pid_t tid);

#endif
