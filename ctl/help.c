#include <stdio.h>
#include <string.h>

#include "alias.h"
#include "cmddoc.h"
#include "help.h"
#include "proto.h"
#include "suggest.h"

/* tetherctl's own commands: they never reach the daemon. */
static const struct cmd_doc local_docs[] = {
	{ "help", "help [COMMAND]", "this list, or the usage of one command" },
};

#define NLOCAL (sizeof(local_docs) / sizeof(local_docs[0]))

static const char options_text[] =
    "usage: tetherctl [options] [command [arguments]]\n"
    "       tetherctl [options]            (commands from standard input)\n"
    "\n"
    "Options (also after the command when spelled long: tetherctl ps --json):\n"
    "  -S, --socket PATH    the daemon's control socket\n"
    "  -s, --session NAME   the session (default: $TETHER_SESSION or default)\n"
    "      --json           print the replies' data as JSON\n"
    "  -H, --host HOST      a system to act on (ssh://[user@]host[:port], or\n"
    "                       local); several make a fleet (tetherctl(1) FLEET)\n"
    "      --hosts FILE     the systems listed in FILE, one a line\n"
    "      --connect-timeout SECONDS  for ssh (default 5)\n"
    "      --junit FILE     of report: write it as JUnit XML\n"
    "      --since TIME     of report --junit: the targets since TIME\n"
    "  -h, --help           this help; with a command: the command's usage\n"
    "  -V, --version        the version\n"
    "\n"
    "       tetherctl [-S socket] dial-stdio   (the far end of -H ssh://)\n";

void help_all(FILE *out)
{
	const char *name, *summary;
	size_t i;

	fputs(options_text, out);
	fputs("\nCommands (several may be joined with ';'):\n", out);
	for (i = 0; i < cmd_docs_count; i++)
		fprintf(out, "  %-10s %s\n", cmd_docs[i].name, cmd_docs[i].summary);
	fputs("\nAliases (shell-friendly spellings; N is an ordinal, a pid is"
	    " written ~PID or -p PID):\n", out);
	for (i = 0; (name = alias_name(i, NULL, &summary)) != NULL; i++)
		fprintf(out, "  %-10s %s\n", name, summary);
	fputs("\ntetherctl's own:\n", out);
	for (i = 0; i < NLOCAL; i++)
		fprintf(out, "  %-10s %s\n", local_docs[i].name, local_docs[i].summary);
	fputs("\n'help COMMAND' or 'COMMAND --help' shows how a command is"
	    " written; tetherctl(1) has the whole language.\n", out);
}

const char *help_name(size_t i)
{
	const char *name;
	size_t n;

	if (i < cmd_docs_count)
		return cmd_docs[i].name;
	i -= cmd_docs_count;
	for (n = 0; alias_name(n, NULL, NULL) != NULL; n++)
		;
	if ((name = alias_name(i, NULL, NULL)) != NULL)
		return name;
	i -= n;
	return i < NLOCAL ? local_docs[i].name : NULL;
}

/* The doc of name among the language's and tetherctl's own commands. */
static const struct cmd_doc *find_doc(const char *name)
{
	const struct cmd_doc *doc;
	size_t i;

	/* |*, |3, |. are all the status command; |3s selects. */
	if (name[0] == '|' && name[1] != '\0')
		name = name[strlen(name) - 1] == 's' ? "|s" : "|";
	if ((doc = cmd_doc_find(name)) != NULL)
		return doc;
	for (i = 0; i < NLOCAL; i++)
		if (strcmp(local_docs[i].name, name) == 0)
			return &local_docs[i];
	return NULL;
}

int help_command(FILE *out, const char *name)
{
	const struct cmd_doc *doc;
	const char *alias, *usage, *summary;
	struct suggest sg;
	char hint[96];
	size_t i;

	if ((doc = find_doc(name)) != NULL) {
		fprintf(out, "usage: %s\n%s\n", doc->usage, doc->summary);
		return TETHER_EXIT_OK;
	}
	for (i = 0; (alias = alias_name(i, &usage, &summary)) != NULL; i++) {
		if (strcmp(alias, name) == 0) {
			fprintf(out, "usage: %s\n%s\n", usage, summary);
			return TETHER_EXIT_OK;
		}
	}
	suggest_init(&sg, name);
	for (i = 0; i < cmd_docs_count; i++)
		suggest_try(&sg, cmd_docs[i].name);
	for (i = 0; (alias = alias_name(i, NULL, NULL)) != NULL; i++)
		suggest_try(&sg, alias);
	for (i = 0; i < NLOCAL; i++)
		suggest_try(&sg, local_docs[i].name);
	fprintf(stderr, "tetherctl: help: no such command: %s%s\n", name,
	    suggest_hint(&sg, hint, sizeof(hint)));
	return TETHER_EXIT_FAILED;
}

#define BLANKS " \t\r\n"

int help_line(const char *line, int *status)
{
	char first[64], second[64], last[64];
	const char *p = line, *end;
	size_t len;
	int n = 0;

	first[0] = second[0] = last[0] = '\0';
	/* Help is asked for one command at a time: no ';', no quotes. */
	if (strpbrk(line, ";'\"\\") != NULL)
		return 0;
	for (;;) {
		p += strspn(p, BLANKS);
		if (*p == '\0')
			break;
		end = p + strcspn(p, BLANKS);
		len = (size_t)(end - p);
		if (len >= sizeof(last))
			return 0;
		memcpy(last, p, len);
		last[len] = '\0';
		if (n == 0)
			memcpy(first, last, len + 1);
		else if (n == 1)
			memcpy(second, last, len + 1);
		n++;
		p = end;
	}
	if (n == 0)
		return 0;
	if ((strcmp(first, "help") == 0 || strcmp(first, "?") == 0) && n <= 2) {
		if (n == 1) {
			help_all(stdout);
			*status = TETHER_EXIT_OK;
		} else
			*status = help_command(stdout, second);
		return 1;
	}
	if (n >= 2 && strcmp(last, "--help") == 0) {
		*status = help_command(stdout, first);
		return 1;
	}
	return 0;
}
