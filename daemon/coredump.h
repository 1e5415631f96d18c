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

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct coredump_thread {
	pid_t tid;
	int cursig;	/* the signal it is held at, or 0; the first thread's is
			 * the core's signal ("terminated with signal ...") */
};

/*
 * Writes the core of process pid to fd (a regular file, written from
 * offset 0) with threads[0..n), each in a ptrace-stop of the caller; the
 * first is the one gdb shows first (put the thread held at a crash there).
 * 0, or -1 with a message in err.
 */
int coredump_write_fd(pid_t pid, const struct coredump_thread *threads,
    size_t n, int fd, char *err, size_t errlen);

/*
 * The same to the file path: created with mode 0600, or with overwrite
 * truncated when it exists (without, an existing path is an error whose
 * errno is EEXIST). A file left half-written by an error is removed.
 */
int coredump_write(pid_t pid, const struct coredump_thread *threads,
    size_t n, const char *path, bool overwrite, char *err, size_t errlen);

#endif
