/* .childdbg [0|1]: show or set child-debug of the current process. */
#include <string.h>

#include "cmd.h"

static enum cmd_result
cmd_childdbg_exec(struct cmd_ctx *ctx)
{
	struct target *t = ctx->target;

	if (ctx->cmd->argc == 1) {
		const char *arg = ctx->cmd->argv[0];
		if (strcmp(arg, "0") != 0 && strcmp(arg, "1") != 0)
			return cmd_error(ctx, CMD_USAGE, "usage: %s", cmd_usage(ctx->entry));
		target_set_childdbg(t, arg[0] == '1');
	}
	cmd_print(ctx, "Processes created by the current process will %sbe debugged",
	    t->childdbg ? "" : "not ");
	cmd_set_data(ctx, json_pack("{s:i, s:b}", "ordinal", t->ordinal,
	    "childdbg", t->childdbg));
	return CMD_DONE;
}

const struct cmd_entry cmd_childdbg_entry = {
	.name = ".childdbg",
	.min_args = 0, .max_args = 1, .prefix = PREFIX_TARGET,
	.exec = cmd_childdbg_exec,
};
