/*
 * tetherctl's help: the commands of the language (common/cmddoc.c, the
 * table tetherd's usage messages come from), the aliases (alias.c) and
 * tetherctl's own commands, each with its usage and one line on it.
 */
#ifndef TETHER_HELP_H
#define TETHER_HELP_H

#include <stdio.h>

/* Everything: options, commands, aliases. */
void help_all(FILE *out);
/* One command, alias or tetherctl command: its usage and summary. Returns
 * an exit code: 1 with a message (and a "did you mean") for an unknown one. */
int help_command(FILE *out, const char *name);
/* The names help knows, one by one (NULL past the last): for completion and
 * suggestions. */
const char *help_name(size_t i);
/*
 * Whether line asks for help ("help", "help CMD", "? CMD", "CMD --help"):
 * if so, prints it and sets *status to its exit code.
 */
int help_line(const char *line, int *status);

#endif
