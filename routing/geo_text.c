/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * geo_match_text: the place a free-text SMS names ("ARME Ansongo deux
 * hommes armés au marché"). The text is folded like the names (fold.h),
 * cut into words, and at each word the longest name of the index that
 * starts there is taken; the words it covers are skipped.
 */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/xmalloc.h"
#include "fold.h"
#include "geo.h"
#include "geo_int.h"

/* One name found in a text: its index range, the place, its position. */
struct hit {
	size_t lo, hi;
	int place;
};

/*
 * Whether word i follows a qualifier ("cercle de San", "vers Diré"),
 * skipping up to two connectors ("de", "du") between them.
 */
static int
qualified(const struct geo *g, const char *t, const size_t *start,
    const size_t *end, size_t i)
{
	for (unsigned skip = 0; i > 0 && skip <= 2; skip++, i--) {
		const char *w = t + start[i - 1];
		size_t len = end[i - 1] - start[i - 1];

		if (geo_in_list(g->qualifiers, g->nqualifiers, w, len))
			return 1;
		if (!geo_in_list(g->connectors, g->nconnectors, w, len))
			return 0;
	}
	return 0;
}

/*
 * The longest name starting at word i: the number of words it takes (0
 * if none) and the hit. A name listed as text_qualified counts only
 * after a qualifier; a name that resolves to no place does not count.
 */
static size_t
longest_at(const struct geo *g, const char *t, const size_t *start,
    const size_t *end, size_t nw, size_t i, struct hit *h)
{
	size_t max = nw - i < NV_GEO_WORDS_MAX ? nw - i : NV_GEO_WORDS_MAX;

	for (size_t w = max; w > 0; w--) {
		const char *s = t + start[i];
		size_t len = end[i + w - 1] - start[i];

		if (!geo_key_range(g, s, len, &h->lo, &h->hi) ||
		    (h->place = geo_resolve(g, h->lo, h->hi)) < 0)
			continue;
		if (geo_in_list(g->qualified, g->nqualified, s, len) &&
		    !qualified(g, t, start, end, i))
			continue;
		return w;
	}
	return 0;
}

/* Whether another hit names place a's region or cercle. */
static int
supported(const struct geo *g, const struct hit *hits, size_t n, size_t a)
{
	const struct place *p = &g->p[hits[a].place];

	for (size_t j = 0; j < n; j++) {
		if (j == a)
			continue;
		for (size_t k = hits[j].lo; k < hits[j].hi; k++) {
			int q = g->k[k].place;

			if (q != hits[a].place && (q == p->region ||
			    q == p->cercle))
				return 1;
		}
	}
	return 0;
}

/* Most specific, then supported by another name, then first. */
static size_t
best_hit(const struct geo *g, const struct hit *hits, size_t n)
{
	size_t best = 0;
	int blevel = g->p[hits[0].place].level, bsup = supported(g, hits, n, 0);

	for (size_t i = 1; i < n; i++) {
		int level = g->p[hits[i].place].level;
		int sup = supported(g, hits, n, i);

		if (level > blevel || (level == blevel && sup > bsup)) {
			best = i;
			blevel = level;
			bsup = sup;
		}
	}
	return best;
}

/* The longest axis name starting at word i: its word count (0 if none)
 * and the axis in *axis. */
static size_t
axis_at(const struct geo *g, const char *t, const size_t *start,
    const size_t *end, size_t nw, size_t i, int *axis)
{
	size_t max = nw - i < NV_GEO_WORDS_MAX ? nw - i : NV_GEO_WORDS_MAX;

	for (size_t w = max; w > 0 && g->nak > 0; w--) {
		*axis = geo_axis_key(g, t + start[i],
		    end[i + w - 1] - start[i]);
		if (*axis >= 0)
			return w;
	}
	return 0;
}

/*
 * The axis the places named lie along: two or more of its towns, in at
 * least two of its regions (two towns of one region locate the report
 * in that region). The axis with most towns named wins, then the first
 * in the file; -1 if none.
 */
static int
axis_by_towns(const struct geo *g, const struct hit *hits, size_t n)
{
	int best = -1;
	unsigned bcount = 0;

	for (unsigned a = 0; a < g->nax; a++) {
		unsigned count = 0, nreg = 0;
		int seen[NV_GEO_AXIS_TOWNS_MAX] = { 0 };
		int reg[NV_GEO_AXIS_REGIONS_MAX];

		for (size_t i = 0; i < n; i++) {
			int t = geo_axis_town(g, a, hits[i].place);
			int r = t >= 0 ? g->p[hits[i].place].region : -1;
			unsigned j;

			if (t < 0 || seen[t])
				continue;
			seen[t] = 1;
			count++;
			for (j = 0; j < nreg && reg[j] != r; j++)
				;
			if (j == nreg)	/* towns lie in the axis's regions */
				reg[nreg++] = r;
		}
		if (nreg >= 2 && count > bcount) {
			best = (int)a;
			bcount = count;
		}
	}
	return best;
}

/* Splits folded text into words (it has single spaces between them). */
static size_t
words(const char *t, size_t len, size_t *start, size_t *end)
{
	size_t nw = 0;

	for (size_t i = 0; i < len;) {
		start[nw] = i;
		while (i < len && t[i] != ' ')
			i++;
		end[nw++] = i++;
	}
	return nw;
}

int
geo_match_text(const struct geo *g, const char *utf8, struct geo_match *out)
{
	size_t len = utf8 != NULL ? strnlen(utf8, NV_GEO_TEXT_MAX) : 0;
	char *t = xmalloc(len + 1);
	size_t *start = xcalloc(len / 2 + 1, 2 * sizeof *start), *end;
	struct hit *hits = xcalloc(len / 2 + 1, sizeof *hits);
	size_t nw, nh = 0;
	int rc = -1, axis = -1;

	memset(out, 0, sizeof *out);
	end = start + len / 2 + 1;
	len = fold_text(utf8 != NULL ? utf8 : "", len, t, len + 1);
	nw = words(t, len, start, end);
	for (size_t i = 0; i < nw;) {
		int a = -1;
		size_t wa = axis_at(g, t, start, end, nw, i, &a);
		size_t w = longest_at(g, t, start, end, nw, i, &hits[nh]);

		/* An axis name covers its towns' names ("Douentza Gao"):
		 * they are the road's ends, not where the report is. */
		if (wa > 0 && wa >= w) {
			axis = axis < 0 ? a : axis;
			i += wa;
			continue;
		}
		nh += w > 0;
		i += w > 0 ? w : 1;
	}
	if (axis < 0)
		axis = axis_by_towns(g, hits, nh);
	if (axis >= 0) {
		out->axis = g->ax[axis].id;
		rc = 0;
	}
	if (nh > 0) {
		const struct place *p = &g->p[hits[best_hit(g, hits, nh)].place];

		out->region = g->p[p->region].id;
		out->cercle = p->cercle >= 0 ? g->p[p->cercle].id : NULL;
		out->commune = p->level == GEO_COMMUNE ? p->id : NULL;
		rc = 0;
	}
	free(hits);
	free(start);
	free(t);
	return rc;
}
