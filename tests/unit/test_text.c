/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Text on the wire (gateway/base/text.c, fallback.c): decoding every
 * coding against PDUs other SMPP implementations wrote (node-smpp,
 * Net::SMPP, Kannel) with the text their expected.json gives; the CBS
 * and per-link readings of data_coding; user data headers; encoding
 * choice; splitting compared with Kannel's own split of the same text;
 * USSD screen fitting; the GSM-7 fallback table.
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
#include <unistd.h>

#include "base/fallback.h"
#include "base/gsm7.h"
#include "base/text.h"
#include "smpp_codec.h"
#include "smpp_testutil.h"

/* A fixture's PDU, decoded, and the text expected.json says it holds. */
struct fx {
	struct smpp_pdu pdu;
	uint8_t *raw;
	char text[2048];
	const uint8_t *ud;	/* user data, header skipped */
	size_t len;
	size_t udh_len;
};

static json_t *expected;

static int
setup(void **state)
{
	char path[1024];

	(void)state;
	snprintf(path, sizeof path, "%s/tests/fixtures/smpp/expected.json",
	    tu_top());
	expected = json_load_file(path, 0, NULL);
	return expected == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	json_decref(expected);
	return 0;
}

static void
load(const char *name, struct fx *f)
{
	char path[1024], *hex;
	size_t hlen = 0, n;
	uint32_t st;
	const char *cause, *t;
	json_t *e = json_object_get(json_object_get(expected, name), "decoded");

	memset(f, 0, sizeof *f);
	snprintf(path, sizeof path, "%s/tests/fixtures/smpp/%s", tu_top(), name);
	hex = tu_slurp(path, &hlen);
	assert_non_null(hex);
	f->raw = malloc(hlen / 2 + 1);
	n = tu_unhex(hex, f->raw, hlen / 2 + 1);
	free(hex);
	assert_int_equal(smpp_decode(f->raw, n, &f->pdu, &st, &cause),
	    SMPP_DEC_OK);
	t = json_string_value(json_object_get(e, "text"));
	if (t == NULL) {	/* message_payload: the TLV's decoded value */
		json_t *tlvs = json_object_get(e, "tlvs"), *v;
		size_t i;

		json_array_foreach(tlvs, i, v)
			if (strcmp(json_string_value(json_object_get(v, "name")),
			    "message_payload") == 0)
				t = json_string_value(json_object_get(v,
				    "value"));
	}
	assert_non_null(t);
	snprintf(f->text, sizeof f->text, "%s", t);
	f->ud = f->pdu.short_message;
	f->len = f->pdu.sm_length;
	if (f->pdu.tlv.have & SMPP_HAVE_MESSAGE_PAYLOAD) {
		f->ud = f->pdu.tlv.message_payload;
		f->len = f->pdu.tlv.message_payload_len;
	}
	if (f->pdu.esm_class & SMPP_ESM_UDHI) {
		struct text_udh u;

		assert_int_equal(text_udh_parse(f->ud, f->len, &u), 0);
		f->udh_len = u.len;
		f->ud += u.len;
		f->len -= u.len;
	}
}

static void
check_decode(const char *name, const struct text_link *lk, unsigned want_bad,
    const char *want)
{
	char out[4096];
	unsigned bad = 0;
	struct fx f;

	load(name, &f);
	text_decode(f.pdu.data_coding, lk, f.ud, f.len, f.udh_len, out,
	    sizeof out, &bad);
	if (strcmp(out, want != NULL ? want : f.text) != 0)
		fail_msg("%s: decoded \"%s\", expected \"%s\"", name, out,
		    want != NULL ? want : f.text);
	assert_int_equal(bad, want_bad);
	free(f.raw);
}

/* Every GSM-7, UCS-2 and payload fixture decodes to its recorded text. */
static void
test_foreign_texts(void **state)
{
	static const char *const names[] = {
		"nodesmpp-deliver_sm-gsm7-french-accents.hex",
		"nodesmpp-deliver_sm-gsm7-extension-table.hex",
		"kannel-submit_sm-gsm7-extension-table.hex",
		"kannel-submit_sm-gsm7-french-accents.hex",
		"nodesmpp-deliver_sm-ucs2-bambara.hex",
		"netsmpp-deliver_sm-ucs2-bambara.hex",
		"kannel-submit_sm-ucs2-bambara-registered_delivery.hex",
		"nodesmpp-deliver_sm-ucs2-fulfulde-tamasheq.hex",
		"nodesmpp-deliver_sm-ucs2-surrogate-pair-emoji.hex",
		"nodesmpp-deliver_sm-concat-udh16-ucs2-part1of3.hex",
		"nodesmpp-deliver_sm-concat-udh8-gsm7-part2of3.hex",
		"kannel-submit_sm-concat-udh8-gsm7-part3of3.hex",
		"nodesmpp-deliver_sm-message_payload-gsm7.hex",
		"netsmpp-deliver_sm-message_payload-ucs2.hex",
		"kannel-submit_sm-ussd-op02-umr-ucs2.hex",
		"nodesmpp-submit_sm-ussd-op02-ussr-menu.hex",
	};

	(void)state;
	for (size_t i = 0; i < TU_NELEM(names); i++)
		check_decode(names[i], NULL, 0, NULL);
}

/* The traps: each link reads data_coding its own way. */
static void
test_link_readings(void **state)
{
	struct text_link latin1 = { .dcs0_latin1 = 1 };
	struct text_link gsm1 = { .dcs1_gsm7 = 1 };

	(void)state;
	/* Latin-1 octets under dc 0: flagged by a GSM-7 link, read by a
	 * Latin-1 one (expected.json note). */
	check_decode("netsmpp-deliver_sm-dc0-latin1-trap.hex", NULL, 6,
	    "Probl\xef\xbf\xbdme r\xef\xbf\xbdgl\xef\xbf\xbd \xef\xbf\xbd "
	    "S\xef\xbf\xbdgou, o\xef\xbf\xbd?");
	check_decode("netsmpp-deliver_sm-dc0-latin1-trap.hex", &latin1, 0,
	    "Probl\xc3\xa8me r\xc3\xa9gl\xc3\xa9 \xc3\xa0 S\xc3\xa9gou, "
	    "o\xc3\xb9?");
	/* node-smpp's dc 1 with GSM code points: IA5 control characters
	 * are flagged; a dc1 = gsm7 link reads "Santé: 100€ à payer". */
	check_decode("nodesmpp-deliver_sm-autodetect-dc01-gsm-codepoints-trap.hex",
	    NULL, 3, "Sant\xef\xbf\xbd: 100\xef\xbf\xbd" "e \xef\xbf\xbd payer");
	check_decode("nodesmpp-deliver_sm-autodetect-dc01-gsm-codepoints-trap.hex",
	    &gsm1, 0, "Sant\xc3\xa9: 100\xe2\x82\xac \xc3\xa0 payer");
	/* 0x0F from a USSD gateway: GSM-7. */
	check_decode("nodesmpp-deliver_sm-ussd-op01-dcs0f.hex", NULL, 0, NULL);
}

static void
test_coding_table(void **state)
{
	struct text_link cbs = { .cbs_scheme = 1 };
	int lang;

	(void)state;
	/* SMS links (TS 23.038 §4): 0x11 is GSM-7 class 1, 0x18 UCS-2. */
	assert_int_equal(text_coding_of(0x11, NULL, &lang), TEXT_GSM7);
	assert_int_equal(lang, 0);
	assert_int_equal(text_coding_of(0x18, NULL, NULL), TEXT_UCS2);
	assert_int_equal(text_coding_of(0x15, NULL, NULL), TEXT_BINARY);
	assert_int_equal(text_coding_of(0xf0, NULL, NULL), TEXT_GSM7);
	assert_int_equal(text_coding_of(0xf4, NULL, NULL), TEXT_BINARY);
	assert_int_equal(text_coding_of(0x02, NULL, NULL), TEXT_BINARY);
	assert_int_equal(text_coding_of(0x03, NULL, NULL), TEXT_LATIN1);
	assert_int_equal(text_coding_of(0x08, NULL, NULL), TEXT_UCS2);
	assert_int_equal(text_coding_of(0x30, NULL, NULL), TEXT_BINARY);
	/* USSD links with the CBS scheme (§5): 0x11 is UCS-2 with a
	 * language prefix, 0x0F and 0x01 GSM-7. */
	assert_int_equal(text_coding_of(0x11, &cbs, &lang), TEXT_UCS2);
	assert_int_equal(lang, 1);
	assert_int_equal(text_coding_of(0x0f, &cbs, NULL), TEXT_GSM7);
	assert_int_equal(text_coding_of(0x01, &cbs, NULL), TEXT_GSM7);
	assert_int_equal(text_coding_of(0x48, &cbs, NULL), TEXT_UCS2);
}

static void
test_cbs_language_prefix(void **state)
{
	/* "fr" as two GSM-7 characters padded to 2 octets, then UCS-2 "Sé" */
	static const uint8_t ud[] = { 0x66, 0x39, 0x00, 0x53, 0x00, 0xe9 };
	struct text_link cbs = { .cbs_scheme = 1 };
	char out[64];

	(void)state;
	text_decode(0x11, &cbs, ud, sizeof ud, 0, out, sizeof out, NULL);
	assert_string_equal(out, "S\xc3\xa9");
}

static void
test_bad_input(void **state)
{
	static const uint8_t odd[] = { 0x00, 0x41, 0x00 };
	static const uint8_t lone[] = { 0xd8, 0x3d, 0x00, 0x41 };
	static const uint8_t nul[] = { 0x00, 0x41, 0x00, 0x00, 0x00, 0x42 };
	char out[64], tiny[4];
	unsigned bad = 0;

	(void)state;
	text_decode(0x08, NULL, odd, sizeof odd, 0, out, sizeof out, &bad);
	assert_string_equal(out, "A\xef\xbf\xbd");
	assert_int_equal(bad, 1);
	bad = 0;
	text_decode(0x08, NULL, lone, sizeof lone, 0, out, sizeof out, &bad);
	assert_string_equal(out, "\xef\xbf\xbd" "A");
	assert_int_equal(bad, 1);
	/* A UCS-2 NUL would cut the text short in any C string after us. */
	bad = 0;
	text_decode(0x08, NULL, nul, sizeof nul, 0, out, sizeof out, &bad);
	assert_string_equal(out, "A\xef\xbf\xbd" "B");
	assert_int_equal(bad, 1);
	bad = 0;
	text_decode(0x04, NULL, odd, sizeof odd, 0, out, sizeof out, &bad);
	assert_string_equal(out, "");
	assert_int_equal(bad, 1);
	/* A small buffer cuts at a character boundary, NUL-terminated. */
	text_decode(0x08, NULL, lone + 2, 2, 0, tiny, 1, NULL);
	assert_string_equal(tiny, "");
}

static void
test_udh(void **state)
{
	static const uint8_t u8[] = { 5, 0x00, 3, 0x7a, 3, 1 };
	static const uint8_t u16[] = { 6, 0x08, 4, 0x1a, 0x2b, 3, 2 };
	/* a port element (0x05) before the concatenation element */
	static const uint8_t mixed[] = { 11, 0x05, 4, 0x0b, 0x84, 0x23, 0xf0,
	    0x00, 3, 9, 2, 2 };
	static const uint8_t past[] = { 5, 0x00, 4, 1, 2, 3 };
	static const uint8_t longer[] = { 9, 0x00, 3 };
	struct text_udh u;

	(void)state;
	assert_int_equal(text_udh_parse(u8, sizeof u8, &u), 0);
	assert_true(u.concat && !u.ref16 && u.ref == 0x7a && u.total == 3 &&
	    u.seq == 1 && u.len == 6);
	assert_int_equal(text_udh_parse(u16, sizeof u16, &u), 0);
	assert_true(u.concat && u.ref16 && u.ref == 0x1a2b && u.seq == 2);
	assert_int_equal(text_udh_parse(mixed, sizeof mixed, &u), 0);
	assert_true(u.concat && u.ref == 9 && u.seq == 2 && u.len == 12);
	assert_int_equal(text_udh_parse(past, sizeof past, &u), -1);
	assert_int_equal(text_udh_parse(longer, sizeof longer, &u), -1);
	assert_int_equal(text_udh_parse(u8, 0, &u), -1);
}

static void
test_encode_choice(void **state)
{
	static const char bm[] = "I ni ce! Ne b\xc9\x9b t\xc9\x94g\xc9\x94 "
	    "\xc9\xb2ini.";
	struct text_link lat = { .dcs0_latin1 = 1 }, f0 = { .gsm7_dcs = 0x0f };
	struct text_enc e;

	(void)state;
	/* French with é è à: GSM-7, dc 0; Bambara: UCS-2, dc 8. */
	assert_int_equal(text_encode("Ségou: réglé à 10h", strlen("Ségou: réglé à "
	    "10h"), TEXT_AUTO, NULL, NULL, NULL, &e), 0);
	assert_int_equal(e.coding, TEXT_GSM7);
	assert_int_equal(e.dcs, 0);
	assert_int_equal(e.len, 18);
	text_enc_free(&e);
	assert_int_equal(text_encode(bm, strlen(bm), TEXT_AUTO, NULL, NULL,
	    NULL, &e), 0);
	assert_int_equal(e.coding, TEXT_UCS2);
	assert_int_equal(e.dcs, 8);
	assert_int_equal(e.len, 2 * 25);
	text_enc_free(&e);
	/* Forced UCS-2, the link's GSM-7 data_coding, Latin-1 dc 0 links. */
	assert_int_equal(text_encode("abc", 3, TEXT_FORCE_UCS2, NULL, NULL,
	    NULL, &e), 0);
	assert_true(e.coding == TEXT_UCS2 && e.len == 6);
	text_enc_free(&e);
	assert_int_equal(text_encode("abc", 3, TEXT_AUTO, &f0, NULL, NULL,
	    &e), 0);
	assert_int_equal(e.dcs, 0x0f);
	text_enc_free(&e);
	assert_int_equal(text_encode("réglé", strlen("réglé"), TEXT_AUTO, &lat,
	    NULL, NULL, &e), 0);
	assert_true(e.coding == TEXT_LATIN1 && e.dcs == 0 && e.len == 5 &&
	    e.data[1] == 0xe9);
	text_enc_free(&e);
	/* € is GSM-7 but not Latin-1: such a link gets UCS-2. */
	assert_int_equal(text_encode("100€", strlen("100€"), TEXT_AUTO, &lat,
	    NULL, NULL, &e), 0);
	assert_int_equal(e.coding, TEXT_UCS2);
	text_enc_free(&e);
	assert_int_equal(text_encode("\xc3\x28", 2, TEXT_AUTO, NULL, NULL, NULL,
	    &e), -1);
}

/* The same full text Kannel split into three parts: same boundaries. */
static void
test_segment_like_kannel(void **state)
{
	static const char *const parts[] = {
		"kannel-submit_sm-concat-udh8-gsm7-part1of3.hex",
		"kannel-submit_sm-concat-udh8-gsm7-part2of3.hex",
		"kannel-submit_sm-concat-udh8-gsm7-part3of3.hex",
	};
	struct text_part out[8];
	struct fx f[3];
	char full[4096] = "";
	struct text_enc e;
	int n;

	(void)state;
	for (int i = 0; i < 3; i++) {
		load(parts[i], &f[i]);
		strcat(full, f[i].text);
	}
	assert_int_equal(text_encode(full, strlen(full), TEXT_AUTO, NULL, NULL,
	    NULL, &e), 0);
	n = text_segment(&e, TEXT_SPLIT_UDH8, 6, 6, out, 8);
	assert_int_equal(n, 3);
	for (int i = 0; i < 3; i++) {
		/* Kannel's part: its UDH then its septets, as on the wire. */
		assert_int_equal(out[i].len, f[i].pdu.sm_length);
		assert_memory_equal(out[i].data, f[i].pdu.short_message,
		    out[i].len);
		free(f[i].raw);
	}
	text_enc_free(&e);
}

/* Builds a text of n copies of s. */
static char *
rep(const char *s, unsigned n)
{
	size_t k = strlen(s);
	char *t = calloc(k * n + 1, 1);

	for (unsigned i = 0; i < n; i++)
		memcpy(t + i * k, s, k);
	return t;
}

static int
segment(const char *s, enum text_split how, unsigned max, struct text_part *p)
{
	struct text_enc e;
	int n;

	assert_int_equal(text_encode(s, strlen(s), TEXT_AUTO, NULL, NULL, NULL,
	    &e), 0);
	n = text_segment(&e, how, 0x1234, max, p, 16);
	text_enc_free(&e);
	return n;
}

static void
test_segment_sizes(void **state)
{
	struct text_part p[16];
	char *s;

	(void)state;
	s = rep("a", 160);			/* one GSM-7 SMS exactly */
	assert_int_equal(segment(s, TEXT_SPLIT_UDH8, 6, p), 1);
	assert_true(p[0].len == 160 && !p[0].udh);
	free(s);
	s = rep("a", 161);
	assert_int_equal(segment(s, TEXT_SPLIT_UDH8, 6, p), 2);
	assert_true(p[0].udh && p[0].len == 6 + 153 && p[1].len == 6 + 8);
	assert_memory_equal(p[1].data, "\x05\x00\x03\x34\x02\x02", 6);
	free(s);
	assert_int_equal(segment(s = rep("a", 161), TEXT_SPLIT_UDH16, 6, p), 2);
	assert_true(p[0].len == 7 + 152);
	assert_memory_equal(p[0].data, "\x06\x08\x04\x12\x34\x02\x01", 7);
	free(s);
	assert_int_equal(segment(s = rep("a", 161), TEXT_SPLIT_SAR, 6, p), 2);
	assert_true(!p[0].udh && p[0].len == 153 && p[1].seq == 2 &&
	    p[1].total == 2 && p[1].ref == 0x1234);
	free(s);
	assert_int_equal(segment(s = rep("a", 1000), TEXT_SPLIT_UDH8, 6, p), -1);
	free(s);
	assert_int_equal(segment("x", TEXT_SPLIT_PAYLOAD, 6, p), 0);
	/* UCS-2: 70 per SMS, 67 per part (66 with a 16-bit reference). */
	assert_int_equal(segment(s = rep("\xc9\x9b", 70), TEXT_SPLIT_UDH8, 6,
	    p), 1);
	assert_int_equal(p[0].len, 140);
	free(s);
	assert_int_equal(segment(s = rep("\xc9\x9b", 71), TEXT_SPLIT_UDH8, 6,
	    p), 2);
	assert_true(p[0].len == 6 + 134 && p[1].len == 6 + 8);
	free(s);
	assert_int_equal(segment(s = rep("\xc9\x9b", 71), TEXT_SPLIT_UDH16, 6,
	    p), 2);
	assert_true(p[0].len == 7 + 132);
	free(s);
}

/* An escape pair or a surrogate pair is never cut in two. */
static void
test_segment_never_cuts_pairs(void **state)
{
	struct text_part p[16];
	char *s, *t;

	(void)state;
	/* 152 'a' then '€' (ESC 0x65): the pair would straddle 153. */
	t = rep("a", 152);
	s = calloc(strlen(t) + 16, 1);
	strcpy(s, t);
	strcat(s, "\xe2\x82\xac" "bbbbbbbbbb");
	assert_int_equal(segment(s, TEXT_SPLIT_UDH8, 6, p), 2);
	assert_int_equal(p[0].len, 6 + 152);
	assert_int_equal(p[1].data[6], GSM7_ESC);
	free(s);
	free(t);
	/* 66 'ɛ' then an emoji (a surrogate pair) at units 67-68. */
	t = rep("\xc9\x9b", 66);
	s = calloc(strlen(t) + 16, 1);
	strcpy(s, t);
	strcat(s, "\xf0\x9f\x91\x8d" "bbbbb");
	assert_int_equal(segment(s, TEXT_SPLIT_UDH8, 6, p), 2);
	assert_int_equal(p[0].len, 6 + 132);
	assert_int_equal(p[1].data[6], 0xd8);
	free(s);
	free(t);
}

static void
test_screen_fit(void **state)
{
	char *s;

	(void)state;
	s = rep("a", 182);
	assert_int_equal(text_screen_fit(s, 182, TEXT_GSM7, 182), 182);
	assert_int_equal(text_screen_fit(s, 182, TEXT_GSM7, 160), -1);
	free(s);
	/* Extension characters count two: 91 '€' are 182 septets. */
	s = rep("\xe2\x82\xac", 92);
	assert_int_equal(text_screen_fit(s, strlen(s), TEXT_GSM7, 182), -1);
	assert_int_equal(text_screen_fit(s, strlen(s) - 3, TEXT_GSM7, 182),
	    182);
	free(s);
	s = rep("\xc9\x9b", 81);
	assert_int_equal(text_screen_fit(s, strlen(s), TEXT_UCS2, 80), -1);
	assert_int_equal(text_screen_fit(s, strlen(s) - 2, TEXT_UCS2, 80), 80);
	assert_int_equal(text_screen_fit(s, strlen(s), TEXT_GSM7, 182), -1);
	free(s);
	assert_int_equal(text_units("\xf0\x9f\x91\x8d", 4, TEXT_UCS2), 2);
}

/* A sentence in each national language survives UCS-2 both ways. */
static void
test_round_trip_languages(void **state)
{
	static const char *const s[] = {
		/* Bambara */
		"I ni s\xc9\x94g\xc9\x94ma! Ne b\xc9\x9b t\xc9\x94g\xc9\x94 "
		"\xc9\xb2ini. \xc5\x8a" "aniya ka \xc9\xb2i.",
		/* Fulfulde */
		"\xc9\x93i\xc9\x97\xc9\x97o \xc6\xb4" "eewii, \xc6\x81 \xc6\x8a "
		"\xc6\xb3.",
		/* Songhai */
		"Ay ga ba ka \xc5\x8b" "a \xc9\xb2" "a, a ga \xc5\xa1" "enda "
		"\xc5\xbe" "ine.",
		/* Tamasheq */
		"T\xc7\x9dm\xc4\x83\xc5\xa1\xc9\x99\xc9\xa3t: \xe1\xb8\x8d "
		"\xe1\xb9\xad \xe1\xba\x93 \xca\x94.",
	};

	(void)state;
	for (size_t i = 0; i < TU_NELEM(s); i++) {
		struct text_enc e;
		char out[512];

		assert_int_equal(text_encode(s[i], strlen(s[i]), TEXT_AUTO, NULL,
		    NULL, NULL, &e), 0);
		assert_int_equal(e.coding, TEXT_UCS2);
		text_decode(e.dcs, NULL, e.data, e.len, 0, out, sizeof out, NULL);
		assert_string_equal(out, s[i]);
		text_enc_free(&e);
	}
}

static struct fallback *
table(void)
{
	char path[1024], *cause = NULL;
	struct fallback *fb;

	snprintf(path, sizeof path, "%s/menus/gsm7-fallback.yaml", tu_top());
	fb = fb_load(path, &cause);
	if (fb == NULL)
		fail_msg("%s", cause);
	return fb;
}

static void
test_fallback_table(void **state)
{
	struct fallback *fb = table();
	unsigned miss = 0;
	char *s;

	(void)state;
	assert_string_equal(fb_status(fb), "draft");
	s = fb_apply(fb, "bm", "Ne b\xc9\x9b t\xc9\x94g\xc9\x94 \xc9\xb2ini.",
	    strlen("Ne b\xc9\x9b t\xc9\x94g\xc9\x94 \xc9\xb2ini."), &miss);
	assert_string_equal(s, "Ne b\xc3\xa8 t\xc3\xb2g\xc3\xb2 nyini.");
	assert_int_equal(miss, 0);
	free(s);
	/* Fulfulde writes ɲ as ñ; Bambara as ny. */
	s = fb_apply(fb, "ff", "\xc9\xb2" "a", 3, NULL);
	assert_string_equal(s, "\xc3\xb1" "a");
	free(s);
	s = fb_apply(fb, "taq", "T\xc7\x9dm\xc4\x83\xc5\xa1\xc9\x99\xc9\xa3t",
	    strlen("T\xc7\x9dm\xc4\x83\xc5\xa1\xc9\x99\xc9\xa3t"), &miss);
	assert_string_equal(s, "Temasheght");
	free(s);
	/* A letter with no rule becomes '?', counted; GSM-7 stays as is. */
	miss = 0;
	s = fb_apply(fb, NULL, "\xe2\xb5\xa3 \xc3\xa9", 6, &miss);
	assert_string_equal(s, "? \xc3\xa9");
	assert_int_equal(miss, 1);
	free(s);
	/* Every rendering in the file is GSM-7: checked at load. */
	s = fb_apply(NULL, NULL, "\xc9\x9b", 2, &miss);
	assert_string_equal(s, "?");
	free(s);
	fb_free(fb);
}

static void
test_forced_gsm7(void **state)
{
	static const char bm[] = "Ne b\xc9\x9b t\xc9\x94g\xc9\x94 \xc9\xb2ini.";
	struct fallback *fb = table();
	struct text_enc e;
	char out[128];

	(void)state;
	assert_int_equal(text_encode(bm, strlen(bm), TEXT_FORCE_GSM7, NULL, fb,
	    "bm", &e), 0);
	assert_int_equal(e.coding, TEXT_GSM7);
	assert_int_equal(e.replaced, 0);
	text_decode(e.dcs, NULL, e.data, e.len, 0, out, sizeof out, NULL);
	assert_string_equal(out, "Ne b\xc3\xa8 t\xc3\xb2g\xc3\xb2 nyini.");
	text_enc_free(&e);
	fb_free(fb);
}

/* Writes a YAML file and expects fb_load to fail with the message. */
static void
bad_table(const char *yaml, const char *want)
{
	char path[] = "/tmp/nv-fallback-XXXXXX", *cause = NULL;
	int fd = mkstemp(path);
	struct fallback *fb;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, yaml, strlen(yaml)), (ssize_t)strlen(yaml));
	close(fd);
	fb = fb_load(path, &cause);
	unlink(path);
	assert_null(fb);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", cause, want);
	free(cause);
}

static void
test_fallback_errors(void **state)
{
	(void)state;
	bad_table("status: draft\ndefault:\n  \"\xc9\x9b\": \"\xc9\x9b\"\n",
	    ":3: the rendering of");
	bad_table("status: draft\ndefault:\n  \"\xc3\xa9\": \"e\"\n",
	    ":3: '\xc3\xa9' is already in GSM-7");
	bad_table("status: draft\ndefault:\n  \"ab\": \"x\"\n",
	    ":3: 'ab' is not one letter");
	bad_table("status: draft\ndefault:\n  \"\xc9\x9b\": \"e\"\n"
	    "  \"\xc9\x9b\": \"a\"\n", "two rules for U+025B");
	bad_table("default:\n  \"\xc9\x9b\": \"e\"\n", "expected a mapping");
	bad_table("status: draft\ndefault: [1, 2]\n", "expected a mapping");
	bad_table("status: draft\ndefault:\n  \"\xc9\x9b\": [\n", ":");
	bad_table("status: draft\ndefault:\n  \"\xc9\x9b\": \"e\"\nbm: 3\n",
	    ":4: expected a language code");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_foreign_texts),
		cmocka_unit_test(test_link_readings),
		cmocka_unit_test(test_coding_table),
		cmocka_unit_test(test_cbs_language_prefix),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_udh),
		cmocka_unit_test(test_encode_choice),
		cmocka_unit_test(test_segment_like_kannel),
		cmocka_unit_test(test_segment_sizes),
		cmocka_unit_test(test_segment_never_cuts_pairs),
		cmocka_unit_test(test_screen_fit),
		cmocka_unit_test(test_round_trip_languages),
		cmocka_unit_test(test_fallback_table),
		cmocka_unit_test(test_forced_gsm7),
		cmocka_unit_test(test_fallback_errors),
	};

	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("text", tests, setup, teardown) != 0;
}
