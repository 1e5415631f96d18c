/* Connections to a system's tetherd (link.h): the local socket, or ssh. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "link.h"
#include "paths.h"

long long link_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* In the child, between fork and exec: only async-signal-safe calls. */
static void __attribute__((noreturn)) exec_ssh(char **argv, int sock, int err)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, dfl = { .sa_handler = SIG_DFL };
	sigset_t none;
	int fd;

	/*
	 * Ctrl+C at tetherctl's prompt breaks in on the targets: it must not
	 * also end every ssh connection (ssh is in the terminal's process
	 * group, and keeps SIGINT ignored when it finds it so).
	 */
	sigemptyset(&none);
	sigaction(SIGINT, &ign, NULL);
	sigaction(SIGPIPE, &dfl, NULL);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(sock, STDIN_FILENO) < 0 || dup2(sock, STDOUT_FILENO) < 0 ||
	    dup2(err, STDERR_FILENO) < 0)
		_exit(127);
	/* dup2 onto itself keeps close-on-exec: clear it on all three. */
	for (fd = 0; fd <= 2; fd++)
		fcntl(fd, F_SETFD, 0);
	execvp(argv[0], argv);
	dprintf(STDERR_FILENO, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static int spawn_ssh(struct link *l, const struct host *h,
    const struct ssh_params *p, char *why, size_t len)
{
	char **argv;
	int sv[2], ep[2] = { -1, -1 };
	pid_t pid;

	if ((argv = host_ssh_argv(h, p)) == NULL) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(why, len, "socketpair: %s", strerror(errno));
		argv_free(argv);
		return -1;
	}
	if (pipe2(ep, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		snprintf(why, len, "cannot start ssh: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		if (ep[0] >= 0) {
			close(ep[0]);
			close(ep[1]);
		}
		argv_free(argv);
		return -1;
	}
	if (pid == 0)
		exec_ssh(argv, sv[1], ep[1]);
	argv_free(argv);
	close(sv[1]);
	close(ep[1]);
	l->conn.fd = sv[0];
	l->err_fd = ep[0];
	l->ssh = pid;
	l->errlen = 0;
	return 0;
}

int link_open(struct link *l, const struct host *h, const char *local_socket,
    const struct ssh_params *p, char *why, size_t len)
{
	if (!h->local)
		return spawn_ssh(l, h, p, why, len);
	/* Whoever may change its directory may listen in the daemon's place
	 * and read what is sent. */
	if (tether_check_socket_dir(local_socket, false, why, len) == -1)
		return -1;
	if (conn_open(&l->conn, local_socket) < 0) {
		snprintf(why, len, "%s", errno == EACCES ? "permission denied (a root "
		    "daemon's socket is for root and the group tether: see tetherd(8))" :
		    strerror(errno));
		return -1;
	}
	return 0;
}

int link_read_err(struct link *l)
{
	struct pollfd pfd;
	char buf[LINK_ERR_MAX / 2];	/* a read never fills err alone */
	ssize_t n;
	size_t keep;

	/* The pipe is blocking (so is ssh's end of it): poll before reading. */
	while (l->err_fd >= 0) {
		pfd = (struct pollfd){ .fd = l->err_fd, .events = POLLIN };
		if ((n = poll(&pfd, 1, 0)) == 0)
			return 0;
		if (n > 0)
			n = read(l->err_fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(l->err_fd);
			l->err_fd = -1;
			break;
		}
		/* Only the tail is kept: the reason is the last line. */
		keep = sizeof(l->err) - 1 - (size_t)n;
		if (l->errlen > keep) {
			memmove(l->err, l->err + l->errlen - keep, keep);
			l->errlen = keep;
		}
		memcpy(l->err + l->errlen, buf, (size_t)n);
		l->errlen += (size_t)n;
		l->err[l->errlen] = '\0';
	}
	return -1;
}

/* Waits up to ms for ssh's stderr to end (ssh exits after its message). */
static void drain_err(struct link *l, int ms)
{
	long long deadline = link_now_ms() + ms;
	struct pollfd pfd;
	long long left;

	while (link_read_err(l) == 0 && (left = deadline - link_now_ms()) > 0) {
		pfd = (struct pollfd){ .fd = l->err_fd, .events = POLLIN };
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
			break;
	}
}

const char *link_reason(struct link *l, int wait_ms)
{
	char *end, *start;

	drain_err(l, wait_ms);
	/* The last line that is not blank, in place. */
	end = l->err + l->errlen;
	while (end > l->err && strchr(" \t\r\n", end[-1]) != NULL)
		end--;
	*end = '\0';
	for (start = end; start > l->err && start[-1] != '\n'; start--)
		;
	return start;
}

void link_hangup(struct link *l)
{
	conn_close(&l->conn);
}

void link_reap(struct link *l, long long deadline_ms)
{
	struct pollfd pfd;
	long long left;
	pid_t rc;

	link_hangup(l);
	while (l->ssh > 0) {
		rc = waitpid(l->ssh, NULL, WNOHANG);
		if (rc == l->ssh || (rc < 0 && errno != EINTR))
			break;
		if ((left = deadline_ms - link_now_ms()) <= 0) {
			kill(l->ssh, SIGKILL);
			while (waitpid(l->ssh, NULL, 0) < 0 && errno == EINTR)
				;
			break;
		}
		/* ssh's stderr ends when it exits: wait on that, else tick. */
		if (left > 20)
			left = 20;
		if (link_read_err(l) == 0) {
			pfd = (struct pollfd){ .fd = l->err_fd, .events = POLLIN };
			poll(&pfd, 1, (int)left);
		} else
			poll(NULL, 0, (int)left);
	}
	l->ssh = -1;
	if (l->err_fd >= 0)
		close(l->err_fd);
	l->err_fd = -1;
	l->errlen = 0;
	l->err[0] = '\0';
}
