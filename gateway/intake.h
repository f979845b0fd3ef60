/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Intake: what numvertd decides about a message before it is written,
 * without keeping who sent it. The sender's address is normalised to
 * E.164 (routing/phone.h) only to compute its pseudonym under the epoch
 * key (routing/pseudo.h), then wiped; the pseudonym feeds the rate
 * limits and flood alerts (routing/ratelimit.h) and the statistics'
 * "counted once" mark, and is never stored. The region comes from the
 * number dialled (one toll-free number per region) and, more precisely,
 * from place names in the text (routing/geo.h); the queues and urgency
 * from the routing rules (routing/route.h).
 *
 * A report over its sender's rate limit is still a report: it is stored,
 * flagged over_limit, and not answered (spend control: DESIGN 5).
 */
#ifndef NV_INTAKE_H
#define NV_INTAKE_H

#include <stdint.h>

#include "db/db.h"
#include "mt.h"
#include "routing/route.h"

struct geo;
struct logger;
struct pseudo;
struct rl;

struct intake_deps {
	struct logger *log;
	const struct geo *geo;
	const struct routes *routes;
	struct pseudo *ps;		/* may be rotated by the caller */
	struct rl *rl;
	const uint8_t *mark_key;	/* keys the counted-once marks */
	int64_t epoch_len_s;
};

/* What intake decided for one report. Strings live as long as the
 * routing data and the geography (both freed together, privacy.c). */
struct intake_res {
	const char *region, *cercle, *commune;	/* ids, or NULL */
	/* The road axis the text names (geo_axis id), or NULL. The route
	 * then covers every region the axis crosses, and region is the
	 * place named besides the axis, or NULL: the number dialled does
	 * not count (docs/routing.md, "Road axes"). Not stored yet. */
	const char *axis;
	struct route_out route;			/* queues and urgency */
	char flags[48];				/* "" or over_limit,... */
	int reply;				/* send the confirmation */
	int has_mark;				/* a pseudonym was made */
	uint8_t mark[DB_HASH_LEN];		/* counted-once mark */
	int64_t epoch;				/* the mark's epoch */
};

struct intake;

/* deps are borrowed and must outlive the intake. */
struct intake *intake_new(const struct intake_deps *deps);
void intake_free(struct intake *in);

/*
 * Decides for an SMS report from a (the MO's reply address: a->to is
 * the sender, a->from the number dialled) of category with text at now.
 * Returns 0, or -1 for a category the routing data does not know.
 */
int intake_report(struct intake *in, const struct mt_addr *a,
    const char *category, const char *text, int64_t now,
    struct intake_res *out);

/* A place the citizen chose in the menus (ids of the geography). */
struct intake_place {
	const char *region, *cercle, *commune, *axis;
	int accuses_security;	/* "who is involved": security forces */
};

/* As intake_report, with the place given (at) instead of read from the
 * text and the number dialled; at NULL is intake_report. */
int intake_report_at(struct intake *in, const struct mt_addr *a,
    const char *category, const char *text, const struct intake_place *at,
    int64_t now, struct intake_res *out);

#define INTAKE_PSEUDO_LEN 16	/* = PSEUDO_LEN */
/* The sender's pseudonym under the current epoch: 0, or -1 when the
 * address is not a subscriber's number. */
int intake_pseudonym(struct intake *in, const struct mt_addr *a,
    uint8_t pn[INTAKE_PSEUDO_LEN]);
/* The region the number dialled stands for, or NULL (national). */
const char *intake_dialled_region(struct intake *in, const struct mt_addr *a);
/* The place an SMS names (all of *at NULL if none); returns the region
 * or axis id found, or NULL. */
const char *intake_text_region(struct intake *in, const char *text,
    struct intake_place *at);

/* Counts a message that is not a report (a USSD step) for flood alerts. */
void intake_message(struct intake *in, const struct mt_addr *a, int64_t now);
/* The same for a sender whose pseudonym the caller has made already
 * (one USSD step makes it once: intake_pseudonym). */
void intake_message_pn(struct intake *in, const uint8_t pn[INTAKE_PSEUDO_LEN],
    int64_t now);

#endif
