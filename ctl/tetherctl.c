/*
 * tetherctl: sends command lines to tetherd and prints the replies. The
 * language is the daemon's; all this does is options, aliases and I/O.
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alias.h"
#include "args.h"
#include "core-gdb.h"
#include "dial-stdio.h"
#include "fleet.h"
#include "help.h"
#include "junit.h"
#include "names.h"
#include "paths.h"
#include "prompt.h"
#include "proto.h"
#include "reply.h"
#include "syscmd.h"

struct ctl {
	struct fleet fleet;
	char **hosts;		/* -H and --hosts, in order */
	int nhosts;
};

/* Runs one command line; returns an exit code. */
static int run_line(struct ctl *ctl, const char *line)
{
	int rc;

	if (help_line(line, &rc))
		return rc;
	return syscmd_run_line(&ctl->fleet, line);
}

/*
 * The prompt, in the debugger's form: "1:4312> " is the current process,
 * ordinal 1, pid 4312; "default> " a session with none. Asked of the
 * current system before each prompt, quietly: a failure only leaves the
 * session's name.
 */
static void prompt_of(struct ctl *ctl, char *buf, size_t len)
{
	struct reply reply;
	json_t *data, *proc;

	snprintf(buf, len, "%s> ", ctl->fleet.session);
	if (fleet_ask(&ctl->fleet, "|.", &reply) != TETHER_EXIT_OK)
		return;
	data = json_loadb(reply.data.p, reply.data.len, 0, NULL);
	proc = json_array_get(json_object_get(data, "processes"), 0);
	if (json_is_true(json_object_get(reply.head, "ok")) &&
	    json_is_integer(json_object_get(proc, "ordinal")) &&
	    json_is_integer(json_object_get(proc, "pid")))
		snprintf(buf, len, "%lld:%lld> ",
		    (long long)json_integer_value(json_object_get(proc, "ordinal")),
		    (long long)json_integer_value(json_object_get(proc, "pid")));
	json_decref(data);
	json_decref(reply.head);
}

/* Ends a line of input: status is the last failure's; 1 to stop. */
static int take_line(struct ctl *ctl, char *line, int *status)
{
	size_t n = strlen(line);
	int rc;

	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (line[strspn(line, " \t")] == '\0')
		return 0;
	if ((rc = run_line(ctl, line)) != TETHER_EXIT_OK)
		*status = rc;
	return rc == TETHER_EXIT_NO_DAEMON;
}

/*
 * At a terminal: line editing and history (prompt.c). Ctrl+C breaks in, as
 * in the debugger: every target of the session is stopped and held.
 */
static int run_prompt(struct ctl *ctl, struct prompt *p)
{
	int status = TETHER_EXIT_OK, interrupted;
	const char *got;
	char text[128], *line;

	for (;;) {
		prompt_of(ctl, text, sizeof(text));
		got = prompt_read(p, text, &interrupted);
		if (interrupted) {
			fputc('\n', stderr);
			run_line(ctl, ".breakin");
			continue;
		}
		if (got == NULL)
			break;
		if ((line = strdup(got)) == NULL) {
			fprintf(stderr, "tetherctl: out of memory\n");
			return TETHER_EXIT_FAILED;
		}
		if (take_line(ctl, line, &status)) {
			free(line);
			break;
		}
		free(line);
	}
	fputc('\n', stderr);
	return status;
}

/* One request per line of stdin; the status is the last failure's. */
static int run_stdin(struct ctl *ctl)
{
	int status = TETHER_EXIT_OK;
	struct prompt *p;
	char *line = NULL;
	size_t cap = 0;

	if (isatty(STDIN_FILENO) && (p = prompt_open("tetherctl")) != NULL) {
		status = run_prompt(ctl, p);
		prompt_close(p);
		return status;
	}
	while (getline(&line, &cap, stdin) >= 0)
		if (take_line(ctl, line, &status))
			break;
	if (ferror(stdin)) {
		fprintf(stderr, "tetherctl: stdin: %s\n", strerror(errno));
		status = TETHER_EXIT_FAILED;
	}
	free(line);
	return status;
}

/* -H and --hosts: one more host string, or those of a file. */
static int add_hosts(struct ctl *ctl, const char *spec, bool file)
{
	char **grown;

	if (file)
		return fleet_read_hosts(spec, &ctl->hosts, &ctl->nhosts);
	if ((grown = realloc(ctl->hosts, (size_t)(ctl->nhosts + 2) * sizeof(*grown))) == NULL ||
	    (grown[ctl->nhosts] = strdup(spec)) == NULL) {
		if (grown != NULL)
			ctl->hosts = grown;
		fprintf(stderr, "tetherctl: out of memory\n");
		return -1;
	}
	ctl->hosts = grown;
	grown[++ctl->nhosts] = NULL;
	return 0;
}

static void free_hosts(struct ctl *ctl)
{
	for (int i = 0; i < ctl->nhosts; i++)
		free(ctl->hosts[i]);
	free(ctl->hosts);
}

/* Releases the host strings of the options; returns status. */
static int leave(struct ctl *ctl, int status)
{
	free_hosts(ctl);
	ctl->hosts = NULL;
	ctl->nhosts = 0;
	return status;
}

/* --connect-timeout: whole seconds, 1 to 3600. */
static int parse_timeout(const char *arg)
{
	char *end;
	long n = strtol(arg, &end, 10);

	if (end == arg || *end != '\0' || n < 1 || n > 3600) {
		fprintf(stderr, "tetherctl: --connect-timeout: expected seconds "
		    "(1 to 3600), not '%s'\n", arg);
		return -1;
	}
	return (int)n;
}

int main(int argc, char **argv)
{
	struct ctl ctl = { .fleet = { .ssh = { .connect_timeout = 5 } } };
	struct fleet *f = &ctl.fleet;
	struct ctl_args args;
	const char *socket, *why;
	char sockpath[PATH_MAX];
	char *line;
	int i, status;

	if ((status = args_parse(argc, argv, &args)) != 0) {
		args_free(&args);
		return status;
	}
	if (args.help || args.version) {
		if (args.version)
			printf("tetherctl %s\n", TETHER_VERSION);
		else if (args.nwords > 0)
			status = help_command(stdout, args.words[0]);
		else
			help_all(stdout);
		args_free(&args);
		return status;
	}
	socket = args.socket;
	f->session = args.session;
	f->json = args.json;
	if (args.connect_timeout != NULL &&
	    (f->ssh.connect_timeout = parse_timeout(args.connect_timeout)) < 0) {
		args_free(&args);
		return TETHER_EXIT_USAGE;
	}
	for (i = 0; i < args.nhosts; i++)
		if (add_hosts(&ctl, args.hosts[i].spec, args.hosts[i].file) < 0) {
			free_hosts(&ctl);
			args_free(&args);
			return TETHER_EXIT_USAGE;
		}
	argc = args.nwords;
	argv = args.words;

	if (socket == NULL) {
		if (tether_default_socket(sockpath, sizeof(sockpath)) < 0) {
			fprintf(stderr, "tetherctl: default socket path: %s\n",
			    strerror(errno));
			args_free(&args);
			return leave(&ctl, TETHER_EXIT_NO_DAEMON);
		}
		socket = sockpath;
	}
	/* The far end of -H ssh://: this host's daemon, whatever the
	 * environment says of other hosts. */
	if (argc > 0 && strcmp(argv[0], "dial-stdio") == 0) {
		if (argc > 1 || ctl.nhosts > 0) {
			fprintf(stderr, "tetherctl: dial-stdio takes no arguments "
			    "and no hosts: it relays to the daemon at -S\n");
			status = TETHER_EXIT_USAGE;
		} else
			status = dial_stdio(socket);
		free_hosts(&ctl);
		args_free(&args);
		return status;
	}
	if (f->session == NULL && (f->session = getenv("TETHER_SESSION")) != NULL &&
	    f->session[0] == '\0')
		f->session = NULL;
	if (f->session == NULL)
		f->session = "default";
	if ((why = tether_session_name_error(f->session)) != NULL) {
		fprintf(stderr, "tetherctl: bad session name '%s': %s\n", f->session, why);
		free_hosts(&ctl);
		args_free(&args);
		return TETHER_EXIT_USAGE;
	}
	f->local_socket = socket;
	f->cwd = getcwd(NULL, 0);
	f->ssh.extra = getenv("TETHER_SSH_OPTS");
	f->ssh.remote_ctl = getenv("TETHER_REMOTE_CTL");
	f->interactive = isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
	if (fleet_init(f, ctl.hosts) < 0) {
		fleet_free(f);
		free_hosts(&ctl);
		free((char *)f->cwd);
		args_free(&args);
		return TETHER_EXIT_USAGE;
	}
	free_hosts(&ctl);
	setlocale(LC_CTYPE, "");	/* line editing of non-ASCII text */

	if (argc == 0)
		status = run_stdin(&ctl);
	else if (args.gdb && argc == 2 && strcmp(argv[0], "core") == 0)
		status = core_gdb(f, argv[1]);
	else if (args.gdb) {
		fprintf(stderr, "tetherctl: --gdb goes with core N only\n");
		status = TETHER_EXIT_USAGE;
	}
	else if (args.junit != NULL)
		status = junit_report(f, argv, argc, args.since, args.junit);
	else if (args.since != NULL) {
		fprintf(stderr, "tetherctl: --since goes with report --junit FILE only"
		    " (report -s SINCE without it)\n");
		status = TETHER_EXIT_USAGE;
	}
	else if ((line = alias_join_words(argc, argv)) == NULL) {
		fprintf(stderr, "tetherctl: out of memory\n");
		status = TETHER_EXIT_FAILED;
	} else {
		status = run_line(&ctl, line);
		free(line);
	}
	fleet_free(f);
	free((char *)f->cwd);
	args_free(&args);
	if (fclose(stdout) != 0) {
		fprintf(stderr, "tetherctl: stdout: %s\n", strerror(errno));
		if (status == TETHER_EXIT_OK)
			status = TETHER_EXIT_FAILED;
	}
	return status;
}
