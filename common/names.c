#include <stddef.h>

#include "names.h"

#define STR(x) #x
#define XSTR(x) STR(x)

static int
name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

const char *
tether_session_name_error(const char *name)
{
	size_t i;

	if (name[0] == '\0')
		return "empty session name";
	if (name[0] == '.')
		return "a session name does not start with '.'";
	for (i = 0; name[i] != '\0'; i++) {
		if (i == TETHER_SESSION_NAME_MAX)
			return "a session name has at most " XSTR(TETHER_SESSION_NAME_MAX) " characters";
		if (!name_char(name[i]))
			return "a session name has only letters, digits, '-', '_' and '.'";
	}
	return NULL;
}
