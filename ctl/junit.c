/*
 * report --junit FILE (junit.h). libxml2's writer does the escaping; what
 * it cannot do is make a character XML 1.0 forbids (a control character in
 * a hostile command line) legal, so text is cleaned first.
 *
 *   <testsuites name="tether" tests= failures= errors= skipped=>
 *     <testsuite name= hostname= tests= failures= errors= skipped= timestamp=>
 *       <testcase name="COMMAND LINE" classname="SESSION" time=>
 *         <failure type="crash" message="crash: ended by SIGSEGV">frames</failure>
 *         (or <error type= message=/>, <skipped message=/>, nothing: passed)
 *         <system-out>where it was, its triage files</system-out>
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/xmlwriter.h>

#include "alias.h"
#include "junit.h"
#include "proto.h"
#include "syscmd.h"

/* What the systems answered, in order: {system, host, session, targets}
 * or {system, host, down}. */
struct junit {
	json_t *suites;
	bool tagged;
};

static void collect(void *arg, const struct system *s, bool tagged, json_t *data,
    const char *why)
{
	struct junit *j = arg;
	json_t *suite = json_pack("{s:i, s:s}", "system", s->number, "host", s->host.label);

	j->tagged = tagged;
	if (suite == NULL)
		return;
	if (data == NULL)
		json_object_set_new(suite, "down", json_string(why != NULL ? why : "no answer"));
	else {
		json_object_set(suite, "session", json_object_get(data, "session"));
		json_object_set(suite, "targets", json_object_get(data, "targets"));
	}
	json_array_append_new(j->suites, suite);
}

/*
 * A copy of text (UTF-8, as jansson gives it) that XML 1.0 accepts: a
 * control character but tab and newline, and U+FFFE and U+FFFF, become '?'.
 */
static char *xml_clean(const char *text)
{
	char *copy = strdup(text != NULL ? text : ""), *p;
	unsigned char *u;

	if (copy == NULL)
		return NULL;
	for (p = copy; *p != '\0'; p++) {
		u = (unsigned char *)p;
		if ((u[0] < 0x20 && u[0] != '\t' && u[0] != '\n') || u[0] == 0x7f)
			*p = '?';
		else if (u[0] == 0xef && u[1] == 0xbf && (u[2] == 0xbe || u[2] == 0xbf)) {
			memcpy(p, "???", 3);
			p += 2;
		}
	}
	return copy;
}

/* The writer's calls: each returns < 0 on failure, counted in w->failed. */
struct out {
	xmlTextWriterPtr w;
	bool failed;
};

static void check(struct out *o, int rc)
{
	if (rc < 0)
		o->failed = true;
}

static void attr(struct out *o, const char *name, const char *value)
{
	char *clean = xml_clean(value);

	if (clean == NULL)
		o->failed = true;
	else
		check(o, xmlTextWriterWriteAttribute(o->w, BAD_CAST name, BAD_CAST clean));
	free(clean);
}

static void attr_int(struct out *o, const char *name, long long value)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%lld", value);
	attr(o, name, buf);
}

static void text(struct out *o, const char *value)
{
	char *clean = xml_clean(value);

	if (clean == NULL)
		o->failed = true;
	else
		check(o, xmlTextWriterWriteString(o->w, BAD_CAST clean));
	free(clean);
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* "#0  0x401136 crash_here+0x6 (crasher) crasher.c:20", a line each. */
static char *frames_text(const json_t *frames)
{
	char *buf = NULL;
	size_t len = 0, i;
	const json_t *fr;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	json_array_foreach(frames, i, fr) {
		fprintf(f, "#%zu  0x%llx", i,
		    (unsigned long long)json_integer_value(json_object_get(fr, "pc")));
		if (str(fr, "function") != NULL)
			fprintf(f, " %s+0x%llx", str(fr, "function"), (unsigned long long)
			    json_integer_value(json_object_get(fr, "offset")));
		if (str(fr, "module") != NULL)
			fprintf(f, " (%s)", str(fr, "module"));
		if (str(fr, "file") != NULL && json_is_integer(json_object_get(fr, "line")))
			fprintf(f, " %s:%lld", str(fr, "file"),
			    (long long)json_integer_value(json_object_get(fr, "line")));
		fputc('\n', f);
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void testcase(struct out *o, const json_t *suite, const json_t *t, double now)
{
	const char *verdict = str(t, "verdict"), *cmd = str(t, "cmdline");
	double joined = json_number_value(json_object_get(t, "joined_at"));
	json_t *ended = json_object_get(t, "ended_at");
	char when[32], *out = NULL, *frames;
	size_t outlen = 0;
	FILE *f;

	check(o, xmlTextWriterStartElement(o->w, BAD_CAST "testcase"));
	/* A target with no arguments (a zombie) by its executable. */
	attr(o, "name", cmd != NULL && cmd[0] != '\0' ? cmd : str(t, "name"));
	attr(o, "classname", str(suite, "session"));
	snprintf(when, sizeof when, "%.3f",
	    (json_is_number(ended) ? json_number_value(ended) : now) - joined);
	attr(o, "time", when);
	if (verdict != NULL && strcmp(verdict, "pass") != 0) {
		bool failure = strcmp(verdict, "failure") == 0;

		check(o, xmlTextWriterStartElement(o->w, BAD_CAST (failure ? "failure" :
		    strcmp(verdict, "error") == 0 ? "error" : "skipped")));
		if (strcmp(verdict, "skipped") != 0)
			attr(o, "type", str(t, "reason") != NULL ? str(t, "reason") : "exit");
		attr(o, "message", str(t, "message"));
		if (failure) {
			if ((frames = frames_text(json_object_get(t, "frames"))) == NULL)
				o->failed = true;
			text(o, str(t, "message"));
			text(o, "\n");
			text(o, frames);
			free(frames);
		}
		check(o, xmlTextWriterEndElement(o->w));
	}
	if ((f = open_memstream(&out, &outlen)) == NULL) {
		o->failed = true;
	} else {
		fprintf(f, "|%lld (pid %lld) of session %s",
		    (long long)json_integer_value(json_object_get(t, "ordinal")),
		    (long long)json_integer_value(json_object_get(t, "pid")),
		    str(suite, "session"));
		if (str(t, "triage") != NULL)
			fprintf(f, "\ntriage: %s", str(t, "triage"));
		if (str(t, "core") != NULL)
			fprintf(f, "\ncore: %s", str(t, "core"));
		if (fclose(f) != 0)
			o->failed = true;
		check(o, xmlTextWriterStartElement(o->w, BAD_CAST "system-out"));
		text(o, out);
		check(o, xmlTextWriterEndElement(o->w));
	}
	free(out);
	check(o, xmlTextWriterEndElement(o->w));
}

/* Counts the verdicts of a suite's targets: [tests, failures, errors, skipped]. */
static void tally(const json_t *suite, long long n[4])
{
	const json_t *t;
	const char *v;
	size_t i;

	memset(n, 0, 4 * sizeof *n);
	if (json_object_get(suite, "down") != NULL) {
		n[0] = n[2] = 1;
		return;
	}
	json_array_foreach(json_object_get(suite, "targets"), i, t) {
		v = str(t, "verdict");
		n[0]++;
		n[1] += v != NULL && strcmp(v, "failure") == 0;
		n[2] += v != NULL && strcmp(v, "error") == 0;
		n[3] += v != NULL && strcmp(v, "skipped") == 0;
	}
}

static void counts(struct out *o, const long long n[4])
{
	attr_int(o, "tests", n[0]);
	attr_int(o, "failures", n[1]);
	attr_int(o, "errors", n[2]);
	attr_int(o, "skipped", n[3]);
}

static void testsuite(struct out *o, const struct junit *j, const json_t *suite,
    const char *stamp, double now)
{
	const char *down = str(suite, "down");
	long long n[4];
	const json_t *t;
	size_t i;

	tally(suite, n);
	check(o, xmlTextWriterStartElement(o->w, BAD_CAST "testsuite"));
	/* One system: the session; a fleet: the system. */
	attr(o, "name", j->tagged || down != NULL ? str(suite, "host") : str(suite, "session"));
	attr(o, "hostname", str(suite, "host"));
	counts(o, n);
	attr(o, "timestamp", stamp);
	if (down != NULL) {
		/* The system could not say: one test in error, why. */
		check(o, xmlTextWriterStartElement(o->w, BAD_CAST "testcase"));
		attr(o, "name", "tetherd");
		attr(o, "classname", str(suite, "host"));
		check(o, xmlTextWriterStartElement(o->w, BAD_CAST "error"));
		attr(o, "type", "unreachable");
		attr(o, "message", down);
		check(o, xmlTextWriterEndElement(o->w));
		check(o, xmlTextWriterEndElement(o->w));
	}
	json_array_foreach(json_object_get(suite, "targets"), i, t)
		testcase(o, suite, t, now);
	check(o, xmlTextWriterEndElement(o->w));
}

/* The XML of every suite, into buf; 0 or -1. */
static int build(const struct junit *j, xmlBufferPtr buf, long long total[4])
{
	struct out o = { xmlNewTextWriterMemory(buf, 0), false };
	time_t now = time(NULL);
	char stamp[32] = "";
	struct tm tm;
	const json_t *suite;
	long long n[4];
	size_t i;
	int k;

	if (o.w == NULL)
		return -1;
	if (localtime_r(&now, &tm) != NULL)
		strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	memset(total, 0, 4 * sizeof *total);
	json_array_foreach(j->suites, i, suite) {
		tally(suite, n);
		for (k = 0; k < 4; k++)
			total[k] += n[k];
	}
	check(&o, xmlTextWriterSetIndent(o.w, 1));
	check(&o, xmlTextWriterStartDocument(o.w, NULL, "UTF-8", NULL));
	check(&o, xmlTextWriterStartElement(o.w, BAD_CAST "testsuites"));
	attr(&o, "name", "tether");
	counts(&o, total);
	json_array_foreach(j->suites, i, suite)
		testsuite(&o, j, suite, stamp, (double)now);
	check(&o, xmlTextWriterEndDocument(o.w));
	xmlFreeTextWriter(o.w);
	return o.failed ? -1 : 0;
}

static int write_file(const char *file, const xmlBufferPtr buf)
{
	FILE *f = fopen(file, "w");
	size_t len = (size_t)xmlBufferLength(buf);

	if (f == NULL || fwrite(xmlBufferContent(buf), 1, len, f) != len ||
	    fclose(f) != 0) {
		fprintf(stderr, "tetherctl: %s: %s\n", file, strerror(errno));
		return TETHER_EXIT_FAILED;
	}
	return TETHER_EXIT_OK;
}

/* Whether line is report, or ||SYSTEMS report, with words after it. */
static bool is_report(const char *line)
{
	line += strspn(line, " \t");
	if (strncmp(line, "||", 2) == 0) {
		line += strcspn(line, " \t");
		line += strspn(line, " \t");
	}
	return strncmp(line, "report", 6) == 0 && strchr(" \t", line[6]) != NULL &&
	    strchr(line, ';') == NULL;
}

int junit_report(struct fleet *f, char **words, int nwords, const char *since,
    const char *file)
{
	struct junit j = { json_array(), false };
	char *base = alias_join_words(nwords, words), *line = NULL;
	xmlBufferPtr buf = NULL;
	long long total[4];
	int rc;

	if (base == NULL || j.suites == NULL ||
	    (since != NULL && asprintf(&line, "%s -s '%s'", base, since) < 0)) {
		fprintf(stderr, "tetherctl: out of memory\n");
		rc = TETHER_EXIT_FAILED;
		goto out;
	}
	if (!is_report(line != NULL ? line : base)) {
		fprintf(stderr, "tetherctl: --junit and --since go with report only"
		    " (report, or ||SYSTEMS report)\n");
		rc = TETHER_EXIT_USAGE;
		goto out;
	}
	if (since != NULL && strchr(since, '\'') != NULL) {
		fprintf(stderr, "tetherctl: --since %s: not a time\n", since);
		rc = TETHER_EXIT_USAGE;
		goto out;
	}
	f->collect = collect;
	f->collect_arg = &j;
	rc = syscmd_run_line(f, line != NULL ? line : base);
	f->collect = NULL;
	if (json_array_size(j.suites) == 0)
		goto out;
	if ((buf = xmlBufferCreate()) == NULL || build(&j, buf, total) < 0) {
		fprintf(stderr, "tetherctl: %s: cannot make the XML\n", file);
		rc = TETHER_EXIT_FAILED;
	} else if (write_file(file, buf) != TETHER_EXIT_OK)
		rc = TETHER_EXIT_FAILED;
	else
		printf("%s: %lld test(s), %lld failed, %lld in error, %lld skipped\n",
		    file, total[0], total[1], total[2], total[3]);
out:
	if (buf != NULL)
		xmlBufferFree(buf);
	json_decref(j.suites);
	free(base);
	free(line);
	return rc;
}
