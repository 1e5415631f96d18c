/*
 * pidat PID PROGRAM [ARGS...]: starts PROGRAM as process PID, then exits 0
 * (the program goes on, a child of init). Tests use it to hand a pid that
 * a target had to an unrelated process.
 *
 * clone3 with set_tid names the pid exactly; writing ns_last_pid and then
 * forking from a shell races with every other process that forks (a test
 * suite running in parallel is enough to lose that race hundreds of times
 * in a row). While another process still holds PID, it is asked again for
 * up to 10 s: in a test suite that holder is short-lived.
 */
#include <linux/sched.h>
#include <stdint.h>
#include <sys/syscall.h>

#include "helper.h"

enum { RETRIES = 1000, RETRY_MS = 10 };

/* The new process's pid in the parent, 0 in the child, -1 with errno. */
static pid_t clone_with_pid(pid_t pid)
{
	struct clone_args args;

	memset(&args, 0, sizeof args);
	args.exit_signal = SIGCHLD;
	args.set_tid = (uintptr_t)&pid;
	args.set_tid_size = 1;
	return (pid_t)syscall(SYS_clone3, &args, sizeof args);
}

int main(int argc, char **argv)
{
	char *end;
	long want;
	int i;

	if (argc < 3) {
		fprintf(stderr, "usage: pidat PID PROGRAM [ARGS...]\n");
		return 2;
	}
	errno = 0;
	want = strtol(argv[1], &end, 10);
	if (errno || *end || want <= 1 || want > 4194304) {
		fprintf(stderr, "pidat: bad pid '%s'\n", argv[1]);
		return 2;
	}
	for (i = 0; i < RETRIES; i++) {
		pid_t pid = clone_with_pid((pid_t)want);

		if (pid == 0) {
			execv(argv[2], argv + 2);
			die(argv[2]);
		}
		if (pid > 0)
			return 0;
		if (errno != EEXIST)
			die("clone3 with set_tid");
		sleep_ms(RETRY_MS);
	}
	die_num("pid still held by another process", EEXIST);
}
