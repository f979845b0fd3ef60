/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * GSM 7-bit (gateway/base/gsm7.c); UTF-8 itself is in test_utf8.c.
 *
 * Expected values come from outside our encoder: the 3GPP TS 23.038
 * tables written out below as UTF-8 text, byte vectors from other
 * implementations' test suites and from the SMPP fixtures captured from
 * node-smpp, Net::SMPP and Kannel (tests/fixtures/smpp/). Each vector
 * names its source next to it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/gsm7.h"
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

/*
 * 3GPP TS 23.038 §6.2.1, "GSM 7 bit Default Alphabet", one line per
 * column of the spec's table (codes 0x00-0x0F, 0x10-0x1F, ...), as the
 * UTF-8 of the character shown. NULL: 0x1B, escape to the extension
 * table. Non-ASCII letters are spelt as \u escapes so that no Latin
 * lookalike can slip in for a Greek capital.
 */
static const char *const spec_default[128] = {
	"@", "\u00a3", "$", "\u00a5", "\u00e8", "\u00e9", "\u00f9", "\u00ec",
	"\u00f2", "\u00c7", "\n", "\u00d8", "\u00f8", "\r", "\u00c5", "\u00e5",
	/* Δ _ Φ Γ Λ Ω Π Ψ Σ Θ Ξ ESC Æ æ ß É */
	"\u0394", "_", "\u03a6", "\u0393", "\u039b", "\u03a9", "\u03a0",
	"\u03a8", "\u03a3", "\u0398", "\u039e", NULL, "\u00c6", "\u00e6",
	"\u00df", "\u00c9",
	" ", "!", "\"", "#", "\u00a4", "%", "&", "'",
	"(", ")", "*", "+", ",", "-", ".", "/",
	"0", "1", "2", "3", "4", "5", "6", "7",
	"8", "9", ":", ";", "<", "=", ">", "?",
	"\u00a1", "A", "B", "C", "D", "E", "F", "G",
	"H", "I", "J", "K", "L", "M", "N", "O",
	"P", "Q", "R", "S", "T", "U", "V", "W",
	"X", "Y", "Z", "\u00c4", "\u00d6", "\u00d1", "\u00dc", "\u00a7",
	"\u00bf", "a", "b", "c", "d", "e", "f", "g",
	"h", "i", "j", "k", "l", "m", "n", "o",
	"p", "q", "r", "s", "t", "u", "v", "w",
	"x", "y", "z", "\u00e4", "\u00f6", "\u00f1", "\u00fc", "\u00e0",
};

/* §6.2.1.1, "GSM 7 bit default alphabet extension table". */
static const struct {
	uint8_t code;
	const char *utf8;
} spec_ext[] = {
	{ 0x0a, "\f" }, { 0x14, "^" }, { 0x28, "{" }, { 0x29, "}" },
	{ 0x2f, "\\" }, { 0x3c, "[" }, { 0x3d, "~" }, { 0x3e, "]" },
	{ 0x40, "|" }, { 0x65, "\u20ac" },
};
#define NEXT (sizeof spec_ext / sizeof spec_ext[0])

static const char *
spec_ext_of(unsigned code)
{
	size_t i;

	for (i = 0; i < NEXT; i++)
		if (spec_ext[i].code == code)
			return spec_ext[i].utf8;
	return NULL;
}

/*
 * Septets of s by the tables above (a reference encoder independent of
 * gsm7.c: whole-character matches of UTF-8 strings). 0 if unmappable.
 */
static size_t
spec_encode(const char *s, uint8_t *out, size_t size)
{
	size_t n = 0, k, i;

	while (*s != '\0') {
		for (i = 0; i < 128 + NEXT; i++) {
			const char *c = i < 128 ? spec_default[i] :
			    spec_ext[i - 128].utf8;

			k = c != NULL ? strlen(c) : 0;
			if (k > 0 && strncmp(s, c, k) == 0)
				break;
		}
		if (i == 128 + NEXT)
			return 0;
		assert_true(n + 2 <= size);
		if (i >= 128)
			out[n++] = GSM7_ESC;
		out[n++] = i < 128 ? (uint8_t)i : spec_ext[i - 128].code;
		s += k;
	}
	return n;
}

/* Decodes and checks text, return value, NUL and the bad count. */
static void
check_decode(const uint8_t *sept, size_t n, const char *want,
    unsigned want_bad)
{
	char out[1024];
	unsigned bad = 0;
	size_t r = gsm7_to_utf8(sept, n, out, sizeof out, &bad);

	assert_string_equal(out, want);
	assert_int_equal(r, strlen(want));
	assert_int_equal(bad, want_bad);
}

/* Encodes text and checks the septets and gsm7_count. */
static void
check_encode(const char *text, const uint8_t *want, size_t n)
{
	uint8_t out[1024];
	uint32_t bad_cp = 0x12345;
	long r = gsm7_from_utf8(text, strlen(text), out, sizeof out, &bad_cp);

	assert_int_equal(r, (long)n);
	assert_memory_equal(out, want, n);
	assert_int_equal(bad_cp, 0x12345);
	assert_int_equal(gsm7_count(text, strlen(text)), (long)n);
}

/* --- the tables, every position both ways ------------------------------ */

static void
test_default_alphabet(void **state)
{
	uint8_t c, sept[2];
	uint32_t cp;

	(void)state;
	for (c = 0; c < 128; c++) {
		if (c == GSM7_ESC)
			continue;
		check_decode(&c, 1, spec_default[c], 0);
		check_encode(spec_default[c], &c, 1);
		utf8_next(spec_default[c], strlen(spec_default[c]), &cp, NULL);
		assert_int_equal(gsm7_from_ucs(cp, sept), 1);
		assert_int_equal(sept[0], c);
	}
}

static void
test_extension_table(void **state)
{
	uint8_t seq[2] = { GSM7_ESC, 0 }, sept[2];
	uint32_t cp;
	size_t i;

	(void)state;
	for (i = 0; i < NEXT; i++) {
		seq[1] = spec_ext[i].code;
		check_decode(seq, 2, spec_ext[i].utf8, 0);
		check_encode(spec_ext[i].utf8, seq, 2);
		utf8_next(spec_ext[i].utf8, strlen(spec_ext[i].utf8), &cp,
		    NULL);
		assert_int_equal(gsm7_from_ucs(cp, sept), 2);
		assert_memory_equal(sept, seq, 2);
	}
}

/* No code point is ever encoded as a lone ESC, nor to a lookalike. */
static void
test_encoder_refusals(void **state)
{
	/* Greek capitals drawn like Latin letters: GSM0338.TXT (Unicode,
	 * mgkuhn/uniset) lists them only as commented-out lines. */
	static const uint32_t lookalikes[] = {
		0x0391, 0x0392, 0x0395, 0x0396, 0x0397, 0x0399, 0x039a,
		0x039c, 0x039d, 0x039f, 0x03a1, 0x03a4, 0x03a5, 0x03a7,
		0x03b1, 0x03b4,	/* small alpha, small delta */
		0x2126, 0x2206,	/* OHM SIGN, INCREMENT: not Ω, Δ */
		0x00e7,	/* ç: see gsm7.c; Kannel approximates it as Ç */
		0x0000, 0x001b, 0x0060, 0x00c0, 0x00a0, 0x202f, 0xfffd,
		0x10ffff,
	};
	uint8_t sept[2] = { 0xee, 0xee };
	uint32_t cp;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof lookalikes / sizeof lookalikes[0]; i++)
		assert_int_equal(gsm7_from_ucs(lookalikes[i], sept), 0);
	assert_int_equal(sept[0], 0xee);	/* untouched */
	for (cp = 0; cp < 0x3000; cp++) {
		unsigned n = gsm7_from_ucs(cp, sept);

		if (n == 1)
			assert_int_not_equal(sept[0], GSM7_ESC);
		if (n == 1 || n == 2)
			assert_true(sept[n - 1] < 128);
	}
}

/* §6.2.1.1: a code the extension table lacks shows the default
 * character; ESC ESC (reserved) shows a space. */
static void
test_escape_rules(void **state)
{
	uint8_t seq[4] = { GSM7_ESC, 0 };
	char want[8];
	unsigned c;

	(void)state;
	for (c = 0; c < 128; c++) {
		const char *e = spec_ext_of(c);

		seq[1] = (uint8_t)c;
		if (c == GSM7_ESC)
			e = " ";
		else if (e == NULL)
			e = spec_default[c];
		check_decode(seq, 2, e, 0);
	}
	/* ESC ESC then 'a': the space, then the letter */
	seq[1] = GSM7_ESC;
	seq[2] = 0x61;
	check_decode(seq, 3, " a", 0);
	/* dangling ESC: alone, and at the end of a text */
	check_decode(seq, 1, FFFD, 1);
	seq[0] = 0x61;
	seq[1] = GSM7_ESC;
	check_decode(seq, 2, "a" FFFD, 1);
	/* values above 127, alone and after ESC */
	seq[0] = 0x80;
	check_decode(seq, 1, FFFD, 1);
	seq[0] = GSM7_ESC;
	seq[1] = 0xe9;
	seq[2] = 0x65;
	check_decode(seq, 3, FFFD "e", 1);
	snprintf(want, sizeof want, "%s%s", FFFD, "\u20ac");
	seq[0] = 0xff;
	seq[1] = GSM7_ESC;
	seq[2] = 0x65;
	check_decode(seq, 3, want, 1);
}

/* --- unpacked septets from the SMPP fixtures ---------------------------- */

/* tests/fixtures/smpp/expected.json: short_message_hex and text. */
static const struct {
	const char *src, *hex, *text;
} fx_vectors[] = {
	/* nodesmpp-deliver_sm-gsm7-french-accents.hex, and byte for byte
	 * Kannel's own encoding, kannel-submit_sm-gsm7-french-accents.hex */
	{ "french-accents",
	  "5305676f753a206c6520666f726167652070720473206465206c271f636f6c65"
	  "2065737420656e2070616e6e65207f203130682e204f0620657374206c652072"
	  "0570617261746575723f2050726f626c046d65207472047320757267656e742c"
	  "206d657263692e",
	  "S\u00e9gou: le forage pr\u00e8s de l'\u00c9cole est en panne "
	  "\u00e0 10h. O\u00f9 est le r\u00e9parateur? Probl\u00e8me "
	  "tr\u00e8s urgent, merci." },
	/* nodesmpp-deliver_sm-gsm7-extension-table.hex and
	 * kannel-submit_sm-gsm7-extension-table.hex (identical octets) */
	{ "extension-table",
	  "5461726966203130301b65201b3c70726f6d6f1b3e201b2832781b2920321b14"
	  "33201b3d656e762e20611b406220433a1b2f6d616c69",
	  "Tarif 100\u20ac [promo] {2x} 2^3 ~env. a|b C:\\mali" },
	/* kannel-submit_sm-ussd-op02-ussr-menu.hex */
	{ "kannel-ussr-menu",
	  "5369676e616c656d656e743a0a312e204561750a322e2053616e74050a332e20"
	  "1f636f6c650a302e2051756974746572",
	  "Signalement:\n1. Eau\n2. Sant\u00e9\n3. \u00c9cole\n0. Quitter" },
	/* kannel-submit_sm-ussd-op11-pssr-end-endbit.hex */
	{ "kannel-pssr-end",
	  "4d657263692e205369676e616c656d656e74203435323120656e726567697374"
	  "72052e2047617264657a206365206e756d05726f2e",
	  "Merci. Signalement 4521 enregistr\u00e9. Gardez ce num\u00e9ro." },
	/* nodesmpp-deliver_sm-autodetect-dc01-gsm-codepoints-trap.hex:
	 * node-smpp wrote GSM code points for "Santé: 100€ à payer"
	 * (README.md, "Known traps") */
	{ "dc01-trap",
	  "53616e74053a203130301b65207f207061796572",
	  "Sant\u00e9: 100\u20ac \u00e0 payer" },
};

static void
test_fixture_vectors(void **state)
{
	uint8_t sept[256];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof fx_vectors / sizeof fx_vectors[0]; i++) {
		n = unhex(fx_vectors[i].hex, sept, sizeof sept);
		check_decode(sept, n, fx_vectors[i].text, 0);
		check_encode(fx_vectors[i].text, sept, n);
	}
	/* "45 characters but 54 octets" (expected.json note) */
	assert_int_equal(gsm7_count(fx_vectors[1].text,
	    strlen(fx_vectors[1].text)), 54);
	assert_int_equal(utf8_count(fx_vectors[1].text,
	    strlen(fx_vectors[1].text)), 45);
}

/* netsmpp-deliver_sm-dc0-latin1-trap.hex: Latin-1 under data_coding 0;
 * expected.json lists six "octet >0x7f" problems. */
static void
test_latin1_trap(void **state)
{
	uint8_t sept[64];
	size_t n = unhex("50726f626ce86d652072e9676ce920e02053e9676f752c20"
	    "6ff93f", sept, sizeof sept);

	(void)state;
	check_decode(sept, n, "Probl" FFFD "me r" FFFD "gl" FFFD " " FFFD
	    " S" FFFD "gou, o" FFFD "?", 6);
}

static const char *
top_dir(void)
{
	const char *t = getenv("NV_TOP");

	return t != NULL && *t != '\0' ? t : ".";
}

/* Every GSM 03.38 unpacked fixture: decode to its text, with one bad
 * septet per ">0x7f" problem; re-encode to the same octets when clean. */
static void
test_all_gsm_fixtures(void **state)
{
	char path[512], out[1024];
	const char *key;
	json_t *all, *v;
	size_t checked = 0;

	(void)state;
	snprintf(path, sizeof path, "%s/tests/fixtures/smpp/expected.json",
	    top_dir());
	all = json_load_file(path, 0, NULL);
	assert_non_null(all);
	json_object_foreach(all, key, v) {
		json_t *d = json_object_get(v, "decoded"), *p;
		const char *te = json_string_value(json_object_get(d,
		    "text_encoding"));
		const char *hex = json_string_value(json_object_get(d,
		    "short_message_hex"));
		const char *text = json_string_value(json_object_get(d,
		    "text"));
		json_t *udh = json_object_get(d, "udh");
		uint8_t sept[512], *s = sept, re[512];
		unsigned bad = 0, want_bad = 0;
		size_t n, i;

		if (te == NULL || strcmp(te, "GSM 03.38 unpacked") != 0)
			continue;
		n = unhex(hex, sept, sizeof sept);
		if (udh != NULL) {	/* UDHL + UDH precede the text */
			s += sept[0] + 1;
			n -= sept[0] + 1u;
		}
		json_array_foreach(json_object_get(d, "problems"), i, p)
			if (strstr(json_string_value(p), ">0x7f") != NULL)
				want_bad++;
		gsm7_to_utf8(s, n, out, sizeof out, &bad);
		if (want_bad == 0)
			assert_string_equal(out, text);
		assert_int_equal(bad, want_bad);
		if (want_bad == 0) {
			assert_int_equal(gsm7_from_utf8(text, strlen(text), re,
			    sizeof re, NULL), (long)n);
			assert_memory_equal(re, s, n);
		}
		checked++;
	}
	assert_true(checked >= 29);	/* README.md coverage table */
	json_decref(all);
}

/* --- packed septets -------------------------------------------------------- */

static const struct {
	const char *src, *text, *packed;
	size_t nsept;
} packed_vectors[] = {
	/* "SMS messages and the PDU format" (Lars Pettersson), TP-UD of
	 * the SMS-SUBMIT example; also cosimo/perl5-device-gsm t/20pdu.t,
	 * hbjorgo/ATLib src/HeboTech.ATLib.Tests/CodingSchemes/Gsm7Tests.cs */
	{ "pdu-format", "hellohello", "e8329bfd4697d9ec37", 10 },
	/* cosimo/perl5-device-gsm t/20pdu.t (UDL 0x25 = 37) */
	{ "perl5-device-gsm", "The quick fox jumps over the lazy dog",
	  "54741914afa7c76b90f98d07a9eb6df81cf4b697e5203aba0c6287f57910f97d06",
	  37 },
	/* osmocom/libosmocore tests/sms/sms_test.c: simple_enc,
	 * escape_enc ('$' 0x02, '@' 0x00, '_' 0x11, '^' ESC 0x14),
	 * enhanced_enc and enhancedV2_enc (same octet count) */
	{ "libosmocore simple", "test text", "f4f29c0ea297f174", 9 },
	{ "libosmocore escape", "!$ a more#^- complicated test@@?_%! case",
	  "2101280c6abfe5e5d186d2028ddf6d383b3d0ed3cb6410bd3ca70300bf482904"
	  "1a87e765", 41 },
	{ "libosmocore enhanced", "enhanced ^ {][} test |+~ ^ test",
	  "65373aec1e97c9a00d05b4416d7c1bde2605a297e774d006b8daf4401b0a885e"
	  "9ed301", 39 },
	{ "libosmocore enhancedV2", "enhanced ^ {][} test |+~ ^ tests",
	  "65373aec1e97c9a00d05b4416d7c1bde2605a297e774d006b8daf4401b0a885e"
	  "9ed3e7", 40 },
	/* hbjorgo/ATLib Gsm7Tests.cs Encode_and_pack_returns_encoded_text;
	 * "Tada :)" is 7 septets whose spare bits stay zero in an SMS */
	{ "ATLib", "Google", "c7f7fbcc2e03", 6 },
	{ "ATLib", "SMS Rulz", "d3e61424adb3f5", 8 },
	{ "ATLib", "Tada :)", "d430390cd2a500", 7 },
	{ "ATLib", "Hello world", "c8329bfd06dddf723619", 11 },
	/* faucamp/python-gsmmodem test/test_pdu.py TestGsm7 */
	{ "python-gsmmodem", "Hello World!", "c8329bfd065ddf72363904", 12 },
	{ "python-gsmmodem", "[{abc}]~", "1bde0615168f37a98d6fd303", 13 },
	{ "python-gsmmodem",
	  "{\u00e5\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u20ac}",
	  "1bd44332a1542c174c6653dea400", 15 },
	{ "python-gsmmodem", "a[]{}\u20ac", "e10d6fe3dba036a94d19", 11 },
	{ "python-gsmmodem", "123456789012345678901234567890",
	  "31d98c56b3dd7039584c36a3d56c375c0e1693cd6835db0d978301", 30 },
};

static void
test_packed_vectors(void **state)
{
	uint8_t want[128], sept[256], out[128], back[256];
	size_t i, n, k;
	long ns;

	(void)state;
	for (i = 0; i < sizeof packed_vectors / sizeof packed_vectors[0];
	    i++) {
		const char *text = packed_vectors[i].text;

		n = unhex(packed_vectors[i].packed, want, sizeof want);
		ns = gsm7_from_utf8(text, strlen(text), sept, sizeof sept,
		    NULL);
		assert_int_equal(ns, (long)packed_vectors[i].nsept);
		k = gsm7_pack(sept, (size_t)ns, 0, out, sizeof out);
		assert_int_equal(k, n);
		assert_memory_equal(out, want, n);
		assert_int_equal(gsm7_unpack(want, n, 0, (size_t)ns, back),
		    (size_t)ns);
		assert_memory_equal(back, sept, (size_t)ns);
		check_decode(back, (size_t)ns, text, 0);
	}
}

/* Copies p shifted up by k bits (the packed stream behind k fill bits):
 * how any packed vector looks after a UDH, by §6.1.2.1.1. */
static void
shift_bits(const uint8_t *p, size_t plen, unsigned k, uint8_t *q,
    size_t qlen)
{
	size_t i;

	for (i = 0; i < qlen; i++) {
		unsigned lo = i < plen ? p[i] : 0;
		unsigned prev = i > 0 && i - 1 < plen ? p[i - 1] : 0;

		q[i] = (uint8_t)(lo << k | (k ? prev >> (8 - k) : 0));
	}
}

static void
test_fill_bits(void **state)
{
	/* libosmocore tests/sms/sms_test.c concatenated_part1_enc and
	 * part2: UDH 05 00 03 6f 02 xx (6 octets), so 1 fill bit */
	static const char part1[] =
	    "e8e8f41c949e83c2207a794e6f97e7f3f0b9ec02d1d1e939283d078541f4f29c"
	    "de2ecfe7e173d905a2a3d373507a0e0a83e8e539bd5d9ecfc3e7b20b4447a7e7"
	    "a0f41c1406d1cb737abb3c9f87cf6517888e4ecf41e939280ca297e7f476793e"
	    "0f9fcb2e101d9d9e83d2735018442fcfe9edf27c1e3e975da0719d0e4297e565"
	    "90cbe572b974";
	static const char part2[] =
	    "4074747a0e4acf4161d0bc3c7ebbc9207a794e6f97e7f3f0b9ec0295dd6410ba"
	    "2c2fbb00";
	static const char text1[] =
	    "this is a testmessage. this is a testmessage. this is a "
	    "testmessage. this is a testmessage. this is a testmessage. "
	    "this is a testmessage. cut here .....:";
	static const char text2[] = " this is a second testmessage. end here.";
	/* hbjorgo/ATLib Gsm7Tests.cs Encoder_returns_encoded_text_with_
	 * padding: ATLib appends one extra 00 octet; the last octet
	 * holding septet bits ends the vector here */
	static const struct {
		const char *text, *hex;
		unsigned fill;
	} cited[] = {
		{ text1, part1, 1 }, { text2, part2, 1 },
		{ "Hello world", "906536fb0dbabfe56c32", 1 },
		{ "Hi", "20d3", 2 },
	};
	uint8_t want[160], sept[200], out[160], back[200];
	size_t i, n;
	long ns;

	(void)state;
	for (i = 0; i < sizeof cited / sizeof cited[0]; i++) {
		n = unhex(cited[i].hex, want, sizeof want);
		ns = gsm7_from_utf8(cited[i].text, strlen(cited[i].text), sept,
		    sizeof sept, NULL);
		assert_true(ns > 0);
		assert_int_equal(gsm7_pack(sept, (size_t)ns, cited[i].fill, out,
		    sizeof out), n);
		assert_memory_equal(out, want, n);
		assert_int_equal(gsm7_unpack(want, n, cited[i].fill, (size_t)ns,
		    back), (size_t)ns);
		assert_memory_equal(back, sept, (size_t)ns);
	}
	assert_int_equal(gsm7_count(text1, strlen(text1)), 153);
}

/* 1..6 fill bits over the first two cited unpadded vectors, the expected
 * octets shifted by hand */
static void
test_fill_bits_shifted(void **state)
{
	uint8_t want[64], sept[64], out[64], back[64];
	size_t i, n;
	long ns;
	unsigned k;

	(void)state;
	for (i = 0; i < 2; i++) {
		size_t plen = unhex(packed_vectors[i].packed, sept,
		    sizeof sept);

		ns = (long)packed_vectors[i].nsept;
		assert_int_equal(gsm7_unpack(sept, plen, 0, (size_t)ns, back),
		    (size_t)ns);
		for (k = 1; k <= 6; k++) {
			n = (k + 7 * (size_t)ns + 7) / 8;
			shift_bits(sept, plen, k, want, n);
			assert_int_equal(gsm7_pack(back, (size_t)ns, k, out,
			    sizeof out), n);
			assert_memory_equal(out, want, n);
			assert_int_equal(gsm7_unpack(want, n, k, (size_t)ns,
			    out), (size_t)ns);
			assert_memory_equal(out, back, (size_t)ns);
		}
	}
}

/* A packed stream whose last septet is ESC: the decoder flags it. */
static void
test_packed_dangling_esc(void **state)
{
	const uint8_t sept[] = { 'h', 'e', 'l', 'l', 'o', GSM7_ESC };
	uint8_t oct[8], back[8];
	size_t n, k;

	(void)state;
	for (k = 0; k <= 6; k++) {
		n = gsm7_pack(sept, sizeof sept, (unsigned)k, oct, sizeof oct);
		assert_int_equal(n, (k + 7 * sizeof sept + 7) / 8);
		assert_int_equal(gsm7_unpack(oct, n, (unsigned)k, sizeof sept,
		    back), sizeof sept);
		check_decode(back, sizeof sept, "hello" FFFD, 1);
	}
}

static void
test_unpack_short(void **state)
{
	uint8_t oct[16], sept[32], canary[16];
	size_t n = unhex("e8329bfd4697d9ec37", oct, sizeof oct);

	(void)state;
	assert_int_equal(n, 9);
	/* 5 octets hold 5 whole septets (40 bits) */
	assert_int_equal(gsm7_unpack(oct, 5, 0, 10, sept), 5);
	assert_memory_equal(sept, "hello", 5);
	assert_int_equal(gsm7_unpack(oct, 5, 6, 10, sept), 4);	/* 34 bits */
	assert_int_equal(gsm7_unpack(oct, 1, 2, 10, sept), 0);	/* 6 bits */
	assert_int_equal(gsm7_unpack(oct, 0, 0, 10, sept), 0);
	assert_int_equal(gsm7_unpack(oct, 9, 0, 3, sept), 3);
	assert_int_equal(gsm7_unpack(oct, 9, 7, 10, sept), 0);	/* fill > 6 */
	/* packing: exact room works, one octet less writes nothing */
	memset(canary, 0xaa, sizeof canary);
	assert_int_equal(gsm7_pack((const uint8_t *)"hellohello", 10, 0,
	    canary, 8), 0);
	assert_int_equal(gsm7_pack((const uint8_t *)"hellohello", 10, 7,
	    canary, 16), 0);
	assert_int_equal(gsm7_pack_ussd((const uint8_t *)"0123456", 7,
	    canary, 6), 0);
	for (n = 0; n < sizeof canary; n++)
		assert_int_equal(canary[n], 0xaa);
	assert_int_equal(gsm7_pack((const uint8_t *)"hellohello", 10, 0,
	    canary, 9), 9);
	assert_memory_equal(canary, oct, 9);
	assert_int_equal(canary[9], 0xaa);
	assert_int_equal(gsm7_pack(NULL, 0, 0, canary, 0), 0);
}

/* --- USSD (§6.1.2.3.1) --------------------------------------------------- */

static void
test_ussd_vectors(void **state)
{
	/* osmocom/libosmocore tests/ussd/ussd_test.c test_7bit_ussd() and
	 * ussd_test.ok: text, packed octets, text after decoding. The 4th
	 * is a text ending in CR on an octet boundary: a second CR is sent
	 * and, as §6.1.2.3.1 says, the receiver performs CR twice. "**321#"
	 * is the USSD string of ussd_request[] ("Text was: **321#") and "2"
	 * that of ussd_facility[] (data 32). */
	static const struct {
		const char *text, *hex, *decoded;
	} v[] = {
		{ "01234567", "b0986c46abd96e", "01234567" },
		{ "0123456", "b0986c46abd91a", "0123456" },
		{ "01234567\r", "b0986c46abd96e0d", "01234567\r" },
		{ "0123456\r", "b0986c46abd91a0d", "0123456\r\r" },
		{ "012345\r", "b0986c46ab351a", "012345\r" },
		{ "", "", "" },
		{ "forty-two", "e6b79c9e6fd1ef6f", "forty-two" },
		{ "**321#", "2ad54c161b01", "**321#" },
		{ "2", "32", "2" },
	};
	uint8_t want[16], out[16], sept[32];
	char text[64];
	size_t i, n, k, ns;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		n = unhex(v[i].hex, want, sizeof want);
		ns = (size_t)gsm7_from_utf8(v[i].text, strlen(v[i].text), sept,
		    sizeof sept, NULL);
		k = gsm7_pack_ussd(sept, ns, out, sizeof out);
		assert_int_equal(k, n);
		assert_memory_equal(out, want, n);
		ns = gsm7_unpack_ussd(want, n, sept, sizeof sept);
		gsm7_to_utf8(sept, ns, text, sizeof text, NULL);
		assert_string_equal(text, v[i].decoded);
	}
	/* max caps the septets written */
	n = unhex("b0986c46abd91a", want, sizeof want);
	assert_int_equal(gsm7_unpack_ussd(want, n, sept, 3), 3);
	assert_memory_equal(sept, "012", 3);
	/*
	 * Not at an octet boundary, so no CR is dropped even where the last
	 * octet shifted right reads 0x0D: 9 septets, the 9th Ξ (0x1A), in 8
	 * octets. libosmocore's gsm_7bit_decode_n_ussd() tests only
	 * (last octet >> 1) == CR and would drop it.
	 */
	n = unhex("b0986c46abd96e1a", want, sizeof want);
	assert_int_equal(gsm7_unpack_ussd(want, n, sept, sizeof sept), 9);
	assert_int_equal(sept[8], 0x1a);
}

/* A USSD text of 8n-1 septets ending in ESC: the padding CR is dropped
 * again and the ESC is left dangling, as sent. */
static void
test_ussd_dangling_esc(void **state)
{
	const uint8_t sept[7] = { '0', '1', '2', '3', '4', '5', GSM7_ESC };
	uint8_t oct[8], back[16];
	size_t n;

	(void)state;
	n = gsm7_pack_ussd(sept, sizeof sept, oct, sizeof oct);
	assert_int_equal(n, 7);
	assert_int_equal(oct[6], 0x0d << 1);	/* CR in the spare bits */
	n = gsm7_unpack_ussd(oct, n, back, sizeof back);
	assert_int_equal(n, 7);
	check_decode(back, n, "012345" FFFD, 1);
}

/* --- UTF-8 -> GSM-7 --------------------------------------------------------- */

static void
test_count(void **state)
{
	(void)state;
	assert_int_equal(gsm7_count("", 0), 0);
	assert_int_equal(gsm7_count("hellohello", 10), 10);
	assert_int_equal(gsm7_count("\u20ac", 3), 2);
	assert_int_equal(gsm7_count("{}[]", 4), 8);
	assert_int_equal(gsm7_count("\u00e9\u00c9\u00e0", 6), 3);
	assert_int_equal(gsm7_count("b\u025b", 3), -1);	/* ɛ */
	assert_int_equal(gsm7_count("a\xc0\x80", 3), -1);	/* overlong */
	assert_int_equal(gsm7_count("a\0b", 3), -1);	/* U+0000 */
}

/* None of the special letters of Bambara, Fulfulde, Songhai or Tamasheq
 * is in GSM-7 (DESIGN.md §4, reporting-anchors.md §D.2). */
static void
test_national_letters_refused(void **state)
{
	static const struct {
		const char *text;
		uint32_t first;
	} v[] = {
		{ "\u025b", 0x025b }, { "\u0254", 0x0254 }, { "\u0272", 0x0272 },
		{ "\u014b", 0x014b }, { "\u0253", 0x0253 }, { "\u0257", 0x0257 },
		{ "\u01b4", 0x01b4 }, { "\u01dd", 0x01dd }, { "\u0190", 0x0190 },
		{ "\u0186", 0x0186 }, { "\u019d", 0x019d }, { "\u014a", 0x014a },
		/* expected.json texts: nodesmpp-deliver_sm-ucs2-bambara,
		 * nodesmpp-submit_sm-ucs2-registered_delivery,
		 * nodesmpp-deliver_sm-ucs2-fulfulde-tamasheq,
		 * nodesmpp-deliver_sm-ucs2-surrogate-pair-emoji */
		{ "I ni ce! Ne b\u025b t\u0254g\u0254 \u0272ini.", 0x025b },
		{ "I ni ce! An ye i ka cikan s\u0254r\u0254.", 0x0254 },
		{ "Fulfulde: \u0253i\u0257\u0257o \u01b4eewii", 0x0253 },
		{ "Tamasheq: t\u01ddmaj\u01ddq", 0x01dd },
		{ "Merci \U0001f44d\U0001f3fe OK", 0x1f44d },
		{ "Ma\u0272i ka \u014bunun", 0x0272 },
		{ "\u014baniya ka \u0272i.", 0x014b },
		{ "ka \u0257\u01b4", 0x0257 },
		{ "sanu \u01b4", 0x01b4 },
		{ "bad \xed\xa0\x80 utf-8", UTF8_REPLACEMENT },
	};
	uint8_t out[128];
	uint32_t cp;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		cp = 0;
		assert_int_equal(gsm7_from_utf8(v[i].text, strlen(v[i].text),
		    out, sizeof out, &cp), -1);
		assert_int_equal(cp, v[i].first);
		assert_int_equal(gsm7_count(v[i].text, strlen(v[i].text)), -1);
		/* also with no room at all: the letter is still reported */
		cp = 0;
		assert_int_equal(gsm7_from_utf8(v[i].text, strlen(v[i].text),
		    out, 0, &cp), -1);
		assert_int_equal(cp, v[i].first);
	}
}

static void
test_french(void **state)
{
	/* in GSM-7: é è à ù ì ò Ç É (§6.2.1); the expected septets come
	 * from spec_encode() over the tables above */
	static const char *const yes[] = {
		"\u00c7a y est, l'\u00c9cole de S\u00e9gou ouvre \u00e0 8h.",
		"O\u00f9 est le r\u00e9parateur? Tr\u00e8s urgent.",
		"Cos\u00ec \u00e8, per\u00f2 pi\u00f9 tard.",
		"\u00c9LECTRICIT\u00c9: la panne dure. \u00c7A SUFFIT!",
	};
	/* not in GSM-7: ê â ç î (and À, œ, «», NBSP, NNBSP, ’) */
	static const struct {
		const char *text;
		uint32_t first;
	} no[] = {
		{ "La f\u00eate du village.", 0x00ea },
		{ "L'\u00e2ge du gar\u00e7on.", 0x00e2 },
		{ "Le gar\u00e7on est l\u00e0.", 0x00e7 },
		{ "Sur l'\u00eele, ma\u00eetre.", 0x00ee },
		{ "\u00c0 Gao.", 0x00c0 },
		{ "Le c\u0153ur.", 0x0153 },
		{ "\u00abBonjour\u00bb", 0x00ab },
		{ "1\u00a0000 F", 0x00a0 },
		{ "1\u202f234\u202f567,89", 0x202f },
		{ "l\u2019\u00e9cole", 0x2019 },
	};
	uint8_t want[128], out[128];
	char back[256];
	uint32_t cp;
	size_t i, n;
	long r;

	(void)state;
	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		n = spec_encode(yes[i], want, sizeof want);
		assert_true(n > 0);
		check_encode(yes[i], want, n);
		r = gsm7_from_utf8(yes[i], strlen(yes[i]), out, sizeof out,
		    NULL);
		gsm7_to_utf8(out, (size_t)r, back, sizeof back, NULL);
		assert_string_equal(back, yes[i]);
	}
	for (i = 0; i < sizeof no / sizeof no[0]; i++) {
		assert_int_equal(gsm7_from_utf8(no[i].text, strlen(no[i].text),
		    out, sizeof out, &cp), -1);
		assert_int_equal(cp, no[i].first);
	}
}

static void
test_from_utf8_room(void **state)
{
	uint8_t out[8];
	uint32_t cp = 0x12345;

	(void)state;
	assert_int_equal(gsm7_from_utf8("abc", 3, out, 2, &cp), -1);
	assert_int_equal(gsm7_from_utf8("a\u20ac", 4, out, 2, &cp), -1);
	assert_int_equal(gsm7_from_utf8("a\u20ac", 4, out, 3, &cp), 3);
	assert_int_equal(cp, 0x12345);	/* only set for a character */
	assert_int_equal(gsm7_from_utf8("", 0, NULL, 0, NULL), 0);
	assert_int_equal(gsm7_from_utf8("a", 1, NULL, 0, NULL), -1);
}

/* The output is always NUL-terminated and cut between characters. */
static void
test_to_utf8_sizes(void **state)
{
	/* a € é \xff: 1 + 3 + 2 + 3 octets of UTF-8 */
	const uint8_t sept[] = { 0x61, GSM7_ESC, 0x65, 0x05, 0xff };
	static const char full[] = "a\u20ac\u00e9" FFFD;
	static const size_t cut[] = { 0, 0, 1, 1, 1, 4, 4, 6, 6, 6, 9, 9 };
	char out[16];
	unsigned bad;
	size_t size, r;

	(void)state;
	for (size = 0; size < sizeof cut / sizeof cut[0]; size++) {
		memset(out, 'X', sizeof out);
		bad = 0;
		r = gsm7_to_utf8(sept, sizeof sept, out, size, &bad);
		assert_int_equal(r, cut[size]);
		assert_int_equal(bad, 1);	/* counted whatever the size */
		if (size > 0) {
			assert_int_equal(out[r], '\0');
			assert_memory_equal(out, full, r);
		}
		assert_int_equal(out[size], 'X');
	}
	assert_int_equal(gsm7_to_utf8(NULL, 0, out, 1, NULL), 0);
	assert_int_equal(out[0], '\0');
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_alphabet),
		cmocka_unit_test(test_extension_table),
		cmocka_unit_test(test_encoder_refusals),
		cmocka_unit_test(test_escape_rules),
		cmocka_unit_test(test_fixture_vectors),
		cmocka_unit_test(test_latin1_trap),
		cmocka_unit_test(test_all_gsm_fixtures),
		cmocka_unit_test(test_packed_vectors),
		cmocka_unit_test(test_fill_bits),
		cmocka_unit_test(test_fill_bits_shifted),
		cmocka_unit_test(test_packed_dangling_esc),
		cmocka_unit_test(test_unpack_short),
		cmocka_unit_test(test_ussd_vectors),
		cmocka_unit_test(test_ussd_dangling_esc),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_national_letters_refused),
		cmocka_unit_test(test_french),
		cmocka_unit_test(test_from_utf8_room),
		cmocka_unit_test(test_to_utf8_sizes),
	};

	/* prove reads TAP; an explicit CMOCKA_MESSAGE_OUTPUT still wins. */
	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);

	return cmocka_run_group_tests_name("gsm7", tests, NULL, NULL) != 0;
}
