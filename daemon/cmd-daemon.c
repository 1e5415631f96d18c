/* Daemon-level commands: status (sessions, paths) and events. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "store.h"

static enum cmd_result
cmd_daemon_status_exec(struct cmd_ctx *ctx)
{
	struct session *s;
	json_t *sessions = json_array();

	cmd_print(ctx, "tetherd %s, pid %d", TETHER_VERSION, (int)getpid());
	cmd_print(ctx, "socket:   %s", cmd_env.socket);
	cmd_print(ctx, "database: %s", cmd_env.database);
	TAILQ_FOREACH(s, session_all(), entry) {
		cmd_print(ctx, "session %s: %d live target(s)%s", s->name, s->live,
		    s->live == 0 ? ", dormant" : "");
		json_array_append_new(sessions, json_pack("{s:s, s:i, s:b}",
		    "name", s->name, "live", s->live, "dormant", s->live == 0));
	}
	cmd_set_data(ctx, json_pack("{s:i, s:s, s:s, s:o}", "pid", (int)getpid(),
	    "socket", cmd_env.socket, "database", cmd_env.database,
	    "sessions", sessions));
	return CMD_DONE;
}

static enum cmd_result
cmd_events_exec(struct cmd_ctx *ctx)
{
	json_t *events, *ev;
	long limit = 20;
	size_t i;
	char *end, *detail, when[32], ordinal[24];
	json_t *ord;
	time_t at;
	struct tm tm;

	if (ctx->cmd->argc == 1) {
		errno = 0;
		limit = strtol(ctx->cmd->argv[0], &end, 10);
		if (errno != 0 || *end != '\0' || limit <= 0 || limit > 1000000)
			return cmd_error(ctx, CMD_USAGE, "usage: %s", ctx->entry->usage);
	}
	if (ctx->session == NULL) {
		cmd_set_data(ctx, json_pack("{s:[]}", "events"));
		return CMD_DONE;
	}
	if ((events = store_events_list(model_store(), ctx->session->id, (int)limit)) == NULL)
		return cmd_error(ctx, CMD_FAILED, "database: %s", store_errmsg(model_store()));
	json_array_foreach(events, i, ev) {
		at = (time_t)json_real_value(json_object_get(ev, "at"));
		localtime_r(&at, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
		detail = json_dumps(json_object_get(ev, "detail"), JSON_COMPACT | JSON_ENCODE_ANY);
		ord = json_object_get(ev, "ordinal");
		if (json_is_integer(ord))
			snprintf(ordinal, sizeof ordinal, "|%lld",
			    (long long)json_integer_value(ord));
		else
			snprintf(ordinal, sizeof ordinal, "-");
		cmd_print(ctx, "%s  %-5s %-8s %s", when, ordinal,
		    json_string_value(json_object_get(ev, "kind")),
		    detail != NULL ? detail : "");
		free(detail);
	}
	cmd_set_data(ctx, json_pack("{s:o}", "events", events));
	return CMD_DONE;
}

const struct cmd_entry cmd_daemon_status_entry = {
	.name = "status", .usage = "status",
	.min_args = 0, .max_args = 0, .prefix = PREFIX_NONE,
	.exec = cmd_daemon_status_exec,
};

const struct cmd_entry cmd_events_entry = {
	.name = "events", .usage = "events [COUNT]",
	.min_args = 0, .max_args = 1, .prefix = PREFIX_NONE,
	.exec = cmd_events_exec,
};
