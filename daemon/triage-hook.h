/*
 * The dump actions of the hang and crash limits (tether.conf: timeout =
 * 30m dump+kill): the triage of issue 7 (stacks, core files, then the
 * action), through one seam. -1 with a message in err when it cannot start.
 */
#ifndef TETHER_TRIAGE_HOOK_H
#define TETHER_TRIAGE_HOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"
#include "model.h"


/* reason: "timeout" or "break_timeout"; cause: how the targets the action
 * ends are recorded; action: one of the LIMIT_DUMP*; handled: dump+kill/h
 * (an outstanding signal is suppressed, not delivered first). */
int triage_hook_dump(struct target *t, const char *reason,
    const struct end_cause *cause, enum limit_action action, bool handled,
    char *err, size_t errlen);

#endif
