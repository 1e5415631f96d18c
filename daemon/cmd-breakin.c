/*
 * .breakin: stop every target of the session and hold it (g resumes them);
 * .allstop [0|1]: whether a break event stops every target of the session
 * (all-stop) or only the one that caused it (non-stop, the default).
 */
#include <string.h>

#include "cmd.h"

static void
breakin_done(struct cmd_ctx *ctx, int count)
{
	struct target *t;

	if (ctx->session != NULL)
		TAILQ_FOREACH(t, &ctx->session->targets, entry)
			if (t->held)
				target_event(t, "breakin", NULL);
	cmd_print(ctx, "Break-in: %d target(s) stopped.", count);
	cmd_set_data(ctx, json_pack("{s:i}", "stopped", count));
}

/* A break-in ends nothing: no cause to give. */
static int
breakin_one(struct target *t, const struct end_cause *cause, op_done_fn done,
    void *arg)
{
	(void)cause;
	return engine_hold(t, done, arg);
}

static enum cmd_result
cmd_breakin_exec(struct cmd_ctx *ctx)
{
	return cmd_for_all(ctx, breakin_one, TS_STOPPED, breakin_done);
}

static enum cmd_result
cmd_allstop_exec(struct cmd_ctx *ctx)
{
	struct session *s = ctx->session;

	if (ctx->cmd->argc == 1) {
		const char *arg = ctx->cmd->argv[0];
		if (strcmp(arg, "0") != 0 && strcmp(arg, "1") != 0)
			return cmd_error(ctx, CMD_USAGE, "usage: %s", cmd_usage(ctx->entry));
		if ((s = cmd_session(ctx)) == NULL || session_set_allstop(s, arg[0] == '1') == -1)
			return cmd_error(ctx, CMD_FAILED, "cannot change session %s",
			    ctx->session_name);
	}
	cmd_print(ctx, "A break stops %s.", s != NULL && s->allstop ?
	    "every target of the session (all-stop)" :
	    "only the target that caused it (non-stop)");
	cmd_set_data(ctx, json_pack("{s:s, s:b}", "session", ctx->session_name,
	    "allstop", s != NULL && s->allstop));
	return CMD_DONE;
}

const struct cmd_entry cmd_breakin_entry = {
	.name = ".breakin",
	.min_args = 0, .max_args = 0, .prefix = PREFIX_NONE,
	.owner_only = true,
	.exec = cmd_breakin_exec,
};

const struct cmd_entry cmd_allstop_entry = {
	.name = ".allstop",
	.session = SESSION_CREATE,
	.min_args = 0, .max_args = 1, .prefix = PREFIX_NONE,
	.owner_only = true,
	.exec = cmd_allstop_exec,
};
