#include <stdio.h>

#include "triage-hook.h"

int
triage_hook_dump(struct target *t, const char *reason, enum limit_action action,
    char *err, size_t errlen)
{
	(void)t;
	(void)reason;
	(void)action;
	snprintf(err, errlen, "this tetherd cannot triage yet");
	return -1;
}
