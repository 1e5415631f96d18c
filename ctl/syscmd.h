/*
 * Command lines as tetherctl runs them: "||" lines are system commands
 * (the fleet's list, selection, and commands run on several systems at
 * once); every other line goes to the current system.
 */
#ifndef TETHER_SYSCMD_H
#define TETHER_SYSCMD_H

#include "fleet.h"

/* Runs one command line (aliases are expanded here); returns an exit code. */
int syscmd_run_line(struct fleet *f, const char *line);

#endif
