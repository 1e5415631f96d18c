/*
 * tetherctl: sends command lines to tetherd and prints the replies. The
 * language is the daemon's; all this does is options, aliases and I/O.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <sys/select.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alias.h"
#include "core-gdb.h"
#include "dial-stdio.h"
#include "fleet.h"
#include "names.h"
#include "paths.h"
#include "proto.h"
#include "syscmd.h"

struct ctl {
	struct fleet fleet;
	char **hosts;		/* -H and --hosts, in order */
	int nhosts;
};

static void __attribute__((noreturn)) usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
	    "usage: tetherctl [-hV] [--json] [-S socket] [-s session] "
	    "[-H host ...] [--hosts file]\n"
	    "                 [--connect-timeout seconds] [command ...]\n"
	    "       tetherctl [-S socket] dial-stdio\n");
	exit(status);
}

/* Runs one command line; returns an exit code. */
static int run_line(struct ctl *ctl, const char *line)
{
	return syscmd_run_line(&ctl->fleet, line);
}

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

/*
 * At an interactive prompt Ctrl+C breaks in, as in the debugger: every
 * target of the session is stopped and held. SIGINT stays blocked except
 * while waiting for input (pselect), so that one arriving between the
 * prompt and the read is not lost; stdin is unbuffered so that pselect
 * sees all there is to read.
 */
static sigset_t prompt_mask;

static int catch_interrupt(void)
{
	struct sigaction sa = { .sa_handler = on_interrupt };
	sigset_t intr;

	sigemptyset(&sa.sa_mask);
	sigemptyset(&intr);
	sigaddset(&intr, SIGINT);
	if (sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigprocmask(SIG_BLOCK, &intr, &prompt_mask) < 0) {
		fprintf(stderr, "tetherctl: SIGINT: %s\n", strerror(errno));
		return -1;
	}
	sigdelset(&prompt_mask, SIGINT);
	setvbuf(stdin, NULL, _IONBF, 0);
	return 0;
}

/* Waits for input with SIGINT let through: 0, or -1 on an interrupt. */
static int wait_input(void)
{
	fd_set in;

	FD_ZERO(&in);
	FD_SET(STDIN_FILENO, &in);
	return pselect(STDIN_FILENO + 1, &in, NULL, NULL, NULL, &prompt_mask) < 0 ? -1 : 0;
}

/* One request per line of stdin; the status is the last failure's. */
static int run_stdin(struct ctl *ctl)
{
	int tty = isatty(STDIN_FILENO), status = TETHER_EXIT_OK, rc;
	int read_errno = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (tty && catch_interrupt() < 0)
		tty = 0;
	for (;;) {
		if (interrupted) {
			interrupted = 0;
			fputc('\n', stderr);
			run_line(ctl, ".breakin");
		}
		if (tty) {
			fprintf(stderr, "tether:%s> ", ctl->fleet.session);
			if (wait_input() < 0 && errno == EINTR)
				continue;
		}
		if ((n = getline(&line, &cap, stdin)) < 0) {
			if (ferror(stdin) && errno == EINTR) {
				clearerr(stdin);
				continue;
			}
			if (ferror(stdin))
				read_errno = errno;
			break;
		}
		if (n > 0 && line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (line[strspn(line, " \t\r")] == '\0')
			continue;
		if ((rc = run_line(ctl, line)) != TETHER_EXIT_OK)
			status = rc;
		if (rc == TETHER_EXIT_NO_DAEMON)
			break;
	}
	if (tty)
		fputc('\n', stderr);
	if (read_errno != 0) {
		fprintf(stderr, "tetherctl: stdin: %s\n", strerror(read_errno));
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
	enum { OPT_JSON = CHAR_MAX + 1, OPT_HOSTS, OPT_CONNECT_TIMEOUT };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "hosts", required_argument, NULL, OPT_HOSTS },
		{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl ctl = { .fleet = { .ssh = { .connect_timeout = 5 } } };
	struct fleet *f = &ctl.fleet;
	const char *socket = NULL, *why;
	char sockpath[PATH_MAX];
	char *line;
	int ch, status;

	/* '+': the first word ends the options ("kill -n" is a command). */
	while ((ch = getopt_long(argc, argv, "+hH:S:s:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'S':
			socket = optarg;
			break;
		case 's':
			f->session = optarg;
			break;
		case 'H':
		case OPT_HOSTS:
			if (add_hosts(&ctl, optarg, ch == OPT_HOSTS) < 0)
				return leave(&ctl, TETHER_EXIT_USAGE);
			break;
		case OPT_CONNECT_TIMEOUT:
			if ((f->ssh.connect_timeout = parse_timeout(optarg)) < 0)
				return leave(&ctl, TETHER_EXIT_USAGE);
			break;
		case OPT_JSON:
			f->json = true;
			break;
		case 'h':
			usage(TETHER_EXIT_OK);
		case 'V':
			printf("tetherctl %s\n", TETHER_VERSION);
			return leave(&ctl, TETHER_EXIT_OK);
		default:
			usage(TETHER_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;

	if (socket == NULL) {
		if (tether_default_socket(sockpath, sizeof(sockpath)) < 0) {
			fprintf(stderr, "tetherctl: default socket path: %s\n",
			    strerror(errno));
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
			return leave(&ctl, TETHER_EXIT_USAGE);
		}
		return leave(&ctl, dial_stdio(socket));
	}
	if (f->session == NULL && (f->session = getenv("TETHER_SESSION")) != NULL &&
	    f->session[0] == '\0')
		f->session = NULL;
	if (f->session == NULL)
		f->session = "default";
	if ((why = tether_session_name_error(f->session)) != NULL) {
		fprintf(stderr, "tetherctl: bad session name '%s': %s\n", f->session, why);
		return leave(&ctl, TETHER_EXIT_USAGE);
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
		return TETHER_EXIT_USAGE;
	}
	free_hosts(&ctl);

	if (argc == 0)
		status = run_stdin(&ctl);
	else if (argc == 3 && strcmp(argv[0], "core") == 0 &&
	    strcmp(argv[2], "--gdb") == 0)
		status = core_gdb(f, argv[1]);
	else if ((line = alias_join_words(argc, argv)) == NULL) {
		fprintf(stderr, "tetherctl: out of memory\n");
		status = TETHER_EXIT_FAILED;
	} else {
		status = run_line(&ctl, line);
		free(line);
	}
	fleet_free(f);
	free((char *)f->cwd);
	if (fclose(stdout) != 0) {
		fprintf(stderr, "tetherctl: stdout: %s\n", strerror(errno));
		if (status == TETHER_EXIT_OK)
			status = TETHER_EXIT_FAILED;
	}
	return status;
}
