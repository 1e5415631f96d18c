#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "cmd.h"
#include "request.h"
#include "cmddoc.h"
#include "control.h"
#include "creds.h"
#include "log.h"
#include "store-history.h"
#include "suggest.h"
#include "names.h"

struct cmd_env cmd_env;

static const struct cmd_entry *const cmd_table[] = {
	&cmd_status_entry,
	&cmd_select_entry,
	&cmd_detach_entry,
	&cmd_kill_entry,
	&cmd_childdbg_entry,
	&cmd_attach_entry,
	&cmd_create_entry,
	&cmd_go_entry,
	&cmd_go_handled_entry,
	&cmd_go_unhandled_entry,
	&cmd_abandon_entry,
	&cmd_breakin_entry,
	&cmd_allstop_entry,
	&cmd_sx_entry,
	&cmd_sxe_entry,
	&cmd_sxd_entry,
	&cmd_sxn_entry,
	&cmd_sxi_entry,
	&cmd_threads_entry,
	&cmd_stack_entry,
	&cmd_stacks_entry,
	&cmd_dotdump_entry,
	&cmd_dump_entry,
	&cmd_quit_entry,
	&cmd_quit_detach_entry,
	&cmd_daemon_status_entry,
	&cmd_events_entry,
	&cmd_history_entry,
	&cmd_report_entry,
	&cmd_reload_entry,
	&cmd_cores_entry,
	&cmd_core_entry,
	&cmd_logs_entry,
};

/* One request: its commands run one after another. */
struct cmdq {
	struct client *client;
	char *session_name;
	char *cwd;
	uid_t uid;
	gid_t gid;
	enum cmd_form form;
	int width;
	struct command_list list;
	int next;
	struct cmd_ctx ctx;
	struct evbuffer *text;
	json_t *data;		/* one element per command that ran */
	char *error;
	enum cmd_result failure;
	bool cancelled;		/* its client went away: run nothing more */
	TAILQ_ENTRY(cmdq) entry;	/* in running */
	bool in_exec;		/* the command is still inside its exec function */
	bool completed;		/* ... and has already called cmd_complete */
	enum cmd_result result;
};

static TAILQ_HEAD(, cmdq) running = TAILQ_HEAD_INITIALIZER(running);

static void cmdq_run(struct cmdq *q);

const struct cmd_entry *
cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof cmd_table / sizeof cmd_table[0]; i++)
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}

const struct cmd_entry *
cmd_table_entry(size_t i)
{
	return i < sizeof cmd_table / sizeof cmd_table[0] ? cmd_table[i] : NULL;
}

const char *
cmd_usage(const struct cmd_entry *e)
{
	const struct cmd_doc *doc = cmd_doc_find(e->name);

	/* test_cmddoc checks that every entry has one. */
	return doc != NULL ? doc->usage : e->name;
}

bool
cmd_wants_text(const struct cmd_ctx *ctx)
{
	return ctx->q->form != FORM_DATA;
}

bool
cmd_wants_data(const struct cmd_ctx *ctx)
{
	return ctx->q->form != FORM_TEXT;
}

void
cmd_print(struct cmd_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (!cmd_wants_text(ctx))
		return;
	va_start(ap, fmt);
	evbuffer_add_vprintf(ctx->q->text, fmt, ap);
	va_end(ap);
	evbuffer_add(ctx->q->text, "\n", 1);
}

void
cmd_set_data(struct cmd_ctx *ctx, json_t *data)
{
	if (!cmd_wants_data(ctx)) {
		json_decref(data);
		return;
	}
	json_array_append_new(ctx->q->data, data != NULL ? data : json_null());
}

enum cmd_result
cmd_error(struct cmd_ctx *ctx, enum cmd_result kind, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	free(ctx->q->error);
	ctx->q->error = msg;
	ctx->q->failure = kind;
	return kind;
}

struct client *
cmd_client(struct cmd_ctx *ctx)
{
	return ctx->q->client;
}

struct session *
cmd_session(struct cmd_ctx *ctx)
{
	if (ctx->session == NULL)
		ctx->session = session_ensure(ctx->session_name, ctx->peer_uid);
	return ctx->session;
}

enum cmd_result
cmd_no_such_session(struct cmd_ctx *ctx)
{
	struct suggest sg;
	struct session *s;
	char hint[96];

	suggest_init(&sg, ctx->session_name);
	TAILQ_FOREACH(s, session_all(), entry)
		suggest_try(&sg, s->name);
	return cmd_error(ctx, CMD_FAILED, "no such session: %s%s",
	    ctx->session_name, suggest_hint(&sg, hint, sizeof hint));
}

/* Whether the request's session exists, in memory or (dormant since a
 * restart) in the database; false with the error set. */
static bool
session_exists(struct cmd_ctx *ctx)
{
	uid_t owner;

	/* "default" is there before anything joins it. */
	if (ctx->session != NULL || strcmp(ctx->session_name, "default") == 0)
		return true;
	if (store_session_lookup(model_store(), ctx->session_name, &owner) == 0) {
		cmd_no_such_session(ctx);
		return false;
	}
	return true;
}

bool
cmd_owns_session(struct cmd_ctx *ctx)
{
	uid_t owner;

	if (ctx->peer_uid == 0)
		return true;
	if (ctx->session != NULL)
		owner = ctx->session->owner;
	else if (store_session_lookup(model_store(), ctx->session_name, &owner) == 0)
		return true;
	if (owner == ctx->peer_uid)
		return true;
	cmd_error(ctx, CMD_FAILED, "session %s belongs to uid %u", ctx->session_name,
	    (unsigned)owner);
	return false;
}

bool
cmd_may_act(const struct cmd_ctx *ctx, const struct target *t)
{
	return creds_may_access(t->pid, ctx->peer_uid, NULL, 0);
}

void
cmd_print_dormant(struct cmd_ctx *ctx, const struct session *s, int ending)
{
	if (s == NULL || s->live - ending <= 0)
		cmd_print(ctx, "Session %s is dormant: no live targets.",
		    s != NULL ? s->name : ctx->session_name);
}

struct cmd_all {
	struct cmd_ctx *ctx;
	enum target_state success;
	cmd_all_finish finish;
	int waiting;
	int count;
	bool started;		/* every operation has been started */
};

static void
cmd_all_done(struct cmd_all *all)
{
	struct cmd_ctx *ctx = all->ctx;

	all->finish(ctx, all->count);
	free(all);
	cmd_complete(ctx, CMD_DONE);
}

static void
cmd_all_one_done(struct target *t, enum target_state state, void *arg)
{
	struct cmd_all *all = arg;

	if (state == all->success)
		all->count++;
	else if (state == TS_RUNNING)
		cmd_print(all->ctx, "|%d: %s", t->ordinal, engine_failure());
	if (--all->waiting == 0 && all->started)
		cmd_all_done(all);
}

enum cmd_result
cmd_for_all(struct cmd_ctx *ctx, cmd_all_start start, enum target_state success,
    cmd_all_finish finish)
{
	struct cmd_all *all;
	struct target *t, *next;
	struct end_cause cause;

	if ((all = calloc(1, sizeof *all)) == NULL)
		return cmd_error(ctx, CMD_FAILED, "out of memory");
	*all = (struct cmd_all){ .ctx = ctx, .success = success, .finish = finish };
	cause = (struct end_cause){ success == TS_KILLED ? END_KILLED : END_DETACHED,
	    ctx->peer_uid };
	/* An operation may end its target at once: fetch the next one first. */
	for (t = ctx->session != NULL ? TAILQ_FIRST(&ctx->session->targets) : NULL;
	    t != NULL; t = next) {
		next = TAILQ_NEXT(t, entry);
		if (!cmd_may_act(ctx, t) || t->op != NULL)
			continue;
		all->waiting++;
		if (start(t, &cause, cmd_all_one_done, all) == -1) {
			log_warn("|%d: %s", t->ordinal, strerror(errno));
			all->waiting--;
		}
	}
	all->started = true;
	if (all->waiting == 0)
		cmd_all_done(all);
	return CMD_WAIT;
}

void
cmd_print_joined(struct cmd_ctx *ctx, const struct target *t)
{
	char line[TARGET_LINE_MAX];

	target_status_line(t, ctx->width, line, sizeof line);
	cmd_print(ctx, "%s", line);
	cmd_set_data(ctx, target_json(t, TS_RUNNING));
}

bool
cmd_handling_flag(const char *arg, bool *deliver)
{
	*deliver = strcmp(arg, "/n") == 0;
	return *deliver || strcmp(arg, "/h") == 0;
}

struct target *
cmd_lookup(struct cmd_ctx *ctx, const struct procid *id)
{
	struct session *s = ctx->session;
	struct target *t = NULL;
	char name[48];

	switch (id->kind) {
	case PROCID_NONE:
	case PROCID_CURRENT:
		if (s == NULL || (t = target_by_ordinal(s, s->current)) == NULL) {
			cmd_error(ctx, CMD_FAILED, "no current process in session %s",
			    ctx->session_name);
			return NULL;
		}
		break;
	case PROCID_EVENT:
		if (s == NULL || (t = target_by_ordinal(s, s->event)) == NULL) {
			cmd_error(ctx, CMD_FAILED, "no event process in session %s",
			    ctx->session_name);
			return NULL;
		}
		break;
	case PROCID_ORDINAL:
		if (s != NULL)
			t = target_by_ordinal(s, (int)id->value);
		break;
	case PROCID_PID:
		t = target_by_pid((pid_t)id->value);
		if (t != NULL && t->session != s)
			t = NULL;
		break;
	case PROCID_ALL:
		cmd_error(ctx, CMD_USAGE, "%s acts on one process: |* cannot name it",
		    ctx->entry->name);
		return NULL;
	}
	if (t == NULL) {
		cmd_error(ctx, CMD_FAILED, "no such process: %s",
		    procid_format(id, name, sizeof name));
		return NULL;
	}
	return t;
}

struct target *
cmd_target(struct cmd_ctx *ctx, const struct procid *id)
{
	struct target *t;
	char why[160];

	if ((t = cmd_lookup(ctx, id)) == NULL)
		return NULL;
	if (!creds_may_access(t->pid, ctx->peer_uid, why, sizeof why)) {
		cmd_error(ctx, CMD_FAILED, "permission denied: |%d: %s", t->ordinal, why);
		return NULL;
	}
	return t;
}

static void
cmdq_free(struct cmdq *q)
{
	TAILQ_REMOVE(&running, q, entry);
	cmdline_free(&q->list);
	evbuffer_free(q->text);
	json_decref(q->data);
	free(q->error);
	free(q->session_name);
	free(q->cwd);
	free(q);
}

/* The text as one JSON string; NULL if it is not UTF-8 (the reply then
 * goes without it). */
static json_t *
cmdq_text(struct cmdq *q)
{
	size_t len = evbuffer_get_length(q->text);

	return json_stringn(len > 0 ? (char *)evbuffer_pullup(q->text, -1) : "", len);
}

/* The reply, with only the members the request's form asks for. */
static void
cmdq_reply(struct cmdq *q)
{
	json_t *reply, *data;

	reply = json_pack("{s:b}", "ok", q->error == NULL);
	if (q->form != FORM_DATA)
		json_object_set_new(reply, "text", cmdq_text(q));
	if (q->error != NULL) {
		json_object_set_new(reply, "error", json_string(q->error));
		json_object_set_new(reply, "code",
		    json_string(q->failure == CMD_USAGE ? "usage" : "failed"));
	}
	if (q->form != FORM_TEXT) {
		data = json_array_size(q->data) == 1 ?
		    json_incref(json_array_get(q->data, 0)) : json_incref(q->data);
		json_object_set_new(reply, "data", data);
	}
	client_reply(q->client, reply);
	cmdq_free(q);
}

/* Sets up the context of the next command; false when it cannot run. */
static bool
cmdq_prepare(struct cmdq *q)
{
	struct cmd_ctx *ctx = &q->ctx;
	const struct command *cmd = &q->list.commands[q->next];
	const struct cmd_entry *e;

	*ctx = (struct cmd_ctx){
		.q = q, .cmd = cmd, .session_name = q->session_name,
		.session = session_find(q->session_name),
		.peer_uid = q->uid, .peer_gid = q->gid, .cwd = q->cwd,
		.width = q->width,
	};
	if ((e = cmd_find(cmd->name)) == NULL) {
		struct suggest sg;
		char hint[64];
		size_t i;

		suggest_init(&sg, cmd->name);
		for (i = 0; i < sizeof cmd_table / sizeof cmd_table[0]; i++)
			suggest_try(&sg, cmd_table[i]->name);
		cmd_error(ctx, CMD_USAGE, "unknown command: %s%s", cmd->name,
		    suggest_hint(&sg, hint, sizeof hint));
		return false;
	}
	ctx->entry = e;
	if (e->session == SESSION_EXISTING && !session_exists(ctx))
		return false;
	if (e->owner_only && !cmd_owns_session(ctx))
		return false;
	if (cmd->argc < e->min_args || (e->max_args >= 0 && cmd->argc > e->max_args)) {
		cmd_error(ctx, CMD_USAGE, "usage: %s", cmd_usage(e));
		return false;
	}
	if (e->prefix == PREFIX_NONE && cmd->prefix.kind != PROCID_NONE) {
		cmd_error(ctx, CMD_USAGE, "%s takes no process identifier", e->name);
		return false;
	}
	if (e->prefix == PREFIX_TARGET &&
	    (ctx->target = cmd_target(ctx, &cmd->prefix)) == NULL)
		return false;
	return true;
}

/* Runs commands until one waits, one fails, or none is left. */
static void
cmdq_run(struct cmdq *q)
{
	enum cmd_result r;

	while (q->next < q->list.count) {
		if (q->cancelled) {
			cmd_error(&q->ctx, CMD_FAILED, "cancelled: the client went away");
			break;
		}
		if (!cmdq_prepare(q))
			break;
		q->in_exec = true;
		q->completed = false;
		/* What it starts is cancelled if the client goes away. */
		engine_set_owner(q);
		r = q->ctx.entry->exec(&q->ctx);
		engine_set_owner(NULL);
		q->in_exec = false;
		if (r == CMD_WAIT) {
			if (!q->completed)
				return;
			r = q->result;
		}
		if (r != CMD_DONE) {
			if (q->error == NULL)
				cmd_error(&q->ctx, r, "%s failed", q->ctx.entry->name);
			break;
		}
		q->next++;
	}
	cmdq_reply(q);
}

void
cmd_complete(struct cmd_ctx *ctx, enum cmd_result result)
{
	struct cmdq *q = ctx->q;

	if (q->in_exec) {
		q->completed = true;
		q->result = result;
		return;
	}
	if (result != CMD_DONE) {
		if (q->error == NULL)
			cmd_error(ctx, result, "%s failed", ctx->entry->name);
		cmdq_reply(q);
		return;
	}
	q->next++;
	cmdq_run(q);
}

void
cmdq_cancel_client(struct client *c, const char *why)
{
	struct cmdq *q;

	TAILQ_FOREACH(q, &running, entry)
		if (q->client == c && !q->cancelled) {
			q->cancelled = true;
			/* Its commands complete (failing) from here; q may be
			 * freed by then. */
			engine_cancel_owned(q, why);
			return;
		}
}

void
cmdq_start(struct client *c, uid_t uid, gid_t gid, const struct request *req)
{
	const char *session = req->session, *cwd = req->cwd, *err;
	struct cmdq *q;

	if ((q = calloc(1, sizeof *q)) == NULL ||
	    (q->text = evbuffer_new()) == NULL ||
	    (q->data = json_array()) == NULL ||
	    (q->session_name = strdup(session)) == NULL ||
	    (cwd != NULL && (q->cwd = strdup(cwd)) == NULL)) {
		log_warn("out of memory");
		abort();
	}
	TAILQ_INSERT_TAIL(&running, q, entry);
	q->client = c;
	q->uid = uid;
	q->gid = gid;
	q->form = req->form;
	q->width = req->width;
	q->ctx.q = q;
	/* The name goes into file names (the logs): no path, no '..'. */
	if ((err = tether_session_name_error(session)) != NULL) {
		cmd_error(&q->ctx, CMD_USAGE, "bad session name '%s': %s", session, err);
		cmdq_reply(q);
		return;
	}
	if (cmdline_parse(req->line, &q->list, &err) == -1) {
		cmd_error(&q->ctx, CMD_USAGE, "%s", err);
		cmdq_reply(q);
		return;
	}
	cmdq_run(q);
}

/* The client's file system ids for one call (setfsuid is per thread). */
struct fs_ids {
	bool switched;
	uid_t uid;
	gid_t gid;
};

static void
fs_as_client(const struct cmd_ctx *ctx, struct fs_ids *saved)
{
	saved->switched = geteuid() == 0 && ctx->peer_uid != 0;
	if (saved->switched) {
		saved->gid = (gid_t)setfsgid(ctx->peer_gid);
		saved->uid = (uid_t)setfsuid(ctx->peer_uid);
	}
}

static void
fs_restore(const struct fs_ids *saved)
{
	if (saved->switched) {
		setfsuid(saved->uid);
		setfsgid(saved->gid);
	}
}

int
cmd_open_as_client(const struct cmd_ctx *ctx, const char *file, int flags,
    char *path, size_t pathlen)
{
	struct fs_ids ids;
	int fd, saved, n;

	if (file[0] == '/' || ctx->cwd == NULL)
		n = snprintf(path, pathlen, "%s", file);
	else
		n = snprintf(path, pathlen, "%s/%s", ctx->cwd, file);
	if (n < 0 || (size_t)n >= pathlen) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fs_as_client(ctx, &ids);
	fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC, 0600);
	saved = errno;
	fs_restore(&ids);
	errno = saved;
	return fd;
}

int
cmd_unlink_as_client(const struct cmd_ctx *ctx, const char *path)
{
	struct fs_ids ids;
	int rc, saved;

	fs_as_client(ctx, &ids);
	rc = unlink(path);
	saved = errno;
	fs_restore(&ids);
	errno = saved;
	return rc;
}
