/*
 * piper produce FILE: writes a line to standard output every ~10 ms and the
 * number of lines written to FILE.
 * piper consume FILE: reads lines from standard input and rewrites the
 * number of lines read in FILE after each.
 * Both write FILE (0) before they start. The pair makes a shell pipeline
 * (piper produce A | piper consume B) whose progress a test can watch.
 * Both end at the end of their input or output (SIGPIPE, EOF) and by the
 * default action of any signal.
 */
#include "helper.h"

int main(int argc, char **argv)
{
	unsigned long count = 0;
	char line[64];
	int n;

	if (argc != 3 || (strcmp(argv[1], "produce") != 0 && strcmp(argv[1], "consume") != 0)) {
		fprintf(stderr, "usage: piper produce|consume FILE\n");
		return 2;
	}
	write_counter(argv[2], 0);
	if (strcmp(argv[1], "produce") == 0) {
		for (;;) {
			n = snprintf(line, sizeof line, "%lu\n", ++count);
			write_all(1, line, (size_t)n, "stdout");
			write_counter(argv[2], count);
			sleep_ms(10);
		}
	}
	setvbuf(stdin, NULL, _IOLBF, 0);
	while (fgets(line, sizeof line, stdin) != NULL)
		write_counter(argv[2], ++count);
	return 0;
}
