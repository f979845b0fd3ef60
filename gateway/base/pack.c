/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pack.h"

#include <string.h>

void
pack_init(struct pack_w *w, uint8_t *buf, size_t size)
{
	w->b = buf;
	w->size = size;
	w->n = 0;
	w->over = 0;
}

static void
put(struct pack_w *w, const void *p, size_t n)
{
	if (w->over || n > w->size - w->n) {
		w->over = 1;
		return;
	}
	if (n > 0)
		memcpy(w->b + w->n, p, n);
	w->n += n;
}

void
pack_u8(struct pack_w *w, uint8_t v)
{
	put(w, &v, 1);
}

void
pack_blob(struct pack_w *w, const void *p, size_t n)
{
	uint8_t l[2] = { (uint8_t)(n >> 8), (uint8_t)n };

	if (n > 0xffff) {
		w->over = 1;
		return;
	}
	put(w, l, 2);
	put(w, p, n);
}

void
pack_str(struct pack_w *w, const char *s)
{
	pack_blob(w, s, strlen(s));
}

void
unpack_init(struct pack_r *r, const uint8_t *buf, size_t n)
{
	r->b = buf;
	r->n = n;
	r->off = 0;
	r->bad = 0;
}

uint8_t
unpack_u8(struct pack_r *r)
{
	if (r->bad || r->off >= r->n) {
		r->bad = 1;
		return 0;
	}
	return r->b[r->off++];
}

const uint8_t *
unpack_blob(struct pack_r *r, size_t *len)
{
	size_t l = (size_t)unpack_u8(r) << 8;
	const uint8_t *p;

	l |= unpack_u8(r);
	if (r->bad || l > r->n - r->off) {
		r->bad = 1;
		*len = 0;
		return (const uint8_t *)"";
	}
	p = r->b + r->off;
	r->off += l;
	*len = l;
	return p;
}

void
unpack_str(struct pack_r *r, char *out, size_t size)
{
	size_t l;
	const uint8_t *p = unpack_blob(r, &l);

	if (l >= size || memchr(p, '\0', l) != NULL) {
		r->bad = 1;
		l = 0;
	}
	memcpy(out, p, l);
	out[l] = '\0';
}
