/* q: end the session by killing its targets; qd: by detaching them. */
#include <stdlib.h>

#include "cmd.h"
#include "engine.h"
#include "log.h"

struct quit {
	struct cmd_ctx *ctx;
	int waiting;
	int ended;
	bool started;		/* every operation has been started */
	bool detach;
};

static void
quit_finish(struct quit *qt)
{
	struct cmd_ctx *ctx = qt->ctx;

	cmd_print(ctx, "%s %d target(s).", qt->detach ? "Detached" : "Terminated",
	    qt->ended);
	cmd_print_dormant(ctx, ctx->session, 0);
	cmd_set_data(ctx, json_pack("{s:i}", qt->detach ? "detached" : "killed",
	    qt->ended));
	free(qt);
	cmd_complete(ctx, CMD_DONE);
}

static void
quit_one_done(struct target *t, enum target_state state, void *arg)
{
	struct quit *qt = arg;

	(void)t;
	if (state == TS_DETACHED || state == TS_KILLED)
		qt->ended++;
	if (--qt->waiting == 0 && qt->started)
		quit_finish(qt);
}

static enum cmd_result
quit_exec(struct cmd_ctx *ctx, bool detach)
{
	struct quit *qt;
	struct target *t, *next;
	int rc;

	if ((qt = calloc(1, sizeof *qt)) == NULL)
		return cmd_error(ctx, CMD_FAILED, "out of memory");
	qt->ctx = ctx;
	qt->detach = detach;
	/* A kill may end a target at once: fetch the next one first. */
	for (t = ctx->session != NULL ? TAILQ_FIRST(&ctx->session->targets) : NULL;
	    t != NULL; t = next) {
		next = TAILQ_NEXT(t, entry);
		if (!cmd_may_act(ctx, t) || t->op != NULL)
			continue;
		qt->waiting++;
		rc = detach ? engine_detach(t, quit_one_done, qt) :
		    engine_kill(t, quit_one_done, qt);
		if (rc == -1) {
			log_warn("|%d: cannot end it", t->ordinal);
			qt->waiting--;
		}
	}
	qt->started = true;
	if (qt->waiting == 0)
		quit_finish(qt);
	return CMD_WAIT;
}

static enum cmd_result
cmd_quit_exec(struct cmd_ctx *ctx)
{
	return quit_exec(ctx, false);
}

static enum cmd_result
cmd_quit_detach_exec(struct cmd_ctx *ctx)
{
	return quit_exec(ctx, true);
}

const struct cmd_entry cmd_quit_entry = {
	.name = "q", .usage = "q",
	.min_args = 0, .max_args = 0, .prefix = PREFIX_NONE,
	.exec = cmd_quit_exec,
};

const struct cmd_entry cmd_quit_detach_entry = {
	.name = "qd", .usage = "qd",
	.min_args = 0, .max_args = 0, .prefix = PREFIX_NONE,
	.exec = cmd_quit_detach_exec,
};
