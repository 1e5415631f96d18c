/*
 * Who may act on a process (DESIGN §6): the kernel's own rule for ptrace
 * (ptrace_may_access), applied for a client by a daemon that is root. A
 * client other than root may act on or read a process only when the
 * process's real, effective, saved and filesystem uids are all the
 * client's and the process is dumpable (it did not gain privileges by a
 * setuid, setgid or file-capability exec), read from /proc at the check:
 * never a uid recorded earlier or inherited from a parent.
 */
#ifndef TETHER_CREDS_H
#define TETHER_CREDS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Whether a client of uid may act on process pid now; when it may not and
 * why is not NULL, why says so ("process 12 runs as uids 1001 0 0 0"). */
bool creds_may_access(pid_t pid, uid_t uid, char *why, size_t whylen);

#endif
