/* |, |*, |., |#, |N, |~[PID]: process status; |Ns, |~[PID]s: select. */
#include <stdio.h>
#include <string.h>

#include "argv-text.h"
#include "cmd.h"
#include "cmd-history.h"
#include "signals.h"

/* NULL when processes is: the client does not want the data. */
static json_t *
status_data(const struct cmd_ctx *ctx, json_t *processes)
{
	const struct session *s = ctx->session;

	if (processes == NULL)
		return NULL;
	return json_pack("{s:s, s:b, s:o}", "session", ctx->session_name,
	    "dormant", s == NULL || s->live == 0, "processes", processes);
}

static int
digits(long v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* The width of the ordinal column of a listing of s. */
static int
ordinal_width(const struct session *s)
{
	const struct target *t;
	int w = 1;

	TAILQ_FOREACH(t, &s->targets, entry)
		if (digits(t->ordinal) > w)
			w = digits(t->ordinal);
	return w;
}

/* processes is NULL when the client does not want the data; width is that
 * of the listing's ordinals, 0 for a line on its own; long_form: the
 * log of a created target under its line (ps -l). */
static void
status_print(struct cmd_ctx *ctx, const struct target *t, int width,
    bool long_form, json_t *processes)
{
	char line[TARGET_LINE_MAX];
	json_t *o = processes != NULL || (long_form && cmd_wants_text(ctx)) ?
	    target_json(t, target_live_state(t)) : NULL;

	if (cmd_wants_text(ctx)) {
		target_status_line_aligned(t, width, ctx->width, line, sizeof line);
		cmd_print(ctx, "%s", line);
	}
	if (cmd_wants_text(ctx) && long_form &&
	    json_is_string(json_object_get(o, "log")))
		cmd_print(ctx, "      log: %s", json_string_value(json_object_get(o, "log")));
	if (processes != NULL)
		json_array_append_new(processes, o);
	else if (o != NULL)
		json_decref(o);
}

/* The list of processes to fill in, or NULL when no data is wanted. */
static json_t *
status_processes(const struct cmd_ctx *ctx)
{
	return cmd_wants_data(ctx) ? json_array() : NULL;
}

/*
 * |N of a target that has ended: its row, with how and why it ended
 * ("Result: timeout", as systemctl status says it), read on the store's
 * thread. No such process when the session never had it.
 */
static enum cmd_result
status_ended_print(struct cmd_ctx *ctx, json_t *rows)
{
	json_t *row = json_array_get(rows, 0), *processes;
	char fate[48], line[TARGET_LINE_MAX], name[48], tail[96];

	if (row == NULL || json_is_null(json_object_get(row, "ended_at"))) {
		json_decref(rows);
		return cmd_error(ctx, CMD_FAILED, "no such process: %s",
		    procid_format(&ctx->cmd->prefix, name, sizeof name));
	}
	cmd_history_fate(row, fate, sizeof fate);
	snprintf(line, sizeof line, "   %lld  id: %lld  %s  name: %s",
	    (long long)json_integer_value(json_object_get(row, "ordinal")),
	    (long long)json_integer_value(json_object_get(row, "pid")),
	    json_string_value(json_object_get(row, "how")),
	    json_is_string(json_object_get(row, "name")) ?
	    json_string_value(json_object_get(row, "name")) : "?");
	snprintf(tail, sizeof tail, "  [ended: %s]  Result: %s", fate,
	    json_is_string(json_object_get(row, "reason")) ?
	    json_string_value(json_object_get(row, "reason")) : "-");
	argv_text_line(line, sizeof line,
	    json_string_value(json_object_get(row, "cmdline")), tail, ctx->width);
	cmd_print(ctx, "%s", line);
	/* The keys of a process that the database does not hold. */
	target_json_row_keys(row, ctx->session_name,
	    (int)json_integer_value(json_object_get(row, "ordinal")),
	    strcmp(json_string_value(json_object_get(row, "how")), "create") == 0);
	if ((processes = status_processes(ctx)) != NULL)
		json_array_append(processes, row);
	json_decref(rows);
	cmd_set_data(ctx, status_data(ctx, processes));
	return CMD_DONE;
}

/* Whether |N names a target of the session that is no longer live. */
static bool
names_ended(const struct cmd_ctx *ctx)
{
	const struct procid *id = &ctx->cmd->prefix;

	/* Ordinals are never given twice; a pid may now be another process. */
	return ctx->session != NULL && id->kind == PROCID_ORDINAL &&
	    target_by_ordinal(ctx->session, (int)id->value) == NULL;
}

static enum cmd_result
cmd_status_exec(struct cmd_ctx *ctx)
{
	json_t *processes;
	struct target *t;
	bool long_form = ctx->cmd->argc == 1;

	if (long_form && strcmp(ctx->cmd->argv[0], "-l") != 0)
		return cmd_error(ctx, CMD_USAGE, "usage: %s", cmd_usage(ctx->entry));
	if (names_ended(ctx)) {
		struct look_opts o = {
			.session_id = ctx->session->id,
			.ordinal = (int)ctx->cmd->prefix.value, .pid = -1, .limit = 1,
		};

		return cmd_look_query(ctx, &o, false, status_ended_print);
	}
	processes = status_processes(ctx);
	if (ctx->cmd->prefix.kind != PROCID_ALL) {
		if ((t = cmd_lookup(ctx, &ctx->cmd->prefix)) == NULL) {
			json_decref(processes);
			return CMD_FAILED;
		}
		status_print(ctx, t, 0, long_form, processes);
	} else if (ctx->session != NULL) {
		int width = cmd_wants_text(ctx) ? ordinal_width(ctx->session) : 0;

		TAILQ_FOREACH(t, &ctx->session->targets, entry)
			status_print(ctx, t, width, long_form, processes);
	}
	if (ctx->cmd->prefix.kind == PROCID_ALL)
		cmd_print_dormant(ctx, ctx->session, 0);
	cmd_set_data(ctx, status_data(ctx, processes));
	return CMD_DONE;
}

static enum cmd_result
cmd_select_exec(struct cmd_ctx *ctx)
{
	json_t *processes = status_processes(ctx);
	struct target *t;

	if ((t = cmd_lookup(ctx, &ctx->cmd->prefix)) == NULL) {
		json_decref(processes);
		return CMD_FAILED;
	}
	ctx->session->current = t->ordinal;
	status_print(ctx, t, 0, false, processes);
	cmd_set_data(ctx, status_data(ctx, processes));
	return CMD_DONE;
}

const struct cmd_entry cmd_status_entry = {
	.name = "|",
	.min_args = 0, .max_args = 1, .prefix = PREFIX_SELF,
	.owner_only = true,
	.exec = cmd_status_exec,
};

const struct cmd_entry cmd_select_entry = {
	.name = "|s",
	.min_args = 0, .max_args = 0, .prefix = PREFIX_SELF,
	.owner_only = true,
	.exec = cmd_select_exec,
};
