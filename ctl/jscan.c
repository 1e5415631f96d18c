/* JSON text walked without being decoded (jscan.h). */
#include <string.h>

#include "jscan.h"

/* Deeper than any reply nests; it bounds the recursion of skip_value. */
#define MAX_DEPTH 64

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* The end of the string that starts at p, on its quote; NULL if none. */
static const char *skip_string(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '"')
			return p + 1;
		if ((unsigned char)*p < 0x20)
			return NULL;
		/* An escape: what follows cannot end the string. */
		if (*p == '\\' && ++p == end)
			return NULL;
	}
	return NULL;
}

/* A number or a literal: checked by its characters only. */
static const char *skip_scalar(const char *p, const char *end)
{
	const char *start = p;

	while (p < end && *p != '\0' && strchr("0123456789+-.eEtruefalsn", *p) != NULL)
		p++;
	return p > start ? p : NULL;
}

static const char *skip_value(const char *p, const char *end, int depth)
{
	struct jscan s = { .p = p + 1, .end = end, .depth = depth + 1 };
	struct jspan key, value;
	int rc;

	if (p == end)
		return NULL;
	if (*p == '"')
		return skip_string(p, end);
	if (*p != '{' && *p != '[')
		return skip_scalar(p, end);
	if (depth >= MAX_DEPTH)
		return NULL;
	s.object = *p == '{';
	while ((rc = jscan_next(&s, &key, &value)) == 1)
		;
	return rc == 0 ? s.p : NULL;
}

int jscan_open(struct jscan *s, const char *text, size_t len)
{
	const char *p = skip_ws(text, text + len), *end = text + len;

	while (end > p && skip_ws(end - 1, end) == end)
		end--;
	if (end - p < 2 || !((*p == '{' && end[-1] == '}') || (*p == '[' && end[-1] == ']')))
		return -1;
	*s = (struct jscan){ .p = p + 1, .end = end, .object = *p == '{', .whole = true };
	return 0;
}

/* Past the ',' before the next member or element, or the close: 1, 0 at
 * the close, -1 when neither is there. */
static int scan_separator(struct jscan *s)
{
	const char *p = skip_ws(s->p, s->end);

	if (p < s->end && *p == (s->object ? '}' : ']')) {
		s->p = p + 1;
		/* What jscan_open found at the end must be this close. */
		return s->whole && s->p != s->end ? -1 : 0;
	}
	if (s->started) {
		if (p == s->end || *p != ',')
			return -1;
		p = skip_ws(p + 1, s->end);
	}
	s->p = p;
	return 1;
}

int jscan_next(struct jscan *s, struct jspan *key, struct jspan *value)
{
	const char *p, *q;
	int rc;

	if ((rc = scan_separator(s)) != 1)
		return rc;
	p = s->p;
	if (s->object) {
		if (p == s->end || *p != '"' || (q = skip_string(p, s->end)) == NULL)
			return -1;
		*key = (struct jspan){ p, (size_t)(q - p) };
		p = skip_ws(q, s->end);
		if (p == s->end || *p != ':')
			return -1;
		p = skip_ws(p + 1, s->end);
	}
	if ((q = skip_value(p, s->end, s->depth)) == NULL)
		return -1;
	*value = (struct jspan){ p, (size_t)(q - p) };
	s->p = q;
	s->started = true;
	return 1;
}

bool jspan_is(struct jspan span, const char *lit)
{
	return span.len == strlen(lit) && memcmp(span.p, lit, span.len) == 0;
}
