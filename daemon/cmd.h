/*
 * The command table (DESIGN §3), in the way of tmux: one entry per command,
 * one file per command or small family (cmd-*.c). A request's line runs as a
 * queue of commands; a command that must wait for the kernel returns
 * CMD_WAIT and calls cmd_complete later, and the queue goes on from there.
 */
#ifndef TETHER_CMD_H
#define TETHER_CMD_H

#include <stdbool.h>
#include <sys/types.h>
#include <jansson.h>

#include "cmdline.h"
#include "engine.h"
#include "model.h"

struct client;
struct cmdq;

enum cmd_result { CMD_DONE, CMD_FAILED, CMD_USAGE, CMD_WAIT };

/* What a request wants in its reply (its "form", common/proto.h). */
enum cmd_form { FORM_BOTH, FORM_TEXT, FORM_DATA };

/* How the command uses a process identifier prefix ("|3 .detach"). */
enum cmd_prefix {
	PREFIX_TARGET,	/* acts on one target: the prefix's, else the current one */
	PREFIX_SELF,	/* takes any prefix and interprets it itself */
	PREFIX_NONE,	/* takes no prefix */
};

struct cmd_ctx;

/* How each command is written and what it is for: common/cmddoc.c, shared
 * with tetherctl's help. */
/* What a command needs of the request's session. */
enum cmd_session_need {
	SESSION_EXISTING,	/* one that exists, live or dormant: a name that
				 * never existed is an error (a typo) */
	SESSION_CREATE,		/* made if need be (it adds targets or settings) */
	SESSION_ANY,		/* none: the command is about the daemon */
};

struct cmd_entry {
	const char *name;
	enum cmd_session_need session;
	int min_args;
	int max_args;		/* -1: no limit */
	enum cmd_prefix prefix;
	/* Only the session's owner and root may run it: it changes or shows
	 * the session as a whole (DESIGN §6). */
	bool owner_only;
	enum cmd_result (*exec)(struct cmd_ctx *ctx);
};

struct cmd_ctx {
	struct cmdq *q;
	const struct cmd_entry *entry;
	const struct command *cmd;	/* the words, prefix included */
	const char *session_name;
	struct session *session;	/* NULL while the session does not exist */
	struct target *target;		/* PREFIX_TARGET: the one to act on */
	uid_t peer_uid;
	gid_t peer_gid;
	const char *cwd;		/* the client's, or NULL */
	int width;			/* of the client's terminal, 0: none */
};

/* Where the daemon keeps things, for the commands that show or use them. */
struct cmd_env {
	const char *socket;
	const char *database;
	const char *logdir;
};
extern struct cmd_env cmd_env;

/* The usage line of e, from the shared table of commands (cmddoc.h). */
const char *cmd_usage(const struct cmd_entry *e);
/* The entry named name, or NULL; and the table's entries by index (NULL
 * past the last). */
const struct cmd_entry *cmd_find(const char *name);
const struct cmd_entry *cmd_table_entry(size_t i);

/* Runs the command line of one request for client c; the reply is sent
 * with client_reply when the last command is over. */
struct request;
void cmdq_start(struct client *c, uid_t uid, gid_t gid, const struct request *req);

/* c has gone away: the operations its request waits for are cancelled
 * (they fail for the reason why) and no further command of it runs. */
void cmdq_cancel_client(struct client *c, const char *why);

/* Output of the command being run: text lines and structured data. Each
 * is dropped when the request's form leaves it out. */
void cmd_print(struct cmd_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cmd_set_data(struct cmd_ctx *ctx, json_t *data);	/* steals */
/* Whether the reply carries text, data: a command whose output is costly
 * (|* of thousands of targets) makes only what is wanted. */
bool cmd_wants_text(const struct cmd_ctx *ctx);
bool cmd_wants_data(const struct cmd_ctx *ctx);
enum cmd_result cmd_error(struct cmd_ctx *ctx, enum cmd_result kind,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Finishes a command that returned CMD_WAIT. */
void cmd_complete(struct cmd_ctx *ctx, enum cmd_result result);

/* The client the command runs for. */
struct client *cmd_client(struct cmd_ctx *ctx);
/* events -f, and -a: of every session (cmd-follow.c). */
enum cmd_result cmd_events_follow(struct cmd_ctx *ctx, bool all);

/* Fails the command: the request's session has never existed. */
enum cmd_result cmd_no_such_session(struct cmd_ctx *ctx);
/* The session, created if need be (for commands that add targets). */
struct session *cmd_session(struct cmd_ctx *ctx);
/* The target named by id (PROCID_NONE: the current one); NULL with the
 * error already set. cmd_lookup is for looking, cmd_target for acting: it
 * also checks the client's credentials. */
struct target *cmd_lookup(struct cmd_ctx *ctx, const struct procid *id);
struct target *cmd_target(struct cmd_ctx *ctx, const struct procid *id);
/* Whether arg is one of the /h and /n options of .detach, .kill and
 * .abandon; *deliver is set for /n. */
bool cmd_handling_flag(const char *arg, bool *deliver);
/* Whether the client is root or the session's owner (a session not made
 * yet will be the client's); else sets the error. */
bool cmd_owns_session(struct cmd_ctx *ctx);
/* Whether the client may act on t (DESIGN §6). */
bool cmd_may_act(const struct cmd_ctx *ctx, const struct target *t);
/* Prints the dormant line when s has no live target (besides one about to
 * end, counted by ending). */
void cmd_print_dormant(struct cmd_ctx *ctx, const struct session *s, int ending);

/*
 * Starts an operation on every live target of the session that the client
 * may act on and that has none in progress; when all are over, calls finish
 * with how many ended in state success. cause: the client's (killed or
 * detached, by its uid). Returns CMD_WAIT.
 */
typedef int (*cmd_all_start)(struct target *t, const struct end_cause *cause,
    op_done_fn done, void *arg);
typedef void (*cmd_all_finish)(struct cmd_ctx *ctx, int count);
enum cmd_result cmd_for_all(struct cmd_ctx *ctx, cmd_all_start start,
    enum target_state success, cmd_all_finish finish);

/*
 * Files a command makes for its client go where the client may write, owned
 * by it (DESIGN §6): opened (mode 0600, never through a final symbolic
 * link) and removed with the client's file system ids. file is relative to
 * the client's directory; path gets the whole name. -1 (errno) as open(2)
 * and unlink(2).
 */
int cmd_open_as_client(const struct cmd_ctx *ctx, const char *file, int flags,
    char *path, size_t pathlen);
int cmd_unlink_as_client(const struct cmd_ctx *ctx, const char *path);

/* The status line and data of a target that has just joined. */
void cmd_print_joined(struct cmd_ctx *ctx, const struct target *t);

/* The entries, defined in the cmd-*.c files. */
extern const struct cmd_entry cmd_status_entry, cmd_select_entry;
extern const struct cmd_entry cmd_detach_entry;
extern const struct cmd_entry cmd_kill_entry;
extern const struct cmd_entry cmd_childdbg_entry;
extern const struct cmd_entry cmd_attach_entry;
extern const struct cmd_entry cmd_create_entry;
extern const struct cmd_entry cmd_go_entry, cmd_go_handled_entry, cmd_go_unhandled_entry;
extern const struct cmd_entry cmd_abandon_entry;
extern const struct cmd_entry cmd_breakin_entry, cmd_allstop_entry;
extern const struct cmd_entry cmd_sx_entry, cmd_sxe_entry, cmd_sxd_entry,
    cmd_sxn_entry, cmd_sxi_entry;
extern const struct cmd_entry cmd_threads_entry;
extern const struct cmd_entry cmd_stack_entry, cmd_stacks_entry;
extern const struct cmd_entry cmd_cores_entry, cmd_core_entry;
extern const struct cmd_entry cmd_logs_entry;
extern const struct cmd_entry cmd_dotdump_entry, cmd_dump_entry;
extern const struct cmd_entry cmd_quit_entry, cmd_quit_detach_entry;
extern const struct cmd_entry cmd_daemon_status_entry, cmd_events_entry;
extern const struct cmd_entry cmd_history_entry;
extern const struct cmd_entry cmd_report_entry;
extern const struct cmd_entry cmd_reload_entry;

#endif
