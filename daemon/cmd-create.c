/*
 * .create [-o] CMD [ARGS...]: start a program under the daemon; -o: with
 * child-debug on from its first instruction (WinDbg's -o).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "engine.h"
#include "target-log.h"

static enum cmd_result
cmd_create_exec(struct cmd_ctx *ctx)
{
	struct create_params p = {
		.argv = ctx->cmd->argv, .cwd = ctx->cwd,
		.uid = ctx->peer_uid, .gid = ctx->peer_gid,
	};
	char err[PATH_MAX + 128];
	struct session *s;
	struct target *t;
	bool childdbg = strcmp(p.argv[0], "-o") == 0;

	if (childdbg && ctx->cmd->argc == 1)
		return cmd_error(ctx, CMD_USAGE, "usage: %s", cmd_usage(ctx->entry));
	if (childdbg)
		p.argv++;
	if ((s = cmd_session(ctx)) == NULL)
		return cmd_error(ctx, CMD_FAILED, "cannot create session %s",
		    ctx->session_name);
	/* The log is named after the ordinal the target is about to get. */
	if ((p.log_fd = target_log_create(cmd_env.logdir, s->name, s->next_ordinal,
	    err, sizeof err)) == -1)
		return cmd_error(ctx, CMD_FAILED, "%s", err);
	t = engine_create(s, &p, err, sizeof err);
	close(p.log_fd);
	if (t == NULL)
		return cmd_error(ctx, CMD_FAILED, "%s", err);
	/*
	 * Race-free: the new process's first stops are read by the loop after
	 * this command returns, so no fork of it can come before this.
	 */
	if (childdbg)
		target_set_childdbg(t, true);
	cmd_print_joined(ctx, t);
	return CMD_DONE;
}

const struct cmd_entry cmd_create_entry = {
	.name = ".create",
	.session = SESSION_CREATE,
	.min_args = 1, .max_args = -1, .prefix = PREFIX_NONE,
	.owner_only = true,
	.exec = cmd_create_exec,
};
