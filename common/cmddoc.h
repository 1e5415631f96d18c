/*
 * What each command of the language is for: its name, how it is written
 * and one line on what it does. tetherd takes its usage messages from here
 * and tetherctl its help, so the two never disagree.
 */
#ifndef TETHER_CMDDOC_H
#define TETHER_CMDDOC_H

#include <stddef.h>

struct cmd_doc {
	const char *name;	/* as the daemon's command table names it */
	const char *usage;
	const char *summary;	/* one line */
};

extern const struct cmd_doc cmd_docs[];
extern const size_t cmd_docs_count;

/* The entry named name, or NULL. */
const struct cmd_doc *cmd_doc_find(const char *name);

#endif
