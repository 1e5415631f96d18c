/*
 * Shell-friendly spellings (DESIGN §3) that need no quoting, mapped one to
 * one onto the command language:
 *   ps [N]            |*  (|N)          select N         |Ns
 *   detach [-n|-h]    .detach [/n|/h]   kill [-n|-h]     .kill [/n|/h]
 *   kill PID          .kill PID         attach PID       .attach PID
 *   run CMD [ARGS]    .create CMD ...   childdbg [0|1]   .childdbg [0|1]
 *   go [-h|-n]        g (gh, gn)        threads          ~
 *   abandon [-n|-h]   .abandon [/n|/h]  break            .breakin
 *   quit              q                 quit -d          qd
 * Every other command passes through unchanged.
 */
#ifndef TETHER_ALIAS_H
#define TETHER_ALIAS_H

#include <stddef.h>

/*
 * Joins the words of argv into one command line: a word holding blanks,
 * quotes or a backslash is single-quoted so that the daemon sees it as one
 * word; ';' is left alone so that it still separates commands. A single
 * word is taken as a whole command line, as it is. Returns malloc'd text.
 */
char *alias_join_words(int argc, char **argv);

/*
 * Rewrites each ';'-separated command of line whose first word is an alias.
 * Returns malloc'd text, or NULL with a message in err when an alias is
 * misused ("select: expected an ordinal").
 */
char *alias_expand_line(const char *line, char *err, size_t errlen);

#endif
