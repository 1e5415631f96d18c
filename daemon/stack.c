/*
 * Unwinding with libdw's dwfl: report the modules of the process from
 * /proc/PID/maps, attach to it without ptrace-attaching (tetherd is the
 * tracer and the threads are stopped), and walk each thread's frames with
 * the CFI of its modules.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
 * libdw may ask debuginfod servers for missing debug information: never
 * from the daemon's only thread, where a slow server would stop everything.
 */
struct env_save {
	char *urls;
};

static void
env_hide(struct env_save *save)
{
	const char *v = getenv("DEBUGINFOD_URLS");

	save->urls = v != NULL ? strdup(v) : NULL;
	if (v != NULL)
		unsetenv("DEBUGINFOD_URLS");
}

static void
env_restore(struct env_save *save)
{
	if (save->urls != NULL) {
		setenv("DEBUGINFOD_URLS", save->urls, 1);
		free(save->urls);
	}
}

json_t *
stack_walk(pid_t pid, const pid_t *tids, size_t n)
{
	json_t *threads = json_array(), *walk;
	const char *setup_error = NULL;
	struct env_save save;
	Dwfl *dwfl;
	size_t i;
	int err;

	env_hide(&save);
	dwfl = dwfl_begin(&proc_callbacks);
	if (dwfl == NULL) {
		setup_error = dwfl_errmsg(-1);
	} else {
		dwfl_report_begin(dwfl);
		err = dwfl_linux_proc_report(dwfl, pid);
		if (dwfl_report_end(dwfl, NULL, NULL) != 0 || err != 0)
			setup_error = err > 0 ? strerror(err) : dwfl_errmsg(-1);
		else if ((err = dwfl_linux_proc_attach(dwfl, pid, true)) != 0)
			setup_error = err > 0 ? strerror(err) : dwfl_errmsg(-1);
	}
	for (i = 0; i < n; i++) {
		struct walk w = { .dwfl = dwfl, .frames = json_array() };
		json_t *thread;

		thread = json_pack("{s:i, s:o}", "tid", (int)tids[i],
		    "frames", w.frames);
		if (setup_error != NULL) {
			json_object_set_new(thread, "error", json_string(setup_error));
		} else if (dwfl_getthread_frames(dwfl, tids[i], frame_cb, &w) != 0 &&
		    w.count < STACK_MAX_FRAMES) {
			/* The end of the stack is reported as an error too;
			 * a walk that found frames and then stopped is normal
			 * for code without CFI down to _start. */
			if (w.count == 0)
				json_object_set_new(thread, "error",
				    json_string(dwfl_errmsg(-1)));
		}
		json_array_append_new(threads, thread);
	}
	walk = json_pack("{s:i, s:o}", "pid", (int)pid, "threads", threads);
	if (dwfl != NULL)
		dwfl_end(dwfl);
	env_restore(&save);
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
