#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model.h"
#include "signals.h"

int
signal_parse(const char *s)
{
	const char *abbrev;
	char *end;
	long n;
	int sig;

	if (isdigit((unsigned char)s[0])) {
		errno = 0;
		n = strtol(s, &end, 10);
		return errno == 0 && *end == '\0' && n >= 1 && n <= SIGNAL_MAX ? (int)n : -1;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (sig = 1; sig <= SIGNAL_MAX; sig++)
		if ((abbrev = sigabbrev_np(sig)) != NULL && strcasecmp(abbrev, s) == 0)
			return sig;
	return -1;
}

const char *
signal_name(int sig, char *buf, size_t len)
{
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev != NULL)
		snprintf(buf, len, "SIG%s", abbrev);
	else
		snprintf(buf, len, "SIG%d", sig);
	return buf;
}
