/*
 * slowclient: clients that stop reading. Opens connections with the
 * smallest receive buffer, sends requests on them, and never reads a byte:
 * tetherd's replies (and, with "events -f", every event it publishes) pile
 * up on its side. Used while the fork workload runs, to show that tracing
 * does not stall on them.
 *
 *   slowclient -S SOCK [-c CONNS] [-i MS] [-l LINE] [-f] -o FILE
 *   -c  connections that send LINE (default "|*") every MS milliseconds
 *       (default 4 connections, every 10 ms) and never read the replies
 *   -f  also one more connection that subscribes ("events -f") and never
 *       reads the events pushed to it
 *   -o  FILE.ready is written once the connections are open and the
 *       subscription sent; on SIGTERM FILE gets the summary:
 *       "sent N probes P probe_p50_ms A probe_max_ms B probe_failed F"
 *
 * Every 200 ms it also times one round trip of "|." on a connection of its
 * own that does read (the probe): the loop keeps answering while the slow
 * connections are stuck.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int
connect_slow(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, small = 1;	/* the kernel rounds it up to its minimum */

	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
send_line(int fd, const char *session, const char *line)
{
	char req[4096];
	int len = snprintf(req, sizeof req, "{\"session\":\"%s\",\"line\":\"%s\"}\n",
	    session, line);

	return send(fd, req, (size_t)len, MSG_NOSIGNAL) == len ? 0 : -1;
}

static int fd_follow = -1;

/* Sends a request unless the socket is full (the daemon is not reading). */
static int
send_line_nb(int fd, const char *session, const char *line)
{
	char req[4096];
	int len = snprintf(req, sizeof req, "{\"session\":\"%s\",\"line\":\"%s\"}\n",
	    session, line);

	return send(fd, req, (size_t)len, MSG_NOSIGNAL | MSG_DONTWAIT) == len ? 0 : -1;
}

static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* One "|." round trip on a connection that reads; its time, or -1. */
static double
probe(int fd, const char *session)
{
	char buf[65536];
	double t0 = now();
	ssize_t n;

	if (send_line(fd, session, "|.") == -1)
		return -1;
	for (;;) {
		n = read(fd, buf, sizeof buf);
		if (n == -1 && errno == EINTR) {
			if (stop)
				return -1;
			continue;
		}
		if (n <= 0)
			return -1;
		if (memchr(buf, '\n', (size_t)n) != NULL)
			return now() - t0;
	}
}

int
main(int argc, char **argv)
{
	const char *sock = NULL, *line = "|*", *out = NULL, *session = "default";
	int ch, conns = 4, follow = 0, i, interval = 10, *fds, pfd;
	long sent = 0, nprobes = 0, failed = 0, cap = 1024;
	double *lat, next_probe = 0, t;
	struct timespec nap;
	char path[4096];
	FILE *f;

	while ((ch = getopt(argc, argv, "S:c:i:l:fo:s:")) != -1) {
		switch (ch) {
		case 'S': sock = optarg; break;
		case 'c': conns = atoi(optarg); break;
		case 'i': interval = atoi(optarg); break;
		case 'l': line = optarg; break;
		case 'f': follow = 1; break;
		case 'o': out = optarg; break;
		case 's': session = optarg; break;
		default:
			goto usage;
		}
	}
	if (sock == NULL || out == NULL || conns < 0 || interval < 1) {
usage:
		fprintf(stderr, "usage: slowclient -S SOCK [-c CONNS] [-i MS] "
		    "[-l LINE] [-f] -o FILE\n");
		return 2;
	}
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	if ((fds = calloc(conns + 1, sizeof *fds)) == NULL ||
	    (lat = malloc(cap * sizeof *lat)) == NULL)
		return 1;
	for (i = 0; i < conns; i++) {
		if ((fds[i] = connect_slow(sock)) == -1) {
			perror("slowclient: connect");
			return 1;
		}
	}
	if (follow) {
		if ((fd_follow = connect_slow(sock)) == -1 ||
		    send_line(fd_follow, session, "events -f") == -1) {
			perror("slowclient: events -f");
			return 1;
		}
	}
	if ((pfd = connect_slow(sock)) == -1) {
		perror("slowclient: connect");
		return 1;
	}
	snprintf(path, sizeof path, "%s.ready", out);
	if ((f = fopen(path, "w")) == NULL || fclose(f) != 0) {
		perror(path);
		return 1;
	}
	nap.tv_sec = interval / 1000;
	nap.tv_nsec = (interval % 1000) * 1000000L;
	while (!stop) {
		/* A send that would block is not retried: the client is stuck
		 * as a client that stops reading is. */
		for (i = 0; i < conns; i++)
			if (send_line_nb(fds[i], session, line) == 0)
				sent++;
		if ((t = now()) >= next_probe) {
			next_probe = t + 0.2;
			t = probe(pfd, session);
			if (t < 0) {
				if (stop)
					break;
				failed++;
			} else {
				if (nprobes == cap && (lat = realloc(lat, (cap *= 2) * sizeof *lat)) == NULL)
					return 1;
				lat[nprobes++] = t;
			}
		}
		nanosleep(&nap, NULL);
	}
	qsort(lat, nprobes, sizeof *lat, cmp);
	if ((f = fopen(out, "w")) == NULL ||
	    fprintf(f, "sent %ld probes %ld probe_p50_ms %.3f probe_max_ms %.3f probe_failed %ld\n",
	    sent, nprobes, nprobes ? lat[nprobes / 2] * 1e3 : 0,
	    nprobes ? lat[nprobes - 1] * 1e3 : 0, failed) < 0 || fclose(f) != 0) {
		perror(out);
		return 1;
	}
	return 0;
}
