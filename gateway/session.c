/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "session.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/xmalloc.h"
#include "routing/crypto.h"

/*
 * Layout. One slab of max slots, allocated once (calloc: the kernel
 * hands out zero pages as they are first touched, so RSS follows the
 * sessions actually open). Slots are linked by 32-bit indices, not
 * pointers: half the octets, and a slot is 200-odd octets in all.
 *
 * Guard timers. All sessions of one guard duration expire in the order
 * they were last armed (the clock is monotonic), so a FIFO list per
 * duration is ordered by deadline for free: arming is an append,
 * re-arming an unlink and an append, the next expiry is the head. One
 * libevent timer per list, armed at the head's deadline. Compared with
 * one struct event per session (about 130 octets each, and an O(log n)
 * heap insert on every step), this costs 12 octets per session and
 * O(1) per step, and lets the expiry callback cap its own work. The
 * price: at most NV_SESS_GUARDS_MAX distinct durations at once, plenty
 * for a guard that comes from a carrier profile.
 *
 * The timer is not moved when its head leaves early (ended or touched):
 * it then fires early, finds nothing due, and re-arms for the new head.
 * That is one spare wake-up per guard period at most, against an
 * evtimer_add on every step.
 */

#define SESS_NIL UINT32_MAX

_Static_assert(NV_SESS_MAX < SESS_NIL / 4, "indices and buckets fit");
_Static_assert(NV_SESS_GUARDS_MAX <= UINT8_MAX, "guard index fits");
_Static_assert(SESS_PSEUDO_LEN == 16, "pseudonyms are 16 octets");

enum slot_use {
	SLOT_FREE,
	SLOT_LIVE,
	SLOT_ENDING,		/* out of the table, its callback running */
};

struct sess {
	struct sess_key key;
	uint8_t use;		/* enum slot_use */
	uint8_t guard;		/* index of its guard list */
	uint8_t pn[SESS_PSEUDO_LEN];
	struct sess_state st;
	struct mt_addr reply;
	uint32_t hnext;		/* hash chain; free list when free */
	uint32_t gprev, gnext;	/* its guard list */
	uint32_t serial;
	uint64_t deadline;	/* clock_ms() */
	struct sess_table *t;	/* sess_touch() takes only the session */
};

/* The sessions of one guard duration, oldest deadline first. */
struct guard {
	uint32_t ms;		/* 0: unused */
	uint32_t head, tail;
	uint32_t n;
	struct event *ev;
	struct sess_table *t;
};

struct sess_table {
	struct event_base *base;
	struct logger *log;
	sess_expire_fn on_expire;
	void *arg;
	unsigned max;
	struct sess *slots;
	uint32_t *buckets;
	uint32_t mask;		/* buckets - 1 */
	uint32_t used;		/* slots ever handed out (high-water mark) */
	uint32_t free;		/* free list of slots below used */
	uint32_t count;
	uint32_t serial;
	uint64_t seed;		/* hash key: a carrier cannot aim at a chain */
	struct guard guards[NV_SESS_GUARDS_MAX];
	struct sess_stats stats;
};

static void guard_fire(evutil_socket_t fd, short what, void *arg);

int
sess_key_make(struct sess_key *out, uint16_t link,
    const struct ussd_profile *p, const struct smpp_tlvs *t,
    const uint8_t pseudonym[SESS_PSEUDO_LEN])
{
	memset(out, 0, sizeof *out);
	out->link = link;
	switch (p->key) {
	case PROF_KEY_ITS_SESSION_INFO:
	case PROF_KEY_ITS_SESSION_ID16:
		if (!(t->have & SMPP_HAVE_ITS_SESSION_INFO))
			return -1;
		/* Octet 2 of the first kind changes every step (profile.h). */
		out->k[0] = t->its_session_info[0];
		out->len = 1;
		if (p->key == PROF_KEY_ITS_SESSION_ID16) {
			out->k[1] = (uint8_t)(t->its_session_info[1] & 0xfe);
			out->len = 2;
		}
		break;
	case PROF_KEY_USER_MESSAGE_REFERENCE:
		if (!(t->have & SMPP_HAVE_USER_MESSAGE_REFERENCE))
			return -1;
		out->k[0] = (uint8_t)(t->user_message_reference >> 8);
		out->k[1] = (uint8_t)t->user_message_reference;
		out->len = 2;
		break;
	case PROF_KEY_SOURCE_ADDR:
		if (pseudonym == NULL)
			return -1;
		memcpy(out->k, pseudonym, SESS_PSEUDO_LEN);
		out->len = SESS_PSEUDO_LEN;
		return 0;
	default:
		return -1;
	}
	/*
	 * A dialogue id is the gateway's per subscriber, not per link: two
	 * subscribers may hold the same one (an its_session_info session
	 * number is one octet). vumi keys 6D sessions by number + id; the
	 * pseudonym stands for the number here.
	 */
	if (pseudonym != NULL) {
		memcpy(out->k + out->len, pseudonym, SESS_PSEUDO_LEN);
		out->len += SESS_PSEUDO_LEN;
	}
	return 0;
}

static int
key_valid(const struct sess_key *k)
{
	return k->len >= 1 && k->len <= NV_SESS_KEY_MAX;
}

static int
key_equal(const struct sess_key *a, const struct sess_key *b)
{
	return a->link == b->link && a->len == b->len &&
	    memcmp(a->k, b->k, a->len) == 0;
}

/* FNV-1a from a random seed, then a 64-bit finaliser (MurmurHash3). */
static uint32_t
bucket_of(const struct sess_table *t, const struct sess_key *k)
{
	uint64_t h = t->seed ^ ((uint64_t)k->link << 8 | k->len);

	for (unsigned i = 0; i < k->len; i++)
		h = (h ^ k->k[i]) * 0x100000001b3ull;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return (uint32_t)h & t->mask;
}

struct sess_table *
sess_new(struct event_base *base, struct logger *log, unsigned max,
    sess_expire_fn on_expire, void *arg)
{
	struct sess_table *t;
	uint32_t nb = 1;

	if (max == 0 || max > NV_SESS_MAX || cry_init() != 0)
		return NULL;
	/* At least twice the slots, a power of two: short chains, a mask. */
	while (nb < 2u * max)
		nb <<= 1;
	t = xcalloc(1, sizeof *t);
	t->base = base;
	t->log = log;
	t->on_expire = on_expire;
	t->arg = arg;
	t->max = max;
	t->slots = xcalloc(max, sizeof *t->slots);
	t->buckets = xmalloc((size_t)nb * sizeof *t->buckets);
	memset(t->buckets, 0xff, (size_t)nb * sizeof *t->buckets);
	t->mask = nb - 1;
	t->free = SESS_NIL;
	cry_random(&t->seed, sizeof t->seed);
	for (unsigned g = 0; g < NV_SESS_GUARDS_MAX; g++) {
		t->guards[g].head = t->guards[g].tail = SESS_NIL;
		t->guards[g].t = t;
		t->guards[g].ev = evtimer_new(base, guard_fire, &t->guards[g]);
		if (t->guards[g].ev == NULL)
			abort();	/* out of memory, as xmalloc */
	}
	return t;
}

/* Everything the slot held: key, pseudonym, state, reply address. */
static void
slot_wipe(struct sess *s)
{
	explicit_bzero(s, sizeof *s);
}

static void end_slot(struct sess_table *t, uint32_t i, enum sess_reason why,
    int cb);

void
sess_free(struct sess_table *t)
{
	if (t == NULL)
		return;
	for (uint32_t i = 0; i < t->used; i++)
		if (t->slots[i].use == SLOT_LIVE)
			end_slot(t, i, SESS_SHUTDOWN, 1);
	for (unsigned g = 0; g < NV_SESS_GUARDS_MAX; g++)
		event_free(t->guards[g].ev);
	free(t->slots);
	free(t->buckets);
	explicit_bzero(t, sizeof *t);
	free(t);
}

static void
guard_arm(struct guard *g, uint64_t now)
{
	uint64_t due = g->t->slots[g->head].deadline;
	uint64_t ms = due > now ? due - now : 0;
	struct timeval tv = {
		.tv_sec = (time_t)(ms / 1000),
		.tv_usec = (suseconds_t)(ms % 1000 * 1000),
	};

	evtimer_add(g->ev, &tv);
}

static void
guard_unlink(struct sess_table *t, uint32_t i)
{
	struct sess *s = &t->slots[i];
	struct guard *g = &t->guards[s->guard];

	if (s->gprev != SESS_NIL)
		t->slots[s->gprev].gnext = s->gnext;
	else
		g->head = s->gnext;
	if (s->gnext != SESS_NIL)
		t->slots[s->gnext].gprev = s->gprev;
	else
		g->tail = s->gprev;
	s->gprev = s->gnext = SESS_NIL;
	g->n--;
}

static void
guard_append(struct sess_table *t, uint32_t i, unsigned gi, uint64_t now)
{
	struct sess *s = &t->slots[i];
	struct guard *g = &t->guards[gi];

	s->guard = (uint8_t)gi;
	s->deadline = now + g->ms;
	s->gnext = SESS_NIL;
	s->gprev = g->tail;
	if (g->tail != SESS_NIL)
		t->slots[g->tail].gnext = i;
	else
		g->head = i;
	g->tail = i;
	g->n++;
	/* A later deadline than the head's never moves the timer. */
	if (g->head == i)
		guard_arm(g, now);
}

/* The list for duration ms: its own, or an unused or empty one; -1. */
static int
guard_for(struct sess_table *t, uint32_t ms)
{
	int spare = -1;

	for (unsigned g = 0; g < NV_SESS_GUARDS_MAX; g++) {
		if (t->guards[g].ms == ms)
			return (int)g;
		if (spare < 0 && t->guards[g].n == 0)
			spare = (int)g;
	}
	if (spare >= 0) {
		/* An empty list may still have its timer: harmless. */
		t->guards[spare].ms = ms;
		t->guards[spare].head = t->guards[spare].tail = SESS_NIL;
	}
	return spare;
}

static void
chain_remove(struct sess_table *t, uint32_t i)
{
	uint32_t *pp = &t->buckets[bucket_of(t, &t->slots[i].key)];

	while (*pp != SESS_NIL && *pp != i)
		pp = &t->slots[*pp].hnext;
	if (*pp == i)
		*pp = t->slots[i].hnext;
}

/*
 * Takes slot i out of the table, lets the engine see it if cb (an
 * ending it did not ask for), then wipes it and frees the slot.
 */
static void
end_slot(struct sess_table *t, uint32_t i, enum sess_reason why, int cb)
{
	struct sess *s = &t->slots[i];

	chain_remove(t, i);
	guard_unlink(t, i);
	s->use = SLOT_ENDING;
	t->count--;
	switch (why) {
	case SESS_DONE: t->stats.done++; break;
	case SESS_ABORT: t->stats.aborted++; break;
	case SESS_TIMEOUT: t->stats.timeouts++; break;
	case SESS_REPLACED: t->stats.replaced++; break;
	case SESS_SHUTDOWN: break;
	}
	if (cb && t->on_expire != NULL)
		t->on_expire(t->arg, s, why);
	slot_wipe(s);
	s->hnext = t->free;
	t->free = i;
}

static void
guard_fire(evutil_socket_t fd, short what, void *arg)
{
	struct guard *g = arg;
	struct sess_table *t = g->t;
	uint64_t now = clock_ms();
	unsigned done = 0;
	static const struct timeval now_tv = { 0, 0 };

	(void)fd;
	(void)what;
	while (g->head != SESS_NIL && t->slots[g->head].deadline <= now) {
		if (done == NV_SESS_EXPIRE_PER_CB) {
			/* The rest after the loop has run once: a zero timer. */
			t->stats.expiry_yields++;
			evtimer_add(g->ev, &now_tv);
			return;
		}
		end_slot(t, g->head, SESS_TIMEOUT, 1);
		done++;
	}
	if (g->head != SESS_NIL)
		guard_arm(g, now);
}

struct sess *
sess_find(struct sess_table *t, const struct sess_key *key)
{
	if (!key_valid(key))
		return NULL;
	for (uint32_t i = t->buckets[bucket_of(t, key)]; i != SESS_NIL;
	    i = t->slots[i].hnext)
		if (key_equal(&t->slots[i].key, key))
			return &t->slots[i];
	return NULL;
}

static int
guard_valid(uint32_t ms)
{
	return ms >= 1 && ms <= NV_SESS_GUARD_MAX_MS;
}

struct sess *
sess_begin(struct sess_table *t, const struct sess_key *key,
    const uint8_t pseudonym[SESS_PSEUDO_LEN], const struct mt_addr *reply,
    uint32_t guard_ms)
{
	struct sess *s, *old;
	uint32_t i, b;
	int gi;

	if (!key_valid(key) || !guard_valid(guard_ms))
		return NULL;
	old = sess_find(t, key);
	if (old != NULL)
		end_slot(t, (uint32_t)(old - t->slots), SESS_REPLACED, 1);
	/* After the callback, which may have begun sessions of its own. */
	if (t->count >= t->max) {
		t->stats.full++;
		/* Once, then at each power of two: a flood is not a log flood. */
		if (t->log != NULL && (t->stats.full & (t->stats.full - 1)) == 0)
			log_msg(t->log, LOG_WARN, NULL, "sess_full",
			    "max=%u refused=%llu", t->max, t->stats.full);
		return NULL;
	}
	gi = guard_for(t, guard_ms);
	if (gi < 0) {
		if (t->log != NULL)
			log_msg(t->log, LOG_WARN, NULL, "sess_guard_lists_full",
			    "guard_ms=%u", (unsigned)guard_ms);
		return NULL;
	}
	if (t->free != SESS_NIL) {
		i = t->free;
		t->free = t->slots[i].hnext;
	} else {
		i = t->used++;
	}
	s = &t->slots[i];
	memset(s, 0, sizeof *s);
	s->t = t;
	s->use = SLOT_LIVE;
	s->key.link = key->link;
	s->key.len = key->len;
	memcpy(s->key.k, key->k, key->len);
	if (pseudonym != NULL)
		memcpy(s->pn, pseudonym, SESS_PSEUDO_LEN);
	s->reply = *reply;
	s->serial = ++t->serial;
	b = bucket_of(t, &s->key);
	s->hnext = t->buckets[b];
	t->buckets[b] = i;
	guard_append(t, i, (unsigned)gi, clock_ms());
	t->count++;
	t->stats.begun++;
	return s;
}

int
sess_touch(struct sess *s, uint32_t guard_ms)
{
	struct sess_table *t = s->t;
	uint32_t i;
	int gi;

	if (s->use != SLOT_LIVE || !guard_valid(guard_ms))
		return -1;
	i = (uint32_t)(s - t->slots);
	if (t->guards[s->guard].ms == guard_ms) {
		gi = s->guard;
	} else {
		gi = guard_for(t, guard_ms);
		if (gi < 0)
			return -1;
	}
	guard_unlink(t, i);
	guard_append(t, i, (unsigned)gi, clock_ms());
	return 0;
}

void
sess_end(struct sess_table *t, struct sess *s, enum sess_reason why)
{
	if (s == NULL || s->use != SLOT_LIVE)
		return;
	end_slot(t, (uint32_t)(s - t->slots), why, 0);
}

struct sess_state *
sess_state(struct sess *s)
{
	return &s->st;
}

const struct mt_addr *
sess_reply(const struct sess *s)
{
	return &s->reply;
}

const uint8_t *
sess_pseudonym(const struct sess *s)
{
	return s->pn;
}

const struct sess_key *
sess_key(const struct sess *s)
{
	return &s->key;
}

uint32_t
sess_serial(const struct sess *s)
{
	return s->serial;
}

size_t
sess_count(const struct sess_table *t)
{
	return t->count;
}

const struct sess_stats *
sess_stats(const struct sess_table *t)
{
	return &t->stats;
}

size_t
sess_octets(const struct sess_table *t)
{
	return sizeof *t + (size_t)t->max * sizeof *t->slots +
	    ((size_t)t->mask + 1) * sizeof *t->buckets;
}

size_t
sess_slot_size(void)
{
	return sizeof(struct sess);
}

size_t
sess_scan(const struct sess_table *t, const void *needle, size_t len)
{
	const uint8_t *p = (const uint8_t *)t->slots;
	size_t n = (size_t)t->max * sizeof *t->slots, hits = 0;

	if (len == 0 || len > n)
		return 0;
	for (size_t off = 0; off + len <= n; off++) {
		const uint8_t *q = memchr(p + off, *(const uint8_t *)needle,
		    n - len + 1 - off);

		if (q == NULL)
			break;
		off = (size_t)(q - p);
		if (memcmp(q, needle, len) == 0)
			hits++;
	}
	return hits;
}
