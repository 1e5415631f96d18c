/* Unit tests of ctl/host.c: host strings, and the ssh command for one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host.h"

static void parses(const char *spec, const char *user, const char *name,
    int port, const char *socket, const char *label)
{
	char err[256] = "";
	struct host h;

	if (host_parse(spec, &h, err, sizeof(err)) < 0)
		fail_msg("\"%s\": unexpected error: %s", spec, err);
	assert_false(h.local);
	if (user == NULL)
		assert_null(h.user);
	else
		assert_string_equal(h.user, user);
	assert_string_equal(h.name, name);
	assert_int_equal(h.port, port);
	if (socket == NULL)
		assert_null(h.socket);
	else
		assert_string_equal(h.socket, socket);
	assert_string_equal(h.spec, spec);
	assert_string_equal(h.label, label);
	host_free(&h);
}

static void refused(const char *spec, const char *want)
{
	char err[256] = "";
	struct host h;

	if (host_parse(spec, &h, err, sizeof(err)) == 0)
		fail_msg("\"%s\": accepted, expected \"%s\"", spec, want);
	assert_string_equal(err, want);
	assert_null(h.spec);
	assert_null(h.name);
}

static void test_forms(void **state)
{
	char err[64];
	struct host h;

	(void)state;
	assert_int_equal(host_parse("local", &h, err, sizeof(err)), 0);
	assert_true(h.local);
	assert_string_equal(h.label, "<Local>");
	host_free(&h);
	parses("ssh://farm1", NULL, "farm1", 0, NULL, "farm1");
	parses("ssh://ci@farm-1.example.com:2222", "ci", "farm-1.example.com", 2222,
	    NULL, "ci@farm-1.example.com:2222");
	parses("ssh://10.0.0.7/run/tether/tetherd.sock", NULL, "10.0.0.7", 0,
	    "/run/tether/tetherd.sock", "10.0.0.7/run/tether/tetherd.sock");
	parses("ssh://me@[::1]:22", "me", "::1", 22, NULL, "me@[::1]:22");
	parses("ssh://[fe80::1]/s", NULL, "fe80::1", 0, "/s", "[fe80::1]/s");
	parses("ssh://my_alias", NULL, "my_alias", 0, NULL, "my_alias");
}

/* Whatever a host string holds, it can only ever name a host: nothing in
 * it may reach ssh as an option, or a shell as code. */
static void test_hostile(void **state)
{
	(void)state;
	refused("-oProxyCommand=touch /tmp/x", "host '-oProxyCommand=touch /tmp/x': "
	    "expected ssh://[USER@]HOST[:PORT][/SOCKET] or local");
	refused("ssh://-oProxyCommand=sh", "host 'ssh://-oProxyCommand=sh': bad host name");
	refused("ssh://-oProxyCommand=touch /tmp/x", "host 'ssh://-oProxyCommand=touch /tmp/x': bad host name");
	refused("ssh://-l@host", "host 'ssh://-l@host': bad user name");
	refused("ssh://root@-p", "host 'ssh://root@-p': bad host name");
	refused("ssh://a b", "host 'ssh://a b': bad host name");
	refused("ssh://a;reboot", "host 'ssh://a;reboot': bad host name");
	refused("ssh://a$(id)", "host 'ssh://a$(id)': bad host name");
	refused("ssh://u v@h", "host 'ssh://u v@h': bad user name");
	refused("ssh://a@b@c", "host 'ssh://a@b@c': bad host name");
	refused("ssh://.hidden", "host 'ssh://.hidden': bad host name");
	refused("ssh://", "host 'ssh://': bad host name");
	refused("ssh://@h", "host 'ssh://@h': bad user name");
	refused("ssh://h:", "host 'ssh://h:': bad port");
	refused("ssh://h:0", "host 'ssh://h:0': bad port");
	refused("ssh://h:65536", "host 'ssh://h:65536': bad port");
	refused("ssh://h:-1", "host 'ssh://h:-1': bad port");
	refused("ssh://h:22x", "host 'ssh://h:22x': bad port");
	refused("ssh://[::1", "host 'ssh://[::1': bad IPv6 address");
	refused("ssh://[::1]x", "host 'ssh://[::1]x': bad IPv6 address");
	refused("ssh://[-o]", "host 'ssh://[-o]': bad IPv6 address");
	refused("ssh://h/a\nb", "host 'ssh://h/a\nb': bad socket path");
	refused("farm1", "host 'farm1': expected ssh://[USER@]HOST[:PORT][/SOCKET] or local");
	refused("", "host '': expected ssh://[USER@]HOST[:PORT][/SOCKET] or local");
}

/* The vector as one string, words between '|'. */
static char *joined(char **argv)
{
	size_t len = 1;
	char **p, *out;

	for (p = argv; *p != NULL; p++)
		len += strlen(*p) + 1;
	out = calloc(1, len);
	assert_non_null(out);
	for (p = argv; *p != NULL; p++) {
		if (p != argv)
			strcat(out, "|");
		strcat(out, *p);
	}
	return out;
}

static void argv_is(const char *spec, const struct ssh_params *p, const char *want)
{
	char err[256] = "";
	struct host h;
	char **argv, *got;

	assert_int_equal(host_parse(spec, &h, err, sizeof(err)), 0);
	argv = host_ssh_argv(&h, p);
	assert_non_null(argv);
	got = joined(argv);
	assert_string_equal(got, want);
	free(got);
	argv_free(argv);
	host_free(&h);
}

static void test_argv(void **state)
{
	struct ssh_params p = { .connect_timeout = 5, .batch = true };

	(void)state;
	argv_is("ssh://farm1", &p,
	    "ssh|-T|-x|-a|-o|BatchMode=yes|-o|ConnectTimeout=5|--|farm1|'tetherctl'|dial-stdio");
	p = (struct ssh_params){ .connect_timeout = 9, .extra = " -F /etc/x  -o  Compression=yes ",
	    .remote_ctl = "/opt/my tether/tetherctl" };
	argv_is("ssh://ci@farm2:2222/run/it's.sock", &p,
	    "ssh|-F|/etc/x|-o|Compression=yes|-T|-x|-a|-o|ConnectTimeout=9|-p|2222|-l|ci|--|farm2|"
	    "'/opt/my tether/tetherctl'|-S|'/run/it'\\''s.sock'|dial-stdio");
	p = (struct ssh_params){ .connect_timeout = 5, .batch = true };
	argv_is("ssh://[::1]:22/$(reboot)", &p,
	    "ssh|-T|-x|-a|-o|BatchMode=yes|-o|ConnectTimeout=5|-p|22|--|::1|'tetherctl'|-S|'/$(reboot)'|dial-stdio");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_argv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
