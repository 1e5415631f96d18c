/*
 * Process identifiers of the command language: "|.", "|#", "|*", "|N",
 * "|~[PID]" and "|" alone.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>

#include "procid.h"

/*
 * Reads the decimal number at s. Returns how many digits it took (0: none),
 * or -1 when the number is above INT_MAX; the digits are all consumed even
 * then, so that "|99999999999" is reported as out of range and not as a
 * number followed by junk.
 */
static int parse_decimal(const char *s, long *value)
{
	long v = 0;
	int n = 0, over = 0;

	for (; isdigit((unsigned char)s[n]); n++) {
		int d = s[n] - '0';

		if (over || v > (INT_MAX - d) / 10)
			over = 1;
		else
			v = v * 10 + d;
	}
	if (over)
		return -1;
	*value = v;
	return n;
}

static int parse_pid(const char *s, struct procid *id, const char **err)
{
	int n;

	/* s points after "|~" */
	if (s[0] != '[') {
		*err = "bad process identifier: a pid is written |~[PID]";
		return -1;
	}
	n = parse_decimal(s + 1, &id->value);
	if (n < 0) {
		*err = "bad process identifier: pid out of range";
		return -1;
	}
	if (n == 0) {
		*err = "bad process identifier: pid is not a number";
		return -1;
	}
	if (s[1 + n] != ']') {
		*err = "bad process identifier: missing ']' after the pid";
		return -1;
	}
	id->kind = PROCID_PID;
	return 2 + 1 + n + 1;	/* "|~" "[" digits "]" */
}

int procid_parse(const char *s, struct procid *id, const char **err)
{
	int n;

	if (s[0] != '|') {
		*err = "bad process identifier: expected '|'";
		return -1;
	}
	switch (s[1]) {
	case '.':
		id->kind = PROCID_CURRENT;
		id->value = 0;
		return 2;
	case '#':
		id->kind = PROCID_EVENT;
		id->value = 0;
		return 2;
	case '*':
		id->kind = PROCID_ALL;
		id->value = 0;
		return 2;
	case '~':
		return parse_pid(s + 2, id, err);
	}
	if (isdigit((unsigned char)s[1])) {
		n = parse_decimal(s + 1, &id->value);
		if (n < 0) {
			*err = "bad process identifier: ordinal out of range";
			return -1;
		}
		id->kind = PROCID_ORDINAL;
		return 1 + n;
	}
	/*
	 * A letter or a sign right after '|' is a mistyped ordinal ("|x",
	 * "|-1"), not "|" alone followed by something else.
	 */
	if (isalnum((unsigned char)s[1]) || s[1] == '-' || s[1] == '+') {
		*err = "bad process identifier: ordinal is not a number";
		return -1;
	}
	id->kind = PROCID_ALL;
	id->value = 0;
	return 1;
}

const char *procid_format(const struct procid *id, char *buf, unsigned len)
{
	switch (id->kind) {
	case PROCID_ORDINAL:
		snprintf(buf, len, "|%ld", id->value);
		break;
	case PROCID_PID:
		snprintf(buf, len, "|~[%ld]", id->value);
		break;
	case PROCID_CURRENT:
		snprintf(buf, len, "|.");
		break;
	case PROCID_EVENT:
		snprintf(buf, len, "|#");
		break;
	case PROCID_ALL:
		snprintf(buf, len, "|*");
		break;
	case PROCID_NONE:
		if (len > 0)
			buf[0] = '\0';
		break;
	}
	return buf;
}
