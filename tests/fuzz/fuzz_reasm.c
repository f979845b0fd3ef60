/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for the MO reassembler (make build/fuzz/fuzz_reasm).
 *
 * The input is a program: 4 octets of limits (small, so that every
 * bound and eviction path is reached), then operations: add a part
 * (key fields, seq, total, length and a time step drawn from the
 * input), expire at a later time, flush, or step the clock back.
 * A shadow model holds what should be pending; every delivery is
 * checked against it piece by piece (octets, order, reason, which
 * message a bound chose), and after every operation the module's
 * counters must agree with the model. The run ends with reasm_free, after
 * which nothing may be pending in the model and every stored octet
 * must have come out exactly once. Any violation calls abort().
 *
 * Seeds (tests/fuzz/corpus/fuzz_reasm/seed-*) were written by hand:
 * in-order and reversed messages, duplicates, a per-source and a memory
 * eviction, an oversized part, timeouts and a clock stepping back.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/reasm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXT 7			/* largest total the input can ask */

struct shadow {
	struct reasm_key key;		/* normalised */
	uint64_t created, deadline;
	uint8_t *part[MAXT + 1];	/* by seq; NULL: absent */
	size_t len[MAXT + 1];
};

enum op { OP_ADD, OP_EXPIRE, OP_FLUSH, OP_FREE };

struct fz {
	struct reasm *r;
	struct reasm_limits lim;
	struct shadow *sh;
	size_t n, cap;
	uint64_t serial, last, now;
	enum op op;
	const struct reasm_part *cur;	/* the part being added */
	struct reasm_key curkey;	/* its key, normalised */
	int cur_out;			/* cur was delivered */
	size_t in, out, held;		/* octets in, out, pending */
};

static void __attribute__((noreturn))
die(const char *what)
{
	fprintf(stderr, "fuzz_reasm: %s\n", what);
	abort();
}

#define CHECK(c) do { if (!(c)) die(#c); } while (0)

/* Field by field (padding is no part of a key); strings in full. */
static int
key_eq(const struct reasm_key *a, const struct reasm_key *b)
{
	return a->link == b->link && a->ref == b->ref &&
	    a->ref16 == b->ref16 && a->total == b->total &&
	    memcmp(a->source, b->source, sizeof a->source) == 0 &&
	    memcmp(a->dest, b->dest, sizeof a->dest) == 0;
}

static struct shadow *
find(struct fz *z, const struct reasm_key *k)
{
	size_t i;

	for (i = 0; i < z->n; i++)
		if (key_eq(&z->sh[i].key, k))
			return &z->sh[i];
	return NULL;
}

static void
drop(struct fz *z, struct shadow *e)
{
	unsigned s;

	for (s = 1; s <= MAXT; s++) {
		z->held -= e->part[s] != NULL ? e->len[s] : 0;
		free(e->part[s]);
	}
	*e = z->sh[--z->n];
}

static const struct shadow *
oldest(const struct fz *z, const struct shadow *skip, int same_source)
{
	const struct shadow *o = NULL;
	size_t i;

	for (i = 0; i < z->n; i++) {
		const struct shadow *e = &z->sh[i];

		if (e == skip || (same_source &&
		    (e->key.link != z->curkey.link ||
		    strcmp(e->key.source, z->curkey.source) != 0)))
			continue;
		if (o == NULL || e->created < o->created)
			o = e;
	}
	return o;
}

/* The shape every delivered message must have. */
static void
check_shape(const struct reasm_msg *m)
{
	size_t off = 0;
	unsigned i;

	CHECK(m->parts == m->npieces && m->npieces >= 1);
	CHECK(m->npieces <= m->key.total);
	for (i = 0; i < m->npieces; i++) {
		CHECK(m->piece[i].off == off);
		CHECK(m->piece[i].seq >= 1 && m->piece[i].seq <= m->key.total);
		CHECK(i == 0 || m->piece[i].seq > m->piece[i - 1].seq);
		off += m->piece[i].len;
	}
	CHECK(off == m->len);
	CHECK(m->incomplete == (m->npieces != m->key.total));
	CHECK((m->why == REASM_COMPLETE) == !m->incomplete);
	CHECK(memchr(m->key.source, 0, sizeof m->key.source) != NULL);
	CHECK(memchr(m->key.dest, 0, sizeof m->key.dest) != NULL);
}

/* Which message may go out, and why, given what the model holds. */
static void
check_choice(struct fz *z, const struct reasm_msg *m, struct shadow *e,
    int cur)
{
	if (cur) {
		CHECK(z->op == OP_ADD && !z->cur_out);
		CHECK(m->why == REASM_COMPLETE || m->why == REASM_EVICTED ||
		    m->why == REASM_TOO_MANY_PARTS);
		CHECK((m->why == REASM_TOO_MANY_PARTS) ==
		    (m->key.total > z->lim.max_parts));
		z->cur_out = 1;
		return;
	}
	CHECK(e != NULL);
	switch (z->op) {
	case OP_ADD: {
		const struct shadow *c = find(z, &z->curkey);

		CHECK(m->why == REASM_EVICTED);
		/* The oldest other message, or its source's oldest. */
		CHECK(e == oldest(z, c, 0) ||
		    (c == NULL && e == oldest(z, NULL, 1)));
		break;
	}
	case OP_EXPIRE:
		CHECK(m->why == REASM_TIMEOUT);
		CHECK(e == oldest(z, NULL, 0) && e->deadline <= z->now);
		break;
	case OP_FLUSH:
	case OP_FREE:
		CHECK(m->why == REASM_FLUSHED && e == oldest(z, NULL, 0));
		break;
	}
}

static void
deliver(void *arg, const struct reasm_msg *m)
{
	struct fz *z = arg;
	struct shadow *e = find(z, &m->key);
	int cur = z->op == OP_ADD && key_eq(&m->key, &z->curkey);
	unsigned i, s, want = 0;

	check_shape(m);
	check_choice(z, m, e, cur);
	/* The callback sees the module without m. */
	CHECK(reasm_pending(z->r) == z->n - (e != NULL));
	for (s = 1; s <= MAXT; s++)
		want += (e != NULL && e->part[s] != NULL) ||
		    (cur && z->cur->seq == s);
	CHECK(m->npieces == want);
	for (i = 0; i < m->npieces; i++) {
		const struct reasm_piece *pc = &m->piece[i];
		const uint8_t *d = m->data + pc->off;

		if (cur && pc->seq == z->cur->seq) {
			CHECK(pc->len == z->cur->len && pc->dcs == z->cur->dcs);
			CHECK(pc->len == 0 ||
			    memcmp(d, z->cur->data, pc->len) == 0);
			z->in += pc->len;
		} else {
			CHECK(e != NULL && e->part[pc->seq] != NULL);
			CHECK(pc->len == e->len[pc->seq]);
			CHECK(pc->len == 0 ||
			    memcmp(d, e->part[pc->seq], pc->len) == 0);
		}
	}
	z->out += m->len;
	if (e != NULL)
		drop(z, e);
}

/* Counters of the module against the model, after every operation. */
static void
check_state(const struct fz *z)
{
	const struct shadow *o = oldest(z, NULL, 0);
	size_t i, j;

	CHECK(reasm_bytes(z->r) <= z->lim.max_bytes);
	CHECK(reasm_pending(z->r) == z->n);
	CHECK((reasm_bytes(z->r) == 0) == (z->n == 0));
	CHECK(reasm_bytes(z->r) >= z->held + z->n);
	CHECK(z->in - z->out == z->held);
	CHECK(reasm_next_due(z->r) == (o != NULL ? o->deadline : UINT64_MAX));
	for (i = 0; i < z->n; i++) {
		unsigned same = 0;

		for (j = 0; j < z->n; j++)
			same += z->sh[j].key.link == z->sh[i].key.link &&
			    strcmp(z->sh[j].key.source,
			    z->sh[i].key.source) == 0;
		CHECK(same <= z->lim.max_pending_per_source);
	}
}

struct in {
	const uint8_t *p;
	size_t n;
};

static uint8_t
take(struct in *in)
{
	uint8_t b = 0;

	if (in->n > 0)
		b = *in->p++, in->n--;
	return b;
}

/* A key from the input; garbage after a NUL must not matter. */
static void
make_key(struct in *in, struct reasm_key *k, int *bad)
{
	uint8_t f = take(in), g = take(in);

	memset(k, (f & 0x40) ? 'x' : 0, sizeof *k);
	k->link = f & 1;
	/* 16 sources on 2 links: enough to make both tables grow. */
	snprintf(k->source, sizeof k->source, "2237600000%u",
	    ((f >> 1) & 3) | (g >> 6) << 2);
	snprintf(k->dest, sizeof k->dest, "3612%u", (f >> 3) & 1);
	k->ref16 = (f >> 4) & 1;
	k->ref = (uint16_t)((g & 3) | (k->ref16 && (g & 4) ? 0x100 : 0));
	k->total = (uint8_t)((g >> 3) & 7);
	*bad = (f & 0xa0) == 0xa0;	/* one in four: no NUL */
	if (*bad)
		memset((f & 4) ? k->dest : k->source, '9', sizeof k->source);
}

static void
normalise(struct reasm_key *out, const struct reasm_key *k)
{
	memset(out, 0, sizeof *out);
	out->link = k->link;
	memcpy(out->source, k->source, strlen(k->source));
	memcpy(out->dest, k->dest, strlen(k->dest));
	out->ref = k->ref;
	out->ref16 = k->ref16;
	out->total = k->total;
}

static void
op_add(struct fz *z, struct in *in)
{
	static uint8_t buf[255 * 32];
	struct reasm_part p;
	struct shadow *e;
	enum reasm_result res;
	uint8_t s = take(in), l = take(in);
	size_t j;
	int bad, dup;

	make_key(in, &p.key, &bad);
	p.seq = s & 7;
	p.dcs = s >> 4;
	p.len = (s & 8) ? (size_t)l * 32 : (size_t)l;
	for (j = 0; j < p.len; j++)
		buf[j] = (uint8_t)(z->serial * 131 + j);
	p.data = buf;
	z->now += take(in);
	z->serial++;
	bad = bad || p.key.total == 0 || p.seq == 0 || p.seq > p.key.total;
	if (!bad)
		normalise(&z->curkey, &p.key);
	/* Decided before the call: deliveries move the model's entries. */
	e = bad ? NULL : find(z, &z->curkey);
	dup = e != NULL && e->part[p.seq] != NULL;
	z->cur = &p;
	z->cur_out = 0;
	z->op = OP_ADD;
	res = reasm_add(z->r, &p, z->now);
	z->cur = NULL;
	if (bad) {
		CHECK(res == REASM_INVALID && !z->cur_out);
		return;
	}
	if (z->now > z->last)
		z->last = z->now;
	if (dup) {
		CHECK(res == REASM_DUPLICATE && !z->cur_out);
		return;
	}
	CHECK(res == (z->cur_out ? REASM_DELIVERED : REASM_ADDED));
	if (z->cur_out)
		return;
	if ((e = find(z, &z->curkey)) == NULL) {
		if (z->n == z->cap) {
			z->cap = z->cap ? 2 * z->cap : 8;
			z->sh = realloc(z->sh, z->cap * sizeof *z->sh);
			CHECK(z->sh != NULL);
		}
		e = &z->sh[z->n++];
		memset(e, 0, sizeof *e);
		e->key = z->curkey;
		e->created = z->serial;
		e->deadline = z->last + z->lim.timeout_ms;
	}
	e->part[p.seq] = malloc(p.len + 1);
	CHECK(e->part[p.seq] != NULL);
	memcpy(e->part[p.seq], p.data, p.len);
	e->len[p.seq] = p.len;
	z->in += p.len;
	z->held += p.len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	struct fz z;
	const struct shadow *o;
	uint8_t b;

	memset(&z, 0, sizeof z);
	z.lim.max_parts = take(&in) % 7;
	z.lim.max_pending_per_source = take(&in) % 5;
	b = take(&in);
	/* Mostly under a few messages' worth; sometimes room for 300. */
	z.lim.max_bytes = (b & 0x80) ? (size_t)(b & 0x7f) * 1024 :
	    (size_t)b * 32;
	z.lim.timeout_ms = (unsigned)take(&in) * 4;
	z.r = reasm_new(&z.lim, deliver, &z);
	/* What reasm_new does with a 0 (reasm.c). */
	z.lim.max_parts += z.lim.max_parts == 0;
	z.lim.max_pending_per_source += z.lim.max_pending_per_source == 0;
	z.now = z.last = 1000;
	while (in.n > 0) {
		uint8_t op = take(&in);

		switch (op % 8) {
		case 5:
			z.now += (uint64_t)take(&in) * 4;
			if (z.now > z.last)
				z.last = z.now;
			z.op = OP_EXPIRE;
			reasm_expire(z.r, z.now);
			o = oldest(&z, NULL, 0);
			CHECK(o == NULL || o->deadline > z.now);
			break;
		case 6:
			z.op = OP_FLUSH;
			reasm_flush(z.r);
			CHECK(z.n == 0);
			break;
		case 7:
			/* The clock steps back; the module must cope. */
			z.now -= z.now > 1000 ? take(&in) % (z.now - 1000) : 0;
			break;
		default:
			op_add(&z, &in);
			break;
		}
		check_state(&z);
	}
	z.op = OP_FREE;
	reasm_free(z.r);
	CHECK(z.n == 0 && z.held == 0 && z.in == z.out);
	free(z.sh);
	return 0;
}
