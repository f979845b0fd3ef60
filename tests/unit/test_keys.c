/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * routing/crypto and routing/keys: sealing binds its associated data,
 * keyed hashes separate fields and keys, and the key file is refused
 * whenever others could read it or it is malformed, with the reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "routing/crypto.h"
#include "routing/keys.h"

static char dir[] = "/tmp/nv-keys-XXXXXX";

static char *
path_of(const char *name)
{
	static char p[256];

	snprintf(p, sizeof p, "%s/%s", dir, name);
	return p;
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *fp;

	unlink(path);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(chmod(path, mode), 0);
}

static void
test_seal_binds_associated_data(void **state)
{
	uint8_t key[CRY_KEY_LEN], other[CRY_KEY_LEN], out[64];
	uint8_t sealed[sizeof "cache au puits" + CRY_SEAL_OVERHEAD];
	uint8_t again[sizeof sealed];
	const char *msg = "cache au puits";

	(void)state;
	cry_random(key, sizeof key);
	memcpy(other, key, sizeof key);
	other[0] ^= 1;
	cry_seal(key, "report1", 7, msg, strlen(msg) + 1, sealed);
	assert_null(memmem(sealed, sizeof sealed, "puits", 5));
	assert_int_equal(cry_open(key, "report1", 7, sealed, sizeof sealed,
	    out), 0);
	assert_string_equal((char *)out, msg);
	/* Another row, another key, a flipped bit: nothing opens. */
	assert_int_equal(cry_open(key, "report2", 7, sealed, sizeof sealed,
	    out), -1);
	assert_int_equal(cry_open(other, "report1", 7, sealed, sizeof sealed,
	    out), -1);
	sealed[sizeof sealed - 1] ^= 0x80;
	assert_int_equal(cry_open(key, "report1", 7, sealed, sizeof sealed,
	    out), -1);
	assert_int_equal(cry_open(key, "report1", 7, sealed,
	    CRY_SEAL_OVERHEAD - 1, out), -1);
	/* A fresh nonce each time: the same text seals differently. */
	cry_seal(key, "report1", 7, msg, strlen(msg) + 1, again);
	sealed[sizeof sealed - 1] ^= 0x80;
	assert_memory_not_equal(sealed, again, sizeof sealed);
}

static void
hash2(const uint8_t *key, const char *ctx, const char *a, const char *b,
    uint8_t out[CRY_HASH_LEN])
{
	struct cry_hash h;

	cry_hash_init(&h, key, ctx);
	cry_hash_field(&h, a, strlen(a));
	cry_hash_field(&h, b, strlen(b));
	cry_hash_final(&h, out);
}

static void
test_hash_separates(void **state)
{
	uint8_t k1[CRY_KEY_LEN], k2[CRY_KEY_LEN];
	uint8_t a[CRY_HASH_LEN], b[CRY_HASH_LEN];

	(void)state;
	cry_random(k1, sizeof k1);
	cry_random(k2, sizeof k2);
	hash2(k1, "ctx", "22370000001", "x", a);
	hash2(k1, "ctx", "22370000001", "x", b);
	assert_memory_equal(a, b, sizeof a);
	hash2(k1, "ctx", "2237000000", "1x", b);
	assert_memory_not_equal(a, b, sizeof a);
	hash2(k2, "ctx", "22370000001", "x", b);
	assert_memory_not_equal(a, b, sizeof a);
	hash2(k1, "other", "22370000001", "x", b);
	assert_memory_not_equal(a, b, sizeof a);
}

static void
test_generate_and_load(void **state)
{
	char *cause = NULL, *p = path_of("gen.keys");
	struct keys *ks;
	struct stat st;
	uint32_t id = 0;
	FILE *fp;
	char before[512], after[512];
	size_t n;

	(void)state;
	unlink(p);
	assert_int_equal(keys_generate(p, &cause), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	fp = fopen(p, "r");
	n = fread(before, 1, sizeof before - 1, fp);
	before[n] = '\0';
	fclose(fp);
	/* Never replaces keys: the data they sealed would be lost. */
	assert_int_equal(keys_generate(p, &cause), -1);
	assert_non_null(strstr(cause, "refusing to replace"));
	free(cause);
	fp = fopen(p, "r");
	n = fread(after, 1, sizeof after - 1, fp);
	after[n] = '\0';
	fclose(fp);
	assert_string_equal(before, after);

	ks = keys_load(p, &cause);
	assert_non_null(ks);
	assert_non_null(keys_current(ks, KEY_STORE, &id));
	assert_int_equal(id, 1);
	assert_non_null(keys_current(ks, KEY_DEDUP, NULL));
	assert_memory_not_equal(keys_current(ks, KEY_STORE, NULL),
	    keys_current(ks, KEY_DEDUP, NULL), CRY_KEY_LEN);
	assert_null(keys_find(ks, KEY_STORE, 2));
	keys_free(ks);
}

#define K1 "1111111111111111111111111111111111111111111111111111111111111111"
#define K2 "2222222222222222222222222222222222222222222222222222222222222222"
#define K3 "3333333333333333333333333333333333333333333333333333333333333333"

static void
test_rotation(void **state)
{
	char *cause = NULL, *p = path_of("rot.keys");
	struct keys *ks;
	uint32_t id = 0;

	(void)state;
	write_file(p, "# comment\n\nstore 2 " K2 "\nstore 1 " K1 "\ndedup 7 "
	    K3 "\n", 0600);
	ks = keys_load(p, &cause);
	assert_non_null(ks);
	assert_int_equal(keys_current(ks, KEY_STORE, &id)[0], 0x22);
	assert_int_equal(id, 2);
	assert_int_equal(keys_find(ks, KEY_STORE, 1)[0], 0x11);
	keys_free(ks);
}

/* Loads text (mode) and expects a refusal whose cause contains want. */
static void
refused(const char *text, mode_t mode, const char *want)
{
	char *cause = NULL, *p = path_of("bad.keys");

	write_file(p, text, mode);
	assert_null(keys_load(p, &cause));
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("cause \"%s\" lacks \"%s\"", cause, want);
	free(cause);
}

static void
test_refusals(void **state)
{
	const char *good = "store 1 " K1 "\ndedup 1 " K2 "\n";
	char *cause = NULL;

	(void)state;
	refused(good, 0644, "chmod 600");
	refused(good, 0640, "chmod 600");
	refused(good, 0602, "chmod 600");
	refused("store 1 " K1 "\ndedup 1 1234\n", 0600, "bad.keys:2:");
	refused("store 1 " K1 "\ndedup 1 " K2 "zz\n", 0600, "bad.keys:2:");
	refused("store 1 " K1 "\ndedup x " K2 "\n", 0600, "bad.keys:2:");
	refused("store 1 " K1 "\ndedup 1 "
	    "zz22222222222222222222222222222222222222222222222222222222222222\n",
	    0600, "not hexadecimal");
	refused("store 1 " K1 "\nstore 1 " K2 "\ndedup 1 " K3 "\n", 0600,
	    "given twice");
	refused("store 1 " K1 "\n", 0600, "no 'dedup' key");
	assert_null(keys_load(path_of("missing.keys"), &cause));
	assert_non_null(strstr(cause, "cannot open"));
	free(cause);
	/* A directory is not a key file. */
	assert_null(keys_load(dir, &cause));
	assert_non_null(strstr(cause, "not a regular file"));
	free(cause);
}

static int
setup(void **state)
{
	(void)state;
	umask(022);
	return cry_init() == 0 && mkdtemp(dir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	const char *names[] = { "gen.keys", "rot.keys", "bad.keys" };

	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		unlink(path_of(names[i]));
	rmdir(dir);
	return 0;
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seal_binds_associated_data),
		cmocka_unit_test(test_hash_separates),
		cmocka_unit_test(test_generate_and_load),
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_refusals),
	};

	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("keys", tests, setup, teardown) != 0;
}
