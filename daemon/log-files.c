/* The created targets' log files, on a triage worker (see log-files.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log-files.h"
#include "utf8.h"

#define COPY_BUF 65536

static void
fail(struct log_io *io, const char *what, const char *path)
{
	snprintf(io->error, sizeof io->error, "%s %s: %s", what, path, strerror(errno));
}

static int
rotation_name(char *buf, size_t len, const char *path, int n)
{
	int w = snprintf(buf, len, "%s.%d", path, n);

	if (w < 0 || (size_t)w >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* The identity of FILE.1 (0: there is none): its inode and its change
 * time, which stay as they are from its copy to the next rotation. */
static long long
rotation_identity(const char *path)
{
	char name[PATH_MAX];
	struct stat sb;

	if (rotation_name(name, sizeof name, path, 1) == -1 ||
	    lstat(name, &sb) == -1 || !S_ISREG(sb.st_mode))
		return 0;
	return (long long)(((unsigned long long)sb.st_ino * 1000000007ULL) ^
	    ((unsigned long long)sb.st_ctim.tv_sec * 1000000000ULL +
	    (unsigned long long)sb.st_ctim.tv_nsec)) & LLONG_MAX;
}

/* A lock held across read(2)s of one file: never on the loop. */
static int
lock(int fd, int how, struct log_io *io, const char *path)
{
	while (flock(fd, how) == -1)
		if (errno != EINTR) {
			fail(io, "lock", path);
			return -1;
		}
	return 0;
}

/* Copies from (from offset 0 to its end as it grows, at most limit bytes)
 * to to. 0 or -1 (errno). */
static int
copy_all(int from, int to, long long limit)
{
	char buf[COPY_BUF];
	long long done = 0;
	ssize_t n, w, off;

	while (done < limit) {
		n = pread(from, buf, sizeof buf, (off_t)done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return (int)n;
		for (off = 0; off < n; off += w)
			if ((w = write(to, buf + off, (size_t)(n - off))) == -1 &&
			    errno != EINTR)
				return -1;
			else if (w == -1)
				w = 0;
		done += n;
	}
	return 0;
}

void
log_files_rotate(const char *path, struct log_io *io)
{
	char older[PATH_MAX], newer[PATH_MAX];
	struct stat sb;
	int fd, out, i;

	if ((fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno != ENOENT)
			fail(io, "open", path);
		return;
	}
	if (lock(fd, LOCK_EX, io, path) == -1)
		goto out;
	if (fstat(fd, &sb) == -1) {
		fail(io, "stat", path);
		goto out;
	}
	io->bytes = (long long)sb.st_size;
	if (!S_ISREG(sb.st_mode) || io->max_bytes <= 0 || sb.st_size <= io->max_bytes)
		goto out;
	for (i = io->keep - 1; i >= 1; i--) {
		if (rotation_name(older, sizeof older, path, i) == -1 ||
		    rotation_name(newer, sizeof newer, path, i + 1) == -1) {
			fail(io, "rotate", path);
			goto out;
		}
		if (rename(older, newer) == -1 && errno != ENOENT) {
			fail(io, "rename", older);
			goto out;
		}
	}
	if (io->keep > 0) {
		if (rotation_name(newer, sizeof newer, path, 1) == -1 ||
		    (unlink(newer) == -1 && errno != ENOENT)) {
			fail(io, "remove", newer);
			goto out;
		}
		out = open(newer, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    0600);
		if (out == -1) {
			fail(io, "create", newer);
			goto out;
		}
		/* A target that writes faster than the copy goes is not
		 * chased forever: twice the size it had, then the cut. */
		if (copy_all(fd, out, 2 * (long long)sb.st_size + COPY_BUF) == -1) {
			fail(io, "copy to", newer);
			close(out);
			goto out;
		}
		if (close(out) == -1) {
			fail(io, "write", newer);
			goto out;
		}
	}
	if (ftruncate(fd, 0) == -1) {
		fail(io, "truncate", path);
		goto out;
	}
	io->rotated = true;
out:
	close(fd);	/* and the lock with it */
}

/* Where the last lines of fd (size bytes) start: after the newline that
 * ends the line before them (a newline at the very end ends the last). */
static long long
lines_start(int fd, long long size, long lines)
{
	char buf[COPY_BUF];
	long long end = size, pos;
	long found = 0;
	ssize_t n, i;

	if (lines <= 0)
		return 0;
	while (end > 0) {
		pos = end > (long long)sizeof buf ? end - (long long)sizeof buf : 0;
		n = pread(fd, buf, (size_t)(end - pos), (off_t)pos);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		for (i = n - 1; i >= 0; i--) {
			if (buf[i] != '\n' || pos + i == size - 1)
				continue;
			if (++found == lines)
				return pos + i + 1;
		}
		end = pos;
	}
	return 0;
}

/* Reads what fd has from start (at most a chunk) into io's data. */
static int
read_piece(int fd, long long start, long long size, struct log_io *io)
{
	size_t want = size - start > LOG_READ_CHUNK ? LOG_READ_CHUNK : (size_t)(size - start);
	char *raw = malloc(want + 1), *text = malloc(3 * want + 1);
	size_t got = 0, used;
	ssize_t n;

	if (raw == NULL || text == NULL) {
		free(raw);
		free(text);
		errno = ENOMEM;
		return -1;
	}
	while (got < want) {
		n = pread(fd, raw + got, want - got, (off_t)(start + (long long)got));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			free(raw);
			free(text);
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	used = log_files_utf8(raw, got, text, &io->len);
	free(raw);
	text[io->len] = '\0';
	io->data = text;
	io->next = start + (long long)used;
	io->more = io->next < size && used > 0;
	return 0;
}

void
log_files_read(const char *path, struct log_io *io)
{
	char older[PATH_MAX];
	struct stat sb;
	long long start;
	int fd, ofd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		fail(io, "open", path);
		return;
	}
	if (lock(fd, LOCK_SH, io, path) == -1)
		goto out;
	if (fstat(fd, &sb) == -1) {
		fail(io, "stat", path);
		goto out;
	}
	io->next_rotation = rotation_identity(path);
	if (io->offset >= 0 && io->next_rotation != io->rotation &&
	    io->next_rotation != 0) {
		/* Rotated since: the rest of what was being read is in FILE.1;
		 * the live file is read from its start next. */
		if (rotation_name(older, sizeof older, path, 1) == -1 ||
		    (ofd = open(older, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
			fail(io, "open", path);
			goto out;
		}
		if (fstat(ofd, &sb) == -1 || read_piece(ofd, io->offset < sb.st_size ?
		    io->offset : sb.st_size, sb.st_size, io) == -1)
			fail(io, "read", older);
		else if (!io->more) {
			io->next = 0;
			io->more = true;
		} else
			io->next_rotation = io->rotation;
		close(ofd);
		goto out;
	}
	if (io->offset < 0)
		start = lines_start(fd, (long long)sb.st_size, io->lines);
	else if (io->offset > (long long)sb.st_size)
		start = 0;	/* truncated and not kept (keep 0) */
	else
		start = io->offset;
	if (read_piece(fd, start, (long long)sb.st_size, io) == -1)
		fail(io, "read", path);
out:
	close(fd);
}

void
log_files_remove(const char *path, int keep, struct log_io *io)
{
	char name[PATH_MAX];
	int i;

	if (unlink(path) == -1 && errno != ENOENT)
		fail(io, "remove", path);
	/* Those of an earlier, larger keep too: up to the first gap past it. */
	for (i = 1; i <= 1000; i++) {
		if (rotation_name(name, sizeof name, path, i) == -1)
			return;
		if (unlink(name) == 0)
			continue;
		if (errno != ENOENT)
			fail(io, "remove", name);
		else if (i > keep)
			return;
	}
}

size_t
log_files_utf8(const char *in, size_t len, char *out, size_t *outlen)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i = 0, o = 0;
	int n;

	while (i < len) {
		if ((n = utf8_sequence(p + i, len - i)) == 0)
			break;
		if (n < 0) {
			memcpy(out + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(out + o, in + i, (size_t)n);
		o += (size_t)n;
		i += (size_t)n;
	}
	*outlen = o;
	return i;
}
