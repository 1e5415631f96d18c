/* Retention: pruning old history in small batches (see retention.h). */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include <event2/event.h>

#include "decimal.h"
#include "log.h"
#include "log-rotation.h"
#include "model.h"
#include "retention.h"
#include "store.h"
#include "store-history.h"
#include "triage-files.h"

static struct event *timer;
static struct store *ret_store;
static struct retention_params params;

static void
schedule(double seconds)
{
	struct timeval tv;

	if (timer == NULL)
		return;
	tv.tv_sec = (time_t)seconds;
	tv.tv_usec = (suseconds_t)((seconds - (double)tv.tv_sec) * 1e6);
	evtimer_add(timer, &tv);
}

/* One batch, run by the store's thread (store_job). */
struct prune_job {
	struct retention_params params;
	double now;
	int64_t *held;		/* the sessions the daemon holds */
	int nheld;
	int64_t *deleted;	/* sessions, at most params.batch */
	int ndeleted;
	int n;			/* rows deleted, or -1 */
	struct prune_stats ps;
	bool by_size;
	int64_t used;		/* bytes */
	char errmsg[256];
};

/* A session the daemon holds keeps its row (its id is in use); the others
 * that the batch deletes are noted for the catalog. */
static bool
session_held(int64_t id, void *arg)
{
	struct prune_job *j = arg;
	int i;

	for (i = 0; i < j->nheld; i++)
		if (j->held[i] == id)
			return true;
	if (j->ndeleted < j->params.batch)
		j->deleted[j->ndeleted++] = id;
	return false;
}

/* By age first, then by size while over the limit. */
static void
prune_run(struct store *st, void *arg)
{
	struct prune_job *j = arg;

	if (j->params.max_age > 0)
		j->n = store_prune_batch(st, j->now - j->params.max_age,
		    j->params.batch, session_held, j, &j->ps);
	if (j->n == 0 && j->params.max_bytes > 0 &&
	    (j->used = store_used_bytes(st)) > j->params.max_bytes) {
		j->by_size = true;
		j->ndeleted = 0;
		j->n = store_prune_batch(st, HUGE_VAL, j->params.batch,
		    session_held, j, &j->ps);
	}
	if (j->n == -1) {
		j->ndeleted = 0;
		snprintf(j->errmsg, sizeof j->errmsg, "%s", store_errmsg(st));
	}
}

/*
 * More to do: the next batch runs on the next loop iteration, after
 * whatever else is waiting; nothing left: the next check is an interval
 * away.
 */
static void
prune_done(void *arg)
{
	struct prune_job *j = arg;

	store_prune_over(ret_store, j->deleted, j->ndeleted);
	if (j->n > 0 && !j->by_size)
		log_debug("retention (age): %d events, %d targets, %d sessions",
		    j->ps.events, j->ps.targets, j->ps.sessions);
	else if (j->n > 0)
		log_debug("retention (size %lld > %lld): %d events, %d targets,"
		    " %d sessions", (long long)j->used, (long long)j->params.max_bytes,
		    j->ps.events, j->ps.targets, j->ps.sessions);
	else if (j->n == 0 && j->by_size)
		log_debug("retention: %lld bytes used, nothing ended to prune",
		    (long long)j->used);
	if (j->n == -1)
		log_warn("retention: %s", j->errmsg);
	else if (j->n > 0) {
		triage_files_sweep();	/* the files of the targets pruned */
		log_rotation_sweep();
	}
	if (timer != NULL)
		schedule(j->n > 0 ? 0 : params.interval);
	free(j->held);
	free(j->deleted);
	free(j);
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct prune_job *j = calloc(1, sizeof *j);
	struct session *s;
	int n = 0;

	(void)fd;
	(void)what;
	(void)arg;
	TAILQ_FOREACH(s, session_all(), entry)
		n++;
	if (j == NULL || (j->held = calloc(n ? n : 1, sizeof *j->held)) == NULL ||
	    (j->deleted = calloc(params.batch, sizeof *j->deleted)) == NULL) {
		if (j != NULL)
			free(j->held);
		free(j);
		log_warn("retention: out of memory");
		schedule(params.interval);
		return;
	}
	TAILQ_FOREACH(s, session_all(), entry)
		j->held[j->nheld++] = s->id;
	j->params = params;
	j->now = model_now();
	store_prune_started(ret_store);
	store_job(ret_store, prune_run, prune_done, j);
}

int
retention_set(const struct retention_params *p)
{
	params = *p;
	if (params.interval <= 0)
		params.interval = RETENTION_DEFAULT_INTERVAL;
	if (params.batch <= 0)
		params.batch = RETENTION_DEFAULT_BATCH;
	if (timer == NULL)
		return 0;
	evtimer_del(timer);
	if (params.max_age > 0 || params.max_bytes > 0)
		schedule(0);
	return 0;
}

int
retention_start(struct event_base *base, struct store *st,
    const struct retention_params *p)
{
	ret_store = st;
	if ((timer = evtimer_new(base, on_timer, NULL)) == NULL) {
		log_warn("retention: cannot create its timer");
		return -1;
	}
	return retention_set(p);
}

void
retention_stop(void)
{
	if (timer != NULL)
		event_free(timer);
	timer = NULL;
}

/* A number with an optional one-letter unit from units (multipliers). */
static int
parse_scaled(const char *text, const char *units, const double *mult, double *out)
{
	const char *end;
	double v;
	int i;

	if (decimal_parse(text, &v, &end) == -1)
		return -1;
	if (*end != '\0') {
		for (i = 0; units[i] != '\0' && units[i] != *end; i++)
			;
		if (units[i] == '\0' || end[1] != '\0')
			return -1;
		v *= mult[i];
	}
	*out = v;
	return 0;
}

int
retention_parse_age(const char *text, double *seconds)
{
	static const double mult[] = { 1, 60, 3600, 86400, 604800 };

	return parse_scaled(text, "smhdw", mult, seconds);
}

int
retention_parse_size(const char *text, int64_t *bytes)
{
	static const double mult[] = { 1024.0, 1024.0 * 1024, 1024.0 * 1024 * 1024,
	    1024.0, 1024.0 * 1024, 1024.0 * 1024 * 1024 };
	double v;

	if (parse_scaled(text, "KMGkmg", mult, &v) == -1 || v > 9.0e18)
		return -1;
	*bytes = (int64_t)v;
	return 0;
}
