/*
 * Unwinding with libdw's dwfl: report the modules of the process from
 * /proc/PID/maps, give dwfl the registers the loop read and the memory of
 * /proc/PID/mem (no ptrace: this runs on a triage worker), and walk each
 * thread's frames with the CFI of its modules.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/user.h>
#include <unistd.h>

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include "stack.h"

static char *find_debuginfo_path;	/* libdw's default search path */

static const Dwfl_Callbacks proc_callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.debuginfo_path = &find_debuginfo_path,
};

struct walk {
	Dwfl *dwfl;
	json_t *frames;
	int count;
};

static json_t *
json_string_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

/*
 * Whether a compilation unit of mod covers addr: the line table alone would
 * give code without debug information (_start) the last line of a unit.
 */
static bool
source_covers(Dwfl_Module *mod, Dwarf_Addr addr)
{
	Dwarf_Addr bias;
	Dwarf_Die *cu = dwfl_module_addrdie(mod, addr, &bias);

	return cu != NULL && dwarf_haspc(cu, addr - bias) == 1;
}

/* A symbol's name without its version ("memcpy@@GLIBC_2.14"). */
static json_t *
function_json(const char *name)
{
	const char *at;

	if (name == NULL)
		return json_null();
	if ((at = strchr(name, '@')) != NULL && at != name)
		return json_stringn(name, (size_t)(at - name));
	return json_string(name);
}

/* What libdw knows about the code at pc. */
static json_t *
frame_json(Dwfl *dwfl, Dwarf_Addr pc, bool activation)
{
	/* A return address points after the call: look up the call itself. */
	Dwarf_Addr lookup = activation || pc == 0 ? pc : pc - 1;
	Dwfl_Module *mod = dwfl_addrmodule(dwfl, lookup);
	const char *modname = NULL, *function = NULL, *file = NULL;
	GElf_Off offset = 0;
	GElf_Sym sym;
	Dwarf_Addr base = 0;
	int line = -1;
	json_t *frame;

	if (mod != NULL) {
		Dwfl_Line *dl;

		modname = dwfl_module_info(mod, NULL, &base, NULL, NULL, NULL,
		    NULL, NULL);
		function = dwfl_module_addrinfo(mod, lookup, &offset, &sym, NULL,
		    NULL, NULL);
		if (function != NULL)
			offset += pc - lookup;
		else
			offset = pc - base;
		if (source_covers(mod, lookup) &&
		    (dl = dwfl_module_getsrc(mod, lookup)) != NULL)
			file = dwfl_lineinfo(dl, NULL, &line, NULL, NULL, NULL);
	}
	frame = json_pack("{s:I, s:o, s:I, s:o, s:o}",
	    "pc", (json_int_t)pc,
	    "function", function_json(function),
	    "offset", (json_int_t)offset,
	    "module", json_string_or_null(modname),
	    "file", json_string_or_null(file));
	json_object_set_new(frame, "line",
	    file != NULL && line > 0 ? json_integer(line) : json_null());
	return frame;
}

static int
frame_cb(Dwfl_Frame *state, void *arg)
{
	struct walk *w = arg;
	Dwarf_Addr pc;
	bool activation;

	if (!dwfl_frame_pc(state, &pc, &activation))
		return DWARF_CB_ABORT;
	json_array_append_new(w->frames, frame_json(w->dwfl, pc, activation));
	if (++w->count >= STACK_MAX_FRAMES)
		return DWARF_CB_ABORT;
	return DWARF_CB_OK;
}

/*
 * libdw may ask debuginfod servers for missing debug information, which
 * could hold a walk for as long as a server takes. It looks at
 * DEBUGINFOD_URLS once per process, the first time a walk wants a client:
 * done here with the variable hidden, before any worker starts, libdw
 * never asks a server. The variable itself stays for the processes
 * tetherd starts.
 */
void
stack_init(void)
{
	const char *v = getenv("DEBUGINFOD_URLS");
	char *saved = v != NULL ? strdup(v) : NULL;
	Dwfl *dwfl;

	if (v != NULL)
		unsetenv("DEBUGINFOD_URLS");
	if ((dwfl = dwfl_begin(&proc_callbacks)) != NULL) {
		(void)dwfl_get_debuginfod_client(dwfl);
		dwfl_end(dwfl);
	}
	if (saved != NULL) {
		setenv("DEBUGINFOD_URLS", saved, 1);
		free(saved);
	}
}

/*
 * The process as the worker sees it: its memory through /proc/PID/mem and
 * the registers the loop read. dwfl_linux_proc_attach would ptrace, which
 * only the loop's thread may do.
 */
struct proc_state {
	int memfd;
	const struct coredump_thread *threads;
	size_t n, next;
};

static pid_t
next_thread(Dwfl *dwfl, void *arg, void **thread_argp)
{
	struct proc_state *ps = arg;

	(void)dwfl;
	if (ps->next >= ps->n)
		return 0;
	*thread_argp = (void *)&ps->threads[ps->next];
	return ps->threads[ps->next++].tid;
}

static bool
get_thread(Dwfl *dwfl, pid_t tid, void *arg, void **thread_argp)
{
	struct proc_state *ps = arg;
	size_t i;

	(void)dwfl;
	for (i = 0; i < ps->n; i++)
		if (ps->threads[i].tid == tid) {
			*thread_argp = (void *)&ps->threads[i];
			return true;
		}
	return false;
}

static bool
memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result, void *arg)
{
	struct proc_state *ps = arg;

	(void)dwfl;
	return pread(ps->memfd, result, sizeof *result, (off_t)addr) ==
	    (ssize_t)sizeof *result;
}

/* The registers in DWARF's numbering, as elfutils' own backends set them. */
static bool
set_initial_registers(Dwfl_Thread *thread, void *arg)
{
	const struct coredump_thread *th = arg;
#if defined(__x86_64__)
	const struct user_regs_struct *r = (const void *)&th->regs;
	Dwarf_Word dw[17] = {
		r->rax, r->rdx, r->rcx, r->rbx, r->rsi, r->rdi, r->rbp, r->rsp,
		r->r8, r->r9, r->r10, r->r11, r->r12, r->r13, r->r14, r->r15,
		r->rip,
	};

	return dwfl_thread_state_registers(thread, 0, 17, dw);
#elif defined(__aarch64__)
	const struct user_regs_struct *r = (const void *)&th->regs;
	Dwarf_Word dw[32];
	int i;

	for (i = 0; i < 31; i++)
		dw[i] = r->regs[i];
	dw[31] = r->sp;
	if (!dwfl_thread_state_registers(thread, 0, 32, dw))
		return false;
	dwfl_thread_state_register_pc(thread, r->pc);
	return true;
#else
	(void)thread;
	(void)th;
	return false;
#endif
}

static const Dwfl_Thread_Callbacks thread_callbacks = {
	.next_thread = next_thread,
	.get_thread = get_thread,
	.memory_read = memory_read,
	.set_initial_registers = set_initial_registers,
};

/* Reports the modules of /proc/PID/maps and attaches the process state. */
static const char *
walk_setup(Dwfl *dwfl, int procfd, pid_t pid, struct proc_state *ps)
{
	FILE *maps;
	int fd, err;

	if ((fd = openat(procfd, "maps", O_RDONLY | O_CLOEXEC)) == -1)
		return errno == ESRCH ? "the process is gone" : strerror(errno);
	if ((maps = fdopen(fd, "re")) == NULL) {
		close(fd);
		return strerror(errno);
	}
	dwfl_report_begin(dwfl);
	err = dwfl_linux_proc_maps_report(dwfl, maps);
	fclose(maps);
	if (dwfl_report_end(dwfl, NULL, NULL) != 0 || err != 0)
		return err > 0 ? strerror(err) : dwfl_errmsg(-1);
	if (!dwfl_attach_state(dwfl, NULL, pid, &thread_callbacks, ps))
		return dwfl_errmsg(-1);
	return NULL;
}

json_t *
stack_walk(int procfd, pid_t pid, const struct coredump_thread *threads, size_t n)
{
	json_t *list = json_array(), *walk;
	struct proc_state ps = { .memfd = -1, .threads = threads, .n = n };
	const char *setup_error = NULL;
	Dwfl *dwfl = NULL;
	size_t i;

	if ((ps.memfd = openat(procfd, "mem", O_RDONLY | O_CLOEXEC)) == -1)
		setup_error = errno == ESRCH ? "the process is gone" : strerror(errno);
	else if ((dwfl = dwfl_begin(&proc_callbacks)) == NULL)
		setup_error = dwfl_errmsg(-1);
	else
		setup_error = walk_setup(dwfl, procfd, pid, &ps);
	for (i = 0; i < n; i++) {
		struct walk w = { .dwfl = dwfl, .frames = json_array() };
		json_t *thread;

		thread = json_pack("{s:i, s:o}", "tid", (int)threads[i].tid,
		    "frames", w.frames);
		if (setup_error != NULL) {
			json_object_set_new(thread, "error", json_string(setup_error));
		} else if (dwfl_getthread_frames(dwfl, threads[i].tid, frame_cb, &w) != 0 &&
		    w.count < STACK_MAX_FRAMES) {
			/* The end of the stack is reported as an error too;
			 * a walk that found frames and then stopped is normal
			 * for code without CFI down to _start. */
			if (w.count == 0)
				json_object_set_new(thread, "error",
				    json_string(dwfl_errmsg(-1)));
		}
		json_array_append_new(list, thread);
	}
	walk = json_pack("{s:i, s:o}", "pid", (int)pid, "threads", list);
	if (dwfl != NULL)
		dwfl_end(dwfl);
	if (ps.memfd != -1)
		close(ps.memfd);
	return walk;
}

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL && slash[1] != '\0' ? slash + 1 : path;
}

void
stack_frame_site(const json_t *frame, char *buf, size_t len)
{
	const char *function = json_string_value(json_object_get(frame, "function"));
	const char *module = json_string_value(json_object_get(frame, "module"));
	const char *file = json_string_value(json_object_get(frame, "file"));
	json_int_t offset = json_integer_value(json_object_get(frame, "offset"));
	json_int_t pc = json_integer_value(json_object_get(frame, "pc"));
	json_t *line = json_object_get(frame, "line");
	int n;

	if (module != NULL && function != NULL)
		n = snprintf(buf, len, "%s!%s+0x%" PRIx64, base_name(module),
		    function, (uint64_t)offset);
	else if (module != NULL)
		n = snprintf(buf, len, "%s+0x%" PRIx64, base_name(module),
		    (uint64_t)offset);
	else
		n = snprintf(buf, len, "0x%" PRIx64, (uint64_t)pc);
	if (n < 0 || (size_t)n >= len || file == NULL)
		return;
	if (json_is_integer(line))
		snprintf(buf + n, len - (size_t)n, " [%s @ %" JSON_INTEGER_FORMAT "]",
		    file, json_integer_value(line));
	else
		snprintf(buf + n, len - (size_t)n, " [%s]", file);
}

void
stack_format(const json_t *walk, stack_emit_fn emit, void *arg)
{
	json_int_t pid = json_integer_value(json_object_get(walk, "pid"));
	json_t *threads = json_object_get(walk, "threads"), *thread, *frame;
	size_t i, j;
	char line[1024], site[900];

	json_array_foreach(threads, i, thread) {
		json_int_t tid = json_integer_value(json_object_get(thread, "tid"));
		json_t *frames = json_object_get(thread, "frames");
		const char *error = json_string_value(json_object_get(thread, "error"));

		snprintf(line, sizeof line, "%c  %zu  id: %" JSON_INTEGER_FORMAT
		    ".%" JSON_INTEGER_FORMAT, tid == pid ? '.' : ' ', i, pid, tid);
		emit(arg, line);
		if (json_array_size(frames) > 0)
			emit(arg, " #  address             call site");
		json_array_foreach(frames, j, frame) {
			stack_frame_site(frame, site, sizeof site);
			snprintf(line, sizeof line, "%02zu  0x%016" PRIx64 "  %s", j,
			    (uint64_t)json_integer_value(json_object_get(frame, "pc")),
			    site);
			emit(arg, line);
		}
		if (error != NULL) {
			snprintf(line, sizeof line, "    (unwinding stopped: %s)", error);
			emit(arg, line);
		}
	}
}
