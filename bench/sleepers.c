/*
 * sleepers: one parent that forks N children which only sleep: the live
 * targets of the many-targets benchmark (under tetherd with child-debug on,
 * every child joins the session by itself, far faster than N attaches).
 *
 *   sleepers [-n N] [-g] [-o FILE]
 *   -n N     children (default 10000)
 *   -g       wait for SIGUSR1 before forking (child-debug goes on first)
 *   -o FILE  written ("N") once every child is forked
 *
 * The parent then waits for SIGTERM and kills its children. Each child dies
 * with its parent (PR_SET_PDEATHSIG), so none is left behind.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	const char *out = NULL;
	long n = 10000, i;
	int ch, go = 0, sig;
	sigset_t set, none;
	pid_t parent = getpid(), pid;

	while ((ch = getopt(argc, argv, "n:go:")) != -1) {
		switch (ch) {
		case 'n': n = atol(optarg); break;
		case 'g': go = 1; break;
		case 'o': out = optarg; break;
		default:
			fprintf(stderr, "usage: sleepers [-n N] [-g] [-o FILE]\n");
			return 2;
		}
	}
	/* Signals are taken with sigwait: no signal-delivery stops. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigemptyset(&none);
	if (go) {
		sigset_t usr1;

		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		while (sigwait(&usr1, &sig) != 0)
			;
	}
	for (i = 0; i < n; i++) {
		pid = fork();
		if (pid == -1) {
			perror("sleepers: fork");
			kill(0, SIGKILL);
			return 1;
		}
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(0);
			sigprocmask(SIG_SETMASK, &none, NULL);
			for (;;)
				pause();
		}
	}
	if (out != NULL) {
		FILE *f = fopen(out, "w");

		if (f == NULL || fprintf(f, "%ld\n", n) < 0 || fclose(f) != 0) {
			perror("sleepers: ready file");
			return 1;
		}
	}
	sigdelset(&set, SIGUSR1);
	while (sigwait(&set, &sig) != 0)
		;
	signal(SIGTERM, SIG_IGN);
	kill(0, SIGTERM);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 0;
}
