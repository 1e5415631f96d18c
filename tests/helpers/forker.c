/*
 * forker DIR: a parent that forks when asked.
 *   SIGUSR1: a child that waits forever; its pid is appended to DIR/children.
 *   SIGUSR2: a child (pid to DIR/children) that forks a grandchild that
 *            waits forever (pid to DIR/grandchildren).
 *   SIGCHLD: every ended child is reaped and "PID signal N" or "PID exit N"
 *            appended to DIR/reaped (by the child for the grandchild).
 * DIR/progress holds a counter rewritten every ~10 ms while the parent runs;
 * it is written first, so its existence says the signals are set up.
 * Parent and children exit 0 on SIGTERM.
 */
#include "helper.h"

static const int signals[] = { SIGUSR1, SIGUSR2, SIGCHLD, SIGTERM, 0 };

static char children[4096], grandchildren[4096], reaped[4096], progress[4096];

/* What a child does once forked: wait, reaping its own children, until SIGTERM. */
static void __attribute__((noreturn)) wait_forever(const sigset_t *set)
{
	for (;;) {
		int sig = wait_signal(set, -1);

		if (sig == SIGCHLD)
			reap_children(reaped);
		else if (sig == SIGTERM)
			_exit(0);
	}
}

/* Forks a child that runs wait_forever; returns its pid in the parent. */
static pid_t fork_waiter(const sigset_t *set)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0)
		wait_forever(set);
	return pid;
}

static void fork_with_grandchild(const sigset_t *set)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid > 0) {
		append_line(children, "%d", (int)pid);
		return;
	}
	append_line(grandchildren, "%d", (int)fork_waiter(set));
	wait_forever(set);
}

int main(int argc, char **argv)
{
	unsigned long count = 0;
	sigset_t set;

	if (argc != 2) {
		fprintf(stderr, "usage: forker DIR\n");
		return 2;
	}
	path_join(children, sizeof children, argv[1], "children");
	path_join(grandchildren, sizeof grandchildren, argv[1], "grandchildren");
	path_join(reaped, sizeof reaped, argv[1], "reaped");
	path_join(progress, sizeof progress, argv[1], "progress");
	set = block_signals(signals);
	for (;;) {
		write_counter(progress, ++count);
		switch (wait_signal(&set, 10)) {
		case SIGUSR1:
			append_line(children, "%d", (int)fork_waiter(&set));
			break;
		case SIGUSR2:
			fork_with_grandchild(&set);
			break;
		case SIGCHLD:
			reap_children(reaped);
			break;
		case SIGTERM:
			return 0;
		}
	}
}
