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
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alias.h"
#include "conn.h"
#include "jscan.h"
#include "names.h"
#include "paths.h"
#include "proto.h"

/*
 * Replies are not bounded by TETHER_MAX_LINE (that limits requests): "|*"
 * of 10,000 targets is megabytes. This only stops a runaway peer.
 */
#define MAX_REPLY ((size_t)64 << 20)

struct ctl {
	const char *socket;
	const char *session;
	char *cwd;		/* NULL when unknown: the key is optional */
	int json;
	struct conn conn;
};

static void __attribute__((noreturn)) usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
	    "usage: tetherctl [-hV] [--json] [-S socket] [-s session] "
	    "[command ...]\n");
	exit(status);
}

/* The request for line, or NULL with a message printed. It asks for the
 * one form of reply that will be printed, so the daemon makes only that. */
static char *make_request(const struct ctl *ctl, const char *line)
{
	json_t *req;
	char *text;

	req = json_pack("{s:s, s:s, s:s}", "session", ctl->session, "line", line,
	    "form", ctl->json ? "data" : "text");
	if (req != NULL && ctl->cwd != NULL &&
	    json_object_set_new(req, "cwd", json_string(ctl->cwd)) < 0) {
		json_decref(req);
		req = NULL;
	}
	/* json_pack fails on text that is not UTF-8. */
	if (req == NULL) {
		fprintf(stderr, "tetherctl: cannot encode the request "
		    "(is it UTF-8?)\n");
		return NULL;
	}
	text = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (text == NULL)
		fprintf(stderr, "tetherctl: out of memory\n");
	return text;
}

static void print_json(const json_t *data)
{
	json_dumpf(data, stdout, JSON_COMPACT | JSON_ENCODE_ANY);
	putchar('\n');
}

/*
 * A reply: the data as it came, the other members decoded. The daemon
 * encodes the data compact, as tetherctl prints it, so it is printed as it
 * came: the same bytes as decoding and encoding it again, at a fraction of
 * the cost when it is megabytes.
 */
struct reply {
	json_t *head;		/* every member but "data" */
	struct jspan data;	/* "null" when there is none */
};

/* Fills r from the reply line (r->head to be released even on failure);
 * -1 if it is not a well-formed JSON object. */
static int parse_reply(const char *line, struct reply *r)
{
	struct jscan s;
	struct jspan key, value;
	json_t *name, *member;
	int rc;

	if ((r->head = json_object()) == NULL ||
	    jscan_open(&s, line, strlen(line)) < 0 || !s.object)
		return -1;
	r->data = (struct jspan){ "null", 4 };
	while ((rc = jscan_next(&s, &key, &value)) == 1) {
		if (jspan_is(key, "\"data\"")) {
			r->data = value;
			continue;
		}
		name = json_loadb(key.p, key.len, JSON_DECODE_ANY, NULL);
		member = json_loadb(value.p, value.len, JSON_DECODE_ANY, NULL);
		rc = json_is_string(name) && member != NULL ?
		    json_object_set_new(r->head, json_string_value(name), member) : -1;
		json_decref(name);
		if (rc < 0)
			return -1;
	}
	return rc;
}

static void print_span(struct jspan span)
{
	fwrite(span.p, 1, span.len, stdout);
	putchar('\n');
}

/* Data of a ';' line is an array, one element per command: a line each. */
static void print_data(struct jspan data)
{
	struct jscan s;
	struct jspan elem;

	if (jscan_open(&s, data.p, data.len) < 0 || s.object) {
		print_span(data);
		return;
	}
	while (jscan_next(&s, NULL, &elem) == 1)
		print_span(elem);
}

/* Prints reply; returns the exit code it stands for, or -1 if malformed. */
static int print_reply(const struct ctl *ctl, const struct reply *reply)
{
	const json_t *ok = json_object_get(reply->head, "ok");
	const char *text = json_string_value(json_object_get(reply->head, "text"));
	const char *error, *code;

	if (!json_is_boolean(ok))
		return -1;
	if (ctl->json && (json_is_true(ok) || !jspan_is(reply->data, "null")))
		print_data(reply->data);
	else if (!ctl->json && text != NULL && text[0] != '\0')
		printf("%s%s", text, text[strlen(text) - 1] == '\n' ? "" : "\n");
	fflush(stdout);
	if (json_is_true(ok))
		return TETHER_EXIT_OK;
	error = json_string_value(json_object_get(reply->head, "error"));
	code = json_string_value(json_object_get(reply->head, "code"));
	fprintf(stderr, "tetherctl: %s\n", error != NULL ? error : "failed");
	if (code != NULL && strcmp(code, "usage") == 0)
		return TETHER_EXIT_USAGE;
	return TETHER_EXIT_FAILED;
}

/*
 * The connection is gone, or out of step with the replies, so it is closed.
 * Either way there is no daemon to talk to: exit 3.
 */
static int lost(struct ctl *ctl, const char *what, const char *why)
{
	fprintf(stderr, "tetherctl: %s %s: %s\n", what, ctl->socket, why);
	conn_close(&ctl->conn);
	return TETHER_EXIT_NO_DAEMON;
}

static int no_daemon(struct ctl *ctl, const char *why)
{
	return lost(ctl, "no daemon at", why);
}

static int bad_reply(struct ctl *ctl, const char *why)
{
	return lost(ctl, "bad reply from daemon at", why);
}

/*
 * events -f: the reply is followed by one line per debug event, for as long
 * as the daemon runs or until the user interrupts.
 */
static int follow(struct ctl *ctl)
{
	json_t *line, *ev;
	char *text;
	int rc;

	while ((rc = conn_read_line(&ctl->conn, MAX_REPLY, &text)) == 1) {
		if ((line = json_loads(text, 0, NULL)) == NULL)
			return bad_reply(ctl, "an event line is not JSON");
		ev = json_object_get(line, "event");
		if (ctl->json && ev != NULL)
			print_json(ev);
		else if (json_is_string(json_object_get(line, "text")))
			printf("%s\n", json_string_value(json_object_get(line, "text")));
		fflush(stdout);
		json_decref(line);
	}
	if (rc < 0)
		return no_daemon(ctl, strerror(errno));
	return TETHER_EXIT_OK;
}

/* Sends request and reads its reply into reply (to be released with
 * json_decref(reply->head)): TETHER_EXIT_OK, or an exit code with the
 * message printed. */
static int request_reply(struct ctl *ctl, const char *request, struct reply *reply)
{
	char *line;
	int rc;
	char why[PATH_MAX + 160];

	reply->head = NULL;
	if (ctl->conn.fd < 0 &&
	    tether_check_socket_dir(ctl->socket, false, why, sizeof why) == -1)
		return lost(ctl, "will not use", why);
	if (ctl->conn.fd < 0 && conn_open(&ctl->conn, ctl->socket) < 0)
		return no_daemon(ctl, strerror(errno));
	if (conn_send_line(&ctl->conn, request) < 0) {
		/* A daemon that refuses the connection (past a limit) replies
		 * and closes at once, maybe before the request went: that
		 * reply is the answer. */
		int saved = errno;
		if (conn_read_line(&ctl->conn, MAX_REPLY, &line) != 1)
			return no_daemon(ctl, strerror(saved));
		rc = 1;
	} else
		rc = conn_read_line(&ctl->conn, MAX_REPLY, &line);
	if (rc == 0)
		return no_daemon(ctl, "connection closed before a reply");
	if (rc < 0 && errno == EMSGSIZE)
		return bad_reply(ctl, "reply too long");
	if (rc < 0)
		return no_daemon(ctl, strerror(errno));
	if (parse_reply(line, reply) < 0) {
		json_decref(reply->head);
		reply->head = NULL;
		return bad_reply(ctl, "not a well-formed JSON object");
	}
	return TETHER_EXIT_OK;
}

/* Sends request and prints the reply; returns an exit code. */
static int exchange(struct ctl *ctl, const char *request)
{
	struct reply reply;
	int rc, following;

	if ((rc = request_reply(ctl, request, &reply)) != TETHER_EXIT_OK)
		return rc;
	/* The acknowledgement of events -f is not an event: not printed. */
	following = json_is_true(json_object_get(reply.head, "ok")) &&
	    json_is_true(json_object_get(reply.head, "follow"));
	rc = following ? TETHER_EXIT_OK : print_reply(ctl, &reply);
	json_decref(reply.head);
	if (rc < 0)
		return bad_reply(ctl, "no \"ok\" in it");
	return following ? follow(ctl) : rc;
}

/* Runs one command line; returns an exit code. */
static int run_line(struct ctl *ctl, const char *line)
{
	char err[256];
	char *expanded, *request;
	int rc;

	if ((expanded = alias_expand_line(line, err, sizeof(err))) == NULL) {
		fprintf(stderr, "tetherctl: %s\n", err);
		return TETHER_EXIT_USAGE;
	}
	request = make_request(ctl, expanded);
	free(expanded);
	if (request == NULL)
		return TETHER_EXIT_USAGE;
	/* The daemon would refuse it and hang up; say so without that. */
	if (strlen(request) > TETHER_MAX_LINE) {
		fprintf(stderr, "tetherctl: request line too long "
		    "(limit %d bytes)\n", TETHER_MAX_LINE);
		rc = TETHER_EXIT_USAGE;
	} else
		rc = exchange(ctl, request);
	free(request);
	return rc;
}

/* Runs gdb EXE CORE and waits for it; its exit status, or 1. */
static int run_gdb(const char *exe, const char *core)
{
	void (*old)(int) = signal(SIGINT, SIG_IGN);
	int status;
	pid_t pid;

	if ((pid = fork()) == -1) {
		fprintf(stderr, "tetherctl: fork: %s\n", strerror(errno));
		signal(SIGINT, old);
		return TETHER_EXIT_FAILED;
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		execlp("gdb", "gdb", exe, core, (char *)NULL);
		fprintf(stderr, "tetherctl: gdb: %s\n", strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	signal(SIGINT, old);
	return WIFEXITED(status) ? WEXITSTATUS(status) : TETHER_EXIT_FAILED;
}

/*
 * core N --gdb, as coredumpctl gdb: the daemon writes the core (as this
 * user, decompressed) into a new private directory, gdb runs on it with
 * the target's executable, and the directory goes when gdb is done.
 */
static int core_gdb(struct ctl *ctl, const char *n)
{
	const char *tmp = getenv("TMPDIR");
	char dir[PATH_MAX], core[PATH_MAX + 8], *line = NULL, *request;
	struct reply reply = { NULL, { "null", 4 } };
	json_t *data = NULL;
	int rc, json = ctl->json;

	if (snprintf(dir, sizeof dir, "%s/tether-core.XXXXXX",
	    tmp != NULL && tmp[0] == '/' ? tmp : "/tmp") >= (int)sizeof dir ||
	    mkdtemp(dir) == NULL) {
		fprintf(stderr, "tetherctl: %s: %s\n", dir, strerror(errno));
		return TETHER_EXIT_FAILED;
	}
	snprintf(core, sizeof core, "%s/core", dir);
	if (strchr(core, '\'') != NULL || asprintf(&line, "core %s -o '%s'", n, core) < 0) {
		fprintf(stderr, "tetherctl: %s: cannot name it in a request\n", core);
		rmdir(dir);
		return TETHER_EXIT_FAILED;
	}
	ctl->json = 1;
	request = make_request(ctl, line);
	ctl->json = json;
	free(line);
	rc = request != NULL ? request_reply(ctl, request, &reply) : TETHER_EXIT_USAGE;
	free(request);
	if (rc == TETHER_EXIT_OK && !json_is_true(json_object_get(reply.head, "ok")))
		rc = print_reply(ctl, &reply);
	else if (rc == TETHER_EXIT_OK &&
	    ((data = json_loadb(reply.data.p, reply.data.len, 0, NULL)) == NULL ||
	    !json_is_string(json_object_get(data, "exe"))))
		rc = bad_reply(ctl, "no executable in the reply to core");
	if (rc == TETHER_EXIT_OK)
		rc = run_gdb(json_string_value(json_object_get(data, "exe")), core);
	json_decref(data);
	json_decref(reply.head);
	unlink(core);
	rmdir(dir);
	return rc;
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
			fprintf(stderr, "tether:%s> ", ctl->session);
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

int main(int argc, char **argv)
{
	enum { OPT_JSON = CHAR_MAX + 1 };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl ctl = { .conn = CONN_INIT };
	char sockpath[PATH_MAX];
	char *line;
	const char *why;
	int ch, status;

	/* '+': the first word ends the options ("kill -n" is a command). */
	while ((ch = getopt_long(argc, argv, "+hS:s:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'S':
			ctl.socket = optarg;
			break;
		case 's':
			ctl.session = optarg;
			break;
		case OPT_JSON:
			ctl.json = 1;
			break;
		case 'h':
			usage(TETHER_EXIT_OK);
		case 'V':
			printf("tetherctl %s\n", TETHER_VERSION);
			return TETHER_EXIT_OK;
		default:
			usage(TETHER_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;

	if (ctl.socket == NULL) {
		if (tether_default_socket(sockpath, sizeof(sockpath)) < 0) {
			fprintf(stderr, "tetherctl: default socket path: %s\n",
			    strerror(errno));
			return TETHER_EXIT_NO_DAEMON;
		}
		ctl.socket = sockpath;
	}
	if (ctl.session == NULL && (ctl.session = getenv("TETHER_SESSION")) != NULL &&
	    ctl.session[0] == '\0')
		ctl.session = NULL;
	if (ctl.session == NULL)
		ctl.session = "default";
	if ((why = tether_session_name_error(ctl.session)) != NULL) {
		fprintf(stderr, "tetherctl: bad session name '%s': %s\n", ctl.session, why);
		return TETHER_EXIT_USAGE;
	}
	ctl.cwd = getcwd(NULL, 0);

	if (argc == 0)
		status = run_stdin(&ctl);
	else if (argc == 3 && strcmp(argv[0], "core") == 0 &&
	    strcmp(argv[2], "--gdb") == 0)
		status = core_gdb(&ctl, argv[1]);
	else if ((line = alias_join_words(argc, argv)) == NULL) {
		fprintf(stderr, "tetherctl: out of memory\n");
		status = TETHER_EXIT_FAILED;
	} else {
		status = run_line(&ctl, line);
		free(line);
	}
	conn_close(&ctl.conn);
	free(ctl.cwd);
	if (fclose(stdout) != 0) {
		fprintf(stderr, "tetherctl: stdout: %s\n", strerror(errno));
		if (status == TETHER_EXIT_OK)
			status = TETHER_EXIT_FAILED;
	}
	return status;
}
