/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The outbox on the loop's side: every SMS numvertd sends is first a row
 * of the outbox table (written by the store in the same transaction as
 * what caused it), then goes to its link's queue, and its row is marked
 * done or failed when every part of it ended. The link retries with
 * backoff, within its window and throughput, and gives up after
 * NV_MT_ATTEMPTS_MAX temporary failures or a permanent refusal; the row
 * records why; each temporary failure is written to the row (attempts,
 * next attempt), so a restart resends it no earlier and counts on from
 * there. A message whose link queue is full waits here (in memory,
 * its row still queued) until there is room. A row still queued when
 * numvertd stops is sent again at the next start.
 */
#ifndef NV_OUTBOX_H
#define NV_OUTBOX_H

#include <stdint.h>

#include <event2/event.h>

#include "mt.h"
#include "smpp_link.h"

struct fallback;
struct logger;
struct outbox;
struct store;
struct store_mt;

/*
 * links (nlinks of them) are borrowed: the outbox must be freed after
 * them, since freeing a link ends its queued messages (abandoned).
 */
struct outbox *outbox_new(struct event_base *base, struct logger *log,
    const struct fallback *fb, struct store *s, struct link **links,
    unsigned nlinks);
void outbox_free(struct outbox *ob);

/* Sends the committed outbox row id. Strings are copied. */
void outbox_send(struct outbox *ob, struct link *l, int64_t id,
    const struct mt_addr *to, const char *text, const char *lang);

/* Sends a row found queued at start (m->link names its link). */
void outbox_resume(struct outbox *ob, int64_t id, const struct store_mt *m);

/* The link_cbs.mt_done callback's work: owner came from outbox_send. */
void outbox_mt_done(struct outbox *ob, void *owner, enum link_mt_end end,
    uint32_t status, unsigned attempts, const char *why);

/* The link_cbs.mt_retry callback's work: records the attempt. */
void outbox_mt_retry(struct outbox *ob, void *owner, uint32_t status,
    unsigned attempts, uint64_t delay_ms);

/* Rows waiting for room in their link's queue. */
unsigned outbox_parked(const struct outbox *ob);

struct outbox_stats {
	uint64_t sent, done, failed, parked, resumed;
};
const struct outbox_stats *outbox_stats(const struct outbox *ob);

#endif
