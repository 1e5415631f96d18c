/* Retention: pruning old history in small batches (see retention.h). */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include <event2/event.h>

#include "log.h"
#include "model.h"
#include "retention.h"
#include "store.h"
#include "store-history.h"
#include "triage-files.h"

static struct event *timer;
static struct store *ret_store;
static struct retention_params params;

/* A session the daemon holds in memory keeps its row (its id is in use). */
static bool
session_held(int64_t id, void *arg)
{
	struct session *s;

	(void)arg;
	TAILQ_FOREACH(s, session_all(), entry)
		if (s->id == id)
			return true;
	return false;
}

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

/*
 * One batch: by age first, then by size while over the limit. More to do:
 * the next batch runs on the next loop iteration, after whatever else is
 * waiting (and after this batch's commit); nothing left: the next check is
 * an interval away.
 */
static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct prune_stats ps;
	int64_t used;
	int n = 0;

	(void)fd;
	(void)what;
	(void)arg;
	if (params.max_age > 0) {
		n = store_prune_batch(ret_store, model_now() - params.max_age,
		    params.batch, session_held, NULL, &ps);
		if (n > 0)
			log_debug("retention (age): %d events, %d targets, %d sessions",
			    ps.events, ps.targets, ps.sessions);
	}
	if (n == 0 && params.max_bytes > 0 &&
	    (used = store_used_bytes(ret_store)) > params.max_bytes) {
		n = store_prune_batch(ret_store, HUGE_VAL, params.batch,
		    session_held, NULL, &ps);
		if (n > 0)
			log_debug("retention (size %lld > %lld): %d events, %d targets,"
			    " %d sessions", (long long)used, (long long)params.max_bytes,
			    ps.events, ps.targets, ps.sessions);
		else if (n == 0)
			log_debug("retention: %lld bytes used, nothing ended to prune",
			    (long long)used);
	}
	if (n == -1)
		log_warn("retention: %s", store_errmsg(ret_store));
	else if (n > 0)
		triage_files_sweep();	/* the files of the targets pruned */
	schedule(n > 0 ? 0 : params.interval);
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
	char *end;
	double v;
	int i;

	errno = 0;
	v = strtod(text, &end);
	if (errno != 0 || end == text || !isfinite(v) || v < 0)
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
