/*
 * The lazy-free thread (see lazyfree.h): a ring of trees handed over under
 * a mutex held for a pointer move, and a thread that drops them. When the
 * ring is full the thread is behind by LAZYFREE_RING trees of a quarter
 * megabyte or more, and the loop frees the next one itself rather than
 * hold more memory.
 */
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lazyfree.h"

#if !JSON_HAVE_ATOMIC_BUILTINS && !JSON_HAVE_SYNC_BUILTINS
#error "jansson without atomic reference counts: trees cannot be freed on another thread"
#endif

#define LAZYFREE_RING	64

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static json_t *ring[LAZYFREE_RING];
static unsigned head, count;	/* the oldest, and how many are queued */
static bool running, quitting;
static pthread_t thread;

static void *
lazyfree_thread(void *arg)
{
	json_t *j;

	(void)arg;
	pthread_mutex_lock(&lock);
	for (;;) {
		while (count == 0 && !quitting)
			pthread_cond_wait(&wake, &lock);
		if (count == 0)
			break;
		j = ring[head];
		head = (head + 1) % LAZYFREE_RING;
		count--;
		pthread_mutex_unlock(&lock);
		json_decref(j);
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

int
lazyfree_start(char *err, size_t errlen)
{
	sigset_t all, old;
	int rc;

	quitting = false;
	/* The thread takes no signals: they are the loop's (engine.c's
	 * signalfd, seize.c's timer). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&thread, NULL, lazyfree_thread, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		snprintf(err, errlen, "cannot start the lazy-free thread: %s", strerror(rc));
		return -1;
	}
	/* Named, so that top -H tells its CPU from the loop's. */
	pthread_setname_np(thread, "tetherd-free");
	running = true;
	return 0;
}

void
lazyfree_json(json_t *j, size_t encoded_bytes)
{
	bool queued = false;

	if (j == NULL)
		return;
	if (running && encoded_bytes >= LAZYFREE_MIN_BYTES) {
		pthread_mutex_lock(&lock);
		if (count < LAZYFREE_RING) {
			ring[(head + count) % LAZYFREE_RING] = j;
			count++;
			queued = true;
		}
		pthread_mutex_unlock(&lock);
	}
	if (queued)
		pthread_cond_signal(&wake);
	else
		json_decref(j);
}

void
lazyfree_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&lock);
	quitting = true;
	pthread_mutex_unlock(&lock);
	pthread_cond_signal(&wake);
	pthread_join(thread, NULL);
	running = false;
}
