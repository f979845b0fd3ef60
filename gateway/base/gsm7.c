/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * GSM 7-bit default alphabet (3GPP TS 23.038 §6.2.1), its default
 * extension table (§6.2.1.1), SMS septet packing (§6.1.2.1) and the
 * USSD packing rule (§6.1.2.3.1).
 *
 * Mapping choices, each for a reason:
 *  - 0x09 is LATIN CAPITAL LETTER C WITH CEDILLA, as in the §6.2.1 table
 *    and the Unicode mapping GSM0338.TXT 1.1. Small ç (U+00E7) has no
 *    GSM-7 form here: GSM0338.TXT offers 0x09 for it only as a commented
 *    (not normative) line and Kannel only as an "approximation"; taking
 *    it would turn ç into Ç without telling anyone and break the
 *    round trip UTF-8 -> GSM-7 -> UTF-8. A visible fallback belongs to
 *    the caller (text.c).
 *  - The ten Greek capitals with their own codes (0x10, 0x12..0x1A) come
 *    from their Greek code points only. Greek capitals that look like
 *    Latin letters (Alpha, Beta, ...) are not mapped to A, B, ...:
 *    GSM0338.TXT lists those only as commented lines, and a gateway that
 *    silently swaps scripts changes the text.
 *  - ESC (0x1B) is never a character by itself.
 */
#include "gsm7.h"

#include <limits.h>
#include <string.h>

#include "utf8.h"

#define GSM7_CR 0x0du

/*
 * §6.2.1 "GSM 7 bit Default Alphabet", code -> Unicode. [0x1B] is ESC
 * (escape to the extension table) and holds 0: no character.
 */
static const uint16_t gsm7_default[128] = {
	[0x00] = 0x0040, [0x01] = 0x00a3, [0x02] = 0x0024, [0x03] = 0x00a5,
	[0x04] = 0x00e8, [0x05] = 0x00e9, [0x06] = 0x00f9, [0x07] = 0x00ec,
	[0x08] = 0x00f2, [0x09] = 0x00c7, [0x0a] = 0x000a, [0x0b] = 0x00d8,
	[0x0c] = 0x00f8, [0x0d] = 0x000d, [0x0e] = 0x00c5, [0x0f] = 0x00e5,
	[0x10] = 0x0394, [0x11] = 0x005f, [0x12] = 0x03a6, [0x13] = 0x0393,
	[0x14] = 0x039b, [0x15] = 0x03a9, [0x16] = 0x03a0, [0x17] = 0x03a8,
	[0x18] = 0x03a3, [0x19] = 0x0398, [0x1a] = 0x039e, [0x1b] = 0,
	[0x1c] = 0x00c6, [0x1d] = 0x00e6, [0x1e] = 0x00df, [0x1f] = 0x00c9,
	[0x20] = ' ', [0x21] = '!', [0x22] = '"', [0x23] = '#',
	[0x24] = 0x00a4, [0x25] = '%', [0x26] = '&', [0x27] = '\'',
	[0x28] = '(', [0x29] = ')', [0x2a] = '*', [0x2b] = '+',
	[0x2c] = ',', [0x2d] = '-', [0x2e] = '.', [0x2f] = '/',
	[0x30] = '0', [0x31] = '1', [0x32] = '2', [0x33] = '3',
	[0x34] = '4', [0x35] = '5', [0x36] = '6', [0x37] = '7',
	[0x38] = '8', [0x39] = '9', [0x3a] = ':', [0x3b] = ';',
	[0x3c] = '<', [0x3d] = '=', [0x3e] = '>', [0x3f] = '?',
	[0x40] = 0x00a1, [0x41] = 'A', [0x42] = 'B', [0x43] = 'C',
	[0x44] = 'D', [0x45] = 'E', [0x46] = 'F', [0x47] = 'G',
	[0x48] = 'H', [0x49] = 'I', [0x4a] = 'J', [0x4b] = 'K',
	[0x4c] = 'L', [0x4d] = 'M', [0x4e] = 'N', [0x4f] = 'O',
	[0x50] = 'P', [0x51] = 'Q', [0x52] = 'R', [0x53] = 'S',
	[0x54] = 'T', [0x55] = 'U', [0x56] = 'V', [0x57] = 'W',
	[0x58] = 'X', [0x59] = 'Y', [0x5a] = 'Z', [0x5b] = 0x00c4,
	[0x5c] = 0x00d6, [0x5d] = 0x00d1, [0x5e] = 0x00dc, [0x5f] = 0x00a7,
	[0x60] = 0x00bf, [0x61] = 'a', [0x62] = 'b', [0x63] = 'c',
	[0x64] = 'd', [0x65] = 'e', [0x66] = 'f', [0x67] = 'g',
	[0x68] = 'h', [0x69] = 'i', [0x6a] = 'j', [0x6b] = 'k',
	[0x6c] = 'l', [0x6d] = 'm', [0x6e] = 'n', [0x6f] = 'o',
	[0x70] = 'p', [0x71] = 'q', [0x72] = 'r', [0x73] = 's',
	[0x74] = 't', [0x75] = 'u', [0x76] = 'v', [0x77] = 'w',
	[0x78] = 'x', [0x79] = 'y', [0x7a] = 'z', [0x7b] = 0x00e4,
	[0x7c] = 0x00f6, [0x7d] = 0x00f1, [0x7e] = 0x00fc, [0x7f] = 0x00e0,
};

/*
 * §6.2.1.1 "GSM 7 bit default alphabet extension table": the code after
 * ESC -> Unicode; 0 where the table has no character. 0x1B (ESC ESC,
 * reserved for a further table) is handled by the decoder: a space.
 */
static const uint16_t gsm7_ext[128] = {
	[0x0a] = 0x000c,	/* FORM FEED (page break) */
	[0x14] = 0x005e,	/* ^ */
	[0x28] = 0x007b,	/* { */
	[0x29] = 0x007d,	/* } */
	[0x2f] = 0x005c,	/* \ */
	[0x3c] = 0x005b,	/* [ */
	[0x3d] = 0x007e,	/* ~ */
	[0x3e] = 0x005d,	/* ] */
	[0x40] = 0x007c,	/* | */
	[0x65] = 0x20ac,	/* EURO SIGN */
};

static void
count_bad(unsigned *bad)
{
	if (bad != NULL && *bad < UINT_MAX)
		(*bad)++;
}

unsigned
gsm7_from_ucs(uint32_t cp, uint8_t out[2])
{
	unsigned c;

	/* Most text is ASCII that sits at its own code. */
	if (cp < 128 && gsm7_default[cp] == cp) {
		out[0] = (uint8_t)cp;
		return 1;
	}
	for (c = 0; c < 128; c++) {
		if (c != GSM7_ESC && gsm7_default[c] == cp) {
			out[0] = (uint8_t)c;
			return 1;
		}
	}
	for (c = 0; c < 128; c++) {
		if (gsm7_ext[c] != 0 && gsm7_ext[c] == cp) {
			out[0] = GSM7_ESC;
			out[1] = (uint8_t)c;
			return 2;
		}
	}
	return 0;
}

/*
 * The character at sept[*i], advancing *i past an escape sequence. Bad
 * input yields U+FFFD and is counted.
 */
static uint32_t
decode_one(const uint8_t *sept, size_t n, size_t *i, unsigned *bad)
{
	uint8_t c = sept[*i];

	if (c > 127)
		goto invalid;
	if (c != GSM7_ESC)
		return gsm7_default[c];
	if (*i + 1 >= n)
		goto invalid;	/* ESC with nothing to escape */
	c = sept[++*i];
	if (c > 127)
		goto invalid;
	if (c == GSM7_ESC)
		return ' ';	/* §6.2.1.1 note 1: display a space */
	if (gsm7_ext[c] != 0)
		return gsm7_ext[c];
	/* §6.2.1.1: a code the table lacks shows the default character. */
	return gsm7_default[c];
invalid:
	count_bad(bad);
	return UTF8_REPLACEMENT;
}

size_t
gsm7_to_utf8(const uint8_t *sept, size_t n, char *out, size_t size,
    unsigned *bad)
{
	size_t i, w = 0, k;
	int full = size == 0;
	char buf[4];
	uint32_t cp;

	/* Past a character that does not fit, keep counting bad input only,
	 * so *bad does not depend on the size of out. */
	for (i = 0; i < n; i++) {
		cp = decode_one(sept, n, &i, bad);
		if (full)
			continue;
		k = utf8_put(cp, buf);
		if (k >= size - w) {
			full = 1;	/* no room for it and the NUL */
			continue;
		}
		memcpy(out + w, buf, k);
		w += k;
	}
	if (size > 0)
		out[w] = '\0';
	return w;
}

/*
 * Septets of s[0..len): written to out while they fit when out is not
 * NULL. Returns the count, or -1 at the first character without a GSM-7
 * form (invalid UTF-8 included, as U+FFFD), or -1 when out is too small.
 */
static long
encode(const char *s, size_t len, uint8_t *out, size_t size,
    uint32_t *unmappable)
{
	size_t w = 0, k;
	int fits = 1;
	uint8_t two[2];
	unsigned m;
	uint32_t cp;

	while (len > 0) {
		k = utf8_next(s, len, &cp, NULL);
		s += k;
		len -= k;
		m = gsm7_from_ucs(cp, two);
		if (m == 0) {
			if (unmappable != NULL)
				*unmappable = cp;
			return -1;
		}
		if (w > (size_t)LONG_MAX - 2)
			return -1;
		/* Never half an escape sequence, nothing after a miss. */
		if (out != NULL && fits && size - w >= m)
			memcpy(out + w, two, m);
		else if (out != NULL)
			fits = 0;
		w += m;
	}
	return fits ? (long)w : -1;
}

long
gsm7_from_utf8(const char *s, size_t len, uint8_t *out, size_t size,
    uint32_t *unmappable)
{
	uint8_t none[1];

	/* out may be NULL for an empty text; anything else does not fit. */
	if (out == NULL) {
		out = none;
		size = 0;
	}
	return encode(s, len, out, size, unmappable);
}

long
gsm7_count(const char *s, size_t len)
{
	return encode(s, len, NULL, 0, NULL);
}

/*
 * Packs n septets and, if extra >= 0, one more, after fill zero bits,
 * least significant bit first (§6.1.2.1.1). 0 if out is too small.
 */
static size_t
pack_bits(const uint8_t *sept, size_t n, int extra, unsigned fill,
    uint8_t *out, size_t size)
{
	size_t total = n + (extra >= 0), need, i, o = 0;
	uint32_t acc = 0;
	unsigned nbits = fill, v;

	if (fill > 6 || total == 0 || total > (SIZE_MAX - 13) / 7)
		return 0;
	need = (fill + 7 * total + 7) / 8;
	if (need > size)
		return 0;
	for (i = 0; i < total; i++) {
		/* Masked: a stray eighth bit must not reach the next septet. */
		v = (i < n ? sept[i] : (unsigned)extra) & 0x7fu;
		acc |= (uint32_t)v << nbits;
		nbits += 7;
		while (nbits >= 8) {
			out[o++] = (uint8_t)acc;
			acc >>= 8;
			nbits -= 8;
		}
	}
	if (nbits > 0)
		out[o++] = (uint8_t)acc;
	return o;
}

size_t
gsm7_pack(const uint8_t *sept, size_t n, unsigned fill_bits,
    uint8_t *out, size_t size)
{
	return pack_bits(sept, n, -1, fill_bits, out, size);
}

/* Septets that fit whole in len octets after fill bits. */
static size_t
septets_in(size_t len, unsigned fill)
{
	if (len > SIZE_MAX / 8)
		len = SIZE_MAX / 8;	/* no buffer is that large */
	if (len * 8 < fill)
		return 0;
	return (len * 8 - fill) / 7;
}

/* The septet at bit offset bit; the caller knows all 7 bits are there. */
static uint8_t
septet_at(const uint8_t *oct, size_t bit)
{
	size_t o = bit / 8;
	unsigned sh = (unsigned)(bit % 8);
	unsigned v = oct[o] >> sh;

	if (sh > 1)
		v |= (unsigned)oct[o + 1] << (8 - sh);
	return (uint8_t)(v & 0x7fu);
}

size_t
gsm7_unpack(const uint8_t *oct, size_t len, unsigned fill_bits,
    size_t nsept, uint8_t *sept)
{
	size_t avail, i;

	if (fill_bits > 6)
		return 0;
	avail = septets_in(len, fill_bits);
	if (nsept > avail)
		nsept = avail;
	for (i = 0; i < nsept; i++)
		sept[i] = septet_at(oct, fill_bits + 7 * i);
	return nsept;
}

size_t
gsm7_pack_ussd(const uint8_t *sept, size_t n, uint8_t *out, size_t size)
{
	int extra = -1;

	/* §6.1.2.3.1: 8n-1 septets leave 7 spare bits, which would read as
	 * '@': they carry CR. A text ending in CR on an octet boundary
	 * gets a second CR, or the receiver would drop the wanted one. */
	if (n % 8 == 7)
		extra = GSM7_CR;
	else if (n > 0 && n % 8 == 0 && (sept[n - 1] & 0x7fu) == GSM7_CR)
		extra = GSM7_CR;
	return pack_bits(sept, n, extra, 0, out, size);
}

size_t
gsm7_unpack_ussd(const uint8_t *oct, size_t len, uint8_t *sept,
    size_t max)
{
	size_t total = septets_in(len, 0);

	/* §6.1.2.3.1: "The receiving entity shall remove the final <CR>
	 * character where the message ends on an octet boundary with <CR>
	 * as the last character." 7 octets hold exactly 8 septets. */
	if (total > 0 && len % 7 == 0 &&
	    septet_at(oct, 7 * (total - 1)) == GSM7_CR)
		total--;
	return gsm7_unpack(oct, len, 0, total < max ? total : max, sept);
}
