/*
 * libFuzzer: tether.conf files, parsed from memory by config_load_string
 * (inih, then tetherd's own checks).
 *
 * Parsing is all or nothing: a configuration that parses holds only what
 * the rest of tetherd takes for granted; one that does not says where.
 */
#include <math.h>

#include "conf.h"
#include "fuzz.h"

#define NAME "fuzz.conf"

static void
check_opts(const struct run_opts *o)
{
	fuzz_assert(o->session != NULL && o->session[0] != '\0');
	fuzz_assert(strpbrk(o->session, " \t") == NULL);
	fuzz_assert(o->allstop >= -1 && o->allstop <= 1);
	fuzz_assert(isfinite(o->limits.timeout) && o->limits.timeout >= 0);
	fuzz_assert(isfinite(o->limits.break_timeout) && o->limits.break_timeout >= 0);
	fuzz_assert((o->limits.timeout > 0) == (o->limits.timeout_action != LIMIT_NONE));
	fuzz_assert(o->limits.break_action != LIMIT_BREAK);
}

static void
check_config(const struct config *cfg)
{
	const struct policy *pol;
	const struct launch_spec *t;
	char **w;
	int n;

	fuzz_assert(cfg->daemon.scan_interval >= 0.01 &&
	    cfg->daemon.scan_interval <= 3600);
	fuzz_assert(cfg->daemon.retention_interval > 0);
	fuzz_assert(cfg->daemon.retention_age >= 0 && cfg->daemon.retention_size >= 0);
	n = 0;
	TAILQ_FOREACH(pol, &cfg->policies, entry) {
		fuzz_assert(pol->name != NULL && pol->name[0] != '\0');
		fuzz_assert(pol->exe != NULL || pol->cmdline != NULL ||
		    pol->comm != NULL || pol->parent != NULL || pol->has_uid ||
		    pol->descendant);
		check_opts(&pol->opts);
		n++;
	}
	fuzz_assert(n == cfg->npolicies);
	n = 0;
	TAILQ_FOREACH(t, &cfg->targets, entry) {
		fuzz_assert(t->name != NULL && t->name[0] != '\0');
		fuzz_assert(t->argv != NULL && t->argv[0] != NULL);
		for (w = t->env; w != NULL && *w != NULL; w++)
			fuzz_assert(strchr(*w, '=') != NULL && (*w)[0] != '=');
		fuzz_assert(t->cwd == NULL || t->cwd[0] == '/');
		fuzz_assert(isfinite(t->restart_delay) && t->restart_delay >= 0);
		check_opts(&t->opts);
		n++;
	}
	fuzz_assert(n == cfg->ntargets);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	char err[1024] = "";
	struct config *cfg = config_load_string(NAME, text, err, sizeof err);

	if (cfg != NULL) {
		check_config(cfg);
		config_free(cfg);
	} else {
		fuzz_assert(strncmp(err, NAME ":", sizeof NAME) == 0);
	}
	free(text);
	return 0;
}
