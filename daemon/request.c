/*
 * Decoding a request line: JSON with jansson, then the members the protocol
 * knows, each checked for its type. Members it does not know are ignored,
 * so that a newer tetherctl can add some.
 */
#include <stdio.h>
#include <string.h>

#include "proto.h"
#include "request.h"

/* The request's "form": false when it names none the protocol knows. */
static bool
request_form(const json_t *form, enum cmd_form *out)
{
	const char *name = json_string_value(form);

	if (form == NULL)
		*out = FORM_BOTH;
	else if (name != NULL && strcmp(name, "text") == 0)
		*out = FORM_TEXT;
	else if (name != NULL && strcmp(name, "data") == 0)
		*out = FORM_DATA;
	else
		return false;
	return true;
}

int
request_decode(const char *buf, size_t len, struct request *req, char *err,
    size_t errlen)
{
	json_t *json, *session, *line, *cwd, *width;
	json_error_t jerr;

	memset(req, 0, sizeof *req);
	if ((json = json_loadb(buf, len, 0, &jerr)) == NULL) {
		snprintf(err, errlen, "malformed request: %s", jerr.text);
		return -1;
	}
	session = json_object_get(json, "session");
	line = json_object_get(json, "line");
	cwd = json_object_get(json, "cwd");
	width = json_object_get(json, "width");
	if (!json_is_object(json) || !json_is_string(line) ||
	    (session != NULL && !json_is_string(session)) ||
	    (cwd != NULL && !json_is_string(cwd))) {
		snprintf(err, errlen, "malformed request: expected {\"session\": "
		    "string, \"line\": string, \"cwd\": string}");
	} else if (!request_form(json_object_get(json, "form"), &req->form)) {
		snprintf(err, errlen,
		    "malformed request: \"form\" is \"text\" or \"data\"");
	} else if (width != NULL && (!json_is_integer(width) ||
	    json_integer_value(width) < 0 ||
	    json_integer_value(width) > TETHER_MAX_WIDTH)) {
		snprintf(err, errlen, "malformed request: \"width\" is a number"
		    " of columns from 0 to %d", TETHER_MAX_WIDTH);
	} else if (session != NULL && json_string_length(session) == 0) {
		snprintf(err, errlen, "malformed request: empty session name");
	} else {
		req->json = json;
		req->session = session != NULL ? json_string_value(session) : "default";
		req->line = json_string_value(line);
		req->cwd = cwd != NULL ? json_string_value(cwd) : NULL;
		req->width = width != NULL ? (int)json_integer_value(width) : 0;
		return 0;
	}
	json_decref(json);
	return -1;
}

void
request_free(struct request *req)
{
	json_decref(req->json);
	memset(req, 0, sizeof *req);
}
