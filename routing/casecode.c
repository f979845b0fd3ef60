/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "casecode.h"

#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/xmalloc.h"
#include "crypto.h"

_Static_assert(CC_HASH_LEN == CRY_HASH_LEN, "case_hash is a cry_hash");
_Static_assert(CC_KEY_LEN == CRY_KEY_LEN, "keys of the key store");
_Static_assert(CC_LEN == CC_RANDOM_DIGITS + 1, "one check digit");

#define CC_CONTEXT "numvert-case-code"

/* 10^8, the number of codes; and the largest multiple of it that fits
 * in 32 bits (42 x 10^8): draws at or above it are redrawn, so that
 * every code is equally likely (v % 10^8 alone would favour codes below
 * 2^32 mod 10^8 = 94,967,296 by 43 to 42). */
#define CC_SPACE 100000000u
#define CC_DRAW_LIMIT (42u * CC_SPACE)
_Static_assert(CC_DRAW_LIMIT <= UINT32_MAX &&
    (uint64_t)CC_DRAW_LIMIT + CC_SPACE > UINT32_MAX, "largest multiple");

/*
 * Verhoeff's check digit: J. Verhoeff, "Error Detecting Decimal Codes",
 * Mathematical Centre Tract 29, Amsterdam, 1969 (tables as commonly
 * given, e.g. https://en.wikipedia.org/wiki/Verhoeff_algorithm). d is
 * the multiplication of the dihedral group D5, p the powers of the
 * permutation (1 5 8 9 4 2 7 0)(3 6), inv the inverses in D5. Unlike
 * Luhn (which misses 09 <-> 90) or a weighted sum mod 10, it detects
 * every single-digit error and every adjacent transposition.
 */
static const uint8_t vh_d[10][10] = {
	{ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 },
	{ 1, 2, 3, 4, 0, 6, 7, 8, 9, 5 },
	{ 2, 3, 4, 0, 1, 7, 8, 9, 5, 6 },
	{ 3, 4, 0, 1, 2, 8, 9, 5, 6, 7 },
	{ 4, 0, 1, 2, 3, 9, 5, 6, 7, 8 },
	{ 5, 9, 8, 7, 6, 0, 4, 3, 2, 1 },
	{ 6, 5, 9, 8, 7, 1, 0, 4, 3, 2 },
	{ 7, 6, 5, 9, 8, 2, 1, 0, 4, 3 },
	{ 8, 7, 6, 5, 9, 3, 2, 1, 0, 4 },
	{ 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 },
};

static const uint8_t vh_p[8][10] = {
	{ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 },
	{ 1, 5, 7, 6, 2, 8, 3, 0, 9, 4 },
	{ 5, 8, 0, 3, 7, 9, 6, 1, 4, 2 },
	{ 8, 9, 1, 6, 0, 4, 3, 5, 2, 7 },
	{ 9, 4, 5, 3, 1, 2, 6, 8, 7, 0 },
	{ 4, 2, 8, 6, 5, 7, 3, 9, 0, 1 },
	{ 2, 7, 9, 3, 8, 0, 6, 4, 1, 5 },
	{ 7, 0, 4, 6, 9, 1, 3, 2, 5, 8 },
};

static const uint8_t vh_inv[10] = { 0, 4, 3, 2, 1, 5, 6, 7, 8, 9 };

/*
 * The running Verhoeff value of n digits read from the right, the
 * rightmost at position first (1 when a check digit will follow it, 0
 * when it is the check digit); -1 on a non-digit.
 */
static int
vh_sum(const char *s, size_t n, unsigned first)
{
	unsigned c = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[n - 1 - i];

		if (ch < '0' || ch > '9')
			return -1;
		c = vh_d[c][vh_p[(i + first) % 8][ch - '0']];
	}
	return (int)c;
}

int
cc_check_digit(const char *digits, size_t n)
{
	int c = vh_sum(digits, n, 1);

	return c < 0 ? -1 : '0' + vh_inv[c];
}

/* 1 when code is CC_LEN digits, NUL-terminated, with its check digit. */
static int
code_valid(const char *code)
{
	return strnlen(code, CC_LEN + 1) == CC_LEN &&
	    vh_sum(code, CC_LEN, 0) == 0;
}

void
cc_new(char out[CC_LEN + 1])
{
	uint32_t v;

	do
		cry_random(&v, sizeof v);
	while (v >= CC_DRAW_LIMIT);
	v %= CC_SPACE;
	for (int i = CC_RANDOM_DIGITS - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
	out[CC_RANDOM_DIGITS] = (char)cc_check_digit(out, CC_RANDOM_DIGITS);
	out[CC_LEN] = '\0';
	/* The draw is the code: leave no copy on the stack. */
	cry_wipe(&v, sizeof v);
}

/*
 * Octets of a separator at s (space, tab, CR, LF, '-', '.', or UTF-8
 * U+00A0, U+202F, U+2009, as phones and French number formats insert),
 * or 0.
 */
static size_t
separator_len(const unsigned char *s)
{
	if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' ||
	    *s == '-' || *s == '.')
		return 1;
	if (s[0] == 0xc2 && s[1] == 0xa0)
		return 2;
	if (s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0xaf || s[2] == 0x89))
		return 3;
	return 0;
}

/*
 * The digit at s in *d and its length in octets: ASCII, Arabic-Indic
 * (U+0660..U+0669) or Extended Arabic-Indic (U+06F0..U+06F9); or 0.
 */
static size_t
digit_len(const unsigned char *s, unsigned *d)
{
	if (*s >= '0' && *s <= '9') {
		*d = *s - '0';
		return 1;
	}
	if (s[0] == 0xd9 && s[1] >= 0xa0 && s[1] <= 0xa9) {
		*d = s[1] - 0xa0u;
		return 2;
	}
	if (s[0] == 0xdb && s[1] >= 0xb0 && s[1] <= 0xb9) {
		*d = s[1] - 0xb0u;
		return 2;
	}
	return 0;
}

static int
is_mark(unsigned char c)
{
	return c == '*' || c == '#';
}

/*
 * Reads a code at the start of s as cc_parse describes it: up to and
 * including one trailing mark and the white space after it. Returns the
 * number of digits read (at most CC_LEN; CC_LEN + 1 for "too many") and
 * where the reading stopped in *end.
 */
static size_t
scan(const unsigned char *s, char buf[CC_LEN + 1],
    const unsigned char **end)
{
	size_t n = 0, k;
	unsigned d;

	while ((k = separator_len(s)) > 0)
		s += k;
	if (is_mark(*s))
		s++;
	for (;;) {
		if ((k = separator_len(s)) > 0) {
			s += k;
		} else if ((k = digit_len(s, &d)) > 0) {
			if (n == CC_LEN)
				return CC_LEN + 1;	/* too many digits */
			buf[n++] = (char)('0' + d);
			s += k;
		} else {
			break;
		}
	}
	/* One trailing mark, then white space. */
	if (is_mark(*s)) {
		s++;
		while ((k = separator_len(s)) > 0)
			s += k;
	}
	*end = s;
	return n;
}

/* The scanned digits as a code: CC_OK (in out) or CC_BAD_CHECK. */
static enum cc_result
checked(char buf[CC_LEN + 1], char out[CC_LEN + 1])
{
	buf[CC_LEN] = '\0';
	if (!code_valid(buf))
		return CC_BAD_CHECK;
	memcpy(out, buf, CC_LEN + 1);
	return CC_OK;
}

enum cc_result
cc_parse(const char *in, char out[CC_LEN + 1])
{
	const unsigned char *end;
	char buf[CC_LEN + 1];
	enum cc_result r = CC_NOT_A_CODE;

	out[0] = '\0';
	if (strnlen(in, NV_CC_INPUT_MAX + 1) > NV_CC_INPUT_MAX)
		return CC_NOT_A_CODE;
	if (scan((const unsigned char *)in, buf, &end) == CC_LEN &&
	    *end == '\0')
		r = checked(buf, out);
	cry_wipe(buf, sizeof buf);
	return r;
}

enum cc_result
cc_parse_lead(const char *in, char out[CC_LEN + 1], const char **rest)
{
	const unsigned char *end;
	char buf[CC_LEN + 1];
	enum cc_result r = CC_NOT_A_CODE;

	out[0] = '\0';
	*rest = in;
	if (scan((const unsigned char *)in, buf, &end) == CC_LEN &&
	    (size_t)((const char *)end - in) <= NV_CC_INPUT_MAX) {
		r = checked(buf, out);
		*rest = (const char *)end;
	}
	cry_wipe(buf, sizeof buf);
	return r;
}

int
cc_hash(const uint8_t key[CC_KEY_LEN], const char code[CC_LEN + 1],
    uint8_t out[CC_HASH_LEN])
{
	struct cry_hash h;

	if (!code_valid(code)) {
		memset(out, 0, CC_HASH_LEN);
		return -1;
	}
	cry_hash_init(&h, key, CC_CONTEXT);
	cry_hash_field(&h, code, CC_LEN);
	cry_hash_final(&h, out);	/* wipes the state */
	return 0;
}

/* --- the daily lockout ------------------------------------------- */

#define CC_NIL UINT32_MAX
#define CC_DAY 86400

/* Twice the slots, a power of two: chains stay short, masking is cheap. */
#define CC_BUCKETS (2u * NV_CC_TRACKED_MAX)
_Static_assert((CC_BUCKETS & (CC_BUCKETS - 1)) == 0, "power of two");
_Static_assert(NV_CC_TRACKED_MAX < CC_NIL, "indices fit in 32 bits");
_Static_assert(NV_CC_WRONG_MAX <= UINT8_MAX, "counts fit in a slot");

/* One tracked pseudonym. */
struct slot {
	uint8_t pn[16];
	uint32_t hnext;		/* next in its hash chain */
	uint32_t prev, next;	/* LRU list, head = most recently seen */
	int64_t day;		/* the UTC day wrong counts */
	uint8_t wrong;		/* wrong codes that day, <= max */
};

struct cc_guard {
	unsigned max;
	struct slot *slots;	/* NV_CC_TRACKED_MAX */
	uint32_t *buckets;	/* CC_BUCKETS chain heads */
	uint32_t head, tail;	/* LRU ends */
	uint32_t used;		/* slots handed out so far */
};

struct cc_guard *
cc_guard_new(unsigned max_wrong_per_day)
{
	struct cc_guard *g;

	/* 0 would lock nobody out or everybody, depending on reading:
	 * neither is a configuration anyone means. */
	if (max_wrong_per_day == 0 || max_wrong_per_day > NV_CC_WRONG_MAX)
		return NULL;
	g = xcalloc(1, sizeof *g);
	g->max = max_wrong_per_day;
	g->slots = xcalloc(NV_CC_TRACKED_MAX, sizeof *g->slots);
	g->buckets = xmalloc(CC_BUCKETS * sizeof *g->buckets);
	memset(g->buckets, 0xff, CC_BUCKETS * sizeof *g->buckets);
	g->head = g->tail = CC_NIL;
	return g;
}

void
cc_guard_free(struct cc_guard *g)
{
	if (g == NULL)
		return;
	/* Pseudonyms and their days say who was looking up a case when. */
	cry_wipe(g->slots, NV_CC_TRACKED_MAX * sizeof *g->slots);
	free(g->slots);
	free(g->buckets);
	free(g);
}

size_t
cc_guard_tracked(const struct cc_guard *g)
{
	return g->used;
}

/* The UTC calendar day of now (Mali's civil day: see the header). */
static int64_t
day_of(int64_t t)
{
	return t >= 0 ? t / CC_DAY : -((-t + CC_DAY - 1) / CC_DAY);
}

/* A pseudonym is a keyed hash: its first octets are already uniform. */
static uint32_t
bucket_of(const uint8_t pn[16])
{
	uint32_t h = (uint32_t)pn[0] | (uint32_t)pn[1] << 8 |
	    (uint32_t)pn[2] << 16 | (uint32_t)pn[3] << 24;

	return h & (CC_BUCKETS - 1);
}

static void
lru_unlink(struct cc_guard *g, uint32_t i)
{
	struct slot *s = &g->slots[i];

	if (s->prev != CC_NIL)
		g->slots[s->prev].next = s->next;
	else
		g->head = s->next;
	if (s->next != CC_NIL)
		g->slots[s->next].prev = s->prev;
	else
		g->tail = s->prev;
}

static void
lru_push_head(struct cc_guard *g, uint32_t i)
{
	struct slot *s = &g->slots[i];

	s->prev = CC_NIL;
	s->next = g->head;
	if (g->head != CC_NIL)
		g->slots[g->head].prev = i;
	g->head = i;
	if (g->tail == CC_NIL)
		g->tail = i;
}

static void
chain_remove(struct cc_guard *g, uint32_t i)
{
	uint32_t *pp = &g->buckets[bucket_of(g->slots[i].pn)];

	while (*pp != CC_NIL && *pp != i)
		pp = &g->slots[*pp].hnext;
	if (*pp == i)
		*pp = g->slots[i].hnext;
}

/* The slot of pn, marked most recently seen, or NULL if not tracked. */
static struct slot *
find(struct cc_guard *g, const uint8_t pn[16])
{
	for (uint32_t i = g->buckets[bucket_of(pn)]; i != CC_NIL;
	    i = g->slots[i].hnext) {
		if (memcmp(g->slots[i].pn, pn, 16) == 0) {
			lru_unlink(g, i);
			lru_push_head(g, i);
			return &g->slots[i];
		}
	}
	return NULL;
}

/* The slot of pn, made (evicting the least recently seen) if needed. */
static struct slot *
find_or_add(struct cc_guard *g, const uint8_t pn[16], int64_t day)
{
	struct slot *s = find(g, pn);
	uint32_t i, b = bucket_of(pn);

	if (s != NULL)
		return s;
	if (g->used < NV_CC_TRACKED_MAX) {
		i = g->used++;
	} else {
		i = g->tail;
		lru_unlink(g, i);
		chain_remove(g, i);
	}
	s = &g->slots[i];
	cry_wipe(s, sizeof *s);
	memcpy(s->pn, pn, 16);
	s->day = day;
	s->hnext = g->buckets[b];
	g->buckets[b] = i;
	lru_push_head(g, i);
	return s;
}

/*
 * A count from an earlier day is void. A later stored day means the
 * clock went back: the count stands (unlocking on a clock step would
 * hand out a fresh day of guesses).
 */
static void
roll(struct slot *s, int64_t day)
{
	if (day > s->day) {
		s->day = day;
		s->wrong = 0;
	}
}

int
cc_guard_locked(struct cc_guard *g, const uint8_t pn[16], int64_t now)
{
	struct slot *s = find(g, pn);

	if (s == NULL)
		return 0;
	roll(s, day_of(now));
	return s->wrong >= g->max;
}

int
cc_guard_wrong(struct cc_guard *g, const uint8_t pn[16], int64_t now)
{
	int64_t day = day_of(now);
	struct slot *s = find_or_add(g, pn, day);

	roll(s, day);
	if (s->wrong < g->max)
		s->wrong++;
	return s->wrong >= g->max;
}

void
cc_guard_ok(struct cc_guard *g, const uint8_t pn[16])
{
	(void)find(g, pn);
}
