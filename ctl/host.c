/* Host strings (host.h): what they may hold, and the ssh command for one. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

#define SCHEME "ssh://"

/* Host names (and ssh config aliases) are letters, digits, '.', '-' and
 * '_'; the first may not be '-' or '.' (an option, or nothing of a name). */
#define NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_"
#define IPV6_CHARS "0123456789abcdefABCDEF:."

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static bool is_name(const char *s, size_t len, size_t max)
{
	return len > 0 && len <= max && strspn(s, NAME_CHARS) >= len &&
	    s[0] != '-' && s[0] != '.';
}

static bool has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* The port of ":PORT" at p (end at end), or -1. */
static int parse_port(const char *p, const char *end)
{
	int port = 0;

	if (p == end)
		return -1;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		port = port * 10 + (*p - '0');
		if (port > 65535)
			return -1;
	}
	return port == 0 ? -1 : port;
}

static int parse_ssh(const char *spec, struct host *h, char *err, size_t errlen)
{
	const char *auth = spec + strlen(SCHEME), *end, *at, *hp, *hend, *colon;

	end = auth + strcspn(auth, "/");
	if ((at = memchr(auth, '@', (size_t)(end - auth))) != NULL) {
		if (!is_name(auth, (size_t)(at - auth), 64))
			return fail(err, errlen, "host '%s': bad user name", spec);
		h->user = strndup(auth, (size_t)(at - auth));
		hp = at + 1;
	} else
		hp = auth;
	if (*hp == '[') {
		hend = memchr(hp, ']', (size_t)(end - hp));
		if (hend == NULL || hend == hp + 1 ||
		    strspn(hp + 1, IPV6_CHARS) != (size_t)(hend - hp - 1))
			return fail(err, errlen, "host '%s': bad IPv6 address", spec);
		h->name = strndup(hp + 1, (size_t)(hend - hp - 1));
		colon = hend + 1 < end ? hend + 1 : NULL;
		if (colon != NULL && *colon != ':')
			return fail(err, errlen, "host '%s': bad IPv6 address", spec);
	} else {
		colon = memchr(hp, ':', (size_t)(end - hp));
		hend = colon != NULL ? colon : end;
		if (!is_name(hp, (size_t)(hend - hp), 253))
			return fail(err, errlen, "host '%s': bad host name", spec);
		h->name = strndup(hp, (size_t)(hend - hp));
	}
	if (colon != NULL && (h->port = parse_port(colon + 1, end)) < 0)
		return fail(err, errlen, "host '%s': bad port", spec);
	if (*end == '/') {
		if (has_control(end))
			return fail(err, errlen, "host '%s': bad socket path", spec);
		h->socket = strdup(end);
	}
	if ((h->user == NULL && at != NULL) || h->name == NULL ||
	    (h->socket == NULL && *end == '/'))
		return fail(err, errlen, "out of memory");
	return 0;
}

int host_parse(const char *spec, struct host *h, char *err, size_t errlen)
{
	int rc;

	memset(h, 0, sizeof(*h));
	if (strcmp(spec, "local") == 0) {
		h->local = true;
		rc = 0;
	} else if (strncmp(spec, SCHEME, strlen(SCHEME)) == 0)
		rc = parse_ssh(spec, h, err, errlen);
	else
		rc = fail(err, errlen, "host '%s': expected "
		    "ssh://[USER@]HOST[:PORT][/SOCKET] or local", spec);
	if (rc == 0) {
		h->spec = strdup(spec);
		h->label = strdup(h->local ? "<Local>" : spec + strlen(SCHEME));
		if (h->spec == NULL || h->label == NULL)
			rc = fail(err, errlen, "out of memory");
	}
	if (rc < 0)
		host_free(h);
	return rc;
}

void host_free(struct host *h)
{
	free(h->spec);
	free(h->label);
	free(h->user);
	free(h->name);
	free(h->socket);
	memset(h, 0, sizeof(*h));
}

/* s in single quotes for a POSIX shell ("it's" -> 'it'\''s'). */
static char *shell_quote(const char *s)
{
	size_t len = 3;
	const char *p;
	char *q, *out;

	for (p = s; *p != '\0'; p++)
		len += *p == '\'' ? 4 : 1;
	if ((out = malloc(len)) == NULL)
		return NULL;
	q = out;
	*q++ = '\'';
	for (p = s; *p != '\0'; p++) {
		if (*p == '\'') {
			memcpy(q, "'\\''", 4);
			q += 4;
		} else
			*q++ = *p;
	}
	*q++ = '\'';
	*q = '\0';
	return out;
}

/* A growing argument vector; a failed add leaves it failed. */
struct args {
	char **v;
	size_t n, cap;
	bool failed;
};

static void add_owned(struct args *a, char *s)
{
	char **v;

	if (!a->failed && a->n + 2 > a->cap) {
		a->cap = a->cap == 0 ? 32 : a->cap * 2;
		if ((v = realloc(a->v, a->cap * sizeof(*v))) == NULL)
			a->failed = true;
		else
			a->v = v;
	}
	if (a->failed || s == NULL) {
		a->failed = true;
		free(s);
		return;
	}
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

static void add(struct args *a, const char *s)
{
	add_owned(a, strdup(s));
}

static void addf(struct args *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void addf(struct args *a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	add_owned(a, s);
}

/* The words of extra, split at blanks. */
static void add_split(struct args *a, const char *extra)
{
	const char *p = extra;
	size_t len;

	while (p != NULL && *(p += strspn(p, " \t\n")) != '\0') {
		len = strcspn(p, " \t\n");
		add_owned(a, strndup(p, len));
		p += len;
	}
}

char **host_ssh_argv(const struct host *h, const struct ssh_params *p)
{
	struct args a = { 0 };

	add(&a, "ssh");
	/* The user's own options first: for ssh the first value given wins. */
	add_split(&a, p->extra);
	/* No terminal, no X11 or agent forwarding: the far side only relays. */
	add(&a, "-T");
	add(&a, "-x");
	add(&a, "-a");
	if (p->batch) {
		add(&a, "-o");
		add(&a, "BatchMode=yes");
	}
	add(&a, "-o");
	addf(&a, "ConnectTimeout=%d", p->connect_timeout);
	if (h->port != 0) {
		add(&a, "-p");
		addf(&a, "%d", h->port);
	}
	if (h->user != NULL) {
		add(&a, "-l");
		add(&a, h->user);
	}
	add(&a, "--");
	add(&a, h->name);
	/* ssh hands the remote command to the remote user's shell: quoted. */
	add_owned(&a, shell_quote(p->remote_ctl != NULL ? p->remote_ctl : "tetherctl"));
	if (h->socket != NULL) {
		add(&a, "-S");
		add_owned(&a, shell_quote(h->socket));
	}
	add(&a, "dial-stdio");
	if (a.failed) {
		argv_free(a.v);
		errno = ENOMEM;
		return NULL;
	}
	return a.v;
}

void argv_free(char **argv)
{
	char **p;

	for (p = argv; p != NULL && *p != NULL; p++)
		free(*p);
	free(argv);
}
