/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reassembly of concatenated MO messages (gateway/base/reasm.h): order,
 * duplicates, keys, every bound, deadlines, flush and free, and a large
 * random interleaving. The real concatenated fixtures are in
 * test_reasm_fixtures.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/reasm.h"

/* --- a callback that records every delivery --------------------------- */

#define MAXREC 64

struct rec {
	struct reasm_key key;
	enum reasm_why why;
	int incomplete;
	unsigned parts, npieces;
	uint8_t data[4096];
	size_t len;
	struct reasm_piece piece[16];
	unsigned pending_seen;		/* reasm_pending() in the call */
};

struct sink {
	struct reasm *r;
	struct rec rec[MAXREC];
	unsigned n;
};

static void
record(void *arg, const struct reasm_msg *m)
{
	struct sink *s = arg;
	struct rec *c;

	assert_true(s->n < MAXREC);
	c = &s->rec[s->n++];
	assert_true(m->len <= sizeof c->data);
	assert_true(m->npieces <= 16);
	assert_int_equal(m->parts, m->npieces);
	c->key = m->key;
	c->why = m->why;
	c->incomplete = m->incomplete;
	c->parts = m->parts;
	c->npieces = m->npieces;
	if (m->len > 0)
		memcpy(c->data, m->data, m->len);
	c->len = m->len;
	memcpy(c->piece, m->piece, m->npieces * sizeof *m->piece);
	c->pending_seen = s->r != NULL ? reasm_pending(s->r) : 0;
}

static const struct reasm_limits big = {
	.max_parts = 16, .max_pending_per_source = 16,
	.max_bytes = 1u << 20, .timeout_ms = 1000,
};

static struct reasm *
mk(struct sink *s, const struct reasm_limits *lim)
{
	memset(s, 0, sizeof *s);
	s->r = reasm_new(lim, record, s);
	return s->r;
}

static struct reasm_key
key(uint64_t link, const char *src, const char *dst, uint16_t ref,
    int ref16, uint8_t total)
{
	struct reasm_key k;

	memset(&k, 0, sizeof k);
	k.link = link;
	snprintf(k.source, sizeof k.source, "%s", src);
	snprintf(k.dest, sizeof k.dest, "%s", dst);
	k.ref = ref;
	k.ref16 = (uint8_t)ref16;
	k.total = total;
	return k;
}

/* Part seq of a message: text "<tag>:<seq>;" so order shows in data. */
static enum reasm_result
add_txt(struct reasm *r, struct reasm_key k, unsigned seq, const char *tag,
    uint64_t now)
{
	static char buf[64];
	struct reasm_part p;

	snprintf(buf, sizeof buf, "%s:%u;", tag, seq);
	p = (struct reasm_part){ k, (uint8_t)seq, 0, (const uint8_t *)buf,
	    strlen(buf), { 0 } };
	return reasm_add(r, &p, now);
}

static enum reasm_result
add_len(struct reasm *r, struct reasm_key k, unsigned seq, size_t len,
    uint64_t now)
{
	static uint8_t buf[8192];
	struct reasm_part p;

	assert_true(len <= sizeof buf);
	memset(buf, 'a' + (int)seq, len);
	p = (struct reasm_part){ k, (uint8_t)seq, 0, buf, len, { 0 } };
	return reasm_add(r, &p, now);
}

/* Field by field (padding is no part of a key); strings in full. */
static void
expect_key(const struct reasm_key *a, const struct reasm_key *b)
{
	assert_true(a->link == b->link && a->ref == b->ref &&
	    a->ref16 == b->ref16 && a->total == b->total);
	assert_memory_equal(a->source, b->source, sizeof a->source);
	assert_memory_equal(a->dest, b->dest, sizeof a->dest);
}

/* A call of add_txt or add_len and the result it must give. */
#define TXT(want, ...) assert_int_equal(add_txt(__VA_ARGS__), REASM_##want)
#define LEN(want, ...) assert_int_equal(add_len(__VA_ARGS__), REASM_##want)

static void
expect_data(const struct rec *c, const char *want)
{
	assert_int_equal(c->len, strlen(want));
	assert_memory_equal(c->data, want, c->len);
}

/* Pieces strictly increasing in seq, back to back, covering len. */
static void
check_pieces(const struct rec *c)
{
	size_t off = 0;
	unsigned i;

	for (i = 0; i < c->npieces; i++) {
		assert_int_equal(c->piece[i].off, off);
		if (i > 0)
			assert_true(c->piece[i].seq > c->piece[i - 1].seq);
		off += c->piece[i].len;
	}
	assert_int_equal(off, c->len);
	assert_int_equal(c->incomplete, c->npieces != c->key.total);
}

/* --- order and duplicates --------------------------------------------- */

static int
next_perm(unsigned *a, unsigned n)
{
	unsigned i = n - 1, j = n - 1, t;

	while (i > 0 && a[i - 1] >= a[i])
		i--;
	if (i == 0)
		return 0;
	while (a[j] <= a[i - 1])
		j--;
	t = a[i - 1], a[i - 1] = a[j], a[j] = t;
	for (j = n - 1; i < j; i++, j--)
		t = a[i], a[i] = a[j], a[j] = t;
	return 1;
}

static void
run_perms(unsigned n, unsigned want_perms)
{
	unsigned a[4] = { 1, 2, 3, 4 }, count = 0, i;
	char want[64] = "";
	struct sink s;
	struct reasm *r = mk(&s, &big);
	struct reasm_key k = key(1, "22376123456", "36123", 0x7a, 0,
	    (uint8_t)n);

	for (i = 1; i <= n; i++)
		snprintf(want + strlen(want), sizeof want - strlen(want),
		    "p:%u;", i);
	do {
		s.n = 0;
		for (i = 0; i < n; i++)
			assert_int_equal(add_txt(r, k, a[i], "p", 10),
			    i + 1 < n ? REASM_ADDED : REASM_DELIVERED);
		assert_int_equal(s.n, 1);
		assert_int_equal(s.rec[0].why, REASM_COMPLETE);
		assert_int_equal(s.rec[0].npieces, n);
		check_pieces(&s.rec[0]);
		expect_data(&s.rec[0], want);
		assert_int_equal(reasm_pending(r), 0);
		assert_int_equal(reasm_bytes(r), 0);
		count++;
	} while (next_perm(a, n));
	assert_int_equal(count, want_perms);
	reasm_free(r);
	assert_int_equal(s.n, 1);	/* nothing left for free to flush */
}

static void
test_out_of_order(void **state)
{
	(void)state;
	run_perms(3, 6);
	run_perms(4, 24);
}

/* The first copy of a part wins; later ones, even different, are ignored. */
static void
test_duplicates(void **state)
{
	struct sink s;
	struct reasm *r = mk(&s, &big);
	struct reasm_key k = key(1, "a", "b", 9, 0, 3);
	size_t before;

	(void)state;
	TXT(ADDED, r, k, 2, "x", 0);
	before = reasm_bytes(r);
	TXT(DUPLICATE, r, k, 2, "x", 1);
	TXT(DUPLICATE, r, k, 2, "other", 2);
	assert_int_equal(reasm_bytes(r), before);
	TXT(ADDED, r, k, 1, "x", 3);
	TXT(DUPLICATE, r, k, 1, "y", 3);
	TXT(DELIVERED, r, k, 3, "x", 4);
	assert_int_equal(s.n, 1);
	expect_data(&s.rec[0], "x:1;x:2;x:3;");
	/* Once delivered, the key is forgotten: a late copy starts anew. */
	TXT(ADDED, r, k, 3, "x", 5);
	reasm_free(r);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.rec[1].why, REASM_FLUSHED);
}

static void
test_missing_part_timeout(void **state)
{
	struct sink s;
	struct reasm *r = mk(&s, &big);
	struct reasm_key k = key(1, "a", "b", 9, 0, 4);

	(void)state;
	TXT(ADDED, r, k, 4, "m", 100);
	TXT(ADDED, r, k, 1, "m", 200);
	TXT(ADDED, r, k, 2, "m", 300);
	reasm_expire(r, 1099);
	assert_int_equal(s.n, 0);
	reasm_expire(r, 1100);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.rec[0].why, REASM_TIMEOUT);
	assert_true(s.rec[0].incomplete);
	assert_int_equal(s.rec[0].parts, 3);
	assert_int_equal(s.rec[0].piece[0].seq, 1);
	assert_int_equal(s.rec[0].piece[1].seq, 2);
	assert_int_equal(s.rec[0].piece[2].seq, 4);
	check_pieces(&s.rec[0]);
	expect_data(&s.rec[0], "m:1;m:2;m:4;");
	assert_int_equal(reasm_pending(r), 0);
	assert_int_equal(reasm_bytes(r), 0);
	reasm_free(r);
}

/* --- keys -------------------------------------------------------------- */

/* Two keys must stay apart: a's parts 1, b's part 2, both pending. */
static void
expect_apart(struct reasm_key a, struct reasm_key b)
{
	struct sink s;
	struct reasm *r = mk(&s, &big);

	TXT(ADDED, r, a, 1, "a", 0);
	TXT(ADDED, r, b, 2, "b", 0);
	assert_int_equal(reasm_pending(r), 2);
	TXT(DELIVERED, r, a, 2, "a", 0);
	TXT(DELIVERED, r, b, 1, "b", 0);
	assert_int_equal(s.n, 2);
	expect_data(&s.rec[0], "a:1;a:2;");
	expect_data(&s.rec[1], "b:1;b:2;");
	expect_key(&s.rec[0].key, &a);
	expect_key(&s.rec[1].key, &b);
	reasm_free(r);
}

static void
test_keys_apart(void **state)
{
	struct reasm_key k = key(1, "22376123456", "36123", 42, 0, 2), o;

	(void)state;
	o = k, o.ref16 = 1;		/* 8-bit vs 16-bit, same number */
	expect_apart(k, o);
	o = k, snprintf(o.source, sizeof o.source, "22365987654");
	expect_apart(k, o);
	o = k, o.link = 2;
	expect_apart(k, o);
	o = k, snprintf(o.dest, sizeof o.dest, "36124");
	expect_apart(k, o);
	o = k, o.ref = 43;
	expect_apart(k, o);
	o = k, o.ref = 42 + 256;	/* same low octet */
	expect_apart(k, o);
}

/* Different totals with the same reference are different messages. */
static void
test_total_in_key(void **state)
{
	struct sink s;
	struct reasm *r = mk(&s, &big);

	(void)state;
	TXT(ADDED, r, key(1, "a", "b", 5, 0, 2), 1, "t", 0);
	TXT(ADDED, r, key(1, "a", "b", 5, 0, 3), 2, "u", 0);
	assert_int_equal(reasm_pending(r), 2);
	reasm_flush(r);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.rec[0].key.total, 2);
	assert_int_equal(s.rec[1].key.total, 3);
	reasm_free(r);
}

/* Octets after a string's NUL are not part of the key. */
static void
test_key_normalised(void **state)
{
	struct sink s;
	struct reasm *r = mk(&s, &big);
	struct reasm_key a = key(1, "abc", "d", 1, 0, 2), b = a;

	(void)state;
	memcpy(b.source, "abc\0garbage", 12);
	memcpy(b.dest, "d\0zz", 5);
	TXT(ADDED, r, a, 1, "n", 0);
	TXT(DELIVERED, r, b, 2, "n", 0);
	expect_key(&s.rec[0].key, &a);
	reasm_free(r);
}

static void
test_invalid(void **state)
{
	struct sink s;
	struct reasm *r = mk(&s, &big);
	struct reasm_key k = key(1, "a", "b", 1, 0, 3), bad = k;
	struct reasm_part p = { k, 1, 0, NULL, 5, { 0 } };

	(void)state;
	TXT(INVALID, r, k, 0, "i", 0);
	TXT(INVALID, r, k, 4, "i", 0);
	TXT(INVALID, r, key(1, "a", "b", 1, 0, 0), 1, "i", 0);
	TXT(INVALID, r, key(1, "a", "b", 1, 0, 0), 0, "i", 0);
	assert_int_equal(reasm_add(r, &p, 0), REASM_INVALID); /* NULL data */
	memset(bad.source, '7', sizeof bad.source);	/* no NUL */
	TXT(INVALID, r, bad, 1, "i", 0);
	bad = k, memset(bad.dest, '7', sizeof bad.dest);
	TXT(INVALID, r, bad, 1, "i", 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(reasm_pending(r), 0);
	assert_int_equal(reasm_bytes(r), 0);
	/* An empty part is valid: zero octets, no pointer needed. */
	p.len = 0;
	assert_int_equal(reasm_add(r, &p, 0), REASM_ADDED);
	reasm_free(r);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.rec[0].len, 0);
}

/* --- bounds ------------------------------------------------------------ */

static void
test_total_one(void **state)
{
	struct sink s;
	struct reasm *r = mk(&s, &big);
	struct reasm_key k = key(1, "a", "b", 1, 0, 1);

	(void)state;
	TXT(DELIVERED, r, k, 1, "one", 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.rec[0].why, REASM_COMPLETE);
	assert_false(s.rec[0].incomplete);
	expect_data(&s.rec[0], "one:1;");
	assert_int_equal(reasm_pending(r), 0);
	/* Nothing is remembered, so a repeat is a new message. */
	TXT(DELIVERED, r, k, 1, "one", 0);
	assert_int_equal(s.n, 2);
	reasm_free(r);
}

static void
test_too_many_parts(void **state)
{
	struct reasm_limits lim = big;
	struct sink s;
	struct reasm *r;
	struct reasm_key k = key(1, "a", "b", 1, 0, 5);

	(void)state;
	lim.max_parts = 4;
	r = mk(&s, &lim);
	TXT(DELIVERED, r, k, 3, "z", 0);
	TXT(DELIVERED, r, k, 3, "z", 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.rec[0].why, REASM_TOO_MANY_PARTS);
	assert_true(s.rec[0].incomplete);
	assert_int_equal(s.rec[0].npieces, 1);
	assert_int_equal(s.rec[0].piece[0].seq, 3);
	expect_data(&s.rec[0], "z:3;");
	assert_int_equal(reasm_pending(r), 0);
	assert_int_equal(reasm_bytes(r), 0);
	/* At the bound is fine. */
	TXT(ADDED, r, key(1, "a", "b", 1, 0, 4), 3, "z", 0);
	reasm_free(r);
}

static void
test_per_source_bound(void **state)
{
	struct reasm_limits lim = big;
	struct sink s;
	struct reasm *r;

	(void)state;
	lim.max_pending_per_source = 2;
	r = mk(&s, &lim);
	TXT(ADDED, r, key(1, "a", "d", 1, 0, 2), 1, "1", 0);
	TXT(ADDED, r, key(1, "b", "d", 1, 0, 2), 1, "o", 0);
	TXT(ADDED, r, key(1, "a", "d", 2, 0, 2), 1, "2", 1);
	/* Same number on another link is another source. */
	TXT(ADDED, r, key(2, "a", "d", 3, 0, 2), 1, "l", 1);
	assert_int_equal(s.n, 0);
	TXT(ADDED, r, key(1, "a", "d", 3, 0, 2), 1, "3", 2);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.rec[0].why, REASM_EVICTED);
	assert_true(s.rec[0].incomplete);
	assert_int_equal(s.rec[0].key.ref, 1);
	expect_data(&s.rec[0], "1:1;");
	assert_int_equal(reasm_pending(r), 4);
	/* A part of a pending message never evicts anything. */
	TXT(DELIVERED, r, key(1, "a", "d", 2, 0, 2), 2, "2", 3);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.rec[1].why, REASM_COMPLETE);
	reasm_free(r);
	assert_int_equal(s.n, 5);
}

/* Limits of 0 act as 1: nothing is refused for want of a bound. */
static void
test_zero_limits(void **state)
{
	struct reasm_limits lim = { 0, 0, 1u << 20, 0 };
	struct sink s;
	struct reasm *r = mk(&s, &lim);

	(void)state;
	TXT(DELIVERED, r, key(1, "a", "b", 1, 0, 1), 1, "z", 0);
	assert_int_equal(s.rec[0].why, REASM_COMPLETE);
	TXT(DELIVERED, r, key(1, "a", "b", 1, 0, 2), 1, "z", 0);
	assert_int_equal(s.rec[1].why, REASM_TOO_MANY_PARTS);
	reasm_free(r);
}

/* What a second part of no octets adds to a message (measured). */
static size_t
part_overhead(void)
{
	struct sink s;
	struct reasm *r = mk(&s, &big);
	size_t b1;

	LEN(ADDED, r, key(1, "a", "b", 1, 0, 3), 1, 0, 0);
	b1 = reasm_bytes(r);
	LEN(ADDED, r, key(1, "a", "b", 1, 0, 3), 2, 0, 0);
	b1 = reasm_bytes(r) - b1;
	reasm_free(r);
	return b1;
}

/* What one message with one part of len octets costs (measured). */
static size_t
cost_of(uint8_t total, size_t len)
{
	struct sink s;
	struct reasm *r = mk(&s, &big);
	size_t c;

	LEN(ADDED, r, key(1, "a", "b", 1, 0, total), 1, len, 0);
	c = reasm_bytes(r);
	reasm_free(r);
	return c;
}

static void
test_memory_bound(void **state)
{
	size_t c0 = cost_of(3, 0), c = cost_of(3, 100), po = part_overhead();
	struct reasm_limits lim = big;
	struct sink s;
	struct reasm *r;

	(void)state;
	assert_int_equal(c, c0 + 100);
	assert_true(po > 0 && po < c0);
	lim.max_bytes = 3 * c;
	r = mk(&s, &lim);
	LEN(ADDED, r, key(1, "s1", "d", 1, 0, 3), 1, 100, 0);
	LEN(ADDED, r, key(1, "s2", "d", 1, 0, 3), 1, 100, 1);
	LEN(ADDED, r, key(1, "s3", "d", 1, 0, 3), 1, 100, 2);
	assert_int_equal(reasm_bytes(r), lim.max_bytes);
	assert_int_equal(s.n, 0);
	/* A fourth message: the oldest goes out, the new one is stored. */
	LEN(ADDED, r, key(1, "s4", "d", 1, 0, 3), 1, 100, 3);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.rec[0].why, REASM_EVICTED);
	assert_true(s.rec[0].incomplete);
	assert_string_equal(s.rec[0].key.source, "s1");
	assert_int_equal(s.rec[0].len, 100);
	assert_int_equal(s.rec[0].pending_seen, 2);
	assert_int_equal(reasm_pending(r), 3);
	assert_int_equal(reasm_bytes(r), lim.max_bytes);
	/* A part of the oldest (s2): the next oldest (s3) makes room. */
	LEN(ADDED, r, key(1, "s2", "d", 1, 0, 3), 2, 10, 4);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.rec[1].key.source, "s3");
	assert_true(reasm_bytes(r) <= lim.max_bytes);
	assert_int_equal(reasm_bytes(r), 2 * c + po + 10);
	reasm_free(r);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.rec[2].why, REASM_FLUSHED);
	assert_string_equal(s.rec[2].key.source, "s2");
	assert_int_equal(s.rec[2].npieces, 2);
}

static void
test_part_bigger_than_max_bytes(void **state)
{
	struct reasm_limits lim = big;
	struct sink s;
	struct reasm *r;
	struct reasm_key k = key(1, "a", "b", 1, 0, 3);

	(void)state;
	lim.max_bytes = 1000;
	r = mk(&s, &lim);
	LEN(ADDED, r, key(1, "o", "b", 1, 0, 3), 1, 10, 0);
	/* Alone: one piece, incomplete, and nothing else is evicted. */
	LEN(DELIVERED, r, k, 2, 2000, 1);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.rec[0].why, REASM_EVICTED);
	assert_true(s.rec[0].incomplete);
	assert_int_equal(s.rec[0].npieces, 1);
	assert_int_equal(s.rec[0].piece[0].seq, 2);
	assert_int_equal(s.rec[0].len, 2000);
	assert_int_equal(reasm_pending(r), 1);
	/* With a sibling pending: both go out together, in order. */
	LEN(ADDED, r, k, 3, 10, 2);
	LEN(DELIVERED, r, k, 1, 2000, 3);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.rec[1].npieces, 2);
	assert_int_equal(s.rec[1].piece[0].seq, 1);
	assert_int_equal(s.rec[1].piece[1].seq, 3);
	check_pieces(&s.rec[1]);
	assert_int_equal(reasm_pending(r), 1);
	/* A last part completes its message whatever its size. */
	LEN(ADDED, r, k, 1, 10, 4);
	LEN(ADDED, r, k, 2, 10, 4);
	LEN(DELIVERED, r, k, 3, 3000, 4);
	assert_int_equal(s.rec[2].why, REASM_COMPLETE);
	assert_int_equal(s.rec[2].len, 3020);
	assert_int_equal(reasm_pending(r), 1);
	reasm_free(r);
	assert_int_equal(s.n, 4);
}

/* --- time -------------------------------------------------------------- */

static void
test_deadlines(void **state)
{
	struct sink s;
	struct reasm *r = mk(&s, &big);
	struct reasm_key a = key(1, "a", "b", 1, 0, 3), b = a, c = a, d = a;

	(void)state;
	b.ref = 2, c.ref = 3, d.ref = 4;
	assert_int_equal(reasm_next_due(r), UINT64_MAX);
	TXT(ADDED, r, a, 1, "a", 5000);
	assert_int_equal(reasm_next_due(r), 6000);
	TXT(ADDED, r, b, 1, "b", 5500);
	/* From the first part: a later part does not move the deadline. */
	TXT(ADDED, r, a, 2, "a", 5900);
	assert_int_equal(reasm_next_due(r), 6000);
	reasm_expire(r, 5999);
	assert_int_equal(s.n, 0);
	reasm_expire(r, 6000);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.rec[0].why, REASM_TIMEOUT);
	expect_data(&s.rec[0], "a:1;a:2;");
	assert_int_equal(reasm_next_due(r), 6500);
	/* reasm_add never expires: a late part still joins. */
	TXT(ADDED, r, b, 2, "b", 6600);
	assert_int_equal(s.n, 1);
	reasm_expire(r, 6600);
	assert_int_equal(s.n, 2);
	expect_data(&s.rec[1], "b:1;b:2;");
	assert_int_equal(reasm_next_due(r), UINT64_MAX);
	/* A clock that steps back is read as the latest time seen. */
	TXT(ADDED, r, c, 1, "c", 7000);
	TXT(ADDED, r, d, 1, "d", 10);
	assert_int_equal(reasm_next_due(r), 8000);
	reasm_expire(r, 7999);
	assert_int_equal(s.n, 2);
	reasm_expire(r, 8000);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.rec[2].key.ref, 3);
	assert_int_equal(s.rec[3].key.ref, 4);
	/* A deadline past the end of time saturates. */
	TXT(ADDED, r, a, 1, "a", UINT64_MAX - 10);
	assert_int_equal(reasm_next_due(r), UINT64_MAX);
	reasm_expire(r, UINT64_MAX);
	assert_int_equal(s.n, 5);
	reasm_free(r);
	assert_int_equal(s.n, 5);
}

/* Flush, then free, deliver each pending message exactly once. */
static void
test_flush_and_free(void **state)
{
	struct sink s;
	struct reasm *r = mk(&s, &big);
	unsigned i;

	(void)state;
	for (i = 0; i < 5; i++)
		TXT(ADDED, r, key(1, "a", "b", (uint16_t)i, 0, 2), 2, "f", i);
	reasm_flush(r);
	assert_int_equal(s.n, 5);
	for (i = 0; i < 5; i++) {
		assert_int_equal(s.rec[i].why, REASM_FLUSHED);
		assert_int_equal(s.rec[i].key.ref, i);	/* oldest first */
		assert_true(s.rec[i].incomplete);
	}
	assert_int_equal(reasm_pending(r), 0);
	assert_int_equal(reasm_bytes(r), 0);
	reasm_flush(r);
	assert_int_equal(s.n, 5);
	for (i = 0; i < 3; i++)
		TXT(ADDED, r, key(1, "a", "b", (uint16_t)i, 1, 2), 1, "g", i);
	reasm_free(r);
	assert_int_equal(s.n, 8);
	for (i = 5; i < 8; i++)
		assert_int_equal(s.rec[i].why, REASM_FLUSHED);
	reasm_free(NULL);
}

static void
reenter(void *arg, const struct reasm_msg *m)
{
	struct reasm **rp = arg;
	struct reasm_part p = { m->key, 1, 0, NULL, 0, { 0 } };

	p.key.ref++;
	reasm_add(*rp, &p, 0);
}

/* Re-entry from the callback is a bug the module refuses (abort). */
static void
test_reentry_aborts(void **state)
{
	pid_t pid;
	int st;

	(void)state;
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct reasm *r;

		if (freopen("/dev/null", "w", stderr) == NULL)
			_exit(2);
		r = reasm_new(&big, reenter, &r);
		add_txt(r, key(1, "a", "b", 1, 0, 1), 1, "r", 0);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
}

/* --- many messages ----------------------------------------------------- */

#define NMSG 10000u
#define NSRC 1000u

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Message i: its key and the octets of its part seq. */
static struct reasm_key
mkey(unsigned i)
{
	char src[21];

	snprintf(src, sizeof src, "2237%07u", i % NSRC);
	return key(i % 3, src, "36123", (uint16_t)(i / NSRC), i % 2,
	    (uint8_t)(1 + i % 5));
}

static size_t
mpart(unsigned i, unsigned seq, uint8_t *out)
{
	size_t len = (i * 7u + seq * 13u) % 140u, j;

	for (j = 0; j < len; j++)
		out[j] = (uint8_t)(i * 31u + seq * 7u + j);
	return len;
}

struct many {
	unsigned delivered, complete;
	size_t octets;
	uint8_t *seen;			/* [NMSG][6] pieces delivered */
};

static void
many_cb(void *arg, const struct reasm_msg *m)
{
	struct many *y = arg;
	unsigned i = (unsigned)m->key.ref * NSRC +
	    (unsigned)strtoul(m->key.source + 4, NULL, 10), j;
	uint8_t want[256];
	struct reasm_key k;

	assert_true(i < NMSG);
	k = mkey(i);
	expect_key(&m->key, &k);
	for (j = 0; j < m->npieces; j++) {
		const struct reasm_piece *pc = &m->piece[j];

		assert_int_equal(mpart(i, pc->seq, want), pc->len);
		assert_memory_equal(m->data + pc->off, want, pc->len);
		assert_int_equal(y->seen[i * 6 + pc->seq], 0);
		y->seen[i * 6 + pc->seq] = 1;
	}
	y->delivered++;
	y->complete += m->why == REASM_COMPLETE;
	y->octets += m->len;
}

static void
run_many(const struct reasm_limits *lim, int tight)
{
	uint32_t *order = calloc(NMSG * 5, sizeof *order), n = 0, i, t;
	struct many y = { 0, 0, 0, calloc(NMSG * 6, 1) };
	struct reasm *r = reasm_new(lim, many_cb, &y);
	size_t in = 0;
	uint8_t buf[256];

	assert_non_null(order);
	assert_non_null(y.seen);
	for (i = 0; i < NMSG; i++)
		for (t = 1; t <= 1 + i % 5; t++)
			order[n++] = i << 8 | t;
	for (i = n - 1; i > 0; i--) {
		uint32_t j = (uint32_t)(rnd() % (i + 1));

		t = order[i], order[i] = order[j], order[j] = t;
	}
	for (i = 0; i < n; i++) {
		unsigned m = order[i] >> 8, seq = order[i] & 0xff;
		struct reasm_part p = { mkey(m), (uint8_t)seq, 0, buf, 0,
		    { 0 } };
		enum reasm_result res;

		p.len = mpart(m, seq, buf);
		res = reasm_add(r, &p, i);
		assert_true(res == REASM_ADDED || res == REASM_DELIVERED);
		in += p.len;
		assert_true(reasm_bytes(r) <= lim->max_bytes);
		if (tight && i % 1000 == 0)
			reasm_expire(r, i);
	}
	if (!tight) {
		assert_int_equal(y.delivered, NMSG);
		assert_int_equal(y.complete, NMSG);
	} else {
		/* The bounds did bite: some messages went out in pieces. */
		assert_true(y.complete < NMSG && y.delivered > NMSG);
	}
	reasm_flush(r);
	assert_int_equal(reasm_pending(r), 0);
	assert_int_equal(reasm_bytes(r), 0);
	assert_int_equal(reasm_next_due(r), UINT64_MAX);
	assert_int_equal(y.octets, in);
	for (i = 0; i < NMSG; i++)
		for (t = 1; t <= 1 + i % 5; t++)
			assert_int_equal(y.seen[i * 6 + t], 1);
	reasm_free(r);
	free(order);
	free(y.seen);
}

static void
test_many_interleaved(void **state)
{
	struct reasm_limits roomy = { 8, 16, 64u << 20, 1u << 30 };
	struct reasm_limits tight = { 8, 2, 64u << 10, 5000 };

	(void)state;
	run_many(&roomy, 0);
	run_many(&tight, 1);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_missing_part_timeout),
		cmocka_unit_test(test_keys_apart),
		cmocka_unit_test(test_total_in_key),
		cmocka_unit_test(test_key_normalised),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_total_one),
		cmocka_unit_test(test_too_many_parts),
		cmocka_unit_test(test_per_source_bound),
		cmocka_unit_test(test_zero_limits),
		cmocka_unit_test(test_memory_bound),
		cmocka_unit_test(test_part_bigger_than_max_bytes),
		cmocka_unit_test(test_deadlines),
		cmocka_unit_test(test_flush_and_free),
		cmocka_unit_test(test_reentry_aborts),
		cmocka_unit_test(test_many_interleaved),
	};

	/* prove reads TAP; an explicit CMOCKA_MESSAGE_OUTPUT still wins. */
	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("reasm", tests, NULL, NULL) != 0;
}
