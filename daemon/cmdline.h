/*
 * Splitting a command line into commands (DESIGN §3).
 *
 * A line holds commands separated by ';'. Each command is one of:
 *   <procid>                 process status       -> name "|",  prefix set
 *   <procid>s                set current process  -> name "|s", prefix set
 *   [<procid> ]NAME ARGS...  a command, optionally acting on the process
 *                            named by the prefix ("|3 .detach /n")
 *   <procid>~NAME ARGS...    the same, for a thread command ("|*~*k")
 * Words are separated by blanks; single and double quotes group words
 * (".create sh -c 'echo a; echo b'": the ';' inside quotes does not split)
 * and a backslash outside single quotes escapes the next character.
 */
#ifndef TETHER_CMDLINE_H
#define TETHER_CMDLINE_H

#include "procid.h"

struct command {
	struct procid prefix;	/* kind PROCID_NONE when there is none */
	char *name;		/* "|", "|s", ".detach", "g", ... */
	int argc;		/* arguments after the name */
	char **argv;		/* NULL-terminated */
};

struct command_list {
	int count;
	struct command *commands;
};

/*
 * Parses line into list. Empty commands (";;", trailing ';', blank line) are
 * skipped. Returns 0, or -1 with *err set to a message in a static buffer
 * ("unterminated quote", "bad process identifier: ...", "'|1x': unexpected
 * text after process identifier"). On error list is left empty.
 */
int cmdline_parse(const char *line, struct command_list *list, const char **err);
void cmdline_free(struct command_list *list);

#endif
