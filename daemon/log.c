#include <stdarg.h>
#include <stdio.h>

#include "log.h"

static int log_verbose;

void
log_set_verbose(int verbose)
{
	log_verbose = verbose;
}

static void
log_vprint(const char *level, const char *fmt, va_list ap)
{
	fprintf(stderr, "tetherd: %s", level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	if (log_verbose < 0)
		return;
	va_start(ap, fmt);
	log_vprint("", fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprint("warning: ", fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (log_verbose <= 0)
		return;
	va_start(ap, fmt);
	log_vprint("debug: ", fmt, ap);
	va_end(ap);
}
