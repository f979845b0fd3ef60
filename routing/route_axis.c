/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Routing of reports on a road axis (DESIGN §4: "an axis report reaches
 * the queues of every region the axis crosses, and IED reports also the
 * national EOD queue"). No rule names an axis: a report on an axis is
 * routed as if it came from each region the axis crosses, by the rules
 * as they are, and the answers are merged. Every answer per region is
 * already proved at load (route.c build_table) never to send GBV or an
 * accusation where security forces read, so their union cannot either;
 * what is left to prove here is that the union fits ROUTE_QUEUES_MAX.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/xmalloc.h"
#include "geo.h"
#include "route_int.h"

/* The routes' index of a region id, or -1 (the ids are the geography's,
 * so an axis region always has one). */
static int
region_of(const struct routes *r, const char *id)
{
	for (unsigned i = 0; i < r->nregions; i++)
		if (strcmp(r->regions[i], id) == 0)
			return (int)i;
	return -1;
}

static struct decision *
axis_cell(const struct routes *r, int cat, unsigned axis, int accuses)
{
	return &r->atable[((size_t)cat * r->naxes + axis) * 2 +
	    (accuses != 0)];
}

/*
 * Merges the answers of the axis's regions: position by position (all
 * regions' first queues, then all second ones...), each queue once, so
 * the main queue is the first region's and national queues named by
 * every region's rule come once, after the regional ones.
 */
static int
merge(const struct routes *r, int cat, const struct raxis *a, int accuses,
    struct decision *out, const char *path, char **cause)
{
	for (unsigned pos = 0; pos < ROUTE_QUEUES_MAX; pos++) {
		for (unsigned k = 0; k < a->nregions; k++) {
			const struct decision *d = route_cell(r, cat,
			    (int)a->regions[k], accuses);
			unsigned j;

			out->urgent |= d->urgent;
			if (pos >= d->n)
				continue;
			for (j = 0; j < out->n && out->q[j] != d->q[pos]; j++)
				;
			if (j < out->n)
				continue;
			if (out->n == ROUTE_QUEUES_MAX) {
				*cause = xasprintf("%s:%u: %s reports %son "
				    "axis %s would go to more than "
				    "ROUTE_QUEUES_MAX (%d) queues, from %s",
				    path, d->line, r->cat[cat].id, accuses ?
				    "accusing security forces " : "", a->id,
				    ROUTE_QUEUES_MAX,
				    r->q[d->q[pos]].id);
				return -1;
			}
			out->q[out->n++] = d->q[pos];
			out->line = d->line;
		}
	}
	return 0;
}

int
route_axes_build(struct routes *r, const struct geo *g, const char *path,
    char **cause)
{
	r->naxes = geo_axis_count(g);
	r->axes = xcalloc(r->naxes ? r->naxes : 1, sizeof *r->axes);
	for (unsigned i = 0; i < r->naxes; i++) {
		struct geo_axis ga;

		geo_axis_at(g, i, &ga);
		r->axes[i].id = xstrdup(ga.id);
		for (unsigned k = 0; k < ga.nregions &&
		    k < NV_GEO_AXIS_REGIONS_MAX; k++) {
			int ri = region_of(r, ga.regions[k]);

			if (ri >= 0)
				r->axes[i].regions[r->axes[i].nregions++] =
				    (unsigned)ri;
		}
	}
	r->atable = xcalloc((size_t)r->ncat * (r->naxes ? r->naxes : 1) * 2,
	    sizeof *r->atable);
	for (unsigned c = 0; c < r->ncat; c++)
		for (unsigned i = 0; i < r->naxes; i++)
			for (int a = 0; a < 2; a++)
				if (merge(r, (int)c, &r->axes[i], a,
				    axis_cell(r, (int)c, i, a), path,
				    cause) != 0)
					return -1;
	return 0;
}

void
route_axes_free(struct routes *r)
{
	for (unsigned i = 0; r->axes != NULL && i < r->naxes; i++)
		free(r->axes[i].id);
	free(r->axes);
	free(r->atable);
}

const struct decision *
route_axis_cell(const struct routes *r, int cat, const char *axis,
    int accuses)
{
	for (unsigned i = 0; axis != NULL && i < r->naxes; i++)
		if (strcmp(r->axes[i].id, axis) == 0)
			return axis_cell(r, cat, i, accuses);
	return NULL;
}
