/*
 * Unit test of daemon/log-files.c on real files in a temporary directory:
 * a rotation copies then empties the log and keeps N rotations; a reader
 * that goes on from where it was finds the rest in FILE.1 after a rotation;
 * the last lines; removal of a log and its rotations; text that is not
 * UTF-8 comes out as U+FFFD, and a sequence cut by the end is left for the
 * next read.
 */
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "log-files.h"

static char dir[64], path[PATH_MAX];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test_logfiles.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof path, "%s/s-0.log", dir);
	return 0;
}

static int
teardown(void **state)
{
	struct log_io io = { 0 };

	(void)state;
	log_files_remove(path, 10, &io);
	return rmdir(dir);
}

static void
append(const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static char *
slurp(const char *name)
{
	static char buf[65536];
	ssize_t n;
	int fd = open(name, O_RDONLY);

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

static char *
rotation(int n)
{
	char name[PATH_MAX + 8];

	snprintf(name, sizeof name, "%s.%d", path, n);
	return slurp(name);
}

static void
rotate(long long max, int keep, bool expect)
{
	struct log_io io = { .max_bytes = max, .keep = keep };

	log_files_rotate(path, &io);
	assert_string_equal(io.error, "");
	assert_int_equal(io.rotated, expect);
}

static void
test_rotation_keeps_n(void **state)
{
	(void)state;
	append("first\n");
	rotate(100, 2, false);		/* under the size: left alone */
	assert_string_equal(slurp(path), "first\n");
	rotate(3, 2, true);
	assert_string_equal(slurp(path), "");
	assert_string_equal(rotation(1), "first\n");
	append("second\n");
	rotate(3, 2, true);
	assert_string_equal(rotation(1), "second\n");
	assert_string_equal(rotation(2), "first\n");
	append("third\n");
	rotate(3, 2, true);
	assert_string_equal(rotation(1), "third\n");
	assert_string_equal(rotation(2), "second\n");
	assert_null(rotation(3));
	/* The writer's O_APPEND lands at the start of the emptied file. */
	append("fourth\n");
	assert_string_equal(slurp(path), "fourth\n");
}

static void
test_rotation_keep_zero_empties(void **state)
{
	(void)state;
	append("only\n");
	rotate(3, 0, true);
	assert_string_equal(slurp(path), "");
	assert_null(rotation(1));
}

static struct log_io
read_at(long long offset, long lines, long long rot)
{
	struct log_io io = { .offset = offset, .lines = lines, .rotation = rot };

	log_files_read(path, &io);
	assert_string_equal(io.error, "");
	return io;
}

static void
test_lines_and_offsets(void **state)
{
	struct log_io io;

	(void)state;
	append("a\nb\nc\n");
	io = read_at(-1, 2, 0);
	assert_string_equal(io.data, "b\nc\n");
	assert_int_equal(io.next, 6);
	assert_false(io.more);
	free(io.data);
	io = read_at(-1, 0, 0);		/* all */
	assert_string_equal(io.data, "a\nb\nc\n");
	free(io.data);
	io = read_at(-1, 9, 0);		/* more lines than there are */
	assert_string_equal(io.data, "a\nb\nc\n");
	free(io.data);
	append("d");			/* a last line without its newline */
	io = read_at(-1, 1, 0);
	assert_string_equal(io.data, "d");
	free(io.data);
	io = read_at(6, 0, 0);		/* going on */
	assert_string_equal(io.data, "d");
	assert_int_equal(io.next, 7);
	free(io.data);
}

static void
test_follow_across_rotation(void **state)
{
	struct log_io io;
	long long rot;

	(void)state;
	append("one\n");
	io = read_at(-1, 0, 0);
	assert_string_equal(io.data, "one\n");
	assert_int_equal(io.next_rotation, 0);
	free(io.data);
	append("two\n");		/* written, then rotated before it was read */
	rotate(3, 3, true);
	append("three\n");
	io = read_at(4, 0, 0);
	assert_string_equal(io.data, "two\n");	/* the rest, from FILE.1 */
	assert_int_equal(io.next, 0);
	assert_true(io.more);
	assert_true(io.next_rotation != 0);
	rot = io.next_rotation;
	free(io.data);
	io = read_at(0, 0, rot);	/* then the live file */
	assert_string_equal(io.data, "three\n");
	assert_int_equal(io.next_rotation, rot);
	assert_false(io.more);
	free(io.data);
}

static void
test_remove(void **state)
{
	struct log_io io = { 0 };

	(void)state;
	append("x\n");
	rotate(1, 3, true);
	append("y\n");
	rotate(1, 3, true);
	log_files_remove(path, 1, &io);	/* rotations past keep go too */
	assert_string_equal(io.error, "");
	assert_null(slurp(path));
	assert_null(rotation(1));
	assert_null(rotation(2));
}

static void
test_utf8(void **state)
{
	char out[64];
	size_t len, used;

	(void)state;
	used = log_files_utf8("h\xc3\xa9!", 4, out, &len);
	assert_int_equal(used, 4);
	assert_memory_equal(out, "h\xc3\xa9!", 4);
	used = log_files_utf8("a\xff" "b", 3, out, &len);
	assert_int_equal(used, 3);
	assert_int_equal(len, 5);
	assert_memory_equal(out, "a\xef\xbf\xbd" "b", 5);
	/* Cut by the end: left for the next read. */
	used = log_files_utf8("ab\xe2\x82", 4, out, &len);
	assert_int_equal(used, 2);
	assert_int_equal(len, 2);
	/* An overlong form and a surrogate are not UTF-8. */
	used = log_files_utf8("\xc0\xaf\xed\xa0\x80", 5, out, &len);
	assert_int_equal(used, 5);
	assert_int_equal(len, 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rotation_keeps_n, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotation_keep_zero_empties, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lines_and_offsets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_follow_across_rotation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove, setup, teardown),
		cmocka_unit_test(test_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
