/*
 * .create [-o] CMD [ARGS...]: start a program under the daemon; -o: with
 * child-debug on from its first instruction (WinDbg's -o). The reply comes
 * once the program runs, or could not be started: the loop goes on
 * meanwhile (engine-create.c).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "engine.h"
#include "target-log.h"

struct create_wait {
	struct cmd_ctx *ctx;
	const struct session *s;
	char log[64];		/* its provisional name (target-log.h) */
};

static void
create_done(struct target *t, int ordinal, const char *err, void *arg)
{
	struct create_wait *w = arg;
	struct cmd_ctx *ctx = w->ctx;

	target_log_settle(cmd_env.logdir, w->log, w->s->name, ordinal);
	free(w);
	if (t == NULL) {
		cmd_complete(ctx, cmd_error(ctx, CMD_FAILED, "%s", err));
		return;
	}
	cmd_print_joined(ctx, t);
	cmd_complete(ctx, CMD_DONE);
}

static enum cmd_result
cmd_create_exec(struct cmd_ctx *ctx)
{
	struct create_params p = {
		.argv = ctx->cmd->argv, .cwd = ctx->cwd,
		.uid = ctx->peer_uid, .gid = ctx->peer_gid,
	};
	char err[PATH_MAX + 128];
	struct create_wait *w;
	struct session *s;

	p.childdbg = strcmp(p.argv[0], "-o") == 0;
	if (p.childdbg && ctx->cmd->argc == 1)
		return cmd_error(ctx, CMD_USAGE, "usage: %s", cmd_usage(ctx->entry));
	if (p.childdbg)
		p.argv++;
	if ((s = cmd_session(ctx)) == NULL)
		return cmd_error(ctx, CMD_FAILED, "cannot create session %s",
		    ctx->session_name);
	if ((w = calloc(1, sizeof *w)) == NULL)
		return cmd_error(ctx, CMD_FAILED, "out of memory");
	w->ctx = ctx;
	w->s = s;
	if ((p.log_fd = target_log_create(cmd_env.logdir, s->name, w->log,
	    sizeof w->log, err, sizeof err)) == -1) {
		free(w);
		return cmd_error(ctx, CMD_FAILED, "%s", err);
	}
	if (engine_create(s, &p, NULL, create_done, w, err, sizeof err) == NULL) {
		close(p.log_fd);
		target_log_settle(cmd_env.logdir, w->log, s->name, -1);
		free(w);
		return cmd_error(ctx, CMD_FAILED, "%s", err);
	}
	close(p.log_fd);
	return CMD_WAIT;
}

const struct cmd_entry cmd_create_entry = {
	.name = ".create",
	.session = SESSION_CREATE,
	.min_args = 1, .max_args = -1, .prefix = PREFIX_NONE,
	.owner_only = true,
	.exec = cmd_create_exec,
};
