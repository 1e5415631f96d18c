/*
 * Auto-attach: sees new processes as they exec and hands each to the
 * policies (policy_consider).
 *
 *   connector  the kernel's process events connector (netlink
 *              NETLINK_CONNECTOR, CN_IDX_PROC, PROC_EVENT_EXEC): every
 *              exec on the system, as it happens. Needs CAP_NET_ADMIN
 *              (root).
 *   scan       /proc listed every scan_interval: a pid not seen before, or
 *              one whose executable changed since the last pass, is new.
 *              The first pass only learns what runs already.
 *   off        no policies, or autoattach = off.
 *
 * [daemon] autoattach = auto takes the connector when tetherd is root and
 * it can subscribe, else scanning. Nothing here blocks: the netlink socket
 * is non-blocking and read from the event loop.
 */
#ifndef TETHER_AUTOATTACH_H
#define TETHER_AUTOATTACH_H

#include <stddef.h>

struct config;
struct event_base;

/* (Re)starts in the mode cfg asks for; off when cfg has no policies. On
 * failure (-1, message in err) what ran before runs on unchanged. */
int autoattach_configure(struct event_base *base, const struct config *cfg,
    char *err, size_t errlen);
void autoattach_stop(void);

/* "connector", "scan" or "off". */
const char *autoattach_mode(void);
/* Seconds between scans (scan mode), else 0. */
double autoattach_interval(void);
/* One line for status: "connector", "scan every 1s", "off (no policies)". */
void autoattach_describe(char *buf, size_t len);

#endif
