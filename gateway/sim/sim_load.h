/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The load generator's state, shared by its two halves: sim_load.c
 * (options, templates, binds, the end of the run) and sim_load_dlg.c
 * (the dialogues: lanes, session ids, steps and screens). Private to
 * the load command.
 */
#ifndef NV_SIM_LOAD_H
#define NV_SIM_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "sim/sim_dialect.h"
#include "sim/sim_msg.h"
#include "sim/sim_opts.h"
#include "sim/sim_stats.h"

/* The first made-up number (the fixtures' test range 2237xxxxxxx). */
#define LOAD_BASE 22370000000ull
#define LOAD_COUNT_MAX 10000000ul	/* distinct 2237xxxxxxx numbers */
#define LOAD_STEPS_MAX 100u		/* the dial and 99 answers */
#define LOAD_NIL UINT32_MAX		/* end of a lane's queue */

enum load_dstate { D_IDLE, D_OPEN, D_DONE };

/* One dialogue (one handset); 20 octets, 10M of them at most. */
struct dlg {
	uint8_t state;		/* enum load_dstate */
	uint8_t step;		/* MOs sent so far, the abort included */
	uint8_t want_reply;	/* the last MO awaits its screen */
	uint8_t pad;
	uint16_t lane;
	struct sim_ussd_sess s;
	uint32_t mo;		/* index of its last MO */
	uint32_t next;		/* its lane's queue of dialogues due a step */
};

/*
 * Where a dialogue's MOs go. A USSD carrier's session ids are unique
 * per link only (numvertd keys a dialogue by its link and the id), so
 * with --session-ids per-bind every bind is a lane with its own ids
 * and a dialogue keeps to its lane; shared: one lane, any bind.
 */
struct lane {
	int any;		/* any bind with room (sim_peer_send) */
	size_t slot;		/* else this connection (sim_peer_send_on) */
	uint32_t qhead, qtail;	/* dialogues due a step, oldest first */
	unsigned long qlen, open;
	uint16_t *free_ids;	/* ids given back, reused first */
	uint32_t nfree;
	uint32_t fresh;		/* ids fresh..id_max never used yet */
	int full;		/* the window was full in this pump */
};

struct load {
	struct sim_ctx *ctx;
	struct sim_peer *peer;
	struct sim_signals *sig;
	struct sim_link_opts lo;
	const struct sim_dialect *dia;
	int ussd, expect_reply, json, abort_open, hold_open, per_bind;
	int conc_given, answers_list;
	const char *text, *code, *answers;
	unsigned long count, rate, concurrency;
	unsigned steps, hold_ms, idle_ms;
	struct sim_mo tsms, tbegin, tabort;
	struct sim_mo *tans;		/* one template per answer */
	unsigned nans;
	char service[21];

	struct dlg *d;
	struct lane *lanes;
	unsigned nlanes;
	uint32_t id_max;		/* highest session id of the dialect */
	unsigned lrr;			/* round-robin cursor over lanes */
	unsigned long next_new, open, queued;
	struct sim_stats *st;
	struct sim_stats_ussd us;
	uint64_t *sent_us;		/* per MO */
	uint32_t *mo_dlg;		/* per MO: its dialogue */
	unsigned long nmo, mo_cap, outstanding, awaiting;
	uint64_t t0, last_progress;
	int started, finished;
	struct event *tick, *bindwait, *hold, *done;
};

/* sim_load_dlg.c */
/* Allocates the lanes (nlanes set) and their session id pools. */
void load_lanes_new(struct load *l);
/* Gives each per-bind lane its connection; at the start of the run. */
void load_lanes_start(struct load *l);
void load_lanes_free(struct load *l);
/* Sends what the windows, the rate and the concurrency allow. */
void load_pump(struct load *l);
/* Dialogues still waiting for a screen count as errors at the end. */
void load_count_missing(struct load *l);
void load_on_done(void *arg, void *ctx, uint32_t status);
uint32_t load_on_mt(void *arg, const struct smpp_pdu *pdu,
    const char *msgid);

#endif
