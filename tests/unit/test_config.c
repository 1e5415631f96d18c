/* tether.conf parsing: values, sections, policies, targets, and the
 * FILE:LINE of every kind of error. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conf.h"

static struct config *load_ok(const char *text)
{
	char err[512] = "";
	struct config *cfg = config_load_string("t.conf", text, err, sizeof err);

	if (cfg == NULL)
		fail_msg("%s", err);
	return cfg;
}

/* The text must be refused with exactly this message. */
static void load_bad(const char *text, const char *want)
{
	char err[512] = "";
	struct config *cfg = config_load_string("t.conf", text, err, sizeof err);

	if (cfg != NULL) {
		config_free(cfg);
		fail_msg("accepted: %s", text);
	}
	assert_string_equal(err, want);
}

static void test_defaults(void **state)
{
	char err[64];
	struct config *cfg = config_load(NULL, err, sizeof err);

	(void)state;
	assert_non_null(cfg);
	assert_null(cfg->path);
	assert_null(cfg->daemon.socket);
	assert_null(cfg->daemon.database);
	assert_int_equal(cfg->daemon.log_level, LOGLEVEL_INFO);
	assert_true(cfg->daemon.readopt);
	assert_int_equal(cfg->daemon.autoattach, AUTOATTACH_AUTO);
	assert_true(cfg->daemon.scan_interval == 1);
	assert_true(cfg->daemon.retention_age == 0);
	assert_int_equal(cfg->daemon.retention_size, 0);
	assert_int_equal(cfg->npolicies, 0);
	assert_int_equal(cfg->ntargets, 0);
	config_free(cfg);
	cfg = load_ok("; nothing but a comment\n");
	assert_int_equal(cfg->npolicies, 0);
	config_free(cfg);
}

static void test_durations(void **state)
{
	double d;

	(void)state;
	assert_int_equal(config_parse_duration("30m", &d), 0);
	assert_true(d == 1800);
	assert_int_equal(config_parse_duration("500ms", &d), 0);
	assert_true(d == 0.5);
	assert_int_equal(config_parse_duration("90", &d), 0);
	assert_true(d == 90);
	assert_int_equal(config_parse_duration("1.5h", &d), 0);
	assert_true(d == 5400);
	assert_int_equal(config_parse_duration("none", &d), 0);
	assert_true(d == 0);
	assert_int_equal(config_parse_duration("soon", &d), -1);
	assert_int_equal(config_parse_duration("5x", &d), -1);
	assert_int_equal(config_parse_duration("-5s", &d), -1);
	assert_int_equal(config_parse_duration("", &d), -1);
	assert_int_equal(config_parse_duration("9999d", &d), -1);
	/* Only plain decimals: no hex, exponent, sign, blank, inf or nan. */
	assert_int_equal(config_parse_duration("0", &d), 0);
	assert_true(d == 0);
	assert_int_equal(config_parse_duration(".5s", &d), 0);
	assert_true(d == 0.5);
	assert_int_equal(config_parse_duration("0x10", &d), -1);
	assert_int_equal(config_parse_duration("1e3", &d), -1);
	assert_int_equal(config_parse_duration("1e-9ms", &d), -1);
	assert_int_equal(config_parse_duration("+5", &d), -1);
	assert_int_equal(config_parse_duration(" 5", &d), -1);
	assert_int_equal(config_parse_duration("inf", &d), -1);
	assert_int_equal(config_parse_duration("nan", &d), -1);
	assert_int_equal(config_parse_duration("1.2.3s", &d), -1);
	assert_int_equal(config_parse_duration(".", &d), -1);
	/* Below a millisecond nothing is timed. */
	assert_int_equal(config_parse_duration("0.0001ms", &d), -1);
	assert_int_equal(config_parse_duration("1ms", &d), 0);
}

static void test_signals_and_words(void **state)
{
	const char *err = NULL;
	char **w;

	(void)state;
	assert_int_equal(config_parse_signal("SEGV"), SIGSEGV);
	assert_int_equal(config_parse_signal("sigabrt"), SIGABRT);
	assert_int_equal(config_parse_signal("10"), 10);
	assert_int_equal(config_parse_signal("RTMIN+2"), SIGRTMIN + 2);
	assert_int_equal(config_parse_signal("rtmax-0"), SIGRTMAX);
	assert_int_equal(config_parse_signal("RTMAX-30"), SIGRTMAX - 30);
	assert_int_equal(config_parse_signal("RTMAX-31"), -1);
	/* numbers past int are not cut down to a signal, nor summed past it */
	assert_int_equal(config_parse_signal("RTMIN+4294967296"), -1);
	assert_int_equal(config_parse_signal("RTMAX-4294967296"), -1);
	assert_int_equal(config_parse_signal("RTMIN+2147483647"), -1);
	assert_int_equal(config_parse_signal("RTMAX-2147483648"), -1);
	assert_int_equal(config_parse_signal("RTMIN+99999999999999999999"), -1);
	assert_int_equal(config_parse_signal("KILL"), -1);
	assert_int_equal(config_parse_signal("19"), -1);
	assert_int_equal(config_parse_signal("NOPE"), -1);
	assert_int_equal(config_parse_signal("65"), -1);

	w = config_split_words(" a 'b c' \"d \\\" e\" f\\ g ", &err);
	assert_non_null(w);
	assert_string_equal(w[0], "a");
	assert_string_equal(w[1], "b c");
	assert_string_equal(w[2], "d \" e");
	assert_string_equal(w[3], "f g");
	assert_null(w[4]);
	config_free_words(w);
	assert_null(config_split_words("a 'b", &err));
	assert_string_equal(err, "unterminated ' quote");
}

static void test_full(void **state)
{
	struct config *cfg;
	struct policy *p;
	struct launch_spec *t;

	(void)state;
	cfg = load_ok(
	    "[daemon]\n"
	    "socket = /tmp/s.sock\n"
	    "database = /tmp/d.db\n"
	    "log_level = debug\n"
	    "readopt = no\n"
	    "retention_age = 30d\n"
	    "retention_size = 100M\n"
	    "autoattach = scan\n"
	    "scan_interval = 250ms\n"
	    "\n"
	    "[policy \"skip\"]\n"
	    "action = ignore\n"
	    "cmdline = *skip*\n"
	    "\n"
	    "[policy \"py\"]   ; trailing comment\n"
	    "exe = /usr/bin/python3*\n"
	    "comm = py*\n"
	    "parent = make\n"
	    "user = 0\n"
	    "descendant = yes\n"
	    "session = farm\n"
	    "childdbg = yes\n"
	    "break = SEGV ABRT\n"
	    "notify = USR1\n"
	    "ignore = ALRM\n"
	    "allstop = yes\n"
	    "timeout = 30m dump+kill/h\n"
	    "on_break_timeout = 5m abandon\n"
	    "\n"
	    "[target \"srv\"]\n"
	    "command = /bin/server --name \"a b\"\n"
	    "   --more\n"
	    "cwd = /srv\n"
	    "environment = A=1 'B=x y'\n"
	    "restart = on-failure\n"
	    "restart_delay = 2s\n"
	    "timeout = 1h\n");
	assert_string_equal(cfg->daemon.socket, "/tmp/s.sock");
	assert_string_equal(cfg->daemon.database, "/tmp/d.db");
	assert_int_equal(cfg->daemon.log_level, LOGLEVEL_DEBUG);
	assert_false(cfg->daemon.readopt);
	assert_true(cfg->daemon.retention_age == 30 * 86400.0);
	assert_int_equal(cfg->daemon.retention_size, 100 << 20);
	assert_int_equal(cfg->daemon.autoattach, AUTOATTACH_SCAN);
	assert_true(cfg->daemon.scan_interval == 0.25);
	assert_int_equal(cfg->npolicies, 2);
	p = TAILQ_FIRST(&cfg->policies);
	assert_string_equal(p->name, "skip");
	assert_true(p->ignore);
	assert_int_equal(p->line, 11);
	p = TAILQ_NEXT(p, entry);
	assert_string_equal(p->name, "py");
	assert_false(p->ignore);
	assert_string_equal(p->exe, "/usr/bin/python3*");
	assert_string_equal(p->comm, "py*");
	assert_string_equal(p->parent, "make");
	assert_null(p->cmdline);
	assert_true(p->has_uid);
	assert_int_equal(p->uid, 0);
	assert_true(p->descendant);
	assert_string_equal(p->opts.session, "farm");
	assert_true(p->opts.childdbg);
	assert_int_equal(p->opts.allstop, 1);
	assert_true(p->opts.sig_set[SIGSEGV] && p->opts.sigact[SIGSEGV] == SIGACT_BREAK);
	assert_true(p->opts.sig_set[SIGABRT] && p->opts.sigact[SIGABRT] == SIGACT_BREAK);
	assert_true(p->opts.sig_set[SIGUSR1] && p->opts.sigact[SIGUSR1] == SIGACT_NOTIFY);
	assert_true(p->opts.sig_set[SIGALRM] && p->opts.sigact[SIGALRM] == SIGACT_IGNORE);
	assert_false(p->opts.sig_set[SIGBUS]);
	assert_true(p->opts.limits.timeout == 1800);
	assert_int_equal(p->opts.limits.timeout_action, LIMIT_DUMP_KILL);
	assert_true(p->opts.limits.timeout_handled);
	assert_true(p->opts.limits.break_timeout == 300);
	assert_int_equal(p->opts.limits.break_action, LIMIT_ABANDON);
	assert_false(p->opts.limits.break_handled);
	assert_int_equal(cfg->ntargets, 1);
	t = TAILQ_FIRST(&cfg->targets);
	assert_string_equal(t->name, "srv");
	assert_string_equal(t->argv[0], "/bin/server");
	assert_string_equal(t->argv[1], "--name");
	assert_string_equal(t->argv[2], "a b");
	assert_string_equal(t->argv[3], "--more");
	assert_null(t->argv[4]);
	assert_string_equal(t->cwd, "/srv");
	assert_string_equal(t->env[0], "A=1");
	assert_string_equal(t->env[1], "B=x y");
	assert_null(t->env[2]);
	assert_int_equal(t->restart, RESTART_ON_FAILURE);
	assert_true(t->restart_delay == 2);
	assert_string_equal(t->opts.session, "default");
	assert_true(t->opts.limits.timeout == 3600);
	assert_int_equal(t->opts.limits.timeout_action, LIMIT_KILL);
	config_free(cfg);
}

static void check_words(char **got, const char *const *want)
{
	int i;

	assert_non_null(got);
	for (i = 0; want[i] != NULL; i++) {
		assert_non_null(got[i]);
		assert_string_equal(got[i], want[i]);
	}
	assert_null(got[i]);
}

/* An indented line goes on with the value above, as inih reads it: even
 * when it holds '=' or starts with '['. */
static void test_continuation(void **state)
{
	static const char *const argv[] = { "/bin/srv", "--port=80", "[x]", NULL };
	static const char *const env[] = { "A=1", "B=2", "C=x y", NULL };
	struct config *cfg;
	struct launch_spec *t;

	(void)state;
	cfg = load_ok(
	    "[target \"t\"]\n"
	    "command = /bin/srv\n"
	    "  --port=80\n"
	    "\t[x]\n"
	    "  ; a comment, not a word\n"
	    "environment = A=1\n"
	    "  B=2 'C=x y'\n"
	    "[target \"u\"]\n"
	    "  command = /bin/u\n");
	t = TAILQ_FIRST(&cfg->targets);
	check_words(t->argv, argv);
	check_words(t->env, env);
	/* right after a header nothing is continued: the key is a key */
	t = TAILQ_NEXT(t, entry);
	assert_string_equal(t->name, "u");
	assert_string_equal(t->argv[0], "/bin/u");
	config_free(cfg);
}

static void test_errors(void **state)
{
	char long_line[400];

	(void)state;
	load_bad("x = 1\n", "t.conf:1: 'x' is outside any section");
	load_bad("[daemon]\n[nope]\n",
	    "t.conf:2: unknown section [nope] (expected daemon, policy or target)");
	load_bad("[daemon]\n[daemon]\n", "t.conf:2: second [daemon] section");
	load_bad("[policy]\n", "t.conf:1: [policy] needs a name: [policy \"NAME\"] "
	    "(letters, digits, - _ . : @ +)");
	load_bad("[policy \"a\"] junk\n", "t.conf:1: text after the section header");
	load_bad("[policy \"a\"]\ncomm=x\n[policy \"a\"]\n",
	    "t.conf:3: policy \"a\" is already defined at line 1");
	load_bad("[daemon]\nbogus = 1\n", "t.conf:2: unknown key 'bogus' in [daemon]");
	load_bad("[daemon]\nreadopt = perhaps\n",
	    "t.conf:2: readopt: expected yes or no: perhaps");
	load_bad("[daemon]\nscan_interval = 1ms\n",
	    "t.conf:2: scan_interval: expected a duration from 10ms to 1h: 1ms");
	load_bad("[policy \"p\"]\ncomm = x\ntimeout = 0x10\n",
	    "t.conf:3: timeout: expected DURATION [ACTION] (30m kill, 90s abandon, "
	    "...): 0x10");
	load_bad("[policy \"p\"]\ncomm = x\ntimeout = 1e-9ms\n",
	    "t.conf:3: timeout: expected DURATION [ACTION] (30m kill, 90s abandon, "
	    "...): 1e-9ms");
	load_bad("[daemon]\nretention_size = 0x10\n",
	    "t.conf:2: retention_size: expected a size (4096, 512K, 100M, 2G) or "
	    "unlimited: 0x10");
	load_bad("[daemon]\nretention_age = 1e3\n",
	    "t.conf:2: retention_age: expected an age (90, 30s, 15m, 12h, 30d, 2w) "
	    "or forever: 1e3");
	load_bad("[target \"t\"]\ncommand = /bin/true\nrestart = always\n"
	    "restart_delay = 0\n",
	    "t.conf:4: target \"t\": restart_delay 0s is below min_restart_delay "
	    "(1s, [daemon])");
	load_bad("[target \"t\"]\ncommand = /bin/true\nrestart = on-failure\n"
	    "[daemon]\nmin_restart_delay = 2s\n",
	    "t.conf:1: target \"t\": restart_delay 1s is below min_restart_delay "
	    "(2s, [daemon])");
	load_bad("[daemon]\nmin_restart_delay = 0\n",
	    "t.conf:2: min_restart_delay: expected a duration from 10ms to 1h: 0");
	load_bad("[daemon]\nlog_level = info\nlog_level = debug\n",
	    "t.conf:3: 'log_level' is given twice in this section");
	load_bad("\n\n[daemon]\nno equals here\n",
	    "t.conf:4: syntax error (expected [section], KEY = VALUE, or a comment "
	    "starting with ; or #)");
	load_bad("[policy \"p\"]\nsession = s\n",
	    "t.conf:1: policy \"p\" matches nothing: give at least one of exe, "
	    "cmdline, comm, user, parent, descendant");
	load_bad("[policy \"p\"]\ncomm = x\nuser = no-such-user-here\n",
	    "t.conf:3: user: no such user: no-such-user-here");
	load_bad("[policy \"p\"]\ncomm = x\nbreak = SEGV\nnotify = SEGV\n",
	    "t.conf:4: notify: SIGSEGV is also given a filter at line 3");
	load_bad("[policy \"p\"]\ncomm = x\non_break_timeout = 1m break\n",
	    "t.conf:3: on_break_timeout: the target is held already: break is no "
	    "action here");
	load_bad("[policy \"p\"]\ncomm = x\ntimeout = 1m explode\n",
	    "t.conf:3: timeout: unknown action explode (expected kill, kill/h, "
	    "detach, abandon, break, dump, dump+kill, dump+kill/h, dump+detach or "
	    "dump+abandon)");
	load_bad("[policy \"p\"]\ncomm = x\ntimeout = 1m abandon/h\n",
	    "t.conf:3: timeout: /h goes with kill and dump+kill only: abandon/h");
	load_bad("[policy \"p\"]\ncomm = x\n   more\n",
	    "t.conf:3: indented line: only command and environment go on over "
	    "several lines");
	load_bad("[target \"t\"]\ncwd = /\n", "t.conf:1: target \"t\" has no command");
	load_bad("[target \"t\"]\ncommand = 'a\n", "t.conf:2: command: unterminated ' quote");
	load_bad("[target \"t\"]\ncommand = a\nenvironment = NOEQUALS\n",
	    "t.conf:3: environment: expected NAME=VALUE: NOEQUALS");
	/* on a line of its own too (found by fuzzing) */
	load_bad("[target \"t\"]\ncommand = a\nenvironment = A=1\n  NOEQUALS\n",
	    "t.conf:4: environment: expected NAME=VALUE: NOEQUALS");
	load_bad("[target \"t\"]\ncommand = a\nenvironment = A=1\n  B=2 =x\n",
	    "t.conf:4: environment: expected NAME=VALUE: =x");
	load_bad("[target \"t\"]\ncommand = a\ncwd = relative\n",
	    "t.conf:3: cwd: expected an absolute path: relative");
	load_bad("[policy \"a\"]\ncomm = x\nsession = s\nbreak = SEGV\n"
	    "[target \"b\"]\ncommand = x\nsession = s\nnotify = SEGV\n",
	    "t.conf:5: session s: SIGSEGV has another filter in policy \"a\" (line 1)");
	/* the first error is the one reported */
	load_bad("[daemon]\nfoo = 1\n[bar]\n", "t.conf:2: unknown key 'foo' in [daemon]");
	memset(long_line, 'x', sizeof long_line);
	memcpy(long_line, "[daemon]\nsocket = /", 19);
	strcpy(long_line + sizeof long_line - 2, "\n");
	load_bad(long_line, "t.conf:2: line too long (at most 197 characters)");
}

static void test_triage_keys(void **state)
{
	struct config *cfg;

	(void)state;
	cfg = load_ok("");
	assert_int_equal(cfg->daemon.triage.workers, 2);
	assert_true(cfg->daemon.triage.zstd);
	assert_null(cfg->daemon.triage.dir);
	assert_int_equal(cfg->daemon.triage.max_process, (int64_t)4 << 30);
	assert_int_equal(cfg->daemon.triage.max_use.percent, 10);
	assert_int_equal(cfg->daemon.triage.keep_free.percent, 15);
	assert_int_equal(cfg->daemon.triage.max_per_uid, (int64_t)1 << 30);
	config_free(cfg);
	cfg = load_ok("[daemon]\ntriage_workers = 3\ntriage_dir = /var/t\n"
	    "triage_compress = none\ntriage_max_process = unlimited\n"
	    "triage_max_use = 1M\ntriage_keep_free = 20%\n"
	    "triage_max_per_uid = 64K\n");
	assert_int_equal(cfg->daemon.triage.workers, 3);
	assert_string_equal(cfg->daemon.triage.dir, "/var/t");
	assert_false(cfg->daemon.triage.zstd);
	assert_int_equal(cfg->daemon.triage.max_process, 0);
	assert_int_equal(cfg->daemon.triage.max_use.bytes, 1 << 20);
	assert_int_equal(cfg->daemon.triage.max_use.percent, 0);
	assert_int_equal(cfg->daemon.triage.keep_free.percent, 20);
	assert_int_equal(cfg->daemon.triage.max_per_uid, 64 << 10);
	config_free(cfg);
	load_bad("[daemon]\ntriage_workers = 0\n",
	    "t.conf:2: triage_workers: expected a number from 1 to 64: 0");
	load_bad("[daemon]\ntriage_dir = rel\n",
	    "t.conf:2: triage_dir: expected an absolute path: rel");
	load_bad("[daemon]\ntriage_compress = gzip\n",
	    "t.conf:2: triage_compress: expected zstd or none: gzip");
	load_bad("[daemon]\ntriage_max_per_uid = 10%\n",
	    "t.conf:2: triage_max_per_uid: expected a size (4096, 512K, 100M, 2G) "
	    "or unlimited: 10%");
	load_bad("[daemon]\ntriage_keep_free = 101%\n",
	    "t.conf:2: triage_keep_free: expected a size (4096, 512K, 100M, 2G) or a "
	    "share of the file system (10%): 101%");
	load_bad("[daemon]\ntriage_max_use = lots\n",
	    "t.conf:2: triage_max_use: expected a size (4096, 512K, 100M, 2G) or a "
	    "share of the file system (10%) or unlimited: lots");
	load_bad("[daemon]\ntriage_colour = red\n",
	    "t.conf:2: unknown key 'triage_colour' in [daemon]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_signals_and_words),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_continuation),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_triage_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
