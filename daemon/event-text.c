#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "argv-text.h"
#include "event-text.h"

const char *const event_kinds[] = {
	"create", "attach", "child", "exec", "signal", "exit", "detach", "kill",
	"abandon", "adopt", "lost", "breakin", "continue", "timeout", "triage",
	"release",
	NULL,
};

void
event_text(const json_t *ev, int width, char *buf, size_t len)
{
	const json_t *ord = json_object_get(ev, "ordinal");
	const char *kind = json_string_value(json_object_get(ev, "kind"));
	char when[32], ordinal[24], *detail;
	json_t *brief = NULL;
	time_t at = (time_t)json_number_value(json_object_get(ev, "at"));
	struct tm tm;

	localtime_r(&at, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	if (json_is_integer(ord))
		snprintf(ordinal, sizeof ordinal, "|%lld", (long long)json_integer_value(ord));
	else
		snprintf(ordinal, sizeof ordinal, "-");
	/* A triage's stacks are in --json and in its file: say where that is,
	 * and how many threads it holds. */
	if (kind != NULL && strcmp(kind, "triage") == 0 &&
	    json_is_object(json_object_get(ev, "detail"))) {
		brief = json_deep_copy(json_object_get(ev, "detail"));
		json_object_set_new(brief, "threads", json_integer((json_int_t)
		    json_array_size(json_object_get(brief, "threads"))));
	}
	detail = json_dumps(brief != NULL ? brief : json_object_get(ev, "detail"),
	    JSON_COMPACT | JSON_ENCODE_ANY);
	snprintf(buf, len, "%s  %-5s %-8s %s", when, ordinal, kind != NULL ? kind : "?",
	    detail != NULL && json_object_get(ev, "detail") != NULL &&
	    !json_is_null(json_object_get(ev, "detail")) ? detail : "");
	free(detail);
	json_decref(brief);
	argv_text_append(buf, len, ARGV_LABEL,
	    json_string_value(json_object_get(ev, "cmdline")), width);
}
