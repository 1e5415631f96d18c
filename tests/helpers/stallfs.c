/*
 * stallfs MOUNTPOINT HELD [FILE]: a FUSE file system (the kernel protocol on
 * /dev/fuse, no library) that does not answer, as a network file system
 * that hangs. MOUNTPOINT.ready is made once it is mounted, HELD once a
 * request is being held (it holds a word for it).
 *
 * Without FILE: its root is an empty directory whose lookups are never
 * answered (HELD says the name).
 * With FILE: its root holds "prog", a copy of FILE, setuid root (mode
 * 04755), that anyone may run; the first read of it is held ("read") until
 * stallfs gets SIGUSR1, then answered, as every request after it. An exec
 * of prog waits in the middle: its credentials are not changed yet, and it
 * holds the lock that PTRACE_ATTACH takes.
 *
 * When stallfs ends, the kernel fails the held requests; the mount stays
 * until `umount -l MOUNTPOINT`. Must run as root.
 */
#include <linux/fuse.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "helper.h"

#define PROG_NODE 2

static int fuse_fd;
static char *prog;		/* FILE's bytes */
static size_t prog_len;
static volatile sig_atomic_t released;

static void
reply(uint64_t unique, int error, const void *arg, size_t len)
{
	struct fuse_out_header out = {
		.len = (uint32_t)(sizeof out + len), .error = -error, .unique = unique,
	};
	struct iovec iov[2] = { { &out, sizeof out }, { (void *)arg, len } };

	if (writev(fuse_fd, iov, len > 0 ? 2 : 1) == -1 && errno != ENOENT)
		die("write /dev/fuse");
}

static void
mark(const char *path, const char *text)
{
	char tmp[4096];
	int fd;

	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1 ||
	    write(fd, text, strlen(text)) == -1 || close(fd) == -1 ||
	    rename(tmp, path) == -1)
		die(path);
}

static void
attr_of(uint64_t node, struct fuse_attr *a)
{
	memset(a, 0, sizeof *a);
	a->ino = node;
	a->blksize = 4096;
	if (node == FUSE_ROOT_ID) {
		a->mode = S_IFDIR | 0755;
		a->nlink = 2;
	} else {
		a->mode = S_IFREG | 04755;
		a->nlink = 1;
		a->size = prog_len;
		a->blocks = (prog_len + 511) / 512;
	}
}

/* The file's requests, answered. */
static void
serve(const struct fuse_in_header *in)
{
	const struct fuse_read_in *rd;
	struct fuse_entry_out entry;
	struct fuse_attr_out attr;
	struct fuse_open_out open_out;
	size_t off, n;

	switch (in->opcode) {
	case FUSE_LOOKUP:
		if (in->nodeid != FUSE_ROOT_ID || strcmp((const char *)(in + 1), "prog") != 0) {
			reply(in->unique, ENOENT, NULL, 0);
			break;
		}
		memset(&entry, 0, sizeof entry);
		entry.nodeid = PROG_NODE;
		entry.generation = 1;
		entry.entry_valid = entry.attr_valid = 3600;
		attr_of(PROG_NODE, &entry.attr);
		reply(in->unique, 0, &entry, sizeof entry);
		break;
	case FUSE_GETATTR:
		memset(&attr, 0, sizeof attr);
		attr.attr_valid = 3600;
		attr_of(in->nodeid, &attr.attr);
		reply(in->unique, 0, &attr, sizeof attr);
		break;
	case FUSE_OPEN:
		memset(&open_out, 0, sizeof open_out);
		open_out.fh = 1;
		reply(in->unique, 0, &open_out, sizeof open_out);
		break;
	case FUSE_READ:
		rd = (const struct fuse_read_in *)(in + 1);
		off = rd->offset < prog_len ? rd->offset : prog_len;
		n = prog_len - off < rd->size ? prog_len - off : rd->size;
		reply(in->unique, 0, prog + off, n);
		break;
	case FUSE_FLUSH:
	case FUSE_RELEASE:
		reply(in->unique, 0, NULL, 0);
		break;
	default:
		reply(in->unique, ENOSYS, NULL, 0);
		break;
	}
}

static void
on_usr1(int sig)
{
	(void)sig;
	released = 1;
}

static void
load(const char *path)
{
	struct stat sb;
	int fd;

	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &sb) == -1)
		die(path);
	prog_len = (size_t)sb.st_size;
	if ((prog = malloc(prog_len)) == NULL)
		die("malloc");
	if (read(fd, prog, prog_len) != (ssize_t)prog_len)
		die(path);
	close(fd);
}

int
main(int argc, char **argv)
{
	static char req[FUSE_MIN_READ_BUFFER + 131072];
	static char held_req[sizeof req];
	const struct fuse_in_header *in = (const struct fuse_in_header *)req;
	const struct fuse_init_in *init;
	struct fuse_init_out init_out;
	struct fuse_attr_out attr;
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct pollfd pfd;
	sigset_t usr1, none;
	char opts[160], ready[4096], held[512];
	bool holding = false, held_once = false;
	ssize_t n;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: stallfs MOUNTPOINT HELD [FILE]\n");
		return 2;
	}
	if (argc == 4)
		load(argv[3]);
	sigemptyset(&none);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &usr1, NULL) == -1 || sigaction(SIGUSR1, &sa, NULL) == -1)
		die("SIGUSR1");
	if ((fuse_fd = open("/dev/fuse", O_RDWR | O_CLOEXEC)) == -1)
		die("/dev/fuse");
	snprintf(opts, sizeof opts,
	    "fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other", fuse_fd);
	if (mount("stallfs", argv[1], "fuse.stallfs",
	    prog != NULL ? MS_NODEV : MS_NOSUID | MS_NODEV, opts) == -1)
		die("mount");
	snprintf(ready, sizeof ready, "%s.ready", argv[1]);
	pfd = (struct pollfd){ .fd = fuse_fd, .events = POLLIN };
	for (;;) {
		/* SIGUSR1 comes only while waiting here: no wake-up is lost. */
		if (ppoll(&pfd, 1, NULL, &none) == -1 && errno != EINTR)
			die("ppoll");
		if (released && holding) {
			serve((const struct fuse_in_header *)held_req);
			holding = false;
		}
		if ((pfd.revents & POLLIN) == 0)
			continue;
		if ((n = read(fuse_fd, req, sizeof req)) == -1) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			if (errno == ENODEV)	/* unmounted */
				return 0;
			die("read /dev/fuse");
		}
		if ((size_t)n < sizeof *in)
			continue;
		switch (in->opcode) {
		case FUSE_INIT:
			init = (const struct fuse_init_in *)(in + 1);
			memset(&init_out, 0, sizeof init_out);
			init_out.major = FUSE_KERNEL_VERSION;
			init_out.minor = init->minor < FUSE_KERNEL_MINOR_VERSION ?
			    init->minor : FUSE_KERNEL_MINOR_VERSION;
			init_out.max_readahead = init->max_readahead;
			init_out.max_write = 4096;
			reply(in->unique, 0, &init_out, sizeof init_out);
			mark(ready, "ready\n");
			break;
		case FUSE_FORGET:
		case FUSE_BATCH_FORGET:
		case FUSE_INTERRUPT:
			break;
		default:
			if (prog != NULL && in->opcode == FUSE_READ && !held_once) {
				/* Held until SIGUSR1. */
				memcpy(held_req, req, (size_t)n);
				holding = held_once = true;
				mark(argv[2], "read\n");
			} else if (prog != NULL) {
				serve(in);
			} else if (in->opcode == FUSE_LOOKUP) {
				/* Never answered. */
				snprintf(held, sizeof held, "%.*s\n", 256,
				    (const char *)(in + 1));
				mark(argv[2], held);
			} else if (in->opcode == FUSE_GETATTR && in->nodeid == FUSE_ROOT_ID) {
				memset(&attr, 0, sizeof attr);
				attr_of(FUSE_ROOT_ID, &attr.attr);
				reply(in->unique, 0, &attr, sizeof attr);
			} else {
				reply(in->unique, ENOSYS, NULL, 0);
			}
			break;
		}
		if (released && holding) {
			serve((const struct fuse_in_header *)held_req);
			holding = false;
		}
	}
}
