/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Counters and latency samples of a load run, and its result block
 * (text or one JSON object). Samples are kept whole (4 octets each)
 * and sorted once at the end, so percentiles are exact.
 */
#ifndef NV_SIM_STATS_H
#define NV_SIM_STATS_H

#include <stdint.h>
#include <stdio.h>

struct sim_stats;

/* What the run was, for the header of the result. */
struct sim_stats_info {
	const char *kind;	/* "sms", "ussd" */
	const char *role;	/* "smsc", "esme" */
	unsigned binds;
	unsigned window;
	unsigned long count;
	unsigned long rate;	/* 0 = max */
	unsigned steps;
};

/*
 * The dialogues of a USSD run. A step is an MO that waits for a screen;
 * its latency is mo_to_reply, and steps are the screens received.
 */
struct sim_stats_ussd {
	unsigned long dialogues;	/* begun */
	unsigned long completed;	/* the last step's screen came */
	unsigned long ended_early;	/* a final screen before the last step */
	unsigned long errors;		/* ended by an error response, no
					 * response, a bad screen or none */
	unsigned long protocol_errors;	/* of which a malformed screen or one
					 * for another session */
	unsigned long left_open;	/* last screen "continue", no abort */
	unsigned long open_max;		/* most dialogues open at once */
};

/* max = most MOs the run can send (sample capacity). */
struct sim_stats *sim_stats_new(const struct sim_stats_info *info,
    unsigned long max);
void sim_stats_free(struct sim_stats *s);

void sim_stats_start(struct sim_stats *s);
void sim_stats_sent(struct sim_stats *s);
/* A response (or CONN_ST_TIMEOUT / CONN_ST_CLOSED) after lat µs. */
void sim_stats_resp(struct sim_stats *s, uint32_t status, uint64_t lat,
    uint64_t now);
void sim_stats_reply(struct sim_stats *s, uint64_t lat, uint64_t now);
/* An MT that matched no MO waiting for one. */
void sim_stats_stray(struct sim_stats *s);
/* Replies still awaited when the run ended. */
void sim_stats_missing(struct sim_stats *s, unsigned long n);

/* Adds the USSD block to the result (kind ussd). */
void sim_stats_set_ussd(struct sim_stats *s, const struct sim_stats_ussd *u);

void sim_stats_print(struct sim_stats *s, int json, FILE *f);

/*
 * 1 if every MO got a response and, if asked, every reply came, and no
 * USSD screen was malformed.
 */
int sim_stats_complete(const struct sim_stats *s, int expect_reply);

#endif
