/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * routing/phone: every way a Mali number of every range is written or
 * delivered comes out as the same E.164 with its kind and carrier,
 * including the ranges Debian's old libphonenumber metadata refuses (52,
 * 53, 85, fixed 444/445); foreign numbers go through libphonenumber;
 * short codes, letters and overlong input are refused; what comes out
 * goes back in unchanged, from several threads at once. The numbers are
 * made up.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "routing/phone.h"

#define UNKNOWN -1
#define KIND_UNSET ((enum phone_kind)77)

struct ml {
	const char *nsn;	/* 8 national digits */
	enum phone_kind kind;
	const char *carrier;	/* NULL: none */
};

/* One number per range of reporting-anchors.md §E, and some outside. */
static const struct ml ML[] = {
	{ "50000041", PHONE_MOBILE, "telecel" },
	{ "51234567", PHONE_MOBILE, "telecel" },
	{ "52000041", PHONE_MOBILE, "telecel" },	/* unknown to 8.12.57 */
	{ "53987654", PHONE_MOBILE, "telecel" },	/* unknown to 8.12.57 */
	{ "60000041", PHONE_MOBILE, "moov" },
	{ "66123456", PHONE_MOBILE, "moov" },
	{ "69999999", PHONE_MOBILE, "moov" },
	{ "70000041", PHONE_MOBILE, "orange" },
	{ "76123456", PHONE_MOBILE, "orange" },
	{ "79000041", PHONE_MOBILE, "orange" },
	{ "82000041", PHONE_MOBILE, "orange" },
	{ "83123456", PHONE_MOBILE, "orange" },
	{ "84123456", PHONE_MOBILE, "orange" },
	{ "85123456", PHONE_MOBILE, "orange" },	/* unknown to 8.12.57 */
	{ "89123456", PHONE_MOBILE, "moov" },
	{ "90123456", PHONE_MOBILE, "orange" },
	{ "94123456", PHONE_MOBILE, "orange" },
	{ "95123456", PHONE_MOBILE, "moov" },
	{ "99000041", PHONE_MOBILE, "moov" },
	{ "20011234", PHONE_MOBILE, "orange" },
	{ "20791234", PHONE_MOBILE, "moov" },
	{ "21712345", PHONE_MOBILE, "moov" },
	{ "20212345", PHONE_FIXED, NULL },		/* Bamako */
	{ "20701234", PHONE_FIXED, NULL },
	{ "21271234", PHONE_FIXED, NULL },
	{ "21412345", PHONE_FIXED, NULL },
	{ "40012345", PHONE_FIXED, NULL },
	{ "44123456", PHONE_FIXED, NULL },
	{ "44412345", PHONE_FIXED, NULL },	/* unknown to 8.12.57 */
	{ "44512345", PHONE_FIXED, NULL },	/* unknown to 8.12.57 */
	{ "44912345", PHONE_FIXED, NULL },
	{ "80001132", PHONE_TOLL_FREE, NULL },	/* a numéro vert */
	{ "80333000", PHONE_TOLL_FREE, NULL },
	/* 8 digits outside every known range: kept, never refused. */
	{ "30123456", PHONE_OTHER_ML, NULL },
	{ "81123456", PHONE_OTHER_ML, NULL },
	{ "86123456", PHONE_OTHER_ML, NULL },
	{ "54123456", PHONE_OTHER_ML, "telecel" },	/* Atel's block 5 */
	{ "20001234", PHONE_OTHER_ML, "orange" },	/* Orange's 200 */
	{ "10000000", PHONE_OTHER_ML, NULL },
};

/*
 * Written forms, each # standing for the next of the 8 digits, tried
 * with the TON unknown (0) or not given (-1).
 */
static const char *const WITH_CC[] = {
	"+223########",
	"+223 ## ## ## ##",
	"+223-##-##-##-##",
	"(+223) ##.##.##.##",
	"+ 223 ########",
	"00223########",
	"00 223 ## ## ## ##",
	"00223/####/####",
	"\xc2\xa0+223\xc2\xa0##\xc2\xa0##\xc2\xa0##\xc2\xa0##", /* NBSP */
	"+223\xe2\x80\xaf##\xe2\x80\xaf##\xe2\x80\xaf##\xe2\x80\xaf##",
	"\t+223 ## ## ## ## \t",
};

static const char *const BARE[] = {
	"########",
	"## ## ## ##",
	"##.##.##.##",
	"##-##-##-##",
	"#### ####",
	"##\xc2\xa0##\xc2\xa0##\xc2\xa0##",
	"223########",
	"223 ## ## ## ##",
	"(223) ## ## ## ##",
};

static void
fill(char *buf, size_t size, const char *form, const char *d)
{
	size_t n = 0;

	for (; *form != '\0' && n + 1 < size; form++)
		buf[n++] = *form == '#' ? *d++ : *form;
	buf[n] = '\0';
}

/* normalise addr and compare with want (NULL: must be refused). */
static void
expect(const char *addr, int ton, int npi, const char *want,
    enum phone_kind want_kind)
{
	char out[PHONE_E164_MAX];
	enum phone_kind kind = KIND_UNSET;
	int rc;

	memset(out, 'x', sizeof out);
	rc = phone_normalise(addr, ton, npi, out, &kind);
	if (want == NULL) {
		if (rc != -1 || out[0] != '\0' || kind != KIND_UNSET)
			fail_msg("\"%s\" ton %d npi %d: got %d \"%.17s\", "
			    "want a refusal", addr ? addr : "(null)", ton, npi,
			    rc, out);
		return;
	}
	if (rc != 0 || strcmp(out, want) != 0 || kind != want_kind)
		fail_msg("\"%s\" ton %d npi %d: got %d \"%.17s\" kind %d, "
		    "want \"%s\" kind %d", addr, ton, npi, rc, out, kind, want,
		    want_kind);
}

static void
test_init(void **state)
{
	(void)state;
	assert_int_equal(phone_init(), 0);
	assert_int_equal(phone_init(), 0);	/* again: harmless */
}

/* Every range in every written form, with and without TON. */
static void
test_mali_written_forms(void **state)
{
	static const int tons[] = { UNKNOWN, 0 };
	char addr[96], want[PHONE_E164_MAX];
	unsigned n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof ML / sizeof ML[0]; i++) {
		snprintf(want, sizeof want, "+223%s", ML[i].nsn);
		for (size_t t = 0; t < sizeof tons / sizeof tons[0]; t++) {
			for (size_t f = 0; f < sizeof WITH_CC / sizeof WITH_CC[0];
			    f++, n++) {
				fill(addr, sizeof addr, WITH_CC[f], ML[i].nsn);
				expect(addr, tons[t], UNKNOWN, want, ML[i].kind);
			}
			for (size_t f = 0; f < sizeof BARE / sizeof BARE[0];
			    f++, n++) {
				fill(addr, sizeof addr, BARE[f], ML[i].nsn);
				expect(addr, tons[t], UNKNOWN, want, ML[i].kind);
			}
		}
	}
	assert_int_equal(n, 39 * 2 * (11 + 9));
}

/* source_addr as the carriers send it: TON/NPI pairs seen on SMPP links. */
static void
test_mali_ton_npi(void **state)
{
	char addr[32], want[PHONE_E164_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof ML / sizeof ML[0]; i++) {
		const char *nsn = ML[i].nsn;
		enum phone_kind k = ML[i].kind;

		snprintf(want, sizeof want, "+223%s", nsn);
		snprintf(addr, sizeof addr, "223%s", nsn);
		expect(addr, 1, 1, want, k);		/* international, E.164 */
		expect(addr, 1, 0, want, k);
		expect(addr, 0, 1, want, k);
		expect(addr, 2, 1, want, k);	/* cc marked national: a slip */
		expect(want, 1, 1, want, k);		/* "+223..." */
		expect(want, 2, 1, want, k);	/* a written "+" wins */
		snprintf(addr, sizeof addr, "00223%s", nsn);
		expect(addr, 1, 1, want, k);
		expect(addr, 2, 8, want, k);
		expect(nsn, 2, 1, want, k);		/* national */
		expect(nsn, 2, 8, want, k);		/* national plan */
		expect(nsn, 4, 1, want, k);		/* subscriber number */
		expect(nsn, 0, 0, want, k);
		expect(nsn, 0, 9, want, k);		/* "private" plan */
		expect(nsn, 3, 1, want, k);		/* network specific */
		expect(nsn, 1, 1, want, k);	/* national digits marked TON 1 */
		/* Never a subscriber: alphanumeric, or an IMSI (E.212). */
		expect(nsn, 5, 0, NULL, 0);
		expect(addr, 5, 1, NULL, 0);
		expect(addr, 0, 6, NULL, 0);
		expect(nsn, 1, 14, NULL, 0);
	}
	/* National numbers are 8 digits, and never start with 0. */
	expect("700000410", 2, 1, NULL, 0);
	expect("7000004", 2, 1, NULL, 0);
	expect("07000004", 2, 1, NULL, 0);
	expect("07000004", 0, 0, NULL, 0);
	expect("+22307000004", 1, 1, NULL, 0);
	expect("2237000004", 2, 1, NULL, 0);
	expect("2237000004", 0, 0, NULL, 0);
	expect("22370000041", 2, 1, "+22370000041", PHONE_MOBILE);
}

static void
test_foreign(void **state)
{
	(void)state;
	expect("+33 6 12 34 56 78", UNKNOWN, UNKNOWN, "+33612345678",
	    PHONE_FOREIGN);
	/* The national prefix written after the country code is dropped. */
	expect("+33 (0)6 12 34 56 78", UNKNOWN, UNKNOWN, "+33612345678",
	    PHONE_FOREIGN);
	expect("+44 (0)20 7946 0018", 0, 0, "+442079460018", PHONE_FOREIGN);
	expect("0033612345678", 0, 1, "+33612345678", PHONE_FOREIGN);
	expect("33612345678", 1, 1, "+33612345678", PHONE_FOREIGN);
	expect("+33612345678", 2, 1, "+33612345678", PHONE_FOREIGN);
	/* Without "+" nor TON 1, only a valid foreign number is believed. */
	expect("33612345678", 0, 1, "+33612345678", PHONE_FOREIGN);
	expect("33012345678", 0, 1, NULL, 0);	/* no such French range */
	expect("33012345678", UNKNOWN, 1, NULL, 0);
	/* Said international: normalised, not validated. */
	expect("33012345678", 1, 1, "+33012345678", PHONE_FOREIGN);
	expect("33612345678", 2, 1, NULL, 0);	/* not 8 Mali digits */
	/* Neighbours: Burkina Faso, Senegal, Côte d'Ivoire, Niger. */
	expect("+226 70 12 34 56", UNKNOWN, UNKNOWN, "+22670123456",
	    PHONE_FOREIGN);
	expect("22670123456", 1, 1, "+22670123456", PHONE_FOREIGN);
	expect("00221 77 123 45 67", 0, 0, "+221771234567", PHONE_FOREIGN);
	expect("+225 07 07 12 34 56", 1, 1, "+2250707123456", PHONE_FOREIGN);
	expect("+227 90 12 34 56", 0, 1, "+22790123456", PHONE_FOREIGN);
	expect("00 1 650 253 0000", UNKNOWN, UNKNOWN, "+16502530000",
	    PHONE_FOREIGN);
	expect("001-650-253-0000", 2, 1, "+16502530000", PHONE_FOREIGN);
	expect("16502530000", 1, 1, "+16502530000", PHONE_FOREIGN);
	/* No such country code; too short or too long for the country. */
	expect("+999 123 456 789", UNKNOWN, UNKNOWN, NULL, 0);
	expect("0099912345678", 0, 0, NULL, 0);
	expect("+33 6 12 34", UNKNOWN, UNKNOWN, NULL, 0);
	expect("+33 6 12 34 56 78 90 12", UNKNOWN, UNKNOWN, NULL, 0);
	expect("+1 650 253 0000 ext 5", UNKNOWN, UNKNOWN, NULL, 0);
	expect("+1 800 FLOWERS", UNKNOWN, UNKNOWN, NULL, 0);
	/* A French national form means nothing without its country. */
	expect("0612345678", 0, 0, NULL, 0);
	expect("0612345678", UNKNOWN, UNKNOWN, NULL, 0);
}

static void
test_refusals(void **state)
{
	static const char *const bad[] = {
		"", " ", " . - ", "+", "00", "0022370",
		"ORANGE", "Orange Mali", "MOOV", "Telecel",
		"36123",		/* the hotline's short code */
		"80333",		/* the GBV short code */
		"15", "17", "18",	/* emergency */
		"*384#", "#144#", "*166*1#",
		"7000004",		/* 7 digits */
		"+2237612345", "+223761234567", "0022376",
		"12345678901234567890",	/* 20 digits */
		"123456789012345678901",
		"+22370000041222222222",
		"++22370000041", "+223+70000041", "70+000041",
		"223+70000041", "33+612345678",
		"7000004l", "70000041a", "7000 0041x",
		"70000041\n", "70_00_00_41", "70,00,00,41",
		"tel:+22370000041", "+223 70 00 00 41;ext=2",
		"\xc2" "70000041", "7000\xe2\x80" "0041",
		"\xd9\xa7\xd9\xa0\xd9\xa0\xd9\xa0\xd9\xa0\xd9\xa0\xd9\xa4"
		    "\xd9\xa1",	/* Arabic-Indic digits */
	};
	char pad[128];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		expect(bad[i], UNKNOWN, UNKNOWN, NULL, 0);
		expect(bad[i], 0, 0, NULL, 0);
		expect(bad[i], 1, 1, NULL, 0);
		expect(bad[i], 2, 1, NULL, 0);
	}
	expect(NULL, UNKNOWN, UNKNOWN, NULL, 0);
	assert_int_equal(phone_normalise("70000041", 0, 0, NULL, NULL), -1);
	/* A number buried in 64+ octets of text is text. */
	memset(pad, ' ', sizeof pad);
	memcpy(pad, "70000041", 8);
	pad[64] = '\0';
	expect(pad, 0, 0, "+22370000041", PHONE_MOBILE);
	pad[65] = '\0';
	pad[64] = ' ';
	expect(pad, 0, 0, NULL, 0);
}

static void
test_kind_may_be_null(void **state)
{
	char out[PHONE_E164_MAX];

	(void)state;
	assert_int_equal(phone_normalise("85 12 34 56", -1, -1, out, NULL), 0);
	assert_string_equal(out, "+22385123456");
	assert_int_equal(phone_normalise("ORANGE", 5, 0, out, NULL), -1);
	assert_string_equal(out, "");
}

static void
test_carrier(void **state)
{
	static const char *const none[] = {
		"", "+223", "+2237000004", "+223700000411", "22370000041",
		"+223 70000041", "+2237000004a", "+22370000041 ",
		"+33612345678", "+22670123456", "+22480001132",
		"0022370000041", "70000041",
	};
	char e[PHONE_E164_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof ML / sizeof ML[0]; i++) {
		const char *c;

		snprintf(e, sizeof e, "+223%s", ML[i].nsn);
		c = phone_carrier(e);
		if (ML[i].carrier == NULL ? c != NULL :
		    c == NULL || strcmp(c, ML[i].carrier) != 0)
			fail_msg("%s: carrier %s, want %s", e, c ? c : "NULL",
			    ML[i].carrier ? ML[i].carrier : "NULL");
	}
	assert_null(phone_carrier(NULL));
	for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
		if (phone_carrier(none[i]) != NULL)
			fail_msg("\"%s\": a carrier for a non-Mali E.164",
			    none[i]);
}

/* What comes out goes back in unchanged, whatever TON it comes with. */
static void
test_idempotent(void **state)
{
	static const char *const in[] = {
		"70 00 00 41", "0022352000041", "+223 85 12 34 56",
		"80001132", "+33 (0)6 12 34 56 78", "00 1 650 253 0000",
		"+225 07 07 12 34 56", "+44 (0)20 7946 0018", "30123456",
	};
	static const int tons[] = { UNKNOWN, 0, 1, 2, 4 };
	char out[PHONE_E164_MAX], again[PHONE_E164_MAX];
	enum phone_kind k1, k2;

	(void)state;
	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
		assert_int_equal(phone_normalise(in[i], -1, -1, out, &k1), 0);
		for (size_t t = 0; t < sizeof tons / sizeof tons[0]; t++) {
			assert_int_equal(phone_normalise(out, tons[t], 1, again,
			    &k2), 0);
			assert_string_equal(again, out);
			assert_int_equal(k2, k1);
		}
	}
}

/* Several threads at once (libphonenumber's regex cache is shared). */
#define THREADS 4
#define ROUNDS 500

static void *
worker(void *arg)
{
	static const struct {
		const char *in, *out;
	} v[] = {
		{ "+33 6 12 34 56 78", "+33612345678" },
		{ "0022670123456", "+22670123456" },
		{ "70 00 00 41", "+22370000041" },
		{ "16502530000", "+16502530000" },
		{ "+44 (0)20 7946 0018", "+442079460018" },
	};
	unsigned seed = (unsigned)(uintptr_t)arg;
	char out[PHONE_E164_MAX];

	for (int r = 0; r < ROUNDS; r++) {
		size_t i = (size_t)(r + seed) % (sizeof v / sizeof v[0]);

		if (phone_normalise(v[i].in, -1, -1, out, NULL) != 0 ||
		    strcmp(out, v[i].out) != 0)
			return (void *)1;
	}
	return NULL;
}

static void
test_threads(void **state)
{
	pthread_t t[THREADS];
	void *ret;

	(void)state;
	for (uintptr_t i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker,
		    (void *)i), 0);
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(t[i], &ret), 0);
		assert_null(ret);
	}
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_mali_written_forms),
		cmocka_unit_test(test_mali_ton_npi),
		cmocka_unit_test(test_foreign),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_kind_may_be_null),
		cmocka_unit_test(test_carrier),
		cmocka_unit_test(test_idempotent),
		cmocka_unit_test(test_threads),
	};

	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("phone", tests, NULL, NULL) != 0;
}
