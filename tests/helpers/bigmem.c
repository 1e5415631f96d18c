/*
 * bigmem MIB READY_FILE [NOISE_KIB]: a large process for the triage tests
 * and the stall benchmark. Allocates MIB MiB, writes every page (a
 * different byte per page, so that a core of it has data to read and is
 * not all holes; the first NOISE_KIB KiB with pseudo-random bytes, which
 * do not compress), then writes 1 to READY_FILE and waits. Exits 0 on
 * SIGTERM.
 */
#include "helper.h"

#include <stdint.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	static const int signals[] = { SIGTERM, 0 };
	size_t size, page = (size_t)sysconf(_SC_PAGESIZE), i;
	unsigned char *p;
	sigset_t set;

	if ((argc != 3 && argc != 4) || atol(argv[1]) <= 0) {
		fprintf(stderr, "usage: bigmem MIB READY_FILE [NOISE_KIB]\n");
		return 2;
	}
	set = block_signals(signals);
	size = (size_t)atol(argv[1]) << 20;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap");
	for (i = 0; i < size; i += page)
		memset(p + i, (int)(i / page % 255) + 1, page);
	if (argc == 4) {
		size_t noise = (size_t)atol(argv[3]) << 10;
		uint64_t x = 88172645463325252ULL;

		for (i = 0; i + 8 <= noise && i + 8 <= size; i += 8) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			memcpy(p + i, &x, 8);
		}
	}
	write_counter(argv[2], 1);
	for (;;)
		if (wait_signal(&set, 1000) == SIGTERM)
			return 0;
}
