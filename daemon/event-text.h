/* One debug event as a person reads it, in `events` and `events -f`. */
#ifndef TETHER_EVENT_TEXT_H
#define TETHER_EVENT_TEXT_H

#include <stddef.h>
#include <jansson.h>

/* ev: {"at", "ordinal", "kind", "detail", "cmdline"} as store_events_query
 * gives it. "2026-11-26 06:21:55  |0    signal   {"signal":11,...}  cmd:
 * python3 test_io.py", the command line cut to fit in width characters
 * (0: whole; see argv_text_append). */
void event_text(const json_t *ev, int width, char *buf, size_t len);

/* Every kind of event the daemon records (schema/README.md), NULL-ended:
 * events -k accepts these words. A new kind is added here. */
extern const char *const event_kinds[];

#endif
