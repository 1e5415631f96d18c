/*
 * k: the stack of the current thread of a process; ~*k: of every thread;
 * |*~*k: of every thread of every target of the session. Each target is
 * paused for the walk (engine_pause) and resumed as it was: a held target
 * stays held.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "stack.h"
#include "triage-task.h"

struct stack_one {
	struct stack_req *req;
	int ordinal;
	pid_t pid;
	json_t *walk;
	char error[256];
	char status[TARGET_LINE_MAX];
};

struct stack_req {
	struct cmd_ctx *ctx;
	bool current_only;
	bool all;
	size_t n;
	struct stack_one *v;
	int pending;
};

static void
emit_print(void *arg, const char *line)
{
	cmd_print(arg, "%s", line);
}

static void
stack_finish(struct stack_req *req)
{
	struct cmd_ctx *ctx = req->ctx;
	enum cmd_result r = CMD_DONE;
	json_t *procs = json_array();
	size_t i;

	for (i = 0; i < req->n; i++) {
		struct stack_one *o = &req->v[i];

		if (req->all)
			cmd_print(ctx, "%s", o->status);
		if (o->walk != NULL) {
			stack_format(o->walk, emit_print, ctx);
			json_array_append(procs, o->walk);
		} else {
			if (req->all)
				cmd_print(ctx, "    (%s)", o->error);
			json_array_append_new(procs, json_pack("{s:i, s:i, s:s, s:[]}",
			    "ordinal", o->ordinal, "pid", (int)o->pid,
			    "error", o->error, "threads"));
		}
	}
	if (!req->all && req->n == 1 && req->v[0].walk == NULL)
		r = cmd_error(ctx, CMD_FAILED, "|%d: %s", req->v[0].ordinal, req->v[0].error);
	else if (req->all)
		cmd_set_data(ctx, json_pack("{s:o}", "processes", procs));
	else
		cmd_set_data(ctx, json_incref(json_array_get(procs, 0)));
	if (!req->all)
		json_decref(procs);
	for (i = 0; i < req->n; i++)
		json_decref(req->v[i].walk);
	free(req->v);
	free(req);
	cmd_complete(ctx, r);
}

static void
stack_walked(struct target *t, const struct triage_result *r, void *arg)
{
	struct stack_one *o = arg;
	struct stack_req *req = o->req;

	(void)t;
	snprintf(o->status, sizeof o->status, "%s", r->status);
	if (r->error != NULL) {
		snprintf(o->error, sizeof o->error, "%s", r->error);
	} else if (r->walk != NULL) {
		o->walk = json_incref(r->walk);
	} else {
		snprintf(o->error, sizeof o->error, "out of memory");
	}
	if (--req->pending == 0)
		stack_finish(req);
}

static enum cmd_result
stack_start(struct cmd_ctx *ctx, bool current_only)
{
	struct stack_req *req;
	struct target *t;
	size_t i, n = 0;
	bool all = ctx->cmd->prefix.kind == PROCID_ALL;

	if (!all) {
		if ((t = ctx->target) == NULL &&
		    (t = cmd_target(ctx, &ctx->cmd->prefix)) == NULL)
			return CMD_FAILED;
	} else if (ctx->session == NULL || ctx->session->live == 0) {
		cmd_print(ctx, "No live process in session %s.", ctx->session_name);
		cmd_set_data(ctx, json_pack("{s:[]}", "processes"));
		return CMD_DONE;
	}
	if ((req = calloc(1, sizeof *req)) == NULL ||
	    (req->v = calloc(all ? (size_t)ctx->session->live : 1, sizeof *req->v)) == NULL) {
		free(req);
		return cmd_error(ctx, CMD_FAILED, "out of memory");
	}
	req->ctx = ctx;
	req->current_only = current_only;
	req->all = all;
	if (all) {
		TAILQ_FOREACH(t, &ctx->session->targets, entry)
			if (cmd_may_act(ctx, t) && n < (size_t)ctx->session->live)
				req->v[n++] = (struct stack_one){ .req = req,
				    .ordinal = t->ordinal, .pid = t->pid };
	} else {
		req->v[n++] = (struct stack_one){ .req = req, .ordinal = t->ordinal,
		    .pid = t->pid };
	}
	req->n = n;
	/* A pause may be over at once (a held target): count this loop too. */
	req->pending = 1;
	for (i = 0; i < n; i++) {
		struct stack_one *o = &req->v[i];

		struct triage_task_opts opts = { .walk = true,
		    .current_only = current_only, .core_fd = -1, .what = "stacks" };

		t = target_by_ordinal(ctx->session, o->ordinal);
		target_status_line(t, ctx->width, o->status, sizeof o->status);
		req->pending++;
		if (triage_task_start(t, &opts, stack_walked, o) == -1) {
			req->pending--;
			snprintf(o->error, sizeof o->error, "%s", errno == EBUSY ?
			    "another operation is in progress" : strerror(errno));
		}
	}
	if (--req->pending == 0)
		stack_finish(req);
	return CMD_WAIT;
}

static enum cmd_result
cmd_stack_exec(struct cmd_ctx *ctx)
{
	return stack_start(ctx, true);
}

static enum cmd_result
cmd_stacks_exec(struct cmd_ctx *ctx)
{
	return stack_start(ctx, false);
}

const struct cmd_entry cmd_stack_entry = {
	.name = "k",
	.min_args = 0, .max_args = 0, .prefix = PREFIX_TARGET,
	.exec = cmd_stack_exec,
};

const struct cmd_entry cmd_stacks_entry = {
	.name = "~*k",
	.min_args = 0, .max_args = 0, .prefix = PREFIX_SELF,
	.exec = cmd_stacks_exec,
};
