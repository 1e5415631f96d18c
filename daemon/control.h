/*
 * The control socket: accepts clients, checks who they are (SO_PEERCRED),
 * reads one JSON request per line, and sends each reply only once the
 * changes made for it are committed to the store (DESIGN §4: nothing is
 * acknowledged before it is durable).
 */
#ifndef TETHER_CONTROL_H
#define TETHER_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>

struct event_base;
struct store;
struct client;
struct target;

/* Makes the socket's directory if need be, and checks that it may be
 * trusted (tether_check_socket_dir): 0, or -1 with what to fix in err. */
int control_prepare_dir(const char *path, char *err, size_t errlen);
int control_init(struct event_base *base, struct store *st, const char *path,
    char *err, size_t errlen);
/* The embedded default of max_client_backlog (tether.conf(5)). */
#define CONTROL_DEFAULT_BACKLOG (16u << 20)
/* Connections in all and per uid; unsent bytes past which a client that
 * does not read is cut off. At start and reload. */
void control_set_limits(int max_connections, int max_per_uid,
    size_t max_client_backlog);
/* Stops accepting, closes every client, removes the socket. */
void control_close(void);
/* Refuses new requests from now on (the daemon is stopping); why is what
 * event followers are told at control_close ("stopped by signal 15"). */
void control_drain(const char *why);

/* Asks for the end-of-iteration commit (and the replies waiting for it). */
void control_schedule_flush(void);

/* From now on, c gets every event of the session (CONTROL_ALL_SESSIONS:
 * of every session, of the targets its user may see) as a line
 * {"event": {...}, "text": "..."} once it is committed; when the daemon
 * stops, a last line {"end": "why"}. */
#define CONTROL_ALL_SESSIONS ((int64_t)-1)
void control_subscribe(struct client *c, int64_t session_id);
/* The model's event hook: queues the event for the session's subscribers. */
void control_publish(const struct target *t, int64_t id, double at,
    const char *kind, const char *detail);

/* Queues the reply to c's request (the reference is stolen). c may have
 * gone away meanwhile: then it is dropped. Either way c is released. */
void client_reply(struct client *c, json_t *reply);

#endif
