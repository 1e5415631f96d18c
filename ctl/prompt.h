/*
 * The interactive prompt: line editing and history with libedit, history
 * kept in $XDG_STATE_HOME/tether/history. Ctrl+C at the prompt is reported
 * to the caller (to break in), never lost: SIGINT is let through only while
 * waiting for a key.
 */
#ifndef TETHER_PROMPT_H
#define TETHER_PROMPT_H

struct prompt;

/* NULL with a message when the terminal cannot be set up. */
struct prompt *prompt_open(const char *prog);
/*
 * Shows text and reads a line: returns it (valid until the next call), or
 * NULL at the end of input. *interrupted is set when Ctrl+C was pressed
 * instead (NULL returned too).
 */
const char *prompt_read(struct prompt *p, const char *text, int *interrupted);
/* Saves the history and restores the terminal. */
void prompt_close(struct prompt *p);

#endif
