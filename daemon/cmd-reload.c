/* reload: re-read the configuration file (as SIGHUP does). */
#include <limits.h>
#include <unistd.h>

#include "autoattach.h"
#include "cmd.h"
#include "conf.h"

static enum cmd_result
cmd_reload_exec(struct cmd_ctx *ctx)
{
	const struct config *cfg;
	char err[PATH_MAX + 600];

	/* The daemon's configuration is its owner's: root, or the user the
	 * daemon runs as. */
	if (ctx->peer_uid != 0 && ctx->peer_uid != getuid())
		return cmd_error(ctx, CMD_FAILED, "permission denied: only uid %u "
		    "may reload the configuration", (unsigned)getuid());
	if (config_reload(err, sizeof err) == -1)
		return cmd_error(ctx, CMD_FAILED, "%s; the running configuration "
		    "stays", err);
	cfg = config_running();
	cmd_print(ctx, "Reloaded %s: %d polic%s, %d target section(s).", cfg->path,
	    cfg->npolicies, cfg->npolicies == 1 ? "y" : "ies", cfg->ntargets);
	cmd_set_data(ctx, json_pack("{s:s, s:i, s:i}", "config", cfg->path,
	    "policies", cfg->npolicies, "targets", cfg->ntargets));
	return CMD_DONE;
}

const struct cmd_entry cmd_reload_entry = {
	.name = "reload",
	.session = SESSION_ANY,
	.min_args = 0, .max_args = 0, .prefix = PREFIX_NONE,
	.exec = cmd_reload_exec,
};

void
config_status(struct cmd_ctx *ctx, json_t *data)
{
	const struct config *cfg = config_running();
	const char *path = cfg != NULL ? cfg->path : NULL;
	int npolicies = cfg != NULL ? cfg->npolicies : 0;
	char mode[128];

	if (ctx != NULL) {
		autoattach_describe(mode, sizeof mode);
		cmd_print(ctx, "config:   %s", path != NULL ? path :
		    "none (embedded defaults)");
		cmd_print(ctx, "auto-attach: %s, %d polic%s", mode, npolicies,
		    npolicies == 1 ? "y" : "ies");
	}
	if (data != NULL) {
		json_object_set_new(data, "config", path != NULL ? json_string(path) :
		    json_null());
		json_object_set_new(data, "autoattach", json_string(autoattach_mode()));
		json_object_set_new(data, "policies", json_integer(npolicies));
		if (autoattach_interval() > 0)
			json_object_set_new(data, "scan_interval",
			    json_real(autoattach_interval()));
	}
}
