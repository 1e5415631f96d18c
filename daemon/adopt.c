/* Re-adoption of the targets a previous daemon left live (see adopt.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <jansson.h>

#include "argv-text.h"
#include "adopt.h"
#include "delay.h"
#include "engine.h"
#include "log.h"
#include "model.h"
#include "procfs.h"
#include "store.h"
#include "store-history.h"

static enum target_how
how_parse(const char *how)
{
	if (strcmp(how, "create") == 0)
		return HOW_CREATE;
	if (strcmp(how, "attach") == 0)
		return HOW_ATTACH;
	return HOW_CHILD;
}

/* Records the end of a target that is not in memory: state lost, and a
 * lost event saying why. */
static void
mark_lost(struct store *st, const struct live_target *lt, const char *reason,
    json_t *extra)
{
	json_t *detail = extra != NULL ? extra : json_object();
	char *text, cmd[ARGV_LOG_MAX];
	double now = model_now();

	json_object_set_new(detail, "reason", json_string(reason));
	text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(detail);
	if (store_event(st, lt->session_id, lt->id, now, "lost", text) == -1 ||
	    store_target_end(st, lt->id, "lost", "lost", -1, -1, -1, now) == -1)
		log_warn("|%d of session %s (pid %d): %s", lt->ordinal,
		    lt->session, lt->pid, store_errmsg(st));
	log_info("session %s: |%d (pid %d, cmd: %s) lost: %s", lt->session,
	    lt->ordinal, lt->pid, argv_text(lt->cmdline, ARGV_LOG_WIDTH, cmd,
	    sizeof cmd), reason);
	free(text);
}

/* Why lt cannot be the process that now has its pid, or NULL when it is. */
static const char *
check_identity(const struct live_target *lt, json_t **extra)
{
	unsigned long long start;
	struct proc_status ps;

	*extra = NULL;
	if (procfs_start_time(lt->pid, &start) == -1 ||
	    procfs_status(lt->pid, &ps) == -1)
		return "gone";
	if (start != lt->start_time) {
		*extra = json_pack("{s:I, s:I}", "start_time",
		    (json_int_t)lt->start_time, "now_start_time", (json_int_t)start);
		return "pid reused";
	}
	if (ps.tgid != lt->pid)
		return "pid reused";
	if (ps.tracer != 0) {
		*extra = json_pack("{s:i}", "tracer", (int)ps.tracer);
		return "traced by another process";
	}
	return NULL;
}

/* t could not be seized (err): it ends, lost, and the event says why. */
static void
lose_restored(struct target *t, const struct live_target *lt, const char *err)
{
	json_t *extra = json_pack("{s:s, s:s}", "error", err, "reason",
	    "cannot attach");
	char *text = json_dumps(extra, JSON_COMPACT | JSON_SORT_KEYS);
	char cmd[ARGV_LOG_MAX];

	/* target_end writes the lost event and frees t. */
	target_end(t, TS_LOST, -1, -1, NULL, "lost", text);
	free(text);
	json_decref(extra);
	log_info("session %s: |%d (pid %d, cmd: %s) lost: %s", lt->session,
	    lt->ordinal, lt->pid, argv_text(lt->cmdline, ARGV_LOG_WIDTH, cmd,
	    sizeof cmd), err);
}

/* t is traced again. */
static void
adopted(struct store *st, struct target *t, const struct live_target *lt)
{
	char detail[96];

	/* It was running or held stopped; the kernel let it run when the
	 * previous daemon went. */
	if (store_target_set_state(st, lt->id, "running") == -1)
		log_warn("|%d of session %s: %s", lt->ordinal, lt->session,
		    store_errmsg(st));
	snprintf(detail, sizeof detail, "{\"pid\":%d,\"threads\":%d}", lt->pid,
	    t->nthreads);
	target_event(t, "adopt", detail);
}

/* The target of lt, in the model and to be seized; NULL when it is done
 * with (lost). */
static struct target *
adopt_one(struct store *st, const struct live_target *lt, bool readopt,
    struct adopt_result *res)
{
	struct target_params p = {
		.pid = lt->pid, .start_time = lt->start_time,
		.how = how_parse(lt->how), .uid = lt->uid, .exe = lt->exe,
		.cmdline = lt->cmdline, .childdbg = lt->childdbg != 0,
		.joined_at = lt->joined_at, .triage = lt->triage, .core = lt->core,
	};
	struct session *s;
	struct target *t;
	const char *why;
	json_t *extra = NULL;

	if (!readopt) {
		mark_lost(st, lt, "re-adoption off", NULL);
		res->lost++;
		return NULL;
	}
	if ((why = check_identity(lt, &extra)) != NULL) {
		mark_lost(st, lt, why, extra);
		res->lost++;
		return NULL;
	}
	if ((s = session_ensure(lt->session, geteuid())) == NULL || s->id != lt->session_id ||
	    (t = target_restore(s, &p, lt->id, lt->ordinal, lt->parent_id,
	    lt->parent_ordinal)) == NULL) {
		mark_lost(st, lt, "cannot be put back in the model", NULL);
		res->lost++;
		return NULL;
	}
	return t;
}

/*
 * Runs before the loop serves anyone (tetherd.c), so it may wait, within
 * a bound: a process in the middle of an exec cannot be seized until the
 * exec ends (seize.h). Each such target is tried again, in turn, until its
 * exec ends or operation_timeout has passed since the first pass; then it
 * is lost ("cannot attach"). Each try waits a few milliseconds in the
 * kernel: the passes do not spin. Startup is late by operation_timeout at
 * most, however many targets wait.
 */
int
adopt_all(struct store *st, bool readopt, struct adopt_result *res)
{
	struct live_target *list;
	struct target **held;
	struct session *s;
	char err[256];
	double deadline;
	int i, n, waiting;

	res->adopted = res->lost = 0;
	if ((n = store_live_targets(st, &list)) == -1)
		return -1;
	if ((held = calloc(n > 0 ? (size_t)n : 1, sizeof *held)) == NULL) {
		store_live_targets_free(list, n);
		return -1;
	}
	for (i = 0; i < n; i++)
		held[i] = adopt_one(st, &list[i], readopt, res);
	deadline = delay_clock() + engine_op_timeout();
	do {
		waiting = 0;
		for (i = 0; i < n; i++) {
			if (held[i] == NULL)
				continue;
			switch (engine_seize(held[i], err, sizeof err)) {
			case ATTACH_JOINED:
				adopted(st, held[i], &list[i]);
				res->adopted++;
				held[i] = NULL;
				break;
			case ATTACH_REFUSED:
				lose_restored(held[i], &list[i], err);
				res->lost++;
				held[i] = NULL;
				break;
			case ATTACH_BUSY:
				if (delay_clock() < deadline) {
					waiting++;
					break;
				}
				snprintf(err, sizeof err, "process %d has been in the "
				    "middle of an exec for %gs (operation_timeout)",
				    list[i].pid, engine_op_timeout());
				lose_restored(held[i], &list[i], err);
				res->lost++;
				held[i] = NULL;
				break;
			}
		}
	} while (waiting > 0);
	free(held);
	store_live_targets_free(list, n);
	/* Adoption is the daemon's doing, not a debug event of a target. */
	TAILQ_FOREACH(s, session_all(), entry)
		s->event = -1;
	return 0;
}

/* --- after lost writes */

static struct event *resync_ev;
static struct store *resync_store;

static void on_lost_writes(void *arg);

/* What the daemon holds, copied on the loop for the job. */
struct resync {
	int nsessions, ntargets, nlive;
	struct resync_session { int64_t id; char *name; uid_t owner; } *sessions;
	struct resync_target { int64_t id; struct target_row row; } *targets;
	double now;
	int failed;		/* the job could not write it */
	char errmsg[256];
	struct live_target *live;	/* live rows of the database ... */
	int nstale;			/* ... the first nstale not held */
};

static int
cmp_id(const void *a, const void *b)
{
	int64_t x = ((const struct resync_target *)a)->id;
	int64_t y = ((const struct resync_target *)b)->id;

	return x < y ? -1 : x > y;
}

static void
resync_free(struct resync *rs)
{
	int i;

	for (i = 0; i < rs->nsessions; i++)
		free(rs->sessions[i].name);
	for (i = 0; i < rs->ntargets; i++) {
		free((char *)rs->targets[i].row.exe);
		free((char *)rs->targets[i].row.cmdline);
	}
	free(rs->sessions);
	free(rs->targets);
	store_live_targets_free(rs->live, rs->nlive);
	free(rs);
}

/* On the store's thread: writes the rows again, finds the stale ones. */
static void
resync_run(struct store *st, void *arg)
{
	struct resync *rs = arg;
	struct resync_target key;
	struct live_target tmp;
	int i;

	for (i = 0; i < rs->nsessions; i++)
		if (store_session_restore(st, rs->sessions[i].id,
		    rs->sessions[i].name, rs->sessions[i].owner, rs->now) == -1)
			goto fail;
	for (i = 0; i < rs->ntargets; i++)
		if (store_target_restore(st, rs->targets[i].id, &rs->targets[i].row) == -1)
			goto fail;
	if ((rs->nlive = store_live_targets(st, &rs->live)) == -1) {
		rs->nlive = 0;
		goto fail;
	}
	/* The stale rows first: they ended while their end could not be
	 * written. */
	for (i = 0; i < rs->nlive; i++) {
		key.id = rs->live[i].id;
		if (bsearch(&key, rs->targets, rs->ntargets, sizeof key, cmp_id))
			continue;
		tmp = rs->live[rs->nstale];
		rs->live[rs->nstale++] = rs->live[i];
		rs->live[i] = tmp;
	}
	return;
fail:
	rs->failed = 1;
	snprintf(rs->errmsg, sizeof rs->errmsg, "%s", store_errmsg(st));
}

/* On the loop, once the rows are written: the stale ones end, lost. */
static void
resync_done(void *arg)
{
	struct resync *rs = arg;
	int i;

	if (rs->failed) {
		log_warn("database resync: %s", rs->errmsg);
		on_lost_writes(NULL);
	} else {
		for (i = 0; i < rs->nstale; i++)
			if (store_event(resync_store, rs->live[i].session_id,
			    rs->live[i].id, rs->now, "lost",
			    "{\"reason\":\"not recorded: a database write failed\"}") == -1 ||
			    store_target_end(resync_store, rs->live[i].id, "lost",
			    "lost", -1, -1, -1, rs->now) == -1)
				break;
		log_info("database resync: the live targets are written again");
	}
	resync_free(rs);
}

int
adopt_resync(struct store *st)
{
	static const char *const how_words[] = { "create", "attach", "child" };
	struct resync *rs = calloc(1, sizeof *rs);
	struct session *s;
	struct target *t;
	int ns = 0, nt = 0;

	if (rs == NULL)
		return -1;
	TAILQ_FOREACH(s, session_all(), entry) {
		ns++;
		nt += s->live;
	}
	rs->now = model_now();
	rs->sessions = calloc(ns ? ns : 1, sizeof *rs->sessions);
	rs->targets = calloc(nt ? nt : 1, sizeof *rs->targets);
	if (rs->sessions == NULL || rs->targets == NULL)
		goto fail;
	TAILQ_FOREACH(s, session_all(), entry) {
		if ((rs->sessions[rs->nsessions].name = strdup(s->name)) == NULL)
			goto fail;
		rs->sessions[rs->nsessions].owner = s->owner;
		rs->sessions[rs->nsessions++].id = s->id;
		TAILQ_FOREACH(t, &s->targets, entry) {
			if (rs->ntargets == nt)
				break;
			rs->targets[rs->ntargets].id = t->id;
			rs->targets[rs->ntargets++].row = (struct target_row){
				.session_id = s->id, .ordinal = t->ordinal,
				.pid = t->pid, .start_time = t->start_time,
				.how = how_words[t->how], .parent_id = t->parent_id,
				.uid = t->uid, .exe = strdup(t->exe),
				.cmdline = strdup(t->cmdline),
				.state = target_state_name(target_live_state(t)),
				.childdbg = t->childdbg, .joined_at = t->joined_at,
			};
		}
	}
	qsort(rs->targets, rs->ntargets, sizeof *rs->targets, cmp_id);
	store_job(st, resync_run, resync_done, rs);
	return 0;
fail:
	resync_free(rs);
	return -1;
}

static void
on_resync(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	/* A failure of its batch brings us back here. */
	if (adopt_resync(resync_store) == -1)
		log_warn("database resync: out of memory");
}

static void
on_lost_writes(void *arg)
{
	struct timeval second = { 1, 0 };

	(void)arg;
	if (resync_ev != NULL && !evtimer_pending(resync_ev, NULL))
		evtimer_add(resync_ev, &second);
}

int
adopt_watch_commits(struct event_base *base, struct store *st)
{
	resync_store = st;
	if ((resync_ev = evtimer_new(base, on_resync, NULL)) == NULL)
		return -1;
	store_set_lost_hook(st, on_lost_writes, NULL);
	return 0;
}

void
adopt_unwatch_commits(void)
{
	if (resync_store != NULL)
		store_set_lost_hook(resync_store, NULL, NULL);
	if (resync_ev != NULL)
		event_free(resync_ev);
	resync_ev = NULL;
}
