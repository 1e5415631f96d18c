/*
 * libFuzzer: a request line as the control socket takes it, decoded by
 * request_decode, then its command line parsed as the command queue does.
 */
#include "cmdline.h"
#include "fuzz.h"
#include "proto.h"
#include "request.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct request req;
	struct command_list list;
	const char *perr = NULL;
	char err[256] = "";

	/* control.c refuses a longer line before decoding it. */
	if (size > TETHER_MAX_LINE)
		return 0;
	if (request_decode((const char *)data, size, &req, err, sizeof err) == -1) {
		fuzz_assert(req.json == NULL);
		fuzz_assert(strncmp(err, "malformed request: ", 19) == 0);
		return 0;
	}
	fuzz_assert(req.json != NULL && req.line != NULL && req.session != NULL);
	fuzz_assert(req.session[0] != '\0');
	fuzz_assert(req.form == FORM_BOTH || req.form == FORM_TEXT ||
	    req.form == FORM_DATA);
	if (cmdline_parse(req.line, &list, &perr) == 0)
		cmdline_free(&list);
	else
		fuzz_assert(perr != NULL && perr[0] != '\0');
	request_free(&req);
	return 0;
}
