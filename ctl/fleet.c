/* The systems and the parallel exchange with them (fleet.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fleet.h"
#include "proto.h"

/*
 * Replies are not bounded by TETHER_MAX_LINE (that limits requests): "|*"
 * of 10,000 targets is megabytes. This only stops a runaway peer.
 */
#define MAX_REPLY ((size_t)64 << 20)

/* How long ssh gets to end once its connection is closed. */
#define REAP_MS 1000

/* --------------------------------------------------------- the list */

int fleet_read_hosts(const char *file, char ***hosts, int *count)
{
	FILE *fp;
	char *line = NULL, *p, *end, **grown;
	size_t cap = 0;
	int rc = 0;

	if ((fp = fopen(file, "r")) == NULL) {
		fprintf(stderr, "tetherctl: %s: %s\n", file, strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, fp) >= 0) {
		p = line + strspn(line, " \t");
		/* A comment runs from a '#' that starts a word to the end. */
		for (end = p; *end != '\0' && *end != '\n' &&
		    !(*end == '#' && (end == p || strchr(" \t", end[-1]) != NULL)); end++)
			;
		while (end > p && strchr(" \t\r", end[-1]) != NULL)
			end--;
		if (end == p)
			continue;
		if ((grown = realloc(*hosts, (size_t)(*count + 2) * sizeof(**hosts))) == NULL ||
		    (grown[*count] = strndup(p, (size_t)(end - p))) == NULL) {
			if (grown != NULL)
				*hosts = grown;
			fprintf(stderr, "tetherctl: out of memory\n");
			rc = -1;
			break;
		}
		*hosts = grown;
		grown[++*count] = NULL;
	}
	if (rc == 0 && ferror(fp)) {
		fprintf(stderr, "tetherctl: %s: %s\n", file, strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(fp);
	return rc;
}

/* The marks of s's output, once the width of the widest label is known. */
static int make_tag(struct system *s, int width)
{
	json_t *host = json_string(s->host.label);
	char *enc = host != NULL ? json_dumps(host, JSON_ENCODE_ANY) : NULL;
	int rc = 0;

	if (enc == NULL ||
	    asprintf(&s->tag.text, "%d  %-*s  ", s->number, width, s->host.label) < 0 ||
	    asprintf(&s->tag.json, "{\"system\":%d,\"host\":%s,", s->number, enc) < 0 ||
	    asprintf(&s->tag.err, "||%d %s: ", s->number, s->host.label) < 0)
		rc = -1;
	free(enc);
	json_decref(host);
	return rc;
}

static int add_systems(struct fleet *f, char **specs, int n)
{
	char err[512];
	int i, width = 0;

	if ((f->sys = calloc((size_t)n, sizeof(*f->sys))) == NULL) {
		fprintf(stderr, "tetherctl: out of memory\n");
		return -1;
	}
	for (i = 0; i < n; i++) {
		f->sys[i] = (struct system){ .number = i, .link = LINK_INIT };
		if (host_parse(specs[i], &f->sys[i].host, err, sizeof(err)) < 0) {
			fprintf(stderr, "tetherctl: %s\n", err);
			return -1;
		}
		f->count++;
		if ((int)strlen(f->sys[i].host.label) > width)
			width = (int)strlen(f->sys[i].host.label);
	}
	for (i = 0; i < n; i++)
		if (make_tag(&f->sys[i], width) < 0) {
			fprintf(stderr, "tetherctl: out of memory\n");
			return -1;
		}
	return 0;
}

int fleet_init(struct fleet *f, char **hosts)
{
	char **list = NULL, *one[2] = { NULL, NULL };
	const char *env;
	int n = 0, rc;

	for (; hosts != NULL && hosts[n] != NULL; n++)
		;
	if (n > 0)
		return add_systems(f, hosts, n);
	if ((env = getenv("TETHER_HOSTS")) != NULL && env[0] != '\0') {
		if (fleet_read_hosts(env, &list, &n) < 0)
			rc = -1;
		else if (n == 0) {
			fprintf(stderr, "tetherctl: %s: no host in it\n", env);
			rc = -1;
		} else
			rc = add_systems(f, list, n);
		for (int i = 0; i < n; i++)
			free(list[i]);
		free(list);
		return rc;
	}
	env = getenv("TETHER_HOST");
	one[0] = (char *)(env != NULL && env[0] != '\0' ? env : "local");
	return add_systems(f, one, 1);
}

void fleet_free(struct fleet *f)
{
	long long deadline;
	int i;

	/* All at once: each ssh then ends while the others are waited for. */
	for (i = 0; i < f->count; i++)
		link_hangup(&f->sys[i].link);
	deadline = link_now_ms() + REAP_MS;
	for (i = 0; i < f->count; i++) {
		struct system *s = &f->sys[i];

		link_reap(&s->link, deadline);
		host_free(&s->host);
		free(s->tag.text);
		free(s->tag.json);
		free(s->tag.err);
		json_decref(s->status);
		free(s->down);
	}
	free(f->sys);
	f->sys = NULL;
	f->count = 0;
}

/* ----------------------------------------------------- the exchange */

/*
 * Columns of the terminal the text goes to: the window's when standard
 * output is one, else $COLUMNS (as ps(1) reads it), else 0: no limit.
 */
static int terminal_width(void)
{
	struct winsize ws;
	const char *env = getenv("COLUMNS");
	char *end;
	long n;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col > 0)
		return ws.ws_col < TETHER_MAX_WIDTH ? ws.ws_col : TETHER_MAX_WIDTH;
	if (env == NULL || env[0] < '0' || env[0] > '9')
		return 0;
	n = strtol(env, &end, 10);
	if (*end != '\0' || n <= 0)
		return 0;
	return n < TETHER_MAX_WIDTH ? (int)n : TETHER_MAX_WIDTH;
}

/* The request for line to s, or NULL. "cwd" is where the user stands: it
 * means nothing on another host. "width": what is left of the terminal's
 * once the system's tag is written. */
static char *make_request(const struct fleet *f, const struct system *s,
    const char *line, const char *form)
{
	int width = f->json ? 0 : terminal_width();
	json_t *req;
	char *text;

	if (width > 0 && f->tagged) {
		width -= (int)strlen(s->tag.text);
		if (width < 1)
			width = 1;
	}
	req = json_pack("{s:s, s:s, s:s}", "session", f->session, "line", line,
	    "form", form);
	if (req != NULL && width > 0 &&
	    json_object_set_new(req, "width", json_integer(width)) < 0) {
		json_decref(req);
		req = NULL;
	}
	if (req != NULL && s->host.local && f->cwd != NULL &&
	    json_object_set_new(req, "cwd", json_string(f->cwd)) < 0) {
		json_decref(req);
		req = NULL;
	}
	text = req != NULL ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	return text;
}

static void set_down(struct system *s, const char *why)
{
	free(s->down);
	s->down = strdup(why);
	s->phase = PH_FAILED;
	s->up = false;
	s->deadline = 0;
}

/* s is lost: says why (ssh's own words when it gave some) and lets go. */
static void fail(struct system *s, const char *why, bool kill_now)
{
	const char *said = "";
	char *copy = NULL;

	link_hangup(&s->link);
	if (s->link.ssh > 0 && !kill_now)
		said = link_reason(&s->link, REAP_MS);
	if (said[0] != '\0')
		copy = strdup(said);
	set_down(s, copy != NULL ? copy : why);
	free(copy);
	link_reap(&s->link, kill_now ? 0 : link_now_ms() + REAP_MS);
}

static void send_request(struct fleet *f, struct system *s, const char *line,
    const char *form, enum phase next)
{
	char *req = make_request(f, s, line, form);

	if (req == NULL) {
		fail(s, "out of memory", true);
		return;
	}
	/* A daemon that refuses the connection (past a limit) replies and
	 * closes at once, maybe before the request went: that reply is
	 * still to be read. */
	if (conn_send_line(&s->link.conn, req) < 0 && errno != EPIPE &&
	    errno != ECONNRESET)
		fail(s, strerror(errno), false);
	else
		s->phase = next;
	free(req);
}

/* Starts s on the exchange of line; a new ssh connection is greeted
 * first (a status request), unless line is that request. */
static void start(struct fleet *f, struct system *s, const char *line,
    const char *form, bool batch)
{
	char why[256];

	s->answer = NULL;
	if (!s->up) {
		free(s->down);
		s->down = NULL;
		f->ssh.batch = batch;
		if (link_open(&s->link, &s->host, f->local_socket, &f->ssh, why, sizeof(why)) < 0) {
			set_down(s, why);
			return;
		}
		s->up = s->host.local;
		/* Without BatchMode ssh may be waiting for the user. */
		s->deadline = s->up || !batch ? 0 :
		    link_now_ms() + f->ssh.connect_timeout * 1000LL;
		if (!s->up && !(strcmp(line, "status") == 0 && strcmp(form, "data") == 0)) {
			send_request(f, s, "status", "data", PH_GREET);
			return;
		}
	}
	send_request(f, s, line, form, PH_WAIT);
}

/* The data of a status reply line, or NULL. */
static json_t *status_of(const char *line)
{
	json_t *reply = json_loads(line, 0, NULL), *data;

	data = json_incref(json_object_get(reply, "data"));
	json_decref(reply);
	if (!json_is_object(data)) {
		json_decref(data);
		return NULL;
	}
	return data;
}

/* A line came from s. */
static void on_line(struct fleet *f, struct system *s, const char *line,
    const char *req_line, const char *form)
{
	json_t *status;

	s->deadline = 0;
	s->up = true;
	if (s->phase == PH_GREET) {
		if ((status = status_of(line)) == NULL) {
			fail(s, "bad reply: not a status", true);
			return;
		}
		json_decref(s->status);
		s->status = status;
		send_request(f, s, req_line, form, PH_WAIT);
	} else {
		s->answer = line;
		s->answer_len = conn_line_len(&s->link.conn);
		s->phase = PH_ANSWERED;
	}
}

/* Takes the lines s has sent, while it is in phase (GREET, WAIT). */
static void take_lines(struct fleet *f, struct system *s, const char *req_line,
    const char *form)
{
	char *line;
	int rc;

	while (s->phase == PH_GREET || s->phase == PH_WAIT) {
		if ((rc = conn_take_line(&s->link.conn, MAX_REPLY, &line)) == 0)
			return;
		if (rc < 0) {
			fail(s, "bad reply: too long", true);
			return;
		}
		on_line(f, s, line, req_line, form);
	}
}

static bool waiting(const struct system *s)
{
	return s->phase == PH_GREET || s->phase == PH_WAIT;
}

/* The poll set: each waiting system's connection and ssh's stderr. */
static int gather(struct fleet *f, struct pollfd *pfd, int *timeout)
{
	long long now = link_now_ms(), left;
	int i, n = 0;

	*timeout = -1;
	for (i = 0; i < f->count; i++) {
		struct system *s = &f->sys[i];

		pfd[2 * i] = (struct pollfd){ .fd = -1 };
		pfd[2 * i + 1] = (struct pollfd){ .fd = -1 };
		if (!waiting(s))
			continue;
		n++;
		pfd[2 * i] = (struct pollfd){ .fd = s->link.conn.fd, .events = POLLIN };
		pfd[2 * i + 1] = (struct pollfd){ .fd = s->link.err_fd, .events = POLLIN };
		if (s->deadline != 0) {
			left = s->deadline > now ? s->deadline - now : 0;
			if (*timeout < 0 || left < *timeout)
				*timeout = (int)left;
		}
	}
	return n;
}

/* Runs the exchange of line with each wanted system: afterwards each is
 * PH_ANSWERED or PH_FAILED. */
static void exchange(struct fleet *f, const bool *want, const char *line,
    const char *form)
{
	struct pollfd *pfd;
	char why[64];
	int i, timeout, fresh = 0;
	bool batch;

	for (i = 0; i < f->count; i++)
		if (want[i] && !f->sys[i].up && !f->sys[i].host.local)
			fresh++;
	/* ssh may ask the user only when one connection is being made. */
	batch = !f->interactive || fresh > 1;
	for (i = 0; i < f->count; i++) {
		f->sys[i].phase = PH_IDLE;
		if (want[i])
			start(f, &f->sys[i], line, form, batch);
	}
	if ((pfd = calloc((size_t)f->count * 2, sizeof(*pfd))) == NULL) {
		for (i = 0; i < f->count; i++)
			if (waiting(&f->sys[i]))
				fail(&f->sys[i], "out of memory", true);
		return;
	}
	while (gather(f, pfd, &timeout) > 0) {
		if (poll(pfd, (nfds_t)f->count * 2, timeout) < 0 && errno != EINTR) {
			for (i = 0; i < f->count; i++)
				if (waiting(&f->sys[i]))
					fail(&f->sys[i], strerror(errno), true);
			break;
		}
		for (i = 0; i < f->count; i++) {
			struct system *s = &f->sys[i];
			int rc;

			if (!waiting(s))
				continue;
			if (pfd[2 * i + 1].revents != 0)
				link_read_err(&s->link);
			if (pfd[2 * i].revents != 0) {
				if ((rc = conn_fill(&s->link.conn)) > 0)
					take_lines(f, s, line, form);
				else
					fail(s, rc == 0 ? "connection closed before a reply" :
					    strerror(errno), false);
			}
			if (waiting(s) && s->deadline != 0 && link_now_ms() >= s->deadline) {
				snprintf(why, sizeof(why), "no answer within %d s",
				    f->ssh.connect_timeout);
				fail(s, why, true);
			}
		}
	}
	free(pfd);
}

/* ------------------------------------------------------- the output */

static const char *where(const struct fleet *f, const struct system *s)
{
	return s->host.local ? f->local_socket : s->host.spec;
}

static void say_down(const struct fleet *f, const struct system *s, bool tagged)
{
	if (tagged)
		fprintf(stderr, "tetherctl: %sunreachable: %s\n", s->tag.err, s->down);
	else
		fprintf(stderr, "tetherctl: no daemon at %s: %s\n", where(f, s), s->down);
}

/* The end of a stream: the daemon went away. No success: said with why. */
static void stream_ended(struct fleet *f, struct system *s, bool tagged,
    const char *why)
{
	fprintf(stderr, "tetherctl: %sevents: end of the stream from %s: %s\n",
	    tagged ? s->tag.err : "", where(f, s), why);
	fail(s, "stream ended", true);
}

/* The events that follow the acknowledgements of events -f, as they come,
 * until every stream has ended. */
static void stream(struct fleet *f, bool tagged)
{
	struct pollfd *pfd;
	char *line, end[256];
	int i, rc, live;

	if ((pfd = calloc((size_t)f->count, sizeof(*pfd))) == NULL)
		return;
	for (;;) {
		for (i = live = 0; i < f->count; i++) {
			struct system *s = &f->sys[i];

			/* Lines that came with the acknowledgement first. */
			while (s->phase == PH_STREAM &&
			    (rc = conn_take_line(&s->link.conn, MAX_REPLY, &line)) != 0) {
				if (rc > 0 && (rc = reply_print_event(line, f->json,
				    tagged ? &s->tag : NULL, end, sizeof(end))) == 1)
					stream_ended(f, s, tagged, end);
				else if (rc < 0) {
					fprintf(stderr, "tetherctl: %sbad event line from %s\n",
					    tagged ? s->tag.err : "", where(f, s));
					fail(s, "bad event line", true);
				}
			}
			pfd[i] = (struct pollfd){ .fd = s->phase == PH_STREAM ?
			    s->link.conn.fd : -1, .events = POLLIN };
			live += s->phase == PH_STREAM;
		}
		if (live == 0)
			break;
		if (poll(pfd, (nfds_t)f->count, -1) < 0 && errno != EINTR)
			break;
		for (i = 0; i < f->count; i++)
			if (pfd[i].fd >= 0 && pfd[i].revents != 0 &&
			    conn_fill(&f->sys[i].link.conn) <= 0)
				/* The daemon went away without a word. */
				stream_ended(f, &f->sys[i], tagged, "the connection closed");
	}
	free(pfd);
}

/* A reply that collect takes: its data, when it says ok. */
static int collect_reply(struct fleet *f, const struct system *s, bool tagged,
    const struct reply *reply)
{
	json_t *data;

	if (!json_is_true(json_object_get(reply->head, "ok")))
		return reply_print(reply, false, tagged ? &s->tag : NULL);
	if ((data = json_loadb(reply->data.p, reply->data.len, 0, NULL)) == NULL)
		return -1;
	f->collect(f->collect_arg, s, tagged, data, NULL);
	json_decref(data);
	return TETHER_EXIT_OK;
}

int fleet_run(struct fleet *f, const bool *want, const char *line, bool tagged)
{
	const char *form = f->json || f->collect != NULL ? "data" : "text";
	struct reply reply;
	int i, rc, worst = TETHER_EXIT_OK, answered = 0, missing = 0, following = 0;
	char *probe;

	f->tagged = tagged;
	/* Refused here (the daemon would refuse it and hang up), once for all. */
	probe = make_request(f, &f->sys[f->current], line, form);
	if (probe == NULL) {
		fprintf(stderr, "tetherctl: cannot encode the request (is it UTF-8?)\n");
		return TETHER_EXIT_USAGE;
	}
	rc = strlen(probe) > TETHER_MAX_LINE;
	free(probe);
	if (rc) {
		fprintf(stderr, "tetherctl: request line too long (limit %d bytes)\n",
		    TETHER_MAX_LINE);
		return TETHER_EXIT_USAGE;
	}
	exchange(f, want, line, form);
	for (i = 0; i < f->count; i++) {
		struct system *s = &f->sys[i];

		if (!want[i])
			continue;
		if (s->phase == PH_FAILED) {
			say_down(f, s, tagged);
			if (f->collect != NULL)
				f->collect(f->collect_arg, s, tagged, NULL, s->down);
			missing++;
			continue;
		}
		rc = reply_parse(s->answer, s->answer_len, &reply) < 0 ? -1 :
		    reply_follows(&reply) ? TETHER_EXIT_OK :
		    f->collect != NULL ? collect_reply(f, s, tagged, &reply) :
		    reply_print(&reply, f->json, tagged ? &s->tag : NULL);
		/* The acknowledgement of events -f is not an event: not printed. */
		if (rc == 0 && reply_follows(&reply)) {
			s->phase = PH_STREAM;
			following++;
		}
		json_decref(reply.head);
		if (rc < 0) {
			fprintf(stderr, "tetherctl: %sbad reply from daemon at %s: "
			    "not a well-formed JSON object\n", tagged ? s->tag.err : "",
			    where(f, s));
			fail(s, "bad reply", true);
			if (f->collect != NULL)
				f->collect(f->collect_arg, s, tagged, NULL, s->down);
			missing++;
			continue;
		}
		answered++;
		if (rc > worst)
			worst = rc;
	}
	/* A stream ends only when its daemon goes: no daemon, exit 3. */
	if (following > 0) {
		stream(f, tagged);
		return TETHER_EXIT_NO_DAEMON;
	}
	if (missing > 0)
		return answered > 0 ? TETHER_EXIT_FAILED : TETHER_EXIT_NO_DAEMON;
	return worst;
}

int fleet_ask(struct fleet *f, const char *line, struct reply *reply)
{
	struct system *s = &f->sys[f->current];
	bool *want;

	reply->head = NULL;
	if ((want = calloc((size_t)f->count, sizeof(*want))) == NULL) {
		fprintf(stderr, "tetherctl: out of memory\n");
		return TETHER_EXIT_FAILED;
	}
	want[f->current] = true;
	exchange(f, want, line, "data");
	free(want);
	if (s->phase == PH_FAILED) {
		say_down(f, s, false);
		return TETHER_EXIT_NO_DAEMON;
	}
	if (reply_parse(s->answer, s->answer_len, reply) < 0) {
		json_decref(reply->head);
		reply->head = NULL;
		fprintf(stderr, "tetherctl: bad reply from daemon at %s: "
		    "not a well-formed JSON object\n", where(f, s));
		fail(s, "bad reply", true);
		return TETHER_EXIT_NO_DAEMON;
	}
	return TETHER_EXIT_OK;
}

int fleet_fetch_status(struct fleet *f, const bool *want)
{
	int i, answered = 0;
	json_t *status;

	exchange(f, want, "status", "data");
	for (i = 0; i < f->count; i++) {
		struct system *s = &f->sys[i];

		if (!want[i] || s->phase == PH_FAILED)
			continue;
		if ((status = status_of(s->answer)) == NULL) {
			fail(s, "bad reply: not a status", true);
			continue;
		}
		json_decref(s->status);
		s->status = status;
		answered++;
	}
	return answered;
}
