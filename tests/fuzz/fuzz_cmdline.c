/*
 * libFuzzer: command lines of the command language (cmdline_parse) and the
 * process identifiers in them (procid_parse, procid_format).
 *
 * Beyond memory errors it checks what the callers rely on: a parse gives
 * named commands with NULL-terminated arguments or an error message and
 * an empty list; an identifier takes no more than the text it is given,
 * has a value in range, and reads back the same once formatted.
 */
#include <limits.h>

#include "cmdline.h"
#include "fuzz.h"
#include "procid.h"

static void
check_procid_round_trip(const struct procid *id)
{
	struct procid again;
	const char *err = NULL;
	char buf[32];
	int n;

	procid_format(id, buf, sizeof buf);
	n = procid_parse(buf, &again, &err);
	fuzz_assert(n == (int)strlen(buf));
	fuzz_assert(again.kind == id->kind);
	fuzz_assert(again.value == id->value);
}

static void
check_procid(const char *s)
{
	struct procid id;
	const char *err = NULL;
	int n = procid_parse(s, &id, &err);

	if (n < 0) {
		fuzz_assert(err != NULL && err[0] != '\0');
		return;
	}
	fuzz_assert(n >= 1 && (size_t)n <= strlen(s));
	fuzz_assert(id.kind != PROCID_NONE);
	fuzz_assert(id.value >= 0 && id.value <= INT_MAX);
	check_procid_round_trip(&id);
}

static void
check_command(const struct command *cmd)
{
	int i;

	fuzz_assert(cmd->name != NULL && cmd->argv != NULL && cmd->argc >= 0);
	for (i = 0; i < cmd->argc; i++)
		fuzz_assert(cmd->argv[i] != NULL);
	fuzz_assert(cmd->argv[cmd->argc] == NULL);
	if (cmd->prefix.kind != PROCID_NONE)
		check_procid_round_trip(&cmd->prefix);
	/* "|" and "|s" are named by an identifier, never by a word. */
	if (strcmp(cmd->name, "|") == 0 || strcmp(cmd->name, "|s") == 0)
		fuzz_assert(cmd->prefix.kind != PROCID_NONE);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct command_list list;
	const char *err = NULL;
	char *line = fuzz_string(data, size);
	int i;

	if (line[0] == '|')
		check_procid(line);
	if (cmdline_parse(line, &list, &err) == 0) {
		fuzz_assert(list.count >= 0);
		for (i = 0; i < list.count; i++)
			check_command(&list.commands[i]);
		cmdline_free(&list);
	} else {
		fuzz_assert(err != NULL && err[0] != '\0');
		fuzz_assert(list.count == 0 && list.commands == NULL);
	}
	free(line);
	return 0;
}
