/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "escalate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "base/limits.h"
#include "base/log.h"
#include "base/xmalloc.h"
#include "config.h"
#include "outbox.h"
#include "smpp_link.h"
#include "store.h"

/* A failed write of the escalation mark is tried again after this. */
#define RETRY_S 60

/* When a queue names no delay (or a report lost its queue). */
#define DEFAULT_AFTER_S 900u

struct esc_item {
	TAILQ_ENTRY(esc_item) q;
	struct escalate *e;
	struct event *ev;
	int64_t id;
	unsigned after_s;
	char queues[ROUTE_QUEUES_MAX][48];
	unsigned nqueues;
	int busy;			/* a store job holds it */
};

TAILQ_HEAD(esc_list, esc_item);

struct escalate {
	struct event_base *base;
	struct logger *log;
	struct store *s;
	struct outbox *ob;
	const struct routes *routes;
	struct link *link;
	struct esc_list items;
	unsigned n;
	struct esc_stats st;
};

/* An alert SMS waiting for its outbox row. */
struct esc_sms {
	struct escalate *e;
	struct mt_addr to;
	char text[160];
};

static void
item_free(struct esc_item *it)
{
	struct escalate *e = it->e;

	TAILQ_REMOVE(&e->items, it, q);
	e->n--;
	event_free(it->ev);
	free(it);
}

static void
arm(struct esc_item *it, unsigned s)
{
	struct timeval tv = { (time_t)s, 0 };

	evtimer_add(it->ev, &tv);
}

static void
sent(void *arg, int64_t mt_id)
{
	struct esc_sms *m = arg;
	struct escalate *e = m->e;

	if (mt_id > 0) {
		e->st.sms++;
		outbox_send(e->ob, e->link, mt_id, &m->to, m->text, "fr");
	} else {
		log_msg(e->log, LOG_ERROR, NULL, "escalation_sms_failed",
		    "why=write_failed");
	}
	explicit_bzero(m, sizeof *m);
	free(m);
}

/* The on-duty officer of queue q, by SMS through the outbox. */
static void
sms_on_duty(struct escalate *e, int64_t id, const struct route_queue *q)
{
	const struct cfg_link *c;
	struct store_mt mt = { 0 };
	struct esc_sms *m;
	const char *num = q->on_duty;

	if (num == NULL || num[0] == '\0' || e->link == NULL)
		return;
	m = xcalloc(1, sizeof *m);
	m->e = e;
	snprintf(m->to.to, sizeof m->to.to, "%s", num[0] == '+' ? num + 1 :
	    num);
	m->to.to_ton = 1;
	m->to.to_npi = 1;
	c = link_cfg(e->link);
	if (c->nshort > 0)
		snprintf(m->to.from, sizeof m->to.from, "%.20s",
		    c->short_codes[0]);
	snprintf(m->text, sizeof m->text, "numvert ALERTE: signalement urgent "
	    "%lld sans accuse de reception (file %s).", (long long)id, q->id);
	mt.link = link_name(e->link);
	mt.to = m->to;
	mt.text = m->text;
	mt.lang = "fr";
	store_send(e->s, &mt, sent, m);
}

static void
alert(struct escalate *e, struct esc_item *it)
{
	struct route_queue q;
	char list[ROUTE_QUEUES_MAX * 49] = "";

	for (unsigned i = 0; i < it->nqueues; i++) {
		strcat(list, i > 0 ? "," : "");
		strcat(list, it->queues[i]);
	}
	e->st.alerts++;
	log_msg(e->log, LOG_ERROR, NULL, "escalation", "report=%lld "
	    "queues=%s waited_s=%u", (long long)it->id, list, it->after_s);
	for (unsigned i = 0; i < it->nqueues; i++)
		if (route_queue(e->routes, it->queues[i], &q) == 0)
			sms_on_duty(e, it->id, &q);
}

static void
escalated(void *arg, int64_t report_id, int esc)
{
	struct esc_item *it = arg;
	struct escalate *e = it->e;

	(void)report_id;
	it->busy = 0;
	if (esc < 0) {
		arm(it, RETRY_S);
		return;
	}
	if (esc > 0)
		alert(e, it);
	else
		e->st.acknowledged++;
	item_free(it);
}

static void
due(evutil_socket_t fd, short what, void *arg)
{
	struct esc_item *it = arg;

	(void)fd;
	(void)what;
	it->busy = 1;
	store_escalate(it->e->s, it->id, escalated, it);
}

/* The shortest escalate_after of the queues (a report in two queues is
 * escalated when the first would). */
static unsigned
after_of(struct escalate *e, struct esc_item *it)
{
	struct route_queue q;
	unsigned best = 0;

	for (unsigned i = 0; i < it->nqueues; i++)
		if (route_queue(e->routes, it->queues[i], &q) == 0 &&
		    q.escalate_after_s > 0 &&
		    (best == 0 || q.escalate_after_s < best))
			best = q.escalate_after_s;
	return best > 0 ? best : DEFAULT_AFTER_S;
}

static void
watch(struct escalate *e, int64_t id, const char *const *queues, unsigned n)
{
	struct esc_item *it;

	if (e->n >= NV_ESCALATIONS_MAX) {
		e->st.dropped++;
		log_msg(e->log, LOG_ERROR, NULL, "escalation", "report=%lld "
		    "why=too_many_waiting waiting=%u", (long long)id, e->n);
		return;
	}
	it = xcalloc(1, sizeof *it);
	it->e = e;
	it->id = id;
	for (unsigned i = 0; i < n && i < ROUTE_QUEUES_MAX; i++)
		if (queues[i] != NULL && queues[i][0] != '\0')
			snprintf(it->queues[it->nqueues++], sizeof it->queues[0],
			    "%s", queues[i]);
	it->after_s = after_of(e, it);
	it->ev = evtimer_new(e->base, due, it);
	TAILQ_INSERT_TAIL(&e->items, it, q);
	e->n++;
	e->st.watched++;
	arm(it, it->after_s);
}

void
esc_watch(struct escalate *e, int64_t report_id, const struct route_out *route)
{
	if (route->urgent)
		watch(e, report_id, route->queues, route->n);
}

static void
pending(void *arg, const int64_t *ids, const char *const *queues, unsigned n,
    unsigned more)
{
	struct escalate *e = arg;

	if (ids == NULL) {
		log_msg(e->log, LOG_ERROR, NULL, "escalation_resume_failed",
		    "why=read_failed");
		return;
	}
	for (unsigned i = 0; i < n; i++)
		watch(e, ids[i], &queues[i], 1);
	if (n > 0 || more > 0)
		log_msg(e->log, LOG_WARN, NULL, "escalation_resumed",
		    "reports=%u not_watched=%u", n, more);
}

void
esc_resume(struct escalate *e)
{
	store_urgent_pending(e->s, pending, e);
}

struct escalate *
esc_new(struct event_base *base, struct logger *log, struct store *s,
    struct outbox *ob, const struct routes *routes, struct link *alert_link)
{
	struct escalate *e = xcalloc(1, sizeof *e);

	e->base = base;
	e->log = log;
	e->s = s;
	e->ob = ob;
	e->routes = routes;
	e->link = alert_link;
	TAILQ_INIT(&e->items);
	return e;
}

/*
 * Call after the store is freed (its writer completed every job): no
 * item is busy then. Waiting reports are watched again at next start.
 */
void
esc_free(struct escalate *e)
{
	struct esc_item *it;

	if (e == NULL)
		return;
	while ((it = TAILQ_FIRST(&e->items)) != NULL)
		item_free(it);
	free(e);
}

const struct esc_stats *
esc_stats(const struct escalate *e)
{
	return &e->st;
}
