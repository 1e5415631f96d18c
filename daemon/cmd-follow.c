/* events -f [-a]: the connection becomes a live stream of the session's
 * debug events (-a: of every session), each sent once it is committed. */
#include <string.h>

#include "cmd.h"
#include "control.h"

enum cmd_result
cmd_events_follow(struct cmd_ctx *ctx, bool all)
{
	struct session *s;

	if (all) {
		control_subscribe(cmd_client(ctx), CONTROL_ALL_SESSIONS);
		cmd_set_data(ctx, json_pack("{s:n, s:b}", "session", "follow", 1));
		return CMD_DONE;
	}
	if ((s = cmd_session(ctx)) == NULL)
		return cmd_error(ctx, CMD_FAILED, "cannot create session %s", ctx->session_name);
	control_subscribe(cmd_client(ctx), s->id);
	cmd_set_data(ctx, json_pack("{s:s, s:b}", "session", s->name, "follow", 1));
	return CMD_DONE;
}
