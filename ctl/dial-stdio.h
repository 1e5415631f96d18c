/* tetherctl dial-stdio: relays stdin/stdout to the local daemon's socket. */
#ifndef TETHER_DIAL_STDIO_H
#define TETHER_DIAL_STDIO_H

/* Relays until the daemon or the client is done; returns an exit code
 * (TETHER_EXIT_NO_DAEMON, with a message, when it cannot connect). */
int dial_stdio(const char *socket_path);

#endif
