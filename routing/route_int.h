/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The private half of route.h: struct routes and what route.c (the
 * file, the rules, the table per region) and route_axis.c (road axes)
 * share. Private to routing/route*.c.
 */
#ifndef NV_ROUTE_INT_H
#define NV_ROUTE_INT_H

#include "base/limits.h"
#include "route.h"

#define TEMPLATE "{region}"

/* Region values of a rule besides a region index. */
#define R_ANY (-1)
#define R_UNKNOWN (-2)

struct queue {
	char *id, *kind, *region, *on_duty, *readers;
	int security_forces;
	unsigned escalate_after;
};

struct category {
	char *id;
	int protected_;	/* never to a queue security forces read */
};

struct rule {
	int cat;		/* category index, or -1 for any */
	int region;		/* region index, R_ANY or R_UNKNOWN */
	int accuses;		/* 0, 1, or -1 for either */
	char *q[ROUTE_QUEUES_MAX];
	unsigned nq, line;
	int urgent, used;
};

struct number {
	char digits[NV_ROUTE_ID_MAX];
	const char *region;	/* into routes->regions, or "national" */
};

/* What route_report answers, computed at load for every combination. */
struct decision {
	unsigned q[ROUTE_QUEUES_MAX];
	unsigned n;
	int urgent;
	unsigned line;		/* of the rule that decided (messages) */
};

struct routes {
	char **regions;		/* the region ids of the geography */
	unsigned nregions;
	struct category *cat;
	unsigned ncat;
	struct queue *q;
	unsigned nq;
	struct number *num;
	unsigned nnum;
	struct rule *rules;
	unsigned nrules;
	/* [category][region, nregions = none known][accuses 0/1] */
	struct decision *table;
	struct raxis *axes;	/* road axes of the geography (route_axis.c) */
	unsigned naxes;
	/* [category][axis][accuses 0/1] */
	struct decision *atable;
};

/* A road axis as routing sees it: its id and the indices, in
 * routes->regions, of the regions it crosses. */
struct raxis {
	char *id;
	unsigned regions[NV_GEO_AXIS_REGIONS_MAX];
	unsigned nregions;
};

/* The precomputed answer for a category, a region index (or -1: none
 * known) and an accusation. */
struct decision *route_cell(const struct routes *r, int cat, int region,
    int accuses);

/*
 * Copies the geography's axes and routes every (category, axis,
 * accusation) at load: 0, or -1 with *cause when one would need more
 * than ROUTE_QUEUES_MAX queues. After the per-region table is built.
 */
int route_axes_build(struct routes *r, const struct geo *g,
    const char *path, char **cause);
void route_axes_free(struct routes *r);

/* The decision for a report on the axis of that id, or NULL when the
 * routing data has no such axis. */
const struct decision *route_axis_cell(const struct routes *r, int cat,
    const char *axis, int accuses);

#endif
