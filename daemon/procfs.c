#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procfs.h"

/* Reads a whole small /proc file; returns its length or -1. */
static ssize_t
procfs_read(const char *path, char *buf, size_t len)
{
	int fd;
	ssize_t n, total = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while ((size_t)total < len - 1) {
		n = read(fd, buf + total, len - 1 - total);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			int saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
		if (n == 0)
			break;
		total += n;
	}
	close(fd);
	buf[total] = '\0';
	return total;
}

int
procfs_start_time(pid_t pid, unsigned long long *start)
{
	char path[64], buf[1024], *p;
	int field;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (procfs_read(path, buf, sizeof buf) == -1)
		return -1;
	/* The name (field 2) may hold spaces and parentheses: count from the last ')'. */
	if ((p = strrchr(buf, ')')) == NULL)
		return -1;
	for (field = 2; field < 22 && p != NULL; field++)
		p = strchr(p + 1, ' ');
	if (p == NULL)
		return -1;
	*start = strtoull(p + 1, NULL, 10);
	return 0;
}

unsigned long long
procfs_boot_ticks(void)
{
	static long hz;
	struct timespec ts;

	if (hz <= 0 && (hz = sysconf(_SC_CLK_TCK)) <= 0)
		hz = 100;
	/* The kernel counts a start from CLOCK_BOOTTIME, rounded down. */
	if (clock_gettime(CLOCK_BOOTTIME, &ts) == -1)
		return 0;
	return (unsigned long long)ts.tv_sec * (unsigned long long)hz +
	    (unsigned long long)ts.tv_nsec / (1000000000ULL / (unsigned long long)hz);
}

int
procfs_status(pid_t pid, struct proc_status *st)
{
	char path[64], buf[4096], *line;
	int found = 0;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if (procfs_read(path, buf, sizeof buf) == -1)
		return -1;
	for (line = strtok(buf, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		if (sscanf(line, "Tgid: %d", &st->tgid) == 1)
			found |= 1;
		else if (sscanf(line, "Uid: %u", &st->uid) == 1)
			found |= 2;
		else if (sscanf(line, "TracerPid: %d", &st->tracer) == 1)
			found |= 4;
		else if (sscanf(line, "SigCgt: %llx", &st->sigcaught) == 1)
			found |= 8;
	}
	if (found != 15) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
procfs_creds(pid_t pid, struct proc_creds *c)
{
	char path[64], buf[4096], *line;
	struct stat sb;
	int found = 0;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if (procfs_read(path, buf, sizeof buf) == -1)
		return -1;
	for (line = strtok(buf, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		if (sscanf(line, "Uid: %u %u %u %u", &c->uid[0], &c->uid[1],
		    &c->uid[2], &c->uid[3]) == 4)
			found |= 1;
		else if (sscanf(line, "Gid: %u %u %u %u", &c->gid[0], &c->gid[1],
		    &c->gid[2], &c->gid[3]) == 4)
			found |= 2;
	}
	if (found != 3) {
		errno = EINVAL;
		return -1;
	}
	snprintf(path, sizeof path, "/proc/%d", (int)pid);
	if (stat(path, &sb) == -1)
		return -1;
	c->dump_owner = sb.st_uid;
	return 0;
}

char *
procfs_exe(pid_t pid)
{
	char path[64], buf[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
	if ((n = readlink(path, buf, sizeof buf - 1)) == -1)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

char *
procfs_cmdline(pid_t pid)
{
	char path[64], buf[4096];
	ssize_t n, i;

	snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
	if ((n = procfs_read(path, buf, sizeof buf)) == -1)
		return NULL;
	while (n > 0 && buf[n - 1] == '\0')
		n--;
	for (i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
	return strdup(buf);
}

int
procfs_tasks(pid_t pid, pid_t **tids)
{
	char path[64];
	DIR *dir;
	struct dirent *de;
	pid_t *list = NULL, *grown;
	int count = 0, cap = 0;

	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	if ((dir = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		if (count == cap) {
			cap = cap ? cap * 2 : 16;
			if ((grown = reallocarray(list, cap, sizeof *list)) == NULL) {
				free(list);
				closedir(dir);
				errno = ENOMEM;
				return -1;
			}
			list = grown;
		}
		list[count++] = (pid_t)atoi(de->d_name);
	}
	closedir(dir);
	*tids = list;
	return count;
}

int
procfs_yama_scope(void)
{
	char buf[16];

	if (procfs_read("/proc/sys/kernel/yama/ptrace_scope", buf, sizeof buf) == -1)
		return -1;
	return atoi(buf);
}
