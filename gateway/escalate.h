/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Escalation: an urgent report that no operator acknowledged within its
 * queue's escalate_after (routing data) raises an alert: a log line
 * (event=escalation, level error, for the console and the monitoring)
 * and an SMS through the outbox to each of its queues' on-duty officer
 * whose number the routing data gives. Once per report: the store marks
 * it escalated in the same statement that checks it was not
 * acknowledged.
 *
 * Timers run in memory (report rows keep only the hour they came in,
 * DESIGN 5); at start every urgent report neither acknowledged nor
 * escalated is watched again for a full escalate_after, so a restart
 * delays an alert by at most the downtime.
 */
#ifndef NV_ESCALATE_H
#define NV_ESCALATE_H

#include <stdint.h>

#include <event2/event.h>

#include "routing/route.h"

struct link;
struct logger;
struct outbox;
struct store;
struct escalate;

/* All borrowed; alert_link may be NULL (alerts are then logged only). */
struct escalate *esc_new(struct event_base *base, struct logger *log,
    struct store *s, struct outbox *ob, const struct routes *routes,
    struct link *alert_link);
void esc_free(struct escalate *e);

/* Watches a report just committed if its route is urgent. */
void esc_watch(struct escalate *e, int64_t report_id,
    const struct route_out *route);

/* Reads the urgent reports left unacknowledged and watches them. */
void esc_resume(struct escalate *e);

struct esc_stats {
	uint64_t watched, alerts, sms, acknowledged, dropped;
};
const struct esc_stats *esc_stats(const struct escalate *e);

#endif
