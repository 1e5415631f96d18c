/*
 * What the libFuzzer harnesses share: the entry point libFuzzer calls, and
 * the input as the parsers take it (a C string), and the way a harness
 * reports a broken property (abort: libFuzzer saves the input).
 */
#ifndef TETHER_FUZZ_H
#define TETHER_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input up to its first NUL, NUL-terminated, in a buffer of its own
 * size so that AddressSanitizer sees a read past the end. */
static inline char *
fuzz_string(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t len = nul != NULL ? (size_t)(nul - data) : size;
	char *s = malloc(len + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, len);
	s[len] = '\0';
	return s;
}

#define fuzz_assert(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: property broken: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

#endif
