/* Daemon-level commands: status (sessions, paths) and events. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "conf.h"
#include "cmd-history.h"
#include "event-text.h"
#include "store.h"
#include "store-history.h"
#include "triage-task.h"

static enum cmd_result
cmd_daemon_status_exec(struct cmd_ctx *ctx)
{
	struct session *s;
	struct target *t;
	json_t *sessions = json_array(), *data;
	double last_break = 0;
	int held;

	cmd_print(ctx, "tetherd %s, pid %d", TETHER_VERSION, (int)getpid());
	cmd_print(ctx, "socket:   %s", cmd_env.socket);
	cmd_print(ctx, "database: %s", cmd_env.database);
	config_status(ctx, NULL);
	TAILQ_FOREACH(s, session_all(), entry) {
		/* Other users' sessions are theirs to see (DESIGN §6). */
		if (ctx->peer_uid != 0 && s->owner != ctx->peer_uid)
			continue;
		held = 0;
		TAILQ_FOREACH(t, &s->targets, entry)
			held += t->held;
		cmd_print(ctx, "session %s: %d live target(s)%s, %d held", s->name,
		    s->live, s->live == 0 ? ", dormant" : "", held);
		json_array_append_new(sessions, json_pack("{s:s, s:i, s:b, s:i}",
		    "name", s->name, "live", s->live, "dormant", s->live == 0,
		    "held", held));
		if (s->last_break > last_break)
			last_break = s->last_break;
	}
	/* last_break orders the systems of a fleet by their latest break (||#). */
	data = json_pack("{s:s, s:i, s:s, s:s, s:o, s:o}", "version", TETHER_VERSION,
	    "pid", (int)getpid(), "socket", cmd_env.socket,
	    "database", cmd_env.database, "sessions", sessions,
	    "last_break", last_break > 0 ? json_real(last_break) : json_null());
	config_status(NULL, data);
	triage_tasks_status(ctx, data);
	cmd_set_data(ctx, data);
	return CMD_DONE;
}

static enum cmd_result
cmd_events_exec(struct cmd_ctx *ctx)
{
	struct event_filter f;
	struct look_opts o;
	json_t *events, *ev;
	size_t i;
	char line[1024];

	if (ctx->cmd->argc == 1 && strcmp(ctx->cmd->argv[0], "-f") == 0)
		return cmd_events_follow(ctx);
	/* Filters (by process, kind, time): cmd-history.h. */
	if (cmd_look_parse(ctx, true, 20, &o) != CMD_DONE) {
		cmd_look_free(&o);
		return CMD_FAILED;
	}
	if (o.session_id == 0) {
		cmd_look_free(&o);
		cmd_set_data(ctx, json_pack("{s:[]}", "events"));
		return CMD_DONE;
	}
	f = (struct event_filter){ .ordinal = o.ordinal, .pid = o.pid,
	    .kinds = o.words, .since = o.since, .until = o.until,
	    .after_id = o.after_id, .limit = (int)o.limit };
	events = store_events_query(model_store(), o.session_id, &f);
	cmd_look_free(&o);
	if (events == NULL)
		return cmd_error(ctx, CMD_FAILED, "database: %s", store_errmsg(model_store()));
	json_array_foreach(events, i, ev) {
		event_text(ev, line, sizeof line);
		cmd_print(ctx, "%s", line);
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
	.name = "events",
	.usage = "events [-p PROC] [-P PID] [-k KIND,...] [-s SINCE] [-u UNTIL]"
	    " [-a ID] [COUNT], or events -f",
	.min_args = 0, .max_args = -1, .prefix = PREFIX_SELF,
	.owner_only = true,
	.exec = cmd_events_exec,
};
