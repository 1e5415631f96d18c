/*
 * Process identifiers of the command language (DESIGN §3):
 *   |.  current process      |#  event process      |*  all processes
 *   |N  ordinal N (decimal)  |~[PID]  system pid    |   alone: all processes
 */
#ifndef TETHER_PROCID_H
#define TETHER_PROCID_H

enum procid_kind {
	PROCID_NONE,	/* no identifier given */
	PROCID_CURRENT,
	PROCID_EVENT,
	PROCID_ALL,
	PROCID_ORDINAL,
	PROCID_PID,
};

struct procid {
	enum procid_kind kind;
	long value;	/* the ordinal or the pid */
};

/*
 * Parses the identifier at the start of s, which must begin with '|'.
 * Returns how many characters it took, or -1 with *err pointing to a static
 * message ("bad process identifier: ordinal is not a number", ...).
 * Parsing stops at the first character that cannot continue the identifier
 * ("|1s" takes 2 characters: "|1"); the caller decides what may follow.
 * Ordinals and pids are decimal, 0..INT_MAX; "|~[PID]" needs the brackets
 * and no spaces.
 */
int procid_parse(const char *s, struct procid *id, const char **err);

/* The identifier written back in the language: "|.", "|3", "|~[42]". */
const char *procid_format(const struct procid *id, char *buf, unsigned len);

#endif
