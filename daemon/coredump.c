/*
 * The ELF core writer: notes from ptrace and /proc, memory from
 * /proc/PID/mem, laid out as the kernel lays out its own cores.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/procfs.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core-sink.h"
#include "coredump.h"

#if defined(__x86_64__)
#define CORE_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define CORE_MACHINE EM_AARCH64
#elif defined(__i386__)
#define CORE_MACHINE EM_386
#elif defined(__riscv)
#define CORE_MACHINE EM_RISCV
#elif defined(__powerpc64__)
#define CORE_MACHINE EM_PPC64
#elif defined(__s390x__)
#define CORE_MACHINE EM_S390
#else
#error "coredump.c: no ELF machine for this architecture"
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define CORE_DATA ELFDATA2LSB
#else
#define CORE_DATA ELFDATA2MSB
#endif

#ifndef NT_SIGINFO
#define NT_SIGINFO 0x53494749
#endif
#ifndef NT_FILE
#define NT_FILE 0x46494c45
#endif

#define CHUNK (1024 * 1024)

/* A growable buffer: the notes are built in memory, then written. */
struct buf {
	char *data;
	size_t len, cap;
	bool failed;
};

static void
buf_add(struct buf *b, const void *p, size_t len)
{
	if (b->failed)
		return;
	if (b->len + len > b->cap) {
		size_t cap = b->cap != 0 ? b->cap : 4096;
		char *data;

		while (cap < b->len + len)
			cap *= 2;
		if ((data = realloc(b->data, cap)) == NULL) {
			b->failed = true;
			return;
		}
		b->data = data;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, len);
	b->len += len;
}

static void
buf_pad4(struct buf *b)
{
	static const char zeros[4];

	buf_add(b, zeros, (4 - b->len % 4) % 4);
}

static void
note_add(struct buf *b, const char *name, uint32_t type, const void *desc,
    size_t len)
{
	ElfW(Nhdr) nh = {
		.n_namesz = (uint32_t)strlen(name) + 1,
		.n_descsz = (uint32_t)len,
		.n_type = type,
	};

	buf_add(b, &nh, sizeof nh);
	buf_add(b, name, nh.n_namesz);
	buf_pad4(b);
	buf_add(b, desc, len);
	buf_pad4(b);
}

/* One line of /proc/PID/maps. */
struct mapping {
	unsigned long start, end, offset;
	char perms[5];
	char *path;		/* NULL for an anonymous mapping */
	bool written;		/* private pages of its own (smaps Anonymous) */
	bool dontdump;		/* madvise(MADV_DONTDUMP), or I/O memory */
	size_t dump;		/* bytes of memory to write */
	off_t file_offset;	/* where they go in the core */
};

struct maps {
	struct mapping *v;
	size_t n;
};

static void
maps_free(struct maps *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
}

static int
maps_read(int procfd, struct maps *m)
{
	char *line = NULL;
	size_t cap = 0, alloc = 0;
	FILE *f;
	int rc = 0, fd;

	m->v = NULL;
	m->n = 0;
	if ((fd = openat(procfd, "smaps", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if ((f = fdopen(fd, "re")) == NULL) {
		close(fd);
		return -1;
	}
	while (getline(&line, &cap, f) > 0) {
		struct mapping mp = { 0 };
		unsigned long kb;
		int pos = 0;
		char *p;

		if (sscanf(line, "%lx-%lx %4s %lx %*s %*s%n", &mp.start, &mp.end,
		    mp.perms, &mp.offset, &pos) < 4 || pos == 0) {
			/* A field of the mapping above. */
			if (m->n == 0)
				continue;
			if (sscanf(line, "Anonymous: %lu", &kb) == 1 && kb > 0)
				m->v[m->n - 1].written = true;
			if (strncmp(line, "VmFlags:", 8) == 0 &&
			    (strstr(line, " dd") != NULL || strstr(line, " io") != NULL))
				m->v[m->n - 1].dontdump = true;
			continue;
		}
		p = line + pos;
		p += strspn(p, " \t");
		p[strcspn(p, "\n")] = '\0';
		if (*p != '\0' && (mp.path = strdup(p)) == NULL) {
			rc = -1;
			break;
		}
		if (m->n == alloc) {
			struct mapping *v;

			alloc = alloc != 0 ? alloc * 2 : 64;
			if ((v = realloc(m->v, alloc * sizeof *v)) == NULL) {
				free(mp.path);
				rc = -1;
				break;
			}
			m->v = v;
		}
		m->v[m->n++] = mp;
	}
	free(line);
	fclose(f);
	if (rc == -1)
		maps_free(m);
	return rc;
}

static bool
is_file_mapping(const struct mapping *mp)
{
	return mp->path != NULL && mp->path[0] == '/';
}

/* How much of a mapping's memory the core holds (see coredump.h). */
static size_t
dump_size(const struct mapping *mp, int memfd, long page)
{
	size_t size = mp->end - mp->start;
	unsigned char magic[SELFMAG];

	if (mp->perms[0] != 'r' || mp->dontdump)
		return 0;
	if (mp->path != NULL && (strcmp(mp->path, "[vvar]") == 0 ||
	    strncmp(mp->path, "[vvar_", 6) == 0 || strcmp(mp->path, "[vsyscall]") == 0))
		return 0;
	/* Written private pages of a file (relocated data, RELRO): the file
	 * does not have them. */
	if (!is_file_mapping(mp) || mp->perms[1] == 'w' ||
	    (mp->perms[3] == 'p' && mp->written))
		return size;
	/* Anonymous shared memory shows as a deleted file in /dev/zero,
	 * /SYSV..., or memfd: there is no file to read it back from. */
	if (mp->perms[3] == 's' && (strncmp(mp->path, "/dev/zero", 9) == 0 ||
	    strncmp(mp->path, "/SYSV", 5) == 0 || strncmp(mp->path, "/memfd:", 7) == 0))
		return size;
	if (mp->offset == 0 && pread(memfd, magic, sizeof magic, (off_t)mp->start) ==
	    (ssize_t)sizeof magic && memcmp(magic, ELFMAG, SELFMAG) == 0)
		return (size_t)page < size ? (size_t)page : size;
	return 0;
}

/* /proc/PID/NAME whole; NULL (errno) when it cannot be read. */
static char *
proc_file(int procfd, const char *name, size_t *lenp)
{
	char *data = NULL, *p;
	size_t len = 0, cap = 0;
	ssize_t r;
	int fd;

	if ((fd = openat(procfd, name, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap != 0 ? cap * 2 : 8192;
			if ((p = realloc(data, cap)) == NULL) {
				free(data);
				close(fd);
				errno = ENOMEM;
				return NULL;
			}
			data = p;
		}
		r = read(fd, data + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (r < 0) {
		free(data);
		return NULL;
	}
	data[len] = '\0';
	*lenp = len;
	return data;
}

/* Fields of /proc/PID/stat after the command name (state is field 3). */
struct stat_fields {
	char state;
	int ppid, pgrp, sid;
	unsigned long flags;
	long nice;
};

static void
read_stat(int procfd, const char *name, struct stat_fields *sf, char *comm,
    size_t commlen)
{
	size_t len;
	char *text = proc_file(procfd, name, &len), *open_paren, *close_paren;
	int tty, tpgid;
	unsigned long minflt, cminflt, majflt, cmajflt, utime, stime;
	long cutime, cstime, priority;

	memset(sf, 0, sizeof *sf);
	comm[0] = '\0';
	if (text == NULL)
		return;
	open_paren = strchr(text, '(');
	close_paren = strrchr(text, ')');
	if (open_paren != NULL && close_paren != NULL && close_paren > open_paren) {
		snprintf(comm, commlen, "%.*s", (int)(close_paren - open_paren - 1),
		    open_paren + 1);
		sscanf(close_paren + 2, "%c %d %d %d %d %d %lu %lu %lu %lu %lu %lu %lu "
		    "%ld %ld %ld %ld", &sf->state, &sf->ppid, &sf->pgrp, &sf->sid,
		    &tty, &tpgid, &sf->flags, &minflt, &cminflt, &majflt, &cmajflt,
		    &utime, &stime, &cutime, &cstime, &priority, &sf->nice);
	}
	free(text);
}

/* Uid: and Gid: of /proc/PID/status (the real ones). */
static void
read_ids(int procfd, unsigned *uid, unsigned *gid)
{
	size_t len;
	char *text = proc_file(procfd, "status", &len), *p;

	*uid = *gid = 0;
	if (text == NULL)
		return;
	if ((p = strstr(text, "\nUid:")) != NULL)
		sscanf(p + 5, "%u", uid);
	if ((p = strstr(text, "\nGid:")) != NULL)
		sscanf(p + 5, "%u", gid);
	free(text);
}

static void
add_prpsinfo(struct buf *b, int procfd, pid_t pid)
{
	struct elf_prpsinfo ps;
	struct stat_fields sf;
	char comm[sizeof ps.pr_fname], *args;
	unsigned uid, gid;
	size_t len, i;
	static const char states[] = "RSDTZW";
	const char *s;

	memset(&ps, 0, sizeof ps);
	read_stat(procfd, "stat", &sf, comm, sizeof comm);
	read_ids(procfd, &uid, &gid);
	ps.pr_sname = sf.state != '\0' ? sf.state : '.';
	s = strchr(states, sf.state);
	ps.pr_state = s != NULL && sf.state != '\0' ? (char)(s - states) : 0;
	ps.pr_zomb = sf.state == 'Z';
	ps.pr_nice = (char)sf.nice;
	ps.pr_flag = sf.flags;
	ps.pr_uid = uid;
	ps.pr_gid = gid;
	ps.pr_pid = pid;
	ps.pr_ppid = sf.ppid;
	ps.pr_pgrp = sf.pgrp;
	ps.pr_sid = sf.sid;
	memcpy(ps.pr_fname, comm, sizeof ps.pr_fname);
	if ((args = proc_file(procfd, "cmdline", &len)) != NULL) {
		if (len > sizeof ps.pr_psargs - 1)
			len = sizeof ps.pr_psargs - 1;
		for (i = 0; i < len; i++)
			ps.pr_psargs[i] = args[i] != '\0' ? args[i] : ' ';
		while (len > 0 && ps.pr_psargs[len - 1] == ' ')
			ps.pr_psargs[--len] = '\0';
		free(args);
	}
	note_add(b, "CORE", NT_PRPSINFO, &ps, sizeof ps);
}

/* NT_FILE: count, page size, then (start, end, offset in pages) per file
 * mapping, then their names. */
static void
add_file_note(struct buf *b, const struct maps *m, long page)
{
	struct buf desc = { 0 };
	unsigned long count = 0, v;
	size_t i;

	for (i = 0; i < m->n; i++)
		if (is_file_mapping(&m->v[i]))
			count++;
	buf_add(&desc, &count, sizeof count);
	v = (unsigned long)page;
	buf_add(&desc, &v, sizeof v);
	for (i = 0; i < m->n; i++) {
		const struct mapping *mp = &m->v[i];
		unsigned long triple[3] = { mp->start, mp->end, mp->offset / (unsigned long)page };

		if (is_file_mapping(mp))
			buf_add(&desc, triple, sizeof triple);
	}
	for (i = 0; i < m->n; i++)
		if (is_file_mapping(&m->v[i]))
			buf_add(&desc, m->v[i].path, strlen(m->v[i].path) + 1);
	if (desc.failed)
		b->failed = true;
	else
		note_add(b, "CORE", NT_FILE, desc.data, desc.len);
	free(desc.data);
}

static int
regset(pid_t tid, int type, void *p, size_t *len)
{
	struct iovec iov = { p, *len };

	if (ptrace(PTRACE_GETREGSET, tid, (void *)(long)type, &iov) == -1)
		return -1;
	*len = iov.iov_len;
	return 0;
}

int
coredump_capture(struct coredump_thread *th, char *err, size_t errlen)
{
	size_t len = sizeof th->regs;

	if (regset(th->tid, NT_PRSTATUS, &th->regs, &len) == -1) {
		snprintf(err, errlen, "registers of thread %d: %s", (int)th->tid,
		    errno == ESRCH ? "not stopped, or gone" : strerror(errno));
		return -1;
	}
	if (len != sizeof th->regs) {
		snprintf(err, errlen, "thread %d: registers of another architecture "
		    "(a 32-bit process?)", (int)th->tid);
		return -1;
	}
	len = sizeof th->fpregs;
	th->fpvalid = regset(th->tid, NT_PRFPREG, &th->fpregs, &len) == 0 &&
	    len == sizeof th->fpregs;
	th->has_siginfo = th->cursig != 0 &&
	    ptrace(PTRACE_GETSIGINFO, th->tid, NULL, &th->si) == 0 &&
	    th->si.si_signo == th->cursig;
	return 0;
}

static void
read_thread_masks(int procfd, pid_t tid, unsigned long *pend, unsigned long *hold)
{
	char name[64], *text, *p;
	size_t len;

	*pend = *hold = 0;
	snprintf(name, sizeof name, "task/%d/status", (int)tid);
	if ((text = proc_file(procfd, name, &len)) == NULL)
		return;
	if ((p = strstr(text, "\nSigPnd:")) != NULL)
		sscanf(p + 8, "%lx", pend);
	if ((p = strstr(text, "\nSigBlk:")) != NULL)
		sscanf(p + 8, "%lx", hold);
	free(text);
}

/*
 * The notes of one thread; first: also the process-wide ones. sig is the
 * core's signal, in every thread's NT_PRSTATUS as the kernel writes it
 * (BFD takes the signal of the last one).
 */
static void
add_thread_notes(struct buf *b, int procfd, pid_t pid,
    const struct coredump_thread *th, int sig, bool first, const struct maps *m,
    long page)
{
	struct elf_prstatus st;
	struct stat_fields sf;
	char comm[64], name[64], *auxv;
	size_t len;

	memset(&st, 0, sizeof st);
	memcpy(&st.pr_reg, &th->regs, sizeof st.pr_reg);
	snprintf(name, sizeof name, "task/%d/stat", (int)th->tid);
	read_stat(procfd, name, &sf, comm, sizeof comm);
	read_thread_masks(procfd, th->tid, &st.pr_sigpend, &st.pr_sighold);
	st.pr_info.si_signo = sig;
	st.pr_cursig = (short)sig;
	st.pr_pid = th->tid;
	st.pr_ppid = sf.ppid;
	st.pr_pgrp = sf.pgrp;
	st.pr_sid = sf.sid;
	st.pr_fpvalid = th->fpvalid;
	note_add(b, "CORE", NT_PRSTATUS, &st, sizeof st);
	if (first) {
		add_prpsinfo(b, procfd, pid);
		if (th->has_siginfo)
			note_add(b, "CORE", NT_SIGINFO, &th->si, sizeof th->si);
		if ((auxv = proc_file(procfd, "auxv", &len)) != NULL) {
			note_add(b, "CORE", NT_AUXV, auxv, len);
			free(auxv);
		}
		add_file_note(b, m, page);
	}
	if (th->fpvalid)
		note_add(b, "CORE", NT_FPREGSET, &th->fpregs, sizeof th->fpregs);
}

static bool
all_zero(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != 0)
			return false;
	return true;
}

static bool
cancelled(const struct coredump_limits *l)
{
	return l->cancel != NULL && atomic_load(l->cancel);
}

/* Whether the process has ended: a dead process reads as nothing at all,
 * which must not make a core of zeros. */
static bool
process_ended(int procfd)
{
	struct stat_fields sf;
	char comm[64];

	read_stat(procfd, "stat", &sf, comm, sizeof comm);
	return sf.state == '\0' || sf.state == 'Z' || sf.state == 'X';
}

/* Copies len bytes at addr of the process to the sink; what cannot be read
 * is left as zeros, page by page. */
static int
copy_memory(int procfd, int memfd, struct core_sink *sink, unsigned long addr,
    size_t len, char *chunk, long page, const struct coredump_limits *l,
    char *err, size_t errlen)
{
	while (len > 0) {
		size_t want = len < CHUNK ? len : CHUNK;
		ssize_t r;

		if (cancelled(l)) {
			snprintf(err, errlen, "the process ended during its triage");
			return -1;
		}
		r = pread(memfd, chunk, want, (off_t)addr);
		if (r <= 0 && process_ended(procfd)) {
			snprintf(err, errlen, "the process ended during its triage");
			return -1;
		}
		if (r <= 0) {
			/* Read what can be read of it page by page. */
			size_t done;

			want = len < (size_t)page ? len : (size_t)page;
			for (done = 0; done < want; done += (size_t)r) {
				r = pread(memfd, chunk + done, want - done,
				    (off_t)(addr + done));
				if (r <= 0)
					break;
			}
			if (done < want)
				memset(chunk + done, 0, want - done);
			r = (ssize_t)want;
		}
		if ((all_zero(chunk, (size_t)r) ?
		    core_sink_zeros(sink, (size_t)r, err, errlen) :
		    core_sink_write(sink, chunk, (size_t)r, err, errlen)) == -1)
			return -1;
		addr += (unsigned long)r;
		len -= (size_t)r;
	}
	return 0;
}

static void __attribute__((format(printf, 3, 4)))
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int
coredump_write_fd(int procfd, pid_t pid, const struct coredump_thread *threads,
    size_t n, int fd, const struct coredump_limits *limits, long long *bytes,
    bool *skipped, char *err, size_t errlen)
{
	long page = sysconf(_SC_PAGESIZE);
	struct buf notes = { 0 };
	struct maps m = { 0 };
	struct core_sink *sink = NULL;
	ElfW(Ehdr) eh;
	ElfW(Phdr) *ph = NULL;
	char *chunk = NULL;
	size_t i, phnum;
	off_t off, end;
	long long memory = 0;
	int memfd = -1, rc = -1;

	*bytes = 0;
	*skipped = false;
	if (n == 0) {
		set_err(err, errlen, "no thread to dump");
		return -1;
	}
	if ((memfd = openat(procfd, "mem", O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ESRCH)
			set_err(err, errlen, "the process ended during its triage");
		else
			set_err(err, errlen, "/proc/%d/mem: %s", (int)pid, strerror(errno));
		return -1;
	}
	if (maps_read(procfd, &m) == -1) {
		if (errno == ESRCH)
			set_err(err, errlen, "the process ended during its triage");
		else
			set_err(err, errlen, "/proc/%d/smaps: %s", (int)pid, strerror(errno));
		goto out;
	}
	for (i = 0; i < m.n; i++) {
		m.v[i].dump = dump_size(&m.v[i], memfd, page);
		memory += (long long)m.v[i].dump;
	}
	if (limits->max_process > 0 && memory > limits->max_process) {
		set_err(err, errlen, "no core: the process has %lld MiB to dump, more "
		    "than triage_max_process (%lld MiB)", memory >> 20,
		    limits->max_process >> 20);
		*skipped = true;
		goto out;
	}
	for (i = 0; i < n; i++)
		add_thread_notes(&notes, procfd, pid, &threads[i], threads[0].cursig,
		    i == 0, &m, page);
	if (notes.failed) {
		set_err(err, errlen, "out of memory");
		goto out;
	}
	phnum = 1 + m.n;
	if (phnum >= PN_XNUM) {
		set_err(err, errlen, "too many mappings (%zu)", m.n);
		goto out;
	}
	if ((ph = calloc(phnum, sizeof *ph)) == NULL ||
	    (chunk = malloc(CHUNK)) == NULL ||
	    (sink = core_sink_open(fd, limits->zstd, limits->max_bytes,
	    limits->cap_name, limits->keep_free)) == NULL) {
		set_err(err, errlen, "out of memory");
		goto out;
	}

	memset(&eh, 0, sizeof eh);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32;
	eh.e_ident[EI_DATA] = CORE_DATA;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh.e_type = ET_CORE;
	eh.e_machine = CORE_MACHINE;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof eh;
	eh.e_ehsize = sizeof eh;
	eh.e_phentsize = sizeof *ph;
	eh.e_phnum = (uint16_t)phnum;

	off = (off_t)(sizeof eh + phnum * sizeof *ph);
	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = (ElfW(Off))off;
	ph[0].p_filesz = notes.len;
	ph[0].p_align = 4;
	off += (off_t)notes.len;
	end = off;
	off = (off + page - 1) / page * page;
	for (i = 0; i < m.n; i++) {
		struct mapping *mp = &m.v[i];
		ElfW(Phdr) *p = &ph[1 + i];

		mp->file_offset = off;
		p->p_type = PT_LOAD;
		p->p_offset = (ElfW(Off))off;
		p->p_vaddr = mp->start;
		p->p_filesz = mp->dump;
		p->p_memsz = mp->end - mp->start;
		p->p_flags = (mp->perms[0] == 'r' ? PF_R : 0) |
		    (mp->perms[1] == 'w' ? PF_W : 0) | (mp->perms[2] == 'x' ? PF_X : 0);
		p->p_align = (ElfW(Xword))page;
		off += (off_t)mp->dump;
	}

	/* In file order: the sink may be a compressed stream. */
	if (core_sink_write(sink, &eh, sizeof eh, err, errlen) == -1 ||
	    core_sink_write(sink, ph, phnum * sizeof *ph, err, errlen) == -1 ||
	    core_sink_write(sink, notes.data, notes.len, err, errlen) == -1 ||
	    core_sink_zeros(sink, (size_t)(m.n > 0 ? m.v[0].file_offset - end : 0),
	    err, errlen) == -1)
		goto out;
	for (i = 0; i < m.n; i++) {
		const struct mapping *mp = &m.v[i];

		if (mp->dump > 0 && copy_memory(procfd, memfd, sink, mp->start, mp->dump,
		    chunk, page, limits, err, errlen) == -1)
			goto out;
	}
	rc = core_sink_close(sink, bytes, err, errlen);
	sink = NULL;
out:
	core_sink_abort(sink);
	free(chunk);
	free(ph);
	free(notes.data);
	maps_free(&m);
	close(memfd);
	return rc;
}
