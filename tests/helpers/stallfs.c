/*
 * stallfs MOUNTPOINT HELD: a FUSE file system (the kernel protocol on
 * /dev/fuse, no library) that never answers a lookup: whoever looks a name
 * up in it waits, as on a network file system that does not answer. Its
 * root is an empty directory. MOUNTPOINT.ready is made once it is mounted,
 * HELD once a lookup is being held (it holds "NAME\n"). When stallfs ends,
 * the kernel fails the held lookups (ENOTCONN); the mount stays until
 * `umount -l MOUNTPOINT`. Must run as root.
 */
#include <linux/fuse.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "helper.h"

static int fuse_fd;

static void
reply(uint64_t unique, int error, const void *arg, size_t len)
{
	char buf[sizeof(struct fuse_out_header) + 256];
	struct fuse_out_header *out = (struct fuse_out_header *)buf;

	out->len = (uint32_t)(sizeof *out + len);
	out->error = -error;
	out->unique = unique;
	memcpy(buf + sizeof *out, arg, len);
	if (write(fuse_fd, buf, out->len) == -1 && errno != ENOENT)
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

int
main(int argc, char **argv)
{
	static char req[FUSE_MIN_READ_BUFFER + 65536];
	const struct fuse_in_header *in = (const struct fuse_in_header *)req;
	const struct fuse_init_in *init;
	struct fuse_init_out init_out;
	struct fuse_attr_out attr;
	char opts[128], ready[4096], held[512];
	ssize_t n;

	if (argc != 3) {
		fprintf(stderr, "usage: stallfs MOUNTPOINT HELD\n");
		return 2;
	}
	if ((fuse_fd = open("/dev/fuse", O_RDWR | O_CLOEXEC)) == -1)
		die("/dev/fuse");
	snprintf(opts, sizeof opts, "fd=%d,rootmode=40000,user_id=0,group_id=0",
	    fuse_fd);
	if (mount("stallfs", argv[1], "fuse.stallfs", MS_NOSUID | MS_NODEV, opts) == -1)
		die("mount");
	snprintf(ready, sizeof ready, "%s.ready", argv[1]);
	for (;;) {
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
		case FUSE_GETATTR:
			memset(&attr, 0, sizeof attr);
			attr.attr.ino = FUSE_ROOT_ID;
			attr.attr.mode = S_IFDIR | 0755;
			attr.attr.nlink = 2;
			if (in->nodeid == FUSE_ROOT_ID)
				reply(in->unique, 0, &attr, sizeof attr);
			else
				reply(in->unique, ENOENT, NULL, 0);
			break;
		case FUSE_LOOKUP:
			/* Never answered. */
			snprintf(held, sizeof held, "%.*s\n", 256, (const char *)(in + 1));
			mark(argv[2], held);
			break;
		case FUSE_FORGET:
		case FUSE_BATCH_FORGET:
		case FUSE_INTERRUPT:
			break;
		default:
			reply(in->unique, ENOSYS, NULL, 0);
			break;
		}
	}
}
