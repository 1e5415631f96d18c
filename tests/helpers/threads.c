/*
 * threads N PROGRESS_DIR: a process of N+1 threads. The main thread rewrites
 * PROGRESS_DIR/main and thread K (1..N) PROGRESS_DIR/thread.K every ~10 ms,
 * so that a test can see each thread run. SIGUSR1 starts one more thread
 * (the next K). Exits 0 on SIGTERM.
 */
#include "helper.h"

#include <limits.h>

static const char *dir;

static void *count_forever(void *arg)
{
	char path[4096];
	unsigned long count = 0;

	path_join(path, sizeof path, dir, (const char *)arg);
	for (;;) {
		write_counter(path, ++count);
		sleep_ms(10);
	}
	return NULL;
}

static void start_thread(int index)
{
	char name[32];
	char *copy;
	pthread_t thread;
	int err;

	snprintf(name, sizeof name, "thread.%d", index);
	copy = strdup(name);
	if (!copy)
		die("strdup");
	err = pthread_create(&thread, NULL, count_forever, copy);
	if (err)
		die_num("pthread_create", err);
	err = pthread_detach(thread);
	if (err)
		die_num("pthread_detach", err);
}

int main(int argc, char **argv)
{
	static const int signals[] = { SIGUSR1, SIGTERM, 0 };
	char main_path[4096];
	unsigned long count = 0;
	long n;
	char *end;
	int started;
	sigset_t set;

	if (argc != 3) {
		fprintf(stderr, "usage: threads N PROGRESS_DIR\n");
		return 2;
	}
	errno = 0;
	n = strtol(argv[1], &end, 10);
	if (errno || *end || end == argv[1] || n < 0 || n > 1000) {
		fprintf(stderr, "threads: bad thread count: %s\n", argv[1]);
		return 2;
	}
	dir = argv[2];
	path_join(main_path, sizeof main_path, dir, "main");
	/* Before any thread starts, so that every thread inherits the mask. */
	set = block_signals(signals);
	for (started = 1; started <= n; started++)
		start_thread(started);
	for (;;) {
		write_counter(main_path, ++count);
		switch (wait_signal(&set, 10)) {
		case SIGUSR1:
			if (started == INT_MAX)
				break;
			start_thread(started++);
			break;
		case SIGTERM:
			return 0;
		}
	}
}
