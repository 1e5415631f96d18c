/* Connection limits per uid and in all (admission.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <uthash.h>

#include "admission.h"
#include "log.h"

#define LOG_INTERVAL_SECS 10

struct uid_count {
	uid_t uid;
	int n;
	UT_hash_handle hh;
};

static struct uid_count *by_uid;
static int total, limit_total = ADMISSION_DEFAULT_TOTAL,
    limit_per_uid = ADMISSION_DEFAULT_PER_UID;
static struct event *log_timer;
/* What happened since the last line logged: kind and count. */
static char last_what[160];
static unsigned long suppressed;
static bool interval_open;

static void
on_log_timer(evutil_socket_t fd, short what, void *arg)
{
	struct timeval tv = { LOG_INTERVAL_SECS, 0 };

	(void)fd;
	(void)what;
	(void)arg;
	if (suppressed == 0) {
		interval_open = false;
		return;
	}
	log_warn("%lu more in the last %d s (latest: %s)", suppressed,
	    LOG_INTERVAL_SECS, last_what);
	suppressed = 0;
	evtimer_add(log_timer, &tv);
}

void
admission_log_limited(const char *what)
{
	struct timeval tv = { LOG_INTERVAL_SECS, 0 };

	snprintf(last_what, sizeof last_what, "%s", what);
	if (interval_open) {
		suppressed++;
		return;
	}
	log_warn("%s (repeats are counted, logged every %d s)", what,
	    LOG_INTERVAL_SECS);
	interval_open = log_timer != NULL && evtimer_add(log_timer, &tv) == 0;
}

int
admission_init(struct event_base *base)
{
	log_timer = evtimer_new(base, on_log_timer, NULL);
	return log_timer != NULL ? 0 : -1;
}

void
admission_free(void)
{
	struct uid_count *u, *tmp;

	HASH_ITER(hh, by_uid, u, tmp) {
		HASH_DEL(by_uid, u);
		free(u);
	}
	total = 0;
	if (log_timer != NULL)
		event_free(log_timer);
	log_timer = NULL;
	interval_open = false;
	suppressed = 0;
}

void
admission_set_limits(int new_total, int per_uid)
{
	limit_total = new_total;
	limit_per_uid = per_uid;
}

int
admission_take(uid_t uid, char *msg, size_t msglen)
{
	struct uid_count *u;
	char what[160];

	HASH_FIND(hh, by_uid, &uid, sizeof uid, u);
	if (u != NULL && u->n >= limit_per_uid)
		snprintf(msg, msglen, "too many connections for uid %u (limit %d)",
		    (unsigned)uid, limit_per_uid);
	else if (total >= limit_total)
		snprintf(msg, msglen, "too many connections to tetherd (limit %d)",
		    limit_total);
	else {
		if (u == NULL) {
			if ((u = calloc(1, sizeof *u)) == NULL) {
				snprintf(msg, msglen, "tetherd is out of memory");
				return -1;
			}
			u->uid = uid;
			HASH_ADD(hh, by_uid, uid, sizeof u->uid, u);
		}
		u->n++;
		total++;
		return 0;
	}
	snprintf(what, sizeof what, "connection refused: %s", msg);
	admission_log_limited(what);
	return -1;
}

void
admission_release(uid_t uid)
{
	struct uid_count *u;

	HASH_FIND(hh, by_uid, &uid, sizeof uid, u);
	if (u == NULL)
		return;
	total--;
	if (--u->n == 0) {
		HASH_DEL(by_uid, u);
		free(u);
	}
}
