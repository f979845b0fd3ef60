/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "sim/sim_text.h"

#include <string.h>

/* 3GPP TS 23.038 §6.2.1: the default alphabet, septet -> code point. */
static const uint16_t gsm7_base[128] = {
	0x0040, 0x00a3, 0x0024, 0x00a5, 0x00e8, 0x00e9, 0x00f9, 0x00ec,
	0x00f2, 0x00c7, 0x000a, 0x00d8, 0x00f8, 0x000d, 0x00c5, 0x00e5,
	0x0394, 0x005f, 0x03a6, 0x0393, 0x039b, 0x03a9, 0x03a0, 0x03a8,
	0x03a3, 0x0398, 0x039e, 0x001b, 0x00c6, 0x00e6, 0x00df, 0x00c9,
	0x0020, 0x0021, 0x0022, 0x0023, 0x00a4, 0x0025, 0x0026, 0x0027,
	0x0028, 0x0029, 0x002a, 0x002b, 0x002c, 0x002d, 0x002e, 0x002f,
	0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037,
	0x0038, 0x0039, 0x003a, 0x003b, 0x003c, 0x003d, 0x003e, 0x003f,
	0x00a1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,
	0x0048, 0x0049, 0x004a, 0x004b, 0x004c, 0x004d, 0x004e, 0x004f,
	0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057,
	0x0058, 0x0059, 0x005a, 0x00c4, 0x00d6, 0x00d1, 0x00dc, 0x00a7,
	0x00bf, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067,
	0x0068, 0x0069, 0x006a, 0x006b, 0x006c, 0x006d, 0x006e, 0x006f,
	0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,
	0x0078, 0x0079, 0x007a, 0x00e4, 0x00f6, 0x00f1, 0x00fc, 0x00e0,
};

#define GSM7_ESC 0x1b

/* TS 23.038 §6.2.1.1: the extension table behind ESC (0x1b). */
static const struct {
	uint8_t septet;
	uint16_t cp;
} gsm7_ext[] = {
	{ 0x0a, 0x000c },	/* form feed */
	{ 0x14, 0x005e },	/* ^ */
	{ 0x28, 0x007b },	/* { */
	{ 0x29, 0x007d },	/* } */
	{ 0x2f, 0x005c },	/* backslash */
	{ 0x3c, 0x005b },	/* [ */
	{ 0x3d, 0x007e },	/* ~ */
	{ 0x3e, 0x005d },	/* ] */
	{ 0x40, 0x007c },	/* | */
	{ 0x65, 0x20ac },	/* euro sign */
};

static const char *const enc_names[] = {
	[SIM_ENC_AUTO] = "auto",
	[SIM_ENC_GSM7] = "gsm7",
	[SIM_ENC_LATIN1] = "latin1",
	[SIM_ENC_UCS2] = "ucs2",
};

int
sim_enc_parse(const char *s, enum sim_enc *out)
{
	for (size_t i = 0; i < sizeof enc_names / sizeof enc_names[0]; i++) {
		if (strcmp(s, enc_names[i]) == 0) {
			*out = (enum sim_enc)i;
			return 0;
		}
	}
	return -1;
}

const char *
sim_enc_name(enum sim_enc e)
{
	return (size_t)e < sizeof enc_names / sizeof enc_names[0] ?
	    enc_names[e] : "?";
}

/* Reads one code point; returns its length or 0 when invalid. */
static size_t
utf8_next(const uint8_t *s, size_t len, uint32_t *cp)
{
	uint32_t c;
	size_t n;

	if (len == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* Overlongs, surrogates and values past U+10FFFF. */
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return n;
}

int
sim_utf8_valid(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	uint32_t cp;

	while (len > 0) {
		size_t n = utf8_next(p, len, &cp);

		if (n == 0)
			return 0;
		p += n;
		len -= n;
	}
	return 1;
}

/* Appends cp as UTF-8; returns -1 when out is full. */
static int
utf8_put(char *out, size_t outsz, size_t *o, uint32_t cp)
{
	uint8_t b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (uint8_t)(0xc0 | cp >> 6);
		b[1] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (uint8_t)(0xe0 | cp >> 12);
		b[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (uint8_t)(0xf0 | cp >> 18);
		b[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
		b[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		b[3] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (*o + n >= outsz)
		return -1;
	memcpy(out + *o, b, n);
	*o += n;
	return 0;
}

/* Septet(s) for cp: returns 1 or 2 octets written, 0 if not in GSM-7. */
static size_t
gsm7_of(uint32_t cp, uint8_t out[2])
{
	if (cp == GSM7_ESC)
		return 0;
	for (size_t i = 0; i < 128; i++) {
		if (gsm7_base[i] == cp) {
			out[0] = (uint8_t)i;
			return 1;
		}
	}
	for (size_t i = 0; i < sizeof gsm7_ext / sizeof gsm7_ext[0]; i++) {
		if (gsm7_ext[i].cp == cp) {
			out[0] = GSM7_ESC;
			out[1] = gsm7_ext[i].septet;
			return 2;
		}
	}
	return 0;
}

/* Encodes one code point; returns octets written, 0 unmappable, -1 full. */
static int
enc_one(enum sim_enc enc, uint32_t cp, uint8_t *out, size_t room)
{
	uint8_t g[2];
	size_t n;

	switch (enc) {
	case SIM_ENC_GSM7:
		if ((n = gsm7_of(cp, g)) == 0)
			return 0;
		if (room < n)
			return -1;
		memcpy(out, g, n);
		return (int)n;
	case SIM_ENC_LATIN1:
		if (cp > 0xff)
			return 0;
		if (room < 1)
			return -1;
		out[0] = (uint8_t)cp;
		return 1;
	default:
		if (cp >= 0x10000) {
			/* UTF-16BE surrogate pair, as handsets send it. */
			uint32_t v = cp - 0x10000;
			uint16_t hi = (uint16_t)(0xd800 | v >> 10);
			uint16_t lo = (uint16_t)(0xdc00 | (v & 0x3ff));

			if (room < 4)
				return -1;
			out[0] = (uint8_t)(hi >> 8);
			out[1] = (uint8_t)hi;
			out[2] = (uint8_t)(lo >> 8);
			out[3] = (uint8_t)lo;
			return 4;
		}
		if (room < 2)
			return -1;
		out[0] = (uint8_t)(cp >> 8);
		out[1] = (uint8_t)cp;
		return 2;
	}
}

static int
encode_as(enum sim_enc enc, const char *utf8, uint8_t *out, size_t outsz,
    size_t *len, const char **err)
{
	const uint8_t *p = (const uint8_t *)utf8;
	size_t left = strlen(utf8), o = 0;
	uint32_t cp;

	while (left > 0) {
		size_t n = utf8_next(p, left, &cp);
		int w;

		if (n == 0) {
			*err = "invalid UTF-8";
			return -1;
		}
		w = enc_one(enc, cp, out + o, outsz - o);
		if (w == 0) {
			*err = enc == SIM_ENC_GSM7 ?
			    "character not in the GSM 03.38 alphabet" :
			    "character not in Latin-1";
			return -1;
		}
		if (w < 0) {
			*err = "text too long";
			return -1;
		}
		o += (size_t)w;
		p += n;
		left -= n;
	}
	*len = o;
	return 0;
}

int
sim_text_encode(enum sim_enc enc, uint8_t gsm7_dc, const char *utf8,
    uint8_t *out, size_t outsz, size_t *len, uint8_t *dc, const char **err)
{
	if (enc == SIM_ENC_AUTO) {
		if (encode_as(SIM_ENC_GSM7, utf8, out, outsz, len, err) == 0) {
			*dc = gsm7_dc;
			return 0;
		}
		enc = SIM_ENC_UCS2;
	}
	if (encode_as(enc, utf8, out, outsz, len, err) != 0)
		return -1;
	*dc = enc == SIM_ENC_GSM7 ? gsm7_dc :
	    enc == SIM_ENC_LATIN1 ? SIM_DC_LATIN1 : SIM_DC_UCS2;
	return 0;
}

static int
dec_gsm7(const uint8_t *in, size_t len, char *out, size_t outsz, size_t *o,
    const char **err)
{
	int rc = 0;

	for (size_t i = 0; i < len; i++) {
		uint32_t cp;

		if (in[i] > 0x7f) {
			*err = "octet above 0x7f in GSM-7 text";
			cp = 0xfffd;
			rc = -1;
		} else if (in[i] == GSM7_ESC) {
			if (i + 1 >= len) {
				/* A split that cut an escape sequence. */
				*err = "GSM-7 escape at end of text";
				cp = 0xfffd;
				rc = -1;
			} else {
				uint8_t s = in[++i];

				/* TS 23.038: unknown -> the base character. */
				cp = s <= 0x7f ? gsm7_base[s] : 0xfffd;
				for (size_t k = 0; k < sizeof gsm7_ext /
				    sizeof gsm7_ext[0]; k++)
					if (gsm7_ext[k].septet == s)
						cp = gsm7_ext[k].cp;
			}
		} else {
			cp = gsm7_base[in[i]];
		}
		if (utf8_put(out, outsz, o, cp) != 0)
			return -1;
	}
	return rc;
}

static int
dec_ucs2(const uint8_t *in, size_t len, char *out, size_t outsz, size_t *o,
    const char **err)
{
	int rc = 0;

	if (len % 2 != 0) {
		*err = "odd UCS-2 length";
		rc = -1;
		len--;
	}
	for (size_t i = 0; i < len; i += 2) {
		uint32_t cp = (uint32_t)in[i] << 8 | in[i + 1];

		if (cp >= 0xd800 && cp <= 0xdbff && i + 3 < len) {
			uint32_t lo = (uint32_t)in[i + 2] << 8 | in[i + 3];

			if (lo >= 0xdc00 && lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				i += 2;
			}
		}
		if (cp >= 0xd800 && cp <= 0xdfff) {
			*err = "lone UTF-16 surrogate";
			cp = 0xfffd;
			rc = -1;
		}
		if (utf8_put(out, outsz, o, cp) != 0)
			return -1;
	}
	return rc;
}

int
sim_text_decode(uint8_t dc, const uint8_t *in, size_t len, char *out,
    size_t outsz, const char **err)
{
	size_t o = 0;
	int rc = 0;

	*err = "";
	if (outsz == 0)
		return -1;
	switch (dc) {
	case SIM_DC_GSM7:
	case SIM_DC_USSD_GSM7:
	case 0xf0: case 0xf1: case 0xf2: case 0xf3:	/* group 1111, 7-bit */
		rc = dec_gsm7(in, len, out, outsz, &o, err);
		break;
	case SIM_DC_IA5:
	case SIM_DC_LATIN1:
		for (size_t i = 0; i < len && rc == 0; i++) {
			if (dc == SIM_DC_IA5 && in[i] > 0x7f) {
				*err = "octet above 0x7f in IA5 text";
				rc = -1;
			}
			if (utf8_put(out, outsz, &o, in[i]) != 0)
				rc = -1;
		}
		break;
	case SIM_DC_UCS2:
		rc = dec_ucs2(in, len, out, outsz, &o, err);
		break;
	default:
		*err = "unsupported data_coding";
		rc = -1;
		break;
	}
	if (rc != 0 && **err == '\0')
		*err = "text too long";
	out[o < outsz ? o : outsz - 1] = '\0';
	return rc;
}
