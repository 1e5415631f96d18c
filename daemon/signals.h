/* Signal names as users type them: "SIGSEGV", "segv", "11". */
#ifndef TETHER_SIGNALS_H
#define TETHER_SIGNALS_H

#include <stddef.h>

/* The signal number (1..64), or -1 when s names none. Case does not
 * matter and the SIG prefix is optional; real-time signals are numbers. */
int signal_parse(const char *s);
/* "SIGSEGV", or "SIG34" for one without a name. */
const char *signal_name(int sig, char *buf, size_t len);

#endif
