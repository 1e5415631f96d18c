/*
 * A PTRACE_SEIZE that gives up (seize.h).
 *
 * The kernel's ptrace_attach takes the target's cred_guard_mutex, which an
 * exec holds from before it reads its program until its new credentials
 * are in place. It waits for it interruptibly, but returns -ERESTARTNOINTR
 * when a signal comes: once the handler returns, the call starts again. So
 * no handler that returns ends the wait; one that does not return does.
 * seize_try arms a one-shot POSIX timer aimed at this thread alone
 * (SIGEV_THREAD_ID) around the call; its handler siglongjmp()s out of the
 * call while a flag says the call is under way, and returns otherwise.
 * Leaving that way is safe: the kernel has changed nothing when it restarts
 * the call, and the call itself is the bare system call (no lock of libc's,
 * no sanitizer's bookkeeping, is held across it).
 *
 * The handler is installed with SA_RESTART: a late signal (the timer
 * expired just as the call returned) restarts whatever the loop calls next
 * instead of failing it with EINTR. The other threads of tetherd are made
 * with every signal blocked (store-thread.c, triage-worker.c), and the
 * timer names this thread: the signal reaches no other.
 *
 * The seize may have succeeded just before the signal came: after a jump,
 * TracerPid says whether tid is ours.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "procfs.h"
#include "seize.h"

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

static timer_t timer;
static bool have_timer;
static int bound_signal;
static pid_t loop_tid;
static sigjmp_buf escape;
static volatile sig_atomic_t seizing;

/* The kernel's struct sigaction (x86_64, arm64: the generic one with a
 * restorer), for rt_sigaction(2) called bare. */
struct kernel_sigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	unsigned long mask;
};

static void
on_bound(int sig)
{
	(void)sig;
	if (seizing) {
		seizing = 0;
		siglongjmp(escape, 1);
	}
}

int
seize_init(void)
{
	struct sigaction sa;
	struct kernel_sigaction ka;
	struct sigevent sev;

	/* The first real-time signal libc leaves to programs: nothing else
	 * in tetherd (libevent, libsystemd, sqlite) uses one. */
	bound_signal = SIGRTMIN;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_bound;
	sa.sa_flags = SA_RESTART;
	sigfillset(&sa.sa_mask);
	if (sigaction(bound_signal, &sa, NULL) == -1)
		return -1;
	/*
	 * A sanitizer (ThreadSanitizer) puts a handler of its own in place of
	 * ours that defers the call to ours until the thread leaves a libc
	 * function: it returns at once, and the kernel restarts the seize for
	 * ever. So the kernel is given on_bound itself, with the rest of the
	 * action libc set (its restorer, which the kernel needs to return from
	 * a handler).
	 */
	if (syscall(SYS_rt_sigaction, bound_signal, NULL, &ka, sizeof ka.mask) == -1)
		return -1;
	ka.handler = on_bound;
	ka.mask = ~0UL;
	if (syscall(SYS_rt_sigaction, bound_signal, &ka, NULL, sizeof ka.mask) == -1)
		return -1;
	loop_tid = gettid();
	memset(&sev, 0, sizeof sev);
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = bound_signal;
	sev.sigev_notify_thread_id = loop_tid;
	if (timer_create(CLOCK_MONOTONIC, &sev, &timer) == -1)
		return -1;
	have_timer = true;
	return 0;
}

void
seize_free(void)
{
	if (have_timer)
		(void)timer_delete(timer);
	have_timer = false;
}

static int
arm(long ms)
{
	struct itimerspec its = { .it_value = { ms / 1000, (ms % 1000) * 1000000L } };

	return timer_settime(timer, 0, &its, NULL);
}

enum seize_result
seize_try(pid_t tid, unsigned long options)
{
	struct proc_status ps;
	long rc;
	int err;

	if (arm(SEIZE_TRY_MS) == -1)
		return SEIZE_FAILED;
	if (sigsetjmp(escape, 1) == 0) {
		seizing = 1;
		/* The system call itself: a wrapper that a sanitizer puts
		 * around ptrace would be left in the middle by the jump. */
		rc = syscall(SYS_ptrace, PTRACE_SEIZE, (long)tid, 0L, (long)options);
		err = errno;
		seizing = 0;
		(void)arm(0);
		errno = err;
		return rc == 0 ? SEIZE_OK : SEIZE_FAILED;
	}
	(void)arm(0);
	if (procfs_status(tid, &ps) == -1) {
		errno = ESRCH;
		return SEIZE_FAILED;
	}
	return ps.tracer == loop_tid ? SEIZE_OK : SEIZE_BUSY;
}
