/* A target's command line for people and for JSON (argv-text.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argv-text.h"
#include "utf8.h"

/* The length of the well-formed UTF-8 character at p, in a string that
 * ends with its NUL, or 0. */
static size_t
utf8_len(const unsigned char *p)
{
	int n = utf8_sequence(p, strnlen((const char *)p, 4));

	return n > 0 ? (size_t)n : 0;
}

/* Whether the character of n bytes at p shows as '?': a control (C0, DEL,
 * C1: 0x9b starts an escape sequence on some terminals), or U+FFFD, what
 * argv_json made of a stray byte (the text of an event comes from JSON). */
static bool
shown_as_mark(const unsigned char *p, size_t n)
{
	return (n == 1 && (p[0] < 0x20 || p[0] == 0x7f)) ||
	    (n == 2 && p[0] == 0xc2 && p[1] < 0xa0) ||
	    (n == 3 && memcmp(p, "\xef\xbf\xbd", 3) == 0);
}

/* Characters of s as argv_text shows them. */
static size_t
text_chars(const unsigned char *s)
{
	size_t count = 0, n;

	for (; *s != '\0'; s += n, count++)
		if ((n = utf8_len(s)) == 0)
			n = 1;
	return count;
}

const char *
argv_text(const char *cmdline, int width, char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)(cmdline != NULL ? cmdline : "");
	size_t keep = (size_t)-1, out = 0, n, shown;
	bool cut = false;

	if (len == 0)
		return buf;
	if (width > 0 && text_chars(p) > (size_t)width) {
		keep = width > 3 ? (size_t)width - 3 : 0;
		cut = true;
	}
	for (shown = 0; *p != '\0' && shown < keep; p += n, shown++) {
		n = utf8_len(p);
		if (n == 0 || shown_as_mark(p, n)) {
			if (out + 1 >= len)
				break;
			buf[out++] = '?';
			n = n == 0 ? 1 : n;
			continue;
		}
		if (out + n >= len)
			break;
		memcpy(buf + out, p, n);
		out += n;
	}
	if (cut)
		for (n = 0; n < 3 && n < (size_t)width && out + 1 < len; n++)
			buf[out++] = '.';
	buf[out] = '\0';
	return buf;
}

void
argv_text_append(char *buf, size_t len, const char *label, const char *cmdline,
    int width)
{
	size_t used = strlen(buf), n = strlen(label);
	int room = 0;

	if (cmdline == NULL || cmdline[0] == '\0' || used + n + 1 >= len)
		return;
	memcpy(buf + used, label, n + 1);
	used += n;
	if (width > 0) {
		room = width - (int)text_chars((const unsigned char *)buf);
		if (room < ARGV_TEXT_MIN)
			room = ARGV_TEXT_MIN;
	}
	argv_text(cmdline, room, buf + used, len - used);
}

void
argv_text_line(char *buf, size_t len, const char *cmdline, const char *tail,
    int width)
{
	size_t used;
	int n = (int)strlen(tail);

	argv_text_append(buf, len, ARGV_LABEL, cmdline, width <= 0 ? 0 :
	    width > n ? width - n : 1);
	used = strlen(buf);
	snprintf(buf + used, len - used, "%s", tail);
}

json_t *
argv_json(const char *cmdline)
{
	const unsigned char *p = (const unsigned char *)cmdline;
	json_t *j;
	char *copy, *out;
	size_t n;

	if (cmdline == NULL)
		return json_null();
	if ((j = json_string(cmdline)) != NULL)
		return j;
	/* At most three bytes (U+FFFD) for each one. */
	if ((copy = out = malloc(3 * strlen(cmdline) + 1)) == NULL)
		return NULL;
	for (; *p != '\0'; p += n) {
		if ((n = utf8_len(p)) == 0) {
			memcpy(out, "\xef\xbf\xbd", 3);
			out += 3;
			n = 1;
			continue;
		}
		memcpy(out, p, n);
		out += n;
	}
	*out = '\0';
	j = json_string(copy);
	free(copy);
	return j;
}
