/*
 * g, gh, gn: continue the held targets of the session (|N g: just that one).
 * gh continues an outstanding event as handled (its signal suppressed), gn
 * as not handled (delivered), g as the signal filter says.
 */
#include <string.h>

#include "cmd.h"
#include "engine.h"

static enum cmd_result
cmd_go_exec(struct cmd_ctx *ctx)
{
	enum continue_mode mode = CONTINUE_FILTER;
	struct target *t;
	int n = 0;

	if (strcmp(ctx->entry->name, "gh") == 0)
		mode = CONTINUE_HANDLED;
	else if (strcmp(ctx->entry->name, "gn") == 0)
		mode = CONTINUE_UNHANDLED;
	if (ctx->cmd->prefix.kind != PROCID_NONE &&
	    ctx->cmd->prefix.kind != PROCID_ALL) {
		if ((t = cmd_target(ctx, &ctx->cmd->prefix)) == NULL)
			return CMD_FAILED;
		n = engine_continue(t, mode);
	} else if (!cmd_owns_session(ctx)) {
		return CMD_FAILED;
	} else if (ctx->session != NULL) {
		TAILQ_FOREACH(t, &ctx->session->targets, entry)
			if (cmd_may_act(ctx, t))
				n += engine_continue(t, mode);
	}
	cmd_print(ctx, "Continued %d target(s).", n);
	cmd_set_data(ctx, json_pack("{s:i}", "continued", n));
	return CMD_DONE;
}

const struct cmd_entry cmd_go_entry = {
	.name = "g",
	.min_args = 0, .max_args = 0, .prefix = PREFIX_SELF,
	.exec = cmd_go_exec,
};

const struct cmd_entry cmd_go_handled_entry = {
	.name = "gh",
	.min_args = 0, .max_args = 0, .prefix = PREFIX_SELF,
	.exec = cmd_go_exec,
};

const struct cmd_entry cmd_go_unhandled_entry = {
	.name = "gn",
	.min_args = 0, .max_args = 0, .prefix = PREFIX_SELF,
	.exec = cmd_go_exec,
};
