/*
 * .attach PID: take a running process, all its threads. A process in the
 * middle of an exec is taken once the exec is over: the reply waits, the
 * loop goes on (engine-attach.c).
 */
#include <errno.h>
#include <stdlib.h>

#include "cmd.h"
#include "engine.h"

static void
attach_done(struct target *t, const char *err, void *arg)
{
	struct cmd_ctx *ctx = arg;

	if (t == NULL) {
		cmd_complete(ctx, cmd_error(ctx, CMD_FAILED, "%s", err));
		return;
	}
	cmd_print_joined(ctx, t);
	cmd_complete(ctx, CMD_DONE);
}

static enum cmd_result
cmd_attach_exec(struct cmd_ctx *ctx)
{
	const char *arg = ctx->cmd->argv[0];
	struct session *s;
	char *end;
	long pid;

	errno = 0;
	pid = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || pid <= 0 || pid > INT32_MAX)
		return cmd_error(ctx, CMD_USAGE, "bad pid: %s", arg);
	if ((s = cmd_session(ctx)) == NULL)
		return cmd_error(ctx, CMD_FAILED, "cannot create session %s",
		    ctx->session_name);
	engine_attach(s, (pid_t)pid, ctx->peer_uid, attach_done, ctx);
	return CMD_WAIT;
}

const struct cmd_entry cmd_attach_entry = {
	.name = ".attach",
	.session = SESSION_CREATE,
	.min_args = 1, .max_args = 1, .prefix = PREFIX_NONE,
	.owner_only = true,
	.exec = cmd_attach_exec,
};
