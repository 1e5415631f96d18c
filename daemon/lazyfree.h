/*
 * Big JSON trees dropped off the event loop, as Redis's lazyfree drops big
 * values: a reply of |* over 10,000 targets is some 200,000 jansson
 * objects, and freeing them on the loop took a third of that reply's time
 * (26 of 80 ms under perf), time in which no stopped process is resumed.
 * The loop hands the tree to a thread of its own and goes on; the thread
 * drops it. jansson's reference counts are atomic, so a subtree that the
 * loop still holds is only counted down there, never freed.
 */
#ifndef TETHER_LAZYFREE_H
#define TETHER_LAZYFREE_H

#include <stddef.h>
#include <jansson.h>

/* Below this many bytes of JSON, a tree is freed where it is: handing it
 * over costs more. */
#define LAZYFREE_MIN_BYTES	(256 * 1024)

/* Starts the thread; without it (it could not start, or it has stopped)
 * lazyfree_json frees at once. */
int lazyfree_start(char *err, size_t errlen);

/* Takes the caller's reference to j; a tree of fewer than
 * LAZYFREE_MIN_BYTES bytes (encoded_bytes, as sent) is dropped at once. */
void lazyfree_json(json_t *j, size_t encoded_bytes);

/* Drops what is still queued and ends the thread. */
void lazyfree_stop(void);

#endif
