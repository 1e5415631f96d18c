#include <stdio.h>

#include "log.h"
#include "model.h"
#include "triage.h"
#include "triage-hook.h"

int
triage_hook_dump(struct target *t, const char *reason,
    const struct end_cause *cause, enum limit_action action, bool handled,
    char *err, size_t errlen)
{
	struct triage_opts o = { .core = true, .reason = reason, .owner = t->uid,
	    .cause = *cause };

	switch (action) {
	case LIMIT_DUMP_KILL:
		o.then = TRIAGE_THEN_KILL;
		o.deliver = !handled;
		break;
	case LIMIT_DUMP_DETACH:
		o.then = TRIAGE_THEN_DETACH;
		break;
	case LIMIT_DUMP_ABANDON:
		o.then = TRIAGE_THEN_ABANDON;
		break;
	default:
		o.then = TRIAGE_THEN_NONE;
		break;
	}
	return triage_dump(t, &o, NULL, NULL, err, errlen);
}
