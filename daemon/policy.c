#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "argv-text.h"
#include "delay.h"
#include "engine.h"
#include "log.h"
#include "policy.h"
#include "procfs.h"
#include "store.h"
#include "store-history.h"
#include "triage-hook.h"

static const struct config *policies;
static struct event_base *policy_base;

/* ------------------------------------------------------------- matching */

/* What the policies may ask about a process, read once and only if asked. */
struct pinfo {
	pid_t pid;
	uid_t uid;
	bool stat_read, exe_read, cmdline_read, pcomm_read;
	int descendant;		/* -1: not worked out yet */
	char comm[64];
	pid_t ppid;
	char *exe;
	char *cmdline;
	char pcomm[64];
};

/* comm and ppid from /proc/PID/stat. 0 or -1. */
static int
read_stat(pid_t pid, char *comm, size_t commlen, pid_t *ppid)
{
	char path[64], buf[1024], *lp, *rp;
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* the name may hold spaces and parentheses: up to the last ')' */
	if ((lp = strchr(buf, '(')) == NULL || (rp = strrchr(buf, ')')) == NULL ||
	    rp < lp)
		return -1;
	snprintf(comm, commlen, "%.*s", (int)(rp - lp - 1), lp + 1);
	if (sscanf(rp + 1, " %*c %d", ppid) != 1)
		return -1;
	return 0;
}

static bool
pi_stat(struct pinfo *pi)
{
	if (!pi->stat_read) {
		pi->stat_read = true;
		if (read_stat(pi->pid, pi->comm, sizeof pi->comm, &pi->ppid) == -1) {
			pi->comm[0] = '\0';
			pi->ppid = 0;
			return false;
		}
	}
	return pi->ppid != 0 || pi->comm[0] != '\0';
}

static const char *
pi_exe(struct pinfo *pi)
{
	if (!pi->exe_read) {
		pi->exe_read = true;
		pi->exe = procfs_exe(pi->pid);
	}
	return pi->exe;
}

static const char *
pi_cmdline(struct pinfo *pi)
{
	if (!pi->cmdline_read) {
		pi->cmdline_read = true;
		pi->cmdline = procfs_cmdline(pi->pid);
	}
	return pi->cmdline;
}

static const char *
pi_pcomm(struct pinfo *pi)
{
	pid_t pp;

	if (!pi->pcomm_read) {
		pi->pcomm_read = true;
		if (!pi_stat(pi) || pi->ppid <= 0 ||
		    read_stat(pi->ppid, pi->pcomm, sizeof pi->pcomm, &pp) == -1)
			pi->pcomm[0] = '\0';
	}
	return pi->pcomm[0] != '\0' ? pi->pcomm : NULL;
}

/* Whether an ancestor of the process is a live target. */
static bool
pi_descendant(struct pinfo *pi)
{
	char comm[64];
	pid_t p, next;
	int depth;

	if (pi->descendant == -1) {
		pi->descendant = 0;
		if (pi_stat(pi))
			for (p = pi->ppid, depth = 0; p > 1 && depth < 256; p = next, depth++) {
				if (target_by_pid(p) != NULL) {
					pi->descendant = 1;
					break;
				}
				if (read_stat(p, comm, sizeof comm, &next) == -1)
					break;
			}
	}
	return pi->descendant == 1;
}

static bool
glob_ok(const char *pattern, const char *s)
{
	return s != NULL && fnmatch(pattern, s, 0) == 0;
}

/* Every criterion the policy gives must hold. */
static bool
policy_matches(const struct policy *pol, struct pinfo *pi)
{
	if (pol->has_uid && pi->uid != pol->uid)
		return false;
	if (pol->comm != NULL && (!pi_stat(pi) || !glob_ok(pol->comm, pi->comm)))
		return false;
	if (pol->exe != NULL && !glob_ok(pol->exe, pi_exe(pi)))
		return false;
	if (pol->cmdline != NULL && !glob_ok(pol->cmdline, pi_cmdline(pi)))
		return false;
	if (pol->parent != NULL && !glob_ok(pol->parent, pi_pcomm(pi)))
		return false;
	if (pol->descendant && !pi_descendant(pi))
		return false;
	return true;
}

static void govern(struct target *t, const char *origin_kind,
    const char *origin_name, const struct run_opts *o, double latency_ms);

int
policy_consider(pid_t pid, unsigned long long exec_ns)
{
	struct pinfo pi = { .pid = pid, .descendant = -1 };
	struct proc_status ps;
	const struct policy *pol;
	struct session *s;
	struct target *t;
	struct timespec now;
	double latency_ms = -1;
	char err[256], cmd[ARGV_LOG_MAX];
	unsigned long long start;
	enum attach_try rc;
	int attached = 0;

	if (policies == NULL || policies->npolicies == 0 || pid == getpid() ||
	    target_by_pid(pid) != NULL)
		return 0;
	if (procfs_status(pid, &ps) == -1 || ps.tgid != pid || ps.tracer != 0)
		return 0;
	/* A daemon that is not root takes only its user's processes. */
	if (geteuid() != 0 && ps.uid != getuid())
		return 0;
	pi.uid = ps.uid;
	/*
	 * A scan may look in the middle of an exec: the new executable is in
	 * place before the arguments are (and the name): an empty command
	 * line says "not yet". The connector reports an exec once it is over.
	 */
	if (exec_ns == 0 && (pi_cmdline(&pi) == NULL || pi.cmdline[0] == '\0')) {
		free(pi.cmdline);
		return -1;
	}
	TAILQ_FOREACH(pol, &policies->policies, entry) {
		if (!policy_matches(pol, &pi))
			continue;
		if (pol->ignore) {
			log_debug("pid %d: ignored by policy %s", (int)pid, pol->name);
			break;
		}
		if ((s = session_ensure(pol->opts.session, geteuid())) == NULL)
			break;
		/* A try that finds it in the middle of another exec: the
		 * connector reports that exec when it is over, a scan looks
		 * again at its next passes. */
		start = 0;
		rc = engine_attach_try(s, pid, geteuid() == 0 ? 0 : getuid(), &start,
		    &t, err, sizeof err);
		if (rc == ATTACH_BUSY) {
			log_debug("policy %s: pid %d is in the middle of an exec",
			    pol->name, (int)pid);
			attached = -1;
			break;
		}
		if (t == NULL) {
			/* gone already, or someone else's: not worth a warning */
			log_debug("policy %s: pid %d: %s", pol->name, (int)pid, err);
			break;
		}
		if (exec_ns != 0 && clock_gettime(CLOCK_MONOTONIC, &now) == 0)
			latency_ms = ((double)now.tv_sec * 1e9 + now.tv_nsec -
			    (double)exec_ns) / 1e6;
		log_info("policy %s: attached pid %d (cmd: %s) into session %s as |%d",
		    pol->name, (int)pid, argv_text(t->cmdline, ARGV_LOG_WIDTH, cmd,
		    sizeof cmd), s->name, t->ordinal);
		govern(t, "policy", pol->name, &pol->opts, latency_ms);
		attached = 1;
		break;
	}
	free(pi.exe);
	free(pi.cmdline);
	return attached;
}

/* --------------------------------------------------------- the limits */

/* A target with limits: found again by id (its pid could be reused). */
struct gov {
	int64_t target_id;
	pid_t pid;
	char *origin;		/* "policy NAME", "target NAME" */
	struct limits limits;
	struct event *timeout_ev;
	struct event *break_ev;
	double broke_at;	/* re-adopted: when it last broke, or 0 */
	UT_hash_handle hh;
};
static struct gov *govs;

static struct gov *
gov_find(int64_t id)
{
	struct gov *g;

	HASH_FIND(hh, govs, &id, sizeof id, g);
	return g;
}

static void
gov_free(struct gov *g)
{
	HASH_DELETE(hh, govs, g);
	if (g->timeout_ev != NULL)
		event_free(g->timeout_ev);
	if (g->break_ev != NULL)
		event_free(g->break_ev);
	free(g->origin);
	free(g);
}

static struct target *
gov_target(const struct gov *g)
{
	struct target *t = target_by_pid(g->pid);

	return t != NULL && t->id == g->target_id ? t : NULL;
}

/* Held: stopped by the daemon (a break), with no operation going on. */
static bool
target_held(const struct target *t)
{
	const struct thread *th;

	if (t->op != NULL || !t->held)
		return false;
	TAILQ_FOREACH(th, &t->threads, entry)
		if (th->outstanding)
			return true;
	return false;
}

static void
action_done(struct target *t, enum target_state state, void *arg)
{
	char cmd[ARGV_LOG_MAX];

	(void)arg;
	if (state == TS_RUNNING)
		log_warn("|%d of session %s (pid %d): the action after its time limit "
		    "failed: %s", t->ordinal, t->session->name, (int)t->pid,
		    engine_failure());
	else
		log_info("|%d of session %s (pid %d, cmd: %s): %s after its time limit",
		    t->ordinal, t->session->name, (int)t->pid, argv_text(t->cmdline,
		    ARGV_LOG_WIDTH, cmd, sizeof cmd), target_state_name(state));
}

/*
 * Records the limit's event, then acts. The gov may be freed by the action
 * (the target ends inside engine_kill etc.): nothing touches it after.
 */
static void
limit_act(struct gov *g, struct target *t, const char *limit, double after,
    enum limit_action action, bool handled)
{
	bool timeout = strcmp(limit, "timeout") == 0;
	const char *reason = timeout ? "timeout" : "break_timeout";
	struct end_cause cause = { timeout ? END_TIMEOUT : END_BREAK_TIMEOUT, -1 };
	char detail[512], cmd[ARGV_LOG_MAX];
	int rc = 0;

	snprintf(detail, sizeof detail,
	    "{\"limit\":\"%s\",\"after\":%g,\"action\":\"%s%s\",\"by\":\"%s\"}",
	    limit, after, limit_action_name(action), handled ? "/h" : "", g->origin);
	log_info("|%d of session %s (pid %d, cmd: %s): %s of %gs is over: %s",
	    t->ordinal, t->session->name, (int)t->pid, argv_text(t->cmdline,
	    ARGV_LOG_WIDTH, cmd, sizeof cmd), limit, after, limit_action_name(action));
	target_event(t, "timeout", detail);
	switch (action) {
	case LIMIT_NONE:
		break;
	case LIMIT_KILL:
		rc = engine_kill(t, !handled, &cause, action_done, NULL);
		break;
	case LIMIT_DETACH:
		rc = engine_detach(t, false, &cause, action_done, NULL);
		break;
	case LIMIT_ABANDON:
		rc = engine_abandon(t, false, &cause, action_done, NULL);
		break;
	case LIMIT_BREAK:
		rc = engine_hold(t, NULL, NULL);
		break;
	case LIMIT_DUMP:
	case LIMIT_DUMP_KILL:
	case LIMIT_DUMP_DETACH:
	case LIMIT_DUMP_ABANDON:
		if (triage_hook_dump(t, reason, &cause, action, handled, detail,
		    sizeof detail) == -1)
			log_warn("|%d of session %s: dump: %s", t->ordinal,
			    t->session->name, detail);
		break;
	}
	if (rc == -1)
		log_warn("|%d of session %s: %s: %s", t->ordinal, t->session->name,
		    limit_action_name(action), strerror(errno));
}

static void
on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct gov *g = arg;
	struct target *t;

	(void)fd;
	(void)what;
	if ((t = gov_target(g)) == NULL) {
		gov_free(g);
		return;
	}
	limit_act(g, t, "timeout", g->limits.timeout, g->limits.timeout_action,
	    g->limits.timeout_handled);
}

static void
on_break_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct gov *g = arg;
	struct target *t;

	(void)fd;
	(void)what;
	if ((t = gov_target(g)) == NULL) {
		gov_free(g);
		return;
	}
	/* handled in time: the target runs again */
	if (!target_held(t))
		return;
	limit_act(g, t, "on_break_timeout", g->limits.break_timeout,
	    g->limits.break_action, g->limits.break_handled);
}

/*
 * started: when the timeout counts from (wall clock: the join, or for a
 * re-adopted target its join before the restart); a deadline already past
 * acts at once.
 */
static struct gov *
gov_add(struct target *t, const char *origin, const struct limits *l,
    double started)
{
	struct gov *g;
	double left;

	if (l->timeout <= 0 && l->break_timeout <= 0)
		return NULL;
	if ((g = calloc(1, sizeof *g)) == NULL || (g->origin = strdup(origin)) == NULL) {
		log_warn("out of memory");
		abort();
	}
	g->target_id = t->id;
	g->pid = t->pid;
	g->limits = *l;
	HASH_ADD(hh, govs, target_id, sizeof g->target_id, g);
	/* the loop's cached time is that of the start of this iteration:
	 * the limit counts from now */
	event_base_update_cache_time(policy_base);
	if (l->timeout > 0) {
		left = started + l->timeout - model_now();
		g->timeout_ev = evtimer_new(policy_base, on_timeout, g);
		if (g->timeout_ev == NULL || delay_add(g->timeout_ev, left > 0 ? left : 0) == -1)
			log_warn("|%d: cannot arm its timeout", t->ordinal);
	}
	if (l->break_timeout > 0)
		g->break_ev = evtimer_new(policy_base, on_break_timeout, g);
	return g;
}

/* {"timeout":3,"timeout_action":"kill",...}: the limits as the policy and
 * launch events record them, for a restart to find again. */
static json_t *
limits_json(const struct limits *l)
{
	char act[2][32];

	snprintf(act[0], sizeof act[0], "%s%s", limit_action_name(l->timeout_action),
	    l->timeout_handled ? "/h" : "");
	snprintf(act[1], sizeof act[1], "%s%s", limit_action_name(l->break_action),
	    l->break_handled ? "/h" : "");
	return json_pack("{s:f, s:s, s:f, s:s}", "timeout", l->timeout,
	    "timeout_action", act[0], "on_break_timeout", l->break_timeout,
	    "break_action", act[1]);
}

/* An action word of limits_json; 0 or -1. */
static int
action_parse(const char *word, enum limit_action *action, bool *handled)
{
	int a;

	*handled = false;
	if (strcmp(word, "none") == 0)
		a = LIMIT_NONE;
	else if ((a = limit_action_parse(word, handled)) < 0)
		return -1;
	*action = (enum limit_action)a;
	return 0;
}

/* 0, or -1 when the recorded limits cannot be read. */
static int
limits_parse(json_t *j, struct limits *l)
{
	const char *ta, *ba;

	if (json_unpack(j, "{s:F, s:s, s:F, s:s}", "timeout", &l->timeout,
	    "timeout_action", &ta, "on_break_timeout", &l->break_timeout,
	    "break_action", &ba) == -1 ||
	    action_parse(ta, &l->timeout_action, &l->timeout_handled) == -1 ||
	    action_parse(ba, &l->break_action, &l->break_handled) == -1)
		return -1;
	return 0;
}

/*
 * A target re-adopted after a restart keeps the limits it had, counted from
 * when it joined, and for on_break_timeout from when it broke: its next
 * break (the fault again, once traced anew) is timed from the last one.
 */
static void
readopt_limits(struct target *t)
{
	struct store *st = model_store();
	struct limits l = { 0 };
	struct gov *g;
	json_t *detail;
	const char *origin_kind = "policy";
	char cmd[ARGV_LOG_MAX];
	char *text, origin[160];
	double joined_at, broke_at;

	if (store_target_limits(st, t->id, &text, &joined_at, &broke_at) == -1) {
		log_warn("|%d of session %s: its limits: %s", t->ordinal,
		    t->session->name, store_errmsg(st));
		return;
	}
	if (text == NULL)
		return;
	detail = json_loads(text, 0, NULL);
	free(text);
	if (json_is_string(json_object_get(detail, "target")))
		origin_kind = "target";
	if (detail == NULL || !json_is_string(json_object_get(detail, origin_kind)) ||
	    limits_parse(json_object_get(detail, "limits"), &l) == -1) {
		log_warn("|%d of session %s: its recorded limits cannot be read",
		    t->ordinal, t->session->name);
		json_decref(detail);
		return;
	}
	snprintf(origin, sizeof origin, "%s %s", origin_kind,
	    json_string_value(json_object_get(detail, origin_kind)));
	json_decref(detail);
	if ((g = gov_add(t, origin, &l, joined_at)) != NULL)
		g->broke_at = broke_at;
	log_info("|%d of session %s (pid %d, cmd: %s): keeps its limits (%s)",
	    t->ordinal, t->session->name, (int)t->pid, argv_text(t->cmdline,
	    ARGV_LOG_WIDTH, cmd, sizeof cmd), origin);
}

bool
policy_is_break(const char *kind, const char *detail)
{
	/* engine.c: a signal whose filter says break holds the target */
	return strcmp(kind, "signal") == 0 && detail != NULL &&
	    strstr(detail, "\"action\":\"break\"") != NULL;
}

/* Children inherit the limits of the target they come from; a break
 * starts the clock of on_break_timeout. */
static void
on_target_event(struct target *t, const char *kind, const char *detail)
{
	struct gov *g;

	if (strcmp(kind, "adopt") == 0) {
		readopt_limits(t);
		return;
	}
	if (govs == NULL)
		return;
	if (t->how == HOW_CHILD && strcmp(kind, "child") == 0) {
		if (t->parent_id != 0 && (g = gov_find(t->parent_id)) != NULL)
			gov_add(t, g->origin, &g->limits, model_now());
		return;
	}
	if (policy_is_break(kind, detail) && (g = gov_find(t->id)) != NULL &&
	    g->break_ev != NULL) {
		double left = g->limits.break_timeout;

		/* the first break after a restart counts from the last one before */
		if (g->broke_at > 0)
			left = g->broke_at + g->limits.break_timeout - model_now();
		g->broke_at = 0;
		event_base_update_cache_time(policy_base);
		if (delay_add(g->break_ev, left > 0 ? left : 0) == -1)
			log_warn("|%d: cannot arm its on_break_timeout", t->ordinal);
	}
}

static void
on_target_end(struct target *t, enum target_state state, int exit_code,
    int exit_signal)
{
	struct gov *g;

	(void)state;
	(void)exit_code;
	(void)exit_signal;
	if (govs != NULL && (g = gov_find(t->id)) != NULL)
		gov_free(g);
}

static void
govern(struct target *t, const char *origin_kind, const char *origin_name,
    const struct run_opts *o, double latency_ms)
{
	char origin[160], *detail;
	json_t *d = json_pack("{s:s}", origin_kind, origin_name);

	snprintf(origin, sizeof origin, "%s %s", origin_kind, origin_name);
	/* the time from the exec (the kernel's stamp) to the attach */
	if (latency_ms >= 0)
		json_object_set_new(d, "exec_to_attach_us",
		    json_integer((json_int_t)(latency_ms * 1000)));
	/* what a restart needs to keep them */
	if (o->limits.timeout > 0 || o->limits.break_timeout > 0)
		json_object_set_new(d, "limits", limits_json(&o->limits));
	detail = json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(d);
	target_event(t, strcmp(origin_kind, "target") == 0 ? "launch" : "policy",
	    detail);
	free(detail);
	if (o->childdbg && !t->childdbg)
		target_set_childdbg(t, true);
	gov_add(t, origin, &o->limits, model_now());
}

void
policy_govern(struct target *t, const char *origin_kind, const char *origin_name,
    const struct run_opts *o)
{
	govern(t, origin_kind, origin_name, o, -1);
}

/* ----------------------------------------------------------- the set */

static void
apply_session(const struct run_opts *o)
{
	struct session *s;
	int sig;

	for (sig = 1; sig <= SIGNAL_MAX; sig++)
		if (o->sig_set[sig])
			break;
	if (sig > SIGNAL_MAX && o->allstop == -1)
		return;
	if ((s = session_ensure(o->session, geteuid())) == NULL)
		return;
	for (sig = 1; sig <= SIGNAL_MAX; sig++)
		if (o->sig_set[sig] && session_set_sigaction(s, sig, o->sigact[sig]) == -1)
			log_warn("session %s: cannot set the filter of signal %d",
			    s->name, sig);
	if (o->allstop != -1 && session_set_allstop(s, o->allstop != 0) == -1)
		log_warn("session %s: cannot set allstop", s->name);
}

void
policy_init(struct event_base *base)
{
	policy_base = base;
	model_observe_events(on_target_event);
	model_observe_end(on_target_end);
}

void
policy_set(const struct config *cfg)
{
	const struct policy *pol;
	const struct launch_spec *ls;

	policies = cfg;
	TAILQ_FOREACH(pol, &cfg->policies, entry)
		if (!pol->ignore)
			apply_session(&pol->opts);
	TAILQ_FOREACH(ls, &cfg->targets, entry)
		apply_session(&ls->opts);
}

void
policy_free(void)
{
	struct gov *g, *tmp;

	HASH_ITER(hh, govs, g, tmp)
		gov_free(g);
	policies = NULL;
}
