/*
 * Splitting a command line into commands: ';' separates them, blanks
 * separate words, quotes and backslashes group them, and a process
 * identifier may stand alone, be followed by 's', or prefix a command.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

/* Long enough for any message; the text quoted in one is cut shorter. */
static char errbuf[160];
#define QUOTED_MAX 64

struct parser {
	const char *p;		/* next character of the line */
	char *word;		/* scratch: a word, quotes removed (fits: as long as the line) */
	const char **err;
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Where a word or an identifier ends when nothing quotes it. */
static int ends_word(char c)
{
	return c == '\0' || c == ';' || is_blank(c);
}

static void skip_blanks(struct parser *ps)
{
	while (is_blank(*ps->p))
		ps->p++;
}

static int fail(struct parser *ps, const char *msg)
{
	snprintf(errbuf, sizeof errbuf, "%s", msg);
	*ps->err = errbuf;
	return -1;
}

/*
 * Reads the next word of the command into ps->word. Returns 1, 0 when the
 * command has no more words (end of line or ';', left unread), or -1.
 */
static int next_word(struct parser *ps)
{
	const char *p;
	char *out = ps->word;
	char quote = 0;

	skip_blanks(ps);
	p = ps->p;
	if (*p == '\0' || *p == ';')
		return 0;
	for (; *p != '\0'; p++) {
		if (quote == '\'') {
			if (*p == '\'')
				quote = 0;
			else
				*out++ = *p;
		} else if (*p == '\\') {
			if (p[1] == '\0')
				return fail(ps, "backslash at the end of the line");
			*out++ = *++p;
		} else if (quote == '"') {
			if (*p == '"')
				quote = 0;
			else
				*out++ = *p;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (ends_word(*p)) {
			break;
		} else {
			*out++ = *p;
		}
	}
	if (quote)
		return fail(ps, "unterminated quote");
	*out = '\0';
	ps->p = p;
	return 1;
}

static int add_word(struct command *cmd, const char *word)
{
	char **argv;
	char *copy = strdup(word);

	if (!copy)
		return -1;
	if (!cmd->name) {
		/* argv is NULL-terminated even when there are no arguments */
		cmd->argv = calloc(1, sizeof *cmd->argv);
		if (!cmd->argv) {
			free(copy);
			return -1;
		}
		cmd->name = copy;
		return 0;
	}
	argv = realloc(cmd->argv, (cmd->argc + 2) * sizeof *argv);
	if (!argv) {
		free(copy);
		return -1;
	}
	argv[cmd->argc++] = copy;
	argv[cmd->argc] = NULL;
	cmd->argv = argv;
	return 0;
}

static void free_command(struct command *cmd)
{
	int i;

	for (i = 0; i < cmd->argc; i++)
		free(cmd->argv[i]);
	free(cmd->argv);
	free(cmd->name);
}

/*
 * The identifier at the start of a command. Sets cmd->name when it is the
 * whole command ("|", "|s"); leaves it unset when a command follows it.
 */
static int parse_prefix(struct parser *ps, struct command *cmd)
{
	const char *start = ps->p, *perr;
	int n = procid_parse(start, &cmd->prefix, &perr);

	if (n < 0)
		return fail(ps, perr);
	ps->p += n;
	if (*ps->p == 's' && ends_word(ps->p[1])) {
		ps->p++;
		return add_word(cmd, "|s") < 0 ? fail(ps, "out of memory") : 0;
	}
	/* A thread command may follow with no blank: "|*~*k", "|2~". */
	if (*ps->p == '~')
		return 0;
	if (!ends_word(*ps->p)) {
		const char *end = ps->p;

		while (!ends_word(*end))
			end++;
		snprintf(errbuf, sizeof errbuf,
		    "'%.*s': unexpected text after process identifier",
		    (int)(end - start < QUOTED_MAX ? end - start : QUOTED_MAX),
		    start);
		*ps->err = errbuf;
		return -1;
	}
	skip_blanks(ps);
	if (*ps->p == '\0' || *ps->p == ';')
		return add_word(cmd, "|") < 0 ? fail(ps, "out of memory") : 0;
	if (*ps->p == '|')
		return fail(ps, "a process identifier cannot prefix another one");
	return 0;
}

/* One command, up to the next unquoted ';' or the end of the line. */
static int parse_command(struct parser *ps, struct command *cmd)
{
	int r;

	if (*ps->p == '|' && parse_prefix(ps, cmd) < 0)
		return -1;
	while ((r = next_word(ps)) > 0) {
		/* The status and select commands are named "|" and "|s" by the
		 * identifier alone: a quoted '|' would reach them with none. */
		if (cmd->name == NULL && ps->word[0] == '|') {
			snprintf(errbuf, sizeof errbuf, "'%.*s': a quoted process "
			    "identifier is no command", QUOTED_MAX, ps->word);
			*ps->err = errbuf;
			return -1;
		}
		if (add_word(cmd, ps->word) < 0)
			return fail(ps, "out of memory");
	}
	return r;
}

static int append_command(struct command_list *list, const struct command *cmd)
{
	struct command *commands;

	commands = realloc(list->commands, (list->count + 1) * sizeof *commands);
	if (!commands)
		return -1;
	commands[list->count++] = *cmd;
	list->commands = commands;
	return 0;
}

int cmdline_parse(const char *line, struct command_list *list, const char **err)
{
	struct parser ps = { .p = line, .err = err };
	int r = 0;

	list->count = 0;
	list->commands = NULL;
	ps.word = malloc(strlen(line) + 1);
	if (!ps.word)
		return fail(&ps, "out of memory");
	for (;;) {
		struct command cmd = { .prefix = { .kind = PROCID_NONE } };

		skip_blanks(&ps);
		if (*ps.p == ';') {
			ps.p++;
			continue;
		}
		if (*ps.p == '\0')
			break;
		r = parse_command(&ps, &cmd);
		if (r == 0 && append_command(list, &cmd) < 0)
			r = fail(&ps, "out of memory");
		if (r < 0) {
			free_command(&cmd);
			cmdline_free(list);
			break;
		}
	}
	free(ps.word);
	return r;
}

void cmdline_free(struct command_list *list)
{
	int i;

	for (i = 0; i < list->count; i++)
		free_command(&list->commands[i]);
	free(list->commands);
	list->count = 0;
	list->commands = NULL;
}
