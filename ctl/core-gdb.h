/* tetherctl core N --gdb: gdb on a target's core, as coredumpctl gdb. */
#ifndef TETHER_CORE_GDB_H
#define TETHER_CORE_GDB_H

#include "fleet.h"

/* Runs gdb on the core of target n of the current system (which must be
 * local: gdb runs here); returns an exit code. */
int core_gdb(struct fleet *f, const char *n);

#endif
