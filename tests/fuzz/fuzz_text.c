/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for gateway/base/text.c (make build/fuzz/fuzz_text):
 * the decoder of every data_coding under every link reading, the user
 * data header parser, and encoding with splitting.
 *
 * Input: octet 0 is a data_coding, octet 1 the link flags (bit 0 dc 0 is
 * Latin-1, bit 1 dc 1 is GSM-7, bit 2 packed, bit 3 CBS scheme, bits 4-5
 * forced coding, bits 6-7 split method), then the user data.
 *  - decoding into an exactly sized buffer (TEXT_UTF8_MAX) and into a
 *    small one: always NUL-terminated valid UTF-8, never past the end;
 *  - the UDH parser: a header it accepts lies inside the data;
 *  - the payload read as UTF-8: when valid, it encodes; the parts of a
 *    split hold at most their sizes, never start inside an escape or a
 *    surrogate pair, and decode back, joined, to the encoded text.
 * A violated property calls abort() so that libFuzzer keeps the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/gsm7.h"
#include "base/text.h"
#include "base/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void __attribute__((noreturn))
die(const char *what)
{
	fprintf(stderr, "fuzz_text: %s\n", what);
	abort();
}

static void
decode(uint8_t dcs, const struct text_link *lk, const uint8_t *ud, size_t len)
{
	size_t cap = TEXT_UTF8_MAX(len), n;
	char *out = malloc(cap), small[7];
	unsigned bad = 0;

	if (out == NULL)
		die("oom");
	n = text_decode(dcs, lk, ud, len, 0, out, cap, &bad);
	if (n >= cap || out[n] != '\0' || strlen(out) != n ||
	    !utf8_valid(out, n))
		die("decode: not NUL-terminated valid UTF-8");
	n = text_decode(dcs, lk, ud, len, 0, small, sizeof small, NULL);
	if (n >= sizeof small || small[n] != '\0' || !utf8_valid(small, n))
		die("decode into a small buffer");
	free(out);
}

static void
udh(const uint8_t *ud, size_t len)
{
	struct text_udh u;

	if (text_udh_parse(ud, len, &u) == 0 && (u.len == 0 || u.len > len))
		die("udh: accepted header outside the data");
}

/* Splits enc and checks the parts against it. */
static void
split(const struct text_enc *enc, enum text_split how)
{
	struct text_part parts[16];
	uint8_t *joined = malloc(enc->len + 1);
	size_t off = 0;
	int n = text_segment(enc, how, 0xbeef, 16, parts, 16);

	if (joined == NULL)
		die("oom");
	for (int i = 0; i < n; i++) {
		size_t hdr = parts[i].udh ? (size_t)parts[i].data[0] + 1 : 0;
		size_t body = parts[i].len - hdr;

		if (parts[i].len > sizeof parts[i].data || hdr > parts[i].len ||
		    parts[i].seq != i + 1 || parts[i].total != n)
			die("segment: part header or size");
		if (body > 0 && enc->coding == TEXT_UCS2 && (body % 2 != 0 ||
		    (parts[i].data[hdr] >= 0xdc && parts[i].data[hdr] <= 0xdf &&
		    off > 0)))
			die("segment: a UCS-2 part starts inside a pair");
		if (body > 0 && enc->coding == TEXT_GSM7 && off > 0 &&
		    enc->data[off - 1] == GSM7_ESC &&
		    (off < 2 || enc->data[off - 2] != GSM7_ESC))
			die("segment: a GSM-7 part starts after an escape");
		memcpy(joined + off, parts[i].data + hdr, body);
		off += body;
	}
	if (n > 0 && (off != enc->len || memcmp(joined, enc->data, off) != 0))
		die("segment: the parts do not join to the text");
	free(joined);
}

static void
encode(const uint8_t *s, size_t len, uint8_t flags,
    const struct text_link *lk)
{
	struct text_enc enc;
	enum text_force force = (enum text_force)((flags >> 4) % 3);

	if (text_encode((const char *)s, len, force, lk, NULL, NULL, &enc) !=
	    0) {
		if (utf8_valid((const char *)s, len))
			die("encode refused valid UTF-8");
		return;
	}
	split(&enc, (enum text_split)(flags >> 6));
	text_enc_free(&enc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct text_link lk;

	if (size < 2)
		return 0;
	memset(&lk, 0, sizeof lk);
	lk.dcs0_latin1 = data[1] & 1;
	lk.dcs1_gsm7 = (data[1] >> 1) & 1;
	lk.gsm7_packed = (data[1] >> 2) & 1;
	lk.cbs_scheme = (data[1] >> 3) & 1;
	decode(data[0], &lk, data + 2, size - 2);
	decode(data[0], NULL, data + 2, size - 2);
	udh(data + 2, size - 2);
	if (size - 2 <= 4096)
		encode(data + 2, size - 2, data[1], &lk);
	return 0;
}
