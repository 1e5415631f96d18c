/* tetherctl logs (see logs.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logs.h"
#include "proto.h"
#include "reply.h"

/* How long -f waits before asking again (tail -f waits a second). */
#define FOLLOW_POLL_NS (200 * 1000 * 1000L)
#define MAX_WORDS 16

/* Appends word to buf, single-quoted when it holds anything but plain
 * characters, so that the daemon sees one word. 0, or -1 when full. */
static int add_word(char *buf, size_t len, const char *word)
{
	size_t n = strlen(buf);
	const char *p;

	if (word[strspn(word, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789|-_.")] == '\0' && word[0] != '\0')
		return snprintf(buf + n, len - n, " %s", word) < (int)(len - n) ? 0 : -1;
	if (n + 4 >= len)
		return -1;
	buf[n++] = ' ';
	buf[n++] = '\'';
	for (p = word; *p != '\0'; p++) {
		if (n + 6 >= len)
			return -1;
		if (*p == '\'') {
			memcpy(buf + n, "'\\''", 4);
			n += 4;
		} else
			buf[n++] = *p;
	}
	buf[n++] = '\'';
	buf[n] = '\0';
	return 0;
}

/* Prints one piece: its text as it is, or with --json its data. */
static void print_piece(struct fleet *f, const struct reply *r, json_t *data)
{
	const json_t *text = json_object_get(data, "data");

	if (f->json)
		printf("%.*s\n", (int)r->data.len, r->data.p);
	else if (json_string_length(text) > 0)
		fwrite(json_string_value(text), 1, json_string_length(text), stdout);
	fflush(stdout);
}

static int run(struct fleet *f, int argc, char **argv)
{
	/* first: the words but -f; again: those but the ones that say where
	 * to start (-n, -c, -r), which the pieces after the first replace. */
	char first[1024] = "logs", again[1024] = "logs", line[1100];
	struct reply reply;
	json_t *data;
	bool follow = false, start;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-f") == 0) {
			follow = true;
			continue;
		}
		start = i + 1 < argc && (strcmp(argv[i], "-n") == 0 ||
		    strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "-r") == 0);
		if (add_word(first, sizeof first, argv[i]) == -1 ||
		    (start && add_word(first, sizeof first, argv[i + 1]) == -1) ||
		    (!start && add_word(again, sizeof again, argv[i]) == -1)) {
			fprintf(stderr, "tetherctl: logs: the line is too long\n");
			return TETHER_EXIT_USAGE;
		}
		i += start;
	}
	snprintf(line, sizeof line, "%s", first);
	for (;;) {
		if ((rc = fleet_ask(f, line, &reply)) != TETHER_EXIT_OK)
			return rc;
		if (!json_is_true(json_object_get(reply.head, "ok"))) {
			rc = reply_print(&reply, false, NULL);
			json_decref(reply.head);
			return rc;
		}
		data = json_loadb(reply.data.p, reply.data.len, 0, NULL);
		if (!json_is_integer(json_object_get(data, "next")) ||
		    !json_is_integer(json_object_get(data, "rotation"))) {
			fprintf(stderr, "tetherctl: logs: bad reply from the daemon\n");
			json_decref(data);
			json_decref(reply.head);
			return TETHER_EXIT_NO_DAEMON;
		}
		print_piece(f, &reply, data);
		snprintf(line, sizeof line, "%s -c %lld -r %lld", again,
		    (long long)json_integer_value(json_object_get(data, "next")),
		    (long long)json_integer_value(json_object_get(data, "rotation")));
		rc = !json_is_true(json_object_get(data, "more")) &&
		    (!follow || !json_is_true(json_object_get(data, "live")));
		if (!rc && !json_is_true(json_object_get(data, "more")))
			nanosleep(&(struct timespec){ 0, FOLLOW_POLL_NS }, NULL);
		json_decref(data);
		json_decref(reply.head);
		if (rc)
			return TETHER_EXIT_OK;
	}
}

bool logs_line(struct fleet *f, const char *line, int *status)
{
	char *copy, *words[MAX_WORDS + 1], *save = NULL, *w;
	int n = 0;

	line += strspn(line, " \t");
	if (strncmp(line, "logs", 4) != 0 || (line[4] != '\0' && line[4] != ' ' &&
	    line[4] != '\t') || strpbrk(line, ";'\"\\") != NULL)
		return false;
	if ((copy = strdup(line)) == NULL) {
		fprintf(stderr, "tetherctl: out of memory\n");
		*status = TETHER_EXIT_FAILED;
		return true;
	}
	for (w = strtok_r(copy, " \t", &save); w != NULL && n < MAX_WORDS;
	    w = strtok_r(NULL, " \t", &save))
		words[n++] = w;
	words[n] = NULL;
	if (w != NULL) {
		fprintf(stderr, "tetherctl: logs: too many words\n");
		*status = TETHER_EXIT_USAGE;
	} else
		*status = run(f, n, words);
	free(copy);
	return true;
}
