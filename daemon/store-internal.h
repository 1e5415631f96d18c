/*
 * What the two sides of the store share: store.c (the event loop's side:
 * records, row ids, the session catalog, the statements) and store-thread.c
 * (the store's thread and the queue between them).
 *
 * A change is a record: a fixed-size header and the text it carries, copied
 * into a block of the queue. The loop fills the current block; a flush
 * hands it to the thread, which writes every block it was handed in one
 * transaction and sends back a completion (an eventfd wakes the loop).
 * Before the thread starts (at start-up, re-adoption; the unit tests) a
 * record is written at once, on the caller's thread, by the same code.
 */
#ifndef TETHER_STORE_INTERNAL_H
#define TETHER_STORE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "store.h"

enum rec_type {
	REC_SESSION_INSERT,	/* a id; n[0] owner; x created_at; text name */
	REC_TARGET_INSERT,	/* a id, b session, c parent; n ordinal, pid, uid,
				 * childdbg; u start_time; x joined_at;
				 * text how, exe, cmdline, state */
	REC_TARGET_STATE,	/* a id; text state */
	REC_TARGET_EXE,		/* a id; text exe, cmdline */
	REC_TARGET_CHILDDBG,	/* a id, b childdbg */
	REC_TARGET_START_TIME,	/* a id; u start_time */
	REC_TARGET_END,		/* a id, b exit code, c exit signal; u ended_by
				 * (as int64_t); x at; text state, reason */
	REC_EVENT,		/* a id, b session, c target; x at; text kind, detail */
	REC_SESSION_ALLSTOP,	/* a id, b allstop */
	REC_SESSION_SIGNAL,	/* a id, b signal; text action */
	REC_JOB,		/* run, done, arg */
};

#define REC_TEXTS 4

struct store_rec {
	uint32_t size;		/* header and text, a multiple of 8 */
	uint16_t type;
	uint16_t ntext;
	int64_t a, b, c;
	int32_t n[4];
	uint64_t u;
	double x;
	uint32_t len[REC_TEXTS];	/* with its NUL; 0: NULL */
	store_job_fn run;
	store_done_fn done;
	void *arg;
	/* the texts follow, one after the other */
};

/* The i-th text of r, or NULL. */
const char *store_rec_text(const struct store_rec *r, int i);

/* Records are gathered in blocks of this size (a longer one gets a block
 * of its own), and the queue holds at most STORE_QUEUE_MAX bytes of them. */
#define STORE_BLOCK_BYTES	(64 * 1024)

struct store_block {
	struct store_block *next;
	uint64_t mark_end;	/* store_mark() after its last record */
	uint32_t used, cap;
	_Alignas(8) char data[];
};

/* What the thread sends back for each batch it wrote. */
struct store_job_done {
	store_done_fn done;
	void *arg;
};

struct store_completion {
	struct store_completion *next;
	uint64_t mark_end;	/* every record up to this one was tried */
	uint64_t lost;		/* records not written: failed, or refused */
	char errmsg[256];	/* why, when lost > 0 */
	int njobs;
	struct store_job_done jobs[];
};

/* A session the database knows of (see store_session_ensure). */
struct catalog_entry;

struct store {
	sqlite3 *db;
	sqlite3_stmt **stmt;
	char errmsg[256];

	/* --- the loop's side */
	void (*dirty_hook)(void *);
	void *dirty_arg;
	int hook_called;	/* since the last commit or flush */
	void (*commit_hook)(void *);	/* last writes before a commit */
	void *commit_arg;
	void (*lost_hook)(void *);	/* writes are lost: write again */
	void *lost_arg;
	void (*done_hook)(void *, uint64_t, const char *);
	void *done_arg;
	int64_t last_session_id, last_target_id, last_event_id, last_triage_id;
	struct catalog_entry *by_name, *by_id;
	int prunes;		/* retention jobs in flight */
	uint64_t mark;		/* records made */
	uint64_t committed;	/* records tried (see store_committed) */
	uint64_t lost_total;	/* records that could not be written */
	struct store_block *cur;	/* being filled */
	bool threaded;
	struct store_job_done *sync_jobs;	/* sync mode: done at commit */
	int nsync_jobs;
	int efd;		/* completions */
	struct event *efd_ev;

	/* --- shared, under lock */
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct store_block *handed, **handed_tail;	/* loop -> thread */
	struct store_block *spare;			/* thread -> loop */
	int nspare;
	size_t queued_bytes;	/* of every block, handed, spare or current */
	struct store_completion *completed, **completed_tail;
	bool stopping;

	/* --- the thread's side */
	pthread_t thread;
	atomic_bool busy_giving_up;	/* stop waiting for a lock: closing */
	bool busy_gave_up;
	int errcode;		/* of the last statement that failed */
};

/* Writes one record on the store's connection (the thread, or the caller
 * in sync mode): 0, or -1 with errmsg set. */
int store_apply(struct store *st, const struct store_rec *r);

/* Commits the open transaction, if any; a failed one is rolled back for
 * certain. 0, or -1 with errmsg set. */
int store_commit_open(struct store *st);

/* store-thread.c: the queue and the thread. */
struct store_rec *store_queue_reserve(struct store *st, size_t size);
void store_queue_hand_over(struct store *st);
void store_queue_free(struct store *st);

#endif
