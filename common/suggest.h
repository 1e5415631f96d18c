/*
 * "Did you mean": the candidate closest to a mistyped word, when it is
 * close enough to be the one meant (a typo, not another word).
 */
#ifndef TETHER_SUGGEST_H
#define TETHER_SUGGEST_H

struct suggest {
	const char *word;	/* as typed */
	const char *best;	/* NULL while no candidate is close */
	int distance;
};

void suggest_init(struct suggest *s, const char *word);
/* Weighs one candidate; keeps it when it is the closest so far. */
void suggest_try(struct suggest *s, const char *candidate);
/* " (did you mean X?)", or "" when nothing is close: for messages. */
const char *suggest_hint(const struct suggest *s, char *buf, int len);

#endif
