/*
 * tetherctl: sends command lines to tetherd and prints the replies. The
 * language is the daemon's; all this does is options, aliases and I/O.
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alias.h"
#include "args.h"
#include "conn.h"
#include "help.h"
#include "jscan.h"
#include "names.h"
#include "paths.h"
#include "prompt.h"
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
 * as the daemon runs or until the user interrupts. The stream's end is no
 * success: the daemon went away (its last line says why, if it could).
 */
static int follow(struct ctl *ctl)
{
	json_t *line, *ev, *end;
	char *text, why[256];
	int rc;

	while ((rc = conn_read_line(&ctl->conn, MAX_REPLY, &text)) == 1) {
		if ((line = json_loads(text, 0, NULL)) == NULL)
			return bad_reply(ctl, "an event line is not JSON");
		ev = json_object_get(line, "event");
		end = json_object_get(line, "end");
		if (json_is_string(end)) {
			snprintf(why, sizeof(why), "%s", json_string_value(end));
			json_decref(line);
			fflush(stdout);
			return lost(ctl, "events: end of the stream from", why);
		}
		if (ctl->json && ev != NULL)
			print_json(ev);
		else if (json_is_string(json_object_get(line, "text")))
			printf("%s\n", json_string_value(json_object_get(line, "text")));
		fflush(stdout);
		json_decref(line);
	}
	if (rc < 0)
		return no_daemon(ctl, strerror(errno));
	return lost(ctl, "events: end of the stream from", "the connection closed");
}

/* Sends request and reads its reply into reply (to be released with
 * json_decref(reply->head)): TETHER_EXIT_OK, or an exit code with the
 * message printed. */
static int request_reply(struct ctl *ctl, const char *request, struct reply *reply)
{
	char *line;
	int rc;

	reply->head = NULL;
	if (ctl->conn.fd < 0 && conn_open(&ctl->conn, ctl->socket) < 0 &&
	    errno == EACCES)
		return lost(ctl, "cannot use the daemon at", "permission denied (a root"
		    " daemon's socket is for root and the group tether: see tetherd(8))");
	if (ctl->conn.fd < 0)
		return no_daemon(ctl, strerror(errno));
	if (conn_send_line(&ctl->conn, request) < 0)
		return no_daemon(ctl, strerror(errno));
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

	if (help_line(line, &rc))
		return rc;
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

/*
 * The prompt, in the debugger's form: "1:4312> " is the current process,
 * ordinal 1, pid 4312; "default> " a session with none. Asked of the daemon
 * before each prompt, quietly: a failure only leaves the session's name.
 */
static void prompt_of(struct ctl *ctl, char *buf, size_t len)
{
	json_t *reply, *proc;
	char *request, *line;
	struct ctl quiet = *ctl;

	snprintf(buf, len, "%s> ", ctl->session);
	quiet.json = 1;
	if ((request = make_request(&quiet, "|.")) == NULL)
		return;
	if ((ctl->conn.fd >= 0 || conn_open(&ctl->conn, ctl->socket) == 0) &&
	    conn_send_line(&ctl->conn, request) == 0 &&
	    conn_read_line(&ctl->conn, MAX_REPLY, &line) == 1) {
		reply = json_loads(line, 0, NULL);
		proc = json_array_get(json_object_get(json_object_get(reply, "data"),
		    "processes"), 0);
		if (json_is_integer(json_object_get(proc, "ordinal")) &&
		    json_is_integer(json_object_get(proc, "pid")))
			snprintf(buf, len, "%lld:%lld> ",
			    (long long)json_integer_value(json_object_get(proc, "ordinal")),
			    (long long)json_integer_value(json_object_get(proc, "pid")));
		json_decref(reply);
	} else
		conn_close(&ctl->conn);
	free(request);
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

int main(int argc, char **argv)
{
	struct ctl ctl = { .conn = CONN_INIT };
	struct ctl_args args;
	char sockpath[PATH_MAX];
	const char *why;
	char *line;
	int status;

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
	ctl.socket = args.socket;
	ctl.session = args.session;
	ctl.json = args.json;
	if (ctl.socket == NULL) {
		if (tether_default_socket(sockpath, sizeof(sockpath)) < 0) {
			fprintf(stderr, "tetherctl: default socket path: %s\n",
			    strerror(errno));
			args_free(&args);
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
		args_free(&args);
		return TETHER_EXIT_USAGE;
	}
	ctl.cwd = getcwd(NULL, 0);
	setlocale(LC_CTYPE, "");	/* line editing of non-ASCII text */

	if (args.nwords == 0)
		status = run_stdin(&ctl);
	else if (args.gdb && args.nwords == 2 && strcmp(args.words[0], "core") == 0)
		status = core_gdb(&ctl, args.words[1]);
	else if (args.gdb) {
		fprintf(stderr, "tetherctl: --gdb goes with core N only\n");
		status = TETHER_EXIT_USAGE;
	}
	else if ((line = alias_join_words(args.nwords, args.words)) == NULL) {
		fprintf(stderr, "tetherctl: out of memory\n");
		status = TETHER_EXIT_FAILED;
	} else {
		status = run_line(&ctl, line);
		free(line);
	}
	args_free(&args);
	conn_close(&ctl.conn);
	free(ctl.cwd);
	if (fclose(stdout) != 0) {
		fprintf(stderr, "tetherctl: stdout: %s\n", strerror(errno));
		if (status == TETHER_EXIT_OK)
			status = TETHER_EXIT_FAILED;
	}
	return status;
}
