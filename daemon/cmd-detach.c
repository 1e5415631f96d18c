/* .detach [/h|/n]: end the debugging of a process and leave it running. */
#include "cmd.h"
#include "engine.h"

static void
detach_done(struct target *t, enum target_state state, void *arg)
{
	struct cmd_ctx *ctx = arg;

	if (state == TS_RUNNING) {
		cmd_error(ctx, CMD_FAILED, "|%d: %s", t->ordinal, engine_failure());
		cmd_complete(ctx, CMD_FAILED);
		return;
	}
	if (state != TS_DETACHED) {
		cmd_error(ctx, CMD_FAILED, "process %d exited before it could be detached",
		    (int)t->pid);
		cmd_complete(ctx, CMD_FAILED);
		return;
	}
	cmd_print(ctx, "Detached.");
	cmd_print_dormant(ctx, t->session, 1);
	cmd_set_data(ctx, target_json(t, state));
	cmd_complete(ctx, CMD_DONE);
}

/*
 * /h (the default) and /n say what becomes of an outstanding event; a
 * signal that merely arrives while the threads are being stopped is always
 * delivered.
 */
static enum cmd_result
cmd_detach_exec(struct cmd_ctx *ctx)
{
	bool deliver = false;

	if (ctx->cmd->argc == 1 && !cmd_handling_flag(ctx->cmd->argv[0], &deliver))
		return cmd_error(ctx, CMD_USAGE, "usage: %s", cmd_usage(ctx->entry));
	if (engine_detach(ctx->target, deliver,
	    &(struct end_cause){ END_DETACHED, ctx->peer_uid }, detach_done, ctx) == -1)
		return cmd_error(ctx, CMD_FAILED, "|%d: another operation is in progress",
		    ctx->target->ordinal);
	return CMD_WAIT;
}

const struct cmd_entry cmd_detach_entry = {
	.name = ".detach",
	.min_args = 0, .max_args = 1, .prefix = PREFIX_TARGET,
	.exec = cmd_detach_exec,
};
