/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The private half of geo.h: struct geo and the name-index helpers that
 * geo.c (loading, lookups) and geo_text.c (the free-text matcher) share.
 * Private to routing/geo*.c.
 */
#ifndef NV_GEO_INT_H
#define NV_GEO_INT_H

#include <stddef.h>

#include "geo.h"

#define NLANGS 5	/* fr bm ff ses taq: the hotline's languages (DESIGN §4) */

struct place {
	char *id, *name, *zone;	/* zone: regions only */
	char *names[NLANGS];
	double lat, lon;	/* capital of a region; NAN when not given */
	int level;
	int region;		/* index of its region (itself for a region) */
	int cercle;		/* index of its cercle, or -1 */
	unsigned line;
};

/* A folded name and the place it names; sorted by fold, then place. */
struct key {
	char *fold;
	size_t len;
	int place;
	unsigned line;
};

struct geo {
	char *name, *status;
	struct place *p;
	unsigned np;
	unsigned first[4], count[4];	/* per level: places are grouped */
	int *by_id;			/* place indices sorted by id */
	struct key *k;
	size_t nk;
	/* Folded lists of the file (see geo_match_text). */
	char **ambiguous, **qualified, **qualifiers, **connectors;
	size_t nambiguous, nqualified, nqualifiers, nconnectors;
};

/* Whether s[0..len) is one of the n folded words of list. */
int geo_in_list(char *const *list, size_t n, const char *s, size_t len);

/* The index entries [*lo, *hi) of one folded name; 0 if there are none. */
int geo_key_range(const struct geo *g, const char *s, size_t len, size_t *lo,
    size_t *hi);

/*
 * The place a name stands for: the most specific level at which it
 * names exactly one place (a level where it names several, declared
 * ambiguous, is skipped), or -1.
 */
int geo_resolve(const struct geo *g, size_t lo, size_t hi);

#endif
