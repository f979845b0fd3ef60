/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * base/pack: what is packed reads back; a write past the buffer and a
 * read past the end or of a bad length set the flag and touch nothing
 * outside the buffers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/pack.h"

static void
test_round_trip(void **state)
{
	uint8_t buf[64];
	struct pack_w w;
	struct pack_r r;
	char s[16];
	size_t len;
	const uint8_t *b;

	(void)state;
	pack_init(&w, buf, sizeof buf);
	pack_str(&w, "36123");
	pack_u8(&w, 0xa5);
	pack_blob(&w, "\0\1\2", 3);
	pack_str(&w, "");
	assert_false(w.over);
	assert_int_equal(w.n, 2 + 5 + 1 + 2 + 3 + 2);
	unpack_init(&r, buf, w.n);
	unpack_str(&r, s, sizeof s);
	assert_string_equal(s, "36123");
	assert_int_equal(unpack_u8(&r), 0xa5);
	b = unpack_blob(&r, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(b, "\0\1\2", 3);
	unpack_str(&r, s, sizeof s);
	assert_string_equal(s, "");
	assert_false(r.bad);
	assert_int_equal(unpack_u8(&r), 0);	/* past the end */
	assert_true(r.bad);
}

static void
test_overflow_is_sticky(void **state)
{
	uint8_t buf[8 + 4];
	struct pack_w w;

	(void)state;
	memset(buf, 0x77, sizeof buf);
	pack_init(&w, buf, 8);
	pack_str(&w, "12345");		/* 7 octets */
	pack_str(&w, "xy");		/* 4 more: does not fit */
	assert_true(w.over);
	pack_u8(&w, 1);			/* would fit, but the flag sticks */
	assert_int_equal(w.n, 7);
	assert_int_equal(buf[8], 0x77);
	pack_init(&w, buf, sizeof buf);
	pack_blob(&w, buf, 0x10000);	/* longer than a length can say */
	assert_true(w.over);
}

static void
test_bad_input(void **state)
{
	static const uint8_t longer[] = { 0x00, 0x09, 'a', 'b' };
	static const uint8_t nul[] = { 0x00, 0x03, 'a', 0, 'b' };
	static const uint8_t toolong[] = { 0x00, 0x04, 'a', 'b', 'c', 'd' };
	struct pack_r r;
	char s[4];
	size_t len = 99;

	(void)state;
	unpack_init(&r, longer, sizeof longer);
	assert_string_equal((const char *)unpack_blob(&r, &len), "");
	assert_int_equal(len, 0);
	assert_true(r.bad);
	unpack_init(&r, nul, sizeof nul);
	unpack_str(&r, s, sizeof s);
	assert_true(r.bad);
	assert_string_equal(s, "");
	unpack_init(&r, toolong, sizeof toolong);
	unpack_str(&r, s, sizeof s);	/* 4 octets need 5 with the NUL */
	assert_true(r.bad);
	unpack_init(&r, longer, 1);
	(void)unpack_blob(&r, &len);
	assert_true(r.bad);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_overflow_is_sticky),
		cmocka_unit_test(test_bad_input),
	};

	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("pack", tests, NULL, NULL) != 0;
}
