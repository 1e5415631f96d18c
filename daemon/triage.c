/*
 * Triage: stacks and cores of paused targets, and `dump`, which pauses a
 * target and its gathered children one and all, walks them, writes what it
 * found (events, a text file, cores), resumes them as they were, and then
 * performs the next action on each.
 *
 * Targets are named by (session, ordinal, pid) between steps, never kept
 * as pointers: any of them may end while another is being waited for.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "argv-text.h"
#include "cmd.h"
#include "engine.h"
#include "log.h"
#include "stack.h"
#include "triage.h"
#include "conf.h"
#include "triage-files.h"
#include "triage-task.h"

static const char *const then_names[] = {
	[TRIAGE_THEN_NONE] = "none", [TRIAGE_THEN_KILL] = "kill",
	[TRIAGE_THEN_DETACH] = "detach", [TRIAGE_THEN_ABANDON] = "abandon",
};

const char *
triage_then_name(enum triage_then then)
{
	return then_names[then];
}

int
triage_then_parse(const char *word)
{
	size_t i;

	for (i = 0; i < sizeof then_names / sizeof then_names[0]; i++)
		if (strcmp(then_names[i], word) == 0)
			return (int)i;
	return -1;
}

/* ------------------------------------------------------------ dump */

struct triage;

struct triage_item {
	struct triage *tr;
	int ordinal;
	pid_t pid;
	int64_t target_id;
	char *exe, *cmd;	/* for the list of triage files (may be NULL) */
	long long core_bytes;
	json_t *proc;		/* its element of data.processes */
	char *text;		/* its part of the text: status line, stacks */
	char core[PATH_MAX + 48];	/* its core file, when asked */
	bool failed;		/* it ended before its triage was over, or
				 * its core could not be written */
};

struct triage {
	struct session *s;
	enum triage_then then;
	bool deliver;		/* opts->deliver, opts->cause */
	struct end_cause cause;
	bool core;
	bool zstd;		/* the cores are compressed */
	char *reason;
	triage_done_fn done;
	void *arg;
	struct triage_item *items;
	size_t n;
	int pending;		/* pauses, then actions, not over yet (+1 while starting) */
	bool acting;		/* the actions have started */
	json_t *data;
	char stem[PATH_MAX];	/* the text file without ".txt" */
	char file[PATH_MAX + 8];
	int text_fd;		/* the text file, created empty at the start */
	uid_t owner;		/* whose share of the triage space it takes */
	double started_at;
	char *error;
};

static struct target *
item_target(const struct triage_item *it)
{
	struct target *t = target_by_ordinal(it->tr->s, it->ordinal);

	return t != NULL && t->pid == it->pid ? t : NULL;
}

static void __attribute__((format(printf, 2, 3)))
item_error(struct triage_item *it, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (json_object_get(it->proc, "error") == NULL)
		json_object_set_new(it->proc, "error", json_string(msg));
}

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

static void
emit_line(void *arg, const char *line)
{
	fprintf(arg, "%s\n", line);
}

static void
triage_free(struct triage *tr)
{
	size_t i;

	for (i = 0; i < tr->n; i++) {
		free(tr->items[i].text);
		free(tr->items[i].exe);
		free(tr->items[i].cmd);
	}
	free(tr->items);
	if (tr->text_fd != -1)
		close(tr->text_fd);
	json_decref(tr->data);
	free(tr->reason);
	free(tr->error);
	free(tr);
}

/* The text of every target, as the file and `dump` show it. */
static char *
triage_text(struct triage *tr, bool outcomes)
{
	char *text = NULL, when[64], cmd[TARGET_LINE_MAX];
	size_t len = 0, i;
	time_t now = time(NULL);
	struct tm tm;
	FILE *f;

	if ((f = open_memstream(&text, &len)) == NULL)
		return NULL;
	localtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %z", &tm);
	fprintf(f, "Triage of |%d in session %s (%s), then %s, %s\n",
	    tr->items[0].ordinal, tr->s->name, tr->reason, then_names[tr->then], when);
	if (tr->items[0].cmd != NULL && tr->items[0].cmd[0] != '\0')
		fprintf(f, "Command: %s\n", argv_text(tr->items[0].cmd, 0, cmd, sizeof cmd));
	for (i = 0; i < tr->n; i++) {
		json_t *proc = tr->items[i].proc;
		const char *core = json_string_value(json_object_get(proc, "core"));
		const char *error = json_string_value(json_object_get(proc, "error"));

		fprintf(f, "\n%s", tr->items[i].text != NULL ? tr->items[i].text : "");
		if (core != NULL)
			fprintf(f, "core: %s\n", core);
		if (error != NULL)
			fprintf(f, "|%d: %s\n", tr->items[i].ordinal, error);
	}
	if (outcomes) {
		fputc('\n', f);
		for (i = 0; i < tr->n; i++)
			fprintf(f, "|%d: %s\n", tr->items[i].ordinal, json_string_value(
			    json_object_get(tr->items[i].proc, "outcome")));
		fprintf(f, "Triage written to %s\n", tr->file);
	}
	fclose(f);
	return text;
}

static void
triage_finish(struct triage *tr)
{
	struct triage_report r = { .data = tr->data, .ok = tr->error == NULL,
	    .error = tr->error };
	char *text = triage_text(tr, true);
	size_t i, walked = 0;

	for (i = 0; i < tr->n; i++)
		if (json_array_size(json_object_get(tr->items[i].proc, "threads")) > 0)
			walked++;
	if (tr->items[0].failed && r.ok) {
		r.ok = false;
		r.error = json_string_value(json_object_get(tr->items[0].proc, "error"));
	}
	if (walked == 0 && r.ok) {
		r.ok = false;
		r.error = json_string_value(json_object_get(tr->items[0].proc, "error"));
		if (r.error == NULL)
			r.error = "no stack could be read";
	}

	r.text = text != NULL ? text : "";
	if (tr->done != NULL)
		tr->done(&r, tr->arg);
	free(text);
	triage_free(tr);
}

static void
action_done(struct target *t, enum target_state state, void *arg)
{
	struct triage_item *it = arg;
	struct triage *tr = it->tr;

	(void)t;
	if (state == TS_RUNNING)
		item_error(it, "%s", engine_failure());
	json_object_set_new(it->proc, "outcome", json_string(target_state_name(state)));
	if (--tr->pending == 0)
		triage_finish(tr);
}

/* The text and the cores written join the bounded triage files; the
 * oldest others go if the bounds say so. */
static void
keep_files(struct triage *tr, long long text_bytes)
{
	struct triage_file f = { .target_id = tr->items[0].target_id,
	    .session = tr->s->name, .ordinal = tr->items[0].ordinal,
	    .pid = tr->items[0].pid, .exe = tr->items[0].exe,
	    .cmd = tr->items[0].cmd, .path = tr->file,
	    .bytes = text_bytes, .uid = tr->owner, .created_at = tr->started_at };
	size_t i;

	if (tr->error == NULL)
		triage_files_add(&f);
	for (i = 0; i < tr->n; i++) {
		const struct triage_item *it = &tr->items[i];

		if (json_string_value(json_object_get(it->proc, "core")) == NULL)
			continue;
		f = (struct triage_file){ .target_id = it->target_id,
		    .session = tr->s->name, .ordinal = it->ordinal, .pid = it->pid,
		    .exe = it->exe, .cmd = it->cmd, .core = true, .path = (char *)it->core,
		    .bytes = it->core_bytes, .uid = tr->owner, .zstd = tr->zstd,
		    .created_at = tr->started_at };
		triage_files_add(&f);
	}
	triage_files_enforce(tr->owner, tr->started_at);
}

/* Every walk is over: write it down, then act. */
static void
triage_record(struct triage *tr)
{
	char *text = triage_text(tr, false), *detail;
	json_t *d;
	size_t i;
	FILE *f;

	if (text == NULL || (f = fdopen(tr->text_fd, "w")) == NULL ||
	    (tr->text_fd = -1, fputs(text, f), fclose(f)) == EOF) {
		if (asprintf(&tr->error, "%s: %s", tr->file, strerror(errno)) == -1)
			tr->error = NULL;
		log_warn("triage file %s: %s", tr->file, strerror(errno));
	}
	keep_files(tr, text != NULL ? (long long)strlen(text) : 0);
	free(text);
	tr->acting = true;
	tr->pending = 1;
	for (i = 0; i < tr->n; i++) {
		struct triage_item *it = &tr->items[i];
		struct target *t = item_target(it);
		int rc = 0;

		if (t == NULL) {
			if (json_object_get(it->proc, "outcome") == NULL)
				json_object_set_new(it->proc, "outcome", json_string("exited"));
			continue;
		}
		d = json_pack("{s:s, s:s, s:O, s:s, s:O}", "reason", tr->reason,
		    "file", tr->file, "core", json_object_get(it->proc, "core"),
		    "then", then_names[tr->then],
		    "threads", json_object_get(it->proc, "threads"));
		if (json_object_get(it->proc, "error") != NULL)
			json_object_set(d, "error", json_object_get(it->proc, "error"));
		if ((detail = json_dumps(d, JSON_COMPACT)) != NULL)
			target_event(t, "triage", detail);
		target_set_triage(t, tr->file,
		    json_string_value(json_object_get(it->proc, "core")));
		free(detail);
		json_decref(d);
		tr->pending++;
		switch (tr->then) {
		case TRIAGE_THEN_NONE:
			tr->pending--;
			json_object_set_new(it->proc, "outcome",
			    json_string(target_state_name(target_live_state(t))));
			continue;
		case TRIAGE_THEN_KILL:
			rc = engine_kill(t, tr->deliver, &tr->cause, action_done, it);
			break;
		case TRIAGE_THEN_DETACH:
			rc = engine_detach(t, tr->deliver, &tr->cause, action_done, it);
			break;
		case TRIAGE_THEN_ABANDON:
			rc = engine_abandon(t, tr->deliver, &tr->cause, action_done, it);
			break;
		}
		if (rc == -1) {
			tr->pending--;
			item_error(it, "%s", errno == EBUSY ?
			    "another operation is in progress" : strerror(errno));
			json_object_set_new(it->proc, "outcome",
			    json_string(target_state_name(target_live_state(t))));
		}
	}
	if (--tr->pending == 0)
		triage_finish(tr);
}

static void
triaged(struct target *t, const struct triage_result *r, void *arg)
{
	struct triage_item *it = arg;
	struct triage *tr = it->tr;
	FILE *f;
	size_t len;
	char cmd[ARGV_LOG_MAX];

	(void)t;
	if (r->error != NULL) {
		item_error(it, "%s", r->error);
		log_info("triage of |%d (pid %d, cmd: %s) in session %s: %s",
		    it->ordinal, (int)it->pid, argv_text(it->cmd, ARGV_LOG_WIDTH,
		    cmd, sizeof cmd), tr->s->name, r->error);
		if (t == NULL) {
			json_object_set_new(it->proc, "outcome", json_string("exited"));
			it->failed = true;
		}
	}
	if (r->walk != NULL)
		json_object_set(it->proc, "threads", json_object_get(r->walk, "threads"));
	if (r->core_written) {
		json_object_set_new(it->proc, "core", json_string(it->core));
		it->core_bytes = r->core_bytes;
	}
	else if (r->core_error != NULL) {
		item_error(it, "core: %s", r->core_error);
		unlink(it->core);
		it->failed = !r->core_skipped;
	}
	if ((f = open_memstream(&it->text, &len)) != NULL) {
		fprintf(f, "%s\n", r->status);
		if (r->walk != NULL)
			stack_format(r->walk, emit_line, f);
		fclose(f);
	}
	if (--tr->pending == 0)
		triage_record(tr);
}

/* Starts the triage of the target of it (a new core file when asked). */
static void
item_start(struct triage_item *it, struct target *u)
{
	struct triage *tr = it->tr;
	struct triage_task_opts o = { .walk = true, .core_fd = -1,
	    .what = tr->core ? "stacks and core" : "stacks" };

	if (tr->core) {
		snprintf(it->core, sizeof it->core, "%s.%d.core%s", tr->stem,
		    u->ordinal, tr->zstd ? ".zst" : "");
		o.core_fd = triage_files_create(base_name(it->core));
		if (o.core_fd == -1)
			item_error(it, "core: %s", strerror(errno));
		triage_files_limits(tr->owner, &o.limits);
	}
	tr->pending++;
	if (triage_task_start(u, &o, triaged, it) == -1) {
		tr->pending--;
		item_error(it, "%s", errno == EBUSY ?
		    "another operation is in progress" : strerror(errno));
		if (o.core_fd != -1) {
			close(o.core_fd);
			unlink(it->core);
		}
	}
}

/* Whether u is t or was gathered from it (its parents lead to t). */
static bool
in_tree(const struct target *u, const struct target *t)
{
	int hops;

	for (hops = 0; u != NULL && hops < 1000000; hops++) {
		if (u == t)
			return true;
		if (u->parent_ordinal < 0)
			return false;
		u = target_by_ordinal(u->session, u->parent_ordinal);
	}
	return false;
}

static void
safe_name(char *out, size_t len, const char *name)
{
	size_t i;

	for (i = 0; name[i] != '\0' && i + 1 < len; i++)
		out[i] = (name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' &&
		    name[i] <= 'Z') || (name[i] >= '0' && name[i] <= '9') ||
		    name[i] == '-' || name[i] == '_' || name[i] == '.' ? name[i] : '_';
	out[i] = '\0';
}

/* Picks the name of the text file and creates it, empty, so that the name
 * is ours (and the cores beside it too). */
static int
reserve_file(struct triage *tr, const struct target *t, char *err, size_t errlen)
{
	const char *dir = triage_files_dir();
	char name[64], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int i, n;

	safe_name(name, sizeof name, t->session->name);
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	for (i = 1; i < 1000; i++) {
		if (i == 1)
			n = snprintf(tr->stem, sizeof tr->stem, "%s/%s-%d-%s", dir, name,
			    t->ordinal, stamp);
		else
			n = snprintf(tr->stem, sizeof tr->stem, "%s/%s-%d-%s-%d", dir,
			    name, t->ordinal, stamp, i);
		if (n < 0 || (size_t)n + 32 >= sizeof tr->stem) {
			snprintf(err, errlen, "%s: name too long", dir);
			return -1;
		}
		snprintf(tr->file, sizeof tr->file, "%s.txt", tr->stem);
		if ((tr->text_fd = triage_files_create(base_name(tr->file))) != -1)
			return 0;
		if (errno != EEXIST)
			break;
	}
	snprintf(err, errlen, "%s: %s", tr->file, strerror(errno));
	return -1;
}

int
triage_dump(struct target *t, const struct triage_opts *opts,
    triage_done_fn done, void *arg, char *err, size_t errlen)
{
	struct target *u;
	struct triage *tr;
	json_t *procs;
	size_t i, n = 0;

	if ((tr = calloc(1, sizeof *tr)) == NULL ||
	    (tr->items = calloc((size_t)t->session->live + 1, sizeof *tr->items)) == NULL ||
	    (tr->reason = strdup(opts->reason != NULL ? opts->reason : "command")) == NULL) {
		if (tr != NULL)
			free(tr->items);
		free(tr);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	tr->s = t->session;
	tr->then = opts->then;
	tr->deliver = opts->deliver;
	tr->cause = opts->cause;
	tr->core = opts->core;
	tr->zstd = config_running()->daemon.triage.zstd;
	tr->owner = opts->owner;
	tr->text_fd = -1;
	tr->started_at = model_now();
	/* Room first, when the bounds are already passed. */
	triage_files_enforce(tr->owner, tr->started_at);
	tr->done = done;
	tr->arg = arg;
	if (reserve_file(tr, t, err, errlen) == -1) {
		free(tr->items);
		free(tr->reason);
		free(tr);
		return -1;
	}
	/* t first, then the gathered ones by ordinal. */
	tr->items[n++] = (struct triage_item){ .tr = tr, .ordinal = t->ordinal,
	    .pid = t->pid, .target_id = t->id, .exe = t->exe != NULL ? strdup(t->exe) : NULL,
	    .cmd = t->cmdline != NULL ? strdup(t->cmdline) : NULL };
	TAILQ_FOREACH(u, &t->session->targets, entry)
		if (u != t && n < (size_t)t->session->live + 1 && in_tree(u, t))
			tr->items[n++] = (struct triage_item){ .tr = tr,
			    .ordinal = u->ordinal, .pid = u->pid, .target_id = u->id,
			    .exe = u->exe != NULL ? strdup(u->exe) : NULL,
			    .cmd = u->cmdline != NULL ? strdup(u->cmdline) : NULL };
	tr->n = n;
	procs = json_array();
	for (i = 0; i < n; i++) {
		u = target_by_ordinal(tr->s, tr->items[i].ordinal);
		tr->items[i].proc = json_pack("{s:i, s:i, s:s, s:[], s:n}",
		    "ordinal", u->ordinal, "pid", (int)u->pid, "name", u->exe,
		    "threads", "core");
		json_array_append_new(procs, tr->items[i].proc);
	}
	tr->data = json_pack("{s:s, s:s, s:s, s:o}", "reason", tr->reason,
	    "file", tr->file, "then", then_names[tr->then], "processes", procs);
	/* One triage each, all at once; one may be over at once (a target
	 * that cannot be stopped), so the count starts at one for this loop. */
	tr->pending = 1;
	for (i = 0; i < n; i++)
		if ((u = item_target(&tr->items[i])) != NULL)
			item_start(&tr->items[i], u);
	if (--tr->pending == 0)
		triage_record(tr);
	return 0;
}
