/*
 * sx: show what each signal does to the targets of the session;
 * sxe, sxd, sxn, sxi SIG...: set it to break, second-chance break, notify
 * or ignore. Signals by name or number: sxe SIGUSR1, sxe usr1, sxi 10.
 */
#include <signal.h>
#include <string.h>

#include "cmd.h"
#include "signals.h"

static const struct {
	const char *command;
	enum sig_action action;
} sx_setters[] = {
	{ "sxe", SIGACT_BREAK },
	{ "sxd", SIGACT_SECOND_CHANCE },
	{ "sxn", SIGACT_NOTIFY },
	{ "sxi", SIGACT_IGNORE },
};

static enum sig_action
sx_current(const struct session *s, int sig)
{
	static struct session defaults;

	/* A session that does not exist yet would get the defaults. */
	if (s == NULL) {
		if (defaults.sigact[SIGSEGV] != SIGACT_BREAK)
			session_defaults(&defaults);
		s = &defaults;
	}
	return s->sigact[sig];
}

static enum cmd_result
cmd_sx_exec(struct cmd_ctx *ctx)
{
	const struct session *s = ctx->session;
	json_t *signals = json_array();
	enum sig_action action;
	char name[16];
	int sig;

	for (sig = 1; sig <= SIGNAL_MAX; sig++) {
		action = sx_current(s, sig);
		/* Real-time signals are listed only when set. */
		if (sig >= SIGRTMIN && action == SIGACT_NOTIFY)
			continue;
		signal_name(sig, name, sizeof name);
		if (action == SIGACT_IGNORE && s != NULL)
			cmd_print(ctx, "%-10s %-3d %s (%lu delivered)", name, sig,
			    sigaction_name(action), s->ignored[sig]);
		else
			cmd_print(ctx, "%-10s %-3d %s", name, sig, sigaction_name(action));
		json_array_append_new(signals, json_pack("{s:i, s:s, s:s, s:I}",
		    "signal", sig, "name", name, "action", sigaction_name(action),
		    "ignored", (json_int_t)(s != NULL ? s->ignored[sig] : 0)));
	}
	cmd_set_data(ctx, json_pack("{s:s, s:b, s:o}", "session", ctx->session_name,
	    "allstop", s != NULL && s->allstop, "signals", signals));
	return CMD_DONE;
}

static enum cmd_result
cmd_sx_set_exec(struct cmd_ctx *ctx)
{
	enum sig_action action = SIGACT_NOTIFY;
	struct session *s;
	int i, sig, sigs[SIGNAL_MAX];
	size_t k;
	char name[16];

	for (k = 0; k < sizeof sx_setters / sizeof sx_setters[0]; k++)
		if (strcmp(sx_setters[k].command, ctx->entry->name) == 0)
			action = sx_setters[k].action;
	/* Every signal is checked before any is changed. */
	for (i = 0; i < ctx->cmd->argc; i++) {
		if ((sig = signal_parse(ctx->cmd->argv[i])) == -1)
			return cmd_error(ctx, CMD_USAGE, "unknown signal: %s", ctx->cmd->argv[i]);
		if (sig == SIGKILL)
			return cmd_error(ctx, CMD_USAGE, "SIGKILL never reaches the debugger");
		sigs[i] = sig;
	}
	if ((s = cmd_session(ctx)) == NULL)
		return cmd_error(ctx, CMD_FAILED, "cannot create session %s", ctx->session_name);
	for (i = 0; i < ctx->cmd->argc; i++) {
		if (session_set_sigaction(s, sigs[i], action) == -1)
			return cmd_error(ctx, CMD_FAILED, "cannot change session %s",
			    ctx->session_name);
		cmd_print(ctx, "%s: %s", signal_name(sigs[i], name, sizeof name),
		    sigaction_name(action));
	}
	cmd_set_data(ctx, json_pack("{s:s, s:i}", "action", sigaction_name(action),
	    "count", ctx->cmd->argc));
	return CMD_DONE;
}

const struct cmd_entry cmd_sx_entry = {
	.name = "sx",
	.session = SESSION_ANY,
	.min_args = 0, .max_args = 0, .prefix = PREFIX_NONE,
	.owner_only = true,
	.exec = cmd_sx_exec,
};

#define SX_SETTER(cmd) {						\
	.name = cmd, .session = SESSION_CREATE,							\
	.min_args = 1, .max_args = SIGNAL_MAX, .prefix = PREFIX_NONE,	\
	.owner_only = true,						\
	.exec = cmd_sx_set_exec,					\
}
const struct cmd_entry cmd_sxe_entry = SX_SETTER("sxe");
const struct cmd_entry cmd_sxd_entry = SX_SETTER("sxd");
const struct cmd_entry cmd_sxn_entry = SX_SETTER("sxn");
const struct cmd_entry cmd_sxi_entry = SX_SETTER("sxi");
