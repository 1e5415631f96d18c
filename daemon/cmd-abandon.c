/* .abandon [/h|/n]: let go of a process but leave it stopped, for another
 * debugger (gdb -p PID) to take. */
#include "cmd.h"

static void
abandon_done(struct target *t, enum target_state state, void *arg)
{
	struct cmd_ctx *ctx = arg;

	if (state == TS_RUNNING) {
		cmd_error(ctx, CMD_FAILED, "|%d: %s", t->ordinal, engine_failure());
		cmd_complete(ctx, CMD_FAILED);
		return;
	}
	if (state != TS_ABANDONED) {
		cmd_error(ctx, CMD_FAILED, "process %d exited before it could be abandoned",
		    (int)t->pid);
		cmd_complete(ctx, CMD_FAILED);
		return;
	}
	cmd_print(ctx, "Abandoned: process %d is left stopped.", (int)t->pid);
	cmd_print_dormant(ctx, t->session, 1);
	cmd_set_data(ctx, target_json(t, state));
	cmd_complete(ctx, CMD_DONE);
}

static enum cmd_result
cmd_abandon_exec(struct cmd_ctx *ctx)
{
	bool deliver = false;

	if (ctx->cmd->argc == 1 && !cmd_handling_flag(ctx->cmd->argv[0], &deliver))
		return cmd_error(ctx, CMD_USAGE, "usage: %s", cmd_usage(ctx->entry));
	if (engine_abandon(ctx->target, deliver,
	    &(struct end_cause){ END_ABANDONED, ctx->peer_uid }, abandon_done, ctx) == -1)
		return cmd_error(ctx, CMD_FAILED, "|%d: another operation is in progress",
		    ctx->target->ordinal);
	return CMD_WAIT;
}

const struct cmd_entry cmd_abandon_entry = {
	.name = ".abandon",
	.min_args = 0, .max_args = 1, .prefix = PREFIX_TARGET,
	.exec = cmd_abandon_exec,
};
