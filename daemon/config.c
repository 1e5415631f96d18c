/*
 * tether.conf: parsing with inih (all or nothing), and the running
 * configuration (start, reload).
 *
 * inih is given a reader of our own so that we know the line of each key
 * (the handler is called while its line is the last one read), can check
 * section headers (inih does not report a section that has no keys), and
 * can refuse lines too long for inih's buffer instead of cutting them.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>
#include <ini.h>
#include <systemd/sd-daemon.h>

#include "admission.h"
#include "autoattach.h"
#include "conf.h"
#include "control.h"
#include "engine.h"
#include "decimal.h"
#include "launch.h"
#include "log.h"
#include "names.h"
#include "policy.h"
#include "retention.h"

/* ------------------------------------------------------------ helpers */

static void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (p == NULL) {
		log_warn("out of memory");
		abort();
	}
	return p;
}

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL) {
		log_warn("out of memory");
		abort();
	}
	return p;
}

static const char *const action_names[] = {
	[LIMIT_NONE] = "none", [LIMIT_KILL] = "kill", [LIMIT_DETACH] = "detach",
	[LIMIT_ABANDON] = "abandon", [LIMIT_BREAK] = "break", [LIMIT_DUMP] = "dump",
	[LIMIT_DUMP_KILL] = "dump+kill", [LIMIT_DUMP_DETACH] = "dump+detach",
	[LIMIT_DUMP_ABANDON] = "dump+abandon",
};

const char *
limit_action_name(enum limit_action a)
{
	return action_names[a];
}

int
limit_action_parse(const char *word, bool *handled)
{
	size_t len = strcspn(word, "/");
	int i;

	*handled = word[len] != '\0';
	if (*handled && strcmp(word + len, "/h") != 0)
		return -1;
	for (i = LIMIT_KILL; i <= LIMIT_DUMP_ABANDON; i++)
		if (strlen(action_names[i]) == len && strncmp(word, action_names[i], len) == 0)
			break;
	if (i > LIMIT_DUMP_ABANDON)
		return -1;
	if (*handled && i != LIMIT_KILL && i != LIMIT_DUMP_KILL)
		return -2;
	return i;
}

int
config_parse_duration(const char *s, double *secs)
{
	static const struct { const char *unit; double mul; } units[] = {
		{ "ms", 1e-3 }, { "s", 1 }, { "m", 60 }, { "h", 3600 },
		{ "d", 86400 }, { "", 1 },
	};
	const char *end;
	double v;
	size_t i;

	if (strcmp(s, "none") == 0) {
		*secs = 0;
		return 0;
	}
	if (decimal_parse(s, &v, &end) == -1)
		return -1;
	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(end, units[i].unit) == 0) {
			v *= units[i].mul;
			/* A year is plenty, and below a millisecond nothing is
			 * timed: either is a typo. */
			if (v > 366 * 86400.0 || (v > 0 && v < 1e-3))
				return -1;
			*secs = v;
			return 0;
		}
	}
	return -1;
}

int
config_parse_bool(const char *s, bool *b)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*b = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*b = false;
			return 0;
		}
	}
	return -1;
}

int
config_parse_signal(const char *s)
{
	const char *name = s, *abbrev;
	char *end;
	long n;
	int sig;

	if (isdigit((unsigned char)s[0])) {
		errno = 0;
		n = strtol(s, &end, 10);
		return errno == 0 && *end == '\0' && n >= 1 && n <= SIGNAL_MAX &&
		    n != SIGKILL && n != SIGSTOP ? (int)n : -1;
	}
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	for (sig = 1; sig < SIGRTMIN && sig <= SIGNAL_MAX; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if ((abbrev = sigabbrev_np(sig)) != NULL && strcasecmp(abbrev, name) == 0)
			return sig;
	}
	/* RTMIN+N and RTMAX-N */
	if (strncasecmp(name, "RTMIN", 5) == 0 || strncasecmp(name, "RTMAX", 5) == 0) {
		bool min = toupper((unsigned char)name[4]) == 'N';
		n = 0;
		if (name[5] != '\0') {
			if (name[5] != (min ? '+' : '-') || !isdigit((unsigned char)name[6]))
				return -1;
			errno = 0;
			n = strtol(name + 6, &end, 10);
			/* bounded before the sum: RTMIN+4294967296 is no RTMIN */
			if (errno != 0 || *end != '\0' || n > SIGRTMAX - SIGRTMIN)
				return -1;
		}
		sig = min ? SIGRTMIN + (int)n : SIGRTMAX - (int)n;
		return sig >= SIGRTMIN && sig <= SIGRTMAX && sig <= SIGNAL_MAX ? sig : -1;
	}
	return -1;
}

void
config_free_words(char **words)
{
	char **w;

	if (words == NULL)
		return;
	for (w = words; *w != NULL; w++)
		free(*w);
	free(words);
}

char **
config_split_words(const char *s, const char **err)
{
	char **words = xcalloc(1, sizeof *words), *buf, *o;
	size_t n = 0;
	char quote;

	buf = xcalloc(1, strlen(s) + 1);
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		o = buf;
		quote = 0;
		while (*s != '\0' && (quote != 0 || (*s != ' ' && *s != '\t'))) {
			if (quote == 0 && (*s == '\'' || *s == '"')) {
				quote = *s++;
				continue;
			}
			if (quote != 0 && *s == quote) {
				quote = 0;
				s++;
				continue;
			}
			if (*s == '\\' && quote != '\'') {
				if (s[1] == '\0') {
					*err = "backslash at the end";
					goto fail;
				}
				s++;
			}
			*o++ = *s++;
		}
		if (quote != 0) {
			*err = quote == '"' ? "unterminated \" quote" : "unterminated ' quote";
			goto fail;
		}
		*o = '\0';
		words = reallocarray(words, n + 2, sizeof *words);
		if (words == NULL) {
			log_warn("out of memory");
			abort();
		}
		words[n++] = xstrdup(buf);
		words[n] = NULL;
	}
	free(buf);
	return words;
fail:
	free(buf);
	config_free_words(words);
	return NULL;
}

/* --------------------------------------------------------------- parse */

enum section_kind { SEC_NONE, SEC_DAEMON, SEC_POLICY, SEC_TARGET, SEC_BAD };

#define MAX_KEYS 64

struct parse {
	struct config *cfg;
	const char *name;		/* the file, for messages */
	FILE *fp;			/* or */
	const char *text;		/* the rest of the string */
	int line;
	bool continuation;		/* the current line continues a value */
	bool key_given;			/* since the last header: a value to continue */
	bool too_long;
	char *err;
	size_t errlen;
	int err_line;			/* 0: no error yet */
	enum section_kind sec;
	bool daemon_seen;
	struct policy *pol;
	struct launch_spec *tgt;
	struct run_opts *opts;		/* of pol or tgt */
	int sig_line[SIGNAL_MAX + 1];	/* where the section set each signal */
	char *keys[MAX_KEYS];		/* given in this section */
	int nkeys;
};

static void
perr_at(struct parse *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
perr_at(struct parse *p, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (p->err_line != 0)
		return;		/* the first error is the one reported */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	p->err_line = line;
	snprintf(p->err, p->errlen, "%s:%d: %s", p->name, line, msg);
}

#define perr(p, ...) perr_at((p), (p)->line, __VA_ARGS__)

static void
opts_init(struct run_opts *o)
{
	int i;

	memset(o, 0, sizeof *o);
	o->session = xstrdup("default");
	o->allstop = -1;
	for (i = 0; i <= SIGNAL_MAX; i++)
		o->sigact[i] = SIGACT_NOTIFY;
}

static void
section_reset(struct parse *p)
{
	int i;

	for (i = 0; i < p->nkeys; i++)
		free(p->keys[i]);
	p->nkeys = 0;
	memset(p->sig_line, 0, sizeof p->sig_line);
	p->pol = NULL;
	p->tgt = NULL;
	p->opts = NULL;
}

static bool
valid_name(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("-_.:@+", *s) == NULL)
			return false;
	return true;
}

/*
 * A section header: [daemon], [policy "NAME"], [target "NAME"]. Trailing
 * text after ']' other than a comment is an error (inih ignores it).
 */
static void
parse_header(struct parse *p, const char *line)
{
	char word[32], name[128];
	const char *s = line + 1, *close, *q;
	size_t len;
	struct policy *pol;
	struct launch_spec *t;

	section_reset(p);
	p->sec = SEC_BAD;
	if ((close = strchr(s, ']')) == NULL)
		return;		/* inih reports the syntax error */
	for (q = close + 1; *q == ' ' || *q == '\t'; q++)
		;
	if (*q != '\0' && *q != '\n' && *q != '\r' && *q != ';' && *q != '#') {
		perr(p, "text after the section header");
		return;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	for (len = 0; s + len < close && isalpha((unsigned char)s[len]); len++)
		;
	if (len == 0 || len >= sizeof word) {
		perr(p, "bad section header (expected [daemon], [policy \"NAME\"] "
		    "or [target \"NAME\"])");
		return;
	}
	memcpy(word, s, len);
	word[len] = '\0';
	s += len;
	while (*s == ' ' || *s == '\t')
		s++;
	name[0] = '\0';
	if (*s == '"') {
		q = strchr(s + 1, '"');
		if (q == NULL || q > close || (size_t)(q - s - 1) >= sizeof name) {
			perr(p, "bad section name (expected \"NAME\")");
			return;
		}
		memcpy(name, s + 1, q - s - 1);
		name[q - s - 1] = '\0';
		for (s = q + 1; *s == ' ' || *s == '\t'; s++)
			;
	}
	if (s != close) {
		perr(p, "bad section header (expected [daemon], [policy \"NAME\"] "
		    "or [target \"NAME\"])");
		return;
	}
	if (strcmp(word, "daemon") == 0) {
		if (name[0] != '\0') {
			perr(p, "[daemon] takes no name");
			return;
		}
		if (p->daemon_seen) {
			perr(p, "second [daemon] section");
			return;
		}
		p->daemon_seen = true;
		p->sec = SEC_DAEMON;
		return;
	}
	if (strcmp(word, "policy") != 0 && strcmp(word, "target") != 0) {
		perr(p, "unknown section [%s] (expected daemon, policy or target)", word);
		return;
	}
	if (!valid_name(name)) {
		perr(p, "[%s] needs a name: [%s \"NAME\"] (letters, digits, - _ . : @ +)",
		    word, word);
		return;
	}
	if (word[0] == 'p') {
		TAILQ_FOREACH(pol, &p->cfg->policies, entry)
			if (strcmp(pol->name, name) == 0) {
				perr(p, "policy \"%s\" is already defined at line %d",
				    name, pol->line);
				return;
			}
		pol = xcalloc(1, sizeof *pol);
		pol->name = xstrdup(name);
		pol->line = p->line;
		opts_init(&pol->opts);
		TAILQ_INSERT_TAIL(&p->cfg->policies, pol, entry);
		p->cfg->npolicies++;
		p->pol = pol;
		p->opts = &pol->opts;
		p->sec = SEC_POLICY;
		return;
	}
	TAILQ_FOREACH(t, &p->cfg->targets, entry)
		if (strcmp(t->name, name) == 0) {
			perr(p, "target \"%s\" is already defined at line %d", name, t->line);
			return;
		}
	t = xcalloc(1, sizeof *t);
	t->name = xstrdup(name);
	t->line = p->line;
	t->restart_delay = 1;
	opts_init(&t->opts);
	TAILQ_INSERT_TAIL(&p->cfg->targets, t, entry);
	p->cfg->ntargets++;
	p->tgt = t;
	p->opts = &t->opts;
	p->sec = SEC_TARGET;
}

/*
 * Looks at each line before inih does: counts, checks headers. The line is
 * classified as inih will: once a key was given in the section, an indented
 * line that is not blank or a comment continues its value, whatever it
 * holds ('=', '[' included); otherwise a line starting with '[' (after any
 * white space) is a header.
 */
static void
reader_saw(struct parse *p, const char *line)
{
	const char *s = line;
	bool indented;

	p->line++;
	if (p->line == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3;
	indented = isspace((unsigned char)*s);
	while (isspace((unsigned char)*s))
		s++;
	p->continuation = indented && p->key_given && *s != '\0' && *s != ';' &&
	    *s != '#';
	if (!p->continuation && *s == '[') {
		p->key_given = false;
		parse_header(p, s);
	}
}

static char *
reader_file(char *str, int num, void *stream)
{
	struct parse *p = stream;
	size_t len;
	int ch;

	if (fgets(str, num, p->fp) == NULL)
		return NULL;
	len = strlen(str);
	if (len > 0 && str[len - 1] != '\n' && !feof(p->fp)) {
		/* longer than inih's buffer: skip the rest and complain */
		while ((ch = getc(p->fp)) != EOF && ch != '\n')
			;
		p->line++;
		perr(p, "line too long (at most %d characters)", num - 3);
		p->line--;
	}
	reader_saw(p, str);
	return str;
}

static char *
reader_string(char *str, int num, void *stream)
{
	struct parse *p = stream;
	const char *nl;
	size_t len;

	if (*p->text == '\0')
		return NULL;
	nl = strchr(p->text, '\n');
	len = nl != NULL ? (size_t)(nl - p->text + 1) : strlen(p->text);
	if (len > (size_t)num - 1) {
		p->line++;
		perr(p, "line too long (at most %d characters)", num - 3);
		p->line--;
		memcpy(str, p->text, num - 1);
		str[num - 1] = '\0';
	} else {
		memcpy(str, p->text, len);
		str[len] = '\0';
	}
	p->text += len;
	reader_saw(p, str);
	return str;
}

/* Whether the section already had key (and records it). */
static bool
key_seen(struct parse *p, const char *key)
{
	int i;

	for (i = 0; i < p->nkeys; i++)
		if (strcmp(p->keys[i], key) == 0)
			return true;
	if (p->nkeys < MAX_KEYS)
		p->keys[p->nkeys++] = xstrdup(key);
	return false;
}

static int
set_string(char **dst, const char *value)
{
	free(*dst);
	*dst = xstrdup(value);
	return 1;
}

/*
 * Names are resolved when the file is read, on the loop: at start, and at a
 * reload, which is root's act (the file is root's), never a client's
 * request. A slow name service delays that reload alone; the targets of
 * the file then start with the ids resolved here, and their groups are
 * looked up by the new process itself (spawn.c), as a client's are.
 */
static int
parse_user(struct parse *p, const char *key, const char *value, uid_t *uid,
    gid_t *gid)
{
	struct passwd *pw;
	char *end;
	unsigned long n;

	if (isdigit((unsigned char)value[0])) {
		errno = 0;
		n = strtoul(value, &end, 10);
		if (errno != 0 || *end != '\0' || n >= (uid_t)-1) {
			perr(p, "%s: bad uid: %s", key, value);
			return 0;
		}
		*uid = (uid_t)n;
		pw = getpwuid(*uid);
		if (gid != NULL)
			*gid = pw != NULL ? pw->pw_gid : (gid_t)n;
		return 1;
	}
	if ((pw = getpwnam(value)) == NULL) {
		perr(p, "%s: no such user: %s", key, value);
		return 0;
	}
	*uid = pw->pw_uid;
	if (gid != NULL)
		*gid = pw->pw_gid;
	return 1;
}

static int
parse_limit(struct parse *p, const char *key, const char *value, double *secs,
    enum limit_action *action, bool *handled, bool on_break)
{
	char dur[64], act[32], extra[2];
	int n, i;

	n = sscanf(value, "%63s %31s %1s", dur, act, extra);
	if (n < 1 || n > 2 || config_parse_duration(dur, secs) == -1) {
		perr(p, "%s: expected DURATION [ACTION] (30m kill, 90s abandon, ...): %s",
		    key, value);
		return 0;
	}
	*action = *secs > 0 ? LIMIT_KILL : LIMIT_NONE;
	*handled = false;
	if (n == 1)
		return 1;
	if ((i = limit_action_parse(act, handled)) == -2) {
		perr(p, "%s: /h goes with kill and dump+kill only: %s", key, act);
		return 0;
	}
	if (i == -1) {
		perr(p, "%s: unknown action %s (expected kill, kill/h, detach, abandon, "
		    "break, dump, dump+kill, dump+kill/h, dump+detach or dump+abandon)",
		    key, act);
		return 0;
	}
	if (on_break && i == LIMIT_BREAK) {
		perr(p, "%s: the target is held already: break is no action here", key);
		return 0;
	}
	if (*secs > 0)
		*action = (enum limit_action)i;
	return 1;
}

static int
parse_signals(struct parse *p, const char *key, const char *value,
    enum sig_action act)
{
	char **words, **w;
	const char *err;
	int sig;

	if ((words = config_split_words(value, &err)) == NULL) {
		perr(p, "%s: %s", key, err);
		return 0;
	}
	for (w = words; *w != NULL; w++) {
		if ((sig = config_parse_signal(*w)) == -1) {
			perr(p, "%s: unknown signal %s (names such as SEGV or SIGSEGV, "
			    "or numbers; not KILL or STOP)", key, *w);
			config_free_words(words);
			return 0;
		}
		if (p->sig_line[sig] != 0) {
			perr(p, "%s: SIG%s is also given a filter at line %d", key,
			    sigabbrev_np(sig) != NULL ? sigabbrev_np(sig) : "?",
			    p->sig_line[sig]);
			config_free_words(words);
			return 0;
		}
		p->sig_line[sig] = p->line;
		p->opts->sig_set[sig] = true;
		p->opts->sigact[sig] = act;
	}
	config_free_words(words);
	return 1;
}

/* The keys policies and targets share. -1: not one of them. */
static int
opts_key(struct parse *p, const char *key, const char *value)
{
	struct run_opts *o = p->opts;
	bool b;

	if (strcmp(key, "session") == 0) {
		const char *why = tether_session_name_error(value);

		if (why != NULL) {
			perr(p, "session: bad session name '%s': %s", value, why);
			return 0;
		}
		return set_string(&o->session, value);
	}
	if (strcmp(key, "childdbg") == 0 || strcmp(key, "allstop") == 0) {
		if (config_parse_bool(value, &b) == -1) {
			perr(p, "%s: expected yes or no: %s", key, value);
			return 0;
		}
		if (key[0] == 'c')
			o->childdbg = b;
		else
			o->allstop = b;
		return 1;
	}
	if (strcmp(key, "break") == 0)
		return parse_signals(p, key, value, SIGACT_BREAK);
	if (strcmp(key, "second_chance") == 0)
		return parse_signals(p, key, value, SIGACT_SECOND_CHANCE);
	if (strcmp(key, "notify") == 0)
		return parse_signals(p, key, value, SIGACT_NOTIFY);
	if (strcmp(key, "ignore") == 0)
		return parse_signals(p, key, value, SIGACT_IGNORE);
	if (strcmp(key, "timeout") == 0)
		return parse_limit(p, key, value, &o->limits.timeout,
		    &o->limits.timeout_action, &o->limits.timeout_handled, false);
	if (strcmp(key, "on_break_timeout") == 0)
		return parse_limit(p, key, value, &o->limits.break_timeout,
		    &o->limits.break_action, &o->limits.break_handled, true);
	return -1;
}

static int
glob_key(struct parse *p, const char *key, const char *value, char **dst)
{
	if (value[0] == '\0') {
		perr(p, "%s: empty pattern", key);
		return 0;
	}
	return set_string(dst, value);
}

static int
policy_key(struct parse *p, const char *key, const char *value)
{
	struct policy *pol = p->pol;
	int rc;

	if ((rc = opts_key(p, key, value)) != -1)
		return rc;
	if (strcmp(key, "action") == 0) {
		if (strcmp(value, "attach") == 0)
			pol->ignore = false;
		else if (strcmp(value, "ignore") == 0)
			pol->ignore = true;
		else {
			perr(p, "action: expected attach or ignore: %s", value);
			return 0;
		}
		return 1;
	}
	if (strcmp(key, "exe") == 0)
		return glob_key(p, key, value, &pol->exe);
	if (strcmp(key, "cmdline") == 0)
		return glob_key(p, key, value, &pol->cmdline);
	if (strcmp(key, "comm") == 0)
		return glob_key(p, key, value, &pol->comm);
	if (strcmp(key, "parent") == 0)
		return glob_key(p, key, value, &pol->parent);
	if (strcmp(key, "user") == 0) {
		pol->has_uid = true;
		return parse_user(p, key, value, &pol->uid, NULL);
	}
	if (strcmp(key, "descendant") == 0) {
		if (config_parse_bool(value, &pol->descendant) == -1) {
			perr(p, "descendant: expected yes or no: %s", value);
			return 0;
		}
		return 1;
	}
	perr(p, "unknown key '%s' in [policy \"%s\"]", key, pol->name);
	return 0;
}

/* Every word of an environment is NAME=VALUE. */
static bool
env_words_ok(struct parse *p, char **words)
{
	char **w, *eq;

	for (w = words; *w != NULL; w++) {
		if ((eq = strchr(*w, '=')) == NULL || eq == *w) {
			perr(p, "environment: expected NAME=VALUE: %s", *w);
			return false;
		}
	}
	return true;
}

static int
target_key(struct parse *p, const char *key, const char *value)
{
	struct launch_spec *t = p->tgt;
	const char *err;
	char **words;
	int rc;
	bool b;

	if ((rc = opts_key(p, key, value)) != -1)
		return rc;
	if (strcmp(key, "command") == 0 || strcmp(key, "environment") == 0) {
		if ((words = config_split_words(value, &err)) == NULL) {
			perr(p, "%s: %s", key, err);
			return 0;
		}
		if (key[0] == 'c') {
			if (words[0] == NULL) {
				config_free_words(words);
				perr(p, "command: empty");
				return 0;
			}
			config_free_words(t->argv);
			t->argv = words;
			return 1;
		}
		if (!env_words_ok(p, words)) {
			config_free_words(words);
			return 0;
		}
		config_free_words(t->env);
		t->env = words;
		return 1;
	}
	if (strcmp(key, "cwd") == 0) {
		if (value[0] != '/') {
			perr(p, "cwd: expected an absolute path: %s", value);
			return 0;
		}
		return set_string(&t->cwd, value);
	}
	if (strcmp(key, "user") == 0) {
		t->has_user = true;
		return parse_user(p, key, value, &t->uid, &t->gid);
	}
	if (strcmp(key, "restart") == 0) {
		if (strcmp(value, "on-failure") == 0)
			t->restart = RESTART_ON_FAILURE;
		else if (strcmp(value, "always") == 0)
			t->restart = RESTART_ALWAYS;
		else if (config_parse_bool(value, &b) == 0)
			t->restart = b ? RESTART_ALWAYS : RESTART_NO;
		else {
			perr(p, "restart: expected no, on-failure or always: %s", value);
			return 0;
		}
		return 1;
	}
	if (strcmp(key, "restart_delay") == 0) {
		if (config_parse_duration(value, &t->restart_delay) == -1) {
			perr(p, "restart_delay: bad duration: %s", value);
			return 0;
		}
		t->restart_delay_line = p->line;
		return 1;
	}
	perr(p, "unknown key '%s' in [target \"%s\"]", key, t->name);
	return 0;
}

/* A whole number from min to max, decimal digits only. */
static int
parse_count(const char *s, long min, long max, int *out)
{
	const char *q;
	long v;

	for (q = s; isdigit((unsigned char)*q); q++)
		;
	if (q == s || *q != '\0' || q - s > 9)
		return -1;
	v = strtol(s, NULL, 10);
	if (v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

/* SIZE (4096, 512K, 100M, 2G), N% when percent may be given, or (when
 * none is) "unlimited" for 0. */
static int
parse_space(const char *value, struct space *sp, bool percent, const char *none)
{
	char *end;
	long n;

	sp->bytes = 0;
	sp->percent = 0;
	if (none != NULL && strcmp(value, none) == 0)
		return 0;
	if (percent && value[0] != '\0' && value[strlen(value) - 1] == '%') {
		errno = 0;
		n = strtol(value, &end, 10);
		if (errno != 0 || end == value || *end != '%' || n < 0 || n > 100)
			return -1;
		sp->percent = (int)n;
		return 0;
	}
	return retention_parse_size(value, &sp->bytes);
}

/* The triage_* keys of [daemon]. */
static int
triage_key(struct parse *p, const char *key, const char *value)
{
	struct triage_conf *tc = &p->cfg->daemon.triage;
	struct space sp;
	char *end;
	long n;

	if (strcmp(key, "triage_dir") == 0) {
		if (value[0] != '/') {
			perr(p, "triage_dir: expected an absolute path: %s", value);
			return 0;
		}
		return set_string(&tc->dir, value);
	}
	if (strcmp(key, "triage_compress") == 0) {
		if (strcmp(value, "zstd") == 0)
			tc->zstd = true;
		else if (strcmp(value, "none") == 0)
			tc->zstd = false;
		else {
			perr(p, "triage_compress: expected zstd or none: %s", value);
			return 0;
		}
		return 1;
	}
	if (strcmp(key, "triage_max_process") == 0 ||
	    strcmp(key, "triage_max_per_uid") == 0) {
		if (parse_space(value, &sp, false, "unlimited") == -1) {
			perr(p, "%s: expected a size (4096, 512K, 100M, 2G) or unlimited: %s",
			    key, value);
			return 0;
		}
		*(strcmp(key, "triage_max_process") == 0 ? &tc->max_process :
		    &tc->max_per_uid) = sp.bytes;
		return 1;
	}
	if (strcmp(key, "triage_max_use") == 0 || strcmp(key, "triage_keep_free") == 0) {
		bool use = key[7] == 'm';

		if (parse_space(value, &sp, true, use ? "unlimited" : NULL) == -1) {
			perr(p, "%s: expected a size (4096, 512K, 100M, 2G) or a share of "
			    "the file system (10%%)%s: %s", key, use ? " or unlimited" : "",
			    value);
			return 0;
		}
		*(use ? &tc->max_use : &tc->keep_free) = sp;
		return 1;
	}
	if (strcmp(key, "triage_workers") == 0) {
		errno = 0;
		n = strtol(value, &end, 10);
		if (errno != 0 || end == value || *end != '\0' || n < 1 || n > 64) {
			perr(p, "triage_workers: expected a number from 1 to 64: %s", value);
			return 0;
		}
		tc->workers = (int)n;
		return 1;
	}
	perr(p, "unknown key '%s' in [daemon]", key);
	return 0;
}

static int
daemon_key(struct parse *p, const char *key, const char *value)
{
	struct daemon_conf *d = &p->cfg->daemon;

	if (strcmp(key, "socket") == 0 || strcmp(key, "database") == 0) {
		if (value[0] == '\0') {
			perr(p, "%s: empty path", key);
			return 0;
		}
		return set_string(key[0] == 's' ? &d->socket : &d->database, value);
	}
	if (strcmp(key, "log_level") == 0) {
		if (strcmp(value, "warning") == 0)
			d->log_level = LOGLEVEL_WARNING;
		else if (strcmp(value, "info") == 0)
			d->log_level = LOGLEVEL_INFO;
		else if (strcmp(value, "debug") == 0)
			d->log_level = LOGLEVEL_DEBUG;
		else {
			perr(p, "log_level: expected warning, info or debug: %s", value);
			return 0;
		}
		return 1;
	}
	if (strcmp(key, "readopt") == 0) {
		if (config_parse_bool(value, &d->readopt) == -1) {
			perr(p, "readopt: expected yes or no: %s", value);
			return 0;
		}
		return 1;
	}
	if (strcmp(key, "retention_age") == 0) {
		if (strcmp(value, "forever") == 0)
			d->retention_age = 0;
		else if (retention_parse_age(value, &d->retention_age) == -1) {
			perr(p, "retention_age: expected an age (90, 30s, 15m, 12h, 30d, "
			    "2w) or forever: %s", value);
			return 0;
		}
		return 1;
	}
	if (strcmp(key, "retention_size") == 0) {
		if (strcmp(value, "unlimited") == 0)
			d->retention_size = 0;
		else if (retention_parse_size(value, &d->retention_size) == -1) {
			perr(p, "retention_size: expected a size (4096, 512K, 100M, 2G) "
			    "or unlimited: %s", value);
			return 0;
		}
		return 1;
	}
	if (strcmp(key, "retention_interval") == 0) {
		if (retention_parse_age(value, &d->retention_interval) == -1 ||
		    d->retention_interval <= 0) {
			perr(p, "retention_interval: expected a time above 0 (90, 30s, "
			    "15m): %s", value);
			return 0;
		}
		return 1;
	}
	if (strcmp(key, "log_max_size") == 0) {
		int64_t bytes;

		if (strcmp(value, "unlimited") == 0)
			bytes = 0;
		else if (retention_parse_size(value, &bytes) == -1 || bytes < 4096) {
			perr(p, "log_max_size: expected a size of 4K or more (512K, "
			    "100M, 2G) or unlimited: %s", value);
			return 0;
		}
		d->log.max_bytes = bytes;
		return 1;
	}
	if (strcmp(key, "log_rotate") == 0) {
		if (parse_count(value, 0, 1000, &d->log.keep) == -1) {
			perr(p, "log_rotate: expected a number from 0 to 1000: %s", value);
			return 0;
		}
		return 1;
	}
	if (strcmp(key, "log_check_interval") == 0) {
		if (config_parse_duration(value, &d->log.interval) == -1 ||
		    d->log.interval < 0.1 || d->log.interval > 86400) {
			perr(p, "log_check_interval: expected a duration from 100ms to "
			    "1d: %s", value);
			return 0;
		}
		return 1;
	}
	if (strcmp(key, "autoattach") == 0) {
		if (strcmp(value, "auto") == 0)
			d->autoattach = AUTOATTACH_AUTO;
		else if (strcmp(value, "connector") == 0)
			d->autoattach = AUTOATTACH_CONNECTOR;
		else if (strcmp(value, "scan") == 0)
			d->autoattach = AUTOATTACH_SCAN;
		else if (strcmp(value, "off") == 0)
			d->autoattach = AUTOATTACH_OFF;
		else {
			perr(p, "autoattach: expected auto, connector, scan or off: %s", value);
			return 0;
		}
		return 1;
	}
	if (strcmp(key, "scan_interval") == 0) {
		if (config_parse_duration(value, &d->scan_interval) == -1 ||
		    d->scan_interval < 0.01 || d->scan_interval > 3600) {
			perr(p, "scan_interval: expected a duration from 10ms to 1h: %s", value);
			return 0;
		}
		return 1;
	}
	if (strcmp(key, "max_connections") == 0 ||
	    strcmp(key, "max_connections_per_user") == 0) {
		int *dst = strcmp(key, "max_connections") == 0 ?
		    &d->max_connections : &d->max_connections_per_user;
		if (parse_count(value, 1, 1000000, dst) == -1) {
			perr(p, "%s: expected a number from 1 to 1000000: %s", key, value);
			return 0;
		}
		return 1;
	}
	if (strcmp(key, "max_client_backlog") == 0) {
		if (retention_parse_size(value, &d->max_client_backlog) == -1 ||
		    d->max_client_backlog < 65536 || d->max_client_backlog > (1LL << 30)) {
			perr(p, "max_client_backlog: expected a size from 64K to 1G: %s", value);
			return 0;
		}
		return 1;
	}
	if (strcmp(key, "operation_timeout") == 0) {
		if (config_parse_duration(value, &d->operation_timeout) == -1 ||
		    d->operation_timeout < 0.1 || d->operation_timeout > 3600) {
			perr(p, "operation_timeout: expected a duration from 100ms to 1h: %s",
			    value);
			return 0;
		}
		return 1;
	}
	if (strcmp(key, "min_restart_delay") == 0) {
		if (config_parse_duration(value, &d->min_restart_delay) == -1 ||
		    d->min_restart_delay < 0.01 || d->min_restart_delay > 3600) {
			perr(p, "min_restart_delay: expected a duration from 10ms to 1h: %s",
			    value);
			return 0;
		}
		return 1;
	}
	if (strncmp(key, "triage_", 7) == 0)
		return triage_key(p, key, value);
	perr(p, "unknown key '%s' in [daemon]", key);
	return 0;
}

static int
handler(void *user, const char *section, const char *key, const char *value)
{
	struct parse *p = user;
	int rc;

	(void)section;
	p->key_given = true;
	if (p->err_line != 0)
		return 1;	/* one error is enough; inih goes on regardless */
	if (p->continuation) {
		/* An indented line goes on with the value of the key above:
		 * for the word lists only. */
		if (p->sec == SEC_TARGET && (strcmp(key, "command") == 0 ||
		    strcmp(key, "environment") == 0)) {
			char ***dst = key[0] == 'c' ? &p->tgt->argv : &p->tgt->env;
			char **more;
			const char *err;
			size_t n = 0, m = 0;
			if ((more = config_split_words(value, &err)) == NULL) {
				perr(p, "%s: %s", key, err);
				return 0;
			}
			if (key[0] == 'e' && !env_words_ok(p, more)) {
				config_free_words(more);
				return 0;
			}
			while (*dst != NULL && (*dst)[n] != NULL)
				n++;
			while (more[m] != NULL)
				m++;
			if ((*dst = reallocarray(*dst, n + m + 1, sizeof **dst)) == NULL)
				abort();
			memcpy(*dst + n, more, (m + 1) * sizeof *more);
			free(more);
			return 1;
		}
		perr(p, "indented line: only command and environment go on over "
		    "several lines");
		return 0;
	}
	switch (p->sec) {
	case SEC_NONE:
		perr(p, "'%s' is outside any section", key);
		return 0;
	case SEC_BAD:
		return 1;
	default:
		break;
	}
	if (key_seen(p, key)) {
		perr(p, "'%s' is given twice in this section", key);
		return 0;
	}
	switch (p->sec) {
	case SEC_DAEMON:
		rc = daemon_key(p, key, value);
		break;
	case SEC_POLICY:
		rc = policy_key(p, key, value);
		break;
	default:
		rc = target_key(p, key, value);
		break;
	}
	return rc;
}

/* What can only be checked once the whole file is read. */
static void
check_whole(struct parse *p)
{
	struct config *cfg = p->cfg;
	struct policy *pol;
	struct launch_spec *t;

	TAILQ_FOREACH(pol, &cfg->policies, entry) {
		if (pol->exe == NULL && pol->cmdline == NULL && pol->comm == NULL &&
		    pol->parent == NULL && !pol->has_uid && !pol->descendant) {
			perr_at(p, pol->line, "policy \"%s\" matches nothing: give at least "
			    "one of exe, cmdline, comm, user, parent, descendant", pol->name);
			return;
		}
	}
	TAILQ_FOREACH(t, &cfg->targets, entry) {
		if (t->argv == NULL) {
			perr_at(p, t->line, "target \"%s\" has no command", t->name);
			return;
		}
		/* A program that exits at once would otherwise be started
		 * again and again, a row and a log file each time. */
		if (t->restart != RESTART_NO &&
		    t->restart_delay < cfg->daemon.min_restart_delay) {
			perr_at(p, t->restart_delay_line != 0 ? t->restart_delay_line :
			    t->line, "target \"%s\": restart_delay %gs is below "
			    "min_restart_delay (%gs, [daemon])", t->name, t->restart_delay,
			    cfg->daemon.min_restart_delay);
			return;
		}
	}
	/* Signal filters belong to sessions: two sections that share a
	 * session must not contradict each other. */
	struct { const char *what, *name; int line; struct run_opts *o; } all[512];
	int n = 0, i, j, sig;
	TAILQ_FOREACH(pol, &cfg->policies, entry)
		if (!pol->ignore && n < 512)
			all[n++] = (typeof(all[0])){ "policy", pol->name, pol->line, &pol->opts };
	TAILQ_FOREACH(t, &cfg->targets, entry)
		if (n < 512)
			all[n++] = (typeof(all[0])){ "target", t->name, t->line, &t->opts };
	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++) {
			if (strcmp(all[i].o->session, all[j].o->session) != 0)
				continue;
			for (sig = 1; sig <= SIGNAL_MAX; sig++)
				if (all[i].o->sig_set[sig] && all[j].o->sig_set[sig] &&
				    all[i].o->sigact[sig] != all[j].o->sigact[sig]) {
					perr_at(p, all[i].line, "session %s: SIG%s has another "
					    "filter in %s \"%s\" (line %d)", all[i].o->session,
					    sigabbrev_np(sig) ? sigabbrev_np(sig) : "?",
					    all[j].what, all[j].name, all[j].line);
					return;
				}
			if (all[i].o->allstop != -1 && all[j].o->allstop != -1 &&
			    all[i].o->allstop != all[j].o->allstop) {
				perr_at(p, all[i].line, "session %s: allstop differs from %s "
				    "\"%s\" (line %d)", all[i].o->session, all[j].what,
				    all[j].name, all[j].line);
				return;
			}
		}
}

static struct config *
config_new(const char *path)
{
	struct config *cfg = xcalloc(1, sizeof *cfg);

	cfg->path = path != NULL ? xstrdup(path) : NULL;
	cfg->daemon.log_level = LOGLEVEL_INFO;
	cfg->daemon.readopt = true;
	cfg->daemon.autoattach = AUTOATTACH_AUTO;
	cfg->daemon.scan_interval = 1;
	cfg->daemon.min_restart_delay = 1;
	cfg->daemon.max_connections = ADMISSION_DEFAULT_TOTAL;
	cfg->daemon.max_connections_per_user = ADMISSION_DEFAULT_PER_UID;
	cfg->daemon.max_client_backlog = CONTROL_DEFAULT_BACKLOG;
	cfg->daemon.operation_timeout = ENGINE_DEFAULT_OP_TIMEOUT;
	cfg->daemon.retention_interval = RETENTION_DEFAULT_INTERVAL;
	cfg->daemon.log = (struct log_bounds){ LOG_DEFAULT_MAX_BYTES,
	    LOG_DEFAULT_KEEP, LOG_DEFAULT_INTERVAL };
	cfg->daemon.triage.workers = 2;
	cfg->daemon.triage.zstd = true;
	cfg->daemon.triage.max_process = (int64_t)4 << 30;
	cfg->daemon.triage.max_use.percent = 10;
	cfg->daemon.triage.keep_free.percent = 15;
	cfg->daemon.triage.max_per_uid = (int64_t)1 << 30;
	TAILQ_INIT(&cfg->policies);
	TAILQ_INIT(&cfg->targets);
	return cfg;
}

static struct config *
parse_finish(struct parse *p, int rc)
{
	section_reset(p);
	if (rc > 0 && (p->err_line == 0 || rc < p->err_line)) {
		p->err_line = 0;
		perr_at(p, rc, "syntax error (expected [section], KEY = VALUE, or a "
		    "comment starting with ; or #)");
	} else if (rc < 0 && p->err_line == 0) {
		snprintf(p->err, p->errlen, "%s: cannot read: %s", p->name,
		    rc == -1 ? strerror(errno) : "out of memory");
		config_free(p->cfg);
		return NULL;
	}
	if (p->err_line == 0)
		check_whole(p);
	if (p->err_line != 0) {
		config_free(p->cfg);
		return NULL;
	}
	return p->cfg;
}

/*
 * The file, if tetherd may trust it. Opened without blocking (a FIFO with
 * no writer would hang the start) and checked on the descriptor, not the
 * name. A root tetherd runs what the file says as root, so, as sshd's
 * StrictModes, it reads only a file that root owns and that no one else
 * may write, in a directory no one else may change (a sticky one such as
 * /tmp is fine: others cannot replace root's file there).
 */
static FILE *
config_open(const char *path, char *err, size_t errlen)
{
	char dir[PATH_MAX], *slash;
	struct stat sb, db;
	FILE *fp;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto fail;
	}
	if (geteuid() == 0) {
		if (sb.st_uid != 0) {
			snprintf(err, errlen, "%s: owned by uid %u, not root: a root tetherd "
			    "reads only a file that root owns", path, (unsigned)sb.st_uid);
			goto fail;
		}
		if (sb.st_mode & (S_IWGRP | S_IWOTH)) {
			snprintf(err, errlen, "%s: writable by group or others (mode %04o): "
			    "a root tetherd reads only a file that root alone may write "
			    "(chmod go-w)", path, (unsigned)(sb.st_mode & 07777));
			goto fail;
		}
		snprintf(dir, sizeof dir, "%s", path);
		if ((slash = strrchr(dir, '/')) == NULL)
			snprintf(dir, sizeof dir, ".");
		else	/* "/x.conf" is in "/" */
			slash[slash == dir] = '\0';
		if (stat(dir, &db) == -1) {
			snprintf(err, errlen, "%s: %s", dir, strerror(errno));
			goto fail;
		}
		if (db.st_uid != 0) {
			snprintf(err, errlen, "%s: its directory %s is owned by uid %u, not "
			    "root: a root tetherd reads only a file in a directory that "
			    "root alone may change", path, dir, (unsigned)db.st_uid);
			goto fail;
		}
		if ((db.st_mode & (S_IWGRP | S_IWOTH)) && !(db.st_mode & S_ISVTX)) {
			snprintf(err, errlen, "%s: its directory %s is writable by group or "
			    "others (mode %04o): a root tetherd reads only a file in a "
			    "directory that root alone may change", path, dir,
			    (unsigned)(db.st_mode & 07777));
			goto fail;
		}
	}
	/* Reads block from here on (a regular file never waits anyway). */
	if (fcntl(fd, F_SETFL, 0) == -1 || (fp = fdopen(fd, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	return fp;
fail:
	close(fd);
	return NULL;
}

struct config *
config_load(const char *path, char *err, size_t errlen)
{
	struct parse p = { .name = path, .err = err, .errlen = errlen };
	int rc;

	p.cfg = config_new(path);
	if (path == NULL)
		return p.cfg;
	if ((p.fp = config_open(path, err, errlen)) == NULL) {
		config_free(p.cfg);
		return NULL;
	}
	rc = ini_parse_stream(reader_file, &p, handler, &p);
	if (rc == 0 && ferror(p.fp))
		rc = -1;
	fclose(p.fp);
	return parse_finish(&p, rc);
}

struct config *
config_load_string(const char *name, const char *text, char *err, size_t errlen)
{
	struct parse p = { .name = name, .text = text, .err = err, .errlen = errlen };

	p.cfg = config_new(name);
	return parse_finish(&p, ini_parse_stream(reader_string, &p, handler, &p));
}

static void
opts_free(struct run_opts *o)
{
	free(o->session);
}

void
config_free(struct config *cfg)
{
	struct policy *pol;
	struct launch_spec *t;

	if (cfg == NULL)
		return;
	while ((pol = TAILQ_FIRST(&cfg->policies)) != NULL) {
		TAILQ_REMOVE(&cfg->policies, pol, entry);
		free(pol->name);
		free(pol->exe);
		free(pol->cmdline);
		free(pol->comm);
		free(pol->parent);
		opts_free(&pol->opts);
		free(pol);
	}
	while ((t = TAILQ_FIRST(&cfg->targets)) != NULL) {
		TAILQ_REMOVE(&cfg->targets, t, entry);
		free(t->name);
		config_free_words(t->argv);
		config_free_words(t->env);
		free(t->cwd);
		opts_free(&t->opts);
		free(t);
	}
	free(cfg->daemon.socket);
	free(cfg->daemon.database);
	free(cfg->daemon.triage.dir);
	free(cfg->path);
	free(cfg);
}

/* ------------------------------------------------- the running config */

static struct config *running;
static struct event_base *running_base;
static struct event *hup_ev;
static bool log_forced;
/* What the command line gave (it wins over the file, at reloads too). */
static struct {
	int readopt;
	double retention_age, retention_interval;
	int64_t retention_size;
} cli = { -1, -1, -1, -1 };

void
config_force_debug(void)
{
	log_forced = true;
	log_set_verbose(1);
}

static void
apply_log_level(const struct config *cfg)
{
	if (log_forced)
		log_set_verbose(1);
	else
		log_set_verbose(cfg->daemon.log_level == LOGLEVEL_DEBUG ? 1 :
		    cfg->daemon.log_level == LOGLEVEL_WARNING ? -1 : 0);
}

static void
retention_of(const struct config *cfg, struct retention_params *p)
{
	p->max_age = cli.retention_age >= 0 ? cli.retention_age :
	    cfg->daemon.retention_age;
	p->max_bytes = cli.retention_size >= 0 ? cli.retention_size :
	    cfg->daemon.retention_size;
	p->interval = cli.retention_interval > 0 ? cli.retention_interval :
	    cfg->daemon.retention_interval;
}

void
config_init(struct config *cfg, char *socket, size_t socketlen, char *database,
    size_t databaselen, int *readopt, struct retention_params *retention)
{
	running = cfg;
	apply_log_level(cfg);
	if (socket[0] == '\0' && cfg->daemon.socket != NULL)
		snprintf(socket, socketlen, "%s", cfg->daemon.socket);
	if (database[0] == '\0' && cfg->daemon.database != NULL)
		snprintf(database, databaselen, "%s", cfg->daemon.database);
	cli.readopt = *readopt;
	if (*readopt < 0)
		*readopt = cfg->daemon.readopt;
	cli.retention_age = retention->max_age;
	cli.retention_size = retention->max_bytes;
	cli.retention_interval = retention->interval;
	retention_of(cfg, retention);
}

/* Makes cfg's policies, auto-attach and [target]s the running ones. The
 * step that can fail comes first, so that a failure changes nothing. */
static int
apply(struct config *cfg, char *err, size_t errlen)
{
	if (autoattach_configure(running_base, cfg, err, errlen) == -1)
		return -1;
	apply_log_level(cfg);
	control_set_limits(cfg->daemon.max_connections,
	    cfg->daemon.max_connections_per_user,
	    (size_t)cfg->daemon.max_client_backlog);
	engine_set_op_timeout(cfg->daemon.operation_timeout);
	log_rotation_set(&cfg->daemon.log);
	policy_set(cfg);
	launch_configure(cfg);
	return 0;
}

static void
on_hup(evutil_socket_t sig, short what, void *arg)
{
	char err[PATH_MAX + 600];

	(void)sig;
	(void)what;
	(void)arg;
	log_info("SIGHUP: reloading the configuration");
	/* Under systemd: "systemctl reload" waits for the READY=1 after it. */
	sd_notify(0, "RELOADING=1");
	if (config_reload(err, sizeof err) == -1)
		log_warn("%s; the running configuration stays", err);
	sd_notify(0, "READY=1");
}

int
config_start(struct event_base *base, char *err, size_t errlen)
{
	running_base = base;
	hup_ev = evsignal_new(base, SIGHUP, on_hup, NULL);
	if (hup_ev == NULL || evsignal_add(hup_ev, NULL) == -1) {
		snprintf(err, errlen, "cannot watch SIGHUP");
		return -1;
	}
	launch_init(base);
	return apply(running, err, errlen);
}

static bool
str_differs(const char *a, const char *b)
{
	return (a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b) != 0);
}

int
config_reload(char *err, size_t errlen)
{
	struct config *cfg, *old = running;
	struct retention_params rp = { .batch = RETENTION_DEFAULT_BATCH };

	if (old == NULL || old->path == NULL) {
		snprintf(err, errlen, "no configuration file to reload (tetherd was "
		    "started without -c)");
		return -1;
	}
	if ((cfg = config_load(old->path, err, errlen)) == NULL)
		return -1;
	if (apply(cfg, err, errlen) == -1) {
		config_free(cfg);
		return -1;
	}
	retention_of(cfg, &rp);
	if (retention_set(&rp) == -1)
		log_warn("%s: cannot apply the new retention settings", cfg->path);
	if (str_differs(cfg->daemon.socket, old->daemon.socket) ||
	    str_differs(cfg->daemon.database, old->daemon.database) ||
	    cfg->daemon.readopt != old->daemon.readopt)
		log_warn("%s: socket, database and readopt take effect at the next "
		    "start", cfg->path);
	running = cfg;
	config_free(old);
	log_info("configuration reloaded from %s: %d polic%s, %d target section(s)",
	    cfg->path, cfg->npolicies, cfg->npolicies == 1 ? "y" : "ies",
	    cfg->ntargets);
	return 0;
}

void
config_quiesce(void)
{
	autoattach_stop();
	launch_quiesce();
}

void
config_stop(void)
{
	if (hup_ev != NULL)
		event_free(hup_ev);
	hup_ev = NULL;
	autoattach_stop();
	launch_free();
	policy_free();
	config_free(running);
	running = NULL;
}

const struct config *
config_running(void)
{
	return running;
}
