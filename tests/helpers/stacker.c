/*
 * stacker DIR: a process of three threads whose stacks the triage tests
 * know. The main thread hangs in hang_here(), three calls deep
 * (main -> level1 -> level2 -> hang_here), waiting for a signal; the two
 * other threads sleep. When all three are set up it writes DIR/ready (the
 * main thread's tid). In hang_here, SIGUSR1 makes it crash in crash_here()
 * (a SIGSEGV, three calls deep as well); SIGTERM makes it exit 0.
 *
 * stacker DIR tree: a parent that counts in DIR/progress every ~10 ms and,
 * on SIGUSR2, forks a child that becomes a `stacker DIR/child` (no exec);
 * the child's pid is appended to DIR/children. Exits 0 on SIGTERM.
 *
 * Built with -g; every function of the hang is noinline and does work after
 * its call, so that no optimisation level folds a frame away. The lines the
 * tests look for are marked HANG-LINE and CRASH-LINE.
 */
#include "helper.h"

#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static sigset_t hang_set;
static volatile int sink;

static void *sleep_forever(void *arg)
{
	(void)arg;
	for (;;)
		sleep_ms(1000);
	return NULL;
}

__attribute__((noinline)) static void crash_here(volatile int *where)
{
	*where = 42; /* CRASH-LINE */
	sink++;
}

__attribute__((noinline)) static void crash2(volatile int *where)
{
	crash_here(where);
	sink++;
}

__attribute__((noinline)) static void crash1(volatile int *where)
{
	crash2(where);
	sink++;
}

__attribute__((noinline)) static int hang_here(void)
{
	int sig;

	for (;;) {
		/* Not wait_signal(): an inlined call would hide this line. */
		sig = sigtimedwait(&hang_set, NULL, NULL); /* HANG-LINE */
		if (sig == SIGUSR1)
			crash1((volatile int *)(uintptr_t)sink);
		if (sig == SIGTERM)
			return 0;
	}
}

__attribute__((noinline)) static int level2(void)
{
	int r = hang_here();

	sink++;
	return r;
}

__attribute__((noinline)) static int level1(void)
{
	int r = level2();

	sink++;
	return r;
}

static int stacker(const char *dir)
{
	static const int signals[] = { SIGUSR1, SIGTERM, 0 };
	pthread_t thread;
	char path[4096];
	int i, err;

	hang_set = block_signals(signals);
	for (i = 0; i < 2; i++) {
		err = pthread_create(&thread, NULL, sleep_forever, NULL);
		if (err)
			die_num("pthread_create", err);
	}
	path_join(path, sizeof path, dir, "ready");
	write_counter(path, (unsigned long)syscall(SYS_gettid));
	return level1();
}

static int tree(const char *dir)
{
	static const int signals[] = { SIGUSR2, SIGTERM, SIGCHLD, 0 };
	char progress[4096], children[4096], childdir[4096];
	unsigned long count = 0;
	sigset_t set = block_signals(signals);
	pid_t pid;

	path_join(progress, sizeof progress, dir, "progress");
	path_join(children, sizeof children, dir, "children");
	path_join(childdir, sizeof childdir, dir, "child");
	for (;;) {
		write_counter(progress, ++count);
		switch (wait_signal(&set, 10)) {
		case SIGUSR2:
			if (mkdir(childdir, 0755) < 0 && errno != EEXIST)
				die(childdir);
			pid = fork();
			if (pid < 0)
				die("fork");
			if (pid == 0) {
				unblock_all_signals();
				_exit(stacker(childdir));
			}
			append_line(children, "%d", (int)pid);
			break;
		case SIGCHLD:
			reap_children(NULL);
			break;
		case SIGTERM:
			return 0;
		}
	}
}

int main(int argc, char **argv)
{
	if (argc == 2)
		return stacker(argv[1]);
	if (argc == 3 && strcmp(argv[2], "tree") == 0)
		return tree(argv[1]);
	fprintf(stderr, "usage: stacker DIR [tree]\n");
	return 2;
}
