/*
 * The system commands, "||" (syscmd.h), and where every other command
 * line goes: to the current system.
 *   ||, ||*       list the systems        ||.  the current one
 *   ||#           the one with the latest break
 *   ||N           system N                ||Ns select system N
 *   ||N CMD, ||* CMD, ||. CMD, ||# CMD    CMD on those systems, the
 *                 selection left as it is (each line of output tagged)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alias.h"
#include "proto.h"
#include "syscmd.h"

#define BLANKS " \t\r\n"

enum which { SYS_ALL, SYS_CURRENT, SYS_EVENT, SYS_ONE };

struct sysref {
	enum which which;
	int number;		/* SYS_ONE */
	bool select;		/* ||Ns */
	const char *command;	/* what follows, blanks skipped: "" for none */
};

static int usage_error(const char *msg)
{
	fprintf(stderr, "tetherctl: %s\n", msg);
	return TETHER_EXIT_USAGE;
}

/* Parses the "||" line at p (past the bars). -1 when malformed. */
static int parse(const char *p, struct sysref *r)
{
	long n;
	char *end;

	*r = (struct sysref){ .which = SYS_ALL };
	if (*p == '*' || *p == '.' || *p == '#') {
		r->which = *p == '*' ? SYS_ALL : *p == '.' ? SYS_CURRENT : SYS_EVENT;
		p++;
	} else if (*p >= '0' && *p <= '9') {
		n = strtol(p, &end, 10);
		if (n > 1000000)
			return -1;
		r->which = SYS_ONE;
		r->number = (int)n;
		p = end;
	}
	if (*p == 's') {
		r->select = true;
		p++;
	}
	if (*p != '\0' && strchr(BLANKS, *p) == NULL)
		return -1;
	r->command = p + strspn(p, BLANKS);
	/* One system is selected, and selecting is all that ||Ns does. */
	if (r->select && (r->which == SYS_ALL || r->command[0] != '\0'))
		return -1;
	return 0;
}

/* The system with the latest break by the status last fetched, or -1. */
static int event_system(const struct fleet *f)
{
	double best = 0, at;
	int i, found = -1;

	for (i = 0; i < f->count; i++) {
		at = json_number_value(json_object_get(f->sys[i].status, "last_break"));
		if (f->sys[i].down == NULL && at > best) {
			best = at;
			found = i;
		}
	}
	return found;
}

/* Sums a member of every session in a status. */
static int session_sum(const json_t *status, const char *key)
{
	const json_t *sessions = json_object_get(status, "sessions"), *s;
	size_t i;
	int sum = 0;

	json_array_foreach(sessions, i, s)
		sum += (int)json_integer_value(json_object_get(s, key));
	return sum;
}

static json_t *system_json(const struct fleet *f, const struct system *s, int event)
{
	json_t *o = json_pack("{s:i, s:s, s:b, s:b, s:b}", "system", s->number,
	    "host", s->host.label, "current", s->number == f->current,
	    "event", s->number == event, "reachable", s->down == NULL);

	if (o == NULL)
		return NULL;
	if (s->down != NULL) {
		json_object_set_new(o, "reason", json_string(s->down));
		return o;
	}
	json_object_set(o, "version", json_object_get(s->status, "version"));
	json_object_set_new(o, "live", json_integer(session_sum(s->status, "live")));
	json_object_set_new(o, "sessions",
	    json_integer((json_int_t)json_array_size(json_object_get(s->status, "sessions"))));
	json_object_set_new(o, "held", json_integer(session_sum(s->status, "held")));
	json_object_set(o, "last_break", json_object_get(s->status, "last_break"));
	return o;
}

/*
 * The status line of a system, in the manner of |*:
 *   .  0  <Local>     tetherd 0.1.0  live: 3  sessions: 2  held: 1
 *      2  farm3       unreachable: ssh: connect to host farm3 port 22: ...
 */
static void print_system(const struct fleet *f, const struct system *s, int event,
    int width)
{
	const char *version = json_string_value(json_object_get(s->status, "version"));
	char mark = s->number == f->current ? '.' : s->number == event ? '#' : ' ';

	printf("%c  %d  %-*s  ", mark, s->number, width, s->host.label);
	if (s->down != NULL)
		printf("unreachable: %s\n", s->down);
	else
		printf("tetherd %s  live: %d  sessions: %zu  held: %d\n",
		    version != NULL ? version : "?", session_sum(s->status, "live"),
		    json_array_size(json_object_get(s->status, "sessions")),
		    session_sum(s->status, "held"));
}

/* Lists the systems with want[i], of which answered could be reached. */
static int show(struct fleet *f, const bool *want, int answered)
{
	json_t *systems = json_array(), *all;
	int i, event, width = 0, listed = 0;

	event = event_system(f);
	for (i = 0; i < f->count; i++)
		if (want[i] && (int)strlen(f->sys[i].host.label) > width)
			width = (int)strlen(f->sys[i].host.label);
	for (i = 0; i < f->count; i++) {
		if (!want[i])
			continue;
		listed++;
		if (f->json)
			json_array_append_new(systems, system_json(f, &f->sys[i], event));
		else
			print_system(f, &f->sys[i], event, width);
	}
	if (f->json) {
		all = json_pack("{s:o}", "systems", systems);
		json_dumpf(all, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(all);
	} else
		json_decref(systems);
	fflush(stdout);
	if (answered == listed)
		return TETHER_EXIT_OK;
	return answered > 0 ? TETHER_EXIT_FAILED : TETHER_EXIT_NO_DAEMON;
}

/* Lists the systems with want[i], as they are now. */
static int list(struct fleet *f, const bool *want)
{
	return show(f, want, fleet_fetch_status(f, want));
}

/* The one system r names, or -1 with a message (exit code in *rc). */
static int resolve_one(struct fleet *f, const struct sysref *r, int *rc)
{
	bool *all;
	int event;

	if (r->which == SYS_CURRENT)
		return f->current;
	if (r->which == SYS_ONE) {
		if (r->number < f->count)
			return r->number;
		fprintf(stderr, "tetherctl: no system %d (there %s %d: 0 to %d)\n",
		    r->number, f->count == 1 ? "is" : "are", f->count, f->count - 1);
		*rc = TETHER_EXIT_USAGE;
		return -1;
	}
	/* ||#: every system is asked when its latest break was. */
	if ((all = malloc((size_t)f->count * sizeof(*all))) == NULL) {
		*rc = usage_error("out of memory");
		return -1;
	}
	for (int i = 0; i < f->count; i++)
		all[i] = true;
	fleet_fetch_status(f, all);
	free(all);
	if ((event = event_system(f)) < 0) {
		fprintf(stderr, "tetherctl: no system has had a break\n");
		*rc = TETHER_EXIT_FAILED;
	}
	return event;
}

/* ||Ns: a system that cannot be reached is not selected. */
static int select_system(struct fleet *f, int n, const bool *want)
{
	if (fleet_fetch_status(f, want) == 0) {
		fprintf(stderr, "tetherctl: %sunreachable: %s\n", f->sys[n].tag.err,
		    f->sys[n].down);
		return TETHER_EXIT_FAILED;
	}
	f->current = n;
	return show(f, want, 1);
}

/* A command for the systems of want: its aliases expanded, then run. */
static int run_on(struct fleet *f, const bool *want, const char *command, bool tagged)
{
	char err[256], *expanded;
	int rc;

	if ((expanded = alias_expand_line(command, err, sizeof(err))) == NULL)
		return usage_error(err);
	rc = fleet_run(f, want, expanded, tagged);
	free(expanded);
	return rc;
}

static int run_system_line(struct fleet *f, const char *line)
{
	struct sysref r;
	bool *want;
	int i, n = -1, rc = TETHER_EXIT_OK;

	if (parse(line + 2, &r) < 0)
		return usage_error("expected ||[*|.|#|N] [COMMAND] or ||Ns");
	if ((want = calloc((size_t)f->count, sizeof(*want))) == NULL)
		return usage_error("out of memory");
	if (r.which == SYS_ALL)
		for (i = 0; i < f->count; i++)
			want[i] = true;
	else if ((n = resolve_one(f, &r, &rc)) >= 0)
		want[n] = true;
	else {
		free(want);
		return rc;
	}
	if (r.select)
		rc = select_system(f, n, want);
	else if (r.command[0] == '\0')
		rc = list(f, want);
	else
		rc = run_on(f, want, r.command, true);
	free(want);
	return rc;
}

int syscmd_run_line(struct fleet *f, const char *line)
{
	bool *want;
	int rc;

	line += strspn(line, BLANKS);
	if (strncmp(line, "||", 2) == 0)
		return run_system_line(f, line);
	if ((want = calloc((size_t)f->count, sizeof(*want))) == NULL)
		return usage_error("out of memory");
	want[f->current] = true;
	rc = run_on(f, want, line, false);
	free(want);
	return rc;
}
