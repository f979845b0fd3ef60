/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reassembly of concatenated MO messages (see reasm.h).
 *
 * Structures. Every pending message is in three places:
 *   - a chained hash table keyed by every field of struct reasm_key;
 *   - one list of all messages in order of first part (the age list):
 *     its head has the earliest deadline and is the first to evict;
 *   - its source's list (a source is key.link + key.source, found in a
 *     second hash table), also in order of first part, for the
 *     per-source bound.
 * A message holds one slot per sequence number (1..total), so a part is
 * placed, and a duplicate seen, in O(1). Adding a part costs O(1)
 * amortised plus the evictions it causes; delivering a message costs
 * O(total + its octets). Nothing is ever O(pending).
 *
 * Policies. The first copy of a part wins; a later one, even with other
 * octets, is a duplicate. A key is forgotten once its message is out,
 * so a copy arriving after that starts a new message (as in Kannel).
 * A part that completes its message is delivered whatever its size and
 * evicts nothing. A part that could not be held even if everything else
 * were evicted goes out at once together with whatever of its message
 * was pending (REASM_EVICTED), rather than leaving those to time out.
 * Otherwise a new message first makes room under its source's bound
 * (evicting that source's oldest), then under max_bytes (evicting the
 * oldest of all, never the message the part belongs to). Limits of 0
 * for max_parts and max_pending_per_source are read as 1. The callback
 * must not re-enter (checked, abort).
 *
 * Time. The age list stays sorted only if time does not go back, so a
 * first part is stamped with the latest time seen (a clock that steps
 * back cannot reorder messages or hide one from reasm_expire).
 *
 * Memory accounting (what reasm_bytes() counts against max_bytes):
 *   each pending message   REASM_MSG_COST + total * REASM_SLOT_COST
 *   each stored part       REASM_PART_COST + its octets
 * REASM_MSG_COST covers the message record, its source record (at worst
 * one per message) and its share of both hash tables' bucket arrays
 * (each at most four pointers per entry); REASM_PART_COST a part's
 * header and allocator rounding. The asserts below keep them honest.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/reasm.h"
#include "base/xmalloc.h"

#define REASM_MSG_COST 320u
#define REASM_SLOT_COST sizeof(void *)
#define REASM_PART_COST 32u

/* total is a uint8_t, so no message has more slots than this. */
#define REASM_TOTAL_MAX 255u

/* Smallest bucket array; tables grow at load 1 and shrink below 1/4. */
#define HTAB_MIN 16u

struct hnode {
	struct hnode *next;
	uint64_t h;
};

struct htab {
	struct hnode **b;
	size_t cap;			/* a power of two */
	size_t n;
};

/* One stored part: its octets follow the header. */
struct rpart {
	size_t len;
	uint8_t dcs;
	uint8_t data[];
};

/* A source: key.link + key.source. Exists while it has messages. */
struct rsrc {
	struct hnode hn;		/* first member: a node is its record */
	uint64_t link;
	char source[sizeof ((struct reasm_key *)0)->source];
	unsigned count;
	struct rmsg *head, *tail;	/* its messages, oldest first */
};

struct rmsg {
	struct hnode hn;		/* first member: a node is its record */
	struct reasm_key key;		/* zero-filled after each NUL */
	uint8_t meta[REASM_META];	/* the caller's, from the first part */
	struct rsrc *src;
	struct rmsg *age_prev, *age_next;
	struct rmsg *src_prev, *src_next;
	uint64_t deadline;
	size_t cost;			/* what it adds to reasm_bytes() */
	unsigned nparts;
	struct rpart *slot[];		/* total slots, slot[seq - 1] */
};

static_assert(sizeof(struct rmsg) + sizeof(struct rsrc) +
    8 * sizeof(void *) <= REASM_MSG_COST, "REASM_MSG_COST too small");
static_assert(sizeof(struct rpart) + 16 <= REASM_PART_COST,
    "REASM_PART_COST too small");

struct reasm {
	struct reasm_limits lim;
	reasm_deliver_fn fn;
	void *arg;
	struct htab msgs, srcs;
	struct rmsg *old, *young;	/* the age list */
	unsigned pending;
	size_t bytes;
	uint64_t last_ms;		/* latest time seen */
	uint64_t seed;
	int in_cb;			/* inside fn: re-entry is a bug */
};

/* --- hashing ---------------------------------------------------------- */

static uint64_t
mix64(uint64_t h)
{
	/* splitmix64's finaliser: every input bit reaches every output bit. */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

static uint64_t
hash_str(uint64_t h, const char *s)
{
	/* FNV-1a over the string, terminating NUL included. */
	do
		h = (h ^ (uint8_t)*s) * 0x100000001b3ULL;
	while (*s++ != '\0');
	return h;
}

static uint64_t
hash_src(const struct reasm *r, uint64_t link, const char *source)
{
	return mix64(hash_str(r->seed ^ mix64(link), source));
}

static uint64_t
hash_key(const struct reasm *r, const struct reasm_key *k)
{
	uint64_t h = hash_src(r, k->link, k->source);

	h = hash_str(h, k->dest);
	h ^= (uint64_t)k->ref << 16 | (uint64_t)k->ref16 << 8 | k->total;
	return mix64(h);
}

/* --- hash tables ------------------------------------------------------ */

static void
htab_init(struct htab *t)
{
	t->cap = HTAB_MIN;
	t->n = 0;
	t->b = xcalloc(t->cap, sizeof *t->b);
}

static void
htab_resize(struct htab *t, size_t cap)
{
	struct hnode **nb = xcalloc(cap, sizeof *nb);
	size_t i;

	for (i = 0; i < t->cap; i++) {
		struct hnode *n, *next;

		for (n = t->b[i]; n != NULL; n = next) {
			next = n->next;
			n->next = nb[n->h & (cap - 1)];
			nb[n->h & (cap - 1)] = n;
		}
	}
	free(t->b);
	t->b = nb;
	t->cap = cap;
}

static void
htab_add(struct htab *t, struct hnode *n)
{
	struct hnode **pp;

	if (t->n >= t->cap)
		htab_resize(t, t->cap * 2);
	pp = &t->b[n->h & (t->cap - 1)];
	n->next = *pp;
	*pp = n;
	t->n++;
}

static void
htab_del(struct htab *t, struct hnode *n)
{
	struct hnode **pp = &t->b[n->h & (t->cap - 1)];

	while (*pp != n)
		pp = &(*pp)->next;
	*pp = n->next;
	t->n--;
	if (t->cap > HTAB_MIN && t->n < t->cap / 4)
		htab_resize(t, t->cap / 2);
}

static struct hnode *
htab_chain(const struct htab *t, uint64_t h)
{
	return t->b[h & (t->cap - 1)];
}

static struct rmsg *
msg_find(const struct reasm *r, const struct reasm_key *k, uint64_t h)
{
	struct hnode *n;

	for (n = htab_chain(&r->msgs, h); n != NULL; n = n->next) {
		struct rmsg *m = (struct rmsg *)n;

		if (n->h == h && m->key.link == k->link &&
		    m->key.ref == k->ref && m->key.ref16 == k->ref16 &&
		    m->key.total == k->total &&
		    strcmp(m->key.source, k->source) == 0 &&
		    strcmp(m->key.dest, k->dest) == 0)
			return m;
	}
	return NULL;
}

static struct rsrc *
src_find(const struct reasm *r, uint64_t link, const char *source,
    uint64_t h)
{
	struct hnode *n;

	for (n = htab_chain(&r->srcs, h); n != NULL; n = n->next) {
		struct rsrc *s = (struct rsrc *)n;

		if (n->h == h && s->link == link &&
		    strcmp(s->source, source) == 0)
			return s;
	}
	return NULL;
}

/* --- message records -------------------------------------------------- */

/* Takes m out of every structure; the caller then delivers and frees it. */
static void
msg_unlink(struct reasm *r, struct rmsg *m)
{
	struct rsrc *s = m->src;

	htab_del(&r->msgs, &m->hn);
	if (m->age_prev != NULL)
		m->age_prev->age_next = m->age_next;
	else
		r->old = m->age_next;
	if (m->age_next != NULL)
		m->age_next->age_prev = m->age_prev;
	else
		r->young = m->age_prev;
	if (m->src_prev != NULL)
		m->src_prev->src_next = m->src_next;
	else
		s->head = m->src_next;
	if (m->src_next != NULL)
		m->src_next->src_prev = m->src_prev;
	else
		s->tail = m->src_prev;
	if (--s->count == 0) {
		htab_del(&r->srcs, &s->hn);
		free(s);
	}
	r->pending--;
	r->bytes -= m->cost;
}

/* Frees an unlinked message and the parts it owns. */
static void
msg_free(struct rmsg *m)
{
	unsigned i;

	for (i = 0; i < m->key.total; i++)
		free(m->slot[i]);
	free(m);
}

static size_t
msg_base_cost(unsigned total)
{
	return REASM_MSG_COST + (size_t)total * REASM_SLOT_COST;
}

/* A new, empty message for key k (hash h), youngest of all. */
static struct rmsg *
msg_new(struct reasm *r, const struct reasm_key *k, uint64_t h,
    const uint8_t meta[REASM_META])
{
	uint64_t sh = hash_src(r, k->link, k->source);
	struct rsrc *s = src_find(r, k->link, k->source, sh);
	struct rmsg *m;

	if (s == NULL) {
		s = xcalloc(1, sizeof *s);
		s->hn.h = sh;
		s->link = k->link;
		memcpy(s->source, k->source, sizeof s->source);
		htab_add(&r->srcs, &s->hn);
	}
	m = xcalloc(1, sizeof *m + (size_t)k->total * sizeof m->slot[0]);
	m->hn.h = h;
	m->key = *k;
	memcpy(m->meta, meta, REASM_META);
	m->src = s;
	m->cost = msg_base_cost(k->total);
	m->deadline = r->last_ms > UINT64_MAX - r->lim.timeout_ms ?
	    UINT64_MAX : r->last_ms + r->lim.timeout_ms;
	htab_add(&r->msgs, &m->hn);
	m->age_prev = r->young;
	if (r->young != NULL)
		r->young->age_next = m;
	else
		r->old = m;
	r->young = m;
	m->src_prev = s->tail;
	if (s->tail != NULL)
		s->tail->src_next = m;
	else
		s->head = m;
	s->tail = m;
	s->count++;
	r->pending++;
	r->bytes += m->cost;
	return m;
}

/* Stores a copy of p (its slot is empty) in m. */
static void
msg_store(struct reasm *r, struct rmsg *m, const struct reasm_part *p)
{
	struct rpart *c = xmalloc(sizeof *c + p->len);

	c->len = p->len;
	c->dcs = p->dcs;
	if (p->len > 0)
		memcpy(c->data, p->data, p->len);
	m->slot[p->seq - 1] = c;
	m->nparts++;
	m->cost += REASM_PART_COST + p->len;
	r->bytes += REASM_PART_COST + p->len;
}

/* --- delivery --------------------------------------------------------- */

/* What one delivery is made of: a pending message, a part, or both. */
struct dsrc {
	struct rmsg *m;			/* pending message, or NULL */
	const struct reasm_part *x;	/* a part not stored, or NULL */
};

static int
piece_at(const struct dsrc *d, unsigned seq, size_t *len, uint8_t *dcs,
    const uint8_t **data)
{
	const struct rpart *c = d->m != NULL ? d->m->slot[seq - 1] : NULL;

	if (c != NULL) {
		*len = c->len;
		*dcs = c->dcs;
		*data = c->data;
		return 1;
	}
	if (d->x != NULL && d->x->seq == seq) {
		*len = d->x->len;
		*dcs = d->x->dcs;
		*data = d->x->data;
		return 1;
	}
	return 0;
}

/*
 * Delivers d as one message under key k: joins the pieces in sequence
 * order, takes the pending message (if any) out of every structure so
 * that the callback sees the state without it, calls back, then frees
 * the message. The part d.x stays the caller's.
 */
static void
deliver(struct reasm *r, const struct reasm_key *k, struct dsrc d,
    enum reasm_why why)
{
	struct reasm_piece pc[REASM_TOTAL_MAX];
	struct reasm_msg msg;
	const uint8_t *src;
	uint8_t *buf, dcs;
	size_t len, sum = 0;
	unsigned seq, n = 0;

	for (seq = 1; seq <= k->total; seq++) {
		if (!piece_at(&d, seq, &len, &dcs, &src))
			continue;
		if (len > SIZE_MAX - sum)
			abort();	/* cannot be: it is all in memory */
		pc[n++] = (struct reasm_piece){ seq, dcs, sum, len };
		sum += len;
	}
	buf = xmalloc(sum > 0 ? sum : 1);
	for (seq = 1, n = 0; seq <= k->total; seq++) {
		if (!piece_at(&d, seq, &len, &dcs, &src))
			continue;
		if (len > 0)
			memcpy(buf + pc[n].off, src, len);
		n++;
	}
	if (d.m != NULL)
		msg_unlink(r, d.m);
	msg = (struct reasm_msg){
		.key = *k, .why = why, .incomplete = n != k->total,
		.parts = n, .data = buf, .len = sum, .piece = pc,
		.npieces = n,
	};
	memcpy(msg.meta, d.m != NULL ? d.m->meta : d.x->meta, REASM_META);
	r->in_cb = 1;
	r->fn(r->arg, &msg);
	r->in_cb = 0;
	free(buf);
	if (d.m != NULL)
		msg_free(d.m);
}

static void
deliver_msg(struct reasm *r, struct rmsg *m, enum reasm_why why)
{
	struct reasm_key k = m->key;

	deliver(r, &k, (struct dsrc){ m, NULL }, why);
}

/* Calling back into the module from its callback would corrupt it. */
static void
no_reentry(const struct reasm *r, const char *fn)
{
	if (r->in_cb) {
		fprintf(stderr, "level=fatal event=reasm_reentry fn=%s\n", fn);
		abort();
	}
}

/* --- public functions ------------------------------------------------- */

struct reasm *
reasm_new(const struct reasm_limits *lim, reasm_deliver_fn fn, void *arg)
{
	struct reasm *r = xcalloc(1, sizeof *r);

	r->lim = *lim;
	/* 0 would make every part, or every message, go out alone. */
	if (r->lim.max_parts == 0)
		r->lim.max_parts = 1;
	if (r->lim.max_pending_per_source == 0)
		r->lim.max_pending_per_source = 1;
	r->fn = fn;
	r->arg = arg;
	/* Bucket choice depends on where r lives (ASLR), not only on what
	 * a peer sends; the bounds cap the worst chain anyway. */
	r->seed = mix64((uint64_t)(uintptr_t)r ^ 0x6e756d76657274ULL);
	htab_init(&r->msgs);
	htab_init(&r->srcs);
	return r;
}

void
reasm_free(struct reasm *r)
{
	if (r == NULL)
		return;
	no_reentry(r, "reasm_free");
	reasm_flush(r);
	free(r->msgs.b);
	free(r->srcs.b);
	free(r);
}

/*
 * Copies p's key into k with both strings zero-filled after their NUL,
 * so that a delivered key is clean. Returns -1 when a string has no NUL
 * in its array (a caller's bug: there is no terminated copy to give).
 */
static int
key_copy(struct reasm_key *k, const struct reasm_key *in)
{
	size_t ls = strnlen(in->source, sizeof in->source);
	size_t ld = strnlen(in->dest, sizeof in->dest);

	if (ls == sizeof in->source || ld == sizeof in->dest)
		return -1;
	memset(k, 0, sizeof *k);
	k->link = in->link;
	memcpy(k->source, in->source, ls);
	memcpy(k->dest, in->dest, ld);
	k->ref = in->ref;
	k->ref16 = in->ref16;
	k->total = in->total;
	return 0;
}

/* Evicts the oldest messages (never keep) until cost more octets fit. */
static void
make_room(struct reasm *r, const struct rmsg *keep, size_t cost)
{
	while (r->bytes > r->lim.max_bytes - cost) {
		struct rmsg *v = r->old;

		if (v == keep)
			v = v->age_next;
		if (v == NULL)
			abort();	/* the caller checked that it fits */
		deliver_msg(r, v, REASM_EVICTED);
	}
}

/* Evicts the source's oldest messages until one more fits. */
static void
source_room(struct reasm *r, const struct reasm_key *k)
{
	uint64_t sh = hash_src(r, k->link, k->source);
	struct rsrc *s;

	while ((s = src_find(r, k->link, k->source, sh)) != NULL &&
	    s->count >= r->lim.max_pending_per_source)
		deliver_msg(r, s->head, REASM_EVICTED);
}

enum reasm_result
reasm_add(struct reasm *r, const struct reasm_part *p, uint64_t now_ms)
{
	struct reasm_key k;
	struct rmsg *m;
	size_t cost, held;
	uint64_t h;

	no_reentry(r, "reasm_add");
	if (key_copy(&k, &p->key) < 0 || k.total == 0 || p->seq == 0 ||
	    p->seq > k.total || (p->len > 0 && p->data == NULL))
		return REASM_INVALID;
	if (now_ms > r->last_ms)
		r->last_ms = now_ms;
	if (k.total > r->lim.max_parts) {
		deliver(r, &k, (struct dsrc){ NULL, p }, REASM_TOO_MANY_PARTS);
		return REASM_DELIVERED;
	}
	h = hash_key(r, &k);
	m = msg_find(r, &k, h);
	if (m != NULL && m->slot[p->seq - 1] != NULL)
		return REASM_DUPLICATE;	/* the first copy wins */
	if (k.total == 1 || (m != NULL && m->nparts + 1u == k.total)) {
		/* Complete: it leaves at once, nothing to make room for. */
		deliver(r, &k, (struct dsrc){ m, p }, REASM_COMPLETE);
		return REASM_DELIVERED;
	}
	held = m != NULL ? m->cost : msg_base_cost(k.total);
	if (p->len > SIZE_MAX - REASM_PART_COST - held ||
	    held + REASM_PART_COST + p->len > r->lim.max_bytes) {
		/* Could not be held even alone: out now, with its siblings. */
		deliver(r, &k, (struct dsrc){ m, p }, REASM_EVICTED);
		return REASM_DELIVERED;
	}
	cost = REASM_PART_COST + p->len;
	if (m == NULL) {
		cost += msg_base_cost(k.total);
		source_room(r, &k);
	}
	make_room(r, m, cost);
	if (m == NULL)
		m = msg_new(r, &k, h, p->meta);
	msg_store(r, m, p);
	return REASM_ADDED;
}

void
reasm_expire(struct reasm *r, uint64_t now_ms)
{
	no_reentry(r, "reasm_expire");
	if (now_ms > r->last_ms)
		r->last_ms = now_ms;
	while (r->old != NULL && r->old->deadline <= now_ms)
		deliver_msg(r, r->old, REASM_TIMEOUT);
}

uint64_t
reasm_next_due(const struct reasm *r)
{
	return r->old != NULL ? r->old->deadline : UINT64_MAX;
}

void
reasm_flush(struct reasm *r)
{
	no_reentry(r, "reasm_flush");
	while (r->old != NULL)
		deliver_msg(r, r->old, REASM_FLUSHED);
}

unsigned
reasm_pending(const struct reasm *r)
{
	return r->pending;
}

size_t
reasm_bytes(const struct reasm *r)
{
	return r->bytes;
}
