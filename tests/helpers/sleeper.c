/*
 * sleeper [PROGRESS_FILE]: a target that does nothing but wait. With a file,
 * it rewrites a counter in it every ~10 ms, so that a test can see whether
 * it runs (a stopped or frozen sleeper's counter stands still).
 * Exits 0 on SIGTERM.
 */
#include "helper.h"

int main(int argc, char **argv)
{
	static const int signals[] = { SIGTERM, 0 };
	const char *progress = argc > 1 ? argv[1] : NULL;
	unsigned long count = 0;
	sigset_t set;

	if (argc > 2) {
		fprintf(stderr, "usage: sleeper [PROGRESS_FILE]\n");
		return 2;
	}
	set = block_signals(signals);
	for (;;) {
		if (progress)
			write_counter(progress, ++count);
		if (wait_signal(&set, progress ? 10 : -1) == SIGTERM)
			return 0;
	}
}
