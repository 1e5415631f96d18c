/*
 * tetherctl report --junit FILE: the daemon's report (every target's
 * verdict) as JUnit XML, the form CI systems read: a testsuite per system,
 * a testcase per target.
 */
#ifndef TETHER_JUNIT_H
#define TETHER_JUNIT_H

#include "fleet.h"

/*
 * Runs the command words (report, or ||SYSTEMS report, with report's own
 * options; since, when not NULL, is added as -s) and writes what the
 * systems answered to file. Returns an exit code, as fleet_run's; a file
 * that cannot be written is a failure (exit 1).
 */
int junit_report(struct fleet *f, char **words, int nwords, const char *since,
    const char *file);

#endif
