/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Pseudonyms: stable within an epoch, different across epochs, the old
 * key gone from its file after rotation, the key file refused when
 * others can read it or when it is not ours to replace, no number in
 * it, no collisions over a block of Mali numbers, and not the hash of
 * the number under a key anybody could guess.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/limits.h"
#include "routing/crypto.h"
#include "routing/pseudo.h"

#define WEEK (7 * 86400)
/* A Monday 00:00 UTC is not needed: epochs align on multiples of len. */
#define T0 ((int64_t)2900 * WEEK + 12345)

struct fx {
	char dir[64];
	char path[96];
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	if (f == NULL || cry_init() != 0)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/nv-pseudo-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/pseudonym.key", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* The whole key file, NUL-terminated (caller frees). */
static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "r");
	char *s = calloc(1, 4096);
	size_t n;

	assert_non_null(fp);
	assert_non_null(s);
	n = fread(s, 1, 4095, fp);
	fclose(fp);
	if (len != NULL)
		*len = n;
	return s;
}

static void
spit(const char *path, const char *s, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static struct pseudo *
must_open(const char *path, int64_t now)
{
	char *cause = NULL;
	struct pseudo *p = pseudo_open(path, WEEK, now, &cause);

	if (p == NULL)
		fail_msg("pseudo_open: %s", cause);
	return p;
}

static void
test_same_epoch_same_pseudonym(void **state)
{
	struct fx *f = *state;
	struct pseudo *p = must_open(f->path, T0);
	uint8_t a[PSEUDO_LEN], b[PSEUDO_LEN], c[PSEUDO_LEN], d[PSEUDO_LEN];
	struct stat st;
	char *cause = NULL;

	pseudo_of(p, "22370000041", a);
	pseudo_of(p, "22370000041", b);
	assert_memory_equal(a, b, PSEUDO_LEN);
	/* The '+' of E.164 makes no second pseudonym. */
	pseudo_of(p, "+22370000041", c);
	assert_memory_equal(a, c, PSEUDO_LEN);
	pseudo_of(p, "22370000042", d);
	assert_memory_not_equal(a, d, PSEUDO_LEN);
	/* Epochs align on multiples of their length since 1970. */
	assert_int_equal(pseudo_epoch_end(p), (T0 / WEEK + 1) * WEEK);
	/* A second within the epoch: nothing changes. */
	assert_int_equal(pseudo_rotate(p, pseudo_epoch_end(p) - 1, &cause),
	    0);
	pseudo_of(p, "22370000041", b);
	assert_memory_equal(a, b, PSEUDO_LEN);
	pseudo_free(p);

	/* The file is 0600, and a restart in the same epoch keeps the key. */
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	p = must_open(f->path, T0 + 3600);
	pseudo_of(p, "22370000041", b);
	assert_memory_equal(a, b, PSEUDO_LEN);
	pseudo_free(p);
}

static void
test_rotation_changes_and_forgets(void **state)
{
	struct fx *f = *state;
	struct pseudo *p = must_open(f->path, T0);
	uint8_t a[PSEUDO_LEN], b[PSEUDO_LEN];
	char *before, *after, oldhex[65], *cause = NULL;
	int64_t end = pseudo_epoch_end(p);

	pseudo_of(p, "22370000041", a);
	before = slurp(f->path, NULL);
	assert_int_equal(sscanf(before, "pseudonym %*d %*d %64s", oldhex), 1);
	assert_int_equal(strlen(oldhex), 64);

	assert_int_equal(pseudo_rotate(p, end, &cause), 0);
	assert_null(cause);
	assert_int_equal(pseudo_epoch_end(p), end + WEEK);
	pseudo_of(p, "22370000041", b);
	assert_memory_not_equal(a, b, PSEUDO_LEN);

	/* The old key is nowhere in the file, and no temporary is left. */
	after = slurp(f->path, NULL);
	assert_null(strstr(after, oldhex));
	{
		char tmp[128];

		snprintf(tmp, sizeof tmp, "%s.tmp", f->path);
		assert_int_equal(access(tmp, F_OK), -1);
	}
	{
		char want[64];

		snprintf(want, sizeof want, "pseudonym %lld %d ",
		    (long long)end, WEEK);
		assert_memory_equal(after, want, strlen(want));
	}
	pseudo_free(p);

	/* Restarting in the new epoch gives the new pseudonyms. */
	p = must_open(f->path, end + 10);
	pseudo_of(p, "22370000041", a);
	assert_memory_equal(a, b, PSEUDO_LEN);
	pseudo_free(p);

	/* Restarting after the epoch ended, without rotate: a new key. */
	p = must_open(f->path, end + 3 * WEEK);
	pseudo_of(p, "22370000041", a);
	assert_memory_not_equal(a, b, PSEUDO_LEN);
	assert_int_equal(sscanf(after, "pseudonym %*d %*d %64s", oldhex), 1);
	free(after);
	after = slurp(f->path, NULL);
	assert_null(strstr(after, oldhex));
	pseudo_free(p);
	free(before);
	free(after);
}

static void
test_world_readable_refused(void **state)
{
	struct fx *f = *state;
	struct pseudo *p = must_open(f->path, T0);
	char *cause = NULL, *before;
	static const mode_t bad[] = { 0644, 0640, 0604, 0660, 0602 };

	pseudo_free(p);
	before = slurp(f->path, NULL);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(chmod(f->path, bad[i]), 0);
		p = pseudo_open(f->path, WEEK, T0, &cause);
		assert_null(p);
		assert_non_null(cause);
		assert_non_null(strstr(cause, "chmod 600"));
		assert_non_null(strstr(cause, f->path));
		free(cause);
		cause = NULL;
		/* Refused means left alone, even in a later epoch. */
		p = pseudo_open(f->path, WEEK, T0 + 5 * WEEK, &cause);
		assert_null(p);
		free(cause);
		cause = NULL;
		{
			char *now = slurp(f->path, NULL);

			assert_string_equal(now, before);
			free(now);
		}
	}
	free(before);
}

/* Another key file given by mistake is neither used nor replaced. */
static void
test_foreign_file_refused(void **state)
{
	struct fx *f = *state;
	static const char *const bad[] = {
		"store 1 00112233445566778899aabbccddeeff00112233445566778899"
		"aabbccddeeff\n",
		"pseudonym 1 604800 0011\n",
		"pseudonym 1 604800 00112233445566778899aabbccddeeff0011223344"
		"5566778899aabbccddeeffXX\n",
		"pseudonym -5 604800 00112233445566778899aabbccddeeff0011223344"
		"5566778899aabbccddeeff\n",
		"",
	};
	char *cause = NULL;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *now;

		spit(f->path, bad[i], 0600);
		assert_null(pseudo_open(f->path, WEEK, T0, &cause));
		assert_non_null(cause);
		assert_non_null(strstr(cause, "not a pseudonym key file"));
		free(cause);
		cause = NULL;
		now = slurp(f->path, NULL);
		assert_string_equal(now, bad[i]);
		free(now);
	}
	/* Bad arguments. */
	assert_null(pseudo_open(f->path, 3600, T0, &cause));
	free(cause);
	cause = NULL;
	assert_null(pseudo_open(f->path, NV_PSEUDO_EPOCH_MAX_S + 1, T0,
	    &cause));
	free(cause);
	cause = NULL;
	assert_null(pseudo_open(f->path, WEEK, -1, &cause));
	free(cause);
}

/* A rotation that cannot write keeps the old key in use and says why. */
static void
test_rotate_failure_keeps_old(void **state)
{
	struct fx *f = *state;
	struct pseudo *p = must_open(f->path, T0);
	uint8_t a[PSEUDO_LEN], b[PSEUDO_LEN];
	char tmp[128], *cause = NULL, *before = slurp(f->path, NULL), *now;
	int64_t end = pseudo_epoch_end(p);

	pseudo_of(p, "22370000041", a);
	/* A directory where the temporary file goes (works as root too). */
	snprintf(tmp, sizeof tmp, "%s.tmp", f->path);
	assert_int_equal(mkdir(tmp, 0700), 0);
	assert_int_equal(pseudo_rotate(p, end, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "cannot write"));
	free(cause);
	assert_int_equal(pseudo_epoch_end(p), end);
	pseudo_of(p, "22370000041", b);
	assert_memory_equal(a, b, PSEUDO_LEN);
	now = slurp(f->path, NULL);
	assert_string_equal(now, before);
	free(now);
	/* Once the obstacle is gone, the next try works. */
	assert_int_equal(rmdir(tmp), 0);
	cause = NULL;
	assert_int_equal(pseudo_rotate(p, end, &cause), 0);
	pseudo_of(p, "22370000041", b);
	assert_memory_not_equal(a, b, PSEUDO_LEN);
	free(before);
	pseudo_free(p);
}

static int
cmp16(const void *a, const void *b)
{
	return memcmp(a, b, PSEUDO_LEN);
}

/*
 * 10,000 consecutive numbers: all pseudonyms distinct; the key file
 * holds none of the numbers, in any form.
 */
static void
test_block_distinct_and_file_clean(void **state)
{
	struct fx *f = *state;
	struct pseudo *p = must_open(f->path, T0);
	uint8_t (*pn)[PSEUDO_LEN] = calloc(10000, PSEUDO_LEN);
	char num[16], *file;

	assert_non_null(pn);
	for (unsigned i = 0; i < 10000; i++) {
		snprintf(num, sizeof num, "2237000%04u", i);
		pseudo_of(p, num, pn[i]);
	}
	qsort(pn, 10000, PSEUDO_LEN, cmp16);
	for (unsigned i = 1; i < 10000; i++)
		assert_memory_not_equal(pn[i - 1], pn[i], PSEUDO_LEN);
	pseudo_free(p);
	file = slurp(f->path, NULL);
	for (unsigned i = 0; i < 10000; i += 97) {
		snprintf(num, sizeof num, "7000%04u", i);
		assert_null(strstr(file, num));
	}
	assert_null(strstr(file, "223"));
	free(file);
	free(pn);
}

/*
 * A pseudonym is not the hash of the number under a key anyone can
 * guess: a build that never loaded its key (all zeros) or keyed the
 * hash with its context string would fail here. crypto.h exposes no
 * unkeyed hash, so BLAKE2b or SHA-256 of the bare number is not
 * compared (not written as a skipped test: tests/check counts the
 * "not ok # SKIP" of cmocka's TAP as a failure); a keyed hash under a
 * zero key is what an unloaded key would give.
 */
static void
test_not_guessable_hash(void **state)
{
	struct fx *f = *state;
	struct pseudo *p = must_open(f->path, T0);
	uint8_t pn[PSEUDO_LEN], h[CRY_HASH_LEN], zero[CRY_KEY_LEN] = { 0 };
	uint8_t ctxkey[CRY_KEY_LEN] = { 0 };
	static const char *const ctxs[] = { "numvert pseudonym v1", "" };
	struct cry_hash ch;

	memcpy(ctxkey, "numvert pseudonym v1", 20);
	pseudo_of(p, "22370000041", pn);
	for (size_t i = 0; i < 2; i++) {
		cry_hash_init(&ch, zero, ctxs[i]);
		cry_hash_field(&ch, "22370000041", 11);
		cry_hash_final(&ch, h);
		assert_memory_not_equal(pn, h, PSEUDO_LEN);
		cry_hash_init(&ch, ctxkey, ctxs[i]);
		cry_hash_field(&ch, "22370000041", 11);
		cry_hash_final(&ch, h);
		assert_memory_not_equal(pn, h, PSEUDO_LEN);
	}
	pseudo_free(p);
}

static void
test_str(void **state)
{
	uint8_t pn[PSEUDO_LEN];
	char s[PSEUDO_STR];

	(void)state;
	memset(pn, 0, sizeof pn);
	assert_string_equal(pseudo_str(pn, s), "p-aaaaaaaaaaaaaaaaaaaaaaaa");
	memset(pn, 0xff, sizeof pn);
	assert_string_equal(pseudo_str(pn, s), "p-777777777777777777777777");
	/* RFC 4648 §10: BASE32("fooba") = "MZXW6YTB". */
	memcpy(pn, "foobafoobafooba", 15);
	assert_ptr_equal(pseudo_str(pn, s), s);
	assert_string_equal(s, "p-mzxw6ytbmzxw6ytbmzxw6ytb");
	assert_int_equal(strlen(s) + 1, PSEUDO_STR);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_same_epoch_same_pseudonym,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_rotation_changes_and_forgets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_world_readable_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_file_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotate_failure_keeps_old,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_block_distinct_and_file_clean, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_guessable_hash,
		    setup, teardown),
		cmocka_unit_test(test_str),
	};

	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);

	return cmocka_run_group_tests_name("pseudo", tests, NULL, NULL) != 0;
}
