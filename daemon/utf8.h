#ifndef TETHER_UTF8_H
#define TETHER_UTF8_H

#include <stddef.h>

/*
 * The length of the well-formed UTF-8 character at in, of which n >= 1
 * bytes are there (as RFC 3629 and jansson read it: no overlong form, no
 * surrogate): 1 to 4, 0 when the end cuts it off, -1 when it is invalid.
 */
int utf8_sequence(const unsigned char *in, size_t n);

#endif
