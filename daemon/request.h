/*
 * A request of the wire protocol (common/proto.h), decoded from the line the
 * client sent: what control.c hands to the command queue. Decoding is a pure
 * function of the bytes, so that it can be tested and fuzzed alone.
 */
#ifndef TETHER_REQUEST_H
#define TETHER_REQUEST_H

#include <stddef.h>
#include <jansson.h>

#include "cmd.h"

struct request {
	json_t *json;		/* the decoded object: owns the strings below */
	const char *session;	/* "default" when the request names none */
	const char *line;	/* the command line */
	const char *cwd;	/* the client's directory, or NULL */
	enum cmd_form form;
	int width;		/* of the client's terminal; 0: none */
};

/*
 * Decodes the len bytes at buf (one line, without its '\n'). Returns 0, or
 * -1 with the message for the client in err ("malformed request: ...") and
 * nothing to free.
 */
int request_decode(const char *buf, size_t len, struct request *req,
    char *err, size_t errlen);
void request_free(struct request *req);

#endif
