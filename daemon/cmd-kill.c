/* .kill [/h|/n]: end the current process; .kill PID: end a target by pid. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "engine.h"

static void
kill_done(struct target *t, enum target_state state, void *arg)
{
	struct cmd_ctx *ctx = arg;

	if (state == TS_KILLED)
		cmd_print(ctx, "Terminated.");
	else
		cmd_print(ctx, "Process %d had already ended.", (int)t->pid);
	cmd_set_data(ctx, target_json(t, state));
	cmd_complete(ctx, CMD_DONE);
}

/* The debugger's kernel-mode form names the process by its system id. */
static struct target *
kill_by_pid(struct cmd_ctx *ctx, const char *arg)
{
	struct procid id = { .kind = PROCID_PID };
	struct target *t;
	char *end;

	errno = 0;
	id.value = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || id.value <= 0) {
		cmd_error(ctx, CMD_USAGE, "usage: %s", cmd_usage(ctx->entry));
		return NULL;
	}
	if (ctx->cmd->prefix.kind != PROCID_NONE) {
		cmd_error(ctx, CMD_USAGE, ".kill PID takes no process identifier");
		return NULL;
	}
	t = target_by_pid((pid_t)id.value);
	if (t == NULL || t->session != ctx->session) {
		cmd_error(ctx, CMD_FAILED, "pid %ld is not a target of session %s",
		    id.value, ctx->session_name);
		return NULL;
	}
	return cmd_target(ctx, &id);
}

static enum cmd_result
cmd_kill_exec(struct cmd_ctx *ctx)
{
	struct target *t;
	bool deliver = false;

	if (ctx->cmd->argc == 1 && !cmd_handling_flag(ctx->cmd->argv[0], &deliver))
		t = kill_by_pid(ctx, ctx->cmd->argv[0]);
	else
		t = cmd_target(ctx, &ctx->cmd->prefix);
	if (t == NULL)
		return CMD_FAILED;
	if (engine_kill(t, deliver, &(struct end_cause){ END_KILLED, ctx->peer_uid },
	    kill_done, ctx) == -1)
		return cmd_error(ctx, CMD_FAILED, "|%d: %s", t->ordinal,
		    errno == EBUSY ? "another operation is in progress" : strerror(errno));
	return CMD_WAIT;
}

const struct cmd_entry cmd_kill_entry = {
	.name = ".kill",
	.min_args = 0, .max_args = 1, .prefix = PREFIX_SELF,
	.exec = cmd_kill_exec,
};
