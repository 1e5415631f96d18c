/* |, |*, |., |#, |N, |~[PID]: process status; |Ns, |~[PID]s: select. */
#include <stdio.h>

#include "cmd.h"

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

/* processes is NULL when the client does not want the data. */
static void
status_print(struct cmd_ctx *ctx, const struct target *t, json_t *processes)
{
	char line[512];

	if (cmd_wants_text(ctx)) {
		target_status_line(t, line, sizeof line);
		cmd_print(ctx, "%s", line);
	}
	if (processes != NULL)
		json_array_append_new(processes, target_json(t, target_live_state(t)));
}

/* The list of processes to fill in, or NULL when no data is wanted. */
static json_t *
status_processes(const struct cmd_ctx *ctx)
{
	return cmd_wants_data(ctx) ? json_array() : NULL;
}

static enum cmd_result
cmd_status_exec(struct cmd_ctx *ctx)
{
	json_t *processes = status_processes(ctx);
	struct target *t;

	if (ctx->cmd->prefix.kind != PROCID_ALL) {
		if ((t = cmd_lookup(ctx, &ctx->cmd->prefix)) == NULL) {
			json_decref(processes);
			return CMD_FAILED;
		}
		status_print(ctx, t, processes);
	} else if (ctx->session != NULL) {
		TAILQ_FOREACH(t, &ctx->session->targets, entry)
			status_print(ctx, t, processes);
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
	status_print(ctx, t, processes);
	cmd_set_data(ctx, status_data(ctx, processes));
	return CMD_DONE;
}

const struct cmd_entry cmd_status_entry = {
	.name = "|",
	.min_args = 0, .max_args = 0, .prefix = PREFIX_SELF,
	.owner_only = true,
	.exec = cmd_status_exec,
};

const struct cmd_entry cmd_select_entry = {
	.name = "|s",
	.min_args = 0, .max_args = 0, .prefix = PREFIX_SELF,
	.owner_only = true,
	.exec = cmd_select_exec,
};
