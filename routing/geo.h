/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Mali's administrative geography as data: regions, their cercles, and
 * the communes and places people name, loaded from a YAML file
 * (data/geo/mali-2016.yaml, data/geo/mali-2023.yaml), so that the 2016
 * ten-region map and the 2023 nineteen-region one are switched by
 * choosing a file, not by a rebuild.
 * docs/routing.md describes the files, the ambiguity rules and how text
 * is matched.
 *
 * Names are found case-, accent- and punctuation-insensitively
 * (routing/fold.h). One name may belong to places of different levels
 * ("Gao" is a region and a cercle; "Kita" a cercle and, in 2023, a
 * region): the most specific level at which the name is unambiguous
 * wins, and the region is that place's parent region. Two places of the
 * same level may share a name only if the file lists the name under
 * `ambiguous:`; that level is then skipped for that name.
 *
 * A loaded struct geo is read-only: any number of threads may use it.
 */
#ifndef NV_GEO_H
#define NV_GEO_H

struct geo;

enum {
	GEO_REGION = 1,
	GEO_CERCLE = 2,
	GEO_COMMUNE = 3,	/* a commune, town, village or named place */
};

/*
 * Loads and checks a data set. NULL with *cause (caller frees) naming
 * file:line when the YAML is bad, an id is repeated, a cercle or commune
 * names no known region or cercle (or a cercle of another region), a
 * name points to two places of one level without being listed as
 * ambiguous, or a limit of base/limits.h is passed.
 */
struct geo *geo_load(const char *path, char **cause);
void geo_free(struct geo *g);

/* The data set's name ("mali-2016") and review status ("draft"). */
const char *geo_name(const struct geo *g);
const char *geo_status(const struct geo *g);

/* Strings point into the struct geo and live as long as it. */
struct geo_place {
	const char *id;		/* "gao.ansongo" */
	const char *name;	/* display name (French spelling) */
	const char *region;	/* region id (the place itself for a region) */
	int level;		/* GEO_REGION, GEO_CERCLE, GEO_COMMUNE */
	/* Additions to the first sketch: */
	const char *cercle;	/* cercle id of a commune (NULL if unknown),
				 * of a cercle itself; NULL for a region */
	const char *zone;	/* "nord", "centre" or "sud" of its region */
};

/*
 * By id or by name. An id is matched exactly (ids are lower-case ASCII:
 * "gao" is the region); anything else is folded and looked up among the
 * names and aliases, where the most specific unambiguous level wins
 * ("Gao", "GAO" and "gao " are the cercle Gao of region gao; "Kita" is
 * the cercle, in region kayes in 2016 and kita in 2023). 0 with *out
 * filled, -1 when nothing (or nothing unambiguous) has it.
 */
int geo_find(const struct geo *g, const char *id_or_alias,
    struct geo_place *out);

/* By id only (an addition to the first sketch): 0 or -1. */
int geo_find_id(const struct geo *g, const char *id, struct geo_place *out);

/* Regions in file order. */
unsigned geo_region_count(const struct geo *g);
int geo_region_at(const struct geo *g, unsigned i, struct geo_place *out);

/* Places of any level in file order (regions, then cercles, then
 * communes); 0 or -1 past the end or for a bad level. */
unsigned geo_count(const struct geo *g, int level);
int geo_at(const struct geo *g, int level, unsigned i,
    struct geo_place *out);

/*
 * A place's name in a language ("fr", "bm", "ff", "ses", "taq"): the
 * file's `names:` entry when it has one, else the display name. NULL for
 * an unknown id.
 */
const char *geo_display_name(const struct geo *g, const char *id,
    const char *lang);

/* A region's capital (degrees, approximate, for the statistics map):
 * 0, or -1 when the place has none in the file. */
int geo_capital(const struct geo *g, const char *id, double *lat,
    double *lon);

/*
 * Named road axes where IEDs are laid (DESIGN §4, seed 002:3598-3610):
 * the file's `axes:` list. A report on an axis reaches the queues of
 * every region the axis crosses (routing/route.h). Strings point into
 * the struct geo and live as long as it.
 */
struct geo_axis {
	const char *id;			/* "axis.douentza-gao" */
	const char *name;		/* "Douentza-Boni-Hombori-Gossi-Gao" */
	const char *const *regions;	/* region ids crossed, in road order */
	unsigned nregions;		/* 1 .. NV_GEO_AXIS_REGIONS_MAX */
};

/* Axes in file order; geo_axis_at is 0, or -1 past the end. */
unsigned geo_axis_count(const struct geo *g);
int geo_axis_at(const struct geo *g, unsigned i, struct geo_axis *out);

/*
 * By id (exact) or by name or alias (folded like place names: "axe"
 * is not part of them, "Douentza Gao" and "DOUENTZA-GAO" are one): 0
 * with *out filled, -1 when no axis has it. A single town ("Gao") is
 * never an axis name: the loader refuses axis names that name a place.
 */
int geo_axis_find(const struct geo *g, const char *id_or_alias,
    struct geo_axis *out);

/* Ids; NULL when not named. */
struct geo_match {
	const char *region, *cercle, *commune;
	/* Addition: the axis the text names (an id of geo_axis), or NULL.
	 * region, cercle and commune then still come from the places the
	 * text names besides the axis's name, and may all be NULL. */
	const char *axis;
};

/*
 * Finds the place an SMS names: 0 with *out filled, -1 when it names
 * neither a place nor an axis. Names match whole words only ("Gao"
 * is not in "Gaoussou"); at each word the longest name wins ("Gourma
 * Rharous" over a shorter one). When the text names several places,
 * the most specific one wins; between equally specific ones, the one
 * whose region or cercle the text also names, then the first. Names listed under `text_qualified:`
 * in the file (common words: French "dire", Bambara "san" = year) count
 * only after a word of `text_qualifiers:`, possibly with up to two
 * `text_connectors:` between ("vers Diré", "cercle de San"; not
 * "c'est-à-dire").
 * An axis is named by one of its names or aliases ("axe Douentza Gao",
 * "route Gao-Ansongo-Ménaka"; the words it covers name no place), or
 * by two or more of its towns lying in at least two different regions
 * ("entre Hombori et Gossi"): two towns of one region ("Gao Ansongo")
 * locate the report in that region, which is routed as today. Several
 * axes: the first named by a name, else the one with most towns named,
 * then the first in the file.
 * At most NV_GEO_TEXT_MAX octets of the text are read.
 */
int geo_match_text(const struct geo *g, const char *utf8,
    struct geo_match *out);

#endif
