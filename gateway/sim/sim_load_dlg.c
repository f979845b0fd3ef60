/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * load: the dialogues. An SMS is a dialogue of one MO; a USSD dialogue
 * is the dial, then one answer per screen (--answers), then an abort
 * if the network left it open. --concurrency dialogues are kept open:
 * a new one begins as soon as one ends, and new ones go before due
 * steps, so that the open count stays at the mark the run is about
 * (a simulated user answers the moment the screen arrives, after the
 * other users' turns).
 *
 * Every dialogue sits on a lane and holds a session id of that lane
 * while it is open (sim_load.h): ids of open dialogues never collide
 * where the gateway would take them for one dialogue.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/xmalloc.h"
#include "sim/sim_load.h"

static void
fill_number(char *out, unsigned long i)
{
	unsigned long long n = LOAD_BASE + i;
	char tmp[24];
	int k = 0;

	/* snprintf is measurable at 100k/s; 11 digits by hand. */
	do {
		tmp[k++] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0);
	for (int j = 0; j < k; j++)
		out[j] = tmp[k - 1 - j];
	out[k] = '\0';
}

static int
parse_number(const char *s, unsigned long *i)
{
	unsigned long long n = 0;

	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || n > 100000000000ull)
			return -1;
		n = n * 10 + (unsigned)(*s - '0');
	}
	if (n < LOAD_BASE || n - LOAD_BASE >= LOAD_COUNT_MAX)
		return -1;
	*i = (unsigned long)(n - LOAD_BASE);
	return 0;
}

void
load_lanes_new(struct load *l)
{
	unsigned long per;

	l->id_max = l->ussd ? sim_dialect_max_id(l->dia) : 0;
	l->nlanes = l->ussd && l->per_bind ? l->lo.binds : 1;
	l->lanes = xcalloc(l->nlanes, sizeof *l->lanes);
	/* Ids given back at most: every id, or every dialogue. */
	per = (unsigned long)l->id_max + 1u;
	if (per > l->count)
		per = l->count ? l->count : 1;
	for (unsigned k = 0; k < l->nlanes; k++) {
		struct lane *ln = &l->lanes[k];

		ln->any = !(l->ussd && l->per_bind);
		ln->qhead = ln->qtail = LOAD_NIL;
		if (l->ussd)
			ln->free_ids = xreallocarray(NULL, per,
			    sizeof *ln->free_ids);
	}
}

void
load_lanes_start(struct load *l)
{
	size_t *slots;
	size_t n;

	if (l->lanes[0].any)
		return;
	slots = xreallocarray(NULL, l->nlanes, sizeof *slots);
	n = sim_peer_mo_slots(l->peer, slots, l->nlanes);
	for (unsigned k = 0; k < l->nlanes; k++) {
		/* Fewer binds than lanes cannot start; keep the lane dead. */
		l->lanes[k].slot = k < n ? slots[k] : SIZE_MAX;
	}
	free(slots);
}

void
load_lanes_free(struct load *l)
{
	if (l->lanes == NULL)
		return;
	for (unsigned k = 0; k < l->nlanes; k++)
		free(l->lanes[k].free_ids);
	free(l->lanes);
}

static int
id_take(struct load *l, struct lane *ln, uint16_t *id)
{
	if (ln->nfree > 0) {
		*id = ln->free_ids[--ln->nfree];
		return 0;
	}
	if (ln->fresh > l->id_max)
		return -1;
	*id = (uint16_t)ln->fresh++;
	return 0;
}

static void
q_push(struct load *l, struct lane *ln, unsigned long i)
{
	l->d[i].next = LOAD_NIL;
	if (ln->qtail == LOAD_NIL)
		ln->qhead = (uint32_t)i;
	else
		l->d[ln->qtail].next = (uint32_t)i;
	ln->qtail = (uint32_t)i;
	ln->qlen++;
	l->queued++;
}

static void
q_pop(struct load *l, struct lane *ln)
{
	uint32_t i = ln->qhead;

	ln->qhead = l->d[i].next;
	if (ln->qhead == LOAD_NIL)
		ln->qtail = LOAD_NIL;
	ln->qlen--;
	l->queued--;
}

/* Sends one MO of dialogue i. Returns SIM_SENT, SIM_BUSY or invalid. */
static int
send_step(struct load *l, unsigned long i)
{
	struct dlg *d = &l->d[i];
	struct lane *ln = &l->lanes[d->lane];
	struct sim_mo *t;
	struct smpp_pdu *pdu;
	enum sim_ussd_step kind = SIM_USSD_BEGIN;
	int abort_step = 0, rc;
	struct sim_ussd_sess s = d->s;

	if (l->nmo >= l->mo_cap)
		return SIM_BUSY;	/* cannot happen: sized for the run */
	/* Many lanes are full most of the time: ask before building. */
	if (!ln->any && !sim_peer_room_on(l->peer, ln->slot))
		return SIM_BUSY;
	if (!l->ussd) {
		t = &l->tsms;
	} else if (d->step == 0) {
		t = &l->tbegin;
	} else if (d->step < l->steps) {
		/* The list repeats when --steps outruns it. */
		t = &l->tans[(d->step - 1u) % l->nans];
		kind = SIM_USSD_CONTINUE;
	} else {
		t = &l->tabort;
		kind = SIM_USSD_ABORT;
		abort_step = 1;
	}
	pdu = sim_mo_pdu(t);
	fill_number(pdu->source_addr, i);
	if (l->ussd) {
		pdu->tlv.have &= SMPP_HAVE_MESSAGE_PAYLOAD;
		sim_dialect_mo(l->dia, &s, kind, &pdu->tlv);
	}
	rc = ln->any ? sim_peer_send(l->peer, pdu, (void *)(uintptr_t)(
	    l->nmo + 1)) : sim_peer_send_on(l->peer, ln->slot, pdu,
	    (void *)(uintptr_t)(l->nmo + 1));
	if (rc != SIM_SENT)
		return rc;
	d->s = s;
	if (l->nmo == 0)
		l->t0 = sim_now_us();
	l->sent_us[l->nmo] = sim_now_us();
	l->mo_dlg[l->nmo] = (uint32_t)i;
	d->mo = (uint32_t)l->nmo++;
	d->step++;
	d->want_reply = l->expect_reply && !abort_step;
	l->awaiting += d->want_reply;
	l->outstanding++;
	sim_stats_sent(l->st);
	return SIM_SENT;
}

static int
rate_allows(struct load *l)
{
	uint64_t el;

	if (l->rate == 0 || l->nmo == 0)
		return 1;
	el = sim_now_us() - l->t0;
	return (double)l->nmo < (double)l->rate * (double)el / 1e6 + 1.0;
}

/* Begins the next dialogue on a lane with room and a free id. */
static int
begin_one(struct load *l)
{
	unsigned long i = l->next_new;
	struct dlg *d = &l->d[i];

	for (unsigned k = 0; k < l->nlanes; k++) {
		unsigned li = (l->lrr + k) % l->nlanes;
		struct lane *ln = &l->lanes[li];
		uint16_t id = 0;

		if (ln->full || (l->ussd && id_take(l, ln, &id) != 0))
			continue;
		d->lane = (uint16_t)li;
		d->s.id = id;
		if (send_step(l, i) != SIM_SENT) {
			ln->full = 1;
			if (l->ussd)
				ln->free_ids[ln->nfree++] = id;
			continue;
		}
		l->lrr = (li + 1) % l->nlanes;
		d->state = D_OPEN;
		l->next_new++;
		l->open++;
		ln->open++;
		if (l->open > l->us.open_max)
			l->us.open_max = l->open;
		return 1;
	}
	return 0;
}

/* Sends the oldest due step of some lane with room. */
static int
step_one(struct load *l)
{
	for (unsigned k = 0; k < l->nlanes; k++) {
		struct lane *ln = &l->lanes[(l->lrr + k) % l->nlanes];

		if (ln->full || ln->qlen == 0)
			continue;
		if (send_step(l, ln->qhead) != SIM_SENT) {
			ln->full = 1;
			continue;
		}
		q_pop(l, ln);
		return 1;
	}
	return 0;
}

void
load_pump(struct load *l)
{
	for (unsigned k = 0; k < l->nlanes; k++)
		l->lanes[k].full = 0;
	while (!l->finished && rate_allows(l)) {
		if (l->next_new < l->count && l->open < l->concurrency &&
		    begin_one(l))
			continue;
		if (l->queued == 0 || !step_one(l))
			break;	/* busy: resumes on the next response */
	}
}

/* The dialogue is over for us: its id goes back to its lane. */
static void
dlg_close(struct load *l, struct dlg *d)
{
	struct lane *ln = &l->lanes[d->lane];

	if (d->state != D_OPEN)
		return;
	d->state = D_DONE;
	l->open--;
	ln->open--;
	if (l->ussd)
		ln->free_ids[ln->nfree++] = d->s.id;
}

static void
check_done(struct load *l)
{
	struct timeval zero = { 0, 0 };

	if (l->finished || l->next_new < l->count || l->queued > 0 ||
	    l->outstanding > 0 || l->awaiting > 0)
		return;
	/* Not from inside an MT callback: its response must go first. */
	evtimer_add(l->done, &zero);
}

void
load_count_missing(struct load *l)
{
	/* Each dialogue awaits at most one screen; none will come now. */
	l->us.errors += l->awaiting;
	l->us.dialogues = l->next_new;
	sim_stats_missing(l->st, l->awaiting);
	if (l->ussd)
		sim_stats_set_ussd(l->st, &l->us);
}

void
load_on_done(void *arg, void *ctx, uint32_t status)
{
	struct load *l = arg;
	unsigned long mo = (unsigned long)(uintptr_t)ctx - 1;
	unsigned long i = l->mo_dlg[mo];
	struct dlg *d = &l->d[i];
	uint64_t now = sim_now_us();

	l->outstanding--;
	l->last_progress = now;
	sim_stats_resp(l->st, status, now - l->sent_us[mo], now);
	if (d->mo == mo && d->state == D_OPEN) {
		int abort_step = l->ussd && d->step > l->steps;

		if (status != SMPP_ROK) {
			/* A refused step ends the dialogue: no screen. */
			if (d->want_reply) {
				d->want_reply = 0;
				l->awaiting--;
			}
			if (!abort_step)
				l->us.errors++;
			dlg_close(l, d);
		} else if (!l->expect_reply || abort_step) {
			/* No screen to wait for (--steps > 1 implies one). */
			if (!abort_step)
				l->us.completed++;
			dlg_close(l, d);
		}
	}
	load_pump(l);
	check_done(l);
}

/* What the screen means for the dialogue: the next step, or its end. */
static void
dlg_screen(struct load *l, unsigned long i, const struct smpp_pdu *pdu)
{
	struct dlg *d = &l->d[i];
	long id;
	char why[64];
	enum sim_verdict v;

	if (!l->ussd) {
		dlg_close(l, d);
		return;
	}
	v = sim_dialect_classify(l->dia, &pdu->tlv, &id, why, sizeof why);
	/* A screen for another session is as wrong as a malformed one. */
	if (v == SIM_MT_ERROR || id != (long)d->s.id) {
		l->us.protocol_errors++;
		l->us.errors++;
		if (l->us.protocol_errors == 1)
			log_msg(l->ctx->log, LOG_WARN, "sim=load",
			    "bad_screen", "why=%s session=%ld want=%u",
			    why[0] ? why : "session", id, d->s.id);
		dlg_close(l, d);
		return;
	}
	if (v == SIM_MT_END) {
		if (d->step < l->steps)
			l->us.ended_early++;
		else
			l->us.completed++;
		dlg_close(l, d);
		return;
	}
	if (d->step >= l->steps) {
		l->us.completed++;
		if (!l->abort_open) {
			l->us.left_open++;
			dlg_close(l, d);
			return;
		}
	}
	/* The next answer, or the closing abort, when its lane has room. */
	q_push(l, &l->lanes[d->lane], i);
}

uint32_t
load_on_mt(void *arg, const struct smpp_pdu *pdu, const char *msgid)
{
	struct load *l = arg;
	unsigned long i;
	struct dlg *d;
	uint64_t now = sim_now_us();

	(void)msgid;
	if (parse_number(pdu->destination_addr, &i) != 0 || i >= l->count ||
	    !l->d[i].want_reply) {
		sim_stats_stray(l->st);
		return SMPP_ROK;
	}
	d = &l->d[i];
	d->want_reply = 0;
	l->awaiting--;
	l->last_progress = now;
	sim_stats_reply(l->st, now - l->sent_us[d->mo], now);
	dlg_screen(l, i, pdu);
	load_pump(l);
	check_done(l);
	return SMPP_ROK;
}
