/*
 * bareloop: the least a tracer that follows forks can do. Starts CMD under
 * trace itself (PTRACE_SEIZE with TRACEFORK|TRACEVFORK|TRACECLONE|TRACEEXEC,
 * before CMD execs), then continues every stop of every task and records
 * nothing. The floor tetherd is measured against.
 *
 *   bareloop CMD [ARGS...]      exits with CMD's status
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#define OPTIONS (PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | \
	PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC)

int
main(int argc, char **argv)
{
	int gate[2], status, root_status = 0, sig, event;
	pid_t root, pid;
	char ch;

	if (argc < 2) {
		fprintf(stderr, "usage: bareloop CMD [ARGS...]\n");
		return 2;
	}
	if (pipe(gate) == -1 || (root = fork()) == -1) {
		perror("bareloop");
		return 2;
	}
	if (root == 0) {
		/* Wait until the parent has seized us, then exec. */
		close(gate[1]);
		while (read(gate[0], &ch, 1) == -1 && errno == EINTR)
			;
		close(gate[0]);
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	close(gate[0]);
	if (ptrace(PTRACE_SEIZE, root, 0, OPTIONS) == -1) {
		perror("bareloop: PTRACE_SEIZE");
		kill(root, SIGKILL);
		return 2;
	}
	close(gate[1]);
	for (;;) {
		pid = waitpid(-1, &status, __WALL);
		if (pid == -1) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				break;
			perror("bareloop: waitpid");
			return 2;
		}
		if (!WIFSTOPPED(status)) {
			if (pid == root)
				root_status = status;
			continue;
		}
		sig = WSTOPSIG(status);
		event = status >> 16;
		if (event == 0) {
			/* signal-delivery stop: deliver the signal */
			ptrace(PTRACE_CONT, pid, 0, (long)sig);
		} else if (event == PTRACE_EVENT_STOP &&
		    (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)) {
			ptrace(PTRACE_LISTEN, pid, 0, 0);	/* group-stop */
		} else {
			ptrace(PTRACE_CONT, pid, 0, 0);
		}
	}
	if (WIFEXITED(root_status))
		return WEXITSTATUS(root_status);
	return 128 + WTERMSIG(root_status);
}
