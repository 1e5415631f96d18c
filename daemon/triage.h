/*
 * Hang and crash triage (issue 7): the stacks and core of targets that the
 * engine has paused, and the one-shot triage of a target and its gathered
 * children (the `dump` command, and the `dump` timeout actions of the
 * policies).
 */
#ifndef TETHER_TRIAGE_H
#define TETHER_TRIAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <jansson.h>

#include "model.h"

/* What `dump` does once the stacks (and cores) are written. */
enum triage_then {
	TRIAGE_THEN_NONE,	/* nothing: every target goes on as it was */
	TRIAGE_THEN_KILL,	/* .kill each target of the tree (/h) */
	TRIAGE_THEN_DETACH,	/* .detach each (/h) */
	TRIAGE_THEN_ABANDON,	/* .abandon each (/h) */
};
const char *triage_then_name(enum triage_then then);
/* -1 when word is none of "none", "kill", "detach", "abandon". */
int triage_then_parse(const char *word);

struct triage_opts {
	bool core;		/* also a core file per target */
	enum triage_then then;
	const char *reason;	/* recorded with the events: "command",
				 * "timeout", "break_timeout", ... (copied) */
	uid_t owner;		/* whose share of the triage space the files
				 * take (triage-files.h) */
	bool deliver;		/* then kill, detach, abandon as /n (an
				 * outstanding signal is delivered), else /h */
	struct end_cause cause;	/* why then ends each target, and who asked */
};

/*
 * How a triage went, for its done callback (valid during the call only):
 *   data  {"reason": S, "file": TEXT FILE or null, "then": "kill",
 *          "processes": [{"ordinal", "pid", "name", "threads": [...],
 *                         "core": PATH or null, "error": S (when some
 *                         step failed), "outcome": "killed" | "detached"
 *                         | "abandoned" | "exited" | "running" |
 *                         "stopped"}]}
 *   text  the lines `dump` prints (stacks included), '\n'-separated
 *   ok    false when nothing could be walked, or the text file could not
 *         be written; error then says why
 */
struct triage_report {
	const json_t *data;
	const char *text;
	bool ok;
	const char *error;
};
typedef void (*triage_done_fn)(const struct triage_report *r, void *arg);

/*
 * Triage of t and the targets gathered from it (those of its session whose
 * chain of parent targets leads to t): pauses each (engine_pause), walks
 * every thread, writes a core file of each when opts->core, resumes each
 * as it was (a held target stays held), records a `triage` event per
 * target (detail: reason, file, core, then, threads with their frames),
 * writes all the stacks to a text file in the triage directory
 * (SESSION-ORDINAL-YYYYmmdd-HHMMSS.txt, cores .ORDINAL.core beside it, or
 * .ORDINAL.core.zst compressed), bounded as triage-files.h says, then performs opts->then on each target and calls done (may be NULL)
 * when all of that is over. done may be called before triage_dump returns.
 *
 * Meant for the policies' timeout actions too: triage_dump(t,
 * &(struct triage_opts){ .core = true, .then = TRIAGE_THEN_KILL,
 * .reason = "timeout" }, NULL, NULL, err, sizeof err).
 *
 * 0, or -1 with a message in err when it cannot start (no memory, or the
 * triage directory cannot be made); done is then not called.
 */
int triage_dump(struct target *t, const struct triage_opts *opts,
    triage_done_fn done, void *arg, char *err, size_t errlen);

#endif
