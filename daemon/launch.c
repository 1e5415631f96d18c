#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <unistd.h>

#include <event2/event.h>

#include "argv-text.h"
#include "cmd.h"
#include "conf.h"
#include "delay.h"
#include "engine.h"
#include "launch.h"
#include "log.h"
#include "policy.h"
#include "target-log.h"

extern char **environ;

/* One [target] section's program, across its restarts. */
struct launch_rec {
	char *name;
	const struct launch_spec *spec;	/* NULL once gone from the file */
	int64_t target_id;		/* the running target, or 0 */
	pid_t pid;
	struct create_op *creating;	/* its start, under way */
	const struct session *session;	/* of the start under way */
	char log[64];			/* its log's provisional name */
	int starts;
	struct event *restart_ev;
	TAILQ_ENTRY(launch_rec) entry;
};
static TAILQ_HEAD(, launch_rec) recs = TAILQ_HEAD_INITIALIZER(recs);
static struct event_base *launch_base;
static bool quiesced;

/* tetherd's environment with the section's NAME=VALUE words on top. */
static char **
build_env(char **extra)
{
	size_t n = 0, m = 0, i, k, namelen;
	char **env, **e;
	bool replaced;

	for (e = environ; e != NULL && *e != NULL; e++)
		n++;
	for (e = extra; e != NULL && *e != NULL; e++)
		m++;
	if ((env = calloc(n + m + 1, sizeof *env)) == NULL)
		return NULL;
	k = 0;
	for (i = 0; i < n; i++) {
		replaced = false;
		for (e = extra; e != NULL && *e != NULL; e++) {
			namelen = strchr(*e, '=') - *e + 1;
			if (strncmp(environ[i], *e, namelen) == 0) {
				replaced = true;
				break;
			}
		}
		if (!replaced)
			env[k++] = environ[i];
	}
	for (e = extra; e != NULL && *e != NULL; e++)
		env[k++] = *e;
	env[k] = NULL;
	return env;
}

/* Joined, before it runs anything: the section's options hold from its
 * first instruction. */
static void
launch_joined(struct target *t, void *arg)
{
	struct launch_rec *r = arg;

	if (r->spec != NULL)
		policy_govern(t, "target", r->name, &r->spec->opts);
}

static void
launch_done(struct target *t, int ordinal, const char *err, void *arg)
{
	struct launch_rec *r = arg;
	char cmd[ARGV_LOG_MAX];

	r->creating = NULL;
	target_log_settle(cmd_env.logdir, r->log, r->session->name, ordinal);
	if (t == NULL) {
		log_warn("target %s: %s", r->name, err);
		return;
	}
	r->starts++;
	r->target_id = t->id;
	r->pid = t->pid;
	log_info("target %s: started %s as |%d of session %s (pid %d)%s", r->name,
	    argv_text(t->cmdline, ARGV_LOG_WIDTH, cmd, sizeof cmd), t->ordinal,
	    t->session->name, (int)t->pid, r->starts > 1 ? ", again" : "");
}

static void
launch_start(struct launch_rec *r)
{
	const struct launch_spec *spec = r->spec;
	struct create_params p = {
		.argv = spec->argv, .cwd = spec->cwd,
		.uid = spec->has_user ? spec->uid : getuid(),
		.gid = spec->has_user ? spec->gid : getgid(),
	};
	char err[PATH_MAX + 128], **env;
	struct session *s;

	if (r->creating != NULL)
		return;
	if ((s = session_ensure(spec->opts.session, geteuid())) == NULL) {
		log_warn("target %s: cannot create session %s", r->name,
		    spec->opts.session);
		return;
	}
	if ((env = build_env(spec->env)) == NULL) {
		log_warn("target %s: out of memory", r->name);
		return;
	}
	if ((p.log_fd = target_log_create(cmd_env.logdir, s->name, r->log,
	    sizeof r->log, err, sizeof err)) == -1) {
		log_warn("target %s: %s", r->name, err);
		free(env);
		return;
	}
	p.envp = env;
	r->session = s;
	r->creating = engine_create(s, &p, launch_joined, launch_done, r, err,
	    sizeof err);
	free(env);
	close(p.log_fd);
	if (r->creating == NULL) {
		target_log_settle(cmd_env.logdir, r->log, s->name, -1);
		log_warn("target %s: %s", r->name, err);
	}
}

static void
on_restart(evutil_socket_t fd, short what, void *arg)
{
	struct launch_rec *r = arg;

	(void)fd;
	(void)what;
	if (quiesced || r->spec == NULL || r->target_id != 0 || r->creating != NULL)
		return;
	launch_start(r);
}

static struct launch_rec *
rec_by_target(int64_t id)
{
	struct launch_rec *r;

	TAILQ_FOREACH(r, &recs, entry)
		if (r->target_id == id)
			return r;
	return NULL;
}

static void
on_target_end(struct target *t, enum target_state state, int exit_code,
    int exit_signal)
{
	struct launch_rec *r;
	bool failed;

	if (TAILQ_EMPTY(&recs) || (r = rec_by_target(t->id)) == NULL)
		return;
	r->target_id = 0;
	r->pid = 0;
	if (quiesced || r->spec == NULL || state != TS_EXITED)
		return;
	failed = exit_signal > 0 || exit_code != 0;
	if (r->spec->restart == RESTART_NO ||
	    (r->spec->restart == RESTART_ON_FAILURE && !failed))
		return;
	log_info("target %s: exited (%s %d); restarting in %gs", r->name,
	    exit_signal > 0 ? "signal" : "code", exit_signal > 0 ? exit_signal :
	    exit_code, r->spec->restart_delay);
	/* never from inside target_end: the engine is in the middle of it */
	if (r->restart_ev == NULL)
		r->restart_ev = evtimer_new(launch_base, on_restart, r);
	if (r->restart_ev == NULL || delay_add(r->restart_ev, r->spec->restart_delay) == -1)
		log_warn("target %s: cannot schedule its restart", r->name);
}

/* A start under way is not waited for any more. */
static void
launch_cancel(struct launch_rec *r)
{
	if (r->creating == NULL)
		return;
	target_log_settle(cmd_env.logdir, r->log, r->session->name,
	    engine_create_cancel(r->creating));
	r->creating = NULL;
}

void
launch_init(struct event_base *base)
{
	launch_base = base;
	quiesced = false;
	model_observe_end(on_target_end);
}

void
launch_configure(const struct config *cfg)
{
	const struct launch_spec *spec;
	struct launch_rec *r;

	TAILQ_FOREACH(r, &recs, entry) {
		r->spec = NULL;
		TAILQ_FOREACH(spec, &cfg->targets, entry)
			if (strcmp(spec->name, r->name) == 0)
				r->spec = spec;
	}
	TAILQ_FOREACH(spec, &cfg->targets, entry) {
		TAILQ_FOREACH(r, &recs, entry)
			if (strcmp(spec->name, r->name) == 0)
				break;
		if (r != NULL)
			continue;
		if ((r = calloc(1, sizeof *r)) == NULL ||
		    (r->name = strdup(spec->name)) == NULL) {
			log_warn("out of memory");
			abort();
		}
		r->spec = spec;
		TAILQ_INSERT_TAIL(&recs, r, entry);
		if (!quiesced)
			launch_start(r);
	}
}

void
launch_quiesce(void)
{
	struct launch_rec *r;

	quiesced = true;
	TAILQ_FOREACH(r, &recs, entry) {
		if (r->restart_ev != NULL)
			evtimer_del(r->restart_ev);
		launch_cancel(r);
	}
}

void
launch_free(void)
{
	struct launch_rec *r;

	while ((r = TAILQ_FIRST(&recs)) != NULL) {
		TAILQ_REMOVE(&recs, r, entry);
		launch_cancel(r);
		if (r->restart_ev != NULL)
			event_free(r->restart_ev);
		free(r->name);
		free(r);
	}
}
