/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UTF-8, strictly (RFC 3629): no overlong forms, no surrogates, nothing
 * above U+10FFFF. Text inside numvert is UTF-8; the wire codings are
 * converted at the edges (gsm7, text).
 */
#ifndef NV_UTF8_H
#define NV_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define UTF8_REPLACEMENT 0xfffdu

/*
 * Decodes the code point at s[0..len). Returns the octets it used (1..4),
 * or 0 at len == 0. An invalid sequence yields U+FFFD in *cp and uses 1
 * octet, and *bad (if not NULL) is incremented.
 */
size_t utf8_next(const char *s, size_t len, uint32_t *cp, unsigned *bad);

/* Writes cp as UTF-8 into out (room for 4). Returns 1..4; an invalid cp is
 * written as U+FFFD. */
size_t utf8_put(uint32_t cp, char out[4]);

/* 1 if s[0..len) is valid UTF-8. */
int utf8_valid(const char *s, size_t len);

/* Code points in s[0..len) (invalid octets count one each). */
size_t utf8_count(const char *s, size_t len);

#endif
