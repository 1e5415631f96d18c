/*
 * vforker segv|stop READY_FILE: writes 1 to READY_FILE once it waits for
 * SIGUSR1; on SIGUSR1 (so that a test can set the tracer up first), vforks a child that, before it could exec or exit,
 * either dereferences NULL (segv: a SIGSEGV, which a tracer holds as a
 * break) or stops itself (stop: SIGSTOP, job control). Meanwhile the parent
 * waits in vfork, where it cannot stop: a tracer's PTRACE_INTERRUPT only
 * takes effect once the child lets it go. Then the parent reaps the child
 * and exits 0.
 */
#include "helper.h"

static int *volatile null_pointer;

int main(int argc, char **argv)
{
	static const int signals[] = { SIGUSR1, 0 };
	sigset_t set;
	pid_t pid;

	if (argc != 3 || (strcmp(argv[1], "segv") != 0 && strcmp(argv[1], "stop") != 0)) {
		fprintf(stderr, "usage: vforker segv|stop READY_FILE\n");
		return 2;
	}
	set = block_signals(signals);
	write_counter(argv[2], 1);
	while (sigwaitinfo(&set, NULL) == -1)
		if (errno != EINTR)
			die("sigwaitinfo");
	pid = vfork();
	if (pid == -1)
		die("vfork");
	if (pid == 0) {
		/* The child shares the parent's memory: only these calls. */
		if (argv[1][1] == 'e')
			*null_pointer = 1;
		else
			raise(SIGSTOP);
		_exit(0);
	}
	if (waitpid(pid, NULL, 0) == -1)
		die("waitpid");
	return 0;
}
