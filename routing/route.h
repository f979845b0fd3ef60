/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Routing rules as data (data/routing.yaml): which queues a report of a
 * category from a region goes to, whether it is urgent, and which region
 * an inbound number stands for. docs/routing.md explains the file and
 * why the shipped rules are what they are.
 *
 * Queues are declared once as templates ("{region}", "{region}-gbv")
 * and expanded over the regions of the loaded geography, so switching
 * from the 10-region data set to the 19-region one needs no edit here.
 *
 * Rules are tried in file order and the first that matches wins. At load
 * every (category, region or none, accusing security forces or not) is
 * routed once, and the file is refused, naming file:line, when:
 * - a category, region or queue it names does not exist (also after a
 *   switch of geography data set);
 * - a combination matches no rule, or a rule is never the first match;
 * - a report with no known region would reach a "{region}" queue;
 * - a report of a protected category (gbv) or one accusing security
 *   forces would reach a queue with security_forces: true.
 * - a report on a road axis of the geography would need more than
 *   ROUTE_QUEUES_MAX queues.
 * So route_report cannot fail but for an unknown category, and no edit
 * of the file can send GBV or accusations where security forces read.
 *
 * A loaded struct routes is read-only and independent of the struct geo
 * it was checked against: any number of threads may use it.
 */
#ifndef NV_ROUTE_H
#define NV_ROUTE_H

struct geo;
struct routes;

/* NULL with *cause (caller frees) naming file:line and the fault. */
struct routes *route_load(const char *path, const struct geo *g,
    char **cause);
void route_free(struct routes *r);

/*
 * Queues one report goes to. A road axis report goes to every crossed
 * region's queue plus what its rule adds: at most NV_GEO_AXIS_REGIONS_MAX
 * (4) regions + national-eod = 5; 6 leaves room for one more national
 * queue. route_load refuses data that would need more, and
 * gateway/store.h STORE_QUEUES_MAX must equal it (gateway/app.c checks).
 */
#define ROUTE_QUEUES_MAX 6

struct route_in {
	const char *category;	/* a category id of the file */
	const char *region;	/* region id, or NULL when not known */
	int accuses_security;	/* the reporter says security forces are
				 * involved */
	/* Addition: a road axis id of the geography (geo_axis), or NULL.
	 * An axis the data knows wins over region: the report goes to
	 * what each crossed region would get, merged (route_report). */
	const char *axis;
};

/* Queue ids point into the struct routes. */
struct route_out {
	const char *queues[ROUTE_QUEUES_MAX];
	unsigned n;
	int urgent;
};

/*
 * The queues a report goes to, and to no other. A region that is not a
 * region of the data set (NULL, "", a cercle id, a typo) counts as not
 * known. -1 only for an unknown category.
 *
 * With an axis the data knows, the report is routed as if it came from
 * each region the axis crosses, and the answers are merged: queue by
 * queue position, region by region in road order, each queue once
 * ("{region}", national-eod over mopti, tombouctou, gao gives mopti
 * tombouctou gao national-eod); urgent if any answer is. The rules
 * thus apply to axis reports unchanged, and since each region's answer
 * is proved safe at load, so is their union. An unknown axis id counts
 * as none (the region decides).
 */
int route_report(const struct routes *r, const struct route_in *in,
    struct route_out *out);

/*
 * The region an inbound number stands for: a region id, "national" (ask
 * the citizen), or NULL for a number the file does not list. dialled is
 * the destination_addr as the carrier gives it: its leading digits are
 * compared, after any '*', '#' or '+' ("*384#" and "*384*1#" are "384",
 * as gateway/smpp_link.c link_serves does), and a number given with
 * Mali's country code (22380001101) also matches its national form.
 */
const char *route_number_region(const struct routes *r, const char *dialled);

struct route_queue {
	const char *id, *kind, *region;	/* region NULL for a national queue */
	int security_forces;		/* whether security forces read it */
	unsigned escalate_after_s;	/* an urgent report not taken by then
					 * is escalated */
	const char *on_duty;		/* phone to page, NULL if none; never
					 * log it */
	const char *readers;		/* who reads it, in words (addition) */
};

int route_queue(const struct routes *r, const char *id,
    struct route_queue *out);
unsigned route_queue_count(const struct routes *r);
int route_queue_at(const struct routes *r, unsigned i,
    struct route_queue *out);

/* 1 if category is a category id of the file, else 0. */
int route_category_valid(const struct routes *r, const char *category);

#endif
