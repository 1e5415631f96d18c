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

/* The words of one command, as scanned. */
struct words {
	int count;
	char text[2][WORD_MAX];	/* first two words, unquoted */
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
		p = scan_word(p, w->count < 2 ? w->text[w->count] : NULL,
		    &w->unterminated);
		if (w->count == 0)
			w->after_name = p;
		w->end = p;
		w->count++;
	}
}

static int is_number(const char *s)
{
	return s[0] != '\0' && strspn(s, "0123456789") == strlen(s);
}

/* "-n" and "-h" (the outstanding event: not handled / handled). */
static int is_nh_flag(const char *s)
{
	return strcmp(s, "-n") == 0 || strcmp(s, "-h") == 0;
}

/*
 * Each expander writes the command for one or more arguments (w->text[1] is
 * the first), or returns -1 when the argument is not what the alias takes.
 */
static int ex_ps(const struct words *w, FILE *out)
{
	if (!is_number(w->text[1]))
		return -1;
	fprintf(out, "|%s", w->text[1]);
	return 0;
}

static int ex_select(const struct words *w, FILE *out)
{
	if (!is_number(w->text[1]))
		return -1;
	fprintf(out, "|%ss", w->text[1]);
	return 0;
}

/* detach -n: .detach /n, and the same for abandon. */
static int ex_nh(const struct words *w, FILE *out)
{
	if (!is_nh_flag(w->text[1]))
		return -1;
	fprintf(out, ".%s /%c", w->text[0], w->text[1][1]);
	return 0;
}

/* go -h: gh, go -n: gn. */
static int ex_go(const struct words *w, FILE *out)
{
	if (!is_nh_flag(w->text[1]))
		return -1;
	fprintf(out, "g%c", w->text[1][1]);
	return 0;
}

static int ex_kill(const struct words *w, FILE *out)
{
	if (is_nh_flag(w->text[1]))
		fprintf(out, ".kill /%c", w->text[1][1]);
	else if (is_number(w->text[1]))
		fprintf(out, ".kill %s", w->text[1]);
	else
		return -1;
	return 0;
}

static int ex_attach(const struct words *w, FILE *out)
{
	if (!is_number(w->text[1]))
		return -1;
	fprintf(out, ".attach %s", w->text[1]);
	return 0;
}

/* The program and its arguments go on exactly as typed, quotes included. */
static int ex_run(const struct words *w, FILE *out)
{
	fputs(".create", out);
	fwrite(w->after_name, 1, (size_t)(w->end - w->after_name), out);
	return 0;
}

static int ex_childdbg(const struct words *w, FILE *out)
{
	if (strcmp(w->text[1], "0") != 0 && strcmp(w->text[1], "1") != 0)
		return -1;
	fprintf(out, ".childdbg %s", w->text[1]);
	return 0;
}

static int ex_quit(const struct words *w, FILE *out)
{
	if (strcmp(w->text[1], "-d") != 0)
		return -1;
	fputs("qd", out);
	return 0;
}

static const struct alias {
	const char *name;
	const char *bare;	/* the command without arguments; NULL: needs one */
	int max_args;		/* -1: any number */
	const char *expects;	/* what the argument must be */
	int (*expand)(const struct words *, FILE *);
} aliases[] = {
	{ "ps",		"|*",		1,	"an ordinal",		ex_ps },
	{ "select",	NULL,		1,	"an ordinal",		ex_select },
	{ "detach",	".detach",	1,	"-n or -h",		ex_nh },
	{ "abandon",	".abandon",	1,	"-n or -h",		ex_nh },
	{ "break",	".breakin",	0,	NULL,			NULL },
	{ "kill",	".kill",	1,	"-n, -h or a pid",	ex_kill },
	{ "attach",	NULL,		1,	"a pid",		ex_attach },
	{ "run",	NULL,		-1,	"a command",		ex_run },
	{ "childdbg",	".childdbg",	1,	"0 or 1",		ex_childdbg },
	{ "go",		"g",		1,	"-n or -h",		ex_go },
	{ "threads",	"~",		0,	NULL,			NULL },
	{ "quit",	"q",		1,	"-d",			ex_quit },
};

static const struct alias *alias_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(aliases[i].name, name) == 0)
			return &aliases[i];
	return NULL;
}

/* Writes the expansion of w by a; -1 with a message in err on misuse. */
static int alias_apply(const struct alias *a, const struct words *w,
    FILE *out, char *err, size_t errlen)
{
	int nargs = w->count - 1;

	if (w->unterminated) {
		snprintf(err, errlen, "%s: unterminated quote", a->name);
		return -1;
	}
	if (a->max_args >= 0 && nargs > a->max_args) {
		snprintf(err, errlen, "%s: too many arguments", a->name);
		return -1;
	}
	if (nargs == 0 && a->bare != NULL) {
		fputs(a->bare, out);
		return 0;
	}
	if (nargs == 0 || a->expand(w, out) < 0) {
		snprintf(err, errlen, "%s: expected %s", a->name, a->expects);
		return -1;
	}
	return 0;
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
