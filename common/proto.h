/*
 * The wire protocol between tetherctl and tetherd: one JSON object per line
 * each way.
 *
 * Request:  {"session": "default", "line": "|1s", "cwd": "/home/me",
 *            "form": "text"}
 *           "cwd" is where the client stands, so that ".create ./prog" means
 *           what the user expects; it is optional.
 *           "width" (optional) is the width of the client's terminal in
 *           columns: the text shortens command lines to fit it (0 or
 *           absent: whole; at most TETHER_MAX_WIDTH).
 *           "form" is what the client will use of the reply: "text" (the
 *           reply has no "data") or "data" (no "text"); without it, both.
 *           The daemon makes only what is asked for: for "|*" of thousands
 *           of targets, either one costs as much as the round trip.
 * Reply:    {"ok": true, "text": "...", "data": <json or null>}
 *           {"ok": false, "text": "...", "error": "message", "code": "usage"}
 *   "text"  what a person reads (output of the commands that ran, each line
 *           ending in '\n'; may be empty);
 *   "data"  the structured result (one command: its data; several commands
 *           joined with ';': an array, one element per command that ran);
 *   "error" why the command failed; "code" is "usage" (the command line is
 *           not valid: tetherctl exits 2) or "failed" (it is valid but could
 *           not be done: tetherctl exits 1);
 *   "follow" true when the lines that follow the reply are events
 *           (events -f);
 *   "unrecorded" present when what the commands did took effect but some
 *           of it could not be written to the database (a full disk): why.
 *           tetherctl says so and exits 4 (when nothing failed).
 * "data" is compact JSON, as jansson encodes it: tetherctl --json prints it
 * as it came.
 * A line longer than TETHER_MAX_LINE is refused with an error reply and the
 * connection is closed.
 */
#ifndef TETHER_PROTO_H
#define TETHER_PROTO_H

#define TETHER_MAX_LINE 65536
#define TETHER_MAX_WIDTH 4096

#define TETHER_EXIT_OK 0
#define TETHER_EXIT_FAILED 1
#define TETHER_EXIT_USAGE 2
#define TETHER_EXIT_NO_DAEMON 3
#define TETHER_EXIT_UNRECORDED 4

#endif
