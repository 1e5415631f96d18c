/*
 * The configuration file, tether.conf(5): an INI file read with inih.
 * Every key has an embedded default, so tetherd runs with no file at all.
 *
 *   [daemon]            socket, database, log level, re-adoption, retention,
 *                       auto-attach mode
 *   [policy "NAME"]     which new processes to attach (or ignore), into which
 *                       session, with which options; in file order, first
 *                       match wins
 *   [target "NAME"]     a program started under trace when the daemon starts
 *
 * Parsing is all or nothing: config_load returns a complete configuration
 * or NULL with "FILE:LINE: message" in err, and changes nothing else.
 */
#ifndef TETHER_CONF_H
#define TETHER_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/types.h>
#include <jansson.h>

#include "model.h"

struct event_base;

/* What a timeout does to a target (timeout, on_break_timeout). */
enum limit_action {
	LIMIT_NONE,
	LIMIT_KILL,
	LIMIT_DETACH,
	LIMIT_ABANDON,
	LIMIT_BREAK,	/* hold it for triage (engine_hold) */
	LIMIT_DUMP,	/* triage: stacks and a core file; it goes on */
	LIMIT_DUMP_KILL,	/* triage, then kill */
	LIMIT_DUMP_DETACH,	/* triage, then detach */
	LIMIT_DUMP_ABANDON,	/* triage, then abandon */
};
const char *limit_action_name(enum limit_action a);
/* An action word, "kill/h" and "dump+kill/h" included (*handled set):
 * -1 when unknown, -2 for a /h that is not of a kill. */
int limit_action_parse(const char *word, bool *handled);

/* Hang and crash limits of a target (seconds; 0: none). A kill (kill,
 * dump+kill) delivers the outstanding signal of a held target first (.kill
 * /n: a held crash ends by its signal) unless the action was written with
 * /h (kill/h, dump+kill/h: suppressed, the process ends by SIGKILL). */
struct limits {
	double timeout;
	enum limit_action timeout_action;
	bool timeout_handled;
	double break_timeout;
	enum limit_action break_action;
	bool break_handled;
};

/* Options a policy or a [target] gives the targets it makes. */
struct run_opts {
	char *session;
	bool childdbg;
	int allstop;				/* -1: not set */
	bool sig_set[SIGNAL_MAX + 1];		/* the signal has a filter here */
	enum sig_action sigact[SIGNAL_MAX + 1];
	struct limits limits;
};

struct policy {
	char *name;
	int line;		/* of the section header */
	bool ignore;		/* action = ignore: an exclusion rule */
	char *exe;		/* globs (fnmatch), or NULL */
	char *cmdline;
	char *comm;
	char *parent;		/* the parent process's name (comm) */
	bool has_uid;
	uid_t uid;
	bool descendant;	/* of a live target */
	struct run_opts opts;
	TAILQ_ENTRY(policy) entry;
};
TAILQ_HEAD(policy_list, policy);

enum restart_mode { RESTART_NO, RESTART_ON_FAILURE, RESTART_ALWAYS };

struct launch_spec {
	char *name;
	int line;
	char **argv;		/* NULL-terminated */
	char *cwd;		/* NULL: tetherd's */
	char **env;		/* NULL-terminated KEY=VALUE added to tetherd's */
	bool has_user;
	uid_t uid;
	gid_t gid;
	enum restart_mode restart;
	double restart_delay;
	int restart_delay_line;	/* where it was given, or 0 */
	struct run_opts opts;
	TAILQ_ENTRY(launch_spec) entry;
};
TAILQ_HEAD(launch_list, launch_spec);

enum autoattach_mode { AUTOATTACH_AUTO, AUTOATTACH_CONNECTOR, AUTOATTACH_SCAN,
	AUTOATTACH_OFF };

/* log_level */
enum { LOGLEVEL_WARNING, LOGLEVEL_INFO, LOGLEVEL_DEBUG };

/* A space: bytes, or a percentage of the file system's size. */
struct space {
	int64_t bytes;		/* 0 and percent 0: no limit */
	int percent;
};

/* The triage workers and files (the triage_* keys of [daemon]). */
struct triage_conf {
	int workers;		/* threads that walk stacks and write cores */
	char *dir;		/* NULL: triage/ beside the database */
	bool zstd;		/* compress the cores */
	int64_t max_process;	/* memory to dump above which: stacks only (0: any) */
	struct space max_use;	/* all triage files together */
	struct space keep_free;	/* left free on the file system */
	int64_t max_per_uid;	/* the triage files of one uid (0: no limit) */
};

struct daemon_conf {
	char *socket;		/* NULL: the built-in default */
	char *database;		/* NULL: the built-in default */
	int log_level;
	bool readopt;		/* re-adopt targets of a previous run (issue 5) */
	double retention_age;	/* seconds; 0: keep history forever */
	int64_t retention_size;	/* bytes; 0: no limit */
	double retention_interval;	/* seconds between retention checks */
	enum autoattach_mode autoattach;
	double scan_interval;	/* seconds */
	double min_restart_delay;	/* seconds: no [target] restarts sooner */
	int max_connections;		/* clients at once, in all */
	int max_connections_per_user;	/* ... of one uid */
	int64_t max_client_backlog;	/* unsent bytes before a client is cut off */
	double operation_timeout;	/* seconds an operation waits for stops */
	struct triage_conf triage;
};

struct config {
	char *path;		/* NULL: no file, the defaults */
	struct daemon_conf daemon;
	struct policy_list policies;
	int npolicies;
	struct launch_list targets;
	int ntargets;
};

/* Parses path (NULL: the defaults only). NULL with "FILE:LINE: msg" in err. */
struct config *config_load(const char *path, char *err, size_t errlen);
/* The same from a string, named name in messages (unit tests). */
struct config *config_load_string(const char *name, const char *text,
    char *err, size_t errlen);
void config_free(struct config *cfg);

/* Value parsers, shared with the unit tests: 0, or -1 when malformed. */
int config_parse_duration(const char *s, double *secs);
int config_parse_bool(const char *s, bool *b);
int config_parse_signal(const char *s);		/* number, or -1 */
/* Splits shell-like words ('single', "double", backslash); NULL on error. */
char **config_split_words(const char *s, const char **err);
void config_free_words(char **words);

/*
 * The running configuration.
 *
 * config_init makes cfg (from config_load) the configuration of this run,
 * merged with the command line, which wins: socket and database are filled
 * in when empty (""), readopt when -1, the retention parameters when
 * negative (interval: when not above 0); the command line's values are kept
 * for reloads. config_start (once the event loop, the store and the control
 * socket are up) starts what it asks for: auto-attach, the [target]s, and
 * reloading on SIGHUP; -1 with err when it cannot (the connector demanded
 * but unavailable). config_reload re-reads the file: the new configuration
 * replaces the running one only when it parses and starts whole; otherwise
 * err says why and nothing changed. config_quiesce stops auto-attach and
 * restarts (shutdown); config_stop frees it all (before the event base),
 * and may be called more than once.
 */
struct retention_params;
void config_init(struct config *cfg, char *socket, size_t socketlen,
    char *database, size_t databaselen, int *readopt,
    struct retention_params *retention);
int config_start(struct event_base *base, char *err, size_t errlen);
int config_reload(char *err, size_t errlen);
void config_quiesce(void);
void config_stop(void);
const struct config *config_running(void);
/* -v: debug logging whatever log_level says. */
void config_force_debug(void);

/* For the status command (cmd-reload.c): prints the configuration file and
 * the auto-attach mode when ctx is not NULL, adds "config", "autoattach"
 * and "policies" to data when data is not NULL. */
struct cmd_ctx;
void config_status(struct cmd_ctx *ctx, json_t *data);

#endif
