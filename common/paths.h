/* Default locations (DESIGN §5), shared so that tetherd and tetherctl agree. */
#ifndef TETHER_PATHS_H
#define TETHER_PATHS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * The control socket: $TETHER_SOCKET if set; otherwise
 * /run/tether/tetherd.sock for root, $XDG_RUNTIME_DIR/tether/tetherd.sock
 * for others, /tmp/tether-UID/tetherd.sock when XDG_RUNTIME_DIR is unset.
 * Returns 0, or -1 when the path does not fit in len.
 */
int tether_default_socket(char *buf, size_t len);

/*
 * The state directory (database, per-target logs): /var/lib/tether for root,
 * $XDG_STATE_HOME/tether or ~/.local/state/tether for others.
 * Returns 0, or -1 when the path does not fit or HOME is unknown.
 */
int tether_default_state_dir(char *buf, size_t len);

/* mkdir -p with mode for every directory it creates; 0 or -1 with errno. */
int tether_mkdir_p(const char *dir, mode_t mode);

/*
 * Whether the directory of socket_path may be trusted: not a symbolic link,
 * owned by the effective user (a client, listening false, also trusts
 * root's), writable by no one else unless sticky, and for a per-user
 * daemon (listening, not root) mode 0700. 0, or -1 with what to fix in err.
 */
int tether_check_socket_dir(const char *socket_path, bool listening,
    char *err, size_t errlen);

#endif
