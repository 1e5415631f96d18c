/* Default locations (DESIGN §5). */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"

/* snprintf that reports truncation as an error instead of a short path. */
static int __attribute__((format(printf, 3, 4)))
path_format(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/*
 * An environment variable naming a directory. The XDG base directory spec
 * says relative values are invalid and must be ignored, and an empty value
 * means unset.
 */
static const char *env_dir(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && v[0] == '/' ? v : NULL;
}

int tether_default_socket(char *buf, size_t len)
{
	const char *v = getenv("TETHER_SOCKET");
	const char *run;

	if (v != NULL && v[0] != '\0')
		return path_format(buf, len, "%s", v);
	if (geteuid() == 0)
		return path_format(buf, len, "/run/tether/tetherd.sock");
	if ((run = env_dir("XDG_RUNTIME_DIR")) != NULL)
		return path_format(buf, len, "%s/tether/tetherd.sock", run);
	return path_format(buf, len, "/tmp/tether-%u/tetherd.sock",
	    (unsigned)geteuid());
}

int tether_default_state_dir(char *buf, size_t len)
{
	const char *state, *home;
	struct passwd *pw;

	if (geteuid() == 0)
		return path_format(buf, len, "/var/lib/tether");
	if ((state = env_dir("XDG_STATE_HOME")) != NULL)
		return path_format(buf, len, "%s/tether", state);
	/* HOME may be unset under service managers; the password file is not. */
	if ((home = env_dir("HOME")) == NULL) {
		pw = getpwuid(geteuid());
		if (pw == NULL || pw->pw_dir == NULL || pw->pw_dir[0] != '/') {
			errno = ENOENT;
			return -1;
		}
		home = pw->pw_dir;
	}
	return path_format(buf, len, "%s/.local/state/tether", home);
}

/*
 * Creates dir, whose parents exist. A directory already there is fine: mkdir
 * can fail with EACCES or EROFS on an existing one, so the check is stat.
 */
static int mkdir_one(const char *dir, mode_t mode)
{
	struct stat sb;
	int saved;

	if (mkdir(dir, mode) == 0)
		return 0;
	saved = errno;
	if (stat(dir, &sb) == 0) {
		if (S_ISDIR(sb.st_mode))
			return 0;
		saved = ENOTDIR;
	}
	errno = saved;
	return -1;
}

int tether_mkdir_p(const char *dir, mode_t mode)
{
	char *copy, *p;
	int rc = 0, saved;

	if (dir[0] == '\0') {
		errno = ENOENT;
		return -1;
	}
	if ((copy = strdup(dir)) == NULL)
		return -1;
	for (p = copy + 1; *p != '\0' && rc == 0; p++) {
		if (*p != '/' || p[-1] == '/')
			continue;
		*p = '\0';
		rc = mkdir_one(copy, mode);
		*p = '/';
	}
	if (rc == 0)
		rc = mkdir_one(copy, mode);
	saved = errno;
	free(copy);
	errno = saved;
	return rc;
}

/*
 * Whoever may change the directory of a socket may put a listener of their
 * own in its place: a daemon that listens there would be bypassed, and a
 * client that connects would hand over its command lines.
 */
int tether_check_socket_dir(const char *socket_path, bool listening,
    char *err, size_t errlen)
{
	char dir[PATH_MAX], *slash;
	uid_t me = geteuid();
	struct stat sb;

	if (path_format(dir, sizeof dir, "%s", socket_path) == -1) {
		snprintf(err, errlen, "%s: path too long", socket_path);
		return -1;
	}
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof dir, ".");
	else	/* "/x.sock" is in "/" */
		slash[slash == dir] = '\0';
	if (lstat(dir, &sb) == -1) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "%s is not a directory (a symbolic link?): "
		    "remove it", dir);
		return -1;
	}
	/* A daemon's directory is its own; a client also trusts root's. */
	if (sb.st_uid != me && (listening || sb.st_uid != 0)) {
		snprintf(err, errlen, "%s is owned by uid %u, not by uid %u%s: remove "
		    "it%s", dir, (unsigned)sb.st_uid, (unsigned)me,
		    listening ? "" : " or root", listening ? " and start tetherd again" :
		    " (tetherd makes it anew)");
		return -1;
	}
	/* A per-user daemon's directory is its owner's alone (0700). */
	if (listening && me != 0 && (sb.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s has mode %04o: a per-user tetherd needs it "
		    "0700 (chmod 700 %s)", dir, (unsigned)(sb.st_mode & 07777), dir);
		return -1;
	}
	/* Others may add files to a sticky directory (/tmp), not replace ours. */
	if ((sb.st_mode & (S_IWGRP | S_IWOTH)) && !(sb.st_mode & S_ISVTX)) {
		snprintf(err, errlen, "%s has mode %04o: others may replace the socket "
		    "(chmod go-w %s)", dir, (unsigned)(sb.st_mode & 07777), dir);
		return -1;
	}
	return 0;
}
