#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "admission.h"
#include "cmd.h"
#include "argv-text.h"
#include "control.h"
#include "event-text.h"
#include "lazyfree.h"
#include "model.h"
#include "log.h"
#include "paths.h"
#include "proto.h"
#include "request.h"
#include "store.h"

/*
 * A client is held by its connection and by each request in flight: it is
 * freed when both are gone, so that a command finishing after its client
 * hung up still has something to reply to.
 */
struct client {
	struct bufferevent *bev;	/* NULL once the connection is closed */
	struct ucred cred;
	bool busy;			/* a request is in flight */
	bool stalled;			/* not read from until it reads its replies */
	bool closing;			/* close once the output is written */
	bool eof;			/* sent all its requests (shutdown SHUT_WR) */
	json_t *pending_reply;		/* waits for the commit */
	uint64_t request_mark;		/* store_mark() when the request came */
	uint64_t reply_ticket;		/* the commit the reply waits for */
	char unrecorded[160];		/* what was lost of the request's changes */
	int refs;
	TAILQ_ENTRY(client) entry;
	TAILQ_ENTRY(client) flush_entry;
	bool in_flush;
	int64_t subscribed;		/* session whose events it follows, 0, or
					 * CONTROL_ALL_SESSIONS */
	json_t *events;			/* events waiting for the commit */
	uint64_t *event_tickets;	/* the commit each waits for */
	size_t event_cap;
	int width;			/* of its terminal (its last request) */
	TAILQ_ENTRY(client) sub_entry;
};
TAILQ_HEAD(client_list, client);

static struct event_base *control_base;
static struct store *control_store;
static struct evconnlistener *listener;
static struct event *flush_ev;		/* commit now: someone waits for it */
static struct event *flush_timer;	/* commit soon: nobody waits yet */
static struct client_list clients = TAILQ_HEAD_INITIALIZER(clients);
static struct client_list to_flush = TAILQ_HEAD_INITIALIZER(to_flush);
static struct client_list subscribers = TAILQ_HEAD_INITIALIZER(subscribers);
static char socket_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static bool draining;
static char *stop_reason;		/* why the daemon stops, for followers */
/* Past this much unsent output a client is cut off (max_client_backlog). */
static size_t max_backlog = CONTROL_DEFAULT_BACKLOG;
/*
 * Out of file descriptors, accept fails until one is closed: retried on
 * the next close or after ACCEPT_PAUSE_MS, never in a loop. One descriptor
 * is kept in reserve to take a pending connection then: root's is served,
 * the others are told why they are refused.
 */
#define ACCEPT_PAUSE_MS 250
static struct event *accept_timer;
static bool accept_paused;
static int reserve_fd = -1;

static void client_read(struct bufferevent *bev, void *arg);
static void flush_events(void);

static void
client_unref(struct client *c)
{
	if (--c->refs > 0)
		return;
	json_decref(c->pending_reply);
	free(c);
}

static void accept_resume(void);

static void
client_close(struct client *c)
{
	if (c->bev == NULL)
		return;
	bufferevent_free(c->bev);
	c->bev = NULL;
	admission_release(c->cred.uid);
	if (accept_paused)
		accept_resume();
	TAILQ_REMOVE(&clients, c, entry);
	if (c->subscribed != 0) {
		TAILQ_REMOVE(&subscribers, c, sub_entry);
		c->subscribed = 0;
		json_decref(c->events);
		c->events = NULL;
		free(c->event_tickets);
		c->event_tickets = NULL;
		c->event_cap = 0;
	}
	client_unref(c);
}

/*
 * A reply can be megabytes (|* of 10,000 targets) that jansson hands over a
 * few bytes at a time: they are gathered into chunks, and the chunks into
 * a line of buffer chains that is then moved to the output at once, with
 * no contiguous copy of the whole (each addition to the output itself would
 * run the bufferevent's callbacks).
 */
struct reply_line {
	struct evbuffer *chains;
	size_t len;
	char chunk[16384];
};

static int
reply_line_flush(struct reply_line *l)
{
	int rc = evbuffer_add(l->chains, l->chunk, l->len);

	l->len = 0;
	return rc;
}

static int
reply_line_add(const char *buf, size_t len, void *arg)
{
	struct reply_line *l = arg;

	if (l->len + len > sizeof l->chunk && reply_line_flush(l) == -1)
		return -1;
	if (len > sizeof l->chunk)
		return evbuffer_add(l->chains, buf, len);
	memcpy(l->chunk + l->len, buf, len);
	l->len += len;
	return 0;
}

/* Returns how many bytes the reply took (0 when it was not sent). */
static size_t
client_send(struct client *c, json_t *reply)
{
	struct reply_line l;
	size_t unsent, bytes = 0;

	if (c->bev == NULL)
		return 0;
	/*
	 * What the client has not read of the replies before this one: past
	 * the bound it does not read what it asked for (or follows events it
	 * does not read), and the daemon will not hold more. One reply is
	 * always taken whole, however long (events of a long history).
	 */
	unsent = evbuffer_get_length(bufferevent_get_output(c->bev));
	if (unsent > max_backlog) {
		log_warn("a client of uid %u (pid %d) does not read: %zu bytes unsent "
		    "(max_client_backlog %zu): cut off", (unsigned)c->cred.uid,
		    (int)c->cred.pid, unsent, max_backlog);
		client_close(c);
		return 0;
	}
	l.len = 0;
	if ((l.chains = evbuffer_new()) == NULL) {
		log_warn("out of memory: a reply is lost");
		client_close(c);
		return 0;
	}
	if (json_dump_callback(reply, reply_line_add, &l, JSON_COMPACT) == -1 ||
	    reply_line_add("\n", 1, &l) == -1 || reply_line_flush(&l) == -1) {
		log_warn("cannot encode a reply");
		client_close(c);
	} else {
		bytes = evbuffer_get_length(l.chains);
		if (bufferevent_write_buffer(c->bev, l.chains) == -1)
			client_close(c);
	}
	evbuffer_free(l.chains);
	return bytes;
}

/* Refuses the request with a message, without running anything. */
static void
client_refuse(struct client *c, const char *message)
{
	json_t *reply = json_pack("{s:b, s:s, s:s, s:s, s:n}", "ok", 0,
	    "text", "", "error", message, "code", "usage", "data");

	client_send(c, reply);
	json_decref(reply);
}

/*
 * A client that sends requests without reading the replies would make the
 * daemon hold them all: past this much unsent output, its requests wait.
 */
#define CLIENT_MAX_BACKLOG (1u << 20)

/* Takes the requests that arrived while one was in flight. */
static void
client_resume(struct client *c)
{
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) > CLIENT_MAX_BACKLOG) {
		c->stalled = true;
		bufferevent_disable(c->bev, EV_READ);
		return;
	}
	if (!c->eof)
		bufferevent_enable(c->bev, EV_READ);
	client_read(c->bev, c);
}

/*
 * A client that shut down its side (a request, then shutdown(SHUT_WR))
 * still gets the replies to what it sent: it is closed once they are
 * written.
 */
static void
client_finish_if_done(struct client *c)
{
	if (!c->eof || c->busy || c->bev == NULL)
		return;
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		client_close(c);
	else
		c->closing = true;
}

/* The client is gone: what it waits for is cancelled, then it is closed. */
static void
client_gone(struct client *c)
{
	if (c->busy)
		cmdq_cancel_client(c, "the client went away");
	client_close(c);
}

/* Whether the peer closed its end, not only shut down its writing. */
static bool
peer_hung_up(const struct client *c)
{
	struct pollfd pfd = { .fd = bufferevent_getfd(c->bev), .events = 0 };

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLHUP | POLLERR));
}

static void
client_write_done(struct bufferevent *bev, void *arg)
{
	struct client *c = arg;

	(void)bev;
	if (c->closing) {
		client_close(c);
		return;
	}
	if (c->stalled && !c->busy) {
		c->stalled = false;
		client_resume(c);
	}
}

static void
client_event(struct bufferevent *bev, short what, void *arg)
{
	struct client *c = arg;

	if ((what & BEV_EVENT_ERROR) || ((what & BEV_EVENT_EOF) && peer_hung_up(c))) {
		client_gone(c);
		return;
	}
	if (what & BEV_EVENT_EOF) {
		c->eof = true;
		bufferevent_disable(bev, EV_READ);
		if (!c->busy && !c->stalled)
			client_read(bev, c);
	}
}

static void
client_request(struct client *c, const char *line, size_t len)
{
	struct request req;
	char msg[256];

	if (request_decode(line, len, &req, msg, sizeof msg) == -1) {
		client_refuse(c, msg);
		return;
	}
	if (draining) {
		client_refuse(c, "tetherd is shutting down");
	} else {
		c->busy = true;
		c->refs++;
		c->request_mark = store_mark(control_store);
		c->unrecorded[0] = '\0';
		c->width = req.width;
		cmdq_start(c, c->cred.uid, c->cred.gid, &req);
	}
	request_free(&req);
}

static void
client_read(struct bufferevent *bev, void *arg)
{
	struct client *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer_ptr eol;
	size_t len;
	char *line;

	/* One request at a time per client: the next waits for the reply. */
	while (!c->busy && c->bev != NULL && !c->closing) {
		eol = evbuffer_search_eol(in, NULL, NULL, EVBUFFER_EOL_LF);
		if (eol.pos == -1) {
			if (evbuffer_get_length(in) > TETHER_MAX_LINE)
				goto too_long;
			break;
		}
		if ((size_t)eol.pos > TETHER_MAX_LINE)
			goto too_long;
		if ((line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF)) == NULL)
			break;
		if (len > 0)
			client_request(c, line, len);
		free(line);
	}
	client_finish_if_done(c);
	return;
too_long:
	client_refuse(c, "request line too long (limit 65536 bytes)");
	c->closing = true;
	bufferevent_disable(bev, EV_READ);
}

/*
 * A connection refused before it is taken on: one reply line, written
 * without waiting (a client that does not read loses it), then closed.
 */
static void
refuse_connection(int fd, const char *message)
{
	json_t *reply = json_pack("{s:b, s:s, s:s, s:s, s:n}", "ok", 0,
	    "text", "", "error", message, "code", "failed", "data");
	char *text = reply != NULL ? json_dumps(reply, JSON_COMPACT) : NULL;
	size_t len;

	if (text != NULL) {
		len = strlen(text);
		text[len] = '\n';	/* json_dumps leaves room for its NUL */
		if (send(fd, text, len + 1, MSG_DONTWAIT | MSG_NOSIGNAL) == -1)
			log_debug("refusal: %s", strerror(errno));
		text[len] = '\0';
	}
	free(text);
	json_decref(reply);
	close(fd);
}

/* A client on fd, whose peer is cred: taken on, or refused past a limit. */
static void
client_new(int fd, const struct ucred *cred)
{
	struct client *c;
	char msg[160];

	if (admission_take(cred->uid, msg, sizeof msg) == -1) {
		refuse_connection(fd, msg);
		return;
	}
	if ((c = calloc(1, sizeof *c)) == NULL) {
		admission_release(cred->uid);
		refuse_connection(fd, "tetherd is out of memory");
		return;
	}
	c->cred = *cred;
	c->bev = bufferevent_socket_new(control_base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		admission_release(cred->uid);
		close(fd);
		free(c);
		return;
	}
	c->refs = 1;
	/* Reading goes on while a request is in flight, to see the client go
	 * away; what it may send meanwhile is bounded. */
	bufferevent_setwatermark(c->bev, EV_READ, 0, TETHER_MAX_LINE + 2);
	TAILQ_INSERT_TAIL(&clients, c, entry);
	bufferevent_setcb(c->bev, client_read, client_write_done, client_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

static void
on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct ucred cred;
	socklen_t len = sizeof cred;

	(void)l;
	(void)sa;
	(void)salen;
	(void)arg;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) {
		log_warn("SO_PEERCRED: %s", strerror(errno));
		close(fd);
		return;
	}
	client_new(fd, &cred);
}

static void
accept_resume(void)
{
	accept_paused = false;
	evtimer_del(accept_timer);
	if (reserve_fd == -1)
		reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (!draining && listener != NULL)
		evconnlistener_enable(listener);
}

static void
on_accept_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	accept_resume();
}

/*
 * Out of descriptors: the reserve one takes the pending connections one
 * at a time, each refused with a message (a bounded number per pause),
 * until root's comes, which is served with it.
 */
static void
accept_with_reserve(int lfd)
{
	struct ucred cred;
	socklen_t len;
	int fd, i;

	for (i = 0; i < 64 && reserve_fd != -1; i++) {
		close(reserve_fd);
		reserve_fd = -1;
		if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) == -1)
			break;
		len = sizeof cred;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
		    cred.uid == 0) {
			client_new(fd, &cred);
			return;
		}
		refuse_connection(fd, "tetherd is out of file descriptors");
		reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	if (reserve_fd == -1)
		reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

/* accept failed: never retried at once (libevent would, in a loop). */
static void
on_accept_error(struct evconnlistener *l, void *arg)
{
	struct timeval tv = { 0, ACCEPT_PAUSE_MS * 1000 };
	int err = EVUTIL_SOCKET_ERROR();
	char what[128];

	(void)arg;
	evconnlistener_disable(l);
	accept_paused = true;
	snprintf(what, sizeof what, "accept: %s: not accepting for %d ms or until "
	    "a client leaves", strerror(err), ACCEPT_PAUSE_MS);
	admission_log_limited(what);
	if (err == EMFILE || err == ENFILE)
		accept_with_reserve(evconnlistener_get_fd(l));
	evtimer_add(accept_timer, &tv);
}

void
client_reply(struct client *c, json_t *reply)
{
	uint64_t mark = store_mark(control_store);

	/* A reply waits for its request's changes to be committed; one that
	 * changed nothing (|., |*) goes at once, even while the database is
	 * locked. */
	c->reply_ticket = mark > c->request_mark ? mark : 0;
	/* Still busy until the reply is sent (on_flush): the next request
	 * waits for it, or replies would be lost. */
	/* The lines after this reply are events (events -f). */
	if (c->subscribed != 0)
		json_object_set_new(reply, "follow", json_true());
	json_decref(c->pending_reply);
	c->pending_reply = reply;
	if (!c->in_flush) {
		c->in_flush = true;
		c->refs++;
		TAILQ_INSERT_TAIL(&to_flush, c, flush_entry);
	}
	client_unref(c);
	control_schedule_flush();
}

/*
 * Changes that nobody waits for (the engine's, during a fork storm) are
 * gathered into one transaction. A commit writes every page its changes
 * touched, some ten of them whatever the number of rows, and costs as much
 * as several stops: the first change after a quiet spell is committed
 * within GATHER_MS, but while changes keep coming commits are at least
 * SPACING_MS apart, so that each writes its pages once for many rows (in a
 * fork storm that halved the daemon's CPU per child, and its stalls).
 * Nothing is acknowledged before its commit (a reply or a follower's event
 * commits at once), so what a crash can lose is only what no one has been
 * told, and at most SPACING_MS of it.
 */
#define GATHER_MS	2
#define SPACING_MS	50

static long long
monotonic_ms(void)
{
	struct timespec ts;

	/* The coarse clock: a vDSO read, no system call. */
	if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) == -1)
		return 0;
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static long long last_commit_ms;	/* of the last commit that wrote */
static bool uncommitted;		/* writes since then */

/* A reply whose request's changes could not all be recorded says so. */
static void
mark_unrecorded(json_t *reply, const char *why)
{
	json_object_set_new(reply, "unrecorded", json_string(why));
}

/* Sends the replies whose changes are committed. */
static void
send_replies(void)
{
	struct client *c, *next;
	uint64_t committed = store_committed(control_store);
	json_t *reply;

	for (c = TAILQ_FIRST(&to_flush); c != NULL; c = next) {
		next = TAILQ_NEXT(c, flush_entry);
		if (c->reply_ticket > committed)
			continue;
		TAILQ_REMOVE(&to_flush, c, flush_entry);
		c->in_flush = false;
		reply = c->pending_reply;
		c->pending_reply = NULL;
		if (c->unrecorded[0] != '\0')
			mark_unrecorded(reply, c->unrecorded);
		/* A big one is freed off the loop (lazyfree.h). */
		lazyfree_json(reply, client_send(c, reply));
		c->busy = false;
		if (c->bev != NULL && !c->closing && !c->stalled)
			client_resume(c);
		client_unref(c);
	}
}

/*
 * The end of a loop iteration: what it changed goes to the store's thread
 * to be committed; the replies that changed nothing go now, the others
 * when the thread says their batch is over (on_store_done).
 */
static void
on_flush(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	evtimer_del(flush_timer);
	if (uncommitted)
		last_commit_ms = monotonic_ms();
	uncommitted = false;
	store_flush(control_store);
	send_replies();
	flush_events();
}

/*
 * A batch is over. When some of its records were lost (a full disk), every
 * request that could have made them is told: its reply says what was not
 * recorded.
 */
static void
on_store_done(void *arg, uint64_t committed, const char *lost_msg)
{
	struct client *c;

	(void)arg;
	if (lost_msg != NULL) {
		TAILQ_FOREACH(c, &clients, entry)
			if ((c->busy || c->in_flush) && c->request_mark < committed &&
			    c->unrecorded[0] == '\0')
				snprintf(c->unrecorded, sizeof c->unrecorded, "%s", lost_msg);
	}
	send_replies();
	flush_events();
}

/* Sends the events that the commit just made durable to their followers. */
static void
flush_events(void)
{
	struct client *c, *next;
	uint64_t committed = store_committed(control_store);
	json_t *ev, *line;
	size_t i, n;
	char text[1024];

	for (c = TAILQ_FIRST(&subscribers); c != NULL; c = next) {
		next = TAILQ_NEXT(c, sub_entry);
		if (c->events == NULL)
			continue;
		n = json_array_size(c->events);
		for (i = 0; i < n && c->event_tickets[i] <= committed; i++) {
			ev = json_array_get(c->events, i);
			event_text(ev, c->width, text, sizeof text);
			line = json_pack("{s:O, s:s}", "event", ev, "text", text);
			client_send(c, line);
			json_decref(line);
			if (c->bev == NULL)
				break;
		}
		if (c->bev == NULL)
			continue;
		if (i == n) {
			json_decref(c->events);
			c->events = NULL;
		} else if (i > 0) {
			/* The rest wait for a later batch. */
			memmove(c->event_tickets, c->event_tickets + i,
			    (n - i) * sizeof *c->event_tickets);
			while (i-- > 0)
				json_array_remove(c->events, 0);
		}
	}
}

/* Whether the follower c sees the events of t: of its session, or with -a
 * of every session its user owns (root: all; DESIGN §6). */
static bool
follows(const struct client *c, const struct target *t)
{
	if (c->subscribed == CONTROL_ALL_SESSIONS)
		return c->cred.uid == 0 || c->cred.uid == t->session->owner;
	return c->subscribed == t->session->id;
}

void
control_subscribe(struct client *c, int64_t session_id)
{
	if (c->bev == NULL || c->subscribed != 0)
		return;
	c->subscribed = session_id;
	TAILQ_INSERT_TAIL(&subscribers, c, sub_entry);
}

/* Room for one more event's ticket; 0 or -1. */
static int
event_ticket_add(struct client *c, uint64_t ticket)
{
	size_t n = json_array_size(c->events), cap;
	uint64_t *more;

	if (n == c->event_cap) {
		cap = n > 0 ? 2 * n : 16;
		if ((more = reallocarray(c->event_tickets, cap, sizeof *more)) == NULL)
			return -1;
		c->event_tickets = more;
		c->event_cap = cap;
	}
	c->event_tickets[n] = ticket;
	return 0;
}

void
control_publish(const struct target *t, int64_t id, double at, const char *kind,
    const char *detail)
{
	struct client *c, *next;
	json_t *ev = NULL, *parsed;

	for (c = TAILQ_FIRST(&subscribers); c != NULL; c = next) {
		next = TAILQ_NEXT(c, sub_entry);
		if (!follows(c, t))
			continue;
		if (ev == NULL) {
			parsed = detail != NULL ? json_loads(detail, JSON_DECODE_ANY, NULL) : NULL;
			ev = json_pack("{s:I, s:f, s:s, s:i, s:i, s:s, s:o, s:o*}",
			    "id", (json_int_t)id, "at", at, "session", t->session->name,
			    "ordinal", t->ordinal, "pid", (int)t->pid, "kind", kind,
			    "detail", parsed != NULL ? parsed : json_null(),
			    "cmdline", argv_json(t->cmdline));
			if (ev == NULL)
				return;
		}
		if (c->events == NULL)
			c->events = json_array();
		if (event_ticket_add(c, store_mark(control_store)) == -1) {
			log_warn("out of memory: an event follower is cut off");
			client_close(c);
			continue;
		}
		json_array_append(c->events, ev);
	}
	/* A follower is waiting for it: commit at the end of this iteration. */
	if (ev != NULL)
		control_schedule_flush();
	json_decref(ev);
}

void
control_schedule_flush(void)
{
	/* Activating an event that is already active changes nothing. */
	if (flush_ev != NULL)
		event_active(flush_ev, EV_TIMEOUT, 0);
}

static void
schedule_flush_hook(void *arg)
{
	long long wait_ms = SPACING_MS - (monotonic_ms() - last_commit_ms);
	struct timeval tv;

	(void)arg;
	uncommitted = true;
	if (wait_ms < GATHER_MS)
		wait_ms = GATHER_MS;
	tv.tv_sec = 0;
	tv.tv_usec = (suseconds_t)(wait_ms * 1000);
	if (flush_timer != NULL && !evtimer_pending(flush_timer, NULL))
		evtimer_add(flush_timer, &tv);
}

/* A socket file left by a daemon that died is removed; a live one is not. */
static int
socket_in_use(const struct sockaddr_un *sun)
{
	int fd, rc;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	rc = connect(fd, (const struct sockaddr *)sun, sizeof *sun) == 0;
	close(fd);
	return rc;
}

int
control_prepare_dir(const char *path, char *err, size_t errlen)
{
	char dir[sizeof socket_path];

	snprintf(dir, sizeof dir, "%s", path);
	/* Only the directories it creates get its mode: a per-user daemon's
	 * directory is its owner's alone (DESIGN §6). */
	if (tether_mkdir_p(dirname(dir), getuid() == 0 ? 0755 : 0700) == -1) {
		snprintf(err, errlen, "cannot create the directory of %s: %s",
		    path, strerror(errno));
		return -1;
	}
	return tether_check_socket_dir(path, true, err, errlen);
}

/* Root's socket is for root and the tether group, if there is one. */
static int
socket_set_mode(const char *path)
{
	struct group *gr;

	if (getuid() != 0)
		return chmod(path, 0600);
	if ((gr = getgrnam("tether")) == NULL)
		return chmod(path, 0600);
	if (chown(path, 0, gr->gr_gid) == -1)
		return -1;
	return chmod(path, 0660);
}

int
control_init(struct event_base *base, struct store *st, const char *path,
    char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	evutil_socket_t fd;

	control_base = base;
	control_store = st;
	if (strlen(path) >= sizeof sun.sun_path) {
		snprintf(err, errlen, "socket path too long: %s", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	strcpy(socket_path, path);
	if (control_prepare_dir(path, err, errlen) == -1)
		return -1;
	if (socket_in_use(&sun) == 1) {
		snprintf(err, errlen, "another tetherd is listening on %s", path);
		socket_path[0] = '\0';
		return -1;
	}
	if (unlink(path) == -1 && errno != ENOENT) {
		snprintf(err, errlen, "cannot remove stale %s: %s", path, strerror(errno));
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1 ||
	    socket_set_mode(path) == -1 || listen(fd, 64) == -1) {
		snprintf(err, errlen, "cannot listen on %s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	listener = evconnlistener_new(base, on_accept, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
	flush_ev = event_new(base, -1, 0, on_flush, NULL);
	flush_timer = evtimer_new(base, on_flush, NULL);
	accept_timer = evtimer_new(base, on_accept_timer, NULL);
	reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (listener == NULL || flush_ev == NULL || flush_timer == NULL ||
	    accept_timer == NULL || reserve_fd == -1 || admission_init(base) == -1) {
		snprintf(err, errlen, "cannot listen on %s", path);
		return -1;
	}
	evconnlistener_set_error_cb(listener, on_accept_error);
	store_set_dirty_hook(st, schedule_flush_hook, NULL);
	store_set_done_hook(st, on_store_done, NULL);
	return 0;
}

void
control_set_limits(int max_connections, int max_per_uid, size_t max_client_backlog)
{
	admission_set_limits(max_connections, max_per_uid);
	max_backlog = max_client_backlog;
}

void
control_drain(const char *why)
{
	free(stop_reason);
	stop_reason = why != NULL ? strdup(why) : NULL;
	draining = true;
	if (listener != NULL)
		evconnlistener_disable(listener);
}

/*
 * Writes what is left of c's output at once, as far as the socket takes it
 * without waiting: the loop that would have written it is over. (The
 * bufferevent owns the draining of its output, so it is written from a
 * copy; the bufferevent is freed next.)
 */
static void
write_out_now(struct client *c)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	size_t len = evbuffer_get_length(out);
	unsigned char *data = evbuffer_pullup(out, -1);

	if (len > 0 && data != NULL &&
	    send(bufferevent_getfd(c->bev), data, len, MSG_DONTWAIT | MSG_NOSIGNAL) == -1)
		log_debug("an event follower: %s", strerror(errno));
}

void
control_close(void)
{
	struct client *c;

	if (listener != NULL)
		evconnlistener_free(listener);
	listener = NULL;
	/* Followers are told why the stream ends, in a last line written
	 * now: the loop is over. A follower that does not read misses it. */
	TAILQ_FOREACH(c, &subscribers, sub_entry) {
		json_t *end = json_pack("{s:s}", "end", stop_reason != NULL ?
		    stop_reason : "the daemon stopped");

		client_send(c, end);
		json_decref(end);
		if (c->bev != NULL)
			write_out_now(c);
	}
	free(stop_reason);
	stop_reason = NULL;
	while ((c = TAILQ_FIRST(&clients)) != NULL)
		client_close(c);
	while ((c = TAILQ_FIRST(&to_flush)) != NULL) {
		TAILQ_REMOVE(&to_flush, c, flush_entry);
		client_unref(c);
	}
	if (flush_ev != NULL)
		event_free(flush_ev);
	flush_ev = NULL;
	if (flush_timer != NULL)
		event_free(flush_timer);
	flush_timer = NULL;
	if (accept_timer != NULL)
		event_free(accept_timer);
	accept_timer = NULL;
	if (reserve_fd != -1)
		close(reserve_fd);
	reserve_fd = -1;
	admission_free();
	if (socket_path[0] != '\0' && unlink(socket_path) == -1 && errno != ENOENT)
		log_warn("cannot remove %s: %s", socket_path, strerror(errno));
}
