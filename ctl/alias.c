/*
 * Shell-friendly spellings of the command language (see alias.h). The line
 * is scanned with the quoting rules of the daemon's parser (cmdline.h) so
 * that a ';' inside quotes never splits a command here either.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alias.h"

/* As the daemon's parser has them (daemon/cmdline.c). */
#define BLANKS " \t\n\r"

/*
 * Alias names and their arguments are short, so the first two words of a
 * command are kept in small buffers. A longer word is stored as "", which
 * names no alias and is no valid argument, so it is never misread.
 */
#define WORD_MAX 32

/* An alias takes at most this many words (kill -p PID -n: 4). */
#define ALIAS_WORDS 5

/* The words of one command, as scanned. */
struct words {
	int count;
	char text[ALIAS_WORDS][WORD_MAX];	/* first words, unquoted */
	const char *start;	/* first character of the first word */
	const char *after_name;	/* just past the first word */
	const char *end;	/* just past the last word */
	int unterminated;	/* a quote is still open at the end */
};

static int is_blank(char c)
{
	return c != '\0' && strchr(BLANKS, c) != NULL;
}

/* Adds c to a word buffer; on overflow the word becomes "" for good. */
static void word_add(char *text, size_t *len, char c)
{
	if (*len == (size_t)-1)
		return;
	if (*len + 1 >= WORD_MAX) {
		text[0] = '\0';
		*len = (size_t)-1;
		return;
	}
	text[(*len)++] = c;
	text[*len] = '\0';
}

/*
 * Scans one word at p (not a blank, ';' or NUL), unquoting it into text when
 * text is not NULL. Returns the end of the word.
 */
static const char *scan_word(const char *p, char *text, int *unterminated)
{
	char dummy[WORD_MAX];
	size_t len = 0;
	char quote;

	if (text == NULL)
		text = dummy;
	text[0] = '\0';
	while (*p != '\0' && *p != ';' && !is_blank(*p)) {
		if (*p == '\'' || *p == '"') {
			quote = *p++;
			while (*p != '\0' && *p != quote) {
				if (quote == '"' && *p == '\\' && p[1] != '\0')
					p++;
				word_add(text, &len, *p++);
			}
			if (*p == '\0') {
				*unterminated = 1;
				break;
			}
			p++;
		} else {
			if (*p == '\\' && p[1] != '\0')
				p++;
			word_add(text, &len, *p++);
		}
	}
	return p;
}

/* Scans the command at p; returns where it ends (the ';' or the NUL). */
static const char *scan_command(const char *p, struct words *w)
{
	memset(w, 0, sizeof(*w));
	for (;;) {
		p += strspn(p, BLANKS);
		if (*p == '\0' || *p == ';')
			return p;
		if (w->count == 0)
			w->start = p;
		p = scan_word(p, w->count < ALIAS_WORDS ? w->text[w->count] : NULL,
		    &w->unterminated);
		if (w->count == 0)
			w->after_name = p;
		w->end = p;
		w->count++;
	}
}

static int is_number(const char *s)
{
	return s[0] != '\0' && strlen(s) < 10 &&
	    strspn(s, "0123456789") == strlen(s);
}

/* What an alias takes besides its name. */
enum {
	TAKES_TARGET = 1,	/* N, ~PID or -p PID: the process to act on */
	TAKES_NH = 2,		/* -n or -h: the outstanding event */
	TAKES_01 = 4,		/* 0 or 1 */
	TAKES_D = 8,		/* -d */
	TAKES_REST = 16,	/* anything: passed on as typed */
	NEEDS_TARGET = 32,	/* the target is not optional */
};

static const struct alias {
	const char *name;
	const char *command;	/* what it stands for */
	unsigned takes;
	const char *usage;
	const char *summary;
} aliases[] = {
	{ "ps", "|*", TAKES_TARGET, "ps [N | ~PID | -p PID]",
	    "status of every process of the session, or of one (|*, |N)" },
	{ "select", "|s", TAKES_TARGET | NEEDS_TARGET,
	    "select N | ~PID | -p PID", "select the current process (|Ns)" },
	{ "detach", ".detach", TAKES_TARGET | TAKES_NH,
	    "detach [N | ~PID | -p PID] [-n | -h]",
	    "stop debugging a process, leave it running (.detach)" },
	{ "kill", ".kill", TAKES_TARGET | TAKES_NH,
	    "kill [N | ~PID | -p PID] [-n | -h]", "end a process (.kill)" },
	{ "abandon", ".abandon", TAKES_TARGET | TAKES_NH,
	    "abandon [N | ~PID | -p PID] [-n | -h]",
	    "let go of a process, leave it stopped (.abandon)" },
	{ "attach", ".attach", TAKES_TARGET | NEEDS_TARGET,
	    "attach PID | ~PID | -p PID", "attach to a running process (.attach)" },
	{ "run", ".create", TAKES_REST, "run [-o] CMD [ARGS...]",
	    "start a process under the daemon (.create)" },
	{ "childdbg", ".childdbg", TAKES_TARGET | TAKES_01,
	    "childdbg [N | ~PID | -p PID] [0 | 1]",
	    "show or set child-debug (.childdbg)" },
	{ "go", "g", TAKES_TARGET | TAKES_NH, "go [N | ~PID | -p PID] [-n | -h]",
	    "continue the stopped targets, or one (g, gh, gn)" },
	{ "break", ".breakin", 0, "break", "stop every target of the session (.breakin)" },
	{ "threads", "~", TAKES_TARGET, "threads [N | ~PID | -p PID]",
	    "threads of a process (~)" },
	{ "quit", "q", TAKES_D, "quit [-d]",
	    "end the session: kill its targets, or detach them (-d) (q, qd)" },
};

#define NALIASES (sizeof(aliases) / sizeof(aliases[0]))

static const struct alias *alias_find(const char *name)
{
	size_t i;

	for (i = 0; i < NALIASES; i++)
		if (strcmp(aliases[i].name, name) == 0)
			return &aliases[i];
	return NULL;
}

const char *alias_name(size_t i, const char **usage, const char **summary)
{
	if (i >= NALIASES)
		return NULL;
	if (usage != NULL)
		*usage = aliases[i].usage;
	if (summary != NULL)
		*summary = aliases[i].summary;
	return aliases[i].name;
}

/* What the words of an alias said. */
struct alias_args {
	char target[24];	/* "3" or "~[4312]"; "" when none */
	const char *pid;	/* the PID of a ~PID or -p PID target */
	char flag;		/* 'n', 'h', 'd' or 0 */
	char value;		/* '0', '1' or 0 */
};

/* Reads the arguments of w into args; -1 with a message on misuse. */
static int alias_args(const struct alias *a, const struct words *w,
    struct alias_args *args, char *err, size_t errlen)
{
	const char *word;
	int i, numbers = 0;

	memset(args, 0, sizeof(*args));
	if (w->count > ALIAS_WORDS) {
		snprintf(err, errlen, "%s: too many arguments", a->name);
		return -1;
	}
	for (i = 1; i < w->count; i++) {
		word = w->text[i];
		if ((a->takes & TAKES_TARGET) && args->target[0] == '\0' &&
		    ((word[0] == '~' && is_number(word + 1)) ||
		    (strcmp(word, "-p") == 0 && i + 1 < w->count &&
		    is_number(w->text[i + 1])))) {
			args->pid = word[0] == '-' ? w->text[++i] : word + 1;
			snprintf(args->target, sizeof(args->target), "~[%s]", args->pid);
		} else if ((a->takes & TAKES_NH) && args->flag == 0 &&
		    (strcmp(word, "-n") == 0 || strcmp(word, "-h") == 0)) {
			args->flag = word[1];
		} else if ((a->takes & TAKES_D) && args->flag == 0 &&
		    strcmp(word, "-d") == 0) {
			args->flag = 'd';
		} else if (is_number(word) && numbers++ < 2) {
			/* childdbg 1: the value; childdbg 3 1: ordinal 3's.
			 * attach 4312: the one meaning a number has there. */
			if ((a->takes & TAKES_01) && strlen(word) == 1 &&
			    word[0] <= '1' && args->value == 0 &&
			    (i == w->count - 1)) {
				args->value = word[0];
			} else if ((a->takes & TAKES_TARGET) && args->target[0] == '\0') {
				if (strcmp(a->command, ".attach") == 0)
					args->pid = word;
				snprintf(args->target, sizeof(args->target),
				    args->pid != NULL ? "~[%s]" : "%s", word);
			} else
				goto bad;
		} else
			goto bad;
	}
	if ((a->takes & NEEDS_TARGET) && args->target[0] == '\0') {
		snprintf(err, errlen, "%s: expected %s", a->name,
		    strcmp(a->name, "attach") == 0 ? "a pid" : "an ordinal, ~PID or -p PID");
		return -1;
	}
	return 0;
bad:
	snprintf(err, errlen, "%s: unexpected argument '%s' (usage: %s)",
	    a->name, w->text[i], a->usage);
	return -1;
}

/* Writes the expansion of w by a; -1 with a message in err on misuse. */
static int alias_apply(const struct alias *a, const struct words *w,
    FILE *out, char *err, size_t errlen)
{
	struct alias_args args;

	if (w->unterminated) {
		snprintf(err, errlen, "%s: unterminated quote", a->name);
		return -1;
	}
	if (a->takes & TAKES_REST) {
		/* The program and its arguments go on exactly as typed. */
		if (w->count < 2) {
			snprintf(err, errlen, "%s: expected a command", a->name);
			return -1;
		}
		fputs(a->command, out);
		fwrite(w->after_name, 1, (size_t)(w->end - w->after_name), out);
		return 0;
	}
	if (alias_args(a, w, &args, err, errlen) < 0)
		return -1;
	if (strcmp(a->command, ".attach") == 0) {
		fprintf(out, ".attach %s", args.pid);
		return 0;
	}
	if (strcmp(a->command, "|*") == 0) {
		fprintf(out, "|%s", args.target[0] != '\0' ? args.target : "*");
		return 0;
	}
	if (strcmp(a->command, "|s") == 0) {
		fprintf(out, "|%ss", args.target);
		return 0;
	}
	if (args.target[0] != '\0')
		fprintf(out, "|%s ", args.target);
	if (args.flag == 'd')
		fputs("qd", out);
	else if (strcmp(a->command, "g") == 0)
		fprintf(out, "g%s", args.flag != 0 ? (char[]){ args.flag, '\0' } : "");
	else if (args.flag != 0)
		fprintf(out, "%s /%c", a->command, args.flag);
	else
		fputs(a->command, out);
	if (args.value != 0)
		fprintf(out, " %c", args.value);
	return 0;
}

int alias_is(const char *name)
{
	return alias_find(name) != NULL;
}

char *alias_expand_line(const char *line, char *err, size_t errlen)
{
	const struct alias *a;
	struct words w;
	const char *p = line, *q;
	char *text = NULL;
	size_t size;
	FILE *out;
	int rc = 0;

	if ((out = open_memstream(&text, &size)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	do {
		q = scan_command(p, &w);
		a = w.count > 0 ? alias_find(w.text[0]) : NULL;
		if (a == NULL) {
			fwrite(p, 1, (size_t)(q - p), out);
		} else {
			/* Blanks around the command stay as they were. */
			fwrite(p, 1, (size_t)(w.start - p), out);
			rc = alias_apply(a, &w, out, err, errlen);
			fwrite(w.end, 1, (size_t)(q - w.end), out);
		}
		if (*q == ';')
			fputc(';', out);
		p = q + 1;
	} while (rc == 0 && *q == ';');
	if (fclose(out) != 0 && rc == 0) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
	}
	if (rc != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* Whether the daemon would see word as something other than one word. */
static int needs_quotes(const char *word)
{
	return word[0] == '\0' || strpbrk(word, BLANKS "'\"\\") != NULL;
}

char *alias_join_words(int argc, char **argv)
{
	char *text = NULL;
	size_t size;
	FILE *out;
	int i;
	const char *c;

	if (argc == 1)
		return strdup(argv[0]);
	if ((out = open_memstream(&text, &size)) == NULL)
		return NULL;
	for (i = 0; i < argc; i++) {
		if (i > 0)
			fputc(' ', out);
		if (!needs_quotes(argv[i])) {
			fputs(argv[i], out);
			continue;
		}
		/* Inside single quotes nothing is special but the quote. */
		fputc('\'', out);
		for (c = argv[i]; *c != '\0'; c++) {
			if (*c == '\'')
				fputs("'\\''", out);
			else
				fputc(*c, out);
		}
		fputc('\'', out);
	}
	if (fclose(out) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
