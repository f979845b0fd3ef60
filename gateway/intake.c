/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "intake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/xmalloc.h"
#include "routing/crypto.h"
#include "routing/geo.h"
#include "routing/phone.h"
#include "routing/pseudo.h"
#include "routing/ratelimit.h"

struct intake {
	struct intake_deps d;
};

struct intake *
intake_new(const struct intake_deps *deps)
{
	struct intake *in = xcalloc(1, sizeof *in);

	in->d = *deps;
	return in;
}

void
intake_free(struct intake *in)
{
	free(in);
}

/*
 * The sender's pseudonym: 0, or -1 when the address cannot be a
 * subscriber's number (an alphanumeric sender, a short code). The E.164
 * form exists on this stack only.
 */
static int
pseudonym(struct intake *in, const struct mt_addr *a, uint8_t pn[PSEUDO_LEN])
{
	char e164[PHONE_E164_MAX];
	int rc = -1;

	if (a != NULL &&
	    phone_normalise(a->to, a->to_ton, a->to_npi, e164, NULL) == 0) {
		pseudo_of(in->d.ps, e164, pn);
		rc = 0;
	}
	cry_wipe(e164, sizeof e164);
	return rc;
}

/* One mark per reporter, cell (category x region) and epoch. */
static void
count_mark(struct intake *in, const uint8_t pn[PSEUDO_LEN],
    const char *category, const char *region, int64_t epoch,
    uint8_t out[DB_HASH_LEN])
{
	struct cry_hash h;
	char e[24];

	snprintf(e, sizeof e, "%lld", (long long)epoch);
	cry_hash_init(&h, in->d.mark_key, "numvert-counted");
	cry_hash_field(&h, pn, PSEUDO_LEN);
	cry_hash_field(&h, category, strlen(category));
	cry_hash_field(&h, region != NULL ? region : "", region != NULL ?
	    strlen(region) : 0);
	cry_hash_field(&h, e, strlen(e));
	cry_hash_final(&h, out);
}

static void
alerts_log(struct intake *in, unsigned alerts, const uint8_t pn[PSEUDO_LEN],
    const char *region)
{
	char ps[PSEUDO_STR];

	if (alerts & RL_ALERT_PSEUDO)
		log_msg(in->d.log, LOG_WARN, NULL, "flood_alert",
		    "kind=sender pseudonym=%s", pseudo_str(pn, ps));
	if (alerts & RL_ALERT_REGION)
		log_msg(in->d.log, LOG_WARN, NULL, "flood_alert",
		    "kind=region region=%s", region != NULL ? region : "none");
}

/*
 * The region dialled, then the most precise place the text names. A
 * road axis in the text is a place too, more precise than the number
 * dialled: with one, the region is only what the text names besides it.
 */
static void
locate(struct intake *in, const struct mt_addr *a, const char *text,
    struct intake_res *out)
{
	const char *r = a != NULL ? route_number_region(in->d.routes, a->from) :
	    NULL;
	struct geo_match m;

	out->region = r != NULL && strcmp(r, "national") != 0 ? r : NULL;
	if (text != NULL && geo_match_text(in->d.geo, text, &m) == 0 &&
	    (m.region != NULL || m.axis != NULL)) {
		out->region = m.region;
		out->cercle = m.cercle;
		out->commune = m.commune;
		out->axis = m.axis;
	}
}

int
intake_report(struct intake *in, const struct mt_addr *a,
    const char *category, const char *text, int64_t now,
    struct intake_res *out)
{
	return intake_report_at(in, a, category, text, NULL, now, out);
}

int
intake_report_at(struct intake *in, const struct mt_addr *a,
    const char *category, const char *text, const struct intake_place *at,
    int64_t now, struct intake_res *out)
{
	struct route_in ri = { .category = category };
	uint8_t pn[PSEUDO_LEN];
	enum rl_verdict v = RL_OK;
	unsigned alerts = 0;
	char ps[PSEUDO_STR];
	int have_pn;

	memset(out, 0, sizeof *out);
	if (at != NULL) {
		out->region = at->region;
		out->cercle = at->cercle;
		out->commune = at->commune;
		out->axis = at->axis;
		ri.accuses_security = at->accuses_security;
	} else {
		locate(in, a, text, out);
	}
	ri.region = out->region;
	ri.axis = out->axis;
	if (route_report(in->d.routes, &ri, &out->route) != 0)
		return -1;
	/* GBV: no unsolicited message, not even a confirmation. */
	out->reply = strcmp(category, "gbv") != 0;
	have_pn = pseudonym(in, a, pn) == 0;
	if (have_pn) {
		v = rl_report(in->d.rl, pn, out->region, now, &alerts);
		alerts_log(in, alerts, pn, out->region);
		out->epoch = pseudo_epoch_end(in->d.ps) - in->d.epoch_len_s;
		count_mark(in, pn, category, out->region, out->epoch,
		    out->mark);
		out->has_mark = 1;
	}
	if (v != RL_OK) {
		snprintf(out->flags, sizeof out->flags, "over_limit");
		out->reply = 0;
		log_msg(in->d.log, LOG_WARN, NULL, "rate_limited",
		    "pseudonym=%s limit=%s", pseudo_str(pn, ps),
		    v == RL_OVER_HOUR ? "hour" : "day");
	}
	cry_wipe(pn, sizeof pn);
	return 0;
}

int
intake_pseudonym(struct intake *in, const struct mt_addr *a,
    uint8_t pn[INTAKE_PSEUDO_LEN])
{
	return pseudonym(in, a, pn);
}

const char *
intake_dialled_region(struct intake *in, const struct mt_addr *a)
{
	const char *r = route_number_region(in->d.routes, a->from);

	return r != NULL && strcmp(r, "national") != 0 ? r : NULL;
}

const char *
intake_text_region(struct intake *in, const char *text,
    struct intake_place *at)
{
	struct geo_match m;

	memset(at, 0, sizeof *at);
	if (geo_match_text(in->d.geo, text, &m) != 0)
		return NULL;
	at->region = m.region;
	at->cercle = m.cercle;
	at->commune = m.commune;
	at->axis = m.axis;
	return m.region != NULL ? m.region : m.axis;
}

void
intake_message(struct intake *in, const struct mt_addr *a, int64_t now)
{
	uint8_t pn[PSEUDO_LEN];

	if (pseudonym(in, a, pn) == 0)
		intake_message_pn(in, pn, now);
	cry_wipe(pn, sizeof pn);
}

void
intake_message_pn(struct intake *in, const uint8_t pn[INTAKE_PSEUDO_LEN],
    int64_t now)
{
	alerts_log(in, rl_message(in->d.rl, pn, now), pn, NULL);
}
