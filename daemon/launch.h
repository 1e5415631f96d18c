/*
 * Launch at start: the [target "NAME"] sections of tether.conf, programs
 * started under trace when the daemon starts (like a supervisor's), and
 * started again when they exit if the section says restart = always or
 * on-failure. Only an exit of the program's own (state exited) restarts it:
 * a .kill, .detach, .abandon or a time limit's action does not, nor the
 * daemon's shutdown.
 */
#ifndef TETHER_LAUNCH_H
#define TETHER_LAUNCH_H

struct config;
struct event_base;

void launch_init(struct event_base *base);
/*
 * The [target]s of cfg (which must live until the next call or
 * launch_free): starts those that are new by name; those that are gone are
 * not restarted any more (they run on); those that changed take the change
 * at their next start.
 */
void launch_configure(const struct config *cfg);
/* No more restarts (shutdown). */
void launch_quiesce(void);
void launch_free(void);

#endif
