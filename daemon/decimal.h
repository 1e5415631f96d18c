/*
 * Plain decimal numbers for the configuration and the command line: strtod
 * alone would also take hex (0x10), exponents (1e-9), inf, nan, signs and
 * leading blanks, which a person writing "timeout = 30" never means.
 */
#ifndef TETHER_DECIMAL_H
#define TETHER_DECIMAL_H

/*
 * Reads digits with at most one '.' (at least one digit) from the start of
 * s: sets *v and *end (just after the number). 0, or -1 when s does not
 * start with such a number.
 */
int decimal_parse(const char *s, double *v, const char **end);

#endif
