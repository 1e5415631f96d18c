/*
 * catcher DIR [nohandler]: a target that takes SIGUSR1 with a handler, the
 * one signal delivery the other helpers avoid (see helper.h): a test sees
 * whether a signal reached the handler or was suppressed by the tracer.
 *   DIR/caught    the number of SIGUSR1 the handler has taken;
 *   DIR/progress  a counter, both rewritten every ~10 ms (caught first, so
 *                 a progress value N says caught is as it was at round N;
 *                 progress is created last, so its existence says the
 *                 handler is installed).
 * With "nohandler", SIGUSR1 keeps its default action (it ends the process).
 * SIGTERM keeps its default action too: it ends the process.
 */
#include "helper.h"

static volatile sig_atomic_t caught;

static void on_usr1(int sig)
{
	(void)sig;
	caught++;
}

int main(int argc, char **argv)
{
	char caught_path[4096], progress[4096];
	unsigned long count = 0;
	struct sigaction sa;

	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "nohandler") != 0)) {
		fprintf(stderr, "usage: catcher DIR [nohandler]\n");
		return 2;
	}
	path_join(caught_path, sizeof caught_path, argv[1], "caught");
	path_join(progress, sizeof progress, argv[1], "progress");
	if (argc == 2) {
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_usr1;
		sa.sa_flags = SA_RESTART;
		if (sigemptyset(&sa.sa_mask) < 0)
			die("sigemptyset");
		if (sigaction(SIGUSR1, &sa, NULL) < 0)
			die("sigaction");
	}
	for (;;) {
		write_counter(caught_path, (unsigned long)caught);
		write_counter(progress, ++count);
		sleep_ms(10);
	}
}
