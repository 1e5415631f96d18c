#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "proto.h"
#include "suggest.h"

enum opt_id { OPT_JSON, OPT_SOCKET, OPT_SESSION, OPT_HELP, OPT_VERSION, OPT_GDB,
	OPT_HOST, OPT_HOSTS, OPT_CONNECT_TIMEOUT, OPT_JUNIT, OPT_SINCE };

static const struct ctl_option {
	const char *name;	/* the long form */
	char letter;		/* the short form, or 0 */
	int has_arg;
	enum opt_id id;
} options[] = {
	{ "json", 0, 0, OPT_JSON },
	{ "socket", 'S', 1, OPT_SOCKET },
	{ "session", 's', 1, OPT_SESSION },
	{ "help", 'h', 0, OPT_HELP },
	{ "version", 'V', 0, OPT_VERSION },
	{ "gdb", 0, 0, OPT_GDB },	/* core N --gdb */
	{ "host", 'H', 1, OPT_HOST },
	{ "hosts", 0, 1, OPT_HOSTS },
	{ "connect-timeout", 0, 1, OPT_CONNECT_TIMEOUT },
	{ "junit", 0, 1, OPT_JUNIT },	/* report --junit FILE */
	{ "since", 0, 1, OPT_SINCE },	/* report --since TIME */
};

#define NOPTIONS (sizeof(options) / sizeof(options[0]))

static int __attribute__((format(printf, 1, 2))) bad(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tetherctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'tetherctl --help'.\n");
	return TETHER_EXIT_FAILED;
}

static int set_option(const struct ctl_option *o, const char *arg,
    struct ctl_args *a)
{
	switch (o->id) {
	case OPT_JSON:
		a->json = 1;
		break;
	case OPT_SOCKET:
		a->socket = arg;
		break;
	case OPT_SESSION:
		a->session = arg;
		break;
	case OPT_HELP:
		a->help = 1;
		break;
	case OPT_VERSION:
		a->version = 1;
		break;
	case OPT_GDB:
		a->gdb = 1;
		break;
	case OPT_HOST:
	case OPT_HOSTS:
		/* a->hosts has room for every word of argv (args_parse). */
		a->hosts[a->nhosts].spec = arg;
		a->hosts[a->nhosts++].file = o->id == OPT_HOSTS;
		break;
	case OPT_CONNECT_TIMEOUT:
		a->connect_timeout = arg;
		break;
	case OPT_JUNIT:
		a->junit = arg;
		break;
	case OPT_SINCE:
		a->since = arg;
		break;
	}
	return 0;
}

/* --name or --name=value at argv[*i]; the value may be the next word. */
static int long_option(int argc, char **argv, int *i, struct ctl_args *a)
{
	const char *word = argv[*i] + 2, *eq = strchr(word, '=');
	size_t len = eq != NULL ? (size_t)(eq - word) : strlen(word);
	struct suggest sg;
	char name[64], hint[96];
	size_t j;

	for (j = 0; j < NOPTIONS; j++) {
		if (strlen(options[j].name) != len ||
		    strncmp(options[j].name, word, len) != 0)
			continue;
		if (!options[j].has_arg) {
			if (eq != NULL)
				return bad("option '--%s' takes no argument",
				    options[j].name);
			return set_option(&options[j], NULL, a);
		}
		if (eq != NULL)
			return set_option(&options[j], eq + 1, a);
		if (*i + 1 >= argc)
			return bad("option '--%s' needs an argument",
			    options[j].name);
		return set_option(&options[j], argv[++*i], a);
	}
	snprintf(name, sizeof(name), "%.*s", (int)(len < 40 ? len : 40), word);
	suggest_init(&sg, name);
	for (j = 0; j < NOPTIONS; j++)
		suggest_try(&sg, options[j].name);
	hint[0] = '\0';
	if (sg.best != NULL)
		snprintf(hint, sizeof(hint), " (did you mean --%s?)", sg.best);
	return bad("unknown option '--%s'%s", name, hint);
}

/* A cluster of short options (-Spath, -s name, -hV) at argv[*i]. */
static int short_options(int argc, char **argv, int *i, struct ctl_args *a)
{
	const char *p = argv[*i] + 1;
	char letter[2] = "";
	size_t j;
	int rc;

	for (; *p != '\0'; p++) {
		for (j = 0; j < NOPTIONS && options[j].letter != *p; j++)
			;
		letter[0] = *p;
		if (j == NOPTIONS)
			return bad("unknown option '-%s'", letter);
		if (!options[j].has_arg) {
			if ((rc = set_option(&options[j], NULL, a)) != 0)
				return rc;
			continue;
		}
		if (p[1] != '\0')
			return set_option(&options[j], p + 1, a);
		if (*i + 1 >= argc)
			return bad("option '-%s' needs an argument", letter);
		return set_option(&options[j], argv[++*i], a);
	}
	return 0;
}

/* Whether the words after this one are a program's: run CMD, .create CMD. */
static int starts_program(const char *command)
{
	return strcmp(command, "run") == 0 || strcmp(command, ".create") == 0;
}

int args_parse(int argc, char **argv, struct ctl_args *a)
{
	const char *command = NULL;	/* the word that began this command */
	int i, rc, verbatim = 0;
	size_t len;

	memset(a, 0, sizeof(*a));
	if ((a->words = calloc((size_t)argc + 1, sizeof(char *))) == NULL ||
	    (a->hosts = calloc((size_t)argc + 1, sizeof(*a->hosts))) == NULL) {
		fprintf(stderr, "tetherctl: out of memory\n");
		return TETHER_EXIT_FAILED;
	}
	for (i = 1; i < argc; i++) {
		const char *w = argv[i];

		if (!verbatim && strcmp(w, "--") == 0) {
			verbatim = 1;
			continue;
		}
		if (!verbatim && w[0] == '-' && w[1] == '-' && w[2] != '\0') {
			if ((rc = long_option(argc, argv, &i, a)) != 0)
				return rc;
			continue;
		}
		if (!verbatim && command == NULL && w[0] == '-' && w[1] != '\0') {
			if ((rc = short_options(argc, argv, &i, a)) != 0)
				return rc;
			continue;
		}
		a->words[a->nwords++] = argv[i];
		len = strlen(w);
		if (len > 0 && w[len - 1] == ';') {
			/* The next word begins another command. */
			command = NULL;
			verbatim = 0;
		} else if (command == NULL) {
			command = w;
		} else if (starts_program(command) && w[0] != '-') {
			verbatim = 1;
		}
	}
	return 0;
}

void args_free(struct ctl_args *a)
{
	free(a->words);
	a->words = NULL;
	free(a->hosts);
	a->hosts = NULL;
}
