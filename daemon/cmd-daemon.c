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
	uint64_t lost;
	int held;

	cmd_print(ctx, "tetherd %s, pid %d", TETHER_VERSION, (int)getpid());
	cmd_print(ctx, "socket:   %s", cmd_env.socket);
	cmd_print(ctx, "database: %s", cmd_env.database);
	lost = store_lost_count(model_store());
	if (lost > 0)
		cmd_print(ctx, "database: %llu change(s) not recorded since start "
		    "(events and row updates; the rows of live targets are written "
		    "again once the database works)", (unsigned long long)lost);
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
	data = json_pack("{s:s, s:i, s:s, s:s, s:I, s:o, s:o}", "version", TETHER_VERSION,
	    "pid", (int)getpid(), "socket", cmd_env.socket,
	    "database", cmd_env.database, "unrecorded", (json_int_t)lost,
	    "sessions", sessions,
	    "last_break", last_break > 0 ? json_real(last_break) : json_null());
	config_status(NULL, data);
	triage_tasks_status(ctx, data);
	cmd_set_data(ctx, data);
	return CMD_DONE;
}

static enum cmd_result
events_print(struct cmd_ctx *ctx, json_t *events)
{
	json_t *ev;
	size_t i;
	char line[1024];

	json_array_foreach(events, i, ev) {
		/* As the objects of events -f have it. */
		json_object_set_new(ev, "session", json_string(ctx->session_name));
		event_text(ev, ctx->width, line, sizeof line);
		cmd_print(ctx, "%s", line);
	}
	cmd_set_data(ctx, json_pack("{s:o}", "events", events));
	return CMD_DONE;
}

/* events -f, events -f -a, events -a -f. */
static bool
is_follow(const struct command *cmd)
{
	int i, f = 0, a = 0;

	for (i = 0; i < cmd->argc; i++) {
		if (strcmp(cmd->argv[i], "-f") == 0)
			f++;
		else if (strcmp(cmd->argv[i], "-a") == 0)
			a++;
		else
			return false;
	}
	return f == 1 && a <= 1;
}

static enum cmd_result
cmd_events_exec(struct cmd_ctx *ctx)
{
	struct look_opts o;

	if (is_follow(ctx->cmd))
		return cmd_events_follow(ctx, ctx->cmd->argc == 2);
	/* Filters (by process, kind, time): cmd-history.h. */
	if (cmd_look_parse(ctx, true, 20, &o) != CMD_DONE) {
		cmd_look_free(&o);
		return CMD_FAILED;
	}
	if (o.session_id == 0) {	/* "default", before anything joined it */
		cmd_look_free(&o);
		cmd_set_data(ctx, json_pack("{s:[]}", "events"));
		return CMD_DONE;
	}
	return cmd_look_query(ctx, &o, true, events_print);
}

const struct cmd_entry cmd_daemon_status_entry = {
	.name = "status",
	.session = SESSION_ANY,
	.min_args = 0, .max_args = 0, .prefix = PREFIX_NONE,
	.exec = cmd_daemon_status_exec,
};

const struct cmd_entry cmd_events_entry = {
	.name = "events",
	.session = SESSION_CREATE,
	.min_args = 0, .max_args = -1, .prefix = PREFIX_SELF,
	.owner_only = true,
	.exec = cmd_events_exec,
};
