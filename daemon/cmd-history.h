/*
 * What history and events share (cmd-history.c): their options, which pick
 * targets and events out of the database, live or not.
 *
 *   |N history, |~[PID] history, |. |# |*  (the prefix, as for other commands)
 *   -p PROC     a process: N or |N (ordinal, live or ended), |~[PID], |., |#
 *   -P PID      every target of the session that had system pid PID
 *   -k KINDS    events: their kinds, comma-separated (signal,exit)
 *   -S STATES   history: the targets' states, comma-separated (lost,exited)
 *   -s SINCE    events at or after SINCE; history: targets live or ended
 *               at or after SINCE
 *   -u UNTIL    events before UNTIL
 *   -A ID       events after the one with that id (for polling)
 *   -n COUNT    at most COUNT (the latest), or all; a last word COUNT too
 *   COUNT       the latest COUNT (events: default 20; history: all)
 *
 * SINCE and UNTIL: an age (90, 30s, 15m, 12h, 2d: that long ago), @EPOCH
 * (Unix seconds), or a local time: YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS],
 * "YYYY-MM-DD HH:MM[:SS]", HH:MM[:SS] (today).
 */
#ifndef TETHER_CMD_HISTORY_H
#define TETHER_CMD_HISTORY_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "cmd.h"

struct look_opts {
	int64_t session_id;	/* 0: the session has never existed */
	int ordinal;		/* -1: any */
	int pid;		/* -1: any */
	char *words;		/* JSON array of kinds (events) or states; or NULL */
	double since, until;	/* 0: no bound */
	int64_t after_id;	/* 0: none */
	long limit;		/* 0: no limit */
	bool verdict;		/* history: with history_filter.verdict's */
};

/* Parses ctx's prefix and arguments; CMD_DONE, or the error already set. */
enum cmd_result cmd_look_parse(struct cmd_ctx *ctx, bool events,
    long default_limit, struct look_opts *o);
void cmd_look_free(struct look_opts *o);
/* Runs the query (events or history) on the store's thread, in order with
 * the writes before it; print makes the reply of its rows (it owns them)
 * and returns CMD_DONE, or CMD_FAILED with the error set.
 * Takes o's words. CMD_WAIT, or CMD_FAILED with the error set. */
enum cmd_result cmd_look_query(struct cmd_ctx *ctx, struct look_opts *o,
    bool events, enum cmd_result (*print)(struct cmd_ctx *ctx, json_t *rows));

/* history and report: the targets picked by ctx's options (with
 * history_filter.verdict's keys when verdict), handed to print. */
enum cmd_result cmd_history_query(struct cmd_ctx *ctx, bool verdict,
    enum cmd_result (*print)(struct cmd_ctx *ctx, json_t *rows));

/* How a target of store_history ended (or that it has not): "exited 0",
 * "exited on SIGSEGV", "killed". */
void cmd_history_fate(const json_t *t, char *buf, size_t len);

/* "2024-05-01 10:00:03" in local time. */
void cmd_format_time(double at, char *buf, size_t len);

#endif
