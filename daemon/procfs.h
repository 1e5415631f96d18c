/* What tetherd reads from /proc. None of it is on the per-fork path. */
#ifndef TETHER_PROCFS_H
#define TETHER_PROCFS_H

#include <stddef.h>
#include <sys/types.h>

struct proc_status {
	pid_t tgid;
	uid_t uid;		/* real uid */
	pid_t tracer;		/* TracerPid: 0 when not traced */
	unsigned long long sigcaught;	/* SigCgt: bit N-1 set when signal N has a handler */
};

/* Credentials of a process as they are now (/proc/PID/status), and the
 * owner of /proc/PID: the process's euid when it is dumpable, root when
 * not (it gained privileges by exec). */
struct proc_creds {
	uid_t uid[4];		/* real, effective, saved, filesystem */
	gid_t gid[4];
	uid_t dump_owner;
};
/* 0, or -1 with errno (ENOENT: no such process). */
int procfs_creds(pid_t pid, struct proc_creds *c);

/* Start time, clock ticks since boot (field 22 of /proc/PID/stat). 0 or -1. */
int procfs_start_time(pid_t pid, unsigned long long *start);
/* Now, as the start time of a process forked now would read: a fork's
 * child is given this until its own is read (model_settle_start_times). */
unsigned long long procfs_boot_ticks(void);
/* 0, or -1 with errno (ENOENT: no such process). */
int procfs_status(pid_t pid, struct proc_status *st);
/* The executable's path, malloc'd; NULL when it cannot be read. */
char *procfs_exe(pid_t pid);
/* The arguments joined by spaces, malloc'd; "" for a kernel thread; NULL on error. */
char *procfs_cmdline(pid_t pid);
/* The tids of /proc/PID/task, malloc'd in *tids. Count, or -1 with errno. */
int procfs_tasks(pid_t pid, pid_t **tids);
/* kernel.yama.ptrace_scope, or -1 when Yama is not there. */
int procfs_yama_scope(void);

#endif
