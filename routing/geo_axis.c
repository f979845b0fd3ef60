/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Named road axes where IEDs are laid (DESIGN §4, seed 002:3598-3610):
 * the `axes:` list of a geography file, checked against its places, and
 * the lookups geo.h and the text matcher (geo_text.c) use. Kept apart
 * from geo.c, which loads the places, to keep both files short.
 */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/xmalloc.h"
#include "fold.h"
#include "geo.h"
#include "geo_int.h"

/* Keys an axis entry may have: a misspelt key is refused, not ignored. */
static int
axis_keys_known(struct geo_ld *l, ynode map)
{
	static const char *const known[] = { "id", "name", "aliases",
	    "towns", "regions", "source", "note", "status" };

	for (size_t i = 0; i < ydoc_count(l->d, map); i++) {
		ynode k = ydoc_key(l->d, map, i);
		const char *s = ydoc_scalar(l->d, k, NULL);
		size_t j;

		for (j = 0; s != NULL && j < ARRAY_SIZE(known); j++)
			if (strcmp(s, known[j]) == 0)
				break;
		if (s == NULL || j == ARRAY_SIZE(known))
			return geo_fail_at(l, k, "unknown key", s);
	}
	return 0;
}

/* Folds a name into buf: 0, or -1 (message set) when it is not one. */
static int
fold_name(struct geo_ld *l, ynode n, char buf[NV_GEO_NAME_MAX + 1])
{
	size_t len;
	const char *s = ydoc_scalar(l->d, n, &len);
	unsigned words = 1;

	if (s == NULL || len == 0 || len > NV_GEO_NAME_MAX ||
	    fold_text(s, len, buf, NV_GEO_NAME_MAX + 1) == 0)
		return geo_fail_at(l, n, "expected a name of at most "
		    "NV_GEO_NAME_MAX octets:", s);
	for (const char *c = buf; *c != '\0'; c++)
		words += *c == ' ';
	if (words > NV_GEO_WORDS_MAX)
		return geo_fail_at(l, n, "name has more than NV_GEO_WORDS_MAX "
		    "words:", s);
	return 0;
}

/* The place a name stands for, as geo_find resolves it, or -1. */
static int
place_of(const struct geo *g, const char *fold)
{
	size_t lo, hi;

	if (!geo_key_range(g, fold, strlen(fold), &lo, &hi))
		return -1;
	return geo_resolve(g, lo, hi);
}

/*
 * One name or alias of axis ai. It must not be a place's name: "Gao"
 * alone would then make every report from Gao an axis report.
 */
static int
add_axis_key(struct geo_ld *l, struct geo *g, ynode n, int ai, size_t *cap)
{
	char buf[NV_GEO_NAME_MAX + 1];
	size_t lo, hi;
	struct akey *k;

	if (fold_name(l, n, buf) != 0)
		return -1;
	if (geo_key_range(g, buf, strlen(buf), &lo, &hi))
		return geo_fail_at(l, n, "an axis name must not be a place's "
		    "name:", ydoc_scalar(l->d, n, NULL));
	if (g->nak == *cap) {
		*cap = *cap ? 2 * *cap : 32;
		g->ak = xreallocarray(g->ak, *cap, sizeof *g->ak);
	}
	k = &g->ak[g->nak++];
	k->fold = xstrdup(buf);
	k->len = strlen(buf);
	k->axis = ai;
	k->line = ydoc_line(l->d, n);
	return 0;
}

static int
load_axis_names(struct geo_ld *l, struct geo *g, ynode map, int ai,
    size_t *cap)
{
	ynode al = ydoc_get(l->d, map, "aliases");
	size_t n = ydoc_count(l->d, al);

	if (al != 0 && ydoc_kind(l->d, al) != Y_SEQ)
		return geo_fail_at(l, al, "aliases: expected a list", NULL);
	if (n + 1 > NV_GEO_ALIASES_MAX)
		return geo_fail_at(l, al, "more names than NV_GEO_ALIASES_MAX",
		    NULL);
	for (size_t i = 0; i < n; i++)
		if (add_axis_key(l, g, ydoc_item(l->d, al, i), ai, cap) != 0)
			return -1;
	return add_axis_key(l, g, ydoc_get(l->d, map, "name"), ai, cap);
}

/* regions: 1 to NV_GEO_AXIS_REGIONS_MAX region ids of the file, once
 * each: routing sends an axis report to all of them. */
static int
load_axis_regions(struct geo_ld *l, struct geo *g, ynode map,
    struct axis *a)
{
	ynode seq = ydoc_get(l->d, map, "regions");
	size_t n = ydoc_count(l->d, seq);

	if (ydoc_kind(l->d, seq) != Y_SEQ || n == 0)
		return geo_fail_at(l, seq ? seq : map, "regions: expected a "
		    "list of the regions the axis crosses for", a->id);
	if (n > NV_GEO_AXIS_REGIONS_MAX)
		return geo_fail_at(l, seq, "crosses more regions than "
		    "NV_GEO_AXIS_REGIONS_MAX (routing must fit "
		    "ROUTE_QUEUES_MAX):", a->id);
	for (size_t i = 0; i < n; i++) {
		ynode it = ydoc_item(l->d, seq, i);
		const char *s = ydoc_scalar(l->d, it, NULL);
		struct geo_place p;
		int ri;

		if (s == NULL || geo_find_id(g, s, &p) != 0 ||
		    p.level != GEO_REGION)
			return geo_fail_at(l, it, "not a region of this file:",
			    s);
		ri = (int)(g->first[GEO_REGION]);
		while (strcmp(g->p[ri].id, s) != 0)
			ri++;
		for (unsigned j = 0; j < a->nregions; j++)
			if (a->regions[j] == ri)
				return geo_fail_at(l, it, "region listed twice:",
				    s);
		a->regions[a->nregions] = ri;
		a->rids[a->nregions++] = g->p[ri].id;
	}
	return 0;
}

/*
 * towns: 2 to NV_GEO_AXIS_TOWNS_MAX names of places of the file, each in
 * one of the axis's regions. A town outside them means the regions list
 * is wrong (a data set switch moved the town), which would route the
 * axis's reports past the office of that town.
 */
static int
load_axis_towns(struct geo_ld *l, struct geo *g, ynode map, struct axis *a)
{
	ynode seq = ydoc_get(l->d, map, "towns");
	size_t n = ydoc_count(l->d, seq);

	if (ydoc_kind(l->d, seq) != Y_SEQ || n < 2 ||
	    n > NV_GEO_AXIS_TOWNS_MAX)
		return geo_fail_at(l, seq ? seq : map, "towns: expected 2 to "
		    "NV_GEO_AXIS_TOWNS_MAX names of places for", a->id);
	for (size_t i = 0; i < n; i++) {
		ynode it = ydoc_item(l->d, seq, i);
		char buf[NV_GEO_NAME_MAX + 1];
		int pi;
		unsigned j;

		if (fold_name(l, it, buf) != 0)
			return -1;
		if ((pi = place_of(g, buf)) < 0)
			return geo_fail_at(l, it, "towns: not a name of a "
			    "place of this file:", ydoc_scalar(l->d, it, NULL));
		for (j = 0; j < a->nregions; j++)
			if (a->regions[j] == g->p[pi].region)
				break;
		if (j == a->nregions)
			return geo_fail_at(l, it, "town in a region the axis "
			    "does not list:", g->p[g->p[pi].region].id);
		a->towns[a->ntowns++] = pi;
	}
	return 0;
}

static int
load_axis(struct geo_ld *l, struct geo *g, ynode map, size_t *cap)
{
	struct axis *a = &g->ax[g->nax];
	const char *id, *name;
	struct geo_place p;

	if (ydoc_kind(l->d, map) != Y_MAP)
		return geo_fail_at(l, map, "expected a mapping with id, name, "
		    "towns and regions", NULL);
	if (axis_keys_known(l, map) != 0)
		return -1;
	id = ydoc_scalar(l->d, ydoc_get(l->d, map, "id"), NULL);
	name = ydoc_scalar(l->d, ydoc_get(l->d, map, "name"), NULL);
	if (id == NULL || !geo_id_ok(id))
		return geo_fail_at(l, map, "expected an id of a-z 0-9 . - _:",
		    id);
	/* Unique among places too: route_in and stored reports name an
	 * axis by its id alone. */
	for (unsigned i = 0; i < g->nax; i++)
		if (strcmp(g->ax[i].id, id) == 0)
			return geo_fail_at(l, ydoc_get(l->d, map, "id"),
			    "duplicate id", id);
	if (geo_find_id(g, id, &p) == 0)
		return geo_fail_at(l, ydoc_get(l->d, map, "id"), "duplicate id",
		    id);
	if (name == NULL)
		return geo_fail_at(l, map, "no name: given for", id);
	a->id = xstrdup(id);
	a->name = xstrdup(name);
	g->nax++;
	if (load_axis_regions(l, g, map, a) != 0 ||
	    load_axis_towns(l, g, map, a) != 0)
		return -1;
	return load_axis_names(l, g, map, (int)(a - g->ax), cap);
}

static int
akey_cmp(const void *a, const void *b)
{
	const struct akey *x = a, *y = b;
	int c = strcmp(x->fold, y->fold);

	return c != 0 ? c : (x->axis > y->axis) - (x->axis < y->axis);
}

/* Sorts the axis names; one name may not stand for two axes. */
static int
index_axes(struct geo_ld *l, struct geo *g)
{
	size_t o = 0;

	qsort(g->ak, g->nak, sizeof *g->ak, akey_cmp);
	for (size_t i = 0; i < g->nak; i++) {
		struct akey *k = &g->ak[i], *prev = o ? &g->ak[o - 1] : NULL;

		if (prev != NULL && strcmp(prev->fold, k->fold) == 0) {
			if (prev->axis != k->axis) {
				*l->cause = xasprintf("%s:%u: '%s' names both "
				    "axes %s and %s (line %u)", l->path,
				    k->line, k->fold, g->ax[k->axis].id,
				    g->ax[prev->axis].id, prev->line);
				g->nak = o + (g->nak - i);
				memmove(&g->ak[o], k, (g->nak - o) * sizeof *k);
				return -1;
			}
			free(k->fold);	/* "Douentza-Gao", "Douentza Gao" */
			continue;
		}
		g->ak[o++] = *k;
	}
	g->nak = o;
	return 0;
}

int
geo_axes_load(struct geo_ld *l, struct geo *g, ynode root)
{
	ynode seq = ydoc_get(l->d, root, "axes");
	size_t n = ydoc_count(l->d, seq), cap = 0;

	if (seq == 0)
		return 0;	/* a data set may name no axis */
	if (ydoc_kind(l->d, seq) != Y_SEQ)
		return geo_fail_at(l, seq, "expected a list:", "axes");
	if (n > NV_GEO_AXES_MAX)
		return geo_fail_at(l, seq, "more axes than NV_GEO_AXES_MAX",
		    NULL);
	g->ax = xcalloc(n ? n : 1, sizeof *g->ax);
	for (size_t i = 0; i < n; i++)
		if (load_axis(l, g, ydoc_item(l->d, seq, i), &cap) != 0)
			return -1;
	return index_axes(l, g);
}

void
geo_axes_free(struct geo *g)
{
	for (unsigned i = 0; i < g->nax; i++) {
		free(g->ax[i].id);
		free(g->ax[i].name);
	}
	for (size_t i = 0; i < g->nak; i++)
		free(g->ak[i].fold);
	free(g->ax);
	free(g->ak);
}

int
geo_axis_key(const struct geo *g, const char *s, size_t len)
{
	size_t lo = 0, hi = g->nak;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct akey *k = &g->ak[mid];
		size_t m = k->len < len ? k->len : len;
		int c = memcmp(k->fold, s, m);

		if (c == 0)
			c = (k->len > len) - (k->len < len);
		if (c == 0)
			return k->axis;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int
geo_axis_town(const struct geo *g, unsigned a, int place)
{
	for (unsigned i = 0; i < g->ax[a].ntowns; i++)
		if (g->ax[a].towns[i] == place)
			return (int)i;
	return -1;
}

unsigned
geo_axis_count(const struct geo *g)
{
	return g->nax;
}

int
geo_axis_at(const struct geo *g, unsigned i, struct geo_axis *out)
{
	if (i >= g->nax)
		return -1;
	if (out != NULL) {
		out->id = g->ax[i].id;
		out->name = g->ax[i].name;
		out->regions = g->ax[i].rids;
		out->nregions = g->ax[i].nregions;
	}
	return 0;
}

int
geo_axis_find(const struct geo *g, const char *s, struct geo_axis *out)
{
	char buf[4 * NV_GEO_NAME_MAX + 1];
	size_t len;
	int i;

	if (s == NULL)
		return -1;
	for (unsigned j = 0; j < g->nax; j++)
		if (strcmp(g->ax[j].id, s) == 0)
			return geo_axis_at(g, j, out);
	if ((len = strlen(s)) == 0 || len > 4 * NV_GEO_NAME_MAX)
		return -1;
	len = fold_text(s, len, buf, sizeof buf);
	i = len > 0 ? geo_axis_key(g, buf, len) : -1;
	return i >= 0 ? geo_axis_at(g, (unsigned)i, out) : -1;
}
