/*
 * The systems tetherctl talks to: one tetherd each, the local one or one
 * reached over ssh (host.h), numbered from 0 in the order given. A command
 * runs on one system or on several at once: each gets its request over its
 * own connection, and one poll loop waits for all of their replies (no
 * threads), so that a fleet takes about as long as its slowest system. A
 * connection is made when a system is first used and kept for the rest of
 * the run.
 */
#ifndef TETHER_FLEET_H
#define TETHER_FLEET_H

#include <jansson.h>
#include <stdbool.h>

#include "host.h"
#include "link.h"
#include "reply.h"

/* Where a system is in the exchange under way. */
enum phase {
	PH_IDLE,	/* not part of it */
	PH_GREET,	/* a new ssh connection: waiting for its first reply */
	PH_WAIT,	/* the request is sent: waiting for the reply */
	PH_ANSWERED,	/* the reply is in answer */
	PH_STREAM,	/* events -f: the lines that follow are events */
	PH_FAILED,	/* unreachable (down says why) */
};

struct system {
	int number;
	struct host host;
	struct link link;
	struct tag tag;
	bool up;		/* connected; for ssh, the far side has answered */
	json_t *status;		/* its daemon's status data, as last fetched */
	char *down;		/* why it could not be reached, or NULL */
	enum phase phase;
	/* The reply line, where the connection read it: a reply can be
	 * megabytes, and it is read once; valid until the next exchange. */
	const char *answer;
	size_t answer_len;
	long long deadline;	/* link_now_ms() by which to hear from it, or 0 */
};

struct fleet {
	struct system *sys;
	int count;
	int current;		/* ||Ns */
	const char *local_socket;
	const char *session;
	const char *cwd;	/* sent to the local daemon only; may be NULL */
	bool json;
	bool interactive;	/* ssh may ask the user (a password...) */
	bool tagged;		/* the text of the run is tagged by system */
	struct ssh_params ssh;
	/*
	 * When set, fleet_run asks for data and hands each system's to
	 * collect instead of printing it (report --junit), with tagged; a
	 * system that did not answer too, with data NULL and why it did not.
	 */
	void (*collect)(void *arg, const struct system *s, bool tagged,
	    json_t *data, const char *why);
	void *collect_arg;
};

/*
 * Builds the list. hosts (NULL-terminated) is what -H and --hosts gave;
 * when there is none, $TETHER_HOSTS (a hosts file), then $TETHER_HOST,
 * then the local daemon alone. 0, or -1 with a message printed.
 */
int fleet_init(struct fleet *f, char **hosts);

/* Adds the host lines of file (one a line, '#' comments) to a list of
 * host strings. 0, or -1 with a message printed. */
int fleet_read_hosts(const char *file, char ***hosts, int *count);

/* Hangs up every connection and waits (a bounded time) for ssh to end. */
void fleet_free(struct fleet *f);

/*
 * Runs the command line on each system i with want[i], all at once, and
 * prints the replies in system order (tagged when tagged), then, for
 * events -f, the events as they come. Returns the exit code: 0 when every
 * system did it, 1 when some could not be reached (or the command failed),
 * 3 when none could.
 */
int fleet_run(struct fleet *f, const bool *want, const char *line, bool tagged);

/* Sends line to the current system, asking for data, and parses the
 * reply into reply (its data valid until the next exchange; head to be
 * released). An exit code, with a message when the system is lost. */
int fleet_ask(struct fleet *f, const char *line, struct reply *reply);

/* Fetches the daemon status of each system with want[i] (into status, or
 * down); returns how many answered. */
int fleet_fetch_status(struct fleet *f, const bool *want);

#endif
