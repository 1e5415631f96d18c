/* The triage directory and its bounded files (see triage-files.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "paths.h"
#include "store.h"
#include "store-triage.h"
#include "triage-files.h"
#include "triage-worker.h"

/* A share of the file system as a default is capped, as systemd-coredump
 * caps its own. */
#define SHARE_CAP ((long long)4 << 30)

static struct triage_file_list files = TAILQ_HEAD_INITIALIZER(files);
static struct store *fstore;
static int dirfd = -1;
static char dirpath[PATH_MAX];

static void
file_free(struct triage_file *f)
{
	free(f->session);
	free(f->exe);
	free(f->cmd);
	free(f->path);
	free(f);
}

static struct triage_file *
file_dup(const struct triage_file *src)
{
	struct triage_file *f = calloc(1, sizeof *f);

	if (f == NULL)
		return NULL;
	*f = *src;
	f->session = strdup(src->session != NULL ? src->session : "");
	f->exe = strdup(src->exe != NULL ? src->exe : "");
	f->cmd = strdup(src->cmd != NULL ? src->cmd : "");
	f->path = strdup(src->path);
	if (f->session == NULL || f->exe == NULL || f->cmd == NULL || f->path == NULL) {
		file_free(f);
		return NULL;
	}
	return f;
}

static void
load_row(void *arg, const struct triage_file_row *row)
{
	struct triage_file src = {
		.id = row->id, .target_id = row->target_id,
		.session = (char *)row->session, .ordinal = row->ordinal,
		.pid = row->pid, .exe = (char *)row->exe, .cmd = (char *)row->cmdline,
		.core = strcmp(row->kind, "core") == 0, .path = (char *)row->path,
		.bytes = row->bytes, .uid = row->uid,
		.zstd = row->compression != NULL, .created_at = row->created_at,
	}, *f;

	(void)arg;
	if ((f = file_dup(&src)) != NULL)
		TAILQ_INSERT_TAIL(&files, f, entry);
}

int
triage_files_init(struct store *st, const char *dir, char *err, size_t errlen)
{
	struct stat sb;

	fstore = st;
	snprintf(dirpath, sizeof dirpath, "%s", dir);
	if (tether_mkdir_p(dir, 0700) == -1) {
		snprintf(err, errlen, "triage directory %s: %s", dir, strerror(errno));
		return -1;
	}
	if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1 ||
	    fstat(dirfd, &sb) == -1) {
		snprintf(err, errlen, "triage directory %s: %s", dir, strerror(errno));
		return -1;
	}
	/* Whoever else may write it could put links where cores go. */
	if (sb.st_uid != geteuid() || (sb.st_mode & 022) != 0) {
		snprintf(err, errlen, "triage directory %s: must be owned by uid %d "
		    "and writable by it alone", dir, (int)geteuid());
		return -1;
	}
	if ((sb.st_mode & 077) != 0 && fchmod(dirfd, 0700) == -1) {
		snprintf(err, errlen, "triage directory %s: %s", dir, strerror(errno));
		return -1;
	}
	if (store_triage_load(st, load_row, NULL) == -1) {
		snprintf(err, errlen, "database: %s", store_errmsg(st));
		return -1;
	}
	return 0;
}

void
triage_files_free(void)
{
	struct triage_file *f;

	while ((f = TAILQ_FIRST(&files)) != NULL) {
		TAILQ_REMOVE(&files, f, entry);
		file_free(f);
	}
	if (dirfd != -1)
		close(dirfd);
	dirfd = -1;
}

const char *
triage_files_dir(void)
{
	return dirpath;
}

int
triage_files_create(const char *name)
{
	return openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
}

const struct triage_file_list *
triage_files_all(void)
{
	return &files;
}

/* A space in bytes on the triage file system (0: none). */
static long long
space_bytes(const struct space *sp, long long fs_size)
{
	long long share;

	if (sp->percent == 0)
		return sp->bytes;
	share = fs_size / 100 * sp->percent;
	return share < SHARE_CAP ? share : SHARE_CAP;
}

struct bounds {
	long long max_use, keep_free, max_per_uid;
	long long avail;	/* bytes free for us now, -1 if unknown */
};

static void
bounds_now(struct bounds *b)
{
	const struct triage_conf *c = &config_running()->daemon.triage;
	struct statvfs sv;
	long long size = 0;

	b->avail = -1;
	if (dirfd != -1 && fstatvfs(dirfd, &sv) == 0) {
		size = (long long)sv.f_blocks * (long long)sv.f_frsize;
		b->avail = (long long)sv.f_bavail * (long long)sv.f_frsize;
	}
	b->max_use = space_bytes(&c->max_use, size);
	b->keep_free = space_bytes(&c->keep_free, size);
	b->max_per_uid = c->max_per_uid;
}

void
triage_files_limits(uid_t uid, struct coredump_limits *l)
{
	const struct triage_conf *c = &config_running()->daemon.triage;
	struct bounds b;

	bounds_now(&b);
	l->zstd = c->zstd;
	l->max_process = c->max_process;
	l->keep_free = b.keep_free;
	l->max_bytes = b.max_use;
	snprintf(l->cap_name, sizeof l->cap_name, "triage_max_use (%lld bytes)",
	    b.max_use);
	if (b.max_per_uid > 0 && (l->max_bytes == 0 || b.max_per_uid < l->max_bytes)) {
		l->max_bytes = b.max_per_uid;
		snprintf(l->cap_name, sizeof l->cap_name,
		    "triage_max_per_uid (%lld bytes, uid %d)", b.max_per_uid, (int)uid);
	}
}

void
triage_files_add(const struct triage_file *src)
{
	struct triage_file_row row = {
		.target_id = src->target_id, .kind = src->core ? "core" : "text",
		.path = src->path, .bytes = src->bytes, .uid = src->uid,
		.compression = src->zstd ? "zstd" : NULL,
		.created_at = src->created_at,
	};
	struct triage_file *f;

	if ((f = file_dup(src)) == NULL) {
		log_warn("triage file %s: out of memory: not bounded", src->path);
		return;
	}
	if ((f->id = store_triage_add(fstore, &row)) == -1)
		log_warn("triage file %s: database: %s", src->path, store_errmsg(fstore));
	TAILQ_INSERT_TAIL(&files, f, entry);
}

static void
unlink_later(const char *path)
{
	struct triage_job *job = triage_job_new(TRIAGE_JOB_UNLINK);

	if (job == NULL || (job->path = strdup(path)) == NULL) {
		triage_job_free(job);
		if (unlink(path) == -1 && errno != ENOENT)
			log_warn("%s: %s", path, strerror(errno));
		return;
	}
	triage_job_submit(job, NULL, NULL);
}

static void
file_remove(struct triage_file *f, const char *why)
{
	log_info("triage: removed %s (%lld bytes): %s", f->path, f->bytes, why);
	TAILQ_REMOVE(&files, f, entry);
	if (f->id > 0 && store_triage_remove(fstore, f->id) == -1)
		log_warn("triage file %s: database: %s", f->path, store_errmsg(fstore));
	unlink_later(f->path);
	file_free(f);
}

void
triage_files_enforce(uid_t uid, double since)
{
	struct triage_file *f, *next;
	struct bounds b;
	long long total = 0, mine = 0, freed = 0;

	bounds_now(&b);
	TAILQ_FOREACH(f, &files, entry) {
		total += f->bytes;
		if (f->uid == uid)
			mine += f->bytes;
	}
	for (f = TAILQ_FIRST(&files); f != NULL; f = next) {
		const char *why = NULL;

		next = TAILQ_NEXT(f, entry);
		if (f->created_at >= since)
			continue;
		if (b.max_use > 0 && total > b.max_use)
			why = "over triage_max_use";
		else if (b.max_per_uid > 0 && f->uid == uid && mine > b.max_per_uid)
			why = "over triage_max_per_uid";
		else if (b.keep_free > 0 && b.avail >= 0 && b.avail + freed < b.keep_free)
			why = "under triage_keep_free";
		if (why == NULL)
			continue;
		total -= f->bytes;
		if (f->uid == uid)
			mine -= f->bytes;
		freed += f->bytes;
		file_remove(f, why);
	}
}

static void
removed_path(void *arg, const char *path)
{
	struct triage_file *f;

	(void)arg;
	TAILQ_FOREACH(f, &files, entry)
		if (strcmp(f->path, path) == 0) {
			TAILQ_REMOVE(&files, f, entry);
			file_free(f);
			break;
		}
	log_info("triage: removed %s: its target was pruned", path);
	unlink_later(path);
}

void
triage_files_sweep(void)
{
	if (store_triage_take_removed(fstore, removed_path, NULL) == -1)
		log_warn("triage files of pruned targets: %s", store_errmsg(fstore));
}
