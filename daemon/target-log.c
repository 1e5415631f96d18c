#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "names.h"
#include "target-log.h"

/* The directory, checked to be tetherd's own: no one else can put a name
 * (a link to a file of root's) where a log is about to be created. */
static int
log_dir_open(const char *logdir, char *err, size_t errlen)
{
	struct stat sb;
	int fd;

	if ((fd = open(logdir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "log directory %s: %s", logdir, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == -1) {
		snprintf(err, errlen, "log directory %s: %s", logdir, strerror(errno));
		close(fd);
		return -1;
	}
	if (sb.st_uid != geteuid() || (sb.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		snprintf(err, errlen, "log directory %s is not tetherd's own (owner uid "
		    "%u, mode %04o): no log is created there", logdir,
		    (unsigned)sb.st_uid, (unsigned)(sb.st_mode & 07777));
		close(fd);
		return -1;
	}
	return fd;
}

static void
log_name(const char *session, int ordinal, char *buf, size_t len)
{
	snprintf(buf, len, "%s-%d.log", session, ordinal);
}

int
target_log_path(const char *logdir, const char *session, int ordinal,
    char *buf, size_t len)
{
	char name[TETHER_SESSION_NAME_MAX + 32];
	int n;

	log_name(session, ordinal, name, sizeof name);
	n = snprintf(buf, len, "%s/%s", logdir, name);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* O_EXCL: a name left by an earlier daemon is removed and made again. */
static int
log_open(int dfd, const char *name)
{
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_APPEND | O_CLOEXEC;
	int fd;

	fd = openat(dfd, name, flags, 0600);
	if (fd == -1 && errno == EEXIST && unlinkat(dfd, name, 0) == 0)
		fd = openat(dfd, name, flags, 0600);
	return fd;
}

int
target_log_create(const char *logdir, const char *session, char *pending,
    size_t pendinglen, char *err, size_t errlen)
{
	static unsigned long serial;
	const char *why;
	int dfd, fd;

	/* Every way in checks the name already; this is where it matters. */
	if ((why = tether_session_name_error(session)) != NULL) {
		snprintf(err, errlen, "bad session name '%s': %s", session, why);
		return -1;
	}
	/* No session name starts with a dot: no log has this name. */
	snprintf(pending, pendinglen, ".create-%d-%lu.log", (int)getpid(), ++serial);
	if ((dfd = log_dir_open(logdir, err, errlen)) == -1)
		return -1;
	if ((fd = log_open(dfd, pending)) == -1)
		snprintf(err, errlen, "cannot create the log %s/%s: %s", logdir, pending,
		    strerror(errno));
	close(dfd);
	return fd;
}

void
target_log_settle(const char *logdir, const char *pending, const char *session,
    int ordinal)
{
	char name[TETHER_SESSION_NAME_MAX + 32], err[PATH_MAX + 64];
	int dfd;

	if ((dfd = log_dir_open(logdir, err, sizeof err)) == -1) {
		log_warn("%s", err);
		return;
	}
	log_name(session, ordinal, name, sizeof name);
	/* rename replaces a log an earlier database left under that name. */
	if (ordinal >= 0 ? renameat(dfd, pending, dfd, name) == -1 :
	    unlinkat(dfd, pending, 0) == -1)
		log_warn("log %s/%s: %s", logdir, ordinal >= 0 ? name : pending,
		    strerror(errno));
	close(dfd);
}
