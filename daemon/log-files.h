/*
 * The files of the created targets' logs (target-log.h), as the triage
 * workers handle them, never the loop: rotation, reading a piece of a log
 * for the logs command, and removal with the target.
 *
 * A target writes its log itself, through the descriptor it inherited
 * (O_APPEND), whether tetherd runs or not. So a rotation is logrotate's
 * copytruncate: FILE.1 .. FILE.N-1 move one up (FILE.N is dropped), FILE is
 * copied to FILE.1, then truncated in place; the target's next write lands
 * at the start of the emptied file. What the target writes between the end
 * of the copy and the truncation is lost. An exclusive flock(2) on FILE
 * for the whole rotation, and a shared one for a read, keep a read from
 * seeing a rotation half done.
 *
 * A reader follows a log across rotations with the offset it reached and
 * the identity of FILE.1 it saw (its "rotation"): when FILE.1 is another
 * file, a rotation happened since, and the rest of what it was reading is
 * in FILE.1.
 */
#ifndef TETHER_LOG_FILES_H
#define TETHER_LOG_FILES_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* The most a read returns at once. */
#define LOG_READ_CHUNK (256 * 1024)

struct log_io {
	/* Rotation: the bounds. */
	long long max_bytes;	/* rotate when the file has more (> 0) */
	int keep;		/* rotations kept: FILE.1 .. FILE.keep (0: none) */
	/* A read: where to start. */
	long long offset;	/* in the file; -1: lines back from its end */
	long lines;		/* with offset -1: how many (0: all of it) */
	long long rotation;	/* the identity of FILE.1 the offset is in */

	/* Rotation: whether it rotated, and the size the file had. */
	bool rotated;
	long long bytes;
	/* A read: the text (valid UTF-8, malloc'd), where to go on from, and
	 * whether there is more to read now. */
	char *data;
	size_t len;
	long long next;
	long long next_rotation;
	bool more;
	char error[PATH_MAX + 128];	/* "" or why it failed */
};

void log_files_rotate(const char *path, struct log_io *io);
void log_files_read(const char *path, struct log_io *io);
/* Removes path and its rotations (FILE.1 ..., at least up to keep). */
void log_files_remove(const char *path, int keep, struct log_io *io);

/*
 * Copies the longest whole UTF-8 text at the start of in (len bytes) to out
 * (room for 3 * len bytes), each byte that starts no valid sequence as
 * U+FFFD; stops before a sequence cut off by the end of in. Returns the
 * bytes of in used; *outlen the bytes written.
 */
size_t log_files_utf8(const char *in, size_t len, char *out, size_t *outlen);

#endif
