/*
 * Where a system's tetherd is: "local" (this host's socket) or
 * ssh://[USER@]HOST[:PORT][/SOCKET], reached by running the system's
 * OpenSSH client, which runs "tetherctl dial-stdio" on the far side.
 *
 * A host string comes from the command line, the environment or a hosts
 * file, and ends up in ssh's argument vector: it is checked here, before
 * ssh ever runs, so that it can only ever name a host (a host "-oProxyCommand=..."
 * would be an option to ssh). ssh is run with execvp, never through a
 * local shell; the remote command's words are quoted for the remote
 * user's shell, which ssh always goes through.
 */
#ifndef TETHER_HOST_H
#define TETHER_HOST_H

#include <stdbool.h>
#include <stddef.h>

struct host {
	bool local;
	char *spec;	/* as written */
	char *label;	/* how listings name it: "<Local>", or spec without ssh:// */
	char *user;	/* NULL: ssh's choice (config, then the local user) */
	char *name;	/* host name or address, IPv6 without its brackets */
	int port;	/* 0: ssh's choice */
	char *socket;	/* the remote socket, NULL: the remote user's default */
};

/* Parses spec into h. 0, or -1 with a message in err (h left empty). */
int host_parse(const char *spec, struct host *h, char *err, size_t errlen);

void host_free(struct host *h);

/* How ssh is run. */
struct ssh_params {
	const char *extra;	/* more options, split at blanks ($TETHER_SSH_OPTS) */
	const char *remote_ctl;	/* the far side's tetherctl ($TETHER_REMOTE_CTL) */
	int connect_timeout;	/* seconds */
	bool batch;		/* BatchMode=yes: never ask for a password */
};

/*
 * The argument vector of ssh for h (remote): NULL-terminated, every string
 * and the array malloc'd (argv_free). NULL when out of memory.
 */
char **host_ssh_argv(const struct host *h, const struct ssh_params *p);

void argv_free(char **argv);

#endif
