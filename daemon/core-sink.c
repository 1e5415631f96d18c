/* The bytes of a core, in order, to a plain file or a zstd frame. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <zstd.h>

#include "core-sink.h"

/* How often (in bytes written) the free space is looked at. */
#define FREE_CHECK_EVERY (64LL << 20)

struct core_sink {
	int fd;
	ZSTD_CCtx *cctx;		/* NULL: plain */
	void *out;			/* the compressed bytes, before write */
	size_t outcap;
	long long cap, keep_free;
	char cap_name[96];
	long long written;		/* bytes in the file so far */
	long long next_check;
	off_t pos;			/* plain: the logical offset */
};

static const char zero_block[64 * 1024];

struct core_sink *
core_sink_open(int fd, bool zstd, long long cap, const char *cap_name,
    long long keep_free)
{
	struct core_sink *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	s->fd = fd;
	s->cap = cap;
	snprintf(s->cap_name, sizeof s->cap_name, "%s", cap_name);
	s->keep_free = keep_free;
	if (zstd) {
		s->outcap = ZSTD_CStreamOutSize();
		if ((s->cctx = ZSTD_createCCtx()) == NULL ||
		    (s->out = malloc(s->outcap)) == NULL ||
		    ZSTD_isError(ZSTD_CCtx_setParameter(s->cctx,
		    ZSTD_c_checksumFlag, 1))) {
			core_sink_abort(s);
			return NULL;
		}
	}
	return s;
}

void
core_sink_abort(struct core_sink *s)
{
	if (s == NULL)
		return;
	ZSTD_freeCCtx(s->cctx);
	free(s->out);
	free(s);
}

/* Counts len more bytes in the file: refused past the cap or the space to
 * keep free. */
static int
account(struct core_sink *s, size_t len, char *err, size_t errlen)
{
	struct statvfs sv;

	s->written += (long long)len;
	if (s->cap > 0 && s->written > s->cap) {
		snprintf(err, errlen, "not kept: it would pass %s", s->cap_name);
		return -1;
	}
	if (s->keep_free > 0 && s->written >= s->next_check) {
		s->next_check = s->written + FREE_CHECK_EVERY;
		if (fstatvfs(s->fd, &sv) == 0 &&
		    (long long)sv.f_bavail * (long long)sv.f_frsize < s->keep_free) {
			snprintf(err, errlen, "not kept: the file system would have less "
			    "than triage_keep_free (%lld bytes) free", s->keep_free);
			return -1;
		}
	}
	return 0;
}

static int
write_all(struct core_sink *s, const char *p, size_t len, char *err, size_t errlen)
{
	if (account(s, len, err, errlen) == -1)
		return -1;
	while (len > 0) {
		ssize_t w = write(s->fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			snprintf(err, errlen, "write: %s", strerror(errno));
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

static int
compress(struct core_sink *s, const void *p, size_t len, ZSTD_EndDirective end,
    char *err, size_t errlen)
{
	ZSTD_inBuffer in = { p, len, 0 };
	size_t left;

	do {
		ZSTD_outBuffer out = { s->out, s->outcap, 0 };

		left = ZSTD_compressStream2(s->cctx, &out, &in, end);
		if (ZSTD_isError(left)) {
			snprintf(err, errlen, "zstd: %s", ZSTD_getErrorName(left));
			return -1;
		}
		if (out.pos > 0 && write_all(s, s->out, out.pos, err, errlen) == -1)
			return -1;
	} while (end == ZSTD_e_end ? left != 0 : in.pos < in.size);
	return 0;
}

int
core_sink_write(struct core_sink *s, const void *p, size_t len, char *err,
    size_t errlen)
{
	if (s->cctx != NULL)
		return compress(s, p, len, ZSTD_e_continue, err, errlen);
	if (lseek(s->fd, s->pos, SEEK_SET) == -1) {
		snprintf(err, errlen, "seek: %s", strerror(errno));
		return -1;
	}
	s->pos += (off_t)len;
	return write_all(s, p, len, err, errlen);
}

int
core_sink_zeros(struct core_sink *s, size_t len, char *err, size_t errlen)
{
	if (s->cctx == NULL) {
		/* A hole: nothing is written until the next bytes. */
		s->pos += (off_t)len;
		return 0;
	}
	while (len > 0) {
		size_t n = len < sizeof zero_block ? len : sizeof zero_block;

		if (compress(s, zero_block, n, ZSTD_e_continue, err, errlen) == -1)
			return -1;
		len -= n;
	}
	return 0;
}

int
core_sink_close(struct core_sink *s, long long *bytes, char *err, size_t errlen)
{
	int rc = 0;

	if (s->cctx != NULL)
		rc = compress(s, NULL, 0, ZSTD_e_end, err, errlen);
	else if (ftruncate(s->fd, s->pos) == -1) {
		/* Holes at the end count too. */
		snprintf(err, errlen, "write: %s", strerror(errno));
		rc = -1;
	}
	*bytes = s->cctx != NULL ? s->written : (long long)s->pos;
	core_sink_abort(s);
	return rc;
}

static bool
zero_block_p(const char *p, size_t len)
{
	return len <= sizeof zero_block && memcmp(p, zero_block, len) == 0;
}

/* Writes out[0..len) at *pos of dst, a hole where it is zeros. */
static int
put_plain(int dst, const char *p, size_t len, off_t *pos, char *err, size_t errlen)
{
	while (len > 0) {
		size_t n = len < sizeof zero_block ? len : sizeof zero_block;
		ssize_t w;

		if (!zero_block_p(p, n)) {
			if ((w = pwrite(dst, p, n, *pos)) < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				snprintf(err, errlen, "write: %s", strerror(errno));
				return -1;
			}
			n = (size_t)w;
		}
		p += n;
		len -= n;
		*pos += (off_t)n;
	}
	return 0;
}

int
core_extract(int src, bool zstd, int dst, long long *bytes, char *err,
    size_t errlen)
{
	size_t incap = zstd ? ZSTD_DStreamInSize() : sizeof zero_block * 4;
	size_t outcap = ZSTD_DStreamOutSize();
	char *in = malloc(incap), *out = malloc(outcap);
	ZSTD_DCtx *dctx = zstd ? ZSTD_createDCtx() : NULL;
	size_t left = 0;
	off_t pos = 0;
	ssize_t r;
	int rc = -1;

	if (in == NULL || out == NULL || (zstd && dctx == NULL)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	while ((r = read(src, in, incap)) != 0) {
		ZSTD_inBuffer ib = { in, (size_t)(r > 0 ? r : 0), 0 };

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "read: %s", strerror(errno));
			goto out;
		}
		if (!zstd) {
			if (put_plain(dst, in, (size_t)r, &pos, err, errlen) == -1)
				goto out;
			continue;
		}
		while (ib.pos < ib.size) {
			ZSTD_outBuffer ob = { out, outcap, 0 };

			left = ZSTD_decompressStream(dctx, &ob, &ib);
			if (ZSTD_isError(left)) {
				snprintf(err, errlen, "zstd: %s", ZSTD_getErrorName(left));
				goto out;
			}
			if (put_plain(dst, out, ob.pos, &pos, err, errlen) == -1)
				goto out;
		}
	}
	if (zstd && left != 0) {
		snprintf(err, errlen, "zstd: the file ends inside a frame");
		goto out;
	}
	if (ftruncate(dst, pos) == -1) {
		snprintf(err, errlen, "write: %s", strerror(errno));
		goto out;
	}
	*bytes = (long long)pos;
	rc = 0;
out:
	ZSTD_freeDCtx(dctx);
	free(in);
	free(out);
	return rc;
}
