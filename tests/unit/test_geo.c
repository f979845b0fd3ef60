/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * routing/geo and routing/fold: both data sets load; every region of
 * both is found by id and by its spellings, has exactly the cercles
 * geography.md lists (transcribed here independently of the data files),
 * and routes through data/routing.yaml to its own queues; names are
 * folded and matched in free text; faulty files are refused with
 * file:line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/xmalloc.h"
#include "routing/fold.h"
#include "routing/geo.h"
#include "routing/route.h"

static struct geo *geo_a, *geo_b;
static struct routes *routes_a, *routes_b;

static const char *
top(void)
{
	const char *t = getenv("NV_TOP");

	return t != NULL && *t != '\0' ? t : ".";
}

static struct geo *
load_geo(const char *rel)
{
	char path[1024], *cause = NULL;
	struct geo *g;

	snprintf(path, sizeof path, "%s/%s", top(), rel);
	g = geo_load(path, &cause);
	if (g == NULL)
		fail_msg("%s", cause);
	return g;
}

static struct routes *
load_routes(const struct geo *g)
{
	char path[1024], *cause = NULL;
	struct routes *r;

	snprintf(path, sizeof path, "%s/data/routing.yaml", top());
	r = route_load(path, g, &cause);
	if (r == NULL)
		fail_msg("%s", cause);
	return r;
}

/* ------------------------------------------------------------------ */
/* One region: what geography.md says about it.                       */

struct region_case {
	const char *set;	/* "mali-2016" or "mali-2023" */
	const char *id, *name;
	const char *spelling;	/* an alias or the name, with accents */
	const char *plain;	/* the same without accents, other case */
	const char *cercles[9];	/* NULL-terminated */
};

#define KAYES_A "Bafoulabé", "Diéma", "Kayes", "Kéniéba", "Yélimané"
#define KOUL_A "Banamba", "Kangaba", "Kati", "Kolokani", "Koulikoro"
#define SIK_A "Kadiolo", "Kolondiéba", "Sikasso", "Yanfolila", "Yorosso"
#define SEG_A "Barouéli", "Bla", "Macina", "Niono", "Ségou", "Tominian"
#define MOP_A "Bankass", "Djenné", "Koro", "Mopti", "Ténenkou", "Youwarou"
#define NORTH(set) \
	{ set, "tombouctou", "Tombouctou", "Tumbutu", "TIMBUKTU", { "Diré", \
	    "Goundam", "Gourma-Rharous", "Niafunké", "Tombouctou" } }, \
	{ set, "gao", "Gao", "Gao", "GAO", { "Ansongo", "Bourem", "Gao" } }, \
	{ set, "kidal", "Kidal", "Kidal", "kidal ", { "Abeïbara", "Kidal", \
	    "Tessalit", "Tin-Essako" } }, \
	{ set, "menaka", "Ménaka", "Ménaka", "MENAKA", { "Andéramboukane", \
	    "Inékar", "Ménaka", "Tidermène" } }, \
	{ set, "taoudeni", "Taoudéni", "Taoudéni", "taoudenni", { "Achouratt", \
	    "Al-Ourche", "Araouane", "Boû-Djébéha", "Foum-Elba", "Taoudéni" } }, \
	{ set, "bamako", "Bamako", "Bamakɔ", "BAMAKO", { "Commune I", \
	    "Commune II", "Commune III", "Commune IV", "Commune V", \
	    "Commune VI" } }

static const struct region_case cases[] = {
	{ "mali-2016", "kayes", "Kayes", "Kayes", "KAYES",
	    { KAYES_A, "Kita", "Nioro du Sahel" } },
	{ "mali-2016", "koulikoro", "Koulikoro", "Koulikouro", "koulikoro",
	    { KOUL_A, "Dioïla", "Nara" } },
	{ "mali-2016", "sikasso", "Sikasso", "Sikasso", "SIKASSO",
	    { SIK_A, "Bougouni", "Koutiala" } },
	{ "mali-2016", "segou", "Ségou", "Ségou", "SEGOU", { SEG_A, "San" } },
	{ "mali-2016", "mopti", "Mopti", "Mopti", "mopti",
	    { MOP_A, "Bandiagara", "Douentza" } },
	NORTH("mali-2016"),
	/* 2023: each new region takes the cercle named after it. */
	{ "mali-2023", "kayes", "Kayes", "Kayes", "KAYES", { KAYES_A } },
	{ "mali-2023", "koulikoro", "Koulikoro", "Koulikouro", "koulikoro",
	    { KOUL_A } },
	{ "mali-2023", "sikasso", "Sikasso", "Sikasso", "SIKASSO", { SIK_A } },
	{ "mali-2023", "segou", "Ségou", "Ségou", "SEGOU", { SEG_A } },
	{ "mali-2023", "mopti", "Mopti", "Mopti", "mopti", { MOP_A } },
	NORTH("mali-2023"),
	{ "mali-2023", "nioro", "Nioro", "Nioro du Sahel", "NIORO-DU-SAHEL",
	    { "Nioro du Sahel" } },
	{ "mali-2023", "kita", "Kita", "Kita", "KITA", { "Kita" } },
	{ "mali-2023", "dioila", "Dioïla", "Dioïla", "DIOILA", { "Dioïla" } },
	{ "mali-2023", "nara", "Nara", "Nara", "NARA", { "Nara" } },
	{ "mali-2023", "bougouni", "Bougouni", "Bougouni", "bougouni",
	    { "Bougouni" } },
	{ "mali-2023", "koutiala", "Koutiala", "Koutiala", "KOUTIALA",
	    { "Koutiala" } },
	{ "mali-2023", "san", "San", "San", "SAN", { "San" } },
	{ "mali-2023", "douentza", "Douentza", "Douentza", "DOUENTZA",
	    { "Douentza" } },
	{ "mali-2023", "bandiagara", "Bandiagara", "Bandiagara", "BANDIAGARA",
	    { "Bandiagara" } },
};

/* The queues of out, exactly (order as given). */
static void
expect_queues(const struct route_out *out, int urgent, const char *q0,
    const char *q1)
{
	assert_int_equal(out->n, q1 != NULL ? 2 : 1);
	assert_string_equal(out->queues[0], q0);
	if (q1 != NULL)
		assert_string_equal(out->queues[1], q1);
	assert_int_equal(out->urgent, urgent);
}

static void
check_cercles(const struct geo *g, const struct region_case *c)
{
	struct geo_place p;
	unsigned want = 0, got = 0;

	while (want < 9 && c->cercles[want] != NULL) {
		assert_int_equal(geo_find(g, c->cercles[want], &p), 0);
		assert_string_equal(p.region, c->id);
		want++;
	}
	for (unsigned i = 0; geo_at(g, GEO_CERCLE, i, &p) == 0; i++) {
		unsigned j;

		if (strcmp(p.region, c->id) != 0)
			continue;
		got++;
		for (j = 0; j < want && strcmp(c->cercles[j], p.name) != 0; j++)
			;
		if (j == want)
			fail_msg("%s: unexpected cercle %s", c->id, p.name);
		assert_int_equal(p.level, GEO_CERCLE);
		assert_string_equal(p.cercle, p.id);
	}
	assert_int_equal(got, want);
}

static void
check_routes(const struct routes *r, const char *region)
{
	struct route_in in = { .region = region };
	struct route_out out;
	struct route_queue q;
	char gbv[128];

	snprintf(gbv, sizeof gbv, "%s-gbv", region);
	in.category = "arms_seen";
	assert_int_equal(route_report(r, &in, &out), 0);
	expect_queues(&out, 0, region, NULL);
	in.category = "gbv";
	assert_int_equal(route_report(r, &in, &out), 0);
	expect_queues(&out, 0, gbv, NULL);
	assert_int_equal(route_queue(r, gbv, &q), 0);
	assert_false(q.security_forces);
	assert_string_equal(q.kind, "gbv");
	assert_string_equal(q.region, region);
	in.category = "ied";
	assert_int_equal(route_report(r, &in, &out), 0);
	expect_queues(&out, 1, region, "national-eod");
	in.category = "arms_seen";
	in.accuses_security = 1;
	assert_int_equal(route_report(r, &in, &out), 0);
	expect_queues(&out, 0, "national-oversight", NULL);
	assert_int_equal(route_queue(r, region, &q), 0);
	assert_string_equal(q.kind, "regional");
	assert_int_equal(q.escalate_after_s, 900);
	assert_null(q.on_duty);
}

static void
test_region(void **state)
{
	const struct region_case *c = *state;
	int b = strcmp(c->set, "mali-2023") == 0;
	struct geo *g = b ? geo_b : geo_a;
	struct geo_place p;

	assert_string_equal(geo_name(g), c->set);
	assert_int_equal(geo_find(g, c->id, &p), 0);
	assert_string_equal(p.id, c->id);
	assert_string_equal(p.name, c->name);
	assert_string_equal(p.region, c->id);
	assert_int_equal(p.level, GEO_REGION);
	assert_null(p.cercle);
	assert_int_equal(geo_find_id(g, c->id, &p), 0);
	/* Spellings may be cercles too ("Gao"): the region must follow. */
	assert_int_equal(geo_find(g, c->spelling, &p), 0);
	assert_string_equal(p.region, c->id);
	assert_int_equal(geo_find(g, c->plain, &p), 0);
	assert_string_equal(p.region, c->id);
	check_cercles(g, c);
	check_routes(b ? routes_b : routes_a, c->id);
}

/* ------------------------------------------------------------------ */

static void
test_counts(void **state)
{
	struct geo_place p;
	double lat, lon;

	(void)state;
	assert_int_equal(geo_region_count(geo_a), 11);
	assert_int_equal(geo_region_count(geo_b), 20);
	assert_int_equal(geo_count(geo_a, GEO_CERCLE), 64);
	assert_int_equal(geo_count(geo_b, GEO_CERCLE), 64);
	assert_int_equal(geo_count(geo_a, GEO_COMMUNE),
	    geo_count(geo_b, GEO_COMMUNE));
	assert_int_equal(geo_count(geo_a, 0), 0);
	assert_int_equal(geo_region_at(geo_a, 11, &p), -1);
	assert_string_equal(geo_status(geo_a), "draft");
	assert_string_equal(geo_status(geo_b), "to verify");
	/* Templates give one regional and one GBV queue per region. */
	assert_int_equal(route_queue_count(routes_a), 2 * 11 + 4);
	assert_int_equal(route_queue_count(routes_b), 2 * 20 + 4);
	assert_int_equal(geo_capital(geo_a, "gao", &lat, &lon), 0);
	assert_true(lat > 16.2 && lat < 16.3 && lon > -0.1 && lon < 0);
	assert_int_equal(geo_capital(geo_a, "gao.ansongo", &lat, &lon), -1);
	assert_int_equal(geo_region_at(geo_a, 0, &p), 0);
	assert_string_equal(p.zone, "sud");
	assert_int_equal(geo_find(geo_a, "tombouctou.dire", &p), 0);
	assert_string_equal(p.zone, "nord");
}

static void
test_fold(void **state)
{
	static const char *const same[] = { "Ségou", "SÉGOU", "segou",
	    "Se\xcc\x81gou", "  S\xc3\xa8GOU!" };
	char out[64];

	(void)state;
	for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
		fold_text(same[i], strlen(same[i]), out, sizeof out);
		assert_string_equal(out, "segou");
	}
	fold_text("Gourma-Rharous", 14, out, sizeof out);
	assert_string_equal(out, "gourma rharous");
	fold_text("Gourma\xe2\x80\x99Rharous", 16, out, sizeof out);
	assert_string_equal(out, "gourma rharous");
	fold_text("ɛɔɲŋ ÆŒß ç ñ ɣ", strlen("ɛɔɲŋ ÆŒß ç ñ ɣ"), out,
	    sizeof out);
	assert_string_equal(out, "eonyng aeoess c ny gh");
	/* Other scripts stay as they are; a bad octet separates. */
	fold_text("\xe2\xb5\xa3x\xff" "A", 6, out, sizeof out);
	assert_string_equal(out, "\xe2\xb5\xa3x a");
	/* Cut to the buffer at a word boundary, never mid-word. */
	assert_int_equal(fold_text("Ansongo Bourem", 14, out, 12), 7);
	assert_string_equal(out, "ansongo");
	assert_int_equal(fold_text("Ansongo", 7, out, 7), 0);
	assert_string_equal(out, "");
}

static void
test_find(void **state)
{
	struct geo_place p;

	(void)state;
	/* "Gao": region, cercle; the cercle (more specific) answers. */
	assert_int_equal(geo_find(geo_a, "Gao", &p), 0);
	assert_string_equal(p.id, "gao.gao");
	assert_string_equal(p.region, "gao");
	assert_int_equal(p.level, GEO_CERCLE);
	/* The id is exact: "gao" is the region. */
	assert_int_equal(geo_find(geo_a, "gao", &p), 0);
	assert_string_equal(p.id, "gao");
	/* "Kita": a cercle of Kayes in 2016, of region Kita in 2023. */
	assert_int_equal(geo_find(geo_a, "Kita", &p), 0);
	assert_string_equal(p.id, "kayes.kita");
	assert_string_equal(p.region, "kayes");
	assert_int_equal(geo_find(geo_b, "KITA", &p), 0);
	assert_string_equal(p.id, "kita.kita");
	assert_string_equal(p.region, "kita");
	/* Spelling variants of the seeds [GK]. */
	assert_int_equal(geo_find(geo_a, "Rarhouss", &p), 0);
	assert_string_equal(p.id, "tombouctou.gourma-rharous");
	assert_int_equal(geo_find(geo_a, "goyngam", &p), 0);
	assert_string_equal(p.id, "tombouctou.goundam");
	assert_int_equal(geo_find(geo_a, "Adiel hoc", &p), 0);
	assert_string_equal(p.id, "kidal.tessalit.aguelhok");
	assert_string_equal(p.cercle, "kidal.tessalit");
	assert_int_equal(p.level, GEO_COMMUNE);
	assert_int_equal(geo_find(geo_a, "Abeibara", &p), 0);
	assert_string_equal(p.region, "kidal");
	assert_int_equal(geo_find(geo_a, "Jenne", &p), 0);
	assert_string_equal(p.id, "mopti.djenne");
	assert_int_equal(geo_find(geo_a, "niafunke", &p), 0);
	assert_string_equal(p.region, "tombouctou");
	/* A place with no known cercle. */
	assert_int_equal(geo_find(geo_a, "N'Tahaka", &p), 0);
	assert_string_equal(p.region, "gao");
	assert_null(p.cercle);
	/* A place follows its cercle to the new region. */
	assert_int_equal(geo_find(geo_b, "Boni", &p), 0);
	assert_string_equal(p.region, "douentza");
	assert_int_equal(geo_find(geo_a, "Boni", &p), 0);
	assert_string_equal(p.region, "mopti");
	assert_int_equal(geo_find(geo_a, "Gaoussou", &p), -1);
	assert_int_equal(geo_find(geo_a, "", &p), -1);
	assert_int_equal(geo_find(geo_a, "GAO.ANSONGO", &p), -1);
	assert_string_equal(geo_display_name(geo_a, "segou", "bm"), "Segu");
	assert_string_equal(geo_display_name(geo_a, "segou", "ff"), "Ségou");
	assert_null(geo_display_name(geo_a, "nowhere", "fr"));
}

/* Expects the text to name region/cercle/commune (NULL: not named). */
static void
match(const struct geo *g, const char *text, const char *region,
    const char *cercle, const char *commune)
{
	struct geo_match m;
	int rc = geo_match_text(g, text, &m);

	if (region == NULL) {
		if (rc != -1)
			fail_msg("\"%s\" named %s", text, m.region);
		assert_null(m.region);
		return;
	}
	if (rc != 0)
		fail_msg("\"%s\" named nothing", text);
	assert_null(m.axis);
	assert_string_equal(m.region, region);
	if (cercle == NULL)
		assert_null(m.cercle);
	else
		assert_string_equal(m.cercle, cercle);
	if (commune == NULL)
		assert_null(m.commune);
	else
		assert_string_equal(m.commune, commune);
}

static void
test_match_text(void **state)
{
	(void)state;
	match(geo_a, "ARME Ansongo deux hommes armés au marché", "gao",
	    "gao.ansongo", NULL);
	match(geo_a, "eei sur la route vers Gourma Rharous", "tombouctou",
	    "tombouctou.gourma-rharous", NULL);
	match(geo_a, "TOMBOUCTOU", "tombouctou", "tombouctou.tombouctou", NULL);
	/* Word boundaries: no Gao in Gaoussou. */
	match(geo_a, "Gaoussou a vu des armes", NULL, NULL, NULL);
	match(geo_a, "chez Gaoussou, Gao", "gao", "gao.gao", NULL);
	/* Longest name wins: "Nioro du Sahel" and "Zirakoro Dounfing". */
	match(geo_a, "armes a Nioro du Sahel", "kayes",
	    "kayes.nioro-du-sahel", NULL);
	match(geo_a, "zirakoro dounfing", "bamako", NULL,
	    "bamako.zirakoro-dounfing");
	/* Two places: the most specific, then the one whose region the
	 * text also names, then the first. */
	match(geo_a, "Gao Ansongo", "gao", "gao.ansongo", NULL);
	match(geo_a, "Ansongo Gao", "gao", "gao.ansongo", NULL);
	match(geo_a, "Mopti Tessit", "gao", "gao.ansongo",
	    "gao.ansongo.tessit");
	match(geo_a, "Kidal Tessalit", "kidal", "kidal.tessalit",
	    "kidal.tessalit.tessalit");
	match(geo_a, "Bourem ou Ansongo", "gao", "gao.bourem", NULL);
	/* Accents, case and apostrophes. */
	match(geo_a, "VBG a DJENNE", "mopti", "mopti.djenne", NULL);
	match(geo_a, "n'tillit", "gao", "gao.gao", "gao.gao.intillit");
	match(geo_b, "Kita ARME", "kita", "kita.kita", NULL);
	/* Bambara spellings (draft aliases), with ɛ and ɔ. */
	match(geo_a, "marifa bɛ Bamakɔ", "bamako", NULL, NULL);
	match(geo_b, "marifa bɛ MƆPTI", "mopti", "mopti.mopti", NULL);
	match(geo_a, "Kayi", "kayes", NULL, NULL);
	/* Common words count only after a qualifier. */
	match(geo_a, "c'est-à-dire rien", NULL, NULL, NULL);
	match(geo_a, "un san", NULL, NULL, NULL);
	match(geo_a, "vers Diré", "tombouctou", "tombouctou.dire", NULL);
	match(geo_a, "cercle de San", "segou", "segou.san", NULL);
	match(geo_a, "", NULL, NULL, NULL);
	match(geo_a, NULL, NULL, NULL, NULL);
}

/* The axis and region a text names (NULL: none). */
static void
match_axis(const struct geo *g, const char *text, const char *axis,
    const char *region, const char *commune)
{
	struct geo_match m;

	if (geo_match_text(g, text, &m) != 0)
		fail_msg("\"%s\" named nothing", text);
	if ((axis == NULL) != (m.axis == NULL) || (axis != NULL &&
	    strcmp(axis, m.axis) != 0))
		fail_msg("\"%s\": axis %s, want %s", text, m.axis ? m.axis :
		    "none", axis ? axis : "none");
	if ((region == NULL) != (m.region == NULL) || (region != NULL &&
	    strcmp(region, m.region) != 0))
		fail_msg("\"%s\": region %s, want %s", text, m.region ?
		    m.region : "none", region ? region : "none");
	if (commune == NULL)
		assert_null(m.commune);
	else
		assert_string_equal(m.commune, commune);
}

static void
expect_axis(const struct geo *g, const char *name, const char *id,
    const char *r0, const char *r1, const char *r2)
{
	struct geo_axis ax;
	const char *want[] = { r0, r1, r2 };
	unsigned n = r2 != NULL ? 3 : 2;

	if (geo_axis_find(g, name, &ax) != 0)
		fail_msg("%s: no axis %s", geo_name(g), name);
	assert_string_equal(ax.id, id);
	assert_int_equal(ax.nregions, n);
	for (unsigned i = 0; i < n; i++)
		assert_string_equal(ax.regions[i], want[i]);
}

/* The five axes of seed 002:3598-3610 in both data sets, crossing the
 * regions geography.md gives; found by id and by every kind of name. */
static void
test_axes(void **state)
{
	struct geo_axis ax;

	(void)state;
	assert_int_equal(geo_axis_count(geo_a), 5);
	assert_int_equal(geo_axis_count(geo_b), 5);
	assert_int_equal(geo_axis_at(geo_a, 0, &ax), 0);
	assert_string_equal(ax.id, "axis.douentza-gao");
	assert_string_equal(ax.name, "Douentza-Boni-Hombori-Gossi-Gao");
	assert_int_equal(geo_axis_at(geo_a, 5, &ax), -1);
	expect_axis(geo_a, "axis.douentza-gao", "axis.douentza-gao", "mopti",
	    "tombouctou", "gao");
	expect_axis(geo_b, "axis.douentza-gao", "axis.douentza-gao",
	    "douentza", "tombouctou", "gao");
	expect_axis(geo_a, "Douentza-Gao", "axis.douentza-gao", "mopti",
	    "tombouctou", "gao");
	expect_axis(geo_a, "douentza gao", "axis.douentza-gao", "mopti",
	    "tombouctou", "gao");
	expect_axis(geo_a, "GAO GOSSI HOMBORI BONI DOUENTZA",
	    "axis.douentza-gao", "mopti", "tombouctou", "gao");
	expect_axis(geo_a, "Macina-Ténenkou", "axis.macina-tenenkou", "segou",
	    "mopti", NULL);
	expect_axis(geo_b, "massina tenenkou", "axis.macina-tenenkou",
	    "segou", "mopti", NULL);
	expect_axis(geo_a, "Gao-Ansongo-Ménaka", "axis.gao-menaka", "gao",
	    "menaka", NULL);
	expect_axis(geo_b, "gao ansongo menaka", "axis.gao-menaka", "gao",
	    "menaka", NULL);
	expect_axis(geo_a, "Kidal-Gao", "axis.gao-kidal", "gao", "kidal",
	    NULL);
	expect_axis(geo_b, "Niono-Léré-Tombouctou", "axis.niono-tombouctou",
	    "segou", "tombouctou", NULL);
	expect_axis(geo_a, "niono lere tombouctou", "axis.niono-tombouctou",
	    "segou", "tombouctou", NULL);
	/* A town is not an axis; an axis is not a place. */
	assert_int_equal(geo_axis_find(geo_a, "Gao", &ax), -1);
	assert_int_equal(geo_axis_find(geo_a, "Gao Ansongo", &ax), -1);
	assert_int_equal(geo_axis_find(geo_a, "axis.nowhere", &ax), -1);
	assert_int_equal(geo_axis_find(geo_a, "", &ax), -1);
	assert_int_equal(geo_axis_find(geo_a, NULL, &ax), -1);
	{
		struct geo_place p;

		assert_int_equal(geo_find(geo_a, "Douentza-Gao", &p), -1);
		assert_int_equal(geo_find_id(geo_a, "axis.gao-kidal", &p), -1);
	}
}

static void
test_match_axes(void **state)
{
	(void)state;
	/* By a name: the words are the road, not where the report is. */
	match_axis(geo_a, "EEI sur l'axe Douentza Gao", "axis.douentza-gao",
	    NULL, NULL);
	match_axis(geo_b, "EEI sur l'axe Douentza-Gao", "axis.douentza-gao",
	    NULL, NULL);
	match_axis(geo_a, "route Gao-Ansongo-Menaka", "axis.gao-menaka", NULL,
	    NULL);
	match_axis(geo_a, "ENGIN SUR LA ROUTE GAO ANSONGO MÉNAKA",
	    "axis.gao-menaka", NULL, NULL);
	match_axis(geo_a, "mine axe Niono-Léré-Tombouctou",
	    "axis.niono-tombouctou", NULL, NULL);
	/* A place besides the axis's name gives the region. */
	match_axis(geo_a, "axe Douentza-Gao pres de Boni", "axis.douentza-gao",
	    "mopti", "mopti.douentza.boni");
	match_axis(geo_b, "axe Douentza-Gao pres de Boni", "axis.douentza-gao",
	    "douentza", "douentza.douentza.boni");
	/* By towns in two regions; they stay places too. */
	match_axis(geo_a, "EEI entre Hombori et Gossi", "axis.douentza-gao",
	    "mopti", "mopti.douentza.hombori");
	match_axis(geo_b, "EEI entre Hombori et Gossi", "axis.douentza-gao",
	    "douentza", "douentza.douentza.hombori");
	match_axis(geo_a, "entre Macina et Ténenkou", "axis.macina-tenenkou",
	    "segou", NULL);
	/* Towns of one region name a place of it, not the axis. */
	match_axis(geo_a, "Gao Ansongo", NULL, "gao", NULL);
	match_axis(geo_a, "EEI entre Douentza et Boni", NULL, "mopti",
	    "mopti.douentza.boni");
	match_axis(geo_b, "EEI entre Douentza et Hombori", NULL, "douentza",
	    "douentza.douentza.hombori");
	/* One town is never an axis. */
	match_axis(geo_a, "Gao", NULL, "gao", NULL);
	match_axis(geo_a, "EEI sur la route de Gossi", NULL, "tombouctou",
	    "tombouctou.gourma-rharous.gossi");
	/* Whole words only, as for places. */
	match(geo_a, "Douentza-Gaoussou", "mopti", "mopti.douentza", NULL);
}

/* A long text is read up to its bound, without harm. */
static void
test_match_long(void **state)
{
	size_t n = 100000;
	char *t = xmalloc(n + 1);

	(void)state;
	for (size_t i = 0; i < n; i++)
		t[i] = "Gao "[i % 4];
	t[n] = '\0';
	match(geo_a, t, "gao", "gao.gao", NULL);
	memset(t, 'x', n);
	memcpy(t + n - 8, " Ansongo", 8);
	match(geo_a, t, NULL, NULL, NULL);
	free(t);
}

/* ------------------------------------------------------------------ */

/* Writes a YAML file and expects geo_load to fail with the message. */
static void
bad_geo(const char *yaml, const char *want)
{
	char path[] = "/tmp/nv-geo-XXXXXX", *cause = NULL;
	int fd = mkstemp(path);
	struct geo *g;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, yaml, strlen(yaml)), (ssize_t)strlen(yaml));
	close(fd);
	g = geo_load(path, &cause);
	unlink(path);
	if (g != NULL)
		fail_msg("accepted; wanted \"%s\"", want);
	assert_non_null(cause);
	if (strstr(cause, path) == NULL || strstr(cause, want) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", cause, want);
	free(cause);
}

/* Five regions, no cercle; axes from line 11. */
#define AXES_HEAD "name: t\nstatus: draft\nregions:\n" \
	"  - {id: gao, name: Gao, zone: nord}\n" \
	"  - {id: kidal, name: Kidal, zone: nord}\n" \
	"  - {id: menaka, name: Menaka, zone: nord}\n" \
	"  - {id: mopti, name: Mopti, zone: centre}\n" \
	"  - {id: segou, name: Segou, zone: centre}\n" \
	"cercles: []\naxes:\n"

static void
test_axis_refusals(void)
{
	bad_geo(AXES_HEAD "  - {id: axis.x, name: Gao-Tessit, towns: [Gao, "
	    "Kidal], regions: [gao, tessit]}\n",
	    ":11: not a region of this file: 'tessit'");
	bad_geo(AXES_HEAD "  - {id: axis.x, name: Long, towns: [Gao, Kidal], "
	    "regions: [gao, kidal, menaka, mopti, segou]}\n",
	    ":11: crosses more regions than NV_GEO_AXIS_REGIONS_MAX");
	bad_geo(AXES_HEAD "  - {id: axis.x, name: X, towns: [Gao, Kidal], "
	    "regions: [gao, kidal, gao]}\n", ":11: region listed twice: 'gao'");
	bad_geo(AXES_HEAD "  - {id: axis.x, name: X, towns: [Gao, Mopti], "
	    "regions: [gao, kidal]}\n",
	    ":11: town in a region the axis does not list: 'mopti'");
	bad_geo(AXES_HEAD "  - {id: axis.x, name: X, towns: [Gao, Tessit], "
	    "regions: [gao, kidal]}\n",
	    ":11: towns: not a name of a place of this file: 'Tessit'");
	bad_geo(AXES_HEAD "  - {id: axis.x, name: X, towns: [Gao], "
	    "regions: [gao]}\n", ":11: towns: expected 2 to");
	bad_geo(AXES_HEAD "  - {id: axis.x, name: X, towns: [Gao, Kidal], "
	    "regions: []}\n", ":11: regions: expected a list");
	bad_geo(AXES_HEAD "  - {id: axis.x, name: X, aliases: [Kidal], towns: "
	    "[Gao, Kidal], regions: [gao, kidal]}\n",
	    ":11: an axis name must not be a place's name: 'Kidal'");
	bad_geo(AXES_HEAD "  - {id: axis.x, name: Gao-Kidal, towns: [Gao, "
	    "Kidal], regions: [gao, kidal]}\n  - {id: axis.y, name: Y, "
	    "aliases: [\"Gao Kidal\"], towns: [Gao, Kidal], regions: [gao, "
	    "kidal]}\n", "names both axes");
	bad_geo(AXES_HEAD "  - {id: axis.x, name: X, towns: [Gao, Kidal], "
	    "regions: [gao, kidal]}\n  - {id: axis.x, name: Y, towns: [Gao, "
	    "Kidal], regions: [gao, kidal]}\n", ":12: duplicate id 'axis.x'");
	bad_geo(AXES_HEAD "  - {id: gao, name: X, towns: [Gao, Kidal], "
	    "regions: [gao, kidal]}\n", ":11: duplicate id 'gao'");
	bad_geo(AXES_HEAD "  - {id: axis.x, name: X, towns: [Gao, Kidal], "
	    "region: [gao, kidal]}\n", ":11: unknown key 'region'");
}

#define HEAD "name: t\nstatus: draft\n"
#define REG "regions:\n  - {id: gao, name: Gao, zone: nord}\n"

static void
test_refusals(void **state)
{
	struct geo *g;
	char *cause = NULL;

	(void)state;
	bad_geo(HEAD REG "  - {id: gao, name: Gao2, zone: nord}\n"
	    "cercles: []\n", ":5: duplicate id 'gao'");
	bad_geo(HEAD REG "cercles:\n  - {id: gao.x, name: X}\n",
	    ":6: no region: given");
	bad_geo(HEAD REG "cercles:\n  - {id: gao.x, name: X, region: kidal}\n",
	    ":6: not a region of this file: 'kidal'");
	bad_geo(HEAD REG "cercles:\n  - {id: gao.x, name: X, region: gao}\n"
	    "communes:\n  - {id: gao.y, name: Y, region: gao, cercle: gao}\n",
	    ":8: not a cercle of this file: 'gao'");
	bad_geo(HEAD REG "cercles:\n  - {id: gao.x, name: X, region: gao}\n"
	    "  - {id: gao.y, name: Y, region: gao, aliases: [\"x\"]}\n",
	    ":7: 'x' names both");
	bad_geo(HEAD REG "cercles:\n  - {id: gao.x, name: X, region: gao, "
	    "alias: [Z]}\n", ":6: unknown key 'alias'");
	bad_geo(HEAD REG "cercles:\n  - {id: Gao X, name: X, region: gao}\n",
	    ":6: expected an id");
	bad_geo(HEAD "regions:\n  - {id: gao, name: Gao, zone: est}\n"
	    "cercles: []\n", ":4: zone:");
	bad_geo(HEAD "regions:\n  - {id: gao, name: Gao, zone: nord, "
	    "capital: [-0.04, 16.27]}\ncercles: []\n", ":4: capital:");
	bad_geo(HEAD REG "cercles: []\ntext_qualified: [Gaoo]\n",
	    "not a name of this file: 'gaoo'");
	bad_geo(HEAD REG "cercles: [\n", ":");
	bad_geo("regions: []\n", ":1: name: and status: are required");
	/* The same name at one level is fine once declared ambiguous: the
	 * level is skipped and the region answers. */
	{
		static const char ok[] = HEAD "ambiguous: [X]\n" REG
		    "cercles:\n  - {id: gao.x, name: X, region: gao}\n"
		    "  - {id: gao.y, name: Y, region: gao, aliases: [X]}\n";
		char path[] = "/tmp/nv-geo-XXXXXX";
		int fd = mkstemp(path);
		struct geo_place p;

		assert_int_equal(write(fd, ok, strlen(ok)), (ssize_t)strlen(ok));
		close(fd);
		g = geo_load(path, &cause);
		unlink(path);
		if (g == NULL)
			fail_msg("%s", cause);
		assert_int_equal(geo_find(g, "x", &p), -1);
		assert_int_equal(geo_find(g, "y", &p), 0);
		geo_free(g);
	}
	test_axis_refusals();
	assert_null(geo_load("/nonexistent/geo.yaml", &cause));
	assert_non_null(strstr(cause, "/nonexistent/geo.yaml"));
	free(cause);
}

static int
setup(void **state)
{
	(void)state;
	geo_a = load_geo("data/geo/mali-2016.yaml");
	geo_b = load_geo("data/geo/mali-2023.yaml");
	routes_a = load_routes(geo_a);
	routes_b = load_routes(geo_b);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	route_free(routes_a);
	route_free(routes_b);
	geo_free(geo_a);
	geo_free(geo_b);
	return 0;
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_match_text),
		cmocka_unit_test(test_match_long),
		cmocka_unit_test(test_axes),
		cmocka_unit_test(test_match_axes),
		cmocka_unit_test(test_refusals),
	};
	size_t nc = sizeof cases / sizeof *cases, nf = ARRAY_SIZE(fixed);
	struct CMUnitTest *t = xcalloc(nf + nc, sizeof *t);
	int rc;

	memcpy(t, fixed, sizeof fixed);
	/* One test case per region of each data set. */
	for (size_t i = 0; i < nc; i++) {
		t[nf + i].name = xasprintf("region %s %s", cases[i].set,
		    cases[i].id);
		t[nf + i].test_func = test_region;
		t[nf + i].initial_state = (void *)&cases[i];
	}
	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);
	rc = _cmocka_run_group_tests("geo", t, nf + nc, setup, teardown);
	for (size_t i = 0; i < nc; i++)
		free((char *)t[nf + i].name);
	free(t);
	return rc != 0;
}
