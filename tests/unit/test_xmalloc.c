/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Allocation wrappers: they never return NULL, they check size
 * overflows before allocating, and on failure they abort with one
 * key=value line on stderr. Failures are provoked in a child process.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/xmalloc.h"

enum op { OP_CALLOC_OVF, OP_REALLOC_OVF, OP_REALLOC_OVF_PTR, OP_MALLOC_HUGE };

/* Runs op in a child with stderr captured; returns its wait status. */
static int
run_child(enum op op, char *err, size_t errsz)
{
	int fd = memfd_create("stderr", 0), st;
	ssize_t n;
	pid_t pid;

	assert_true(fd >= 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		void *p = NULL;

		dup2(fd, STDERR_FILENO);
		switch (op) {
		case OP_CALLOC_OVF:
			p = xcalloc(SIZE_MAX / 2, 3);
			break;
		case OP_REALLOC_OVF:
			p = xreallocarray(NULL, 3, SIZE_MAX / 2);
			break;
		case OP_REALLOC_OVF_PTR:
			p = xreallocarray(xmalloc(8), SIZE_MAX / 4 + 1, 4);
			break;
		case OP_MALLOC_HUGE:
			p = xmalloc(SIZE_MAX - 4096);
			break;
		}
		/* Reaching here means NULL (or junk) came back. */
		_exit(p == NULL ? 3 : 4);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	n = pread(fd, err, errsz - 1, 0);
	err[n > 0 ? n : 0] = '\0';
	close(fd);
	return st;
}

static void
expect_abort(enum op op, const char *what)
{
	char err[512], want[64];
	int st = run_child(op, err, sizeof err);

	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGABRT)
		fail_msg("child status 0x%x, stderr: %s", (unsigned)st, err);
	snprintf(want, sizeof want, "level=fatal event=out_of_memory op=%s ",
	    what);
	assert_non_null(strstr(err, want));
	assert_non_null(strchr(err, '\n'));
}

static void
test_overflow_aborts(void **state)
{
	(void)state;
	expect_abort(OP_CALLOC_OVF, "calloc-overflow");
	expect_abort(OP_REALLOC_OVF, "realloc-overflow");
	expect_abort(OP_REALLOC_OVF_PTR, "realloc-overflow");
}

/*
 * A size malloc cannot satisfy: never NULL. Plain builds abort with our
 * message; ASan's allocator may refuse first and exit with its report.
 */
static void
test_huge_malloc_never_returns_null(void **state)
{
	char err[4096];
	int st = run_child(OP_MALLOC_HUGE, err, sizeof err);

	(void)state;
	assert_false(WIFEXITED(st) && (WEXITSTATUS(st) == 3 ||
	    WEXITSTATUS(st) == 4 || WEXITSTATUS(st) == 0));
	if (WIFSIGNALED(st)) {
		assert_int_equal(WTERMSIG(st), SIGABRT);
		assert_non_null(strstr(err, "op=malloc bytes="));
	}
}

static void
test_zero_sizes(void **state)
{
	void *a = xmalloc(0), *b = xcalloc(0, 8), *c = xcalloc(8, 0);
	void *d = xreallocarray(NULL, 0, 0);

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_non_null(d);
	d = xreallocarray(d, 0, 16);
	assert_non_null(d);
	free(a);
	free(b);
	free(c);
	free(d);
}

static void
test_calloc_zeroes_and_realloc_keeps(void **state)
{
	unsigned char *p = xcalloc(100, 3);
	int *v = xreallocarray(NULL, 4, sizeof *v);

	(void)state;
	for (size_t i = 0; i < 300; i++)
		assert_int_equal(p[i], 0);
	free(p);
	for (int i = 0; i < 4; i++)
		v[i] = i * 11;
	v = xreallocarray(v, 10000, sizeof *v);
	for (int i = 0; i < 4; i++)
		assert_int_equal(v[i], i * 11);
	v[9999] = 1;
	free(v);
}

static void
test_strings(void **state)
{
	char *raw = malloc(5), *s;

	(void)state;
	s = xstrdup("numvert");
	assert_string_equal(s, "numvert");
	free(s);
	s = xstrdup("");
	assert_string_equal(s, "");
	free(s);
	s = xstrndup("numvert", 3);
	assert_string_equal(s, "num");
	free(s);
	s = xstrndup("ab", 100);
	assert_string_equal(s, "ab");
	free(s);
	/* Not NUL-terminated: xstrndup must stop at n (ASan watches). */
	assert_non_null(raw);
	memcpy(raw, "hello", 5);
	s = xstrndup(raw, 5);
	assert_string_equal(s, "hello");
	free(s);
	free(raw);
	s = xasprintf("%s=%d", "n", 42);
	assert_string_equal(s, "n=42");
	free(s);
}

static void
test_array_size(void **state)
{
	int a[7];
	char b[3][5];

	(void)state;
	(void)a;
	(void)b;
	assert_int_equal(ARRAY_SIZE(a), 7);
	assert_int_equal(ARRAY_SIZE(b), 3);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overflow_aborts),
		cmocka_unit_test(test_huge_malloc_never_returns_null),
		cmocka_unit_test(test_zero_sizes),
		cmocka_unit_test(test_calloc_zeroes_and_realloc_keeps),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_array_size),
	};

	/* prove reads TAP; an explicit CMOCKA_MESSAGE_OUTPUT still wins. */
	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);

	return cmocka_run_group_tests_name("xmalloc", tests, NULL, NULL) != 0;
}
