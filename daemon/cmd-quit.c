/* q: end the session by killing its targets; qd: by detaching them. */
#include "cmd.h"

static int
quit_kill(struct target *t, const struct end_cause *cause, op_done_fn done,
    void *arg)
{
	return engine_kill(t, false, cause, done, arg);
}

static int
quit_detach(struct target *t, const struct end_cause *cause, op_done_fn done,
    void *arg)
{
	return engine_detach(t, false, cause, done, arg);
}

static void
quit_killed(struct cmd_ctx *ctx, int count)
{
	cmd_print(ctx, "Terminated %d target(s).", count);
	cmd_print_dormant(ctx, ctx->session, 0);
	cmd_set_data(ctx, json_pack("{s:i}", "killed", count));
}

static void
quit_detached(struct cmd_ctx *ctx, int count)
{
	cmd_print(ctx, "Detached %d target(s).", count);
	cmd_print_dormant(ctx, ctx->session, 0);
	cmd_set_data(ctx, json_pack("{s:i}", "detached", count));
}

static enum cmd_result
cmd_quit_exec(struct cmd_ctx *ctx)
{
	return cmd_for_all(ctx, quit_kill, TS_KILLED, quit_killed);
}

static enum cmd_result
cmd_quit_detach_exec(struct cmd_ctx *ctx)
{
	return cmd_for_all(ctx, quit_detach, TS_DETACHED, quit_detached);
}

const struct cmd_entry cmd_quit_entry = {
	.name = "q",
	.min_args = 0, .max_args = 0, .prefix = PREFIX_NONE,
	.owner_only = true,
	.exec = cmd_quit_exec,
};

const struct cmd_entry cmd_quit_detach_entry = {
	.name = "qd",
	.min_args = 0, .max_args = 0, .prefix = PREFIX_NONE,
	.owner_only = true,
	.exec = cmd_quit_detach_exec,
};
