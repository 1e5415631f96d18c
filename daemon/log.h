/* tetherd logs to stderr (it runs in the foreground, systemd style). */
#ifndef TETHER_LOG_H
#define TETHER_LOG_H

/* 1: debug too; 0: info and warnings; -1: warnings only. */
void log_set_verbose(int verbose);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
