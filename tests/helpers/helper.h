/*
 * What the helper programs share. They are the processes the end-to-end
 * tests trace, so they must behave the same traced or not:
 *
 * - Signals are blocked and taken with sigtimedwait, never by a handler. A
 *   signal taken that way does not go through a signal-delivery stop, so a
 *   helper does what the test asked whatever the tracer's signal policy is,
 *   and the tests see no debug events but the ones they cause on purpose.
 * - Files a test reads while the helper runs are replaced whole (write to a
 *   temporary file, then rename) or appended to in one write of one line,
 *   so that a shell never reads half a number.
 * - Any failed system call ends the helper with a message and status 2.
 */
#ifndef TETHER_TEST_HELPER_H
#define TETHER_TEST_HELPER_H

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static inline void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "helper %d: %s: %s\n", (int)getpid(), what, strerror(errno));
	_exit(2);
}

static inline void __attribute__((noreturn)) die_num(const char *what, int err)
{
	errno = err;
	die(what);
}

/* "DIR/name", or dies when it does not fit. */
static inline void path_join(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= len)
		die_num("path too long", ENAMETOOLONG);
}

static inline void write_all(int fd, const char *buf, size_t len, const char *what)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			die(what);
		}
		buf += n;
		len -= (size_t)n;
	}
}

/* Replaces path with the decimal value, atomically for readers. */
static inline void write_counter(const char *path, unsigned long value)
{
	char tmp[4096], text[32];
	int fd, n;

	n = snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if (n < 0 || (size_t)n >= sizeof tmp)
		die_num("counter path too long", ENAMETOOLONG);
	n = snprintf(text, sizeof text, "%lu\n", value);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die(tmp);
	write_all(fd, text, (size_t)n, tmp);
	if (close(fd) < 0)
		die(tmp);
	if (rename(tmp, path) < 0)
		die(path);
}

/* Appends one line to path in a single write, so that readers see it whole. */
__attribute__((format(printf, 2, 3)))
static inline void append_line(const char *path, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int fd, n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof line - 1)
		die_num("line too long", EOVERFLOW);
	line[n++] = '\n';
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		die(path);
	write_all(fd, line, (size_t)n, path);
	if (close(fd) < 0)
		die(path);
}

/* Blocks the signals of the zero-terminated list and returns them as a set. */
static inline sigset_t block_signals(const int *signals)
{
	sigset_t set;
	int err;

	if (sigemptyset(&set) < 0)
		die("sigemptyset");
	for (; *signals; signals++)
		if (sigaddset(&set, *signals) < 0)
			die("sigaddset");
	err = pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (err)
		die_num("pthread_sigmask", err);
	return set;
}

/* Lets an exec'd program start with no signal blocked. */
static inline void unblock_all_signals(void)
{
	sigset_t none;
	int err;

	if (sigemptyset(&none) < 0)
		die("sigemptyset");
	err = pthread_sigmask(SIG_SETMASK, &none, NULL);
	if (err)
		die_num("pthread_sigmask", err);
}

/*
 * Waits at most timeout_ms (forever when negative) for one of the blocked
 * signals of set. Returns its number, or 0 when none came (timeout, or the
 * wait was interrupted, as it may be when a tracer stops and resumes us).
 */
static inline int wait_signal(const sigset_t *set, long timeout_ms)
{
	struct timespec ts = { timeout_ms / 1000, (timeout_ms % 1000) * 1000000L };
	int sig = sigtimedwait(set, NULL, timeout_ms < 0 ? NULL : &ts);

	if (sig < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		die("sigtimedwait");
	}
	return sig;
}

static inline void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	int err = clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);

	if (err && err != EINTR)
		die_num("clock_nanosleep", err);
}

/*
 * Reaps every child that has ended and, when log is not NULL, appends
 * "PID exit N" or "PID signal N" for each to it.
 */
static inline void reap_children(const char *log)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);

		if (pid == 0 || (pid < 0 && errno == ECHILD))
			return;
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			die("waitpid");
		}
		if (!log)
			continue;
		if (WIFSIGNALED(status))
			append_line(log, "%d signal %d", (int)pid, WTERMSIG(status));
		else
			append_line(log, "%d exit %d", (int)pid, WEXITSTATUS(status));
	}
}

#endif
