/*
 * bareloop: the least a tracer that follows forks can do. Starts CMD under
 * trace itself (PTRACE_SEIZE with TRACEFORK|TRACEVFORK|TRACECLONE|TRACEEXEC,
 * before CMD execs), then continues every stop of every task and records
 * nothing. The floor tetherd is measured against.
 *
 *   bareloop [-e] [-r FILE] CMD [ARGS...]      exits with CMD's status
 *
 * -e waits the way an event loop does, the way tetherd does: SIGCHLD
 * blocked and read from a signalfd that epoll watches, then waitpid
 * WNOHANG until nothing is left. Without it, waitpid blocks, and the
 * kernel's wakeup of a tracer blocked in waitpid is a "sync" one that
 * tends to run it on the CPU of the tracee that just stopped; the
 * signalfd's is not. The difference between the two is what the event
 * loop alone costs.
 *
 * -r FILE writes the tracer's own CPU time (user + system seconds, its
 * children not counted) to FILE at the end: the floor of a tracer's own
 * cost per stop, beside tetherd's loop thread's.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#define OPTIONS (PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | \
	PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC)

static int sigchld_fd = -1, epoll_fd = -1;

/* -e: SIGCHLD through a signalfd in an epoll set, as an event loop has it. */
static int
event_loop_setup(void)
{
	struct epoll_event ev = { .events = EPOLLIN };
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &chld, NULL) == -1 ||
	    (sigchld_fd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC)) == -1 ||
	    (epoll_fd = epoll_create1(EPOLL_CLOEXEC)) == -1 ||
	    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, sigchld_fd, &ev) == -1) {
		perror("bareloop: signalfd/epoll");
		return -1;
	}
	return 0;
}

/* The next status, blocking in waitpid, or (-e) in epoll_wait when
 * waitpid WNOHANG has nothing. */
static pid_t
next_status(int *status)
{
	struct signalfd_siginfo si[16];
	struct epoll_event ev;
	pid_t pid;

	if (epoll_fd == -1)
		return waitpid(-1, status, __WALL);
	while ((pid = waitpid(-1, status, __WALL | WNOHANG)) == 0) {
		if (epoll_wait(epoll_fd, &ev, 1, -1) == -1 && errno != EINTR)
			return -1;
		while (read(sigchld_fd, si, sizeof si) > 0)
			;
	}
	return pid;
}

/* -r: this process's own CPU seconds, its children's not counted. */
static int
write_own_cpu(const char *path)
{
	struct rusage ru;
	FILE *f;

	if (getrusage(RUSAGE_SELF, &ru) == -1 || (f = fopen(path, "w")) == NULL) {
		perror(path);
		return -1;
	}
	fprintf(f, "%.6f\n", (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
	if (fclose(f) == EOF) {
		perror(path);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	int gate[2], status, root_status = 0, sig, event;
	bool event_loop = false;
	const char *cpu_file = NULL;
	pid_t root, pid;
	char ch;

	for (;;) {
		if (argc > 1 && strcmp(argv[1], "-e") == 0) {
			event_loop = true;
			argv++;
			argc--;
		} else if (argc > 2 && strcmp(argv[1], "-r") == 0) {
			cpu_file = argv[2];
			argv += 2;
			argc -= 2;
		} else
			break;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: bareloop [-e] [-r FILE] CMD [ARGS...]\n");
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
	/* Only now: CMD must not inherit a blocked SIGCHLD. */
	if (event_loop && event_loop_setup() == -1) {
		kill(root, SIGKILL);
		return 2;
	}
	for (;;) {
		pid = next_status(&status);
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
	if (cpu_file != NULL && write_own_cpu(cpu_file) == -1)
		return 2;
	if (WIFEXITED(root_status))
		return WEXITSTATUS(root_status);
	return 128 + WTERMSIG(root_status);
}
