/* .attach PID: take a running process, all its threads. */
#include <errno.h>
#include <stdlib.h>

#include "cmd.h"
#include "engine.h"

static enum cmd_result
cmd_attach_exec(struct cmd_ctx *ctx)
{
	const char *arg = ctx->cmd->argv[0];
	struct session *s;
	struct target *t;
	char err[256], *end;
	long pid;

	errno = 0;
	pid = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || pid <= 0 || pid > INT32_MAX)
		return cmd_error(ctx, CMD_USAGE, "bad pid: %s", arg);
	if ((s = cmd_session(ctx)) == NULL)
		return cmd_error(ctx, CMD_FAILED, "cannot create session %s",
		    ctx->session_name);
	if ((t = engine_attach(s, (pid_t)pid, ctx->peer_uid, err, sizeof err)) == NULL)
		return cmd_error(ctx, CMD_FAILED, "%s", err);
	cmd_print_joined(ctx, t);
	return CMD_DONE;
}

const struct cmd_entry cmd_attach_entry = {
	.name = ".attach",
	.session = SESSION_CREATE,
	.min_args = 1, .max_args = 1, .prefix = PREFIX_NONE,
	.owner_only = true,
	.exec = cmd_attach_exec,
};
