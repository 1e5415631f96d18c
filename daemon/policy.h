/*
 * Attach policies ([policy "NAME"] sections of tether.conf): matching a
 * process that has just exec'd against them, attaching it with the
 * policy's options; and the hang and crash limits (timeout,
 * on_break_timeout) of the targets that policies and [target] sections
 * make, and of the children that join through them.
 */
#ifndef TETHER_POLICY_H
#define TETHER_POLICY_H

#include <stdbool.h>
#include <sys/types.h>

#include "conf.h"
#include "model.h"

struct event_base;

void policy_init(struct event_base *base);
/* The policies in force (cfg must live until the next call or policy_free);
 * applies the signal filters of cfg's sections to their sessions. */
void policy_set(const struct config *cfg);
void policy_free(void);

/*
 * pid has just exec'd, or a scan has found it: when the first policy it
 * matches says attach, attaches it. Skips tetherd itself, targets, and
 * processes traced already. exec_ns: when the exec happened (CLOCK_MONOTONIC,
 * the connector's stamp), or 0; the time from it to the attach is recorded
 * with the policy event. 1 when it was attached, -1 when the process is in
 * the middle of an exec (look again later: a scan does at its next passes,
 * the connector reports the exec when it is over), else 0.
 */
int policy_consider(pid_t pid, unsigned long long exec_ns);

/*
 * t has just joined through a policy or a [target] section (origin_kind
 * "policy" or "target", origin_name its name): records why, sets its
 * child-debug flag and watches its limits.
 */
void policy_govern(struct target *t, const char *origin_kind,
    const char *origin_name, const struct run_opts *o);

/* Whether the event is a break: a signal whose filter holds the target. */
bool policy_is_break(const char *kind, const char *detail);

#endif
