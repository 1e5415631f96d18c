/*
 * logs N [-n LINES|all] [-c OFFSET -r ROTATION]: a piece of the output of
 * created target N (target-log.h), live or ended: by default all of it, or
 * its last LINES lines; -c and -r go on from where the last piece ended
 * (the "next" and "rotation" of its data), which is how tetherctl logs -f
 * follows a log across its rotations (log-files.h). A piece is at most
 * LOG_READ_CHUNK bytes; "more" says there is more to read now.
 *
 * The target is looked up in the database (on the store's thread), so that
 * an ended one's log is found too; the client sees the logs of the targets
 * it may see (DESIGN §6): those of its sessions whose uid is its own, or
 * any for root. The file is read on a triage worker.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "store.h"
#include "store-history.h"
#include "suggest.h"
#include "target-log.h"
#include "triage-worker.h"

struct logs_job {
	struct cmd_ctx *ctx;
	int ordinal;
	struct log_io io;		/* where to read */
	int64_t session_id;
	json_t *rows;			/* the target's history row */
	char errmsg[256];
	char path[PATH_MAX];
};

static enum cmd_result
no_such_process(struct cmd_ctx *ctx, const char *word)
{
	return cmd_error(ctx, CMD_FAILED, "no such process: |%s", word);
}

/* A decimal number from 0 to max into *out; 0 or -1. */
static int
parse_number(const char *text, long long max, long long *out)
{
	char *end;

	if (text[0] < '0' || text[0] > '9')
		return -1;
	errno = 0;
	*out = strtoll(text, &end, 10);
	return errno == 0 && *end == '\0' && *out <= max ? 0 : -1;
}

static enum cmd_result
parse(struct cmd_ctx *ctx, struct logs_job *j)
{
	static const char *const options[] = { "-n", "-c", "-r", "-f", NULL };
	const struct command *cmd = ctx->cmd;
	const char *ordinal = NULL, *arg;
	struct suggest sg;
	long long v;
	char hint[64];
	int i, k;

	j->io.offset = -1;
	j->io.rotation = -1;
	for (i = 0; i < cmd->argc; i++) {
		arg = cmd->argv[i];
		if (arg[0] != '-' || arg[1] == '\0') {
			if (ordinal != NULL)
				return cmd_error(ctx, CMD_USAGE, "usage: %s",
				    cmd_usage(ctx->entry));
			ordinal = arg[0] == '|' ? arg + 1 : arg;
			continue;
		}
		suggest_init(&sg, arg);
		for (k = 0; options[k] != NULL && strcmp(options[k], arg) != 0; k++)
			suggest_try(&sg, options[k]);
		if (options[k] == NULL)
			return cmd_error(ctx, CMD_FAILED, "logs: unknown option %s%s",
			    arg, suggest_hint(&sg, hint, sizeof hint));
		if (k == 3)
			return cmd_error(ctx, CMD_USAGE, "logs: -f is tetherctl's: it "
			    "follows a log by asking for what follows (-c, -r)");
		if (++i == cmd->argc)
			return cmd_error(ctx, CMD_USAGE, "logs: %s needs a value; usage: %s",
			    arg, cmd_usage(ctx->entry));
		if (k == 0 && strcmp(cmd->argv[i], "all") == 0)
			j->io.lines = 0;
		else if (parse_number(cmd->argv[i], k == 0 ? 100000000 : LLONG_MAX, &v) == -1 ||
		    (k == 0 && v == 0))
			return cmd_error(ctx, CMD_USAGE, "logs: %s %s: expected %s",
			    arg, cmd->argv[i], k == 0 ? "a number of lines or all" :
			    "a number");
		else if (k == 0)
			j->io.lines = (long)v;
		else if (k == 1)
			j->io.offset = v;
		else
			j->io.rotation = v;
	}
	if (ordinal == NULL)
		return cmd_error(ctx, CMD_USAGE, "usage: %s", cmd_usage(ctx->entry));
	if ((j->io.offset < 0) != (j->io.rotation < 0))
		return cmd_error(ctx, CMD_USAGE, "logs: -c and -r go together");
	if (parse_number(ordinal, INT_MAX, &v) == -1)
		return no_such_process(ctx, ordinal);
	j->ordinal = (int)v;
	return CMD_DONE;
}

static void
logs_fail(struct logs_job *j, const char *msg)
{
	cmd_error(j->ctx, CMD_FAILED, "%s", msg);
	cmd_complete(j->ctx, CMD_FAILED);
	json_decref(j->rows);
	free(j);
}

static void
read_done(struct triage_job *job, void *arg)
{
	struct logs_job *j = arg;
	struct cmd_ctx *ctx = j->ctx;
	const struct session *s = session_find(ctx->session_name);
	struct target *t = s != NULL ? target_by_ordinal(s, j->ordinal) : NULL;
	json_t *row = json_array_get(j->rows, 0), *data;
	size_t len = job->log.len;

	if (job->log.error[0] != '\0') {
		logs_fail(j, job->log.error);
		return;
	}
	if (cmd_wants_text(ctx) && len > 0) {
		/* cmd_print ends each piece with a newline of its own. */
		if (job->log.data[len - 1] == '\n')
			job->log.data[len - 1] = '\0';
		cmd_print(ctx, "%s", job->log.data);
		if (job->log.data[len - 1] == '\0')
			job->log.data[len - 1] = '\n';
	}
	data = json_pack("{s:i, s:O, s:s, s:s%, s:I, s:I, s:b, s:b}",
	    "ordinal", j->ordinal, "pid", json_object_get(row, "pid"),
	    "log", j->path, "data", job->log.data, len,
	    "next", (json_int_t)job->log.next,
	    "rotation", (json_int_t)job->log.next_rotation,
	    "more", job->log.more, "live", t != NULL);
	if (data == NULL) {
		logs_fail(j, "out of memory");
		return;
	}
	cmd_set_data(ctx, data);
	cmd_complete(ctx, CMD_DONE);
	json_decref(j->rows);
	free(j);
}

static void
lookup_run(struct store *st, void *arg)
{
	struct logs_job *j = arg;

	j->rows = store_history(st, j->session_id, &(struct history_filter){
	    .ordinal = j->ordinal, .pid = -1, .limit = 1 });
	if (j->rows == NULL)
		snprintf(j->errmsg, sizeof j->errmsg, "%s", store_errmsg(st));
}

/* On the loop, with the target's row: may the client see it, has it a log. */
static void
lookup_done(void *arg)
{
	struct logs_job *j = arg;
	struct cmd_ctx *ctx = j->ctx;
	json_t *row = json_array_get(j->rows, 0);
	const char *how = json_string_value(json_object_get(row, "how"));
	char msg[400];
	struct triage_job *job = NULL;

	if (j->rows == NULL) {
		snprintf(msg, sizeof msg, "database: %s", j->errmsg);
		logs_fail(j, msg);
		return;
	}
	/* Another user's target is not shown, not even as there. */
	if (row == NULL || (ctx->peer_uid != 0 &&
	    json_integer_value(json_object_get(row, "uid")) != (json_int_t)ctx->peer_uid)) {
		snprintf(msg, sizeof msg, "no such process: |%d", j->ordinal);
		logs_fail(j, msg);
		return;
	}
	if (how == NULL || strcmp(how, "create") != 0) {
		snprintf(msg, sizeof msg, "|%d has no log: only a target started by "
		    ".create has one (it joined by %s)", j->ordinal, how != NULL ? how : "?");
		logs_fail(j, msg);
		return;
	}
	if (target_log_path(cmd_env.logdir, ctx->session_name, j->ordinal, j->path,
	    sizeof j->path) == -1 ||
	    (job = triage_job_new(TRIAGE_JOB_LOG_READ)) == NULL ||
	    (job->path = strdup(j->path)) == NULL) {
		triage_job_free(job);
		logs_fail(j, "out of memory");
		return;
	}
	job->log = j->io;
	triage_job_submit(job, read_done, j);
}

static enum cmd_result
cmd_logs_exec(struct cmd_ctx *ctx)
{
	struct logs_job *j = calloc(1, sizeof *j);
	enum cmd_result r;
	uid_t owner;

	if (j == NULL)
		return cmd_error(ctx, CMD_FAILED, "out of memory");
	j->ctx = ctx;
	if ((r = parse(ctx, j)) != CMD_DONE) {
		free(j);
		return r;
	}
	/* A session that is not in memory (dormant since a restart) has its
	 * targets in the database only. */
	j->session_id = ctx->session != NULL ? ctx->session->id :
	    store_session_lookup(model_store(), ctx->session_name, &owner);
	if (j->session_id <= 0 ||
	    (ctx->session != NULL && j->ordinal >= ctx->session->next_ordinal)) {
		r = cmd_error(ctx, CMD_FAILED, "no such process: |%d", j->ordinal);
		free(j);
		return r;
	}
	store_job(model_store(), lookup_run, lookup_done, j);
	return CMD_WAIT;
}

const struct cmd_entry cmd_logs_entry = {
	.name = "logs",
	.session = SESSION_EXISTING,
	.min_args = 1, .max_args = 7, .prefix = PREFIX_NONE,
	.owner_only = true,
	.exec = cmd_logs_exec,
};
