/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The private half of geo.h: struct geo and the name-index helpers that
 * geo.c (loading, lookups) and geo_text.c (the free-text matcher) share.
 * Private to routing/geo*.c.
 */
#ifndef NV_GEO_INT_H
#define NV_GEO_INT_H

#include <stddef.h>

#include "base/limits.h"
#include "base/yamldoc.h"
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

/* A named road axis (geo_axis.c). */
struct axis {
	char *id, *name;
	int regions[NV_GEO_AXIS_REGIONS_MAX];	/* region place indices */
	const char *rids[NV_GEO_AXIS_REGIONS_MAX];	/* their ids (geo_axis) */
	unsigned nregions;
	int towns[NV_GEO_AXIS_TOWNS_MAX];	/* place indices */
	unsigned ntowns;
};

/* A folded axis name and its axis; sorted by fold. */
struct akey {
	char *fold;
	size_t len;
	int axis;
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
	struct axis *ax;		/* road axes, file order */
	unsigned nax;
	struct akey *ak;
	size_t nak;
};

/* Loading state shared by geo.c and geo_axis.c: the document and the
 * file name for messages. */
struct geo_ld {
	const struct ydoc *d;
	const char *path;
	char **cause;
	size_t kcap;
};

/* Sets *cause to "file:line: what 's'" and returns -1. */
int geo_fail_at(struct geo_ld *l, ynode n, const char *what, const char *s);

/* Whether s is an id: short ASCII a-z 0-9 . - _. */
int geo_id_ok(const char *s);

/* Loads and checks the optional `axes:` list, after the places and
 * their name index (axis towns are names of places); frees them. */
int geo_axes_load(struct geo_ld *l, struct geo *g, ynode root);
void geo_axes_free(struct geo *g);

/*
 * The axis named by the folded words s[0..len): its index, or -1.
 * geo_axis_town: the index of place among axis a's towns, or -1.
 */
int geo_axis_key(const struct geo *g, const char *s, size_t len);
int geo_axis_town(const struct geo *g, unsigned a, int place);

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
