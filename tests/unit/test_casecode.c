/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Case codes: Verhoeff check digits against published vectors, every
 * single-digit error and adjacent transposition of 10,000 codes caught,
 * codes uniform (chi-square, with the statistic shown to fail biased
 * generators), every written form parsed, the keyed hash against an
 * independent computation and free of the code's digits, and the daily
 * lockout exact at 00:00 UTC and bounded in memory (meant for the ASan
 * build too).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "routing/casecode.h"
#include "routing/crypto.h"

#define DAY 86400
/* Midnight UTC of 2024-10-04, a day number well after 1970. */
#define D0 ((int64_t)20000 * DAY)

/* A valid code: "12345678" has Verhoeff check digit 4 (computed with an
 * independent implementation, python, from the tables of the source). */
#define GOOD "123456784"

static int
setup(void **state)
{
	(void)state;
	return cry_init();
}

/* splitmix64: reproducible streams for pseudonyms and simulations. */
static uint64_t
mix(uint64_t *st)
{
	uint64_t x = (*st += 0x9e3779b97f4a7c15ull);

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static const uint8_t *
pn(uint64_t n)
{
	static uint8_t b[16];
	uint64_t st = n, a = mix(&st), c = mix(&st);

	memcpy(b, &a, 8);
	memcpy(b + 8, &c, 8);
	return b;
}

/* --- Verhoeff ----------------------------------------------------- */

static void
test_verhoeff_vectors(void **state)
{
	static const struct {
		const char *in;
		char check;
	} v[] = {
		/* Rosetta Code, "Verhoeff algorithm" (also Wikipedia's
		 * worked example for 236). */
		{ "236", '3' },
		{ "12345", '1' },
		{ "123456789012", '0' },
		/* python-stdnum, tests/test_verhoeff.doctest. */
		{ "654", '8' },
		{ "1428570", '8' },
		{ "398438246238642378648236487236482734", '7' },
		/* wardle/go-terminology, verhoeff/verhoeff_test.go: the
		 * valid 1234567890, 24700007 and 14567894. */
		{ "123456789", '0' },
		{ "2470000", '7' },
		{ "1456789", '4' },
	};
	char code[CC_LEN + 1];

	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		assert_int_equal(cc_check_digit(v[i].in, strlen(v[i].in)),
		    v[i].check);
	assert_int_equal(cc_check_digit("12a45", 5), -1);
	assert_int_equal(cc_check_digit("12345678", 8), '4');
	assert_int_equal(cc_parse(GOOD, code), CC_OK);
	assert_string_equal(code, GOOD);
	assert_int_equal(cc_parse("123456782", code), CC_BAD_CHECK);
	assert_string_equal(code, "");
}

/*
 * Every single-digit substitution (81 per code, the check digit too)
 * and every adjacent transposition of unequal digits (up to 8) of
 * 10,000 new codes is refused as a bad check digit. Luhn (09 <-> 90) or
 * a plain sum (any swap) would fail here.
 */
static void
test_errors_caught(void **state)
{
	char c[CC_LEN + 1], e[CC_LEN + 1], out[CC_LEN + 1];
	unsigned long subs = 0, swaps = 0;

	(void)state;
	for (int k = 0; k < 10000; k++) {
		cc_new(c);
		assert_int_equal(cc_parse(c, out), CC_OK);
		for (int i = 0; i < CC_LEN; i++) {
			for (char d = '0'; d <= '9'; d++) {
				if (d == c[i])
					continue;
				memcpy(e, c, sizeof e);
				e[i] = d;
				assert_int_equal(cc_parse(e, out),
				    CC_BAD_CHECK);
				subs++;
			}
		}
		for (int i = 0; i + 1 < CC_LEN; i++) {
			if (c[i] == c[i + 1])
				continue;
			memcpy(e, c, sizeof e);
			e[i] = c[i + 1];
			e[i + 1] = c[i];
			assert_int_equal(cc_parse(e, out), CC_BAD_CHECK);
			swaps++;
		}
	}
	assert_int_equal(subs, 10000ul * 81);
	/* Adjacent digits differ 9 times in 10: about 72,000 swaps. */
	assert_true(swaps > 70000);
	printf("# %lu substitutions, %lu transpositions caught\n", subs,
	    swaps);
}

/* --- uniformity --------------------------------------------------- */

#define NCODES 100000
/*
 * Chi-square threshold, 9 degrees of freedom. A correct generator
 * exceeds 60 with probability 1.3e-9 per statistic; three statistics
 * are checked, so this test fails a correct build with probability
 * below 4e-9. The wrong generators below land far above it (asserted).
 */
#define CHI2_MAX 60.0

typedef void gen_fn(char out[CC_LEN + 1], uint64_t *st);

static void
gen_real(char out[CC_LEN + 1], uint64_t *st)
{
	(void)st;
	cc_new(out);
}

/* Plausible wrong builds: one random octet % 10 per digit... */
static void
gen_octet_mod(char out[CC_LEN + 1], uint64_t *st)
{
	for (int i = 0; i < CC_RANDOM_DIGITS; i++)
		out[i] = (char)('0' + (mix(st) & 0xff) % 10);
}

/* ...16 random bits % 10^4 per half... */
static void
gen_u16_mod(char out[CC_LEN + 1], uint64_t *st)
{
	for (int h = 0; h < 2; h++) {
		unsigned v = (unsigned)(mix(st) & 0xffff) % 10000;

		for (int i = 3; i >= 0; i--, v /= 10)
			out[4 * h + i] = (char)('0' + v % 10);
	}
}

/* ...no leading zero ("a number between 10^7 and 10^8")... */
static void
gen_no_zero(char out[CC_LEN + 1], uint64_t *st)
{
	unsigned v = 10000000u + (unsigned)(mix(st) % 90000000u);

	for (int i = CC_RANDOM_DIGITS - 1; i >= 0; i--, v /= 10)
		out[i] = (char)('0' + v % 10);
}

/* ...and a stuck one. */
static void
gen_const(char out[CC_LEN + 1], uint64_t *st)
{
	(void)st;
	memcpy(out, "31415926", CC_RANDOM_DIGITS);
}

static double
chi2(const unsigned long n[10], unsigned long total)
{
	double e = (double)total / 10, x = 0;

	for (int d = 0; d < 10; d++)
		x += ((double)n[d] - e) * ((double)n[d] - e) / e;
	return x;
}

/*
 * Over NCODES codes: the first digit, the last random digit, and all 8
 * random digits pooled (independent and uniform in a correct code, so
 * also 9 degrees of freedom, with 8 times the samples: the test that
 * sees a small bias such as octet % 10).
 */
static void
stats(gen_fn *gen, double x[3])
{
	unsigned long first[10] = { 0 }, last[10] = { 0 }, all[10] = { 0 };
	char c[CC_LEN + 1];
	uint64_t st = 42;

	for (int k = 0; k < NCODES; k++) {
		gen(c, &st);
		first[c[0] - '0']++;
		last[c[CC_RANDOM_DIGITS - 1] - '0']++;
		for (int i = 0; i < CC_RANDOM_DIGITS; i++)
			all[c[i] - '0']++;
	}
	x[0] = chi2(first, NCODES);
	x[1] = chi2(last, NCODES);
	x[2] = chi2(all, (unsigned long)NCODES * CC_RANDOM_DIGITS);
}

static int
passes(const double x[3])
{
	return x[0] < CHI2_MAX && x[1] < CHI2_MAX && x[2] < CHI2_MAX;
}

static void
test_uniform(void **state)
{
	double x[3];

	(void)state;
	stats(gen_real, x);
	printf("# chi2(9) first %.1f last %.1f pooled %.1f (max %.0f)\n",
	    x[0], x[1], x[2], CHI2_MAX);
	assert_true(passes(x));
	/* The same statistic fails the wrong generators. */
	stats(gen_octet_mod, x);
	assert_true(x[2] > 2 * CHI2_MAX);	/* expected about 300 */
	stats(gen_u16_mod, x);
	assert_true(x[0] > 2 * CHI2_MAX && x[2] > 2 * CHI2_MAX);
	stats(gen_no_zero, x);
	assert_true(x[0] > 100 * CHI2_MAX);
	stats(gen_const, x);
	assert_true(x[0] > 100 * CHI2_MAX && x[1] > 100 * CHI2_MAX &&
	    x[2] > 100 * CHI2_MAX);
}

/* Codes are well-formed, and (10^8 of them) almost never repeat. */
static void
test_new_format(void **state)
{
	static char seen[2000][CC_LEN + 1];
	char out[CC_LEN + 1];
	int dup = 0;

	(void)state;
	for (int k = 0; k < 2000; k++) {
		memset(seen[k], 'x', sizeof seen[k]);
		cc_new(seen[k]);
		assert_int_equal(strlen(seen[k]), CC_LEN);
		assert_int_equal(strspn(seen[k], "0123456789"), CC_LEN);
		assert_int_equal(cc_parse(seen[k], out), CC_OK);
		assert_string_equal(out, seen[k]);
		for (int j = 0; j < k; j++)
			dup += strcmp(seen[j], seen[k]) == 0;
	}
	/* P(any repeat among 2,000) is about 2%; P(> 2) below 2e-6. */
	assert_true(dup <= 2);
}

/* --- parsing ------------------------------------------------------ */

static void
test_parse_forms(void **state)
{
	static const char *ok[] = {
		GOOD, " " GOOD " ", "*" GOOD "#", "#" GOOD, GOOD "#",
		"*" GOOD, GOOD "*", "#" GOOD "#", "  *" GOOD "#\r\n",
		"\t" GOOD "\n", "*123 456 784#", "123 456 784",
		"123-456-784", "123.456.784", "1 2 3 4 5 6 7 8 4",
		"12 34 56 78 4", "123 - 456 - 784", "* 123456784 #",
		"123\xc2\xa0" "456\xc2\xa0" "784",		/* NBSP */
		"123\xe2\x80\xaf" "456\xe2\x80\xaf" "784",	/* NNBSP */
		"123\xe2\x80\x89" "456\xe2\x80\x89" "784",	/* thin */
		/* Arabic-Indic ١٢٣٤٥٦٧٨٤ and Extended ۱۲۳۴۵۶۷۸۴. */
		"\xd9\xa1\xd9\xa2\xd9\xa3\xd9\xa4\xd9\xa5\xd9\xa6\xd9\xa7"
		    "\xd9\xa8\xd9\xa4",
		"*\xdb\xb1\xdb\xb2\xdb\xb3 \xdb\xb4\xdb\xb5\xdb\xb6 "
		    "\xdb\xb7\xdb\xb8\xdb\xb4#",
		"12345\xd9\xa6\xd9\xa7" "84",	/* mixed scripts */
	};
	static const char *not_code[] = {
		"", " ", "*", "*#", "#*", "12345678", "1234567844",
		"0123456784", GOOD "0", "12345678X", "X123456784",
		"+" GOOD, "**" GOOD "#", "*" GOOD "##", GOOD "*" GOOD,
		"123,456,784", "123_456_784", "123/456/784",
		"*384*" GOOD "#", GOOD " merci", "CODE " GOOD,
		"+223 70 00 00 41", "70000041", "22370000041",
		"00223 70000041", "1234567\xef\xbc\x98" "4",	/* fullwidth */
		"123456784\xc2", "\xd9" "123456784", "12345678\xd9\xaa",
	};
	static const char *bad_check[] = {
		"123456785", "*123456780#", "123 456 748", "213 456 784",
		"\xd9\xa1\xd9\xa2\xd9\xa3\xd9\xa4\xd9\xa5\xd9\xa6\xd9\xa7"
		    "\xd9\xa8\xd9\xa5",
	};
	char out[CC_LEN + 1], in[NV_CC_INPUT_MAX + 2];

	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		memset(out, 'x', sizeof out);
		if (cc_parse(ok[i], out) != CC_OK)
			fail_msg("refused form %zu: \"%s\"", i, ok[i]);
		assert_string_equal(out, GOOD);
	}
	for (size_t i = 0; i < sizeof not_code / sizeof not_code[0]; i++) {
		memset(out, 'x', sizeof out);
		if (cc_parse(not_code[i], out) != CC_NOT_A_CODE)
			fail_msg("not a code %zu: \"%s\"", i, not_code[i]);
		assert_string_equal(out, "");
	}
	for (size_t i = 0; i < sizeof bad_check / sizeof bad_check[0]; i++) {
		memset(out, 'x', sizeof out);
		assert_int_equal(cc_parse(bad_check[i], out), CC_BAD_CHECK);
		assert_string_equal(out, "");
	}
	/* Failures are < 0, success 0 (the house's 0 / -1 test works). */
	assert_true(CC_OK == 0 && CC_NOT_A_CODE < 0 && CC_BAD_CHECK < 0);

	/* NV_CC_INPUT_MAX octets are read, one more is not a code. */
	memset(in, ' ', sizeof in);
	memcpy(in, GOOD, CC_LEN);
	in[NV_CC_INPUT_MAX] = '\0';
	assert_int_equal(cc_parse(in, out), CC_OK);
	in[NV_CC_INPUT_MAX] = ' ';
	in[NV_CC_INPUT_MAX + 1] = '\0';
	assert_int_equal(cc_parse(in, out), CC_NOT_A_CODE);
}

/* --- the keyed hash ----------------------------------------------- */

static int
contains(const uint8_t *h, size_t n, const uint8_t *pat, size_t m)
{
	for (size_t i = 0; i + m <= n; i++)
		if (memcmp(h + i, pat, m) == 0)
			return 1;
	return 0;
}

/* Packed BCD of n digits, high nibble first or low first, 0xf pad. */
static size_t
bcd(const char *d, size_t n, int swap, uint8_t *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i += 2) {
		unsigned a = (unsigned)(d[i] - '0');
		unsigned b = i + 1 < n ? (unsigned)(d[i + 1] - '0') : 0xf;

		out[k++] = (uint8_t)(swap ? (b << 4 | a) : (a << 4 | b));
	}
	return k;
}

/*
 * The code's digits in every form a careless hash could leak them:
 * ASCII (9 and 8 digits), packed BCD both nibble orders, and, when
 * short is set, the 4-octet forms (BCD of the 8 random digits, their
 * value as a 32-bit integer both ways). A random hash holds a given
 * 4-octet pattern with probability 29 / 2^32, so those are checked on
 * fixed keys and codes only (no flaky failures); the longer ones, below
 * 1e-10 a code, on random ones too.
 */
static void
assert_no_digits(const uint8_t h[CC_HASH_LEN], const char *c, int short_)
{
	uint8_t p[8];
	uint32_t v = (uint32_t)strtoul(c, NULL, 10) / 10;	/* 8 random */

	assert_false(contains(h, CC_HASH_LEN, (const uint8_t *)c, CC_LEN));
	assert_false(contains(h, CC_HASH_LEN, (const uint8_t *)c,
	    CC_RANDOM_DIGITS));
	assert_false(contains(h, CC_HASH_LEN, (const uint8_t *)c + 1,
	    CC_RANDOM_DIGITS));
	for (int swap = 0; swap < 2; swap++) {
		size_t m = bcd(c, CC_LEN, swap, p);

		assert_false(contains(h, CC_HASH_LEN, p, m));
		m = bcd(c, CC_RANDOM_DIGITS, swap, p);
		if (short_)
			assert_false(contains(h, CC_HASH_LEN, p, m));
	}
	if (!short_)
		return;
	for (int i = 0; i < 4; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
		p[7 - i] = p[i];
	}
	assert_false(contains(h, CC_HASH_LEN, p, 4));		/* LE */
	assert_false(contains(h, CC_HASH_LEN, p + 4, 4));	/* BE */
}

static void
test_hash(void **state)
{
	static const uint8_t kat[CC_HASH_LEN] = {
		0x9d, 0x7d, 0x4c, 0x10, 0x0f, 0x47, 0x15, 0x52,
		0xf8, 0x8a, 0xd3, 0xb6, 0x1e, 0xfe, 0xc3, 0x38,
		0xca, 0x22, 0x8e, 0x7d, 0x6b, 0xd0, 0xd5, 0xd6,
		0x57, 0x3c, 0x22, 0xcf, 0x7d, 0x2e, 0x63, 0x08,
	};
	uint8_t k1[CC_KEY_LEN], k2[CC_KEY_LEN], a[CC_HASH_LEN],
	    b[CC_HASH_LEN], zero[CC_HASH_LEN] = { 0 };
	char c[CC_LEN + 1], c2[CC_LEN + 1];
	struct cry_hash h;

	(void)state;
	/*
	 * Known answer: python3 hashlib.blake2b(f("numvert-case-code") +
	 * f(b"123456784"), key=bytes(range(32)), digest_size=32), f(x)
	 * being len(x) as 8 octets little-endian, then x.
	 */
	for (int i = 0; i < CC_KEY_LEN; i++)
		k1[i] = (uint8_t)i;
	assert_int_equal(cc_hash(k1, GOOD, a), 0);
	assert_memory_equal(a, kat, CC_HASH_LEN);

	/* Its own context: not the same input under another one. */
	cry_hash_init(&h, k1, "numvert-counted");
	cry_hash_field(&h, GOOD, CC_LEN);
	cry_hash_final(&h, b);
	assert_memory_not_equal(a, b, CC_HASH_LEN);
	assert_no_digits(a, GOOD, 1);
	/* Fixed codes under the fixed key: all forms, deterministic. */
	for (uint64_t st = 7, k = 0; k < 200; k++) {
		char d[CC_RANDOM_DIGITS + 1];

		snprintf(d, sizeof d, "%08u", (unsigned)(mix(&st) % 100000000));
		memcpy(c, d, CC_RANDOM_DIGITS);
		c[CC_RANDOM_DIGITS] = (char)cc_check_digit(d, CC_RANDOM_DIGITS);
		c[CC_LEN] = '\0';
		assert_int_equal(cc_hash(k1, c, b), 0);
		assert_no_digits(b, c, 1);
	}

	cry_random(k1, sizeof k1);
	cry_random(k2, sizeof k2);
	for (int k = 0; k < 1000; k++) {
		cc_new(c);
		assert_int_equal(cc_hash(k1, c, a), 0);
		assert_int_equal(cc_hash(k1, c, b), 0);
		assert_memory_equal(a, b, CC_HASH_LEN);
		assert_memory_not_equal(a, zero, CC_HASH_LEN);
		assert_int_equal(cc_hash(k2, c, b), 0);
		assert_memory_not_equal(a, b, CC_HASH_LEN);
		do
			cc_new(c2);
		while (strcmp(c, c2) == 0);
		assert_int_equal(cc_hash(k1, c2, b), 0);
		assert_memory_not_equal(a, b, CC_HASH_LEN);
		assert_no_digits(a, c, 0);
	}

	/* Only a valid code is hashed; out is zeroed otherwise. */
	memset(a, 0xaa, sizeof a);
	assert_int_equal(cc_hash(k1, "123456785", a), -1);
	assert_memory_equal(a, zero, CC_HASH_LEN);
	/* Buffers of CC_LEN + 1, as the prototype says. */
	memcpy(c, "12345678", sizeof "12345678");
	assert_int_equal(cc_hash(k1, c, a), -1);
	memcpy(c, "12345678a", sizeof c);
	assert_int_equal(cc_hash(k1, c, a), -1);
	memcpy(c, GOOD, sizeof c);
	c[CC_LEN - 1] = '4';
	assert_int_equal(cc_hash(k1, c, a), 0);	/* GOOD itself */
	c[CC_LEN - 1] = '5';
	assert_int_equal(cc_hash(k1, c, a), -1);
}

/* --- the daily lockout -------------------------------------------- */

static struct cc_guard *
new_guard(unsigned max)
{
	struct cc_guard *g = cc_guard_new(max);

	assert_non_null(g);
	return g;
}

static void
test_guard_bounds(void **state)
{
	(void)state;
	assert_null(cc_guard_new(0));
	assert_null(cc_guard_new(NV_CC_WRONG_MAX + 1));
	cc_guard_free(new_guard(NV_CC_WRONG_MAX));
	cc_guard_free(NULL);
}

/* Exactly max wrong codes a day, then locked until 00:00 UTC. */
static void
test_guard_exact(void **state)
{
	struct cc_guard *g = new_guard(5);
	int64_t t = D0 + 10 * 3600;

	(void)state;
	for (int i = 1; i < 5; i++) {
		assert_int_equal(cc_guard_locked(g, pn(1), t), 0);
		assert_int_equal(cc_guard_wrong(g, pn(1), t + i), 0);
	}
	assert_int_equal(cc_guard_locked(g, pn(1), t + 5), 0);
	assert_int_equal(cc_guard_wrong(g, pn(1), t + 5), 1);
	assert_int_equal(cc_guard_locked(g, pn(1), t + 6), 1);
	assert_int_equal(cc_guard_wrong(g, pn(1), t + 7), 1);
	/* A right code unlocks nothing. */
	cc_guard_ok(g, pn(1));
	assert_int_equal(cc_guard_locked(g, pn(1), t + 8), 1);
	/* Locked to the last second of the UTC day... */
	assert_int_equal(cc_guard_locked(g, pn(1), D0 + DAY - 1), 1);
	/* ...and not at midnight: a fresh day of attempts. */
	assert_int_equal(cc_guard_locked(g, pn(1), D0 + DAY), 0);
	for (int i = 1; i < 5; i++)
		assert_int_equal(cc_guard_wrong(g, pn(1), D0 + DAY + i), 0);
	assert_int_equal(cc_guard_wrong(g, pn(1), D0 + DAY + 9), 1);
	cc_guard_free(g);
}

/*
 * Calendar days in UTC, not a sliding 24 h nor another zone: locked at
 * 23:00 is free at 00:00 (1 h later); locked at 00:00 still is at 23:00
 * (a UTC+1 day would have ended).
 */
static void
test_guard_calendar_day(void **state)
{
	struct cc_guard *g = new_guard(2);

	(void)state;
	assert_int_equal(cc_guard_wrong(g, pn(1), D0 + 23 * 3600), 0);
	assert_int_equal(cc_guard_wrong(g, pn(1), D0 + 23 * 3600), 1);
	assert_int_equal(cc_guard_locked(g, pn(1), D0 + DAY - 1), 1);
	assert_int_equal(cc_guard_locked(g, pn(1), D0 + DAY), 0);

	assert_int_equal(cc_guard_wrong(g, pn(2), D0), 0);
	assert_int_equal(cc_guard_wrong(g, pn(2), D0), 1);
	assert_int_equal(cc_guard_locked(g, pn(2), D0 + 23 * 3600), 1);
	assert_int_equal(cc_guard_locked(g, pn(2), D0 + 23 * 3600 + 3599),
	    1);
	/* A clock stepped back a day does not unlock. */
	assert_int_equal(cc_guard_locked(g, pn(2), D0 - 3600), 1);
	assert_int_equal(cc_guard_locked(g, pn(2), D0 + DAY), 0);

	/* Yesterday's count is forgotten, not carried. */
	assert_int_equal(cc_guard_wrong(g, pn(3), D0 + DAY - 1), 0);
	assert_int_equal(cc_guard_wrong(g, pn(3), D0 + DAY), 0);
	assert_int_equal(cc_guard_wrong(g, pn(3), D0 + DAY + 1), 1);

	/* Before 1970 too: -1 is the day before 0. */
	assert_int_equal(cc_guard_wrong(g, pn(4), -2), 0);
	assert_int_equal(cc_guard_wrong(g, pn(4), -1), 1);
	assert_int_equal(cc_guard_locked(g, pn(4), 0), 0);
	cc_guard_free(g);
}

/* Right codes between wrong ones do not buy more guesses. */
static void
test_guard_ok_keeps_count(void **state)
{
	struct cc_guard *g = new_guard(3);

	(void)state;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(cc_guard_wrong(g, pn(1), D0 + i), 0);
		cc_guard_ok(g, pn(1));
		cc_guard_ok(g, pn(1));
	}
	assert_int_equal(cc_guard_wrong(g, pn(1), D0 + 5), 1);
	assert_int_equal(cc_guard_locked(g, pn(1), D0 + 6), 1);
	cc_guard_free(g);
}

/* One pseudonym's lock is not another's; asking tracks nobody. */
static void
test_guard_per_pseudonym(void **state)
{
	struct cc_guard *g = new_guard(2);

	(void)state;
	assert_int_equal(cc_guard_locked(g, pn(7), D0), 0);
	cc_guard_ok(g, pn(7));
	assert_int_equal(cc_guard_tracked(g), 0);
	cc_guard_wrong(g, pn(1), D0);
	assert_int_equal(cc_guard_wrong(g, pn(1), D0), 1);
	assert_int_equal(cc_guard_locked(g, pn(1), D0), 1);
	for (uint64_t w = 2; w < 100; w++)
		assert_int_equal(cc_guard_locked(g, pn(w), D0), 0);
	assert_int_equal(cc_guard_wrong(g, pn(2), D0), 0);
	assert_int_equal(cc_guard_locked(g, pn(2), D0), 0);
	assert_int_equal(cc_guard_tracked(g), 2);
	cc_guard_free(g);
}

/*
 * NV_CC_TRACKED_MAX + 1,000 pseudonyms each enter a wrong code: the
 * count stays bounded, the least recently seen are forgotten, a locked
 * one that keeps asking stays locked.
 */
static void
test_guard_eviction_bounded(void **state)
{
	struct cc_guard *g = new_guard(2);
	const uint64_t keep = (uint64_t)1 << 40;

	(void)state;
	cc_guard_wrong(g, pn(keep), D0);
	assert_int_equal(cc_guard_wrong(g, pn(keep), D0), 1);
	for (uint64_t w = 0; w < NV_CC_TRACKED_MAX + 1000u; w++) {
		assert_int_equal(cc_guard_wrong(g, pn(w), D0 + 1), 0);
		assert_true(cc_guard_tracked(g) <= NV_CC_TRACKED_MAX);
		if (w % 1000 == 999)
			assert_int_equal(cc_guard_locked(g, pn(keep), D0 + 2),
			    1);
	}
	assert_int_equal(cc_guard_tracked(g), NV_CC_TRACKED_MAX);
	assert_int_equal(cc_guard_locked(g, pn(keep), D0 + 3), 1);
	/* The last ones are remembered... */
	assert_int_equal(cc_guard_wrong(g, pn(NV_CC_TRACKED_MAX + 999u),
	    D0 + 4), 1);
	/* ...the first ones were forgotten, and count from zero again. */
	assert_int_equal(cc_guard_wrong(g, pn(0), D0 + 5), 0);
	assert_int_equal(cc_guard_wrong(g, pn(1), D0 + 5), 0);
	assert_int_equal(cc_guard_wrong(g, pn(0), D0 + 6), 1);
	assert_int_equal(cc_guard_tracked(g), NV_CC_TRACKED_MAX);
	cc_guard_free(g);
}

/* A code followed by words (an SMS: "SUIVI CODE words"). */
static void
test_parse_lead(void **state)
{
	char out[CC_LEN + 1];
	const char *rest;
	const char *in;

	(void)state;
	in = "123 456 784 ils sont partis";
	assert_int_equal(cc_parse_lead(in, out, &rest), CC_OK);
	assert_string_equal(out, GOOD);
	assert_string_equal(rest, "ils sont partis");
	in = "*123456784# vers Gao";
	assert_int_equal(cc_parse_lead(in, out, &rest), CC_OK);
	assert_string_equal(rest, "vers Gao");
	assert_int_equal(cc_parse_lead(GOOD, out, &rest), CC_OK);
	assert_string_equal(rest, "");
	/* A typo: read, rest after it, no code out. */
	in = "123456785 encore";
	assert_int_equal(cc_parse_lead(in, out, &rest), CC_BAD_CHECK);
	assert_string_equal(out, "");
	assert_string_equal(rest, "encore");
	/* Not 9 digits: rest is all of it. */
	in = "12345678 mots";
	assert_int_equal(cc_parse_lead(in, out, &rest), CC_NOT_A_CODE);
	assert_ptr_equal(rest, in);
	in = "1234567840 mots";
	assert_int_equal(cc_parse_lead(in, out, &rest), CC_NOT_A_CODE);
	assert_ptr_equal(rest, in);
	in = "bonjour 123456784";
	assert_int_equal(cc_parse_lead(in, out, &rest), CC_NOT_A_CODE);
	assert_ptr_equal(rest, in);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verhoeff_vectors),
		cmocka_unit_test(test_errors_caught),
		cmocka_unit_test(test_uniform),
		cmocka_unit_test(test_new_format),
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_parse_lead),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_guard_bounds),
		cmocka_unit_test(test_guard_exact),
		cmocka_unit_test(test_guard_calendar_day),
		cmocka_unit_test(test_guard_ok_keeps_count),
		cmocka_unit_test(test_guard_per_pseudonym),
		cmocka_unit_test(test_guard_eviction_bounded),
	};

	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("casecode", tests, setup, NULL) !=
	    0;
}
