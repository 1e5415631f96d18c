/*
 * tetherctl logs N [-f] [-n LINES|all]: the output of a created target, as
 * docker logs shows a container's. The daemon hands it out a piece at a
 * time (its logs command); -f asks again for what follows, across the log's
 * rotations, until the target has ended and everything is printed.
 */
#ifndef TETHER_LOGS_H
#define TETHER_LOGS_H

#include <stdbool.h>

#include "fleet.h"

/* Whether line is a logs command (one command, no ';'): if so, runs it
 * and sets *status to its exit code. */
bool logs_line(struct fleet *f, const char *line, int *status);

#endif
