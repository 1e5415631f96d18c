/*
 * report [history's options]: the verdict on every target, as a CI system
 * reads it (tetherctl report --junit writes it as JUnit XML).
 *
 *   pass     it exited 0
 *   failure  it exited with another code, or its reason is crash, timeout
 *            or break-timeout: with the signal that ended it and the first
 *            frames of the faulting thread, when a triage walked its stacks
 *   error    a client killed it, or it was lost
 *   skipped  it is still live, or was let go (detached, abandoned, shutdown)
 */
#include <stdio.h>
#include <string.h>

#include "argv-text.h"
#include "cmd-history.h"
#include "signals.h"

/* The frames of a failure that the report keeps. */
#define REPORT_FRAMES 8

static const char *
verdict_of(const json_t *t)
{
	const char *reason = json_string_value(json_object_get(t, "reason"));
	json_t *code = json_object_get(t, "exit_code");

	if (reason == NULL)
		return "skipped";
	if (strcmp(reason, "exit") == 0)
		return json_integer_value(code) == 0 ? "pass" : "failure";
	if (strcmp(reason, "crash") == 0 || strcmp(reason, "timeout") == 0 ||
	    strcmp(reason, "break-timeout") == 0)
		return "failure";
	if (strcmp(reason, "killed") == 0 || strcmp(reason, "lost") == 0)
		return "error";
	return "skipped";
}

/*
 * The first frames of the faulting thread of t's last triage: the thread
 * its last signal came to, else its first thread. An empty array when no
 * triage walked its stacks.
 */
static json_t *
faulting_frames(const json_t *t)
{
	const json_t *threads = json_object_get(t, "threads"), *th, *pick = NULL;
	json_t *tid = json_object_get(json_object_get(t, "signal"), "tid");
	json_t *frames, *out = json_array();
	size_t i;

	json_array_foreach(threads, i, th)
		if (pick == NULL || (json_is_integer(tid) &&
		    json_equal(json_object_get(th, "tid"), tid)))
			pick = th;
	frames = json_object_get(pick, "frames");
	for (i = 0; i < json_array_size(frames) && i < REPORT_FRAMES; i++)
		json_array_append(out, json_array_get(frames, i));
	return out;
}

/* "crash: exited on SIGSEGV", "timeout: killed by SIGKILL", "exited 1". */
static void
verdict_message(const json_t *t, char *buf, size_t len)
{
	const char *reason = json_string_value(json_object_get(t, "reason"));
	json_t *sig = json_object_get(t, "exit_signal");
	char fate[48], name[16];

	cmd_history_fate(t, fate, sizeof fate);
	if (reason == NULL)
		snprintf(buf, len, "%s", fate);
	else if (json_is_integer(sig))
		snprintf(buf, len, "%s: ended by %s", reason,
		    signal_name((int)json_integer_value(sig), name, sizeof name));
	else
		snprintf(buf, len, "%s: %s", reason, fate);
}

static enum cmd_result
report_print(struct cmd_ctx *ctx, json_t *targets)
{
	static const char *const verdicts[] = { "pass", "failure", "error", "skipped" };
	int count[4] = { 0 }, k;
	char line[TARGET_LINE_MAX], message[96];
	const char *verdict;
	json_t *t;
	size_t i;

	json_array_foreach(targets, i, t) {
		verdict = verdict_of(t);
		for (k = 0; strcmp(verdicts[k], verdict) != 0; k++)
			;
		count[k]++;
		verdict_message(t, message, sizeof message);
		json_object_set_new(t, "verdict", json_string(verdict));
		json_object_set_new(t, "message", json_string(message));
		json_object_set_new(t, "frames", faulting_frames(t));
		json_object_del(t, "threads");
		snprintf(line, sizeof line, "%4lld  %-7s  %-28s",
		    (long long)json_integer_value(json_object_get(t, "ordinal")),
		    verdict, message);
		argv_text_append(line, sizeof line, "  ",
		    json_string_value(json_object_get(t, "cmdline")), ctx->width);
		cmd_print(ctx, "%s", line);
	}
	cmd_print(ctx, "%zu target(s): %d passed, %d failed, %d in error, %d skipped",
	    json_array_size(targets), count[0], count[1], count[2], count[3]);
	cmd_set_data(ctx, json_pack("{s:s, s:o}", "session", ctx->session_name,
	    "targets", targets));
	return CMD_DONE;
}

static enum cmd_result
cmd_report_exec(struct cmd_ctx *ctx)
{
	return cmd_history_query(ctx, true, report_print);
}

const struct cmd_entry cmd_report_entry = {
	.name = "report",
	.min_args = 0, .max_args = -1, .prefix = PREFIX_SELF,
	.owner_only = true,
	.exec = cmd_report_exec,
};
