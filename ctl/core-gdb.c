/*
 * core N --gdb, as coredumpctl gdb: the daemon writes the core (as this
 * user, decompressed) into a new private directory, gdb runs on it with
 * the target's executable, and the directory goes when gdb is done.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core-gdb.h"
#include "proto.h"

/* Runs gdb EXE CORE and waits for it; its exit status, or 1. */
static int run_gdb(const char *exe, const char *core)
{
	void (*old)(int) = signal(SIGINT, SIG_IGN);
	int status;
	pid_t pid;

	if ((pid = fork()) == -1) {
		fprintf(stderr, "tetherctl: fork: %s\n", strerror(errno));
		signal(SIGINT, old);
		return TETHER_EXIT_FAILED;
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		execlp("gdb", "gdb", exe, core, (char *)NULL);
		fprintf(stderr, "tetherctl: gdb: %s\n", strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	signal(SIGINT, old);
	return WIFEXITED(status) ? WEXITSTATUS(status) : TETHER_EXIT_FAILED;
}

int core_gdb(struct fleet *f, const char *n)
{
	const char *tmp = getenv("TMPDIR");
	char dir[PATH_MAX], core[PATH_MAX + 8], *line = NULL;
	struct reply reply = { NULL, { "null", 4 } };
	json_t *data = NULL;
	int rc;

	/* The core is written where the daemon runs; gdb runs here. */
	if (!f->sys[f->current].host.local) {
		fprintf(stderr, "tetherctl: core --gdb: system %d is not this host's "
		    "(run tetherctl there, or core N -o FILE)\n", f->current);
		return TETHER_EXIT_USAGE;
	}
	if (snprintf(dir, sizeof dir, "%s/tether-core.XXXXXX",
	    tmp != NULL && tmp[0] == '/' ? tmp : "/tmp") >= (int)sizeof dir ||
	    mkdtemp(dir) == NULL) {
		fprintf(stderr, "tetherctl: %s: %s\n", dir, strerror(errno));
		return TETHER_EXIT_FAILED;
	}
	snprintf(core, sizeof core, "%s/core", dir);
	if (strchr(core, '\'') != NULL || asprintf(&line, "core %s -o '%s'", n, core) < 0) {
		fprintf(stderr, "tetherctl: %s: cannot name it in a request\n", core);
		rmdir(dir);
		return TETHER_EXIT_FAILED;
	}
	rc = fleet_ask(f, line, &reply);
	free(line);
	if (rc == TETHER_EXIT_OK && !json_is_true(json_object_get(reply.head, "ok")))
		rc = reply_print(&reply, false, NULL);
	else if (rc == TETHER_EXIT_OK &&
	    ((data = json_loadb(reply.data.p, reply.data.len, 0, NULL)) == NULL ||
	    !json_is_string(json_object_get(data, "name")))) {
		fprintf(stderr, "tetherctl: bad reply from daemon at %s: "
		    "no executable in the reply to core\n", f->local_socket);
		rc = TETHER_EXIT_NO_DAEMON;
	}
	if (rc == TETHER_EXIT_OK)
		rc = run_gdb(json_string_value(json_object_get(data, "name")), core);
	json_decref(data);
	json_decref(reply.head);
	unlink(core);
	rmdir(dir);
	return rc;
}
