/* ~: the threads of the current process. */
#include "cmd.h"

static const char *const thread_state_names[] = {
	[TH_NEW] = "running", [TH_RUNNING] = "running",
	[TH_STOPPED] = "stopped", [TH_JOBSTOPPED] = "job-stopped",
};

static enum cmd_result
cmd_threads_exec(struct cmd_ctx *ctx)
{
	struct target *t = ctx->target;
	struct thread *th;
	json_t *threads = json_array();
	int i = 0;

	TAILQ_FOREACH(th, &t->threads, entry) {
		const char *state = thread_state_names[th->state];
		cmd_print(ctx, "%c  %d  id: %d.%d  %s", th->tid == t->pid ? '.' : ' ',
		    i++, (int)t->pid, (int)th->tid, state);
		json_array_append_new(threads, json_pack("{s:i, s:s}",
		    "tid", (int)th->tid, "state", state));
	}
	cmd_set_data(ctx, json_pack("{s:i, s:o}", "pid", (int)t->pid,
	    "threads", threads));
	return CMD_DONE;
}

const struct cmd_entry cmd_threads_entry = {
	.name = "~",
	.min_args = 0, .max_args = 0, .prefix = PREFIX_TARGET,
	.exec = cmd_threads_exec,
};
