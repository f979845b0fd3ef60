/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Rate limits and flood detection, in memory only, keyed by pseudonym
 * (routing/pseudo.h), never by number.
 *
 * Per pseudonym, report limits over exact sliding windows: a report is
 * over the hourly limit when the pseudonym already sent per_hour
 * reports in the 3,600 s before it (times t with now - 3600 < t <= now),
 * over the daily limit likewise with per_day over 86,400 s. Every
 * report counts, over-limit ones too: a sender who keeps sending stays
 * over. RL_OVER_DAY wins when both are exceeded.
 *
 * Floods, over fixed windows of one clock hour (Unix time / 3600), so
 * that "once per window" has one meaning: a pseudonym's messages
 * (reports and other messages) or a region's reports in the current
 * hour going above the threshold raise the alert once, on the message
 * that crosses it, and not again until the next hour. A burst split
 * across two hours can reach twice the threshold without an alert; a
 * sustained flood above the threshold alerts every hour.
 *
 * A limit or threshold of 0 is off. Memory is bounded: at most
 * NV_RL_TRACKED_MAX pseudonyms, the least recently seen forgotten first
 * (its counts start again), every call O(1). The table is allocated
 * whole in rl_new (about 56 octets per slot plus 8 per report time
 * kept: 136 with a daily limit of 10).
 * Pseudonyms are keyed hashes, so nobody can choose them to collide in
 * the hash table.
 *
 * A time that goes back counts what seems to be in the future as in
 * the window; nothing breaks.
 *
 * Not thread-safe: one rl per thread, or the caller's lock.
 */
#ifndef NV_RATELIMIT_H
#define NV_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

struct rl_cfg {
	unsigned per_hour, per_day;	/* reports; <= NV_RL_LIMIT_MAX */
	unsigned flood_pseudo_per_hour;	/* messages of one pseudonym */
	unsigned flood_region_per_hour;	/* reports about one region */
};

struct rl;

/* NULL if per_hour or per_day is above NV_RL_LIMIT_MAX. */
struct rl *rl_new(const struct rl_cfg *c);
void rl_free(struct rl *r);	/* wipes what it held */

enum rl_verdict { RL_OK, RL_OVER_HOUR, RL_OVER_DAY };

#define RL_ALERT_PSEUDO 1u
#define RL_ALERT_REGION 2u

/*
 * Counts one report from pn about region (may be NULL) at now; *alerts
 * gets the alert bits raised by THIS call (each alert fires once per
 * window). An over-limit report is still a report: the caller stores
 * it, flagged, and never drops it. Region names longer than
 * NV_RL_REGION_LEN - 1 octets are compared on their start.
 */
enum rl_verdict rl_report(struct rl *r, const uint8_t pn[16],
    const char *region, int64_t now, unsigned *alerts);

/*
 * A message that is not a report (a USSD step, an SMS reply): counts
 * toward the pseudonym flood only. Returns the alert bits it raised.
 */
unsigned rl_message(struct rl *r, const uint8_t pn[16], int64_t now);

/* Pseudonyms tracked now (at most NV_RL_TRACKED_MAX). */
size_t rl_tracked(const struct rl *r);

#endif
