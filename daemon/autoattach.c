#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/param.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>

#include <event2/event.h>
#include <uthash.h>

#include "autoattach.h"
#include "conf.h"
#include "log.h"
#include "policy.h"

enum mode { MODE_OFF, MODE_CONNECTOR, MODE_SCAN };

static enum mode mode = MODE_OFF;
static bool no_policies = true;
static struct event_base *aa_base;

/* ---------------------------------------------------------- connector */

static int nl_fd = -1;
static struct event *nl_ev;

/* Subscribes (or unsubscribes) to the process events. 0 or -1 with errno. */
static int
connector_send(int fd, enum proc_cn_mcast_op op)
{
	struct {
		struct nlmsghdr nl;
		struct cn_msg cn;
		enum proc_cn_mcast_op op;
	} __attribute__((packed)) msg;

	memset(&msg, 0, sizeof msg);
	msg.nl.nlmsg_len = sizeof msg;
	msg.nl.nlmsg_type = NLMSG_DONE;
	msg.nl.nlmsg_pid = 0;
	msg.cn.id.idx = CN_IDX_PROC;
	msg.cn.id.val = CN_VAL_PROC;
	msg.cn.len = sizeof msg.op;
	msg.op = op;
	return send(fd, &msg, sizeof msg, 0) == (ssize_t)sizeof msg ? 0 : -1;
}

static void
on_netlink(evutil_socket_t fd, short what, void *arg)
{
	union {
		struct nlmsghdr nl;
		char buf[16384];
	} u;
	struct sockaddr_nl from;
	socklen_t fromlen;
	struct nlmsghdr *nlh;
	struct cn_msg cn;
	struct proc_event ev;
	const char *data;
	ssize_t n;
	int reads, len;

	(void)what;
	(void)arg;
	/* A bounded number of reads per wake-up: an exec storm must not
	 * starve the rest of the loop (the event is level-triggered). */
	for (reads = 0; reads < 64; reads++) {
		fromlen = sizeof from;
		n = recvfrom(fd, u.buf, sizeof u.buf, 0, (struct sockaddr *)&from,
		    &fromlen);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				log_warn("auto-attach: the kernel dropped process events "
				    "(too many execs at once); some were not seen");
				continue;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_warn("auto-attach: netlink: %s", strerror(errno));
			return;
		}
		if (from.nl_pid != 0)	/* only the kernel speaks here */
			continue;
		len = (int)n;
		for (nlh = &u.nl; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_NOOP)
				continue;
			if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof cn +
			    offsetof(struct proc_event, event_data) +
			    sizeof ev.event_data.exec))
				continue;
			/* The event sits at offset 36 of the message, not
			 * aligned for struct proc_event: copy it out. */
			data = NLMSG_DATA(nlh);
			memcpy(&cn, data, sizeof cn);
			if (cn.id.idx != CN_IDX_PROC || cn.id.val != CN_VAL_PROC)
				continue;
			memset(&ev, 0, sizeof ev);
			memcpy(&ev, data + sizeof cn, MIN(sizeof ev,
			    nlh->nlmsg_len - NLMSG_LENGTH(sizeof cn)));
			if (ev.what == PROC_EVENT_EXEC)
				policy_consider(ev.event_data.exec.process_tgid,
				    ev.timestamp_ns);
		}
	}
}

static void
connector_close(void)
{
	if (nl_ev != NULL)
		event_free(nl_ev);
	nl_ev = NULL;
	if (nl_fd != -1) {
		connector_send(nl_fd, PROC_CN_MCAST_IGNORE);
		close(nl_fd);
	}
	nl_fd = -1;
}

static int
connector_open(char *err, size_t errlen)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC };
	int fd, size = 4 << 20;

	fd = socket(PF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    NETLINK_CONNECTOR);
	if (fd == -1) {
		snprintf(err, errlen, "netlink connector socket: %s", strerror(errno));
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == -1) {
		snprintf(err, errlen, "cannot bind to the process events connector: %s",
		    strerror(errno));
		goto fail;
	}
	/* Room for bursts; FORCE needs CAP_NET_ADMIN, which subscribing needs too. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
	if (connector_send(fd, PROC_CN_MCAST_LISTEN) == -1) {
		snprintf(err, errlen, "cannot subscribe to the process events connector: %s",
		    strerror(errno));
		goto fail;
	}
	nl_ev = event_new(aa_base, fd, EV_READ | EV_PERSIST, on_netlink, NULL);
	if (nl_ev == NULL || event_add(nl_ev, NULL) == -1) {
		snprintf(err, errlen, "cannot watch the netlink socket");
		if (nl_ev != NULL)
			event_free(nl_ev);
		nl_ev = NULL;
		goto fail;
	}
	nl_fd = fd;
	return 0;
fail:
	close(fd);
	return -1;
}

/* --------------------------------------------------------------- scan */

/*
 * What a pass knows of each pid: its executable (a hash of the link), so
 * that the next passes see an exec by a readlink, not a full look.
 */
struct seen {
	pid_t pid;
	uint64_t exe_hash;
	bool has_exe;		/* kernel threads and others' processes: none */
	bool pending;		/* caught in an exec: look again */
	unsigned char retries;	/* looks while an exec was not over */
	unsigned gen;
	UT_hash_handle hh;
};

static struct seen *seen;
static unsigned scan_gen;
static struct event *scan_ev;
static double scan_interval;

static void
seen_clear(void)
{
	struct seen *e, *tmp;

	HASH_ITER(hh, seen, e, tmp) {
		HASH_DEL(seen, e);
		free(e);
	}
}

/* FNV-1a of /proc/PID/exe's target; false when it cannot be read. */
static bool
exe_hash(pid_t pid, uint64_t *hash)
{
	char path[64], buf[4096];
	uint64_t h = 1469598103934665603ULL;
	ssize_t n, i;

	snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
	if ((n = readlink(path, buf, sizeof buf)) <= 0)
		return false;
	for (i = 0; i < n; i++) {
		h ^= (unsigned char)buf[i];
		h *= 1099511628211ULL;
	}
	*hash = h;
	return true;
}

/* Hands a new or exec'd process to the policies. One caught in the middle
 * of its exec is looked at again at the next passes (a few times). */
static void
scan_consider(struct seen *e)
{
	e->pending = policy_consider(e->pid, 0) == -1 && ++e->retries < 10;
}

/* One pass over /proc; learn only (no policy) when baseline. */
static void
scan_pass(bool baseline)
{
	struct seen *e, *tmp;
	struct dirent *de;
	uint64_t h;
	DIR *dir;
	char *end;
	long v;
	pid_t pid;

	if ((dir = opendir("/proc")) == NULL) {
		log_warn("auto-attach: /proc: %s", strerror(errno));
		return;
	}
	scan_gen++;
	while ((de = readdir(dir)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		v = strtol(de->d_name, &end, 10);
		if (*end != '\0' || v <= 0 || v > INT32_MAX)
			continue;
		pid = (pid_t)v;
		HASH_FIND(hh, seen, &pid, sizeof pid, e);
		if (e != NULL) {
			e->gen = scan_gen;
			/* an exec since the last pass changes the link */
			if (e->has_exe && exe_hash(pid, &h) &&
			    (h != e->exe_hash || e->pending)) {
				if (h != e->exe_hash) {
					e->exe_hash = h;
					e->retries = 0;
				}
				if (!baseline)
					scan_consider(e);
			}
			continue;
		}
		if ((e = calloc(1, sizeof *e)) == NULL) {
			log_warn("out of memory");
			abort();
		}
		e->pid = pid;
		e->gen = scan_gen;
		e->has_exe = exe_hash(pid, &e->exe_hash);
		HASH_ADD(hh, seen, pid, sizeof e->pid, e);
		if (!baseline && e->has_exe)
			scan_consider(e);
	}
	closedir(dir);
	/* the pids that are gone: a reuse of one is then new again */
	HASH_ITER(hh, seen, e, tmp) {
		if (e->gen != scan_gen) {
			HASH_DEL(seen, e);
			free(e);
		}
	}
}

static void
on_scan(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	scan_pass(false);
}

static struct timeval
interval_tv(double secs)
{
	struct timeval tv;

	tv.tv_sec = (time_t)secs;
	tv.tv_usec = (suseconds_t)((secs - (double)tv.tv_sec) * 1e6);
	return tv;
}

static void
scan_stop(void)
{
	if (scan_ev != NULL)
		event_free(scan_ev);
	scan_ev = NULL;
	seen_clear();
}

static int
scan_start(double interval, char *err, size_t errlen)
{
	struct timeval tv = interval_tv(interval);

	if (scan_ev == NULL) {
		scan_ev = event_new(aa_base, -1, EV_PERSIST, on_scan, NULL);
		if (scan_ev == NULL) {
			snprintf(err, errlen, "cannot create the scan timer");
			return -1;
		}
		scan_pass(true);
	}
	if (event_add(scan_ev, &tv) == -1) {
		snprintf(err, errlen, "cannot arm the scan timer");
		return -1;
	}
	scan_interval = interval;
	return 0;
}

/* ------------------------------------------------------------- modes */

int
autoattach_configure(struct event_base *base, const struct config *cfg,
    char *err, size_t errlen)
{
	enum mode want;
	char why[256];

	aa_base = base;
	no_policies = cfg->npolicies == 0;
	switch (cfg->daemon.autoattach) {
	case AUTOATTACH_CONNECTOR:
		want = MODE_CONNECTOR;
		break;
	case AUTOATTACH_SCAN:
		want = MODE_SCAN;
		break;
	case AUTOATTACH_OFF:
		want = MODE_OFF;
		break;
	default:
		want = geteuid() == 0 ? MODE_CONNECTOR : MODE_SCAN;
		break;
	}
	if (no_policies)
		want = MODE_OFF;
	if (want == MODE_CONNECTOR && mode != MODE_CONNECTOR &&
	    connector_open(why, sizeof why) == -1) {
		if (cfg->daemon.autoattach == AUTOATTACH_CONNECTOR) {
			snprintf(err, errlen, "%s%sautoattach = connector: %s",
			    cfg->path != NULL ? cfg->path : "",
			    cfg->path != NULL ? ": " : "", why);
			return -1;
		}
		log_warn("auto-attach: %s; scanning /proc instead", why);
		want = MODE_SCAN;
	}
	if (want == MODE_SCAN && scan_start(cfg->daemon.scan_interval, err,
	    errlen) == -1)
		return -1;
	/* the new mode runs: stop the old one */
	if (want != MODE_CONNECTOR)
		connector_close();
	if (want != MODE_SCAN)
		scan_stop();
	if (want != mode)
		log_info("auto-attach: %s", want == MODE_CONNECTOR ? "process events "
		    "connector" : want == MODE_SCAN ? "scanning /proc" : "off");
	mode = want;
	return 0;
}

void
autoattach_stop(void)
{
	connector_close();
	scan_stop();
	mode = MODE_OFF;
}

const char *
autoattach_mode(void)
{
	return mode == MODE_CONNECTOR ? "connector" : mode == MODE_SCAN ? "scan" : "off";
}

double
autoattach_interval(void)
{
	return mode == MODE_SCAN ? scan_interval : 0;
}

void
autoattach_describe(char *buf, size_t len)
{
	switch (mode) {
	case MODE_CONNECTOR:
		snprintf(buf, len, "connector (process events)");
		break;
	case MODE_SCAN:
		snprintf(buf, len, "scan (/proc every %gs)", scan_interval);
		break;
	default:
		snprintf(buf, len, "off%s", no_policies ? " (no policies)" : "");
		break;
	}
}
