/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "geo.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/utf8.h"
#include "base/xmalloc.h"
#include "base/yamldoc.h"
#include "fold.h"
#include "geo_int.h"

/* The languages of the hotline (DESIGN §4), in struct place's order. */
static const char *const langs[NLANGS] = { "fr", "bm", "ff", "ses", "taq" };

int
geo_fail_at(struct geo_ld *l, ynode n, const char *what, const char *s)
{
	*l->cause = xasprintf("%s:%u: %s%s%s%s", l->path, ydoc_line(l->d, n),
	    what, s != NULL ? " '" : "", s != NULL ? s : "",
	    s != NULL ? "'" : "");
	return -1;
}

/* Ids are short ASCII so they can name queues, log fields and URLs. */
int
geo_id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= NV_ROUTE_ID_MAX)
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '.' || *s == '-' || *s == '_'))
			return 0;
	return 1;
}

static const char *
scalar(struct geo_ld *l, ynode map, const char *key)
{
	return ydoc_scalar(l->d, ydoc_get(l->d, map, key), NULL);
}

static int
find_id(const struct geo *g, const char *id)
{
	size_t lo = 0, hi = g->np;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(g->p[g->by_id[mid]].id, id);

		if (c == 0)
			return g->by_id[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Linear: only used while loading, before by_id is sorted. */
static int
find_loaded(const struct geo *g, const char *id)
{
	for (unsigned i = 0; i < g->np; i++)
		if (strcmp(g->p[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* Adds one spelling of place pi to the name index. */
static int
add_key(struct geo_ld *l, struct geo *g, ynode n, int pi)
{
	size_t len;
	const char *s = ydoc_scalar(l->d, n, &len);
	char buf[NV_GEO_NAME_MAX + 1];
	unsigned words = 1;
	struct key *k;

	if (s == NULL || len == 0)
		return geo_fail_at(l, n, "expected a name", NULL);
	if (len > NV_GEO_NAME_MAX || !utf8_valid(s, len))
		return geo_fail_at(l, n, "name longer than NV_GEO_NAME_MAX octets "
		    "or not UTF-8:", s);
	if (fold_text(s, len, buf, sizeof buf) == 0)
		return geo_fail_at(l, n, "name has no letter or digit:", s);
	for (const char *c = buf; *c != '\0'; c++)
		words += *c == ' ';
	if (words > NV_GEO_WORDS_MAX)
		return geo_fail_at(l, n, "name has more than NV_GEO_WORDS_MAX "
		    "words:", s);
	if (g->nk == l->kcap) {
		l->kcap = l->kcap ? 2 * l->kcap : 256;
		g->k = xreallocarray(g->k, l->kcap, sizeof *g->k);
	}
	k = &g->k[g->nk++];
	k->fold = xstrdup(buf);
	k->len = strlen(buf);
	k->place = pi;
	k->line = ydoc_line(l->d, n);
	return 0;
}

static int
load_names(struct geo_ld *l, struct geo *g, ynode map, int pi)
{
	struct place *p = &g->p[pi];
	ynode names = ydoc_get(l->d, map, "names");
	ynode al = ydoc_get(l->d, map, "aliases");
	size_t n = ydoc_count(l->d, names);

	if (names != 0 && ydoc_kind(l->d, names) != Y_MAP)
		return geo_fail_at(l, names, "names: expected lang: name", NULL);
	for (size_t i = 0; i < n; i++) {
		const char *lang = ydoc_scalar(l->d, ydoc_key(l->d, names, i),
		    NULL);
		const char *v = ydoc_scalar(l->d, ydoc_value(l->d, names, i),
		    NULL);
		size_t j;

		for (j = 0; lang != NULL && j < NLANGS; j++)
			if (strcmp(lang, langs[j]) == 0)
				break;
		if (lang == NULL || j == NLANGS || v == NULL ||
		    p->names[j] != NULL)
			return geo_fail_at(l, ydoc_key(l->d, names, i), "names: "
			    "expected one of fr bm ff ses taq, once:", lang);
		p->names[j] = xstrdup(v);
		if (add_key(l, g, ydoc_value(l->d, names, i), pi) != 0)
			return -1;
	}
	if (al != 0 && ydoc_kind(l->d, al) != Y_SEQ)
		return geo_fail_at(l, al, "aliases: expected a list", NULL);
	if (ydoc_count(l->d, al) + n + 1 > NV_GEO_ALIASES_MAX)
		return geo_fail_at(l, al, "more names than NV_GEO_ALIASES_MAX",
		    NULL);
	for (size_t i = 0; i < ydoc_count(l->d, al); i++)
		if (add_key(l, g, ydoc_item(l->d, al, i), pi) != 0)
			return -1;
	return add_key(l, g, ydoc_get(l->d, map, "name"), pi);
}

/* Keys a place entry may have: anything else is a typo we refuse. */
static int
keys_known(struct geo_ld *l, ynode map)
{
	static const char *const known[] = { "id", "name", "names",
	    "aliases", "region", "cercle", "zone", "capital", "source",
	    "note", "status" };

	for (size_t i = 0; i < ydoc_count(l->d, map); i++) {
		ynode k = ydoc_key(l->d, map, i);
		const char *s = ydoc_scalar(l->d, k, NULL);
		size_t j;

		for (j = 0; s != NULL && j < sizeof known / sizeof *known; j++)
			if (strcmp(s, known[j]) == 0)
				break;
		if (s == NULL || j == sizeof known / sizeof *known)
			return geo_fail_at(l, k, "unknown key", s);
	}
	return 0;
}

/* The parent named by `key` (region or cercle) as an index, or -1. */
static int
parent(struct geo_ld *l, struct geo *g, ynode map, const char *key, int level,
    int *out)
{
	ynode n = ydoc_get(l->d, map, key);
	const char *s = ydoc_scalar(l->d, n, NULL);
	int i;

	if (s == NULL) {
		if (level == GEO_CERCLE && *out == -2) {
			*out = -1;	/* a commune's cercle is optional */
			return 0;
		}
		return geo_fail_at(l, n ? n : map, level == GEO_REGION ?
		    "no region: given" : "expected a cercle id", NULL);
	}
	i = find_loaded(g, s);
	if (i < 0 || g->p[i].level != level)
		return geo_fail_at(l, n, level == GEO_REGION ? "not a region of "
		    "this file:" : "not a cercle of this file:", s);
	*out = i;
	return 0;
}

/* capital: [lat, lon] in degrees, inside Mali's bounding box with a
 * margin: a swapped pair or a sign typo is caught. */
static int
load_capital(struct geo_ld *l, ynode map, struct place *p)
{
	ynode c = ydoc_get(l->d, map, "capital");
	const char *a, *b;
	char *e1 = NULL, *e2 = NULL;

	p->lat = p->lon = NAN;
	if (c == 0)
		return 0;
	a = ydoc_scalar(l->d, ydoc_item(l->d, c, 0), NULL);
	b = ydoc_scalar(l->d, ydoc_item(l->d, c, 1), NULL);
	if (ydoc_count(l->d, c) == 2 && a != NULL && b != NULL) {
		p->lat = strtod(a, &e1);
		p->lon = strtod(b, &e2);
	}
	if (e1 == NULL || *e1 != '\0' || e2 == NULL || *e2 != '\0' ||
	    !(p->lat >= 8 && p->lat <= 27 && p->lon >= -14 && p->lon <= 6))
		return geo_fail_at(l, c, "capital: expected [lat, lon] in Mali",
		    NULL);
	return 0;
}

static int
load_place(struct geo_ld *l, struct geo *g, ynode map, int level)
{
	struct place *p;
	const char *id, *zone;
	int pi = (int)g->np;

	if (ydoc_kind(l->d, map) != Y_MAP)
		return geo_fail_at(l, map, "expected a mapping with id and name",
		    NULL);
	if (keys_known(l, map) != 0)
		return -1;
	id = scalar(l, map, "id");
	if (id == NULL || !geo_id_ok(id))
		return geo_fail_at(l, map, "expected an id of a-z 0-9 . - _:", id);
	if (find_loaded(g, id) >= 0)
		return geo_fail_at(l, ydoc_get(l->d, map, "id"), "duplicate id",
		    id);
	if (scalar(l, map, "name") == NULL)
		return geo_fail_at(l, map, "no name: given for", id);
	p = &g->p[g->np++];
	p->id = xstrdup(id);
	p->name = xstrdup(scalar(l, map, "name"));
	p->level = level;
	p->line = ydoc_line(l->d, map);
	p->region = pi;
	p->cercle = -1;
	if (load_capital(l, map, p) != 0)
		return -1;
	if (level == GEO_REGION) {
		zone = scalar(l, map, "zone");
		if (zone == NULL || (strcmp(zone, "nord") != 0 &&
		    strcmp(zone, "centre") != 0 && strcmp(zone, "sud") != 0))
			return geo_fail_at(l, map, "zone: expected nord, centre or "
			    "sud for", id);
		p->zone = xstrdup(zone);
	} else if (parent(l, g, map, "region", GEO_REGION, &p->region) != 0) {
		return -1;
	}
	if (level == GEO_CERCLE)
		p->cercle = pi;
	if (level == GEO_COMMUNE) {
		p->cercle = -2;		/* "optional" for parent() */
		if (parent(l, g, map, "cercle", GEO_CERCLE, &p->cercle) != 0)
			return -1;
		if (p->cercle >= 0 && g->p[p->cercle].region != p->region)
			return geo_fail_at(l, ydoc_get(l->d, map, "cercle"),
			    "cercle of another region:", g->p[p->cercle].id);
	}
	return load_names(l, g, map, pi);
}

static int
load_level(struct geo_ld *l, struct geo *g, ynode root, const char *key,
    int level)
{
	ynode seq = ydoc_get(l->d, root, key);
	size_t n = ydoc_count(l->d, seq);

	if (level == GEO_COMMUNE && seq == 0) {
		g->first[level] = g->np;	/* communes are optional */
		return 0;
	}
	if (ydoc_kind(l->d, seq) != Y_SEQ || (level == GEO_REGION && n == 0))
		return geo_fail_at(l, seq ? seq : root, "expected a list:", key);
	if (g->np + n > NV_GEO_PLACES_MAX)
		return geo_fail_at(l, seq, "more places than NV_GEO_PLACES_MAX",
		    NULL);
	g->first[level] = g->np;
	for (size_t i = 0; i < n; i++)
		if (load_place(l, g, ydoc_item(l->d, seq, i), level) != 0)
			return -1;
	g->count[level] = g->np - g->first[level];
	return 0;
}

/* A list of names, folded (ambiguous, text_qualified, text_qualifiers). */
static int
load_words(struct geo_ld *l, ynode root, const char *key, char ***out,
    size_t *n)
{
	ynode seq = ydoc_get(l->d, root, key);
	size_t cnt = ydoc_count(l->d, seq);

	if (seq != 0 && ydoc_kind(l->d, seq) != Y_SEQ)
		return geo_fail_at(l, seq, "expected a list:", key);
	*out = xcalloc(cnt ? cnt : 1, sizeof **out);
	for (size_t i = 0; i < cnt; i++) {
		ynode it = ydoc_item(l->d, seq, i);
		size_t len;
		const char *s = ydoc_scalar(l->d, it, &len);
		char buf[NV_GEO_NAME_MAX + 1];

		if (s == NULL || len > NV_GEO_NAME_MAX ||
		    fold_text(s, len, buf, sizeof buf) == 0)
			return geo_fail_at(l, it, "expected a name in", key);
		(*out)[(*n)++] = xstrdup(buf);
	}
	return 0;
}

int
geo_in_list(char *const *list, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == len && memcmp(list[i], s, len) == 0)
			return 1;
	return 0;
}

static int
key_cmp(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	int c = strcmp(x->fold, y->fold);

	return c != 0 ? c : (x->place > y->place) - (x->place < y->place);
}

static int
id_cmp(const void *a, const void *b, void *arg)
{
	const struct geo *g = arg;

	return strcmp(g->p[*(const int *)a].id, g->p[*(const int *)b].id);
}

/* Sorts the index, drops repeated spellings of one place and refuses a
 * name shared by two places of one level unless declared ambiguous. */
static int
index_names(struct geo_ld *l, struct geo *g)
{
	size_t o = 0;

	qsort(g->k, g->nk, sizeof *g->k, key_cmp);
	for (size_t i = 0; i < g->nk; i++) {
		struct key *k = &g->k[i], *prev = o ? &g->k[o - 1] : NULL;

		if (prev != NULL && strcmp(prev->fold, k->fold) == 0) {
			if (prev->place == k->place) {
				free(k->fold);	/* "Abeïbara" and "Abeibara" */
				continue;
			}
			for (size_t j = o; j-- > 0 &&
			    strcmp(g->k[j].fold, k->fold) == 0;) {
				if (g->p[g->k[j].place].level !=
				    g->p[k->place].level || geo_in_list(g->ambiguous,
				    g->nambiguous, k->fold, k->len))
					continue;
				*l->cause = xasprintf("%s:%u: '%s' names both "
				    "%s and %s (line %u), of one level; list it "
				    "under ambiguous: if both are meant", l->path,
				    k->line, k->fold, g->p[k->place].id,
				    g->p[g->k[j].place].id, g->k[j].line);
				g->nk = o + (g->nk - i);
				memmove(&g->k[o], k, (g->nk - o) * sizeof *k);
				return -1;
			}
		}
		g->k[o++] = *k;
	}
	g->nk = o;
	g->by_id = xcalloc(g->np ? g->np : 1, sizeof *g->by_id);
	for (unsigned i = 0; i < g->np; i++)
		g->by_id[i] = (int)i;
	qsort_r(g->by_id, g->np, sizeof *g->by_id, id_cmp, g);
	return 0;
}

/* First index entry for fold[0..len), or nk. */
static size_t
key_lower(const struct geo *g, const char *s, size_t len)
{
	size_t lo = 0, hi = g->nk;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct key *k = &g->k[mid];
		size_t m = k->len < len ? k->len : len;
		int c = memcmp(k->fold, s, m);

		if (c == 0)
			c = (k->len > len) - (k->len < len);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The entries [*lo, *hi) for one folded name; 0 if there are none. */
int
geo_key_range(const struct geo *g, const char *s, size_t len, size_t *lo,
    size_t *hi)
{
	size_t i = key_lower(g, s, len), j = i;

	while (j < g->nk && g->k[j].len == len && memcmp(g->k[j].fold, s,
	    len) == 0)
		j++;
	*lo = i;
	*hi = j;
	return j > i;
}

/*
 * The place a name stands for: the most specific level at which it
 * names exactly one place (a level where it names several, declared
 * ambiguous, is skipped), or -1.
 */
int
geo_resolve(const struct geo *g, size_t lo, size_t hi)
{
	for (int level = GEO_COMMUNE; level >= GEO_REGION; level--) {
		int found = -1, n = 0;

		for (size_t i = lo; i < hi; i++) {
			if (g->p[g->k[i].place].level != level)
				continue;
			if (found != g->k[i].place)
				n++;
			found = g->k[i].place;
		}
		if (n == 1)
			return found;
	}
	return -1;
}

/* Every text_qualified name must be a name of the file: a typo there
 * would silently let a common word match. */
static int
check_qualified(struct geo_ld *l, struct geo *g, ynode root)
{
	size_t lo, hi;

	for (size_t i = 0; i < g->nqualified; i++)
		if (!geo_key_range(g, g->qualified[i], strlen(g->qualified[i]),
		    &lo, &hi))
			return geo_fail_at(l, ydoc_get(l->d, root,
			    "text_qualified"), "text_qualified: not a name "
			    "of this file:", g->qualified[i]);
	return 0;
}

static int
load_top(struct geo_ld *l, struct geo *g, ynode root)
{
	const char *name, *status;

	if (ydoc_kind(l->d, root) != Y_MAP)
		return geo_fail_at(l, root, "expected a mapping with name, "
		    "status, regions, cercles, communes", NULL);
	name = scalar(l, root, "name");
	status = scalar(l, root, "status");
	if (name == NULL || status == NULL)
		return geo_fail_at(l, root, "name: and status: are required",
		    NULL);
	g->name = xstrdup(name);
	g->status = xstrdup(status);
	if (load_words(l, root, "ambiguous", &g->ambiguous,
	    &g->nambiguous) != 0 || load_words(l, root, "text_qualified",
	    &g->qualified, &g->nqualified) != 0 || load_words(l, root,
	    "text_qualifiers", &g->qualifiers, &g->nqualifiers) != 0 ||
	    load_words(l, root, "text_connectors", &g->connectors,
	    &g->nconnectors) != 0)
		return -1;
	return 0;
}

struct geo *
geo_load(const char *path, char **cause)
{
	struct ydoc *d = ydoc_load(path, cause);
	struct geo_ld l = { .d = d, .path = path, .cause = cause };
	struct geo *g;
	ynode root;

	if (d == NULL)
		return NULL;
	g = xcalloc(1, sizeof *g);
	root = ydoc_root(d);
	if (load_top(&l, g, root) != 0)
		goto fail;
	g->p = xcalloc(NV_GEO_PLACES_MAX, sizeof *g->p);
	if (load_level(&l, g, root, "regions", GEO_REGION) != 0 ||
	    load_level(&l, g, root, "cercles", GEO_CERCLE) != 0 ||
	    load_level(&l, g, root, "communes", GEO_COMMUNE) != 0 ||
	    index_names(&l, g) != 0 || check_qualified(&l, g, root) != 0 ||
	    geo_axes_load(&l, g, root) != 0)
		goto fail;
	g->p = xreallocarray(g->p, g->np, sizeof *g->p);
	ydoc_free(d);
	return g;
fail:
	ydoc_free(d);
	geo_free(g);
	return NULL;
}

static void
free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

void
geo_free(struct geo *g)
{
	if (g == NULL)
		return;
	for (unsigned i = 0; i < g->np; i++) {
		free(g->p[i].id);
		free(g->p[i].name);
		free(g->p[i].zone);
		for (size_t j = 0; j < NLANGS; j++)
			free(g->p[i].names[j]);
	}
	for (size_t i = 0; i < g->nk; i++)
		free(g->k[i].fold);
	free_list(g->ambiguous, g->nambiguous);
	free_list(g->qualified, g->nqualified);
	free_list(g->qualifiers, g->nqualifiers);
	free_list(g->connectors, g->nconnectors);
	geo_axes_free(g);
	free(g->k);
	free(g->by_id);
	free(g->p);
	free(g->name);
	free(g->status);
	free(g);
}

const char *
geo_name(const struct geo *g)
{
	return g->name;
}

const char *
geo_status(const struct geo *g)
{
	return g->status;
}

static void
fill(const struct geo *g, int i, struct geo_place *out)
{
	const struct place *p = &g->p[i];

	out->id = p->id;
	out->name = p->name;
	out->level = p->level;
	out->region = g->p[p->region].id;
	out->zone = g->p[p->region].zone;
	out->cercle = p->cercle >= 0 ? g->p[p->cercle].id : NULL;
}

int
geo_find_id(const struct geo *g, const char *id, struct geo_place *out)
{
	int i = id != NULL ? find_id(g, id) : -1;

	if (i < 0)
		return -1;
	fill(g, i, out);
	return 0;
}

int
geo_find(const struct geo *g, const char *s, struct geo_place *out)
{
	char buf[4 * NV_GEO_NAME_MAX + 1];
	size_t len, lo, hi;
	int i;

	if (geo_find_id(g, s, out) == 0)
		return 0;
	if (s == NULL || (len = strlen(s)) == 0 || len > 4 * NV_GEO_NAME_MAX)
		return -1;
	len = fold_text(s, len, buf, sizeof buf);
	if (!geo_key_range(g, buf, len, &lo, &hi) ||
	    (i = geo_resolve(g, lo, hi)) < 0)
		return -1;
	fill(g, i, out);
	return 0;
}

unsigned
geo_count(const struct geo *g, int level)
{
	return level >= GEO_REGION && level <= GEO_COMMUNE ? g->count[level] :
	    0;
}

int
geo_at(const struct geo *g, int level, unsigned i, struct geo_place *out)
{
	if (i >= geo_count(g, level))
		return -1;
	fill(g, (int)(g->first[level] + i), out);
	return 0;
}

unsigned
geo_region_count(const struct geo *g)
{
	return geo_count(g, GEO_REGION);
}

int
geo_region_at(const struct geo *g, unsigned i, struct geo_place *out)
{
	return geo_at(g, GEO_REGION, i, out);
}

const char *
geo_display_name(const struct geo *g, const char *id, const char *lang)
{
	int i = find_id(g, id);

	if (i < 0)
		return NULL;
	for (size_t j = 0; lang != NULL && j < NLANGS; j++)
		if (strcmp(lang, langs[j]) == 0 && g->p[i].names[j] != NULL)
			return g->p[i].names[j];
	return g->p[i].name;
}


int
geo_capital(const struct geo *g, const char *id, double *lat, double *lon)
{
	int i = find_id(g, id);

	if (i < 0 || isnan(g->p[i].lat))
		return -1;
	*lat = g->p[i].lat;
	*lon = g->p[i].lon;
	return 0;
}
