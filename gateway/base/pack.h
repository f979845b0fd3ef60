/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A tiny serialisation for what numvertd seals into a row (a waiting
 * part, an outbox message): octets, and blobs or strings of at most
 * 65,535 octets behind a 2-octet big-endian length. Writing past the
 * buffer and reading past the end or a bad length set a sticky flag the
 * caller checks once at the end; nothing is written or read out of
 * bounds.
 */
#ifndef NV_PACK_H
#define NV_PACK_H

#include <stddef.h>
#include <stdint.h>

struct pack_w {
	uint8_t *b;		/* the caller's buffer */
	size_t size, n;
	int over;		/* something did not fit */
};

struct pack_r {
	const uint8_t *b;
	size_t n, off;
	int bad;		/* short, or a length past the end */
};

void pack_init(struct pack_w *w, uint8_t *buf, size_t size);
void pack_u8(struct pack_w *w, uint8_t v);
void pack_blob(struct pack_w *w, const void *p, size_t n);
void pack_str(struct pack_w *w, const char *s);

void unpack_init(struct pack_r *r, const uint8_t *buf, size_t n);
uint8_t unpack_u8(struct pack_r *r);
/* A blob inside the buffer (its length in *len); "" with len 0 if bad. */
const uint8_t *unpack_blob(struct pack_r *r, size_t *len);
/* A string into out (size octets with its NUL); too long is bad. */
void unpack_str(struct pack_r *r, char *out, size_t size);

#endif
