/*
 * Replies of the daemon (common/proto.h), printed the way tetherctl prints
 * them: the text, or with --json the data as it came. A reply of one
 * system among several is tagged: each text line starts with the system's
 * number and host, each JSON line is wrapped with them.
 */
#ifndef TETHER_REPLY_H
#define TETHER_REPLY_H

#include <jansson.h>
#include <stdbool.h>

#include "jscan.h"

/*
 * A reply: the data as it came, the other members decoded. The daemon
 * encodes the data compact, as tetherctl prints it, so it is printed as it
 * came: the same bytes as decoding and encoding it again, at a fraction of
 * the cost when it is megabytes.
 */
struct reply {
	json_t *head;		/* every member but "data" */
	struct jspan data;	/* "null" when there is none */
};

/* How the output of one system is marked; NULL for no mark. */
struct tag {
	char *text;		/* before each text line: "1  farm2  " */
	char *json;		/* opens each JSON line: {"system":1,"host":"farm2", */
	char *err;		/* before each error message: "||1 farm2: " */
};

/* Fills r from the reply line (r->head to be released even on failure);
 * -1 if it is not a well-formed JSON object. */
int reply_parse(const char *line, size_t len, struct reply *r);

/* Whether the reply acknowledges events -f: the lines after it are events. */
bool reply_follows(const struct reply *r);

/* Prints r; returns the exit code it stands for, or -1 if malformed. */
int reply_print(const struct reply *r, bool json, const struct tag *tag);

/* Prints one line of an events -f stream: 0; 1 when it is the daemon's
 * last, saying why the stream ends (into end); -1 if it is not JSON. */
int reply_print_event(const char *line, bool json, const struct tag *tag,
    char *end, size_t endlen);

#endif
