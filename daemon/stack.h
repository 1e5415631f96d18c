/*
 * Stacks of stopped threads (k, ~*k, |*~*k, dump), unwound by elfutils'
 * libdw on a triage worker: the registers are those the loop read while the
 * threads were held in a ptrace-stop (coredump_capture), the memory is read
 * through /proc/PID/mem.
 *
 * A walk is a JSON object, the structured form --json carries and the
 * triage events store:
 *   {"pid": P, "threads": [{"tid": T, "frames": [FRAME...]}, ...]}
 * a thread that could not be unwound (at all, or past some frame) also has
 * "error": "why". A FRAME is
 *   {"pc": N, "function": S|null, "offset": N, "module": S|null,
 *    "file": S|null, "line": N|null}
 * pc is the frame's address (the return address for the callers);
 * function + offset is where it lies (offset from the symbol, or from the
 * module's start when there is no symbol, or 0 when there is no module
 * either); module is the path of the mapped object ("[vdso: P]" for the
 * vDSO); file and line come from the debug information, when there is some.
 */
#ifndef TETHER_STACK_H
#define TETHER_STACK_H

#include <stddef.h>
#include <sys/types.h>
#include <jansson.h>

#include "coredump.h"

#define STACK_MAX_FRAMES 256

/* Once, before the first walk and before any worker thread starts. */
void stack_init(void);

/*
 * Unwinds threads[0..n) of process pid (procfd: its /proc/PID directory),
 * which must stay stopped meanwhile. Never fails as a whole: what could not
 * be read is said in "error" members. Reads only /proc: any thread may
 * call it.
 */
json_t *stack_walk(int procfd, pid_t pid, const struct coredump_thread *threads,
    size_t n);

/*
 * The text of a walk, one call of emit per line (no newline):
 *   .  0  id: 4312.4312
 *    #  address             call site
 *   00  0x000055d0c1a2b1c9  stacker!hang_here+0x1d [/src/stacker.c @ 31]
 * The thread line has the mark '.' for the leader and the thread's index
 * (its place in the walk); without a symbol the call site is module+0xOFF,
 * without a module the bare address.
 */
typedef void (*stack_emit_fn)(void *arg, const char *line);
void stack_format(const json_t *walk, stack_emit_fn emit, void *arg);
/* The call site of one frame ("stacker!hang_here+0x1d [/src/s.c @ 31]"). */
void stack_frame_site(const json_t *frame, char *buf, size_t len);

#endif
