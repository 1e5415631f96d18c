/* Re-adoption of the targets a previous daemon left live (see adopt.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "adopt.h"
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
	char *text;
	double now = model_now();

	json_object_set_new(detail, "reason", json_string(reason));
	text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(detail);
	if (store_event(st, lt->session_id, lt->id, now, "lost", text) == -1 ||
	    store_target_end(st, lt->id, "lost", -1, -1, now) == -1)
		log_warn("|%d of session %s (pid %d): %s", lt->ordinal,
		    lt->session, lt->pid, store_errmsg(st));
	log_info("session %s: |%d (pid %d) lost: %s", lt->session, lt->ordinal,
	    lt->pid, reason);
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

static void
adopt_one(struct store *st, const struct live_target *lt, bool readopt,
    struct adopt_result *res)
{
	struct target_params p = {
		.pid = lt->pid, .start_time = lt->start_time,
		.how = how_parse(lt->how), .uid = lt->uid, .exe = lt->exe,
		.cmdline = lt->cmdline, .childdbg = lt->childdbg != 0,
	};
	struct session *s;
	struct target *t;
	const char *why;
	json_t *extra = NULL;
	char err[256], detail[96];

	if (!readopt) {
		mark_lost(st, lt, "re-adoption off", NULL);
		res->lost++;
		return;
	}
	if ((why = check_identity(lt, &extra)) != NULL) {
		mark_lost(st, lt, why, extra);
		res->lost++;
		return;
	}
	if ((s = session_ensure(lt->session)) == NULL || s->id != lt->session_id ||
	    (t = target_restore(s, &p, lt->id, lt->ordinal, lt->parent_id,
	    lt->parent_ordinal)) == NULL) {
		mark_lost(st, lt, "cannot be put back in the model", NULL);
		res->lost++;
		return;
	}
	if (engine_seize(t, err, sizeof err) == -1) {
		extra = json_pack("{s:s}", "error", err);
		/* target_end writes the lost event and frees t: record the
		 * reason as mark_lost would. */
		json_object_set_new(extra, "reason", json_string("cannot attach"));
		{
			char *text = json_dumps(extra, JSON_COMPACT | JSON_SORT_KEYS);
			target_end(t, TS_LOST, -1, -1, "lost", text);
			free(text);
		}
		json_decref(extra);
		log_info("session %s: |%d (pid %d) lost: %s", lt->session,
		    lt->ordinal, lt->pid, err);
		res->lost++;
		return;
	}
	/* It was running or held stopped; the kernel let it run when the
	 * previous daemon went. */
	if (store_target_set_state(st, lt->id, "running") == -1)
		log_warn("|%d of session %s: %s", lt->ordinal, lt->session,
		    store_errmsg(st));
	snprintf(detail, sizeof detail, "{\"pid\":%d,\"threads\":%d}", lt->pid,
	    t->nthreads);
	target_event(t, "adopt", detail);
	res->adopted++;
}

int
adopt_all(struct store *st, bool readopt, struct adopt_result *res)
{
	struct live_target *list;
	struct session *s;
	int i, n;

	res->adopted = res->lost = 0;
	if ((n = store_live_targets(st, &list)) == -1)
		return -1;
	for (i = 0; i < n; i++)
		adopt_one(st, &list[i], readopt, res);
	store_live_targets_free(list, n);
	/* Adoption is the daemon's doing, not a debug event of a target. */
	TAILQ_FOREACH(s, session_all(), entry)
		s->event = -1;
	return 0;
}
