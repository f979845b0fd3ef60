/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Strict UTF-8 (gateway/base/utf8.c, RFC 3629). Expected values: RFC 3629
 * §7's examples, Markus Kuhn's "UTF-8 decoder capability and stress
 * test", and the UTF-16BE octets that node-smpp wrote for the Bambara,
 * Fulfulde, Tamasheq and emoji fixtures (tests/fixtures/smpp/), which
 * give each letter's code point independently of any UTF-8 encoder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

#define FFFD "\xef\xbf\xbd"

static size_t
unhex(const char *h, uint8_t *out, size_t size)
{
	size_t n = strlen(h) / 2, i;
	unsigned v;

	assert_int_equal(strlen(h) % 2, 0);
	assert_true(n <= size);
	for (i = 0; i < n; i++) {
		assert_int_equal(sscanf(h + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

/* Decodes s and checks the code points and the bad count. */
static void
check_utf8(const char *s, size_t len, const uint32_t *want, size_t n,
    unsigned want_bad)
{
	unsigned bad = 0;
	uint32_t cp;
	size_t i = 0, k;

	while ((k = utf8_next(s, len, &cp, &bad)) > 0) {
		assert_true(i < n);
		assert_int_equal(cp, want[i]);
		s += k;
		len -= k;
		i++;
	}
	assert_int_equal(i, n);
	assert_int_equal(bad, want_bad);
}

static void
test_utf8_valid(void **state)
{
	/* RFC 3629 §7 examples */
	static const uint32_t ex1[] = { 0x41, 0x2262, 0x0391, 0x2e };
	static const uint32_t ex2[] = { 0xd55c, 0xad6d, 0xc5b4 };
	static const uint32_t ex3[] = { 0x65e5, 0x672c, 0x8a9e };
	static const uint32_t ex4[] = { 0xfeff, 0x233b4 };
	/* first and last code points of each length, around the surrogates */
	static const struct {
		const char *s;
		uint32_t cp;
	} edge[] = {
		{ "\x7f", 0x7f }, { "\xc2\x80", 0x80 }, { "\xdf\xbf", 0x7ff },
		{ "\xe0\xa0\x80", 0x800 }, { "\xed\x9f\xbf", 0xd7ff },
		{ "\xee\x80\x80", 0xe000 }, { "\xef\xbf\xbd", 0xfffd },
		{ "\xef\xbf\xbf", 0xffff }, { "\xf0\x90\x80\x80", 0x10000 },
		{ "\xf4\x8f\xbf\xbf", 0x10ffff },
		/* U+1F600 and the ADLaM capital alif U+1E900 (§D.1) */
		{ "\xf0\x9f\x98\x80", 0x1f600 }, { "\xf0\x9e\xa4\x80", 0x1e900 },
	};
	char buf[4];
	size_t i, k;

	(void)state;
	check_utf8("\x41\xe2\x89\xa2\xce\x91\x2e", 7, ex1, 4, 0);
	check_utf8("\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4", 9, ex2, 3, 0);
	check_utf8("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 9, ex3, 3, 0);
	check_utf8("\xef\xbb\xbf\xf0\xa3\x8e\xb4", 7, ex4, 2, 0);
	for (i = 0; i < sizeof edge / sizeof edge[0]; i++) {
		size_t len = strlen(edge[i].s);

		check_utf8(edge[i].s, len, &edge[i].cp, 1, 0);
		assert_true(utf8_valid(edge[i].s, len));
		assert_int_equal(utf8_count(edge[i].s, len), 1);
		k = utf8_put(edge[i].cp, buf);
		assert_int_equal(k, len);
		assert_memory_equal(buf, edge[i].s, len);
	}
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid("a\0b", 3));	/* U+0000 is a character */
	assert_int_equal(utf8_count("", 0), 0);
	assert_int_equal(utf8_next("", 0, NULL, NULL), 0);
}

static void
test_utf8_invalid(void **state)
{
	/* Markus Kuhn, "UTF-8 decoder capability and stress test"
	 * (UTF-8-test.txt) §3-§5, plus RFC 3629's range limits. One
	 * U+FFFD per invalid octet, as utf8.h promises. */
	static const struct {
		const char *what, *s;
		unsigned bad;	/* = U+FFFD produced */
	} v[] = {
		{ "3.1 lone continuation", "\x80", 1 },
		{ "3.1 two continuations", "\x80\xbf", 2 },
		{ "3.2 lonely start", "\xc0 ", 1 },
		{ "3.3 2-byte, last missing", "\xdf", 1 },
		{ "3.3 3-byte, last missing", "\xef\xbf", 2 },
		{ "3.3 4-byte, last missing", "\xf4\x8f\xbf", 3 },
		{ "3.5 impossible", "\xfe\xff", 2 },
		{ "4.1 overlong /", "\xc0\xaf", 2 },
		{ "4.1 overlong / (3)", "\xe0\x80\xaf", 3 },
		{ "4.1 overlong / (4)", "\xf0\x80\x80\xaf", 4 },
		{ "4.2 max overlong (2)", "\xc1\xbf", 2 },
		{ "4.2 max overlong (3)", "\xe0\x9f\xbf", 3 },
		{ "4.2 max overlong (4)", "\xf0\x8f\xbf\xbf", 4 },
		{ "4.3 overlong NUL", "\xc0\x80", 2 },
		{ "4.3 overlong NUL (3)", "\xe0\x80\x80", 3 },
		{ "5.1 surrogate D800", "\xed\xa0\x80", 3 },
		{ "5.1 surrogate DFFF", "\xed\xbf\xbf", 3 },
		{ "5.2 paired surrogates", "\xed\xa0\x80\xed\xb0\x80", 6 },
		{ "above U+10FFFF", "\xf4\x90\x80\x80", 4 },
		{ "F5 lead", "\xf5\x80\x80\x80", 4 },
		{ "truncated by the end", "\xe2\x82", 2 },
		{ "truncated emoji", "\xf0\x9f\x98", 3 },
	};
	uint32_t cps[8];
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		size_t len = strlen(v[i].s);
		size_t n = utf8_count(v[i].s, len);

		for (j = 0; j < n; j++)
			cps[j] = j < v[i].bad ? UTF8_REPLACEMENT : ' ';
		check_utf8(v[i].s, len, cps, n, v[i].bad);
		assert_false(utf8_valid(v[i].s, len));
	}
	/* resynchronises on the next octet: E2 82 'A' */
	cps[0] = cps[1] = UTF8_REPLACEMENT;
	cps[2] = 'A';
	check_utf8("\xe2\x82\x41", 3, cps, 3, 2);
	/* invalid code points are written as U+FFFD */
	{
		char buf[4];

		assert_int_equal(utf8_put(0xd800, buf), 3);
		assert_memory_equal(buf, FFFD, 3);
		assert_int_equal(utf8_put(0x110000, buf), 3);
		assert_memory_equal(buf, FFFD, 3);
	}
}

/* The letters of reporting-anchors.md §D.1, by their Unicode names:
 * ɛ ɔ ɲ ŋ ɓ ɗ ƴ ǝ and the capitals Ɛ Ɔ Ɲ Ŋ Ɓ Ɗ Ƴ Ǝ. */
static void
test_utf8_national_letters(void **state)
{
	static const struct {
		const char *s;
		uint32_t cp;
	} v[] = {
		{ "\xc9\x9b", 0x025b }, { "\xc9\x94", 0x0254 },
		{ "\xc9\xb2", 0x0272 }, { "\xc5\x8b", 0x014b },
		{ "\xc9\x93", 0x0253 }, { "\xc9\x97", 0x0257 },
		{ "\xc6\xb4", 0x01b4 }, { "\xc7\x9d", 0x01dd },
		{ "\xc6\x90", 0x0190 }, { "\xc6\x86", 0x0186 },
		{ "\xc6\x9d", 0x019d }, { "\xc5\x8a", 0x014a },
		{ "\xc6\x81", 0x0181 }, { "\xc6\x8a", 0x018a },
		{ "\xc6\xb3", 0x01b3 }, { "\xc6\x8e", 0x018e },
	};
	char buf[4];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		check_utf8(v[i].s, 2, &v[i].cp, 1, 0);
		assert_int_equal(utf8_put(v[i].cp, buf), 2);
		assert_memory_equal(buf, v[i].s, 2);
		/* its first octet alone is one bad octet */
		check_utf8(v[i].s, 1, (const uint32_t[]){ UTF8_REPLACEMENT },
		    1, 1);
	}
}

/* Code points of a UTF-16BE fixture, surrogate pairs combined. */
static size_t
utf16be(const char *hex, uint32_t *cp, size_t max)
{
	uint8_t b[256];
	size_t n = unhex(hex, b, sizeof b), i, k = 0;

	for (i = 0; i + 1 < n; i += 2) {
		uint32_t u = (uint32_t)b[i] << 8 | b[i + 1];

		if (u >= 0xd800 && u < 0xdc00 && i + 3 < n) {
			u = 0x10000 + ((u - 0xd800) << 10) +
			    (((uint32_t)b[i + 2] << 8 | b[i + 3]) - 0xdc00);
			i += 2;
		}
		assert_true(k < max);
		cp[k++] = u;
	}
	return k;
}

/* The letters of §D.1 and an emoji pair: the UTF-8 text of each fixture
 * must decode to the code points its UTF-16BE octets carry. */
static void
test_utf8_letters(void **state)
{
	static const struct {
		const char *src, *text, *hex;
	} v[] = {
		{ "nodesmpp-deliver_sm-ucs2-bambara",
		  "I ni ce! Ne b\u025b t\u0254g\u0254 \u0272ini. \u014aaniya ka "
		  "\u0272i. \u0190\u025b \u0186\u0254 \u019d\u0272 \u014a\u014b",
		  "00490020006e006900200063006500210020004e006500200062025b0020"
		  "0074025400670254002002720069006e0069002e0020014a0061006e0069"
		  "007900610020006b0061002002720069002e00200190025b002001860254"
		  "0020019d02720020014a014b" },
		{ "nodesmpp-deliver_sm-ucs2-fulfulde-tamasheq",
		  "Fulfulde: \u0253i\u0257\u0257o \u01b4eewii (\u0181 \u018a "
		  "\u01b3). Tamasheq: t\u01ddmaj\u01ddq (\u01dd \u018e)",
		  "00460075006c00660075006c00640065003a00200253006902570257006f"
		  "002001b4006500650077006900690020002801810020018a002001b30029"
		  "002e002000540061006d00610073006800650071003a0020007401dd006d"
		  "0061006a01dd00710020002801dd0020018e0029" },
		{ "nodesmpp-deliver_sm-ucs2-surrogate-pair-emoji",
		  "Merci \U0001f44d\U0001f3fe OK",
		  "004d00650072006300690020d83ddc4dd83cdffe0020004f004b" },
	};
	uint32_t want[128];
	char buf[4];
	size_t i, j, n, k;
	const char *s;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		n = utf16be(v[i].hex, want, 128);
		check_utf8(v[i].text, strlen(v[i].text), want, n, 0);
		assert_int_equal(utf8_count(v[i].text, strlen(v[i].text)), n);
		/* and utf8_put writes the same octets back */
		for (j = 0, s = v[i].text; j < n; j++, s += k) {
			k = utf8_put(want[j], buf);
			assert_memory_equal(buf, s, k);
		}
	}
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_utf8_invalid),
		cmocka_unit_test(test_utf8_national_letters),
		cmocka_unit_test(test_utf8_letters),
	};

	/* prove reads TAP; an explicit CMOCKA_MESSAGE_OUTPUT still wins. */
	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);

	return cmocka_run_group_tests_name("utf8", tests, NULL, NULL) != 0;
}
