/*
 * The wire protocol between tetherctl and tetherd: one JSON object per line
 * each way.
 *
 * Request:  {"session": "default", "line": "|1s", "cwd": "/home/me"}
 *           "cwd" is where the client stands, so that ".create ./prog" means
 *           what the user expects; it is optional.
 * Reply:    {"ok": true, "text": "...", "data": <json or null>}
 *           {"ok": false, "text": "...", "error": "message", "code": "usage"}
 *   "text"  what a person reads (output of the commands that ran, each line
 *           ending in '\n'; may be empty);
 *   "data"  the structured result (one command: its data; several commands
 *           joined with ';': an array, one element per command that ran);
 *   "error" why the command failed; "code" is "usage" (the command line is
 *           not valid: tetherctl exits 2) or "failed" (it is valid but could
 *           not be done: tetherctl exits 1).
 * A line longer than TETHER_MAX_LINE is refused with an error reply and the
 * connection is closed.
 */
#ifndef TETHER_PROTO_H
#define TETHER_PROTO_H

#define TETHER_MAX_LINE 65536

#define TETHER_EXIT_OK 0
#define TETHER_EXIT_FAILED 1
#define TETHER_EXIT_USAGE 2
#define TETHER_EXIT_NO_DAEMON 3

#endif
