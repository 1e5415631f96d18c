/* Printing the daemon's replies (reply.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "reply.h"

int reply_parse(const char *line, size_t len, struct reply *r)
{
	struct jscan s;
	struct jspan key, value;
	json_t *name, *member;
	int rc;

	if ((r->head = json_object()) == NULL ||
	    jscan_open(&s, line, len) < 0 || !s.object)
		return -1;
	r->data = (struct jspan){ "null", 4 };
	while ((rc = jscan_next(&s, &key, &value)) == 1) {
		if (jspan_is(key, "\"data\"")) {
			r->data = value;
			continue;
		}
		name = json_loadb(key.p, key.len, JSON_DECODE_ANY, NULL);
		member = json_loadb(value.p, value.len, JSON_DECODE_ANY, NULL);
		rc = json_is_string(name) && member != NULL ?
		    json_object_set_new(r->head, json_string_value(name), member) : -1;
		json_decref(name);
		if (rc < 0)
			return -1;
	}
	return rc;
}

bool reply_follows(const struct reply *r)
{
	return json_is_true(json_object_get(r->head, "ok")) &&
	    json_is_true(json_object_get(r->head, "follow"));
}

/* One JSON line: as it came, or wrapped in the tag as member key. */
static void print_span(struct jspan span, const struct tag *tag, const char *key)
{
	if (tag != NULL)
		printf("%s\"%s\":", tag->json, key);
	fwrite(span.p, 1, span.len, stdout);
	fputs(tag != NULL ? "}\n" : "\n", stdout);
}

/* Data of a ';' line is an array, one element per command: a line each. */
static void print_data(struct jspan data, const struct tag *tag)
{
	struct jscan s;
	struct jspan elem;

	if (jscan_open(&s, data.p, data.len) < 0 || s.object) {
		print_span(data, tag, "data");
		return;
	}
	while (jscan_next(&s, NULL, &elem) == 1)
		print_span(elem, tag, "data");
}

/* text as lines, each after the tag's mark. */
static void print_text(const char *text, const struct tag *tag)
{
	const char *p, *nl;

	if (tag == NULL) {
		printf("%s%s", text, text[strlen(text) - 1] == '\n' ? "" : "\n");
		return;
	}
	for (p = text; *p != '\0'; p = nl + (*nl != '\0')) {
		nl = p + strcspn(p, "\n");
		printf("%s%.*s\n", tag->text, (int)(nl - p), p);
	}
}

int reply_print(const struct reply *r, bool json, const struct tag *tag)
{
	const json_t *ok = json_object_get(r->head, "ok");
	const char *text = json_string_value(json_object_get(r->head, "text"));
	const char *error, *code, *unrecorded;

	if (!json_is_boolean(ok))
		return -1;
	if (json && (json_is_true(ok) || !jspan_is(r->data, "null")))
		print_data(r->data, tag);
	else if (!json && text != NULL && text[0] != '\0')
		print_text(text, tag);
	fflush(stdout);
	/* Done, but not all of it is in the database. */
	unrecorded = json_string_value(json_object_get(r->head, "unrecorded"));
	if (unrecorded != NULL)
		fprintf(stderr, "tetherctl: %sdone, but not recorded: %s\n",
		    tag != NULL ? tag->err : "", unrecorded);
	if (json_is_true(ok))
		return unrecorded != NULL ? TETHER_EXIT_UNRECORDED : TETHER_EXIT_OK;
	error = json_string_value(json_object_get(r->head, "error"));
	code = json_string_value(json_object_get(r->head, "code"));
	fprintf(stderr, "tetherctl: %s%s\n", tag != NULL ? tag->err : "",
	    error != NULL ? error : "failed");
	if (code != NULL && strcmp(code, "usage") == 0)
		return TETHER_EXIT_USAGE;
	return TETHER_EXIT_FAILED;
}

int reply_print_event(const char *line, bool json, const struct tag *tag,
    char *end, size_t endlen)
{
	json_t *msg, *ev;
	const char *text;
	char *enc;

	if ((msg = json_loads(line, 0, NULL)) == NULL)
		return -1;
	ev = json_object_get(msg, "event");
	text = json_string_value(json_object_get(msg, "text"));
	/* The daemon's last line: why the stream ends. */
	if (json_is_string(json_object_get(msg, "end"))) {
		snprintf(end, endlen, "%s", json_string_value(json_object_get(msg, "end")));
		json_decref(msg);
		return 1;
	}
	if (json && ev != NULL) {
		enc = json_dumps(ev, JSON_COMPACT | JSON_ENCODE_ANY);
		if (enc != NULL)
			print_span((struct jspan){ enc, strlen(enc) }, tag, "event");
		free(enc);
	} else if (!json && text != NULL)
		printf("%s%s\n", tag != NULL ? tag->text : "", text);
	fflush(stdout);
	json_decref(msg);
	return 0;
}
