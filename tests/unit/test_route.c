/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * routing/route: data/routing.yaml routes every category as the policy
 * says, against both geography data sets; inbound numbers map to their
 * regions; files that would route GBV or accusations where security
 * forces read, leave a combination unrouted, name what does not exist
 * (also after a switch of data set) or are not YAML are refused with
 * file:line. (The per-region routing checks are in test_geo.c.)
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

#include "routing/geo.h"
#include "routing/route.h"

static struct geo *geo_a, *geo_b;
static struct routes *ra, *rb;

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
load_routes(const struct geo *g, const char *rel)
{
	char path[1024], *cause = NULL;
	struct routes *r;

	snprintf(path, sizeof path, "%s/%s", top(), rel);
	r = route_load(path, g, &cause);
	if (r == NULL)
		fail_msg("%s", cause);
	return r;
}

/* Routes a report and compares the queues (space-separated) exactly. */
static void
route(const struct routes *r, const char *cat, const char *region,
    int accuses, const char *want, int urgent)
{
	struct route_in in = { cat, region, accuses, NULL };
	struct route_out out;
	char got[256] = "";

	assert_int_equal(route_report(r, &in, &out), 0);
	for (unsigned i = 0; i < out.n; i++) {
		strcat(got, i ? " " : "");
		strcat(got, out.queues[i]);
	}
	if (strcmp(got, want) != 0)
		fail_msg("%s from %s: got \"%s\", want \"%s\"", cat,
		    region ? region : "(none)", got, want);
	assert_int_equal(out.urgent, urgent);
}

static void
test_policy(void **state)
{
	static const char *const cats[] = { "arms_seen", "arms_cache",
	    "trafficking", "manufacture", "ied", "gbv", "extremism",
	    "attack", "intercommunity", "information", "unsorted" };
	struct route_in in = { "weapons", "gao", 0, NULL };
	struct route_out out;

	(void)state;
	for (size_t i = 0; i < sizeof cats / sizeof *cats; i++)
		assert_true(route_category_valid(ra, cats[i]));
	assert_false(route_category_valid(ra, "weapons"));
	assert_false(route_category_valid(ra, NULL));
	assert_false(route_category_valid(ra, "*"));
	assert_int_equal(route_report(ra, &in, &out), -1);
	assert_int_equal(out.n, 0);
	/* Unknown region: national triage (GBV: national GBV desk). */
	route(ra, "arms_cache", NULL, 0, "national-triage", 0);
	route(ra, "arms_cache", "", 0, "national-triage", 0);
	route(ra, "arms_cache", "gao.ansongo", 0, "national-triage", 0);
	route(ra, "gbv", NULL, 0, "national-gbv", 0);
	route(ra, "ied", NULL, 0, "national-triage national-eod", 1);
	route(ra, "attack", "mopti", 0, "mopti", 1);
	route(ra, "unsorted", "bamako", 0, "bamako", 0);
	/* GBV accusing security forces stays with GBV caseworkers. */
	route(ra, "gbv", "kidal", 1, "kidal-gbv", 0);
	route(ra, "gbv", NULL, 1, "national-gbv", 0);
	/* Accusations: out of the chain, urgency kept. */
	route(ra, "ied", "gao", 1, "national-oversight", 1);
	route(ra, "attack", NULL, 1, "national-oversight", 1);
	route(ra, "extremism", "segou", 1, "national-oversight", 0);
	/* A region of 2023 is not one of 2016. */
	route(ra, "arms_seen", "kita", 0, "national-triage", 0);
	route(rb, "arms_seen", "kita", 0, "kita", 0);
	route(rb, "ied", "bandiagara", 0, "bandiagara national-eod", 1);
	route(rb, "gbv", "san", 0, "san-gbv", 0);
}

/* No report that is GBV or accuses security forces reaches a queue they
 * read, whatever its region, in either data set. */
static void
test_never_to_security_forces(void **state)
{
	static const char *const cats[] = { "arms_seen", "ied", "gbv",
	    "attack", "unsorted" };
	const struct routes *rs[] = { ra, rb };
	const struct geo *gs[] = { geo_a, geo_b };

	(void)state;
	for (int s = 0; s < 2; s++) {
		for (unsigned i = 0; i <= geo_region_count(gs[s]); i++) {
			struct geo_place p = { 0 };

			if (i < geo_region_count(gs[s]))
				geo_region_at(gs[s], i, &p);
			for (size_t c = 0; c < sizeof cats / sizeof *cats; c++) {
				for (int a = 0; a < 2; a++) {
					struct route_in in = { cats[c], p.id, a, NULL };
					struct route_out out;
					struct route_queue q;

					if (!a && strcmp(cats[c], "gbv") != 0)
						continue;
					assert_int_equal(route_report(rs[s], &in,
					    &out), 0);
					assert_true(out.n >= 1);
					for (unsigned k = 0; k < out.n; k++) {
						assert_int_equal(route_queue(rs[s],
						    out.queues[k], &q), 0);
						assert_false(q.security_forces);
					}
				}
			}
		}
	}
}

static void
test_queues(void **state)
{
	struct route_queue q;
	unsigned regional = 0, gbv = 0;

	(void)state;
	for (unsigned i = 0; route_queue_at(rb, i, &q) == 0; i++) {
		regional += strcmp(q.kind, "regional") == 0;
		gbv += strcmp(q.kind, "gbv") == 0 && q.region != NULL;
		if (strcmp(q.kind, "gbv") == 0 ||
		    strcmp(q.kind, "oversight") == 0)
			assert_false(q.security_forces);
		assert_true(q.escalate_after_s >= 60);
		assert_null(q.on_duty);
	}
	assert_int_equal(regional, 20);
	assert_int_equal(gbv, 20);
	assert_int_equal(route_queue(ra, "national-eod", &q), 0);
	assert_string_equal(q.kind, "eod");
	assert_null(q.region);
	assert_int_equal(q.escalate_after_s, 600);
	assert_int_equal(route_queue(ra, "national-oversight", &q), 0);
	assert_false(q.security_forces);
	assert_int_equal(route_queue(ra, "kita", &q), -1);
	assert_int_equal(route_queue(rb, "kita", &q), 0);
	assert_string_equal(q.region, "kita");
	assert_int_equal(route_queue_at(ra, route_queue_count(ra), &q), -1);
}

static void
test_numbers(void **state)
{
	(void)state;
	assert_string_equal(route_number_region(ra, "80001107"), "gao");
	assert_string_equal(route_number_region(ra, "+22380001107"), "gao");
	assert_string_equal(route_number_region(ra, "22380001111"), "bamako");
	assert_string_equal(route_number_region(ra, "80001101"), "kayes");
	assert_string_equal(route_number_region(ra, "36123"), "national");
	assert_string_equal(route_number_region(ra, "*384#"), "national");
	assert_string_equal(route_number_region(ra, "*384*1#"), "national");
	assert_string_equal(route_number_region(rb, "80001110"), "taoudeni");
	assert_null(route_number_region(ra, "80001199"));
	assert_null(route_number_region(ra, "8000110"));
	assert_null(route_number_region(ra, ""));
	assert_null(route_number_region(ra, "#"));
	assert_null(route_number_region(ra, NULL));
}

/* Writes a routing file and expects route_load to fail with the message. */
static void
bad_routes(const struct geo *g, const char *yaml, const char *want)
{
	char path[] = "/tmp/nv-route-XXXXXX", *cause = NULL;
	int fd = mkstemp(path);
	struct routes *r;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, yaml, strlen(yaml)), (ssize_t)strlen(yaml));
	close(fd);
	r = route_load(path, g, &cause);
	unlink(path);
	if (r != NULL) {
		route_free(r);
		fail_msg("accepted; wanted \"%s\"", want);
	}
	assert_non_null(cause);
	if (strstr(cause, path) == NULL || strstr(cause, want) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", cause, want);
	free(cause);
}

/* Two categories, four queues (lines 1-9); rules follow from line 10. */
#define BASE "categories:\n  - {id: arms_seen}\n" \
	"  - {id: gbv, protected: true}\n" \
	"queues:\n" \
	"  - {id: \"{region}\", kind: regional, security_forces: true}\n" \
	"  - {id: \"{region}-gbv\", kind: gbv, security_forces: false}\n" \
	"  - {id: triage, kind: national, security_forces: false}\n" \
	"  - {id: eod, kind: eod, security_forces: true}\n" \
	"rules:\n"
#define GBV_OK "  - {category: gbv, region: unknown, queues: [triage]}\n" \
	"  - {category: gbv, queues: [\"{region}-gbv\"]}\n"
#define REST_OK "  - {accuses_security: true, queues: [triage]}\n" \
	"  - {region: unknown, queues: [triage]}\n" \
	"  - {queues: [\"{region}\"]}\n"

static void
test_refusals(void **state)
{
	char *cause = NULL;

	(void)state;
	bad_routes(geo_a, BASE "  - {category: gbv, region: unknown, queues: "
	    "[triage]}\n  - {category: gbv, queues: [\"{region}\"]}\n"
	    REST_OK, ":11: gbv reports from kayes would reach kayes, which "
	    "security forces read");
	bad_routes(geo_a, BASE "  - {accuses_security: true, queues: [eod]}\n"
	    GBV_OK REST_OK, ":10: arms_seen reports accusing security forces "
	    "from no known region would reach eod");
	bad_routes(geo_a, BASE GBV_OK "  - {queues: [\"{region}\"]}\n",
	    ":12: arms_seen reports from no known region would go to "
	    "{region}");
	bad_routes(geo_a, BASE GBV_OK "  - {region: gao, queues: [triage]}\n",
	    "no rule routes arms_seen reports from no known region");
	bad_routes(geo_a, BASE GBV_OK REST_OK "  - {region: gao, queues: "
	    "[triage]}\n", ":15: this rule never applies");
	bad_routes(geo_a, BASE "  - {category: weapons, queues: [triage]}\n",
	    ":10: not a category of this file: 'weapons'");
	bad_routes(geo_a, BASE "  - {region: atlantis, queues: [triage]}\n",
	    ":10: not a region of the geography");
	bad_routes(geo_a, BASE "  - {queues: [nowhere]}\n",
	    ":10: not a queue of this file: 'nowhere'");
	bad_routes(geo_a, BASE "  - {queues: [triage], urgnet: true}\n",
	    ":10: unknown key 'urgnet'");
	bad_routes(geo_a, BASE "  - {queues: [triage], urgent: yes}\n",
	    ":10: expected true or false for 'urgent'");
	bad_routes(geo_a, BASE "  - {queues: [triage, triage, triage, triage, "
	    "triage, triage, triage]}\n", ":10: queues: expected a list of 1 "
	    "to");
	bad_routes(geo_a, "categories:\n  - {id: a}\n  - {id: a}\n",
	    ":3: duplicate category 'a'");
	bad_routes(geo_a, "categories:\n  - {id: a}\nqueues:\n"
	    "  - {id: x, kind: gbv, security_forces: true}\n",
	    ":4: a gbv or oversight queue cannot have security_forces: true");
	bad_routes(geo_a, "categories:\n  - {id: a}\nqueues:\n"
	    "  - {id: x, kind: national}\n", ":4: expected a queue");
	bad_routes(geo_a, "categories:\n  - {id: a}\nqueues:\n"
	    "  - {id: x, kind: national, security_forces: false}\n"
	    "numbers:\n  - {number: \"800\", region: kita}\n",
	    ":6: region: expected a region of the geography or national");
	bad_routes(geo_a, "categories:\n  - {id: a}\nqueues:\n"
	    "  - {id: x, kind: national, security_forces: false}\n"
	    "numbers:\n  - {number: \"800\", region: gao}\n"
	    "  - {number: \"*800#\", region: national}\n",
	    ":7: number listed twice");
	bad_routes(geo_a, "categories: [\n", ":");
	bad_routes(geo_a, "- 1\n", ":1: expected a mapping");
	/* A data set switch that leaves a rule pointing nowhere. */
	bad_routes(geo_a, BASE GBV_OK "  - {region: kita, accuses_security: "
	    "false, queues: [eod]}\n" REST_OK, ":12: not a region of the "
	    "geography (nor * or unknown): 'kita'");
	assert_null(route_load("/nonexistent/routing.yaml", geo_a, &cause));
	assert_non_null(strstr(cause, "/nonexistent/routing.yaml"));
	free(cause);
}

/* Routes a report on an axis (region given too) and compares exactly. */
static void
route_axis(const struct routes *r, const char *cat, const char *axis,
    const char *region, int accuses, const char *want, int urgent)
{
	struct route_in in = { cat, region, accuses, axis };
	struct route_out out;
	char got[256] = "";

	assert_int_equal(route_report(r, &in, &out), 0);
	for (unsigned i = 0; i < out.n; i++) {
		strcat(got, i ? " " : "");
		strcat(got, out.queues[i]);
	}
	if (strcmp(got, want) != 0)
		fail_msg("%s on %s: got \"%s\", want \"%s\"", cat, axis, got,
		    want);
	assert_int_equal(out.urgent, urgent);
}

/* DESIGN §4: an axis report reaches every crossed region's queue, and
 * an IED report also national-eod; GBV and accusations keep their
 * rules. */
static void
test_axes(void **state)
{
	const struct routes *rs[] = { ra, rb };
	const struct geo *gs[] = { geo_a, geo_b };

	(void)state;
	route_axis(ra, "ied", "axis.douentza-gao", NULL, 0,
	    "mopti tombouctou gao national-eod", 1);
	route_axis(rb, "ied", "axis.douentza-gao", NULL, 0,
	    "douentza tombouctou gao national-eod", 1);
	route_axis(ra, "ied", "axis.gao-menaka", NULL, 0,
	    "gao menaka national-eod", 1);
	route_axis(ra, "arms_seen", "axis.niono-tombouctou", NULL, 0,
	    "segou tombouctou", 0);
	route_axis(ra, "attack", "axis.gao-kidal", NULL, 0, "gao kidal", 1);
	/* GBV: the GBV caseworkers of each crossed region, and only them. */
	route_axis(ra, "gbv", "axis.douentza-gao", NULL, 0,
	    "mopti-gbv tombouctou-gbv gao-gbv", 0);
	route_axis(rb, "gbv", "axis.macina-tenenkou", NULL, 1,
	    "segou-gbv mopti-gbv", 0);
	/* Accusations: out of the chain, once, urgency kept. */
	route_axis(ra, "ied", "axis.douentza-gao", NULL, 1,
	    "national-oversight", 1);
	route_axis(ra, "arms_seen", "axis.gao-kidal", NULL, 1,
	    "national-oversight", 0);
	/* The axis wins over the region, even one it does not cross. */
	route_axis(ra, "ied", "axis.gao-kidal", "kayes", 0,
	    "gao kidal national-eod", 1);
	route_axis(ra, "ied", "axis.gao-kidal", "gao", 0,
	    "gao kidal national-eod", 1);
	/* An axis the data lacks counts as none: the region decides. */
	route_axis(ra, "ied", "axis.nowhere", "gao", 0, "gao national-eod", 1);
	route_axis(ra, "ied", "gao", NULL, 0, "national-triage national-eod",
	    1);
	/* Every axis of both sets: GBV and accusations never reach a queue
	 * security forces read, and every answer fits. */
	for (int s = 0; s < 2; s++) {
		struct geo_axis ax;

		assert_int_equal(geo_axis_count(gs[s]), 5);
		for (unsigned i = 0; geo_axis_at(gs[s], i, &ax) == 0; i++) {
			for (int a = 0; a < 2; a++) {
				struct route_in in = { "gbv", NULL, a, ax.id };
				struct route_out out;
				struct route_queue q;

				if (a)
					in.category = "arms_seen";
				assert_int_equal(route_report(rs[s], &in, &out),
				    0);
				assert_true(out.n >= 1);
				assert_true(out.n <= ROUTE_QUEUES_MAX);
				for (unsigned k = 0; k < out.n; k++) {
					assert_int_equal(route_queue(rs[s],
					    out.queues[k], &q), 0);
					assert_false(q.security_forces);
				}
			}
		}
	}
}

/* Rules whose answers for an axis's regions do not fit together. */
static void
test_axis_refusals(void **state)
{
	(void)state;
	/* 3 queues a region x 3 regions of Douentza-Gao, merged: 7. */
	bad_routes(geo_a, BASE GBV_OK "  - {accuses_security: true, queues: "
	    "[triage]}\n  - {region: unknown, queues: [triage]}\n"
	    "  - {queues: [\"{region}\", \"{region}-gbv\", triage]}\n",
	    ":14: arms_seen reports on axis axis.douentza-gao would go to "
	    "more than ROUTE_QUEUES_MAX (6) queues");
}

/* The shipped rules with a specific-region rule load against B. */
static void
test_switch(void **state)
{
	static const char yaml[] = BASE GBV_OK
	    "  - {region: kita, accuses_security: false, queues: [eod]}\n" REST_OK;
	char path[] = "/tmp/nv-route-XXXXXX", *cause = NULL;
	int fd = mkstemp(path);
	struct routes *r;

	(void)state;
	assert_int_equal(write(fd, yaml, strlen(yaml)), (ssize_t)strlen(yaml));
	close(fd);
	r = route_load(path, geo_b, &cause);
	unlink(path);
	if (r == NULL)
		fail_msg("%s", cause);
	route(r, "arms_seen", "kita", 0, "eod", 0);
	route(r, "arms_seen", "kayes", 0, "kayes", 0);
	route_free(r);
}

static int
setup(void **state)
{
	(void)state;
	geo_a = load_geo("data/geo/mali-2016.yaml");
	geo_b = load_geo("data/geo/mali-2023.yaml");
	ra = load_routes(geo_a, "data/routing.yaml");
	rb = load_routes(geo_b, "data/routing.yaml");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	route_free(ra);
	route_free(rb);
	geo_free(geo_a);
	geo_free(geo_b);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_never_to_security_forces),
		cmocka_unit_test(test_queues),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_switch),
		cmocka_unit_test(test_axes),
		cmocka_unit_test(test_axis_refusals),
	};

	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("route", tests, setup, teardown) !=
	    0;
}
