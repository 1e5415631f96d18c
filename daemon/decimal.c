/* Plain decimal numbers (decimal.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "decimal.h"

int
decimal_parse(const char *s, double *v, const char **end)
{
	const char *p = s;
	int digits = 0, dots = 0;
	char *stop;

	for (; isdigit((unsigned char)*p) || *p == '.'; p++) {
		if (*p == '.')
			dots++;
		else
			digits++;
	}
	if (digits == 0 || dots > 1)
		return -1;
	errno = 0;
	*v = strtod(s, &stop);
	/* strtod reads the same characters: nothing else could start them. */
	if (errno != 0 || stop != p || !isfinite(*v))
		return -1;
	*end = p;
	return 0;
}
