#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "creds.h"
#include "procfs.h"

bool
creds_may_access(pid_t pid, uid_t uid, char *why, size_t whylen)
{
	struct proc_creds c;
	int i;

	if (uid == 0)
		return true;
	if (procfs_creds(pid, &c) == -1) {
		if (why != NULL)
			snprintf(why, whylen, "cannot read the credentials of process %d: %s",
			    (int)pid, strerror(errno));
		return false;
	}
	for (i = 0; i < 4; i++)
		if (c.uid[i] != uid) {
			if (why != NULL)
				snprintf(why, whylen, "process %d runs as uids %u %u %u %u "
				    "(real, effective, saved, filesystem)", (int)pid,
				    (unsigned)c.uid[0], (unsigned)c.uid[1],
				    (unsigned)c.uid[2], (unsigned)c.uid[3]);
			return false;
		}
	/* The kernel hands /proc/PID to root when the process is not
	 * dumpable: its owner is the process's uid only when it is. */
	if (c.dump_owner != uid) {
		if (why != NULL)
			snprintf(why, whylen, "process %d is not dumpable (it gained "
			    "privileges: setuid, setgid or file capabilities)", (int)pid);
		return false;
	}
	return true;
}
