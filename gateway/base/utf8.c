/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Strict UTF-8 after RFC 3629 §4 (the "UTF8-octets" ABNF): the second
 * octet's range depends on the first, which is what rules out overlong
 * forms (C0, C1, E0 80..9F, F0 80..8F), surrogates (ED A0..BF) and code
 * points above U+10FFFF (F4 90.., F5..FF). Anything else is one invalid
 * octet: U+FFFD, counted, and decoding resumes at the next octet, so a
 * truncated sequence costs one U+FFFD per octet it has.
 */
#include "utf8.h"

#include <limits.h>

/* Saturating: a counter that wraps would report a clean text. */
static void
count_bad(unsigned *bad)
{
	if (bad != NULL && *bad < UINT_MAX)
		(*bad)++;
}

static int
is_cont(unsigned char c)
{
	return (c & 0xc0u) == 0x80u;
}

/*
 * Length of the sequence led by c (2..4) and the range its second octet
 * must be in (RFC 3629 §4), or 0 when c cannot lead one.
 */
static unsigned
lead_info(unsigned char c, unsigned char *lo, unsigned char *hi)
{
	*lo = 0x80u;
	*hi = 0xbfu;
	if (c >= 0xc2u && c <= 0xdfu)
		return 2;
	if (c >= 0xe0u && c <= 0xefu) {
		if (c == 0xe0u)
			*lo = 0xa0u;	/* below: overlong */
		else if (c == 0xedu)
			*hi = 0x9fu;	/* above: surrogates D800..DFFF */
		return 3;
	}
	if (c >= 0xf0u && c <= 0xf4u) {
		if (c == 0xf0u)
			*lo = 0x90u;	/* below: overlong */
		else if (c == 0xf4u)
			*hi = 0x8fu;	/* above: beyond U+10FFFF */
		return 4;
	}
	return 0;	/* 80..C1 (continuation, overlong lead), F5..FF */
}

size_t
utf8_next(const char *s, size_t len, uint32_t *cp, unsigned *bad)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char lo, hi;
	unsigned n, i;
	uint32_t v;

	if (len == 0)
		return 0;
	if (u[0] < 0x80u) {
		*cp = u[0];
		return 1;
	}
	n = lead_info(u[0], &lo, &hi);
	if (n == 0 || len < n || u[1] < lo || u[1] > hi)
		goto invalid;
	v = u[0] & (0xffu >> (n + 1));
	for (i = 1; i < n; i++) {
		if (!is_cont(u[i]))
			goto invalid;
		v = v << 6 | (u[i] & 0x3fu);
	}
	*cp = v;
	return n;
invalid:
	*cp = UTF8_REPLACEMENT;
	count_bad(bad);
	return 1;
}

size_t
utf8_put(uint32_t cp, char out[4])
{
	unsigned char *o = (unsigned char *)out;

	if (cp > 0x10ffffu || (cp >= 0xd800u && cp <= 0xdfffu))
		cp = UTF8_REPLACEMENT;
	if (cp < 0x80u) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800u) {
		o[0] = (unsigned char)(0xc0u | cp >> 6);
		o[1] = (unsigned char)(0x80u | (cp & 0x3fu));
		return 2;
	}
	if (cp < 0x10000u) {
		o[0] = (unsigned char)(0xe0u | cp >> 12);
		o[1] = (unsigned char)(0x80u | (cp >> 6 & 0x3fu));
		o[2] = (unsigned char)(0x80u | (cp & 0x3fu));
		return 3;
	}
	o[0] = (unsigned char)(0xf0u | cp >> 18);
	o[1] = (unsigned char)(0x80u | (cp >> 12 & 0x3fu));
	o[2] = (unsigned char)(0x80u | (cp >> 6 & 0x3fu));
	o[3] = (unsigned char)(0x80u | (cp & 0x3fu));
	return 4;
}

int
utf8_valid(const char *s, size_t len)
{
	unsigned bad = 0;
	uint32_t cp;
	size_t n;

	while (len > 0) {
		n = utf8_next(s, len, &cp, &bad);
		if (bad != 0)
			return 0;
		s += n;
		len -= n;
	}
	return 1;
}

size_t
utf8_count(const char *s, size_t len)
{
	size_t count = 0, n;
	uint32_t cp;

	while (len > 0) {
		n = utf8_next(s, len, &cp, NULL);
		s += n;
		len -= n;
		count++;
	}
	return count;
}
