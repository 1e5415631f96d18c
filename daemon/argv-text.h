/*
 * A target's command line (its /proc/PID/cmdline, arguments joined by
 * blanks) as people read it: in text, on one line of a terminal; in JSON,
 * whole. The bytes are the target's own, so nothing in them may move the
 * cursor, start a new line or break the JSON encoder.
 */
#ifndef TETHER_ARGV_TEXT_H
#define TETHER_ARGV_TEXT_H

#include <stddef.h>

#include <jansson.h>

/*
 * cmdline into buf for text: a control character or a byte that is not
 * part of a UTF-8 character shows as '?'; when width > 0 and it has more
 * characters than that, it is cut to width with "..." as its last three.
 * Returns buf.
 */
const char *argv_text(const char *cmdline, int width, char *buf, size_t len);

/*
 * Appends label and cmdline to the line in buf (of len bytes), the command
 * line cut so that the whole line fits in width characters (width <= 0:
 * whole), but never to fewer than ARGV_TEXT_MIN of them. Nothing when
 * cmdline is NULL or empty. The label of a status line: ARGV_LABEL.
 */
#define ARGV_TEXT_MIN 16
#define ARGV_LABEL "  cmd: "
void argv_text_append(char *buf, size_t len, const char *label,
    const char *cmdline, int width);

/*
 * A status line: to the start of it in buf, "  cmd: CMDLINE" (ARGV_LABEL)
 * and then tail (ASCII), the command line cut so that all of it fits in
 * width characters (argv_text_append).
 */
void argv_text_line(char *buf, size_t len, const char *cmdline,
    const char *tail, int width);

/* The daemon's log shows at most this many characters of a command line. */
#define ARGV_LOG_WIDTH 200
#define ARGV_LOG_MAX (4 * ARGV_LOG_WIDTH)

/* cmdline whole as a JSON string (a byte that is not UTF-8 becomes
 * U+FFFD), or JSON null when cmdline is NULL. */
json_t *argv_json(const char *cmdline);

#endif
