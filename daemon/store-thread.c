/*
 * The store's thread (see store.h, store-internal.h): the queue of records
 * between the event loop and the thread, the thread that writes them, and
 * the completions it sends back.
 *
 * The loop fills a block of its own; a flush hands it over (a mutex held
 * for a few pointer moves, then a condition signal). The thread takes
 * every block handed over, writes them in one transaction, gives the
 * blocks back for reuse and posts a completion; an eventfd wakes the loop,
 * which takes the completions. No lock is held across a system call.
 *
 * The queue is bounded: past STORE_QUEUE_MAX bytes of records waiting (the
 * database is locked for long, or slower than the targets), a record is
 * not queued; it is counted as lost, the loop hears of it at once (replies
 * say it, status counts it), and once the thread has caught up, the live
 * targets are written again (adopt_resync). The loop never waits.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "store.h"
#include "store-internal.h"

/* 64 MiB: some 300,000 records of forks and exits, a minute of the
 * fastest fork storm with the database locked. */
#define STORE_QUEUE_MAX		(64u << 20)
/* Blocks kept for reuse once written; the rest are freed. */
#define SPARE_BLOCKS		16
/* At stop, how long another process's write lock is waited out. */
#define STOP_WAIT_MS		5000

static void wake_thread(struct store *st)
{
	pthread_cond_signal(&st->wake);
}

/* --- the loop's side */

static struct store_block *block_get(struct store *st, size_t need)
{
	struct store_block *b = NULL;
	size_t cap = need > STORE_BLOCK_BYTES ? need : STORE_BLOCK_BYTES;
	bool room;

	pthread_mutex_lock(&st->lock);
	if (cap == STORE_BLOCK_BYTES && st->spare != NULL) {
		b = st->spare;
		st->spare = b->next;
		st->nspare--;
	}
	room = b == NULL && st->queued_bytes + cap <= STORE_QUEUE_MAX;
	if (room)
		st->queued_bytes += cap;
	pthread_mutex_unlock(&st->lock);
	if (b == NULL && room) {
		if ((b = malloc(sizeof *b + cap)) == NULL) {
			pthread_mutex_lock(&st->lock);
			st->queued_bytes -= cap;
			pthread_mutex_unlock(&st->lock);
			return NULL;
		}
		b->cap = (uint32_t)cap;
	}
	if (b != NULL) {
		b->next = NULL;
		b->used = 0;
		b->mark_end = st->mark;
	}
	return b;
}

/*
 * Appends b to what the thread will take; it is woken by the flush. With
 * may_copy, b's records are copied into the last block handed over if the
 * thread has not taken it yet and it has room, and b stays the caller's:
 * while the thread is busy (a long query, a locked database) a batch per
 * stop would otherwise pin a whole block each, and the queue's bound
 * would count batches, not records. Returns whether b was copied.
 */
static bool block_hand(struct store *st, struct store_block *b, bool may_copy)
{
	struct store_block *last;
	bool copied = false;

	pthread_mutex_lock(&st->lock);
	if (may_copy && st->handed != NULL) {
		last = (struct store_block *)(void *)((char *)st->handed_tail -
		    offsetof(struct store_block, next));
		if (last->cap - last->used >= b->used) {
			memcpy(last->data + last->used, b->data, b->used);
			last->used += b->used;
			last->mark_end = b->mark_end;
			copied = true;
		}
	}
	if (!copied) {
		*st->handed_tail = b;
		st->handed_tail = &b->next;
	}
	pthread_mutex_unlock(&st->lock);
	return copied;
}

/* A record that cannot be queued: said at once, written again later. */
static void record_refused(struct store *st)
{
	static const char msg[] = "the store's queue is full";

	st->lost_total++;
	if (st->lost_total == 1 || st->lost_total % 10000 == 0)
		log_warn("database: %s: %llu change(s) not recorded so far", msg,
		    (unsigned long long)st->lost_total);
	if (st->lost_hook != NULL)
		st->lost_hook(st->lost_arg);
	if (st->done_hook != NULL)
		st->done_hook(st->done_arg, st->committed, msg);
}

struct store_rec *store_queue_reserve(struct store *st, size_t size)
{
	struct store_rec *r;
	struct store_block *b = st->cur;

	size = (size + 7) & ~(size_t)7;
	if (b == NULL || b->used + size > b->cap) {
		if ((b = block_get(st, size)) == NULL) {
			record_refused(st);
			return NULL;
		}
		if (st->cur != NULL)
			block_hand(st, st->cur, false);
		st->cur = b;
	}
	r = (struct store_rec *)(b->data + b->used);
	b->used += (uint32_t)size;
	memset(r, 0, sizeof *r);
	r->size = (uint32_t)size;
	b->mark_end = ++st->mark;
	if (!st->hook_called && st->dirty_hook != NULL) {
		st->hook_called = 1;
		st->dirty_hook(st->dirty_arg);
	}
	return r;
}

void store_flush(struct store *st)
{
	if (!st->threaded) {
		store_commit(st);
		return;
	}
	/* Its writes go in this batch. */
	if (st->cur != NULL && st->cur->used > 0 && st->commit_hook != NULL)
		st->commit_hook(st->commit_arg);
	st->hook_called = 0;
	if (st->cur == NULL || st->cur->used == 0)
		return;
	if (block_hand(st, st->cur, true)) {
		st->cur->used = 0;
		st->cur->mark_end = st->mark;
	} else
		st->cur = NULL;
	wake_thread(st);
}

/* The completions the thread posted, in order. */
static void take_completions(struct store *st, bool run_jobs)
{
	struct store_completion *c, *next;
	int i;

	pthread_mutex_lock(&st->lock);
	c = st->completed;
	st->completed = NULL;
	st->completed_tail = &st->completed;
	pthread_mutex_unlock(&st->lock);
	for (; c != NULL; c = next) {
		next = c->next;
		st->committed = c->mark_end;
		if (c->lost > 0) {
			st->lost_total += c->lost;
			log_warn("database: %llu change(s) not recorded: %s",
			    (unsigned long long)c->lost, c->errmsg);
			if (st->lost_hook != NULL)
				st->lost_hook(st->lost_arg);
		}
		for (i = 0; run_jobs && i < c->njobs; i++)
			c->jobs[i].done(c->jobs[i].arg);
		if (run_jobs && st->done_hook != NULL)
			st->done_hook(st->done_arg, st->committed,
			    c->lost > 0 ? c->errmsg : NULL);
		free(c);
	}
}

static void on_completed(evutil_socket_t fd, short what, void *arg)
{
	uint64_t n;

	(void)what;
	if (read(fd, &n, sizeof n) == -1 && errno != EAGAIN)
		log_warn("store: eventfd: %s", strerror(errno));
	take_completions(arg, true);
}

/* --- the thread's side */

/*
 * Another process holds the write lock: wait it out, without a bound while
 * the daemon runs (the loop goes on, the queue holds what comes), for at
 * most STOP_WAIT_MS once it stops.
 */
static int busy_wait(void *arg, int count)
{
	struct store *st = arg;
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	/* Once given up, the writes left fail at once. */
	if (atomic_load(&st->busy_giving_up) &&
	    (st->busy_gave_up || count * 10 >= STOP_WAIT_MS)) {
		st->busy_gave_up = true;
		return 0;
	}
	if (count < 10)
		ts.tv_nsec = (count + 1) * 1000 * 1000;
	nanosleep(&ts, NULL);
	return 1;
}

/* An error that undoes the whole transaction, not one statement. */
static bool error_ends_transaction(struct store *st)
{
	int code = st->errcode & 0xff;

	return sqlite3_get_autocommit(st->db) || !(code == SQLITE_CONSTRAINT ||
	    code == SQLITE_MISMATCH || code == SQLITE_RANGE || code == SQLITE_TOOBIG);
}

static void note_lost(struct store *st, struct store_completion *c, uint64_t n)
{
	if (c->lost == 0)
		snprintf(c->errmsg, sizeof c->errmsg, "%s", st->errmsg);
	c->lost += n;
}

/*
 * Writes the records of blocks in one transaction. A record the schema
 * refuses (it names a row a failed batch lost) is lost alone; an error
 * that ends the transaction (a full disk) loses what it held, and the
 * records after it start another.
 */
static struct store_completion *write_batch(struct store *st, struct store_block *blocks)
{
	struct store_completion *c;
	struct store_block *b;
	struct store_rec *r;
	uint64_t pending = 0;	/* records in the open transaction */
	uint32_t off;
	int njobs = 0;

	for (b = blocks; b != NULL; b = b->next)
		for (off = 0; off < b->used; off += r->size) {
			r = (struct store_rec *)(b->data + off);
			njobs += r->type == REC_JOB;
		}
	if ((c = calloc(1, sizeof *c + njobs * sizeof c->jobs[0])) == NULL) {
		log_warn("store: out of memory");
		abort();
	}
	for (b = blocks; b != NULL; b = b->next) {
		for (off = 0; off < b->used; off += r->size) {
			r = (struct store_rec *)(b->data + off);
			if (r->type == REC_JOB) {
				store_apply(st, r);
				c->jobs[c->njobs++] = (struct store_job_done){ r->done, r->arg };
				/* Its writes, if any, are lost with a failed commit
				 * too (the resync's: it must run again). */
				if (pending == 0 && !sqlite3_get_autocommit(st->db))
					pending = 1;
				/* A job whose write failed rolled back the others. */
				if (pending > 0 && sqlite3_get_autocommit(st->db)) {
					store_set_errmsg(st, "a job's write failed");
					note_lost(st, c, pending);
					pending = 0;
				}
				continue;
			}
			if (store_write_begin(st) < 0) {
				note_lost(st, c, 1);
				continue;
			}
			if (store_apply(st, r) == 0) {
				pending++;
			} else if (error_ends_transaction(st)) {
				if (!sqlite3_get_autocommit(st->db))
					sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
				note_lost(st, c, pending + 1);
				pending = 0;
			} else {
				note_lost(st, c, 1);
			}
		}
		c->mark_end = b->mark_end;
	}
	if (store_commit_open(st) < 0)
		note_lost(st, c, pending);
	return c;
}

static void *store_thread(void *arg)
{
	struct store *st = arg;
	struct store_block *blocks, *b, *free_list;
	struct store_completion *c;
	uint64_t one = 1;
	bool stop;

	for (;;) {
		pthread_mutex_lock(&st->lock);
		while (st->handed == NULL && !st->stopping)
			pthread_cond_wait(&st->wake, &st->lock);
		blocks = st->handed;
		st->handed = NULL;
		st->handed_tail = &st->handed;
		stop = st->stopping;
		pthread_mutex_unlock(&st->lock);
		if (blocks == NULL && stop)
			break;
		c = write_batch(st, blocks);
		free_list = NULL;
		pthread_mutex_lock(&st->lock);
		while ((b = blocks) != NULL) {
			blocks = b->next;
			if (b->cap == STORE_BLOCK_BYTES && st->nspare < SPARE_BLOCKS) {
				b->next = st->spare;
				st->spare = b;
				st->nspare++;
			} else {
				st->queued_bytes -= b->cap;
				b->next = free_list;
				free_list = b;
			}
		}
		*st->completed_tail = c;
		st->completed_tail = &c->next;
		pthread_mutex_unlock(&st->lock);
		while ((b = free_list) != NULL) {
			free_list = b->next;
			free(b);
		}
		if (write(st->efd, &one, sizeof one) == -1 && errno != EAGAIN)
			log_warn("store: eventfd: %s", strerror(errno));
	}
	return NULL;
}

int store_start(struct store *st, struct event_base *base, char *err, size_t errlen)
{
	sigset_t all, old;
	int rc;

	if ((st->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1) {
		snprintf(err, errlen, "store: eventfd: %s", strerror(errno));
		return -1;
	}
	st->efd_ev = event_new(base, st->efd, EV_READ | EV_PERSIST, on_completed, st);
	if (st->efd_ev == NULL || event_add(st->efd_ev, NULL) == -1) {
		snprintf(err, errlen, "store: cannot watch its eventfd");
		goto fail;
	}
	pthread_mutex_init(&st->lock, NULL);
	pthread_cond_init(&st->wake, NULL);
	st->handed_tail = &st->handed;
	st->completed_tail = &st->completed;
	atomic_init(&st->busy_giving_up, false);
	sqlite3_busy_handler(st->db, busy_wait, st);
	st->committed = st->mark;
	st->hook_called = 0;
	st->threaded = true;
	/* The thread takes no signals: they are the loop's (the signalfd's,
	 * and the one that bounds a seize, seize.c). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&st->thread, NULL, store_thread, st);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		st->threaded = false;
		snprintf(err, errlen, "store: cannot start its thread: %s", strerror(rc));
		pthread_cond_destroy(&st->wake);
		pthread_mutex_destroy(&st->lock);
		goto fail;
	}
	/* Named, so that top -H and bench/run tell its CPU from the loop's. */
	pthread_setname_np(st->thread, "tetherd-store");
	return 0;
fail:
	if (st->efd_ev != NULL)
		event_free(st->efd_ev);
	st->efd_ev = NULL;
	close(st->efd);
	st->efd = -1;
	return -1;
}

static void stop_thread(struct store *st, bool run_jobs)
{
	if (!st->threaded)
		return;
	store_flush(st);
	atomic_store(&st->busy_giving_up, true);
	pthread_mutex_lock(&st->lock);
	st->stopping = true;
	pthread_mutex_unlock(&st->lock);
	wake_thread(st);
	pthread_join(st->thread, NULL);
	st->threaded = false;
	take_completions(st, run_jobs);
	event_free(st->efd_ev);
	st->efd_ev = NULL;
	close(st->efd);
	st->efd = -1;
	pthread_cond_destroy(&st->wake);
	pthread_mutex_destroy(&st->lock);
}

void store_settle(struct store *st)
{
	stop_thread(st, true);
}

void store_stop(struct store *st)
{
	/* Counted, and said; the loop and its clients are gone. */
	stop_thread(st, false);
}

void store_queue_free(struct store *st)
{
	struct store_block *b;

	free(st->cur);
	st->cur = NULL;
	while ((b = st->spare) != NULL) {
		st->spare = b->next;
		free(b);
	}
	st->nspare = 0;
}
