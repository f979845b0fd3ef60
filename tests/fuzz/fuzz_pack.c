/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for base/pack (make build/fuzz/fuzz_pack).
 *
 * The first octet picks a sequence of reads (u8, blob, string into a
 * small buffer); the rest is the packed input. Whatever the reads
 * accept is packed again into a buffer of the same size and must read
 * back identically; a read of a bad input must never go outside it
 * (ASan watches) and must set the flag for good. Seeds
 * (tests/fuzz/corpus/fuzz_pack/seed-*) were written by hand: a part as
 * store.c packs it, a truncated one, a length past the end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/pack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OPS 8

struct item {
	int kind;		/* 0 u8, 1 blob, 2 string */
	uint8_t v;
	const uint8_t *p;
	size_t len;
	char s[8];
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct item it[OPS];
	struct pack_r r;
	struct pack_w w;
	uint8_t *again;
	unsigned prog;
	int n = 0;

	if (size < 2)
		return 0;
	prog = data[0] | (unsigned)data[1] << 8;
	unpack_init(&r, data + 2, size - 2);
	for (n = 0; n < OPS && !r.bad; n++) {
		it[n].kind = (int)((prog >> (2 * n)) & 3) % 3;
		if (it[n].kind == 0)
			it[n].v = unpack_u8(&r);
		else if (it[n].kind == 1)
			it[n].p = unpack_blob(&r, &it[n].len);
		else
			unpack_str(&r, it[n].s, sizeof it[n].s);
	}
	if (r.bad) {
		if (unpack_u8(&r) != 0 || !r.bad)
			abort();	/* the flag sticks, reads give 0 */
		return 0;
	}
	again = malloc(size);
	pack_init(&w, again, size - 2);
	for (int i = 0; i < n; i++) {
		if (it[i].kind == 0)
			pack_u8(&w, it[i].v);
		else if (it[i].kind == 1)
			pack_blob(&w, it[i].p, it[i].len);
		else
			pack_str(&w, it[i].s);
	}
	/* The same fields in the same room: it fits and is the same. */
	if (w.over || w.n != r.off || memcmp(again, data + 2, w.n) != 0)
		abort();
	free(again);
	return 0;
}
