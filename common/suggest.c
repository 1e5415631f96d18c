#include <stdio.h>
#include <string.h>

#include "suggest.h"

/* Optimal string alignment: edits, an adjacent swap counting as one (the
 * commonest typo). Longer words than this are compared by their heads. */
#define SUGGEST_MAX 64

static int
distance(const char *a, const char *b)
{
	int d[SUGGEST_MAX + 1][SUGGEST_MAX + 1];
	int n = (int)strnlen(a, SUGGEST_MAX), m = (int)strnlen(b, SUGGEST_MAX);
	int i, j, v;

	for (i = 0; i <= n; i++)
		d[i][0] = i;
	for (j = 0; j <= m; j++)
		d[0][j] = j;
	for (i = 1; i <= n; i++) {
		for (j = 1; j <= m; j++) {
			v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[n][m];
}

void
suggest_init(struct suggest *s, const char *word)
{
	*s = (struct suggest){ .word = word, .best = NULL, .distance = 0 };
}

void
suggest_try(struct suggest *s, const char *candidate)
{
	int d = distance(s->word, candidate);
	int len = (int)strlen(candidate);
	/* Two edits in a long word, one in a short one: beyond that the
	 * word typed was another word, not a typo. */
	int limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;

	if (d == 0 || d > limit || (s->best != NULL && d >= s->distance))
		return;
	s->best = candidate;
	s->distance = d;
}

const char *
suggest_hint(const struct suggest *s, char *buf, int len)
{
	if (s->best == NULL)
		return "";
	snprintf(buf, (size_t)len, " (did you mean %s?)", s->best);
	return buf;
}
