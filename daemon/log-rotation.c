/* Rotating and pruning the created targets' logs (see log-rotation.h). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "log.h"
#include "log-rotation.h"
#include "model.h"
#include "store.h"
#include "store-triage.h"
#include "target-log.h"
#include "triage-worker.h"

static struct event *timer;
static struct store *rot_store;
static const char *rot_logdir;
static struct log_bounds bounds = {
	LOG_DEFAULT_MAX_BYTES, LOG_DEFAULT_KEEP, LOG_DEFAULT_INTERVAL,
};
static int inflight;		/* rotation jobs of the last round not done */

static void
schedule(void)
{
	struct timeval tv;

	if (timer == NULL)
		return;
	tv.tv_sec = (time_t)bounds.interval;
	tv.tv_usec = (suseconds_t)((bounds.interval - (double)tv.tv_sec) * 1e6);
	evtimer_add(timer, &tv);
}

static void
rotated(struct triage_job *job, void *arg)
{
	(void)arg;
	inflight--;
	if (job->log.error[0] != '\0')
		log_warn("log rotation: %s", job->log.error);
	else if (job->log.rotated)
		log_info("log %s rotated at %lld bytes (keeping %d)", job->path,
		    job->log.bytes, job->log.keep);
}

static struct triage_job *
log_job(enum triage_job_kind kind, const char *path)
{
	struct triage_job *job = triage_job_new(kind);

	if (job == NULL || (job->path = strdup(path)) == NULL) {
		triage_job_free(job);
		log_warn("log %s: out of memory", path);
		return NULL;
	}
	job->log.keep = bounds.keep;
	job->log.max_bytes = bounds.max_bytes;
	return job;
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct session *s;
	struct target *t;
	struct triage_job *job;
	char path[PATH_MAX];

	(void)fd;
	(void)what;
	(void)arg;
	/* A round still at work (a slow disk): this one is skipped. */
	if (inflight == 0 && bounds.max_bytes > 0)
		TAILQ_FOREACH(s, session_all(), entry)
			TAILQ_FOREACH(t, &s->targets, entry) {
				if (t->how != HOW_CREATE || target_log_path(rot_logdir,
				    s->name, t->ordinal, path, sizeof path) == -1 ||
				    (job = log_job(TRIAGE_JOB_LOG_ROTATE, path)) == NULL)
					continue;
				inflight++;
				triage_job_submit(job, rotated, NULL);
			}
	schedule();
}

int
log_rotation_start(struct event_base *base, struct store *st, const char *logdir)
{
	rot_store = st;
	rot_logdir = logdir;
	if ((timer = evtimer_new(base, on_timer, NULL)) == NULL) {
		log_warn("log rotation: cannot create its timer");
		return -1;
	}
	schedule();
	return 0;
}

void
log_rotation_set(const struct log_bounds *b)
{
	bounds = *b;
	if (timer != NULL) {
		evtimer_del(timer);
		schedule();
	}
}

const struct log_bounds *
log_rotation_bounds(void)
{
	return &bounds;
}

void
log_rotation_stop(void)
{
	if (timer != NULL)
		event_free(timer);
	timer = NULL;
}

static void
removed(struct triage_job *job, void *arg)
{
	(void)arg;
	if (job->log.error[0] != '\0')
		log_warn("log of a pruned target: %s", job->log.error);
}

static void
pruned(void *arg, const char *name)
{
	struct triage_job *job;
	char path[PATH_MAX];

	(void)arg;
	if (strchr(name, '/') != NULL || snprintf(path, sizeof path, "%s/%s",
	    rot_logdir, name) >= (int)sizeof path)
		return;
	log_info("log %s removed: its target was pruned", path);
	if ((job = log_job(TRIAGE_JOB_LOG_REMOVE, path)) != NULL)
		triage_job_submit(job, removed, NULL);
}

void
log_rotation_sweep(void)
{
	if (rot_store != NULL &&
	    store_logs_take_removed(rot_store, pruned, NULL) == -1)
		log_warn("logs of pruned targets: %s", store_errmsg(rot_store));
}
