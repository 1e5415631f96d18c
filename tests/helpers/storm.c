/*
 * storm DIR: a fork storm. Forks one child after another as fast as it can;
 * each child exits 0 at once, except every 16th, which stays (waiting for
 * SIGTERM) and whose pid is appended to DIR/survivors. Ended children are
 * reaped as they go.
 *   SIGUSR1: pause the storm (DIR/paused is created once no fork is in
 *            progress); SIGUSR1 again: resume (DIR/paused is removed).
 * DIR/progress holds the number of forks so far, rewritten every 16 forks
 * and at every pause; it is written first, so its existence says the
 * signals are set up. Exits 0 on SIGTERM.
 */
#include "helper.h"

static const int signals[] = { SIGUSR1, SIGTERM, SIGCHLD, 0 };

int main(int argc, char **argv)
{
	char survivors[4096], paused[4096], progress[4096];
	unsigned long forks = 0;
	int pausing = 0, sig, fd;
	sigset_t set;
	pid_t pid;

	if (argc != 2) {
		fprintf(stderr, "usage: storm DIR\n");
		return 2;
	}
	path_join(survivors, sizeof survivors, argv[1], "survivors");
	path_join(paused, sizeof paused, argv[1], "paused");
	path_join(progress, sizeof progress, argv[1], "progress");
	set = block_signals(signals);
	write_counter(progress, 0);
	for (;;) {
		/* Paused: wait for a signal; running: just look for one. */
		sig = wait_signal(&set, pausing ? -1 : 0);
		if (sig == SIGTERM)
			return 0;
		if (sig == SIGUSR1) {
			pausing = !pausing;
			if (pausing) {
				write_counter(progress, forks);
				fd = open(paused, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
				if (fd < 0 || close(fd) < 0)
					die(paused);
			} else if (unlink(paused) < 0) {
				die(paused);
			}
		}
		reap_children(NULL);
		if (pausing)
			continue;
		pid = fork();
		if (pid < 0) {
			if (errno == EAGAIN) {
				sleep_ms(1);
				continue;
			}
			die("fork");
		}
		if (pid == 0) {
			if ((forks + 1) % 16 != 0)
				_exit(0);
			for (;;)
				if (wait_signal(&set, -1) == SIGTERM)
					_exit(0);
		}
		if (++forks % 16 == 0) {
			append_line(survivors, "%d", (int)pid);
			write_counter(progress, forks);
		}
	}
}
