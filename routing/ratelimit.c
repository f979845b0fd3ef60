/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ratelimit.h"

#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/xmalloc.h"
#include "crypto.h"

#define RL_NIL UINT32_MAX
#define RL_HOUR 3600
#define RL_DAY 86400

/* Twice the slots, a power of two: chains stay short, masking is cheap. */
#define RL_BUCKETS (2u * NV_RL_TRACKED_MAX)
_Static_assert((RL_BUCKETS & (RL_BUCKETS - 1)) == 0, "power of two");
_Static_assert(NV_RL_TRACKED_MAX < RL_NIL, "indices fit in 32 bits");
_Static_assert(NV_RL_LIMIT_MAX <= UINT16_MAX, "ring indices fit");

/* One tracked pseudonym. */
struct slot {
	uint8_t pn[16];
	uint32_t hnext;		/* next in its hash chain */
	uint32_t prev, next;	/* LRU list, head = most recently seen */
	int64_t flood_hour;	/* the clock hour flood_count counts */
	uint32_t flood_count;
	uint16_t ring_head;	/* where the next report time goes */
	uint16_t ring_fill;	/* report times held, <= ring */
};

/* One region's reports in one clock hour. */
struct region {
	char name[NV_RL_REGION_LEN];
	int64_t hour;
	uint32_t count;
};

struct rl {
	struct rl_cfg cfg;
	unsigned ring;		/* report times kept per pseudonym */
	struct slot *slots;	/* NV_RL_TRACKED_MAX */
	int64_t *times;		/* ring per slot: its last report times */
	uint32_t *buckets;	/* RL_BUCKETS chain heads */
	uint32_t head, tail;	/* LRU ends */
	uint32_t used;		/* slots handed out so far */
	/* The regions seen, and past NV_RL_REGIONS_MAX one for the rest. */
	struct region regions[NV_RL_REGIONS_MAX + 1];
	unsigned nregions;
};

struct rl *
rl_new(const struct rl_cfg *c)
{
	struct rl *r;

	if (c->per_hour > NV_RL_LIMIT_MAX || c->per_day > NV_RL_LIMIT_MAX)
		return NULL;
	r = xcalloc(1, sizeof *r);
	r->cfg = *c;
	r->ring = c->per_hour > c->per_day ? c->per_hour : c->per_day;
	r->slots = xcalloc(NV_RL_TRACKED_MAX, sizeof *r->slots);
	if (r->ring > 0)
		r->times = xcalloc((size_t)NV_RL_TRACKED_MAX * r->ring,
		    sizeof *r->times);
	r->buckets = xmalloc(RL_BUCKETS * sizeof *r->buckets);
	memset(r->buckets, 0xff, RL_BUCKETS * sizeof *r->buckets);
	r->head = r->tail = RL_NIL;
	return r;
}

void
rl_free(struct rl *r)
{
	if (r == NULL)
		return;
	/* Pseudonyms and their times say who was active when. */
	cry_wipe(r->slots, NV_RL_TRACKED_MAX * sizeof *r->slots);
	if (r->times != NULL)
		cry_wipe(r->times, (size_t)NV_RL_TRACKED_MAX * r->ring *
		    sizeof *r->times);
	cry_wipe(r->regions, sizeof r->regions);
	free(r->slots);
	free(r->times);
	free(r->buckets);
	free(r);
}

size_t
rl_tracked(const struct rl *r)
{
	return r->used;
}

/* A pseudonym is a keyed hash: its first octets are already uniform. */
static uint32_t
bucket_of(const uint8_t pn[16])
{
	uint32_t h = (uint32_t)pn[0] | (uint32_t)pn[1] << 8 |
	    (uint32_t)pn[2] << 16 | (uint32_t)pn[3] << 24;

	return h & (RL_BUCKETS - 1);
}

static void
lru_unlink(struct rl *r, uint32_t i)
{
	struct slot *s = &r->slots[i];

	if (s->prev != RL_NIL)
		r->slots[s->prev].next = s->next;
	else
		r->head = s->next;
	if (s->next != RL_NIL)
		r->slots[s->next].prev = s->prev;
	else
		r->tail = s->prev;
}

static void
lru_push_head(struct rl *r, uint32_t i)
{
	struct slot *s = &r->slots[i];

	s->prev = RL_NIL;
	s->next = r->head;
	if (r->head != RL_NIL)
		r->slots[r->head].prev = i;
	r->head = i;
	if (r->tail == RL_NIL)
		r->tail = i;
}

static void
chain_remove(struct rl *r, uint32_t i)
{
	uint32_t *pp = &r->buckets[bucket_of(r->slots[i].pn)];

	while (*pp != RL_NIL && *pp != i)
		pp = &r->slots[*pp].hnext;
	if (*pp == i)
		*pp = r->slots[i].hnext;
}

/* The slot of pn, made (evicting the least recently seen) if needed. */
static struct slot *
lookup(struct rl *r, const uint8_t pn[16], uint32_t *idx)
{
	uint32_t b = bucket_of(pn), i;
	struct slot *s;

	for (i = r->buckets[b]; i != RL_NIL; i = r->slots[i].hnext) {
		if (memcmp(r->slots[i].pn, pn, 16) == 0) {
			lru_unlink(r, i);
			lru_push_head(r, i);
			*idx = i;
			return &r->slots[i];
		}
	}
	if (r->used < NV_RL_TRACKED_MAX) {
		i = r->used++;
	} else {
		i = r->tail;
		lru_unlink(r, i);
		chain_remove(r, i);
	}
	s = &r->slots[i];
	memset(s, 0, sizeof *s);
	memcpy(s->pn, pn, 16);
	s->flood_hour = INT64_MIN;
	s->hnext = r->buckets[b];
	r->buckets[b] = i;
	lru_push_head(r, i);
	*idx = i;
	return s;
}

static int64_t
hour_of(int64_t t)
{
	return t >= 0 ? t / RL_HOUR : -((-t + RL_HOUR - 1) / RL_HOUR);
}

/*
 * Counts one event in the fixed window of now's clock hour; 1 when this
 * event is the one that takes the count above thr (0: off), so that
 * the alert fires once per window.
 */
static int
count_hour(int64_t *hour, uint32_t *count, unsigned thr, int64_t now)
{
	int64_t h = hour_of(now);

	if (*hour != h) {
		*hour = h;
		*count = 0;
	}
	if (*count < UINT32_MAX)
		(*count)++;
	return thr > 0 && *count == (uint32_t)thr + 1;
}

static unsigned
flood_pseudo(struct rl *r, struct slot *s, int64_t now)
{
	return count_hour(&s->flood_hour, &s->flood_count,
	    r->cfg.flood_pseudo_per_hour, now) ? RL_ALERT_PSEUDO : 0;
}

/* The k-th most recent report time before this one (k >= 1). */
static int64_t
kth_recent(const struct rl *r, const struct slot *s, const int64_t *t,
    unsigned k)
{
	return t[(s->ring_head + r->ring - k) % r->ring];
}

static struct region *
region_of(struct rl *r, const char *name)
{
	char key[NV_RL_REGION_LEN];
	struct region *g;

	/* Cut as stored, so that a long name matches itself. */
	strncpy(key, name, sizeof key - 1);
	key[sizeof key - 1] = '\0';
	for (unsigned i = 0; i < r->nregions; i++)
		if (strcmp(r->regions[i].name, key) == 0)
			return &r->regions[i];
	if (r->nregions == NV_RL_REGIONS_MAX)
		return &r->regions[NV_RL_REGIONS_MAX];
	g = &r->regions[r->nregions++];
	memcpy(g->name, key, sizeof key);
	g->hour = INT64_MIN;
	return g;
}

enum rl_verdict
rl_report(struct rl *r, const uint8_t pn[16], const char *region,
    int64_t now, unsigned *alerts)
{
	enum rl_verdict v = RL_OK;
	unsigned a = 0;
	uint32_t i;
	struct slot *s = lookup(r, pn, &i);

	if (r->ring > 0) {
		int64_t *t = r->times + (size_t)i * r->ring;
		unsigned ph = r->cfg.per_hour, pd = r->cfg.per_day;

		if (ph > 0 && s->ring_fill >= ph &&
		    kth_recent(r, s, t, ph) > now - RL_HOUR)
			v = RL_OVER_HOUR;
		if (pd > 0 && s->ring_fill >= pd &&
		    kth_recent(r, s, t, pd) > now - RL_DAY)
			v = RL_OVER_DAY;
		t[s->ring_head] = now;
		s->ring_head = (uint16_t)((s->ring_head + 1) % r->ring);
		if (s->ring_fill < r->ring)
			s->ring_fill++;
	}
	a |= flood_pseudo(r, s, now);
	if (region != NULL) {
		struct region *g = region_of(r, region);

		if (count_hour(&g->hour, &g->count,
		    r->cfg.flood_region_per_hour, now))
			a |= RL_ALERT_REGION;
	}
	if (alerts != NULL)
		*alerts = a;
	return v;
}

unsigned
rl_message(struct rl *r, const uint8_t pn[16], int64_t now)
{
	uint32_t i;

	return flood_pseudo(r, lookup(r, pn, &i), now);
}
