/*
 * Seizes that wait for an exec to end. A process in the middle of an exec
 * cannot be seized until the exec is over (seize.c), and an exec that
 * reads its program from a file system that does not answer is never
 * over. So a seize that finds one is tried again later, from a timer,
 * while the loop serves everyone else:
 *
 *   - .attach PID: until the exec ends or operation_timeout passes; then
 *     it fails, saying why, and nothing has changed;
 *   - the threads of a process already held (attached or re-adopted) that
 *     a pass could not seize: until none is left, or operation_timeout
 *     passes; then a warning names the process (its other threads are
 *     traced; an exec that ends kills them all but the one that exec'd).
 *
 * Every waiting seize is in one queue, tried in turn, one try per tick of
 * one timer: a try can hold the loop SEIZE_TRY_MS, and a tick every
 * 4 * SEIZE_TRY_MS keeps the loop free three quarters of the time however
 * many wait (a user may make many exec hang).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/event.h>

#include "delay.h"
#include "engine-internal.h"
#include "log.h"
#include "seize.h"

#define TICK_MS (4 * SEIZE_TRY_MS)

struct seize_wait {
	struct session *s;	/* .attach: sessions live as long as tetherd */
	pid_t pid;
	unsigned long long start_time;	/* .attach: of the process it found */
	uid_t peer_uid;
	attach_done_fn done;	/* NULL: the threads of a target held */
	void *arg;
	const void *owner;
	int64_t target_id;	/* the threads of this target */
	double deadline;	/* delay_clock() */
	TAILQ_ENTRY(seize_wait) entry;
};
static TAILQ_HEAD(, seize_wait) waits = TAILQ_HEAD_INITIALIZER(waits);
static struct event *tick;

static void
arm_tick(void)
{
	struct timeval tv = { 0, TICK_MS * 1000 };

	if (tick != NULL && !TAILQ_EMPTY(&waits) && !evtimer_pending(tick, NULL) &&
	    evtimer_add(tick, &tv) == -1)
		log_warn("cannot arm the timer of the seizes that wait");
}

static struct seize_wait *
wait_new(pid_t pid)
{
	struct seize_wait *w;

	if ((w = calloc(1, sizeof *w)) == NULL)
		return NULL;
	w->pid = pid;
	w->deadline = delay_clock() + engine_op_timeout();
	TAILQ_INSERT_TAIL(&waits, w, entry);
	arm_tick();
	return w;
}

/* Removes w; an .attach's done is called with t or err. */
static void
wait_end(struct seize_wait *w, struct target *t, const char *err)
{
	TAILQ_REMOVE(&waits, w, entry);
	if (w->done != NULL)
		w->done(t, err, w->arg);
	free(w);
}

/* .attach: where it is given up, what the client reads. */
static void
attach_timed_out(struct seize_wait *w)
{
	char err[160];

	snprintf(err, sizeof err, "process %d is in the middle of an exec that "
	    "has not finished in %gs (operation_timeout): try again", (int)w->pid,
	    engine_op_timeout());
	wait_end(w, NULL, err);
}

static void
threads_timed_out(struct seize_wait *w)
{
	struct target *t = target_by_pid(w->pid);

	if (t != NULL && t->id == w->target_id)
		log_warn("session %s: |%d (pid %d): some of its threads are not traced: "
		    "the process has been in the middle of an exec for %gs "
		    "(operation_timeout)", t->session->name, t->ordinal, (int)t->pid,
		    engine_op_timeout());
	wait_end(w, NULL, NULL);
}

static void
try_attach(struct seize_wait *w)
{
	struct target *t;
	char err[256];

	switch (engine_attach_try(w->s, w->pid, w->peer_uid, &w->start_time, &t,
	    err, sizeof err)) {
	case ATTACH_JOINED:
		wait_end(w, t, NULL);
		break;
	case ATTACH_REFUSED:
		wait_end(w, NULL, err);
		break;
	case ATTACH_BUSY:
		break;
	}
}

static void
try_threads(struct seize_wait *w)
{
	struct target *t = target_by_pid(w->pid);

	if (t == NULL || t->id != w->target_id || seize_threads(t) == 0)
		wait_end(w, NULL, NULL);
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct seize_wait *w;
	double at = delay_clock();

	(void)fd;
	(void)what;
	(void)arg;
	/* A done may start the next command of its client, which may add
	 * to the queue: start over after each. */
again:
	TAILQ_FOREACH(w, &waits, entry)
		if (at >= w->deadline) {
			if (w->done != NULL)
				attach_timed_out(w);
			else
				threads_timed_out(w);
			goto again;
		}
	/* One try, then its turn is at the end. */
	if ((w = TAILQ_FIRST(&waits)) != NULL) {
		TAILQ_REMOVE(&waits, w, entry);
		TAILQ_INSERT_TAIL(&waits, w, entry);
		if (w->done != NULL)
			try_attach(w);
		else
			try_threads(w);
	}
	arm_tick();
}

void
engine_attach(struct session *s, pid_t pid, uid_t peer_uid,
    attach_done_fn done, void *arg)
{
	struct seize_wait *w, *queued;

	/* A pid that waits already is in the middle of an exec: the new
	 * .attach waits its turn without a try of its own (a client that asks
	 * again and again would hold the loop SEIZE_TRY_MS each time). */
	TAILQ_FOREACH(queued, &waits, entry)
		if (queued->pid == pid)
			break;
	if ((w = wait_new(pid)) == NULL) {
		done(NULL, "out of memory", arg);
		return;
	}
	w->s = s;
	w->peer_uid = peer_uid;
	w->done = done;
	w->arg = arg;
	w->owner = engine_owner();
	/* The first try, as the timer's: w is gone if it has ended. */
	if (queued == NULL)
		try_attach(w);
}

void
threads_wait(struct target *t)
{
	struct seize_wait *w;

	TAILQ_FOREACH(w, &waits, entry)
		if (w->done == NULL && w->target_id == t->id)
			return;
	if ((w = wait_new(t->pid)) == NULL) {
		log_warn("session %s: |%d (pid %d): some of its threads are not traced: "
		    "out of memory", t->session->name, t->ordinal, (int)t->pid);
		return;
	}
	w->target_id = t->id;
}

void
attach_cancel_owned(const void *owner, const char *why)
{
	struct seize_wait *w;

again:
	TAILQ_FOREACH(w, &waits, entry)
		if (w->done != NULL && w->owner == owner) {
			wait_end(w, NULL, why);
			goto again;
		}
}

int
attach_wait_init(struct event_base *base)
{
	if ((tick = evtimer_new(base, on_tick, NULL)) == NULL)
		return -1;
	arm_tick();
	return 0;
}

void
attach_wait_free(void)
{
	struct seize_wait *w;

	/* As the .creates under way (engine_create_cancel): no callback;
	 * their clients are going too. */
	while ((w = TAILQ_FIRST(&waits)) != NULL) {
		TAILQ_REMOVE(&waits, w, entry);
		free(w);
	}
	if (tick != NULL)
		event_free(tick);
	tick = NULL;
}
