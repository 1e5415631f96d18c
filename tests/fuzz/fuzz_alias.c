/*
 * libFuzzer: tetherctl's alias expander and word joiner (ctl/alias.c),
 * checked against the daemon's parser (daemon/cmdline.c) that reads what
 * they write.
 *
 * The input is words separated by NUL bytes, as tetherctl's arguments: the
 * first is also taken as a typed line. Properties: joined words read back
 * as the same words; an expansion keeps the commands of the line (one
 * command for one), whenever the daemon can read both.
 */
#include "alias.h"
#include "cmdline.h"
#include "fuzz.h"

#define MAX_WORDS 16

/* Splits the input at its NUL bytes; returns the number of words. */
static int
split_words(const uint8_t *data, size_t size, char **words)
{
	const uint8_t *end = data + size, *nul;
	int n = 0;

	while (n < MAX_WORDS) {
		words[n++] = fuzz_string(data, (size_t)(end - data));
		if ((nul = memchr(data, '\0', (size_t)(end - data))) == NULL)
			break;
		data = nul + 1;
	}
	words[n] = NULL;
	return n;
}

/* The number of commands the daemon reads in line, or -1. */
static int
count_commands(const char *line)
{
	struct command_list list;
	const char *err;
	int n;

	if (cmdline_parse(line, &list, &err) == -1)
		return -1;
	n = list.count;
	cmdline_free(&list);
	return n;
}

/* Several words, none with a ';', the first no process identifier: the
 * daemon reads the joined line as one command of exactly these words. */
static void
check_join(int argc, char **argv)
{
	struct command_list list;
	const char *err = NULL;
	char *line;
	int i;

	if ((line = alias_join_words(argc, argv)) == NULL)
		abort();
	if (argc < 2 || argv[0][0] == '|')
		goto done;
	for (i = 0; i < argc; i++)
		if (strchr(argv[i], ';') != NULL)
			goto done;
	if (cmdline_parse(line, &list, &err) == -1) {
		fprintf(stderr, "joined line '%s': %s\n", line, err);
		abort();
	}
	fuzz_assert(list.count == 1);
	fuzz_assert(list.commands[0].prefix.kind == PROCID_NONE);
	fuzz_assert(strcmp(list.commands[0].name, argv[0]) == 0);
	fuzz_assert(list.commands[0].argc == argc - 1);
	for (i = 1; i < argc; i++)
		fuzz_assert(strcmp(list.commands[0].argv[i - 1], argv[i]) == 0);
	cmdline_free(&list);
done:
	free(line);
}

static void
check_expand(const char *line)
{
	char err[256] = "";
	char *expanded = alias_expand_line(line, err, sizeof err);
	int before, after;

	if (expanded == NULL) {
		fuzz_assert(err[0] != '\0');
		return;
	}
	before = count_commands(line);
	after = count_commands(expanded);
	if (before >= 0 && after >= 0)
		fuzz_assert(before == after);
	free(expanded);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *words[MAX_WORDS + 1];
	int i, n = split_words(data, size, words);

	check_expand(words[0]);
	check_join(n, words);
	for (i = 0; i < n; i++)
		free(words[i]);
	return 0;
}
