/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for gateway/base/gsm7.c and utf8.c
 * (make build/fuzz/fuzz_gsm7).
 *
 * Input: one parameter octet (bits 0-2: fill bits, 7 read as 0; bits
 * 3-7: an output size for the small-buffer runs), then the payload,
 * used four ways:
 *  - as unpacked septets: gsm7_to_utf8 into buffers of many sizes (each
 *    allocated to its exact size, so ASan sees any overrun): always
 *    NUL-terminated valid UTF-8, a prefix of the full decoding cut
 *    between characters, the same bad count whatever the size; and a
 *    clean decoding encodes back to septets that decode to it again;
 *  - as packed octets: gsm7_unpack with the fill bits and gsm7_unpack_ussd
 *    give the septet counts the headers promise, and packing them again
 *    gives back the very bits they came from;
 *  - masked to 7 bits, as septets to pack: pack -> unpack returns them for
 *    every fill; pack_ussd -> unpack_ussd returns them, except that a text
 *    of 8n septets ending in CR comes back with one more CR
 *    (3GPP TS 23.038 §6.1.2.3.1: the sender adds it, and "the receiving
 *    entity will perform the carriage return function twice");
 *  - as UTF-8: utf8_next/valid/count agree, valid text re-encodes to
 *    itself, and any valid text with gsm7_count >= 0 survives
 *    gsm7_from_utf8 -> gsm7_to_utf8 unchanged; otherwise gsm7_from_utf8
 *    names the first character without a GSM-7 form.
 * A violated property calls abort() so that libFuzzer keeps the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/gsm7.h"
#include "base/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void __attribute__((noreturn))
die(const char *what)
{
	fprintf(stderr, "fuzz_gsm7: %s\n", what);
	abort();
}

static void *
xalloc(size_t n)
{
	void *p = malloc(n > 0 ? n : 1);

	if (p == NULL)
		die("out of memory");
	return p;
}

/* The decoding into exactly size octets must be a clean prefix of full. */
static void
decode_sized(const uint8_t *sept, size_t n, size_t size, const char *full,
    size_t flen, unsigned fbad)
{
	char *out = xalloc(size);
	unsigned bad = 0;
	uint32_t cp;
	size_t r = gsm7_to_utf8(sept, n, out, size, &bad);

	if (bad != fbad)
		die("bad count depends on the output size");
	if (size == 0) {
		if (r != 0)
			die("wrote into a zero-sized buffer");
	} else {
		if (r >= size || out[r] != '\0')
			die("not NUL-terminated inside the buffer");
		if (r > flen || memcmp(out, full, r) != 0)
			die("small output is not a prefix");
		/* cut between characters: the next one would not fit */
		if (r < flen && r + utf8_next(full + r, flen - r, &cp, NULL) <
		    size)
			die("cut earlier than needed");
	}
	free(out);
}

static void
check_decode(const uint8_t *sept, size_t n, unsigned sel)
{
	size_t cap = 4 * n + 1, flen, i;
	char *full = xalloc(cap);
	unsigned fbad = 0;
	uint8_t *re;
	long m;

	flen = gsm7_to_utf8(sept, n, full, cap, &fbad);
	if (flen >= cap || full[flen] != '\0' || !utf8_valid(full, flen))
		die("full decoding");
	for (i = 0; i <= 9; i++)
		decode_sized(sept, n, i, full, flen, fbad);
	decode_sized(sept, n, sel, full, flen, fbad);
	decode_sized(sept, n, flen, full, flen, fbad);
	decode_sized(sept, n, flen + 1, full, flen, fbad);
	/* A clean decoding is GSM-7 text: it encodes and decodes to itself
	 * (not necessarily to the same septets: ESC + unknown code, ESC ESC). */
	m = gsm7_count(full, flen);
	if ((fbad == 0) != (m >= 0))
		die("clean decoding not encodable, or bad one encodable");
	if (m >= 0) {
		char *again = xalloc(flen + 1);

		re = xalloc((size_t)m);
		if (gsm7_from_utf8(full, flen, re, (size_t)m, NULL) != m)
			die("re-encoding");
		if (gsm7_to_utf8(re, (size_t)m, again, flen + 1, NULL) != flen ||
		    memcmp(again, full, flen) != 0)
			die("decode(encode(decode(x))) != decode(x)");
		free(again);
		free(re);
	}
	free(full);
}

/* The octets packing sept (n, fill) must match oct on the septet bits. */
static void
check_bits(const uint8_t *oct, size_t len, unsigned fill,
    const uint8_t *sept, size_t n)
{
	size_t need = n > 0 ? (fill + 7 * n + 7) / 8 : 0, i, b;
	uint8_t *out = xalloc(need);

	if (gsm7_pack(sept, n, fill, out, need) != need || need > len)
		die("repacking unpacked septets");
	for (i = 0; i < need; i++)
		for (b = 0; b < 8; b++) {
			size_t bit = 8 * i + b;
			unsigned got = out[i] >> b & 1, was = oct[i] >> b & 1;

			if (bit >= fill && bit < fill + 7 * n ? got != was :
			    got != 0)
				die("repacked bits differ");
		}
	free(out);
}

static void
check_unpack(const uint8_t *oct, size_t len, unsigned fill)
{
	size_t avail = (8 * len >= fill ? 8 * len - fill : 0) / 7, n, i;
	uint8_t *sept = xalloc(avail + 1);

	n = gsm7_unpack(oct, len, fill, avail + 1, sept);
	if (n != avail)
		die("gsm7_unpack count");
	for (i = 0; i < n; i++)
		if (sept[i] > 127)
			die("septet above 127");
	check_bits(oct, len, fill, sept, n);
	if (n > 0 && gsm7_unpack(oct, len, fill, n - 1, sept) != n - 1)
		die("gsm7_unpack ignores nsept");
	/* USSD: the count comes from the octets, minus a final CR */
	avail = 8 * len / 7;
	n = gsm7_unpack_ussd(oct, len, sept, avail + 1);
	if (n != avail && !(n + 1 == avail && len % 7 == 0))
		die("gsm7_unpack_ussd count");
	if (n + 1 == avail && (gsm7_unpack(oct, len, 0, avail, sept) !=
	    avail || sept[avail - 1] != 0x0d))
		die("dropped a septet that is not CR");
	free(sept);
}

static void
check_roundtrip(const uint8_t *data, size_t n, unsigned fill)
{
	size_t cap = (6 + 7 * (n + 1) + 7) / 8 + 1, k, m;
	uint8_t *sept = xalloc(n + 1), *oct = xalloc(cap), *back;
	size_t i;

	back = xalloc(n + 2);
	for (i = 0; i < n; i++)
		sept[i] = data[i] & 0x7fu;
	k = gsm7_pack(sept, n, fill, oct, cap);
	if (k != (n > 0 ? (fill + 7 * n + 7) / 8 : 0))
		die("gsm7_pack octet count");
	if (gsm7_unpack(oct, k, fill, n, back) != n ||
	    memcmp(back, sept, n) != 0)
		die("pack -> unpack");
	if (k > 0 && gsm7_pack(sept, n, fill, oct, k - 1) != 0)
		die("gsm7_pack into a short buffer");

	k = gsm7_pack_ussd(sept, n, oct, cap);
	m = gsm7_unpack_ussd(oct, k, back, n + 2);
	if (n > 0 && n % 8 == 0 && sept[n - 1] == 0x0d) {
		/* §6.1.2.3.1: <CR> wanted at an octet boundary travels as
		 * <CR><CR> and arrives as such */
		if (m != n + 1 || memcmp(back, sept, n) != 0 ||
		    back[n] != 0x0d)
			die("pack_ussd -> unpack_ussd (CR at a boundary)");
	} else if (m != n || memcmp(back, sept, n) != 0) {
		die("pack_ussd -> unpack_ussd");
	}
	if (k > 0 && gsm7_pack_ussd(sept, n, oct, k - 1) != 0)
		die("gsm7_pack_ussd into a short buffer");
	free(back);
	free(oct);
	free(sept);
}

/* The first code point of s without a GSM-7 form, or -1 if none. */
static long
first_unmappable(const char *s, size_t len)
{
	uint8_t two[2];
	uint32_t cp;
	size_t k;

	while ((k = utf8_next(s, len, &cp, NULL)) > 0) {
		if (gsm7_from_ucs(cp, two) == 0)
			return (long)cp;
		s += k;
		len -= k;
	}
	return -1;
}

static void
check_utf8(const char *s, size_t len)
{
	char *re = xalloc(4 * len + 1), *back;
	size_t off = 0, w = 0, steps = 0, k;
	unsigned bad = 0;
	uint32_t cp, unm = 0;
	long n, first;
	uint8_t *sept;

	while ((k = utf8_next(s + off, len - off, &cp, &bad)) > 0) {
		if (k > 4 || k > len - off || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			die("utf8_next step");
		w += utf8_put(cp, re + w);
		off += k;
		steps++;
	}
	if (steps != utf8_count(s, len) || (bad == 0) != utf8_valid(s, len))
		die("utf8_count or utf8_valid disagree with utf8_next");
	if (bad == 0 && (w != len || memcmp(re, s, len) != 0))
		die("valid UTF-8 does not re-encode to itself");
	n = gsm7_count(s, len);
	first = first_unmappable(s, len);
	if ((n < 0) != (first >= 0))
		die("gsm7_count disagrees with gsm7_from_ucs");
	sept = xalloc(n > 0 ? (size_t)n : 1);
	if (n < 0) {
		if (gsm7_from_utf8(s, len, sept, 1, &unm) != -1 ||
		    (long)unm != first)
			die("gsm7_from_utf8 names the wrong character");
	} else {
		if (gsm7_from_utf8(s, len, sept, (size_t)n, NULL) != n)
			die("gsm7_from_utf8 count");
		if (n > 0 && gsm7_from_utf8(s, len, sept, (size_t)n - 1,
		    NULL) != -1)
			die("gsm7_from_utf8 into a short buffer");
		gsm7_from_utf8(s, len, sept, (size_t)n, NULL);
		back = xalloc(len + 1);
		if (gsm7_to_utf8(sept, (size_t)n, back, len + 1, &bad) != len ||
		    memcmp(back, s, len) != 0)
			die("from_utf8 -> to_utf8 is not the identity");
		free(back);
	}
	free(sept);
	free(re);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned fill, sel;

	if (size < 1)
		return 0;
	fill = data[0] & 7u;
	if (fill == 7)
		fill = 0;
	sel = data[0] >> 3;
	data++;
	size--;
	check_decode(data, size, sel);
	check_unpack(data, size, fill);
	check_roundtrip(data, size, fill);
	check_utf8((const char *)data, size);
	return 0;
}
