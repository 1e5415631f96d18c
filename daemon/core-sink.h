/*
 * Where the bytes of a core go, in file order: a plain file (runs of zeros
 * become holes, as the kernel's cores have them) or a zstd frame (what
 * systemd-coredump writes; `zstd -d` or `tetherctl core` give the plain
 * file back). A sink refuses to grow past its cap, and to leave less than
 * keep_free bytes free on its file system.
 */
#ifndef TETHER_CORE_SINK_H
#define TETHER_CORE_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct core_sink;

/* cap, keep_free: bytes, 0 for none; cap_name says what the cap is, in
 * the message. NULL when out of memory. */
struct core_sink *core_sink_open(int fd, bool zstd, long long cap,
    const char *cap_name, long long keep_free);
/* 0, or -1 with a message in err (the sink is then unusable). */
int core_sink_write(struct core_sink *s, const void *p, size_t len,
    char *err, size_t errlen);
int core_sink_zeros(struct core_sink *s, size_t len, char *err, size_t errlen);
/* Ends the file (the last hole, the end of the frame); *bytes is its size
 * on disk. 0 or -1 as above. Frees s either way. */
int core_sink_close(struct core_sink *s, long long *bytes, char *err,
    size_t errlen);
/* Frees s after an error; what was written stays for the caller to remove. */
void core_sink_abort(struct core_sink *s);

/* The plain ELF file back from a core as written (zstd: a zstd frame) at
 * src, to dst (a new file; runs of zeros become holes). *bytes: its size.
 * 0, or -1 with a message in err. */
int core_extract(int src, bool zstd, int dst, long long *bytes, char *err,
    size_t errlen);

#endif
