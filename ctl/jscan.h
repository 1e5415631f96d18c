/*
 * JSON text walked without being decoded. A reply can be megabytes ("|*" of
 * 10,000 targets) and tetherctl --json prints its data as it came: decoding
 * it into a tree only to encode it again would cost more than the rest of
 * the round trip. This finds where the members and elements are, checking
 * the structure (brackets, commas, colons, strings) but not every scalar:
 * a value that is used is decoded with jansson, which checks the rest.
 */
#ifndef TETHER_JSCAN_H
#define TETHER_JSCAN_H

#include <stdbool.h>
#include <stddef.h>

/* Some JSON text, as it came. */
struct jspan {
	const char *p;
	size_t len;
};

/* A cursor over the members of an object or the elements of an array. */
struct jscan {
	const char *p, *end;
	bool object;		/* members, else elements */
	bool started;		/* one has been returned: a ',' comes next */
	bool whole;		/* its close ends the text (jscan_open) */
	int depth;
};

/* Opens the object or array that is the whole of text, white space aside:
 * 0, or -1 when text is neither. */
int jscan_open(struct jscan *s, const char *text, size_t len);

/*
 * The next member (key: its key as JSON text, quotes included) or element
 * (key is left alone) into value. Returns 1; 0 at the end; -1 when the text
 * is malformed.
 */
int jscan_next(struct jscan *s, struct jspan *key, struct jspan *value);

/* Whether span is exactly the JSON text lit ("null", "\"data\""). */
bool jspan_is(struct jspan span, const char *lit);

#endif
