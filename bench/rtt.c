/*
 * rtt: control round trips against tetherd over its JSON-lines protocol,
 * spoken directly (no tetherctl): each connection sends one request
 *   {"session":"default","line":"|.","form":"data"}\n
 * waits for the one-line reply, and sends the next. The form is the one
 * tetherctl --json asks for (common/proto.h): the daemon builds the data only.
 *
 *   rtt -S SOCK [-c CONNS] [-d SECONDS | -n COUNT] [-i MS] [-l LINE] [-s SESSION]
 *
 * -c   concurrent connections, one thread each (default 1)
 * -d   run for this long (default 3); -n: this many requests per connection
 * -i   pause MS milliseconds after each reply (default 0: the next request
 *      at once), for a client that asks now and then rather than flat out
 * Prints one line: "conns C requests R seconds S rate X/s p50 A ms p99 B ms
 * max C ms failed F" (failed: replies without "ok":true).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static const char *sock_path, *line = "|.", *session = "default";
static double seconds = 3, start, pause_ms;
static long per_conn;		/* 0: by time */

struct worker {
	pthread_t th;
	long done, failed;
	double *lat;
	long nlat, cap;
	int error;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
connect_to(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	char req[4096], *buf;
	size_t cap = 1 << 16, have = 0, reqlen;
	ssize_t n;
	int fd;
	double t0;

	reqlen = (size_t)snprintf(req, sizeof req,
	    "{\"session\":\"%s\",\"line\":\"%s\",\"form\":\"data\"}\n",
	    session, line);
	if ((fd = connect_to(sock_path)) == -1 || (buf = malloc(cap)) == NULL) {
		w->error = errno;
		return NULL;
	}
	for (;;) {
		if (per_conn > 0 ? w->done >= per_conn : now() - start >= seconds)
			break;
		t0 = now();
		if (send(fd, req, reqlen, MSG_NOSIGNAL) != (ssize_t)reqlen) {
			w->error = errno;
			break;
		}
		/* One reply is one line; read until its newline. */
		have = 0;
		for (;;) {
			if (have == cap && (buf = realloc(buf, cap *= 2)) == NULL)
				abort();
			n = read(fd, buf + have, cap - have);
			if (n == -1 && errno == EINTR)
				continue;
			if (n <= 0) {
				w->error = n == 0 ? EPIPE : errno;
				goto out;
			}
			if (memchr(buf + have, '\n', (size_t)n) != NULL) {
				have += (size_t)n;
				break;
			}
			have += (size_t)n;
		}
		if (w->nlat == w->cap) {
			w->cap = w->cap ? w->cap * 2 : 4096;
			if ((w->lat = realloc(w->lat, w->cap * sizeof *w->lat)) == NULL)
				abort();
		}
		w->lat[w->nlat++] = now() - t0;
		if (memmem(buf, have, "\"ok\":true", 9) == NULL &&
		    memmem(buf, have, "\"ok\": true", 10) == NULL)
			w->failed++;
		w->done++;
		if (pause_ms > 0) {
			struct timespec pause = {
				.tv_sec = (time_t)(pause_ms / 1000),
				.tv_nsec = (long)((pause_ms - (double)(time_t)(pause_ms / 1000) * 1000) * 1e6),
			};

			while (nanosleep(&pause, &pause) == -1)
				;
		}
	}
out:
	free(buf);
	close(fd);
	return NULL;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	struct worker *w;
	double *all, elapsed;
	long total = 0, failed = 0, nlat = 0, k;
	int ch, conns = 1, i, errors = 0;

	while ((ch = getopt(argc, argv, "S:c:d:i:n:l:s:")) != -1) {
		switch (ch) {
		case 'S': sock_path = optarg; break;
		case 'c': conns = atoi(optarg); break;
		case 'd': seconds = atof(optarg); break;
		case 'i': pause_ms = atof(optarg); break;
		case 'n': per_conn = atol(optarg); break;
		case 'l': line = optarg; break;
		case 's': session = optarg; break;
		default:
			goto usage;
		}
	}
	if (sock_path == NULL || conns < 1) {
usage:
		fprintf(stderr, "usage: rtt -S SOCK [-c CONNS] [-d SECONDS | -n COUNT] "
		    "[-i MS] [-l LINE] [-s SESSION]\n");
		return 2;
	}
	if ((w = calloc(conns, sizeof *w)) == NULL)
		return 1;
	start = now();
	for (i = 0; i < conns; i++)
		pthread_create(&w[i].th, NULL, work, &w[i]);
	for (i = 0; i < conns; i++) {
		pthread_join(w[i].th, NULL);
		total += w[i].done;
		failed += w[i].failed;
		nlat += w[i].nlat;
		if (w[i].error != 0) {
			fprintf(stderr, "rtt: connection %d: %s\n", i, strerror(w[i].error));
			errors++;
		}
	}
	elapsed = now() - start;
	if ((all = malloc((nlat + 1) * sizeof *all)) == NULL)
		return 1;
	for (i = 0, k = 0; i < conns; i++) {
		memcpy(all + k, w[i].lat, w[i].nlat * sizeof *all);
		k += w[i].nlat;
	}
	qsort(all, nlat, sizeof *all, cmp);
	printf("conns %d requests %ld seconds %.3f rate %.0f p50_ms %.3f p99_ms %.3f "
	    "max_ms %.3f failed %ld\n", conns, total, elapsed, total / elapsed,
	    nlat ? all[nlat / 2] * 1e3 : 0, nlat ? all[nlat * 99 / 100] * 1e3 : 0,
	    nlat ? all[nlat - 1] * 1e3 : 0, failed);
	return errors != 0 || failed != 0;
}
