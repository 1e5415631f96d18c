/*
 * .dump [/o] FILE: an ELF core file of a process, which keeps running.
 * dump [/c] [kill | detach | abandon | none]: triage of a process and the
 * targets gathered from it (stacks to the events and a text file beside
 * the database, cores with /c), then the action.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "triage.h"
#include "triage-task.h"

struct dump_req {
	struct cmd_ctx *ctx;
	char path[PATH_MAX];
	int ordinal;
	pid_t pid;
};

static void
dump_written(struct target *t, const struct triage_result *r, void *arg)
{
	struct dump_req *req = arg;
	struct cmd_ctx *ctx = req->ctx;

	(void)t;
	if (!r->core_written) {
		cmd_unlink_as_client(ctx, req->path);
		if (r->error != NULL && strstr(r->error, "before it could") != NULL)
			cmd_error(ctx, CMD_FAILED, "process %d ended before it could be "
			    "dumped", (int)req->pid);
		else
			cmd_error(ctx, CMD_FAILED, "|%d: %s", req->ordinal,
			    r->core_error != NULL ? r->core_error : r->error);
	} else {
		cmd_print(ctx, "Core file written: %s (%d threads)", req->path,
		    r->nthreads);
		cmd_set_data(ctx, json_pack("{s:i, s:i, s:s, s:i}", "ordinal",
		    req->ordinal, "pid", (int)req->pid, "file", req->path,
		    "threads", r->nthreads));
	}
	free(req);
	cmd_complete(ctx, r->core_written ? CMD_DONE : CMD_FAILED);
}

static enum cmd_result
cmd_dotdump_exec(struct cmd_ctx *ctx)
{
	const struct command *cmd = ctx->cmd;
	bool overwrite = false;
	const char *file;
	struct triage_task_opts opts = { .what = "core" };
	struct dump_req *req;
	int n;

	/* An option alone ("/o") is not a file name. */
	if (cmd->argc == 2 && strcmp(cmd->argv[0], "/o") == 0)
		overwrite = true;
	else if (cmd->argc != 1 || strcmp(cmd->argv[0], "/o") == 0)
		return cmd_error(ctx, CMD_USAGE, "usage: %s", cmd_usage(ctx->entry));
	file = cmd->argv[cmd->argc - 1];
	if (file[0] == '\0')
		return cmd_error(ctx, CMD_USAGE, "usage: %s", cmd_usage(ctx->entry));
	if ((req = calloc(1, sizeof *req)) == NULL)
		return cmd_error(ctx, CMD_FAILED, "out of memory");
	req->ctx = ctx;
	req->ordinal = ctx->target->ordinal;
	req->pid = ctx->target->pid;
	opts.core_fd = cmd_open_as_client(ctx, file, O_WRONLY | O_CREAT |
	    (overwrite ? O_TRUNC : O_EXCL), req->path, sizeof req->path);
	n = errno;
	if (opts.core_fd == -1) {
		free(req);
		if (n == EEXIST)
			return cmd_error(ctx, CMD_FAILED,
			    "%s exists: .dump /o %s overwrites it", file, file);
		return cmd_error(ctx, CMD_FAILED, "%s: %s", file, strerror(n));
	}
	if (triage_task_start(ctx->target, &opts, dump_written, req) == -1) {
		close(opts.core_fd);
		cmd_unlink_as_client(ctx, req->path);
		free(req);
		return cmd_error(ctx, CMD_FAILED, "|%d: another operation is in progress",
		    ctx->target->ordinal);
	}
	return CMD_WAIT;
}

static void
triage_cmd_done(const struct triage_report *r, void *arg)
{
	struct cmd_ctx *ctx = arg;
	size_t len = strlen(r->text);

	/* cmd_print adds the newline. */
	if (len > 0 && r->text[len - 1] == '\n')
		len--;
	cmd_print(ctx, "%.*s", (int)len, r->text);
	cmd_set_data(ctx, json_deep_copy(r->data));
	if (!r->ok)
		cmd_error(ctx, CMD_FAILED, "%s", r->error);
	cmd_complete(ctx, r->ok ? CMD_DONE : CMD_FAILED);
}

static enum cmd_result
cmd_dump_exec(struct cmd_ctx *ctx)
{
	struct triage_opts opts = { .reason = "command", .owner = ctx->peer_uid };
	char err[512];
	int i, then;
	static const enum end_reason reasons[] = {
		[TRIAGE_THEN_NONE] = END_NONE, [TRIAGE_THEN_KILL] = END_KILLED,
		[TRIAGE_THEN_DETACH] = END_DETACHED,
		[TRIAGE_THEN_ABANDON] = END_ABANDONED,
	};

	for (i = 0; i < ctx->cmd->argc; i++) {
		const char *a = ctx->cmd->argv[i];

		if (strcmp(a, "/c") == 0)
			opts.core = true;
		else if (i == ctx->cmd->argc - 1 && (then = triage_then_parse(a)) != -1)
			opts.then = (enum triage_then)then;
		else
			return cmd_error(ctx, CMD_USAGE, "usage: %s", cmd_usage(ctx->entry));
	}
	opts.cause = (struct end_cause){ reasons[opts.then], ctx->peer_uid };
	if (triage_dump(ctx->target, &opts, triage_cmd_done, ctx, err, sizeof err) == -1)
		return cmd_error(ctx, CMD_FAILED, "%s", err);
	return CMD_WAIT;
}

const struct cmd_entry cmd_dotdump_entry = {
	.name = ".dump",
	.min_args = 1, .max_args = 2, .prefix = PREFIX_TARGET,
	.exec = cmd_dotdump_exec,
};

const struct cmd_entry cmd_dump_entry = {
	.name = "dump",
	.min_args = 0, .max_args = 2, .prefix = PREFIX_TARGET,
	.exec = cmd_dump_exec,
};
