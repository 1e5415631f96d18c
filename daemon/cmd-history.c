/*
 * history: every target that ever joined the session, live or not, with its
 * fate and times; and the options history shares with events (see
 * cmd-history.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "argv-text.h"
#include "cmd-history.h"
#include "event-text.h"
#include "retention.h"
#include "signals.h"
#include "store.h"
#include "store-history.h"
#include "suggest.h"

void
cmd_format_time(double at, char *buf, size_t len)
{
	time_t t = (time_t)at;
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

/* SINCE / UNTIL (cmd-history.h). 0, or -1. */
static int
parse_time(const char *text, double *out)
{
	static const char *const formats[] = {
		"%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M",
		"%Y-%m-%d %H:%M", "%Y-%m-%d", "%H:%M:%S", "%H:%M",
	};
	struct tm tm, today;
	time_t now = time(NULL);
	double age;
	char *end;
	size_t i;

	if (text[0] == '@') {
		errno = 0;
		*out = strtod(text + 1, &end);
		return errno == 0 && end != text + 1 && *end == '\0' && *out > 0 ? 0 : -1;
	}
	if (retention_parse_age(text, &age) == 0) {
		*out = (double)now - age;
		return 0;
	}
	for (i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		memset(&tm, 0, sizeof tm);
		end = strptime(text, formats[i], &tm);
		if (end == NULL || *end != '\0')
			continue;
		if (formats[i][1] == 'H') {	/* a time of today */
			localtime_r(&now, &today);
			tm.tm_year = today.tm_year;
			tm.tm_mon = today.tm_mon;
			tm.tm_mday = today.tm_mday;
		}
		tm.tm_isdst = -1;
		if ((*out = (double)mktime(&tm)) <= 0)
			return -1;
		return 0;
	}
	return -1;
}

/* Whether word is one of known (NULL-ended); if not, the closest in sg. */
static bool
known_word(const char *word, const char *const *known, struct suggest *sg)
{
	suggest_init(sg, word);
	for (; *known != NULL; known++) {
		if (strcmp(*known, word) == 0)
			return true;
		suggest_try(sg, *known);
	}
	return false;
}

static const char *const state_words[] = {
	"running", "stopped", "exited", "killed", "detached", "abandoned", "lost",
	NULL,
};

/* "a,b,c" (words of known) as a JSON array into *out; CMD_DONE, or the
 * error set: usage when it is no list of words, failed for a word that is
 * not one of known. */
static enum cmd_result
parse_words(struct cmd_ctx *ctx, char opt, const char *text, const char *what,
    const char *const *known, char **out)
{
	json_t *list = json_array();
	const char *p = text, *end;
	char word[32], hint[64];
	enum cmd_result r = CMD_DONE;
	struct suggest sg;
	size_t len;

	free(*out);
	*out = NULL;
	while (list != NULL && r == CMD_DONE) {
		end = strchrnul(p, ',');
		len = (size_t)(end - p);
		if (len == 0 || len >= sizeof word ||
		    strspn(p, "abcdefghijklmnopqrstuvwxyz-_") < len) {
			r = cmd_error(ctx, CMD_USAGE, "-%c %s: not a list of %ss"
			    " (word,word...)", opt, text, what);
			break;
		}
		memcpy(word, p, len);
		word[len] = '\0';
		if (!known_word(word, known, &sg)) {
			r = cmd_error(ctx, CMD_FAILED, "unknown %s: %s%s", what, word,
			    suggest_hint(&sg, hint, sizeof hint));
			break;
		}
		json_array_append_new(list, json_string(word));
		if (*end == '\0') {
			*out = json_dumps(list, JSON_COMPACT);
			break;
		}
		p = end + 1;
	}
	json_decref(list);
	if (r == CMD_DONE && *out == NULL)
		r = cmd_error(ctx, CMD_FAILED, "out of memory");
	return r;
}

/* A process identifier as -p takes it, into o; 0 or -1 (error set). */
static int
parse_process(struct cmd_ctx *ctx, const struct procid *id, struct look_opts *o)
{
	const struct session *s = ctx->session;
	int ordinal;

	switch (id->kind) {
	case PROCID_NONE:
	case PROCID_ALL:
		return 0;
	case PROCID_PID:
		o->pid = (int)id->value;
		return 0;
	case PROCID_ORDINAL:
		/* A session that is not in memory (dormant since a restart)
		 * has its ordinals in the database only. */
		if ((s == NULL && o->session_id == 0) ||
		    (s != NULL && id->value >= s->next_ordinal)) {
			cmd_error(ctx, CMD_FAILED, "no such process: |%ld", id->value);
			return -1;
		}
		o->ordinal = (int)id->value;
		return 0;
	case PROCID_CURRENT:
	case PROCID_EVENT:
		ordinal = s == NULL ? -1 : id->kind == PROCID_CURRENT ? s->current : s->event;
		if (ordinal < 0) {
			cmd_error(ctx, CMD_FAILED, "no %s process in session %s",
			    id->kind == PROCID_CURRENT ? "current" : "event",
			    ctx->session_name);
			return -1;
		}
		o->ordinal = ordinal;
		return 0;
	}
	return 0;
}

static long
parse_count(const char *text)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || v <= 0 || v > 100000000)
		return -1;
	return v;
}

enum cmd_result
cmd_look_parse(struct cmd_ctx *ctx, bool events, long default_limit,
    struct look_opts *o)
{
	const struct command *cmd = ctx->cmd;
	struct procid id;
	const char *err, *arg, *opt;
	char *end, buf[48];
	uid_t owner;	/* checked before the command runs (cmd_entry.owner_only) */
	enum cmd_result r;
	long v;
	int i, n;

	*o = (struct look_opts){ .ordinal = -1, .pid = -1, .limit = default_limit };
	/* History outlives the daemon: a session it does not hold now is
	 * looked up in the database, never created. */
	o->session_id = ctx->session != NULL ? ctx->session->id :
	    store_session_lookup(model_store(), ctx->session_name, &owner);
	if (o->session_id == 0 && strcmp(ctx->session_name, "default") != 0)
		return cmd_no_such_session(ctx);
	if (parse_process(ctx, &cmd->prefix, o) == -1)
		return CMD_FAILED;
	for (i = 0; i < cmd->argc; i++) {
		opt = cmd->argv[i];
		if (opt[0] != '-' || opt[1] == '\0' || opt[2] != '\0' ||
		    strchr(events ? "pPksuAn" : "pPSsn", opt[1]) == NULL) {
			if (opt[0] == '-' && opt[1] != '\0' && strchr(opt + 1, '-') == NULL &&
			    strspn(opt + 1, "0123456789") != strlen(opt + 1))
				return cmd_error(ctx, CMD_FAILED, "%s: unknown option %s"
				    " (usage: %s)", ctx->entry->name, opt,
				    cmd_usage(ctx->entry));
			if (opt[0] == '-' || i != cmd->argc - 1 ||
			    (v = parse_count(opt)) == -1)
				goto usage;
			o->limit = v;
			continue;
		}
		if (++i == cmd->argc)
			goto usage;
		arg = cmd->argv[i];
		switch (opt[1]) {
		case 'p':
			if (arg[0] != '|') {
				snprintf(buf, sizeof buf, "|%s", arg);
				arg = buf;
			}
			if ((n = procid_parse(arg, &id, &err)) == -1)
				return cmd_error(ctx, CMD_USAGE, "-p %s: %s", cmd->argv[i], err);
			if (arg[n] != '\0' || id.kind == PROCID_ALL)
				return cmd_error(ctx, CMD_USAGE, "-p %s: not one process",
				    cmd->argv[i]);
			if (parse_process(ctx, &id, o) == -1)
				return CMD_FAILED;
			break;
		case 'P':
			errno = 0;
			v = strtol(arg, &end, 10);
			if (errno != 0 || *end != '\0' || v <= 0 || v > 1L << 30)
				return cmd_error(ctx, CMD_USAGE, "-P %s: not a pid", arg);
			o->pid = (int)v;
			break;
		case 'k':
		case 'S':
			r = parse_words(ctx, opt[1], arg, opt[1] == 'k' ? "event kind" :
			    "state", opt[1] == 'k' ? event_kinds : state_words, &o->words);
			if (r != CMD_DONE)
				return r;
			break;
		case 'n':
			if (strcmp(arg, "all") == 0)
				o->limit = 0;
			else if ((v = parse_count(arg)) == -1)
				return cmd_error(ctx, CMD_USAGE, "-n %s: not a count"
				    " (a number above 0, or all)", arg);
			else
				o->limit = v;
			break;
		case 's':
		case 'u':
			if (parse_time(arg, opt[1] == 's' ? &o->since : &o->until) == -1)
				return cmd_error(ctx, CMD_USAGE, "-%c %s: not a time (an age"
				    " such as 90, 15m, 2h, 3d; @EPOCH; YYYY-MM-DD[ HH:MM[:SS]];"
				    " HH:MM[:SS])", opt[1], arg);
			break;
		case 'A':
			errno = 0;
			o->after_id = strtoll(arg, &end, 10);
			if (errno != 0 || *end != '\0' || o->after_id < 0)
				return cmd_error(ctx, CMD_USAGE, "-A %s: not an event id", arg);
			break;
		}
	}
	return CMD_DONE;
usage:
	return cmd_error(ctx, CMD_USAGE, "usage: %s", cmd_usage(ctx->entry));
}

void
cmd_look_free(struct look_opts *o)
{
	free(o->words);
	o->words = NULL;
}

void
cmd_history_fate(const json_t *t, char *buf, size_t len)
{
	const char *state = json_string_value(json_object_get(t, "state"));
	json_t *code = json_object_get(t, "exit_code");
	json_t *sig = json_object_get(t, "exit_signal");
	char name[16];

	if (json_is_integer(code))
		snprintf(buf, len, "%s %lld", state, (long long)json_integer_value(code));
	else if (json_is_integer(sig) && strcmp(state, "killed") != 0)
		snprintf(buf, len, "%s on %s", state,
		    signal_name((int)json_integer_value(sig), name, sizeof name));
	else
		snprintf(buf, len, "%s", state);
}

/* A query of history or events, run by the store's thread (store_job). */
struct look_job {
	struct cmd_ctx *ctx;
	struct look_opts o;
	bool events;
	enum cmd_result (*print)(struct cmd_ctx *ctx, json_t *rows);
	json_t *rows;
	char errmsg[256];
};

static void
look_run(struct store *st, void *arg)
{
	struct look_job *j = arg;
	const struct look_opts *o = &j->o;

	if (j->events)
		j->rows = store_events_query(st, o->session_id, &(struct event_filter){
		    .ordinal = o->ordinal, .pid = o->pid, .kinds = o->words,
		    .since = o->since, .until = o->until, .after_id = o->after_id,
		    .limit = (int)o->limit });
	else
		j->rows = store_history(st, o->session_id, &(struct history_filter){
		    .ordinal = o->ordinal, .pid = o->pid, .states = o->words,
		    .since = o->since, .limit = (int)o->limit, .verdict = o->verdict });
	if (j->rows == NULL)
		snprintf(j->errmsg, sizeof j->errmsg, "%s", store_errmsg(st));
}

static void
look_done(void *arg)
{
	struct look_job *j = arg;
	struct cmd_ctx *ctx = j->ctx;

	if (j->rows == NULL) {
		cmd_error(ctx, CMD_FAILED, "database: %s", j->errmsg);
		cmd_complete(ctx, CMD_FAILED);
	} else
		cmd_complete(ctx, j->print(ctx, j->rows));
	cmd_look_free(&j->o);
	free(j);
}

enum cmd_result
cmd_look_query(struct cmd_ctx *ctx, struct look_opts *o, bool events,
    enum cmd_result (*print)(struct cmd_ctx *ctx, json_t *rows))
{
	struct look_job *j = calloc(1, sizeof *j);

	if (j == NULL) {
		cmd_look_free(o);
		return cmd_error(ctx, CMD_FAILED, "out of memory");
	}
	j->ctx = ctx;
	j->o = *o;
	o->words = NULL;
	j->events = events;
	j->print = print;
	store_job(model_store(), look_run, look_done, j);
	return CMD_WAIT;
}

static enum cmd_result
history_print(struct cmd_ctx *ctx, json_t *targets)
{
	json_t *t, *parent;
	char joined[32], ended[32], how[16], parent_text[16], line[TARGET_LINE_MAX];
	const char *cmd;
	size_t i;

	if (json_array_size(targets) > 0)
		cmd_print(ctx, "%4s  %-7s  %-6s  %-6s  %-19s  %-19s  %-18s  %-13s  %s",
		    "ORD", "PID", "HOW", "PARENT", "JOINED", "ENDED", "FATE", "RESULT",
		    "COMMAND");
	json_array_foreach(targets, i, t) {
		char fate_text[48];

		target_json_row_keys(t, ctx->session_name,
		    (int)json_integer_value(json_object_get(t, "ordinal")),
		    json_is_string(json_object_get(t, "how")) &&
		    strcmp(json_string_value(json_object_get(t, "how")), "create") == 0);

		cmd_format_time(json_real_value(json_object_get(t, "joined_at")),
		    joined, sizeof joined);
		if (json_is_real(json_object_get(t, "ended_at")))
			cmd_format_time(json_real_value(json_object_get(t, "ended_at")),
			    ended, sizeof ended);
		else
			snprintf(ended, sizeof ended, "-");
		parent = json_object_get(t, "parent");
		if (json_is_integer(parent))
			snprintf(parent_text, sizeof parent_text, "%lld",
			    (long long)json_integer_value(parent));
		else
			snprintf(parent_text, sizeof parent_text, "-");
		snprintf(how, sizeof how, "%s", json_string_value(json_object_get(t, "how")));
		cmd_history_fate(t, fate_text, sizeof fate_text);
		snprintf(line, sizeof line, "%4lld  %-7lld  %-6s  %-6s  %-19s  %-19s  %-18s  %-13s",
		    (long long)json_integer_value(json_object_get(t, "ordinal")),
		    (long long)json_integer_value(json_object_get(t, "pid")),
		    how, parent_text, joined, ended, fate_text,
		    json_is_string(json_object_get(t, "reason")) ?
		    json_string_value(json_object_get(t, "reason")) : "-");
		/* The executable when the command line is empty (a zombie). */
		cmd = json_string_value(json_object_get(t, "cmdline"));
		argv_text_append(line, sizeof line, "  ", cmd != NULL && cmd[0] != '\0' ?
		    cmd : json_string_value(json_object_get(t, "name")), ctx->width);
		cmd_print(ctx, "%s", line);
		if (json_is_string(json_object_get(t, "triage")))
			cmd_print(ctx, "%4s  triage: %s%s%s", "",
			    json_string_value(json_object_get(t, "triage")),
			    json_is_string(json_object_get(t, "core")) ? "  core: " : "",
			    json_is_string(json_object_get(t, "core")) ?
			    json_string_value(json_object_get(t, "core")) : "");
	}
	cmd_set_data(ctx, json_pack("{s:s, s:o}", "session", ctx->session_name,
	    "targets", targets));
	return CMD_DONE;
}

enum cmd_result
cmd_history_query(struct cmd_ctx *ctx, bool verdict,
    enum cmd_result (*print)(struct cmd_ctx *ctx, json_t *rows))
{
	struct look_opts o;

	if (cmd_look_parse(ctx, false, 0, &o) != CMD_DONE) {
		cmd_look_free(&o);
		return CMD_FAILED;
	}
	if (o.session_id == 0) {
		cmd_look_free(&o);
		return print(ctx, json_array());
	}
	o.verdict = verdict;
	return cmd_look_query(ctx, &o, false, print);
}

static enum cmd_result
cmd_history_exec(struct cmd_ctx *ctx)
{
	return cmd_history_query(ctx, false, history_print);
}

const struct cmd_entry cmd_history_entry = {
	.name = "history",
	.min_args = 0, .max_args = -1, .prefix = PREFIX_SELF,
	.owner_only = true,
	.exec = cmd_history_exec,
};
