/*
 * forkgap: a fork loop that measures how long it waits between forks. For
 * SECONDS it forks a child that exits at once and reaps it, again and
 * again; then it writes one line to RESULT:
 *   "forks N max_gap_ms X p99_gap_ms Y median_gap_ms Z"
 * (a gap: from one fork's return in the parent to the next one's). Under a
 * tracer that follows forks, every fork stops for the tracer: a tracer
 * busy elsewhere shows as a long gap.
 *
 *   forkgap -d SECONDS [-i MS] [-c COUNT] [-t TIMES] -o RESULT
 *
 * -i MS pauses MS milliseconds after each reap, as a test's shell loop
 * does (the gaps then include the pause). -c COUNT keeps the number of
 * forks so far in the file COUNT (rewritten after each), for a reader
 * that wants it while the loop runs. -t TIMES writes, at the end, the wall
 * clock time of each fork (seconds since the epoch, one a line), for a
 * reader that wants the gaps of a given stretch of time.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
clock_seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
now(void)
{
	return clock_seconds(CLOCK_MONOTONIC);
}

/* The wall clock times of the forks (at a monotonic time t, the wall clock
 * read wall0 + t - mono0). */
static int
write_times(const char *path, const double *times, size_t n, double mono0,
    double wall0)
{
	FILE *f = fopen(path, "w");
	size_t i;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	for (i = 0; i < n; i++)
		fprintf(f, "%.6f\n", wall0 + times[i] - mono0);
	return fclose(f);
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
	double seconds = 0, pause_ms = 0, start, last, t, max = 0, wall0;
	double *gaps = NULL, *times = NULL;
	const char *out = NULL, *times_path = NULL;
	size_t n = 0, cap = 0;
	FILE *f;
	pid_t pid;
	int c, count_fd = -1;

	while ((c = getopt(argc, argv, "c:d:i:o:t:")) != -1) {
		if (c == 'd')
			seconds = atof(optarg);
		else if (c == 'c') {
			if ((count_fd = open(optarg, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1) {
				perror(optarg);
				return 2;
			}
		} else if (c == 'i')
			pause_ms = atof(optarg);
		else if (c == 'o')
			out = optarg;
		else if (c == 't')
			times_path = optarg;
		else
			return 2;
	}
	if (seconds <= 0 || out == NULL) {
		fprintf(stderr, "usage: forkgap -d SECONDS [-i MS] [-c COUNT] [-t TIMES] -o RESULT\n");
		return 2;
	}
	wall0 = clock_seconds(CLOCK_REALTIME);
	start = last = now();
	while ((t = now()) - start < seconds) {
		if ((pid = fork()) == -1) {
			perror("fork");
			return 1;
		}
		if (pid == 0)
			_exit(0);
		t = now();
		if (n == cap) {
			cap = cap != 0 ? cap * 2 : 4096;
			if ((gaps = realloc(gaps, cap * sizeof *gaps)) == NULL ||
			    (times = realloc(times, cap * sizeof *times)) == NULL)
				return 1;
		}
		times[n] = t;
		gaps[n++] = t - last;
		if (count_fd != -1) {
			char num[24];
			int len = snprintf(num, sizeof num, "%20zu\n", n);

			if (pwrite(count_fd, num, (size_t)len, 0) != len) {
				perror("forkgap: -c");
				return 1;
			}
		}
		if (t - last > max)
			max = t - last;
		last = t;
		while (waitpid(pid, NULL, 0) == -1)
			;
		if (pause_ms > 0) {
			struct timespec pause = {
				.tv_sec = (time_t)(pause_ms / 1000),
				.tv_nsec = (long)((pause_ms - (double)(time_t)(pause_ms / 1000) * 1000) * 1e6),
			};
			while (nanosleep(&pause, &pause) == -1)
				;
		}
	}
	if (times_path != NULL && write_times(times_path, times, n, start, wall0) != 0)
		return 1;
	qsort(gaps, n, sizeof *gaps, cmp);
	if ((f = fopen(out, "w")) == NULL)
		return 1;
	fprintf(f, "forks %zu max_gap_ms %.1f p99_gap_ms %.2f median_gap_ms %.3f\n", n,
	    max * 1e3, n > 0 ? gaps[n * 99 / 100] * 1e3 : 0, n > 0 ? gaps[n / 2] * 1e3 : 0);
	return fclose(f) == 0 ? 0 : 1;
}
