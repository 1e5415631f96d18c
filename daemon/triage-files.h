/*
 * The triage directory and the files kept in it (stack texts and cores),
 * bounded the way systemd-coredump bounds its cores: a cap on the space all
 * of them use, a space to leave free on the file system, a cap per uid
 * (whose request made the file: the client, or the target's owner for the
 * policies), and the largest process to dump. When a new triage is written
 * the oldest files are removed first until every bound holds again; a core
 * that alone passes a cap is not kept. Retention removes a target's files
 * with its rows. Every file is created O_EXCL|O_NOFOLLOW, mode 0600, in a
 * directory tetherd owns (0700); removals run on a triage worker.
 *
 * The list lives on the loop (loaded from the triage_files table at start)
 * and is written through to the store.
 */
#ifndef TETHER_TRIAGE_FILES_H
#define TETHER_TRIAGE_FILES_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/types.h>

#include "coredump.h"

struct store;
struct target;

struct triage_file {
	int64_t id;
	int64_t target_id;
	char *session;
	int ordinal;
	pid_t pid;
	char *exe;
	char *cmd;		/* the target's command line ("" when unknown) */
	bool core;		/* else the stack text */
	char *path;
	long long bytes;
	uid_t uid;
	bool zstd;
	double created_at;
	TAILQ_ENTRY(triage_file) entry;
};
TAILQ_HEAD(triage_file_list, triage_file);

/* Opens dir (made 0700 when missing; one that is not a directory of ours
 * that only we may write is refused) and loads the list. 0, or -1 with a
 * message in err. */
int triage_files_init(struct store *st, const char *dir, char *err, size_t errlen);
void triage_files_free(void);
const char *triage_files_dir(void);

/* Creates name in the triage directory for writing: -1 (errno) when it
 * exists, or is a link. */
int triage_files_create(const char *name);

/* The bounds of a new core of uid (limits->cancel is left alone). */
void triage_files_limits(uid_t uid, struct coredump_limits *limits);

/* A new file of t's triage, to keep. */
void triage_files_add(const struct triage_file *f);
/*
 * Removes the oldest files (never those created at or after since) until
 * the space, the free space and uid's share are within their bounds.
 */
void triage_files_enforce(uid_t uid, double since);
/* The files retention left without a target: removed. */
void triage_files_sweep(void);

/* Oldest first. */
const struct triage_file_list *triage_files_all(void);

#endif
