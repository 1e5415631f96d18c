/*
 * tetherd: holds many processes under ptrace at once and keeps their state
 * in SQLite. One libevent loop, one thread (DESIGN §4).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <systemd/sd-daemon.h>

#include "adopt.h"
#include "log-rotation.h"
#include "cmd.h"
#include "conf.h"
#include "control.h"
#include "engine.h"
#include "lazyfree.h"
#include "log.h"
#include "model.h"
#include "paths.h"
#include "policy.h"
#include "retention.h"
#include "store.h"
#include "triage-files.h"
#include "triage-worker.h"

static struct event_base *base;
static int detaching;		/* targets whose detach at shutdown is not over */
static bool stopping;

static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: tetherd [-htvRV] [-c file] [-S socket] [-D database] [-A age]"
	    " [-M size] [-I interval]\n"
	    "  -c, --config FILE      configuration file, tether.conf(5) (default:\n"
	    "                         none, the embedded defaults); the options\n"
	    "                         below win over it\n"
	    "  -S, --socket PATH      control socket (default: $TETHER_SOCKET, or\n"
	    "                         see tetherd(8))\n"
	    "  -D, --database PATH    SQLite database (default: under\n"
	    "                         /var/lib/tether for root, $XDG_STATE_HOME/tether\n"
	    "                         otherwise)\n"
	    "  -v, --verbose          verbose log\n"
	    "  -R, --no-readopt       do not re-adopt the targets a previous run\n"
	    "                         left live: mark them lost\n"
	    "  -A, --max-age AGE      prune history that ended more than AGE ago\n"
	    "                         (90, 30s, 15m, 12h, 30d, 2w; default: keep it)\n"
	    "  -M, --max-size SIZE    prune the oldest ended history while the\n"
	    "                         database uses more than SIZE (4096, 512K,\n"
	    "                         100M, 2G; default: no limit)\n"
	    "  -I, --interval SECS    seconds between retention checks (default 60)\n"
	    "  -t, --check            check the configuration, print what tetherd\n"
	    "                         would run with, and exit (0: good, 1: bad)\n"
	    "  -h, --help             this help\n"
	    "  -V, --version          the version\n");
	exit(status);
}

static void
shutdown_one_done(struct target *t, enum target_state state, void *arg)
{
	(void)t;
	(void)state;
	(void)arg;
	if (--detaching == 0)
		event_base_loopexit(base, NULL);
}

/*
 * SIGTERM: detach every target (they keep running), then leave the loop;
 * the store commits on close. A second SIGTERM does not wait: the kernel
 * detaches what is left when the tracer exits.
 */
static void
on_terminate(evutil_socket_t sig, short what, void *arg)
{
	struct session *s;
	struct target *t, *next;
	char why[64];

	(void)what;
	(void)arg;
	if (stopping) {
		log_info("signal %d again: exiting now", (int)sig);
		event_base_loopexit(base, NULL);
		return;
	}
	stopping = true;
	/* Under systemd (Type=notify): stopping, the targets being let go. */
	sd_notify(0, "STOPPING=1\nSTATUS=detaching every target");
	config_quiesce();	/* no more auto-attach, no more restarts */
	log_info("signal %d: detaching every target", (int)sig);
	snprintf(why, sizeof why, "the daemon stopped (%s)", strsignal((int)sig));
	control_drain(why);
	TAILQ_FOREACH(s, session_all(), entry) {
		for (t = TAILQ_FIRST(&s->targets); t != NULL; t = next) {
			next = TAILQ_NEXT(t, entry);
			detaching++;
			if (engine_detach(t, false, &(struct end_cause){ END_SHUTDOWN, -1 },
			    shutdown_one_done, NULL) == -1)
				detaching--;
		}
	}
	if (detaching == 0)
		event_base_loopexit(base, NULL);
}

static int
default_database(char *buf, size_t len)
{
	char dir[PATH_MAX];

	if (tether_default_state_dir(dir, sizeof dir) == -1)
		return -1;
	return snprintf(buf, len, "%s/tether.db", dir) >= (int)len ? -1 : 0;
}

/* tetherd -t: what this run would use, once the file has parsed. */
static int
print_settings(const struct config *cfg, const char *socket_path,
    const char *db_path, int readopt, const struct retention_params *r)
{
	static const char *const autoattach[] = {
		[AUTOATTACH_AUTO] = "auto", [AUTOATTACH_CONNECTOR] = "connector",
		[AUTOATTACH_SCAN] = "scan", [AUTOATTACH_OFF] = "off",
	};
	const struct policy *p;
	const struct launch_spec *l;

	printf("configuration: %s\n", cfg->path != NULL ? cfg->path :
	    "none (the embedded defaults)");
	printf("socket: %s\n", socket_path);
	printf("database: %s\n", db_path);
	printf("readopt: %s\n", readopt ? "yes" : "no");
	if (r->max_age > 0)
		printf("retention_age: %.0fs\n", r->max_age);
	else
		printf("retention_age: keep\n");
	if (r->max_bytes > 0)
		printf("retention_size: %lld\n", (long long)r->max_bytes);
	else
		printf("retention_size: no limit\n");
	printf("retention_interval: %.0fs\n", r->interval);
	printf("log_max_size: %lld\n", cfg->daemon.log.max_bytes);
	printf("log_rotate: %d\n", cfg->daemon.log.keep);
	printf("log_check_interval: %gs\n", cfg->daemon.log.interval);
	printf("autoattach: %s\n", autoattach[cfg->daemon.autoattach]);
	TAILQ_FOREACH(p, &cfg->policies, entry)
		printf("policy %s (line %d): %s\n", p->name, p->line,
		    p->ignore ? "ignore" : "attach");
	TAILQ_FOREACH(l, &cfg->targets, entry)
		printf("target %s (line %d): %s\n", l->name, l->line, l->argv[0]);
	if (fflush(stdout) == EOF) {
		log_warn("stdout: %s", strerror(errno));
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	char socket_path[PATH_MAX] = "", db_path[PATH_MAX] = "", logdir[PATH_MAX];
	char triagedir[PATH_MAX];
	char err[PATH_MAX + 256], *slash;
	struct event *ev_term, *ev_int;
	struct store *st;
	/* -1: not on the command line (the configuration file decides) */
	struct retention_params retention = {
		.max_age = -1, .max_bytes = -1, .interval = -1,
		.batch = RETENTION_DEFAULT_BATCH,
	};
	struct adopt_result adopted;
	struct config *cfg;
	const char *config_path = NULL;
	int readopt = -1;
	int ch, status = 1;
	bool check = false;
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 'S' },
		{ "database", required_argument, NULL, 'D' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "no-readopt", no_argument, NULL, 'R' },
		{ "max-age", required_argument, NULL, 'A' },
		{ "max-size", required_argument, NULL, 'M' },
		{ "interval", required_argument, NULL, 'I' },
		{ "check", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};

	/*
	 * No fast bins. A reply that lists thousands of targets builds and
	 * frees hundreds of thousands of small objects on the loop; glibc
	 * keeps freed small chunks in its fast bins unmerged, and the next
	 * large allocation merges them all at once (malloc_consolidate), a
	 * third of such a reply's time. tcache still serves the small ones.
	 * An allocator without fast bins (a sanitizer's) refuses: nothing is
	 * lost then.
	 */
	(void)mallopt(M_MXFAST, 0);
	while ((ch = getopt_long(argc, argv, "htvVRc:S:D:A:M:I:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			config_path = optarg;
			break;
		case 'R':
			readopt = false;
			break;
		case 'A':
			if (retention_parse_age(optarg, &retention.max_age) == -1) {
				log_warn("-A %s: not an age (90, 30s, 15m, 12h, 30d, 2w)", optarg);
				return 2;
			}
			break;
		case 'M':
			if (retention_parse_size(optarg, &retention.max_bytes) == -1) {
				log_warn("-M %s: not a size (4096, 512K, 100M, 2G)", optarg);
				return 2;
			}
			break;
		case 'I':
			if (retention_parse_age(optarg, &retention.interval) == -1 ||
			    retention.interval <= 0) {
				log_warn("-I %s: not an interval in seconds", optarg);
				return 2;
			}
			break;
		case 'S':
			snprintf(socket_path, sizeof socket_path, "%s", optarg);
			break;
		case 'D':
			snprintf(db_path, sizeof db_path, "%s", optarg);
			break;
		case 'v':
			config_force_debug();
			break;
		case 't':
			check = true;
			break;
		case 'V':
			printf("tetherd %s\n", TETHER_VERSION);
			return 0;
		case 'h':
			usage(0);
		default:
			usage(2);
		}
	}
	if (optind != argc)
		usage(2);
	/* A bad file stops the daemon here, before anything is touched. */
	if ((cfg = config_load(config_path, err, sizeof err)) == NULL) {
		fprintf(stderr, "tetherd: %s\n", err);
		return 1;
	}
	config_init(cfg, socket_path, sizeof socket_path, db_path, sizeof db_path,
	    &readopt, &retention);
	atexit(config_stop);	/* the early returns below */
	if ((socket_path[0] == '\0' &&
	    tether_default_socket(socket_path, sizeof socket_path) == -1) ||
	    (db_path[0] == '\0' && default_database(db_path, sizeof db_path) == -1)) {
		log_warn("cannot work out the default paths (is HOME set?)");
		return 2;
	}
	if (check)
		return print_settings(cfg, socket_path, db_path, readopt, &retention);
	/* Before anything is made: a directory others may change is refused. */
	if (control_prepare_dir(socket_path, err, sizeof err) == -1) {
		fprintf(stderr, "tetherd: %s\n", err);
		return 1;
	}
	/* Logs of created targets live beside the database. */
	snprintf(logdir, sizeof logdir, "%s", db_path);
	if ((slash = strrchr(logdir, '/')) != NULL)
		*slash = '\0';
	else
		snprintf(logdir, sizeof logdir, ".");
	if (strlen(logdir) + sizeof "/logs" > sizeof logdir)
		return 2;
	if (tether_mkdir_p(logdir, 0700) == -1) {
		log_warn("cannot create %s: %s", logdir, strerror(errno));
		return 1;
	}
	strcat(logdir, "/logs");
	cmd_env = (struct cmd_env){ .socket = socket_path, .database = db_path,
	    .logdir = logdir };

	/* Returning freed heap at every free costs a TLB shootdown each time
	 * on some machines; a fork storm frees a little many times. */
	if (mallopt(M_TRIM_THRESHOLD, 8 << 20) == 0)
		log_warn("mallopt failed");
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		return 1;
	if ((st = store_open(db_path, err, sizeof err)) == NULL) {
		log_warn("%s", err);
		return 1;
	}
	/* Only once the database is known to be ours: a refusal leaves the
	 * directory as it was. */
	if (tether_mkdir_p(logdir, 0700) == -1) {
		log_warn("cannot create %s: %s", logdir, strerror(errno));
		store_close(st);
		return 1;
	}
	if (cfg->daemon.triage.dir != NULL)
		snprintf(triagedir, sizeof triagedir, "%s", cfg->daemon.triage.dir);
	else
		snprintf(triagedir, sizeof triagedir, "%.*s/triage",
		    (int)(strlen(logdir) - strlen("/logs")), logdir);
	if (triage_files_init(st, triagedir, err, sizeof err) == -1) {
		log_warn("%s", err);
		triage_files_free();
		store_close(st);
		return 1;
	}
	model_init(st);
	model_set_logdir(cmd_env.logdir);
	if ((base = event_base_new()) == NULL) {
		log_warn("cannot create the event loop");
		goto out_store;
	}
	ev_term = evsignal_new(base, SIGTERM, on_terminate, NULL);
	ev_int = evsignal_new(base, SIGINT, on_terminate, NULL);
	if (ev_term == NULL || ev_int == NULL || evsignal_add(ev_term, NULL) == -1 ||
	    evsignal_add(ev_int, NULL) == -1 || engine_init(base) == -1)
		goto out_base;
	if (triage_workers_start(base, config_running()->daemon.triage.workers,
	    err, sizeof err) == -1) {
		log_warn("%s", err);
		goto out_engine;
	}
	/* What a previous run left live: the same processes are traced again,
	 * the others marked lost. Committed before anyone can ask. The
	 * policies' limits are watched first: a re-adopted target keeps its. */
	policy_init(base);
	engine_set_op_timeout(config_running()->daemon.operation_timeout);
	if (adopt_all(st, readopt, &adopted) == -1 || store_commit(st) == -1) {
		log_warn("database: %s", store_errmsg(st));
		goto out_control;
	}
	if (adopted.adopted + adopted.lost > 0)
		log_info("previous run: %d target(s) re-adopted, %d lost",
		    adopted.adopted, adopted.lost);
	/* From here the loop runs no SQL: writes are queued for the store's
	 * thread. */
	if (store_start(st, base, err, sizeof err) == -1) {
		log_warn("%s", err);
		goto out_control;
	}
	if (retention_start(base, st, &retention) == -1 ||
	    log_rotation_start(base, st, logdir) == -1 ||
	    adopt_watch_commits(base, st) == -1)
		goto out_control;
	if (lazyfree_start(err, sizeof err) == -1 ||
	    control_init(base, st, socket_path, err, sizeof err) == -1) {
		log_warn("%s", err);
		goto out_control;
	}
	model_set_event_hook(control_publish);
	if (config_start(base, err, sizeof err) == -1) {
		log_warn("%s", err);
		goto out_control;
	}
	log_info("listening on %s, database %s", socket_path, db_path);
	/* Under systemd (Type=notify): ready once clients can connect. */
	sd_notifyf(0, "READY=1\nSTATUS=listening on %s", socket_path);
	if (event_base_dispatch(base) == -1)
		log_warn("event loop failed");
	else
		status = 0;
	/* The jobs in flight (a retention pass, a query) end while what
	 * they answer still exists; later writes are made at once. */
	store_settle(st);
out_control:
	config_stop();
	retention_stop();
	log_rotation_stop();
	adopt_unwatch_commits();
	control_close();
	lazyfree_stop();
	triage_workers_stop();
out_engine:
	engine_free();
	/* What is left is written before the loop goes. */
	store_stop(st);
out_base:
	if (ev_term != NULL)
		event_free(ev_term);
	if (ev_int != NULL)
		event_free(ev_int);
	event_base_free(base);
out_store:
	if (store_commit(st) == -1) {
		log_warn("final commit: %s", store_errmsg(st));
		status = 1;
	}
	store_close(st);
	model_free();
	triage_files_free();
	config_stop();
	log_info("stopped");
	return status;
}
