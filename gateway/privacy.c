/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "privacy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/xmalloc.h"
#include "config.h"
#include "escalate.h"
#include "intake.h"
#include "routing/geo.h"
#include "routing/keys.h"
#include "routing/pseudo.h"
#include "routing/ratelimit.h"
#include "routing/route.h"
#include "store.h"

struct priv {
	struct geo *geo;
	struct routes *routes;
	struct pseudo *ps;
	struct rl *rl;
	struct intake *in;
	struct escalate *esc;
	struct logger *log;
	struct store *s;
	const struct cfg *c;
	int64_t epoch_len_s;
	struct event *purge_ev, *epoch_ev;
	char summary[1024];
};

struct priv *
priv_load(const struct cfg *c, char **cause)
{
	struct priv *p = xcalloc(1, sizeof *p);

	if ((p->geo = geo_load(c->region_data, cause)) == NULL ||
	    (p->routes = route_load(c->routing_file, p->geo, cause)) == NULL) {
		priv_free(p);
		return NULL;
	}
	snprintf(p->summary, sizeof p->summary, "%s (%s): %u regions; %s: "
	    "%u queues", c->region_data, geo_name(p->geo),
	    geo_region_count(p->geo), c->routing_file,
	    route_queue_count(p->routes));
	return p;
}

const char *
priv_summary(const struct priv *p)
{
	return p->summary;
}

int
priv_open_keys(struct priv *p, const struct cfg *c, char **cause)
{
	p->epoch_len_s = c->pseudonym_epoch_ms / 1000;
	p->ps = pseudo_open(c->epoch_key_file, p->epoch_len_s, time(NULL),
	    cause);
	return p->ps != NULL ? 0 : -1;
}

static int64_t
epoch_start(const struct priv *p)
{
	return pseudo_epoch_end(p->ps) - p->epoch_len_s;
}

static void
purged(void *arg, int status, const struct store_purged *r)
{
	struct priv *p = arg;

	if (status != 0) {
		log_msg(p->log, LOG_ERROR, NULL, "purge_failed",
		    "why=write_failed");
		return;
	}
	if (r->narratives + r->events + r->audit + r->shredded > 0)
		log_msg(p->log, LOG_INFO, NULL, "purged", "narratives=%lld "
		    "events=%lld audit_details=%lld vault_keys=%lld",
		    (long long)r->narratives, (long long)r->events,
		    (long long)r->audit, (long long)r->shredded);
}

static void
purge_cb(evutil_socket_t fd, short what, void *arg)
{
	struct priv *p = arg;

	(void)fd;
	(void)what;
	store_purge(p->s, epoch_start(p), purged, p);
}

static void
arm_epoch(struct priv *p)
{
	int64_t left = pseudo_epoch_end(p->ps) - (int64_t)time(NULL);
	struct timeval tv = { (time_t)(left > 0 ? left : 1), 0 };

	evtimer_add(p->epoch_ev, &tv);
}

/* The epoch ended: a new random key, the old one gone, its marks too. */
static void
epoch_cb(evutil_socket_t fd, short what, void *arg)
{
	struct priv *p = arg;
	struct timeval retry = { 60, 0 };
	char *cause = NULL;

	(void)fd;
	(void)what;
	if (pseudo_rotate(p->ps, time(NULL), &cause) != 0) {
		log_msg(p->log, LOG_ERROR, NULL, "epoch_rotate_failed",
		    "why=\"%s\"", cause);
		free(cause);
		evtimer_add(p->epoch_ev, &retry);
		return;
	}
	log_msg(p->log, LOG_INFO, NULL, "epoch_rotated", "ends=%lld",
	    (long long)pseudo_epoch_end(p->ps));
	store_purge(p->s, epoch_start(p), purged, p);
	arm_epoch(p);
}

void
priv_start(struct priv *p, struct event_base *base, struct logger *log,
    const struct cfg *c, const struct keys *ks, struct store *s,
    struct outbox *ob, struct link *alert_link)
{
	struct rl_cfg rc = {
		.per_hour = c->rate_per_hour, .per_day = c->rate_per_day,
		.flood_pseudo_per_hour = c->flood_sender_per_hour,
		.flood_region_per_hour = c->flood_region_per_hour,
	};
	struct intake_deps deps = { 0 };
	struct timeval tv = { c->purge_interval_ms / 1000,
	    (c->purge_interval_ms % 1000) * 1000 };
	uint32_t id;

	p->log = log;
	p->s = s;
	p->c = c;
	p->rl = rl_new(&rc);
	deps.log = log;
	deps.geo = p->geo;
	deps.routes = p->routes;
	deps.ps = p->ps;
	deps.rl = p->rl;
	deps.mark_key = keys_current(ks, KEY_DEDUP, &id);
	deps.epoch_len_s = p->epoch_len_s;
	p->in = intake_new(&deps);
	store_set_retention(s, (int64_t)c->retention_days * 86400,
	    (int64_t)c->audit_retention_days * 86400,
	    (int64_t)c->vault_days_after_close * 86400);
	p->esc = esc_new(base, log, s, ob, p->routes, alert_link);
	esc_resume(p->esc);
	p->purge_ev = event_new(base, -1, EV_PERSIST, purge_cb, p);
	event_add(p->purge_ev, &tv);
	p->epoch_ev = evtimer_new(base, epoch_cb, p);
	arm_epoch(p);
	store_purge(s, epoch_start(p), purged, p);
}

const struct geo *
priv_geo(const struct priv *p)
{
	return p->geo;
}

const struct routes *
priv_routes(const struct priv *p)
{
	return p->routes;
}

struct intake *
priv_intake(struct priv *p)
{
	return p->in;
}

struct escalate *
priv_escalate(struct priv *p)
{
	return p->esc;
}

void
priv_stop(struct priv *p)
{
	if (p == NULL)
		return;
	if (p->purge_ev != NULL)
		event_del(p->purge_ev);
	if (p->epoch_ev != NULL)
		event_del(p->epoch_ev);
}

void
priv_free(struct priv *p)
{
	if (p == NULL)
		return;
	if (p->esc != NULL) {
		const struct esc_stats *st = esc_stats(p->esc);

		log_msg(p->log, LOG_INFO, NULL, "escalation_stats",
		    "watched=%llu alerts=%llu sms=%llu acknowledged=%llu "
		    "not_watched=%llu", (unsigned long long)st->watched,
		    (unsigned long long)st->alerts, (unsigned long long)st->sms,
		    (unsigned long long)st->acknowledged,
		    (unsigned long long)st->dropped);
	}
	esc_free(p->esc);
	intake_free(p->in);
	if (p->purge_ev != NULL)
		event_free(p->purge_ev);
	if (p->epoch_ev != NULL)
		event_free(p->epoch_ev);
	rl_free(p->rl);
	pseudo_free(p->ps);
	route_free(p->routes);
	geo_free(p->geo);
	free(p);
}
