/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * base/markset: the in-memory set of counted-once marks. Membership
 * across growth, expiry by epoch (also after shrinking), and the bound:
 * past NV_MARKS_MAX a mark is refused, never a crash or an overwrite.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/markset.h"

/* A mark that looks like a keyed hash: every octet mixed from i. */
static void
mark_of(uint32_t i, uint8_t out[MS_MARK_LEN])
{
	uint64_t x = i * 0x9e3779b97f4a7c15ull + 1;

	for (int k = 0; k < MS_MARK_LEN; k++) {
		x ^= x >> 29;
		x *= 0xbf58476d1ce4e5b9ull;
		out[k] = (uint8_t)(x >> 32);
	}
}

static void
test_add_has_grow(void **state)
{
	struct markset *m = ms_new();
	uint8_t k[MS_MARK_LEN];

	(void)state;
	for (uint32_t i = 0; i < 100000; i++) {
		mark_of(i, k);
		assert_int_equal(ms_add(m, k, 7), 1);
	}
	assert_int_equal(ms_count(m), 100000);
	for (uint32_t i = 0; i < 100000; i++) {
		mark_of(i, k);
		assert_true(ms_has(m, k));
		assert_int_equal(ms_add(m, k, 7), 0);
	}
	for (uint32_t i = 100000; i < 101000; i++) {
		mark_of(i, k);
		assert_false(ms_has(m, k));
	}
	ms_free(m);
}

/* Marks differing in one octet are different marks. */
static void
test_one_octet(void **state)
{
	struct markset *m = ms_new();
	uint8_t a[MS_MARK_LEN] = { 0 }, b[MS_MARK_LEN] = { 0 };

	(void)state;
	b[MS_MARK_LEN - 1] = 1;
	assert_int_equal(ms_add(m, a, 1), 1);
	assert_false(ms_has(m, b));
	assert_int_equal(ms_add(m, b, 1), 1);
	assert_int_equal(ms_count(m), 2);
	ms_free(m);
}

static void
test_expire(void **state)
{
	struct markset *m = ms_new();
	uint8_t k[MS_MARK_LEN];

	(void)state;
	for (uint32_t i = 0; i < 50000; i++) {
		mark_of(i, k);
		assert_int_equal(ms_add(m, k, i < 40000 ? 100 : 200), 1);
	}
	ms_expire(m, 200);
	assert_int_equal(ms_count(m), 10000);
	for (uint32_t i = 0; i < 50000; i++) {
		mark_of(i, k);
		assert_int_equal(ms_has(m, k), i >= 40000);
	}
	ms_expire(m, 300);
	assert_int_equal(ms_count(m), 0);
	mark_of(1, k);
	assert_int_equal(ms_add(m, k, 300), 1);
	assert_true(ms_has(m, k));
	ms_free(m);
}

static void
test_bound(void **state)
{
	struct markset *m = ms_new();
	uint8_t k[MS_MARK_LEN];

	(void)state;
	for (uint32_t i = 0; i < NV_MARKS_MAX; i++) {
		mark_of(i, k);
		assert_int_equal(ms_add(m, k, 1), 1);
	}
	mark_of(NV_MARKS_MAX, k);
	assert_int_equal(ms_add(m, k, 1), -1);
	assert_false(ms_has(m, k));
	mark_of(5, k);
	assert_int_equal(ms_add(m, k, 1), 0);	/* known: still known */
	assert_int_equal(ms_count(m), NV_MARKS_MAX);
	ms_free(m);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_has_grow),
		cmocka_unit_test(test_one_octet),
		cmocka_unit_test(test_expire),
		cmocka_unit_test(test_bound),
	};

	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("markset", tests, NULL, NULL) != 0;
}
