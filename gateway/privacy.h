/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The routing and privacy side of numvertd, wired in one place: the
 * region data and routing rules (loaded, and checked by --check-config),
 * the pseudonym epoch key and its rotation, rate limits, intake,
 * escalation, and the retention timer (narratives of closed reports,
 * audit details, vault keys, counted-once marks of past epochs).
 */
#ifndef NV_PRIVACY_H
#define NV_PRIVACY_H

#include <stdint.h>

#include <event2/event.h>

struct cfg;
struct escalate;
struct geo;
struct routes;
struct intake;
struct keys;
struct link;
struct logger;
struct outbox;
struct priv;
struct store;

/*
 * Loads the region data and routing rules the configuration names.
 * NULL with *cause (file:line and why) if either is wrong.
 */
struct priv *priv_load(const struct cfg *c, char **cause);
/* "file (data set name): N regions, M queues" for --check-config. */
const char *priv_summary(const struct priv *p);

/*
 * Opens (or makes, or rotates) the pseudonym epoch key file. -1 with
 * *cause when it is unsafe (readable by others) or unreadable.
 */
int priv_open_keys(struct priv *p, const struct cfg *c, char **cause);

/* Starts intake, escalation and the timers; everything is borrowed. */
void priv_start(struct priv *p, struct event_base *base, struct logger *log,
    const struct cfg *c, const struct keys *ks, struct store *s,
    struct outbox *ob, struct link *alert_link);

struct intake *priv_intake(struct priv *p);
/* The geography and routing data loaded (for the menus). */
const struct geo *priv_geo(const struct priv *p);
const struct routes *priv_routes(const struct priv *p);
struct escalate *priv_escalate(struct priv *p);

/* Stops the timers (before the store is freed). */
void priv_stop(struct priv *p);
/* After the store is freed. */
void priv_free(struct priv *p);

#endif
