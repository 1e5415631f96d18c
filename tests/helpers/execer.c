/*
 * execer DIR PROG [ARGS...]: runs PROG when asked.
 *   SIGUSR1: forks a child that execs PROG ARGS; its pid is appended to
 *            DIR/children (ended children: "PID exit|signal N" in DIR/reaped).
 *   SIGUSR2: a new thread execs PROG ARGS itself: exec from a thread that
 *            is not the leader, while a third, idle thread exists too.
 * DIR/ready is created once the signals and the idle thread are set up.
 * Exits 0 on SIGTERM.
 */
#include "helper.h"

static char **prog_argv;

static void __attribute__((noreturn)) exec_prog(void)
{
	unblock_all_signals();
	execv(prog_argv[0], prog_argv);
	die(prog_argv[0]);
}

static void *idle_forever(void *arg)
{
	(void)arg;
	for (;;)
		sleep_ms(1000);
	return NULL;
}

static void *exec_from_thread(void *arg)
{
	(void)arg;
	exec_prog();
}

static void start_thread(void *(*fn)(void *))
{
	pthread_t thread;
	int err = pthread_create(&thread, NULL, fn, NULL);

	if (err)
		die_num("pthread_create", err);
	err = pthread_detach(thread);
	if (err)
		die_num("pthread_detach", err);
}

int main(int argc, char **argv)
{
	static const int signals[] = { SIGUSR1, SIGUSR2, SIGCHLD, SIGTERM, 0 };
	char children[4096], reaped[4096], ready[4096];
	sigset_t set;
	pid_t pid;
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: execer DIR PROG [ARGS...]\n");
		return 2;
	}
	prog_argv = argv + 2;
	path_join(children, sizeof children, argv[1], "children");
	path_join(reaped, sizeof reaped, argv[1], "reaped");
	path_join(ready, sizeof ready, argv[1], "ready");
	set = block_signals(signals);
	start_thread(idle_forever);
	fd = open(ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		die(ready);
	if (close(fd) < 0)
		die(ready);
	for (;;) {
		switch (wait_signal(&set, -1)) {
		case SIGUSR1:
			pid = fork();
			if (pid < 0)
				die("fork");
			if (pid == 0)
				exec_prog();
			append_line(children, "%d", (int)pid);
			break;
		case SIGUSR2:
			start_thread(exec_from_thread);
			break;
		case SIGCHLD:
			reap_children(reaped);
			break;
		case SIGTERM:
			return 0;
		}
	}
}
