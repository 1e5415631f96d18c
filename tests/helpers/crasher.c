/*
 * crasher PROGRESS_FILE: a target that crashes when asked. It rewrites a
 * counter in PROGRESS_FILE every ~10 ms (written first, so its existence
 * says the signals are set up).
 *   SIGUSR1: dereferences NULL (a SIGSEGV from the hardware, which a tracer
 *            sees as a signal-delivery stop).
 * Exits 0 on SIGTERM.
 */
#include "helper.h"

static int *volatile null_pointer;

static void __attribute__((noinline)) crash(void)
{
	*null_pointer = 1;
}

int main(int argc, char **argv)
{
	static const int signals[] = { SIGUSR1, SIGTERM, 0 };
	unsigned long count = 0;
	sigset_t set;

	if (argc != 2) {
		fprintf(stderr, "usage: crasher PROGRESS_FILE\n");
		return 2;
	}
	set = block_signals(signals);
	for (;;) {
		write_counter(argv[1], ++count);
		switch (wait_signal(&set, 10)) {
		case SIGUSR1:
			crash();
			die_num("still alive after a NULL dereference", EFAULT);
		case SIGTERM:
			return 0;
		}
	}
}
