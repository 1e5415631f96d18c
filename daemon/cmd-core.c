/*
 * cores [N]: the triage files kept for the session (or for its target |N);
 * core N -o FILE: the newest core of |N as a plain ELF file that gdb opens,
 * written by a triage worker (decompressed) where the client may write.
 * `tetherctl core N --gdb` runs gdb on it, as coredumpctl gdb does.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "triage-files.h"
#include "triage-worker.h"

/* A client sees the files of its own triage (root: all), of the session. */
static bool
visible(const struct cmd_ctx *ctx, const struct triage_file *f, int ordinal)
{
	return (ctx->peer_uid == 0 || f->uid == ctx->peer_uid) &&
	    strcmp(f->session, ctx->session_name) == 0 &&
	    (ordinal < 0 || f->ordinal == ordinal);
}

/* -1 and the error set when arg is not an ordinal. */
static int
ordinal_arg(struct cmd_ctx *ctx, const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg[0] == '|' ? arg + 1 : arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < 0 || v > INT_MAX) {
		cmd_error(ctx, CMD_USAGE, "usage: %s", cmd_usage(ctx->entry));
		return -1;
	}
	return (int)v;
}

static void
human_size(long long bytes, char *buf, size_t len)
{
	if (bytes < 10240)
		snprintf(buf, len, "%lldB", bytes);
	else if (bytes < 10LL << 20)
		snprintf(buf, len, "%.1fK", (double)bytes / 1024);
	else if (bytes < 10LL << 30)
		snprintf(buf, len, "%.1fM", (double)bytes / (1 << 20));
	else
		snprintf(buf, len, "%.1fG", (double)bytes / (1 << 30));
}

static enum cmd_result
cmd_cores_exec(struct cmd_ctx *ctx)
{
	const struct triage_file *f;
	json_t *list = json_array();
	char size[32], when[32];
	int ordinal = -1, n = 0;
	struct tm tm;
	time_t t;

	if (ctx->cmd->argc == 1 && (ordinal = ordinal_arg(ctx, ctx->cmd->argv[0])) < 0) {
		json_decref(list);
		return CMD_USAGE;
	}
	TAILQ_FOREACH(f, triage_files_all(), entry) {
		if (!visible(ctx, f, ordinal))
			continue;
		if (n++ == 0)
			cmd_print(ctx, "PROC  PID      KIND  SIZE     TIME                 COMMAND");
		human_size(f->bytes, size, sizeof size);
		t = (time_t)f->created_at;
		localtime_r(&t, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
		cmd_print(ctx, "|%-4d  %-7d  %-4s  %-7s  %s  %s", f->ordinal, (int)f->pid,
		    f->core ? "core" : "text", size, when,
		    f->cmd[0] != '\0' ? f->cmd : f->exe);
		cmd_print(ctx, "      %s", f->path);
		json_array_append_new(list, json_pack("{s:i, s:i, s:s, s:s, s:s, s:s, "
		    "s:I, s:o, s:f}", "ordinal", f->ordinal, "pid", (int)f->pid,
		    "name", f->exe, "cmdline", f->cmd, "kind", f->core ? "core" : "text",
		    "path", f->path, "bytes", (json_int_t)f->bytes,
		    "compression", f->zstd ? json_string("zstd") : json_null(), "created_at", f->created_at));
	}
	if (n == 0)
		cmd_print(ctx, "No triage files%s in session %s.",
		    ordinal >= 0 ? " of that process" : "", ctx->session_name);
	cmd_set_data(ctx, json_pack("{s:o}", "files", list));
	return CMD_DONE;
}

struct extract_req {
	struct cmd_ctx *ctx;
	char path[PATH_MAX];
	char *source, *exe;
	int ordinal;
	pid_t pid;
};

static void
extracted(struct triage_job *job, void *arg)
{
	struct extract_req *req = arg;
	struct cmd_ctx *ctx = req->ctx;
	enum cmd_result r = CMD_DONE;

	if (job->core_error[0] != '\0') {
		cmd_unlink_as_client(ctx, req->path);
		r = cmd_error(ctx, CMD_FAILED, "%s: %s", req->source, job->core_error);
	} else {
		cmd_print(ctx, "Core of |%d (pid %d, %s) written to %s (%lld bytes).",
		    req->ordinal, (int)req->pid, req->exe, req->path, job->core_bytes);
		cmd_set_data(ctx, json_pack("{s:i, s:i, s:s, s:s, s:s, s:I}",
		    "ordinal", req->ordinal, "pid", (int)req->pid, "name", req->exe,
		    "file", req->path, "source", req->source,
		    "bytes", (json_int_t)job->core_bytes));
	}
	free(req->source);
	free(req->exe);
	free(req);
	cmd_complete(ctx, r);
}

static enum cmd_result
cmd_core_exec(struct cmd_ctx *ctx)
{
	const struct command *cmd = ctx->cmd;
	const struct triage_file *f, *newest = NULL;
	struct extract_req *req;
	struct triage_job *job;
	int ordinal, saved;

	if (cmd->argc == 2 && strcmp(cmd->argv[1], "--gdb") == 0)
		return cmd_error(ctx, CMD_USAGE, "core N --gdb: tetherctl runs gdb, "
		    "from the shell's command line (tetherctl core N --gdb)");
	if (cmd->argc != 3 || strcmp(cmd->argv[1], "-o") != 0 || cmd->argv[2][0] == '\0')
		return cmd_error(ctx, CMD_USAGE, "usage: %s", cmd_usage(ctx->entry));
	if ((ordinal = ordinal_arg(ctx, cmd->argv[0])) < 0)
		return CMD_USAGE;
	TAILQ_FOREACH(f, triage_files_all(), entry)
		if (f->core && visible(ctx, f, ordinal))
			newest = f;
	if (newest == NULL)
		return cmd_error(ctx, CMD_FAILED, "|%d: no core kept in session %s "
		    "(tetherctl cores lists them)", ordinal, ctx->session_name);
	if ((req = calloc(1, sizeof *req)) == NULL ||
	    (job = triage_job_new(TRIAGE_JOB_EXTRACT)) == NULL) {
		free(req);
		return cmd_error(ctx, CMD_FAILED, "out of memory");
	}
	req->ctx = ctx;
	req->ordinal = ordinal;
	req->pid = newest->pid;
	req->source = strdup(newest->path);
	req->exe = strdup(newest->exe);
	job->zstd = newest->zstd;
	if (req->source == NULL || req->exe == NULL) {
		errno = ENOMEM;
		goto fail;
	}
	if ((job->src_fd = open(newest->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		goto fail;
	if ((job->core_fd = cmd_open_as_client(ctx, cmd->argv[2], O_WRONLY | O_CREAT |
	    O_EXCL, req->path, sizeof req->path)) == -1) {
		saved = errno;
		free(req->source);
		free(req->exe);
		free(req);
		triage_job_free(job);
		if (saved == EEXIST)
			return cmd_error(ctx, CMD_FAILED, "%s exists", cmd->argv[2]);
		return cmd_error(ctx, CMD_FAILED, "%s: %s", cmd->argv[2], strerror(saved));
	}
	triage_job_submit(job, extracted, req);
	return CMD_WAIT;
fail:
	saved = errno;
	triage_job_free(job);
	cmd_error(ctx, CMD_FAILED, "%s: %s", newest->path, strerror(saved));
	free(req->source);
	free(req->exe);
	free(req);
	return CMD_FAILED;
}

const struct cmd_entry cmd_cores_entry = {
	.name = "cores",
	.min_args = 0, .max_args = 1, .prefix = PREFIX_NONE,
	.exec = cmd_cores_exec,
};

const struct cmd_entry cmd_core_entry = {
	.name = "core",
	.min_args = 2, .max_args = 3, .prefix = PREFIX_NONE,
	.exec = cmd_core_exec,
};
