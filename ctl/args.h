/*
 * tetherctl's command line: its own options and the words of the command.
 * Options go before the command or after it, as long as they are spelled
 * long after it (tetherctl ps --json): short options after the command word
 * are the command's own (kill -n, events -s 1h). "--" ends the options, and
 * so does the program of run and .create: the rest is the program's.
 */
#ifndef TETHER_ARGS_H
#define TETHER_ARGS_H

struct ctl_args {
	const char *socket;	/* NULL: the default */
	const char *session;	/* NULL: $TETHER_SESSION or "default" */
	int json;
	int help;		/* -h, --help: of the command, if there is one */
	int version;
	int gdb;		/* --gdb: of core N (run gdb on the core) */
	struct {		/* -H HOST and --hosts FILE, in order */
		const char *spec;
		int file;
	} *hosts;
	int nhosts;
	const char *connect_timeout;	/* --connect-timeout, as given */
	const char *junit;	/* --junit FILE: of report */
	const char *since;	/* --since TIME: of report */
	char **words;		/* the command, NULL-terminated (argv's strings) */
	int nwords;
};

/*
 * Fills a from argv. Returns 0, or an exit code with a message printed
 * (an unknown option, a missing argument: with "did you mean" when one is
 * close).
 */
int args_parse(int argc, char **argv, struct ctl_args *a);
void args_free(struct ctl_args *a);

#endif
