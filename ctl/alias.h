/*
 * Shell-friendly spellings (DESIGN §3) that need no quoting, mapped one to
 * one onto the command language:
 *   ps [T]            |*  (|T)          select T         |Ts
 *   detach [T] [-n|-h] [|T] .detach [/n|/h]   (kill, abandon: the same)
 *   attach PID        .attach PID       run CMD [ARGS]   .create CMD ...
 *   childdbg [T] [0|1] [|T] .childdbg [0|1]
 *   go [T] [-h|-n]    [|T] g (gh, gn)   threads [T]      [|T] ~
 *   break             .breakin          quit [-d]        q (qd)
 * where T, the process, is an ordinal N, or a pid written ~PID or -p PID
 * (|~[PID]): a bare number is always an ordinal, but for attach.
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

/* Whether name is an alias. */
int alias_is(const char *name);

/* The i-th alias's name, usage and one-line summary; NULL past the last. */
const char *alias_name(size_t i, const char **usage, const char **summary);

#endif
