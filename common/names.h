/*
 * Session names. A name becomes part of file names (the logs of the
 * session's targets) and of what users type, so it is a restricted set:
 * letters, digits, '-', '_' and '.', not starting with '.' (no "..", no
 * hidden file, no path), at most TETHER_SESSION_NAME_MAX bytes. tetherctl,
 * the configuration and every request apply the same rule.
 */
#ifndef TETHER_NAMES_H
#define TETHER_NAMES_H

#define TETHER_SESSION_NAME_MAX 64

/* NULL when name is a valid session name, else why it is not. */
const char *tether_session_name_error(const char *name);

#endif
