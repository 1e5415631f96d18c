/*
 * An ELF core file of a stopped process, written by its tracer (issue 7:
 * .dump, dump /c), in the layout the kernel gives its own cores so that gdb
 * and eu-stack read it as one:
 *
 *   PT_NOTE   NT_PRSTATUS per thread (registers from PTRACE_GETREGSET), each
 *             followed by that thread's NT_FPREGSET; after the first
 *             thread's NT_PRSTATUS: NT_PRPSINFO,
 *             NT_SIGINFO (when that thread is held at a signal), NT_AUXV
 *             (/proc/PID/auxv) and NT_FILE (the file mappings of
 *             /proc/PID/maps). No NT_X86_XSTATE: its layout differs from
 *             CPU to CPU and gdb 13 rejects the compacted ones; the SSE
 *             registers are in NT_FPREGSET.
 *   PT_LOAD   one per mapping (/proc/PID/smaps): the whole memory of the
 *             writable and of the anonymous ones (heap, stacks, vDSO,
 *             anonymous shared) and of private file mappings with pages of
 *             their own (relocated data, RELRO), the first page of another
 *             file mapping that starts with an ELF header, and only the
 *             header of the others (gdb reads those from the files);
 *             nothing of MADV_DONTDUMP memory. Memory is read through
 *             /proc/PID/mem; pages that cannot be read are left as zeros,
 *             and zeros are holes.
 *
 * Registers are read in the layout of the daemon's own architecture: a
 * 32-bit process traced by a 64-bit daemon is refused.
 */
#ifndef TETHER_COREDUMP_H
#define TETHER_COREDUMP_H

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/procfs.h>
#include <sys/types.h>

/* What only the tracer can read of a thread, read on the loop. */
struct coredump_thread {
	pid_t tid;
	int cursig;	/* the signal it is held at, or 0; the first thread's is
			 * the core's signal ("terminated with signal ...") */
	elf_gregset_t regs;
	elf_fpregset_t fpregs;
	bool fpvalid;
	bool has_siginfo;	/* si: the siginfo of cursig */
	siginfo_t si;
};

/*
 * Reads the registers (and, held at a signal, its siginfo) of th->tid, in a
 * ptrace-stop of the caller. 0, or -1 with a message in err.
 */
int coredump_capture(struct coredump_thread *th, char *err, size_t errlen);

struct coredump_limits {
	bool zstd;		/* a zstd frame instead of a plain file */
	long long max_process;	/* memory to dump above which no core is
				 * written (0: no limit) */
	long long max_bytes;	/* the file may not grow past it (0: no limit) */
	char cap_name[96];	/* what max_bytes is, for the message */
	long long keep_free;	/* bytes to leave free on its file system */
	atomic_bool *cancel;	/* set: stop at the next chunk (may be NULL) */
};

/*
 * Writes the core of process pid (procfd: its /proc/PID directory) to fd,
 * a new regular file, with threads[0..n) as captured; the first is the one
 * gdb shows first (put the thread held at a crash there). Reads only /proc
 * (no ptrace): it may run on any thread. *bytes: the size of the file. 0,
 * or -1 with a message in err; *skipped is set when the process is larger
 * than limits->max_process (nothing written, not an error of the process).
 */
int coredump_write_fd(int procfd, pid_t pid, const struct coredump_thread *threads,
    size_t n, int fd, const struct coredump_limits *limits, long long *bytes,
    bool *skipped, char *err, size_t errlen);

#endif
