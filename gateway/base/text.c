/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "text.h"

#include <stdlib.h>
#include <string.h>

#include "fallback.h"
#include "gsm7.h"
#include "utf8.h"
#include "xmalloc.h"

/* SMS user data is 140 octets (TS 23.040 §9.2.3.24). */
#define SMS_OCTETS 140u

static const char *const coding_names[] = {
	[TEXT_GSM7] = "gsm7",
	[TEXT_ASCII] = "ascii",
	[TEXT_LATIN1] = "latin1",
	[TEXT_UCS2] = "ucs2",
	[TEXT_BINARY] = "binary",
};

const char *
text_coding_name(enum text_coding c)
{
	return (size_t)c < sizeof coding_names / sizeof coding_names[0] ?
	    coding_names[c] : "?";
}

/* The alphabet bits of a TS 23.038 general coding group (bits 3..2). */
static enum text_coding
alphabet(uint8_t dcs)
{
	switch ((dcs >> 2) & 3) {
	case 0:
		return TEXT_GSM7;
	case 1:
		return TEXT_BINARY;
	case 2:
		return TEXT_UCS2;
	default:
		return TEXT_GSM7;	/* reserved: read as the default alphabet */
	}
}

/* TS 23.038 §5: the cell broadcast coding some USSD gateways use. */
static enum text_coding
cbs_coding(uint8_t dcs, int *lang_prefix)
{
	uint8_t hi = dcs >> 4;

	if (dcs == 0x11) {
		*lang_prefix = 1;	/* two GSM-7 characters, then UCS-2 */
		return TEXT_UCS2;
	}
	if (hi <= 3)
		return TEXT_GSM7;	/* language groups, 0x10 included */
	if ((hi & 0xc) == 0x4 || hi == 0x9)
		return (dcs & 0x20) ? TEXT_BINARY : alphabet(dcs);
	if (hi == 0xf)
		return (dcs & 0x04) ? TEXT_BINARY : TEXT_GSM7;
	return TEXT_GSM7;
}

/* SMPP 3.4 §5.2.19 below 0x10; TS 23.038 §4 (SMS coding groups) above. */
static enum text_coding
smpp_coding(uint8_t dcs, const struct text_link *lk)
{
	uint8_t hi = dcs >> 4;

	switch (dcs) {
	case 0x00:
		return lk != NULL && lk->dcs0_latin1 ? TEXT_LATIN1 : TEXT_GSM7;
	case 0x01:
		return lk != NULL && lk->dcs1_gsm7 ? TEXT_GSM7 : TEXT_ASCII;
	case 0x03:
		return TEXT_LATIN1;
	case 0x08:
		return TEXT_UCS2;
	case 0x0f:
		return TEXT_GSM7;	/* USSD gateways' "GSM-7, any language" */
	default:
		break;
	}
	if (dcs < 0x10)
		return TEXT_BINARY;	/* octets, JIS, Cyrillic, Hebrew ... */
	if (hi <= 7)		/* general and automatic-deletion groups */
		return (dcs & 0x20) ? TEXT_BINARY : alphabet(dcs);
	if (hi >= 0xc && hi <= 0xd)
		return TEXT_GSM7;	/* message waiting, GSM-7 */
	if (hi == 0xe)
		return TEXT_UCS2;	/* message waiting, UCS-2 */
	if (hi == 0xf)
		return (dcs & 0x04) ? TEXT_BINARY : TEXT_GSM7;
	return TEXT_BINARY;	/* reserved groups 1000..1011 */
}

enum text_coding
text_coding_of(uint8_t dcs, const struct text_link *lk, int *lang_prefix)
{
	int dummy;

	if (lang_prefix == NULL)
		lang_prefix = &dummy;
	*lang_prefix = 0;
	if (lk != NULL && lk->cbs_scheme)
		return cbs_coding(dcs, lang_prefix);
	return smpp_coding(dcs, lk);
}

int
text_udh_parse(const uint8_t *ud, size_t len, struct text_udh *udh)
{
	size_t off = 1, end;

	memset(udh, 0, sizeof *udh);
	if (len < 1 || (size_t)ud[0] + 1 > len)
		return -1;
	end = (size_t)ud[0] + 1;
	udh->len = end;
	while (off < end) {
		uint8_t iei, iel;

		if (end - off < 2)
			return -1;
		iei = ud[off];
		iel = ud[off + 1];
		off += 2;
		if (iel > end - off)
			return -1;
		if (iei == 0x00 && iel == 3) {
			udh->concat = 1;
			udh->ref16 = 0;
			udh->ref = ud[off];
			udh->total = ud[off + 1];
			udh->seq = ud[off + 2];
		} else if (iei == 0x08 && iel == 4) {
			udh->concat = 1;
			udh->ref16 = 1;
			udh->ref = (uint16_t)(ud[off] << 8 | ud[off + 1]);
			udh->total = ud[off + 2];
			udh->seq = ud[off + 3];
		}
		off += iel;
	}
	return 0;
}

/* Appends one code point, never past size - 1 (room for the NUL). */
static size_t
put_cp(char *out, size_t size, size_t off, uint32_t cp)
{
	char u[4];
	size_t n = utf8_put(cp, u);

	if (off + n + 1 > size)
		return off;
	memcpy(out + off, u, n);
	return off + n;
}

/* Control characters are no text: a NUL would even cut a C string. */
static int
is_text(uint32_t c)
{
	return (c >= 0x20 && c != 0x7f && (c < 0x80 || c >= 0xa0)) ||
	    c == '\n' || c == '\r' || c == '\t';
}

static size_t
decode_8bit(const uint8_t *ud, size_t len, int latin1, char *out, size_t size,
    unsigned *bad)
{
	size_t off = 0;

	for (size_t i = 0; i < len; i++) {
		uint8_t c = ud[i];
		int ok = is_text(c) && (latin1 || c < 0x80);	/* IA5: 7-bit */
		if (!ok)
			(*bad)++;
		off = put_cp(out, size, off, ok ? c : UTF8_REPLACEMENT);
	}
	return off;
}

static size_t
decode_ucs2(const uint8_t *ud, size_t len, char *out, size_t size,
    unsigned *bad)
{
	size_t off = 0, i = 0;

	for (; i + 1 < len; i += 2) {
		uint32_t u = (uint32_t)ud[i] << 8 | ud[i + 1], lo;

		if (u >= 0xd800 && u <= 0xdbff && i + 3 < len &&
		    (lo = (uint32_t)ud[i + 2] << 8 | ud[i + 3]) >= 0xdc00 &&
		    lo <= 0xdfff) {
			u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
			i += 2;
		} else if ((u >= 0xd800 && u <= 0xdfff) || !is_text(u)) {
			u = UTF8_REPLACEMENT;	/* a lone surrogate, a control */
			(*bad)++;
		}
		off = put_cp(out, size, off, u);
	}
	if (i < len) {			/* an odd octet at the end */
		(*bad)++;
		off = put_cp(out, size, off, UTF8_REPLACEMENT);
	}
	return off;
}

/* Fill bits that align packed septets behind a header of udh_len octets. */
static unsigned
fill_bits(size_t udh_len)
{
	return (unsigned)((7 - (udh_len * 8) % 7) % 7);
}

static size_t
decode_gsm7(const struct text_link *lk, const uint8_t *ud, size_t len,
    size_t udh_len, char *out, size_t size, unsigned *bad)
{
	uint8_t *sept;
	size_t n, r;

	if (lk == NULL || !lk->gsm7_packed)
		return gsm7_to_utf8(ud, len, out, size, bad);
	sept = xmalloc(len * 8 / 7 + 1);
	if (lk->cbs_scheme && udh_len == 0) {
		n = gsm7_unpack_ussd(ud, len, sept, len * 8 / 7 + 1);
	} else {
		unsigned fill = fill_bits(udh_len);

		n = (len * 8 - (len ? fill : 0)) / 7;
		n = gsm7_unpack(ud, len, fill, n, sept);
	}
	r = gsm7_to_utf8(sept, n, out, size, bad);
	free(sept);
	return r;
}

size_t
text_decode(uint8_t dcs, const struct text_link *lk, const uint8_t *ud,
    size_t len, size_t udh_len, char *out, size_t size, unsigned *bad)
{
	unsigned dummy = 0;
	int lang;

	if (bad == NULL)
		bad = &dummy;
	if (size == 0)
		return 0;
	out[0] = '\0';
	switch (text_coding_of(dcs, lk, &lang)) {
	case TEXT_GSM7:
		return decode_gsm7(lk, ud, len, udh_len, out, size, bad);
	case TEXT_ASCII:
		len = decode_8bit(ud, len, 0, out, size, bad);
		break;
	case TEXT_LATIN1:
		len = decode_8bit(ud, len, 1, out, size, bad);
		break;
	case TEXT_UCS2:
		/* CBS 0x11: skip the two-character language indication. */
		if (lang) {
			ud += len < 2 ? len : 2;
			len -= len < 2 ? len : 2;
		}
		len = decode_ucs2(ud, len, out, size, bad);
		break;
	case TEXT_BINARY:
		*bad += len > 0;
		len = 0;
		break;
	}
	out[len] = '\0';
	return len;
}

static size_t
utf16_units(const char *s, size_t len)
{
	size_t n = 0, off = 0, k;
	uint32_t cp;

	while ((k = utf8_next(s + off, len - off, &cp, NULL)) > 0) {
		n += cp > 0xffff ? 2 : 1;
		off += k;
	}
	return n;
}

long
text_units(const char *utf8, size_t len, enum text_coding c)
{
	switch (c) {
	case TEXT_GSM7:
	case TEXT_LATIN1:	/* counted as the SMSC's GSM-7 will be */
		return gsm7_count(utf8, len);
	case TEXT_UCS2:
		return (long)utf16_units(utf8, len);
	case TEXT_ASCII:
		return (long)utf8_count(utf8, len);
	case TEXT_BINARY:
		break;
	}
	return (long)len;
}

long
text_screen_fit(const char *utf8, size_t len, enum text_coding c,
    unsigned limit)
{
	long n = text_units(utf8, len, c);

	return n < 0 || (unsigned long)n > limit ? -1 : n;
}

static void
encode_ucs2(const char *s, size_t len, struct text_enc *enc)
{
	size_t off = 0, k, o = 0;
	uint32_t cp;

	enc->data = xmalloc(utf16_units(s, len) * 2 + 1);
	while ((k = utf8_next(s + off, len - off, &cp, NULL)) > 0) {
		off += k;
		if (cp > 0xffff) {
			uint32_t v = cp - 0x10000, hi = 0xd800 + (v >> 10),
			    lo = 0xdc00 + (v & 0x3ff);

			enc->data[o++] = (uint8_t)(hi >> 8);
			enc->data[o++] = (uint8_t)hi;
			cp = lo;
		}
		enc->data[o++] = (uint8_t)(cp >> 8);
		enc->data[o++] = (uint8_t)cp;
	}
	enc->len = o;
	enc->coding = TEXT_UCS2;
	enc->dcs = 0x08;
}

/* Latin-1 octets if every character has one, else -1. */
static int
encode_latin1(const char *s, size_t len, struct text_enc *enc)
{
	size_t off = 0, k, o = 0;
	uint32_t cp;

	enc->data = xmalloc(len + 1);
	while ((k = utf8_next(s + off, len - off, &cp, NULL)) > 0) {
		off += k;
		if (cp > 0xff) {
			free(enc->data);
			enc->data = NULL;
			return -1;
		}
		enc->data[o++] = (uint8_t)cp;
	}
	enc->len = o;
	enc->coding = TEXT_LATIN1;
	enc->dcs = 0x00;
	return 0;
}

static void
encode_gsm7(const char *s, size_t len, const struct text_link *lk,
    struct text_enc *enc)
{
	long n = gsm7_count(s, len);

	enc->data = xmalloc((size_t)(n > 0 ? n : 1));
	enc->len = (size_t)gsm7_from_utf8(s, len, enc->data, (size_t)n, NULL);
	enc->coding = TEXT_GSM7;
	enc->dcs = lk != NULL ? lk->gsm7_dcs : 0x00;
}

int
text_encode(const char *utf8, size_t len, enum text_force force,
    const struct text_link *lk, const struct fallback *fb, const char *lang,
    struct text_enc *enc)
{
	char *rendered = NULL;
	int latin1_link = lk != NULL && lk->dcs0_latin1 && lk->gsm7_dcs == 0;

	memset(enc, 0, sizeof *enc);
	if (!utf8_valid(utf8, len))
		return -1;
	if (force != TEXT_FORCE_UCS2 && gsm7_count(utf8, len) < 0 &&
	    force == TEXT_FORCE_GSM7) {
		rendered = fb_apply(fb, lang, utf8, len, &enc->replaced);
		utf8 = rendered;
		len = strlen(rendered);
	}
	if (force == TEXT_FORCE_UCS2 || gsm7_count(utf8, len) < 0)
		encode_ucs2(utf8, len, enc);
	else if (!latin1_link)
		encode_gsm7(utf8, len, lk, enc);
	else if (encode_latin1(utf8, len, enc) != 0)
		encode_ucs2(utf8, len, enc);	/* Greek or €: no Latin-1 */
	free(rendered);
	return 0;
}

void
text_enc_free(struct text_enc *enc)
{
	free(enc->data);
	enc->data = NULL;
	enc->len = 0;
}

/* The next character at data[off]: its octets and its units. */
static size_t
next_char(const struct text_enc *enc, size_t off, unsigned *units)
{
	const uint8_t *d = enc->data;
	uint8_t sept[2];

	if (enc->coding == TEXT_UCS2) {
		if (off + 3 < enc->len && d[off] >= 0xd8 && d[off] <= 0xdb &&
		    d[off + 2] >= 0xdc && d[off + 2] <= 0xdf) {
			*units = 2;	/* a surrogate pair: never split */
			return 4;
		}
		*units = 1;
		return off + 1 < enc->len ? 2 : 1;
	}
	if (enc->coding == TEXT_LATIN1) {
		*units = gsm7_from_ucs(d[off], sept) == 2 ? 2 : 1;
		return 1;
	}
	if (d[off] == GSM7_ESC && off + 1 < enc->len) {
		*units = 2;		/* an escape and its code: never split */
		return 2;
	}
	*units = 1;
	return 1;
}

static void
put_udh(struct text_part *p, enum text_split how)
{
	size_t n = 0;

	if (how == TEXT_SPLIT_UDH8) {
		const uint8_t h[6] = { 5, 0x00, 3, (uint8_t)p->ref, p->total,
		    p->seq };

		memcpy(p->data, h, n = sizeof h);
	} else {
		const uint8_t h[7] = { 6, 0x08, 4, (uint8_t)(p->ref >> 8),
		    (uint8_t)p->ref, p->total, p->seq };

		memcpy(p->data, h, n = sizeof h);
	}
	p->udh = 1;
	p->len = n;
}

/* Cuts enc at character boundaries into chunks of at most cap units. */
static int
cut(const struct text_enc *enc, unsigned cap, size_t *starts, size_t max)
{
	size_t off = 0, n = 0;
	unsigned used = cap, u;

	while (off < enc->len) {
		size_t k = next_char(enc, off, &u);

		if (used + u > cap) {
			if (n == max)
				return -1;
			starts[n++] = off;
			used = 0;
		}
		used += u;
		off += k;
	}
	return (int)n;
}

/* Units per SMS: whole, and per part with an 8- or 16-bit reference. */
static unsigned
part_units(enum text_coding c, enum text_split how, int single)
{
	unsigned whole = c == TEXT_UCS2 ? SMS_OCTETS / 2 : SMS_OCTETS * 8 / 7;

	if (single)
		return whole;
	/* The header (6 or 7 octets) takes its room from the 140. */
	return c == TEXT_UCS2 ? (how == TEXT_SPLIT_UDH16 ? 66 : 67) :
	    (how == TEXT_SPLIT_UDH16 ? 152 : 153);
}

int
text_segment(const struct text_enc *enc, enum text_split how, uint16_t ref,
    unsigned max_parts, struct text_part *parts, size_t nparts)
{
	size_t starts[255], max = nparts < max_parts ? nparts : max_parts;
	int n;

	if (how == TEXT_SPLIT_PAYLOAD)
		return 0;
	if (max > 255)
		max = 255;
	n = cut(enc, part_units(enc->coding, how, 1), starts, max);
	if (n > 1)
		n = cut(enc, part_units(enc->coding, how, 0), starts, max);
	if (n < 0 || (n == 0 && max == 0))
		return -1;
	if (n == 0) {			/* the empty text is one empty SMS */
		starts[0] = 0;
		n = 1;
	}
	for (int i = 0; i < n; i++) {
		struct text_part *p = &parts[i];
		size_t end = i + 1 < n ? starts[i + 1] : enc->len;

		memset(p, 0, sizeof *p);
		p->seq = (uint8_t)(i + 1);
		p->total = (uint8_t)n;
		p->ref = ref;
		if (n > 1 && how != TEXT_SPLIT_SAR)
			put_udh(p, how);
		memcpy(p->data + p->len, enc->data + starts[i],
		    end - starts[i]);
		p->len += end - starts[i];
	}
	return n;
}
