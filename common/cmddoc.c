#include <string.h>

#include "cmddoc.h"

const struct cmd_doc cmd_docs[] = {
	{ "|", "|[.|#|*|N|~[PID]]",
	    "status of the processes of the session (|* all, |N one)" },
	{ "|s", "|Ns or |~[PID]s", "select the current process" },
	{ ".detach", "[|N] .detach [/h | /n]",
	    "stop debugging a process and leave it running" },
	{ ".kill", "[|N] .kill [/h | /n], or .kill PID", "end a process" },
	{ ".childdbg", "[|N] .childdbg [0 | 1]",
	    "show or set child-debug (children join the session)" },
	{ ".attach", ".attach PID", "attach to a running process" },
	{ ".create", ".create [-o] CMD [ARGS...]",
	    "start a process under the daemon (-o: child-debug on from the start)" },
	{ "g", "[|N] g", "continue the stopped targets (|N g: one)" },
	{ "gh", "[|N] gh", "continue, the outstanding event handled" },
	{ "gn", "[|N] gn", "continue, the outstanding event not handled" },
	{ ".abandon", "[|N] .abandon [/h | /n]",
	    "let go of a process and leave it stopped for another debugger" },
	{ ".breakin", ".breakin", "stop and hold every target of the session" },
	{ ".allstop", ".allstop [0 | 1]",
	    "show or set whether a break stops every target" },
	{ "sx", "sx", "show what each signal does to a target" },
	{ "sxe", "sxe SIGNAL...", "break on the signals (hold the target)" },
	{ "sxd", "sxd SIGNAL...", "second-chance break on the signals" },
	{ "sxn", "sxn SIGNAL...", "notify: record the signals and pass them" },
	{ "sxi", "sxi SIGNAL...", "ignore the signals" },
	{ "~", "[|N] ~", "threads of the current process" },
	{ "k", "[|N] k", "stack of the current thread" },
	{ "~*k", "[|N | |*]~*k", "stacks of every thread" },
	{ ".dump", "[|N] .dump [/o] FILE",
	    "write a core file of a process; it keeps running" },
	{ "dump", "[|N] dump [/c] [kill | detach | abandon | none]",
	    "triage a process: stacks and core file, then what to do with it" },
	{ "q", "q", "end the session, killing its targets" },
	{ "qd", "qd", "end the session, detaching its targets" },
	{ "status", "status", "the daemon: sessions, paths and settings" },
	{ "events", "events [-p PROC] [-P PID] [-k KIND,...] [-s SINCE]"
	    " [-u UNTIL] [-A ID] [-n COUNT|all] [COUNT], or events -f [-a]",
	    "debug events (-f: follow them live; -a: of every session)" },
	{ "history", "history [-p PROC] [-P PID] [-S STATE,...] [-s SINCE]"
	    " [-n COUNT|all] [COUNT]",
	    "every target that ever joined the session, and its fate" },
	{ "report", "report [-p PROC] [-P PID] [-S STATE,...] [-s SINCE] [-n COUNT|all]"
	    " [COUNT], or tetherctl report [--since SINCE] --junit FILE",
	    "each target's verdict for CI (--junit: as JUnit XML)" },
	{ "reload", "reload", "re-read the configuration file" },
	{ "cores", "cores [N]", "the triage files (stacks, cores) kept for the session" },
	{ "core", "core N -o FILE, or tetherctl core N --gdb",
	    "the newest core of |N as an ELF file (--gdb: run gdb on it)" },
};

const size_t cmd_docs_count = sizeof cmd_docs / sizeof cmd_docs[0];

const struct cmd_doc *
cmd_doc_find(const char *name)
{
	size_t i;

	for (i = 0; i < cmd_docs_count; i++)
		if (strcmp(cmd_docs[i].name, name) == 0)
			return &cmd_docs[i];
	return NULL;
}
