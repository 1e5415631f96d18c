/*
 * forkstorm: forks N children one after another; each child calls _exit(0)
 * at once and the parent reaps it before forking the next. Prints its own
 * count and the time the loop took (CLOCK_MONOTONIC), so that every way of
 * running it is timed the same way, from inside.
 *
 *   forkstorm [-n N] [-g] [-o FILE]
 *   -n N     children to fork (default 20000)
 *   -g       wait for SIGUSR1 before forking (so that a tracer can be set up
 *            first: tetherd's child-debug must be on before the first fork)
 *   -o FILE  also write "COUNT SECONDS CPU MEDIAN" to FILE (replaced whole);
 *            CPU is the user+system time of forkstorm and its reaped
 *            children, MEDIAN the median time of one fork-to-reap, in
 *            microseconds (this machine's noise comes in bursts that the
 *            total takes in whole and the median does not)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* User and system time of this process and of the children it reaped. */
static double
cpu_total(void)
{
	struct rusage self, kids;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	return self.ru_utime.tv_sec + self.ru_stime.tv_sec + kids.ru_utime.tv_sec +
	    kids.ru_stime.tv_sec + (self.ru_utime.tv_usec + self.ru_stime.tv_usec +
	    kids.ru_utime.tv_usec + kids.ru_stime.tv_usec) / 1e6;
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median_us(double *v, long n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, by_value);
	return (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2) * 1e6;
}

int
main(int argc, char **argv)
{
	const char *out = NULL;
	long n = 20000, i, reaped = 0, failed = 0;
	int ch, go = 0, status, sig;
	sigset_t set;
	double t0, t1, t, *each;
	pid_t pid;

	while ((ch = getopt(argc, argv, "n:go:")) != -1) {
		switch (ch) {
		case 'n': n = atol(optarg); break;
		case 'g': go = 1; break;
		case 'o': out = optarg; break;
		default:
			fprintf(stderr, "usage: forkstorm [-n N] [-g] [-o FILE]\n");
			return 2;
		}
	}
	if (go) {
		/* Taken with sigwait, never by a handler: no signal-delivery
		 * stop, so a tracer sees nothing but the forks. */
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigprocmask(SIG_BLOCK, &set, NULL);
		while (sigwait(&set, &sig) != 0)
			;
	}
	if (n < 0 || (each = calloc(n + 1, sizeof *each)) == NULL) {
		fprintf(stderr, "forkstorm: bad -n or out of memory\n");
		return 2;
	}
	t0 = now();
	for (i = 0; i < n; i++) {
		t = now();
		pid = fork();
		if (pid == -1) {
			perror("forkstorm: fork");
			return 1;
		}
		if (pid == 0)
			_exit(0);
		while (waitpid(pid, &status, 0) == -1) {
			if (errno != EINTR) {
				perror("forkstorm: waitpid");
				return 1;
			}
		}
		each[reaped++] = now() - t;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed++;
	}
	t1 = now();
	printf("forkstorm: %ld children in %.6f s (%ld failed)\n", reaped, t1 - t0, failed);
	fflush(stdout);
	if (out != NULL) {
		char tmp[4096];
		FILE *f;

		snprintf(tmp, sizeof tmp, "%s.tmp", out);
		if ((f = fopen(tmp, "w")) == NULL || fprintf(f, "%ld %.6f %.3f %.1f\n", reaped, t1 - t0, cpu_total(), median_us(each, reaped)) < 0 ||
		    fclose(f) != 0 || rename(tmp, out) != 0) {
			perror("forkstorm: result file");
			return 1;
		}
	}
	free(each);
	return failed != 0;
}
