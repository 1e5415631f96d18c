#include <errno.h>
#include <histedit.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>
#include <wchar.h>

#include "paths.h"
#include "prompt.h"

#define HISTORY_SIZE 1000

struct prompt {
	EditLine *el;
	History *hist;
	HistEvent ev;
	char path[PATH_MAX];	/* "" when there is nowhere to keep history */
	const char *text;	/* the prompt being shown */
	sigset_t waiting_mask;	/* the mask while waiting: SIGINT let through */
	mbstate_t mb;
	char *entry;		/* the last line, as history has it */
};

static volatile sig_atomic_t interrupt_seen;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupt_seen = 1;
}

/* $XDG_STATE_HOME/tether/history, or ~/.local/state/tether/history. */
static void history_path(struct prompt *p)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char dir[PATH_MAX];
	int n;

	p->path[0] = '\0';
	if (state != NULL && state[0] == '/')
		n = snprintf(dir, sizeof(dir), "%s/tether", state);
	else if (home != NULL && home[0] == '/')
		n = snprintf(dir, sizeof(dir), "%s/.local/state/tether", home);
	else
		return;
	if (n < 0 || (size_t)n >= sizeof(dir) || tether_mkdir_p(dir, 0700) < 0)
		return;
	if ((size_t)snprintf(p->path, sizeof(p->path), "%s/history", dir) >= sizeof(p->path))
		p->path[0] = '\0';
}

static char *prompt_text(EditLine *el)
{
	struct prompt *p;

	el_get(el, EL_CLIENTDATA, &p);
	return (char *)p->text;
}

/*
 * libedit's read of one character: waits with SIGINT let through (pselect),
 * so that a Ctrl+C pressed just before the wait is taken, not left pending
 * until after the next key; then reads one byte at a time into a character.
 */
static int read_char(EditLine *el, wchar_t *wc)
{
	struct prompt *p;
	fd_set in;
	char c;
	ssize_t n;
	size_t r;

	el_get(el, EL_CLIENTDATA, &p);
	for (;;) {
		FD_ZERO(&in);
		FD_SET(STDIN_FILENO, &in);
		if (interrupt_seen ||
		    pselect(STDIN_FILENO + 1, &in, NULL, NULL, NULL, &p->waiting_mask) < 0) {
			if (!interrupt_seen && errno != EINTR)
				return -1;
			if (!interrupt_seen)
				continue;
			errno = EINTR;
			return -1;
		}
		if ((n = read(STDIN_FILENO, &c, 1)) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		if (n == 0)
			return 0;
		r = mbrtowc(wc, &c, 1, &p->mb);
		if (r == (size_t)-2)
			continue;	/* more bytes of the character to come */
		if (r == (size_t)-1) {
			memset(&p->mb, 0, sizeof(p->mb));
			*wc = (unsigned char)c;
		}
		return 1;
	}
}

struct prompt *prompt_open(const char *prog)
{
	struct sigaction sa = { .sa_handler = on_interrupt };
	struct prompt *p;
	sigset_t intr;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return NULL;
	}
	/* SIGINT stays blocked but while a key is awaited. */
	sigemptyset(&sa.sa_mask);
	sigemptyset(&intr);
	sigaddset(&intr, SIGINT);
	if (sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigprocmask(SIG_BLOCK, &intr, &p->waiting_mask) < 0) {
		fprintf(stderr, "%s: SIGINT: %s\n", prog, strerror(errno));
		free(p);
		return NULL;
	}
	sigdelset(&p->waiting_mask, SIGINT);
	if ((p->el = el_init(prog, stdin, stderr, stderr)) == NULL ||
	    (p->hist = history_init()) == NULL) {
		fprintf(stderr, "%s: cannot set up line editing\n", prog);
		prompt_close(p);
		return NULL;
	}
	history(p->hist, &p->ev, H_SETSIZE, HISTORY_SIZE);
	history(p->hist, &p->ev, H_SETUNIQUE, 1);
	history_path(p);
	if (p->path[0] != '\0')
		history(p->hist, &p->ev, H_LOAD, p->path);	/* none yet: fine */
	el_set(p->el, EL_CLIENTDATA, p);
	el_set(p->el, EL_EDITOR, "emacs");
	el_set(p->el, EL_HIST, history, p->hist);
	el_set(p->el, EL_PROMPT, prompt_text);
	el_set(p->el, EL_GETCFN, read_char);
	el_source(p->el, NULL);		/* ~/.editrc, as other libedit programs */
	return p;
}

const char *prompt_read(struct prompt *p, const char *text, int *interrupted)
{
	const char *line;
	int count;

	*interrupted = 0;
	p->text = text;
	/*
	 * Raw mode before the prompt is shown, not at the first key as
	 * el_gets() does: a key sent on seeing the prompt would otherwise meet
	 * the cooked terminal, where Ctrl+D on an empty line turns into a NUL
	 * once raw mode comes, and tetherctl would not end.
	 */
	el_set(p->el, EL_PREP_TERM, 1);
	line = el_gets(p->el, &count);
	if (interrupt_seen) {
		interrupt_seen = 0;
		*interrupted = 1;
		el_reset(p->el);
		return NULL;
	}
	if (line == NULL || count <= 0)
		return NULL;
	if (line[strspn(line, " \t\r\n")] != '\0') {
		/* Entered without its newline, as it is recalled. */
		free(p->entry);
		if ((p->entry = strndup(line, strcspn(line, "\r\n"))) == NULL)
			return line;
		history(p->hist, &p->ev, H_ENTER, p->entry);
		if (p->path[0] != '\0')
			history(p->hist, &p->ev, H_SAVE, p->path);
	}
	return line;
}

void prompt_close(struct prompt *p)
{
	if (p == NULL)
		return;
	if (p->el != NULL)
		el_end(p->el);
	if (p->hist != NULL)
		history_end(p->hist);
	free(p->entry);
	free(p);
}
