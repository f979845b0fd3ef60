/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * load: the load generator. Sends --count dialogues (an SMS MO, or a
 * USSD dialogue of --steps MOs) from distinct made-up numbers
 * 2237xxxxxxx counting up, over K binds with a window each, at --rate
 * MO/s or as fast as the windows allow. Replies are matched to their MO
 * by destination (the MO's source). Prints the result block of
 * sim_stats.c. The hot path allocates nothing: the MO is a template
 * whose number and TLVs are patched in place.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/xmalloc.h"
#include "sim/sim_cmds.h"
#include "sim/sim_msg.h"
#include "sim/sim_opts.h"
#include "sim/sim_stats.h"

/* The first made-up number (the fixtures' test range 2237xxxxxxx). */
#define LOAD_BASE 22370000000ull
#define LOAD_COUNT_MAX 10000000ul	/* distinct 2237xxxxxxx numbers */

enum dstate { D_IDLE, D_OPEN, D_DONE };

/* One dialogue (one handset). */
struct dlg {
	uint8_t state;
	uint8_t step;		/* MOs sent so far */
	uint8_t want_reply;	/* the last MO awaits its MT */
	struct sim_ussd_sess s;
	uint32_t mo;		/* index of its last MO */
};

struct load {
	struct sim_ctx *ctx;
	struct sim_peer *peer;
	struct sim_signals *sig;
	struct sim_link_opts lo;
	const struct sim_dialect *dia;
	int ussd, expect_reply, json, abort_open;
	const char *text, *code, *answer;
	unsigned long count, rate, concurrency;
	unsigned steps, hold_ms, idle_ms;
	struct sim_mo tsms, tbegin, tcont, tabort;
	char service[21];

	struct dlg *d;
	uint32_t *ready;		/* ring of dialogues due a next step */
	size_t rhead, rlen;
	unsigned long next_new, open;
	struct sim_stats *st;
	uint64_t *sent_us;		/* per MO */
	uint32_t *mo_dlg;		/* per MO: its dialogue */
	unsigned long nmo, mo_cap, outstanding, awaiting;
	uint64_t t0, last_progress;
	int started, finished;
	struct event *tick, *bindwait, *hold, *done;
};

enum { OPT_COUNT = SIM_OPT_FIRST_OWN, OPT_RATE, OPT_KIND, OPT_EXPECT,
	OPT_HOLD, OPT_JSON, OPT_STEPS, OPT_CONC, OPT_TEXT, OPT_CODE,
	OPT_ANSWER, OPT_DIALECT, OPT_IDLE, OPT_NO_ABORT, OPT_HELP };

static const struct option longopts[] = {
	SIM_LINK_LONGOPTS,
	{ "count", 1, NULL, OPT_COUNT },
	{ "rate", 1, NULL, OPT_RATE },
	{ "kind", 1, NULL, OPT_KIND },
	{ "expect-reply", 0, NULL, OPT_EXPECT },
	{ "hold", 1, NULL, OPT_HOLD },
	{ "json", 0, NULL, OPT_JSON },
	{ "steps", 1, NULL, OPT_STEPS },
	{ "concurrency", 1, NULL, OPT_CONC },
	{ "text", 1, NULL, OPT_TEXT },
	{ "code", 1, NULL, OPT_CODE },
	{ "answer", 1, NULL, OPT_ANSWER },
	{ "dialect", 1, NULL, OPT_DIALECT },
	{ "idle-timeout", 1, NULL, OPT_IDLE },
	{ "no-abort", 0, NULL, OPT_NO_ABORT },
	{ "help", 0, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void
help(void)
{
	printf("usage: numvert-smsc load [options]\n"
	    "Sends MOs from distinct test numbers 2237xxxxxxx and measures.\n\n"
	    "  --count N           dialogues (SMS: MOs) to send (default "
	    "1000; 0 = bind and hold)\n"
	    "  --rate R|max        MO/s, or as fast as the windows allow "
	    "(default max)\n"
	    "  --kind sms|ussd     (default sms)\n"
	    "  --expect-reply      wait for one MT per MO, matched by "
	    "destination\n"
	    "  --steps S           ussd: MOs per dialogue, each after the "
	    "previous reply\n"
	    "                      (default 1; S > 1 implies "
	    "--expect-reply)\n"
	    "  --concurrency C     ussd: open dialogues at most (default "
	    "all)\n"
	    "  --no-abort          ussd: leave dialogues the network kept "
	    "open (default:\n"
	    "                      abort them after the last step)\n"
	    "  --text T            SMS text (default \"TEST load\")\n"
	    "  --code C            USSD string to dial (default *384#)\n"
	    "  --answer A          USSD answer of later steps (default 1)\n"
	    "  --dialect NAME      USSD dialect (default its_session_info)\n"
	    "  --idle-timeout D    give up after D without progress "
	    "(default 10s)\n"
	    "  --hold D            keep the binds open for D at the end\n"
	    "  --json              print the result as one JSON object\n\n%s",
	    SIM_LINK_HELP);
}

static void finish(struct load *l);

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

/* Sends one MO of dialogue i. Returns SIM_SENT, SIM_BUSY or invalid. */
static int
send_step(struct load *l, unsigned long i)
{
	struct dlg *d = &l->d[i];
	struct sim_mo *t;
	struct smpp_pdu *pdu;
	enum sim_ussd_step kind = SIM_USSD_BEGIN;
	int abort_step = 0, rc;

	if (l->nmo >= l->mo_cap)
		return SIM_BUSY;	/* cannot happen: sized for the run */
	if (!l->ussd) {
		t = &l->tsms;
	} else if (d->step == 0) {
		t = &l->tbegin;
	} else if (d->step < l->steps) {
		t = &l->tcont;
		kind = SIM_USSD_CONTINUE;
	} else {
		t = &l->tabort;
		kind = SIM_USSD_ABORT;
		abort_step = 1;
	}
	pdu = sim_mo_pdu(t);
	fill_number(pdu->source_addr, i);
	if (l->ussd) {
		struct sim_ussd_sess s = d->s;

		pdu->tlv.have &= SMPP_HAVE_MESSAGE_PAYLOAD;
		sim_dialect_mo(l->dia, &s, kind, &pdu->tlv);
		if ((rc = sim_peer_send(l->peer, pdu, (void *)(uintptr_t)(
		    l->nmo + 1))) != SIM_SENT)
			return rc;
		d->s = s;
	} else if ((rc = sim_peer_send(l->peer, pdu,
	    (void *)(uintptr_t)(l->nmo + 1))) != SIM_SENT) {
		return rc;
	}
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

/* Sends what the windows, the rate and the concurrency allow. */
static void
pump(struct load *l)
{
	while (!l->finished && rate_allows(l)) {
		unsigned long i;
		int from_ring = l->rlen > 0;

		if (from_ring) {
			i = l->ready[l->rhead];
		} else if (l->next_new < l->count &&
		    l->open < l->concurrency) {
			i = l->next_new;
		} else {
			break;
		}
		if (send_step(l, i) != SIM_SENT)
			break;	/* busy: resumes on the next response */
		if (from_ring) {
			l->rhead = (l->rhead + 1) % l->count;
			l->rlen--;
		} else {
			l->d[i].state = D_OPEN;
			l->next_new++;
			l->open++;
		}
	}
}

static void
dlg_close(struct load *l, struct dlg *d)
{
	if (d->state == D_OPEN) {
		d->state = D_DONE;
		l->open--;
	}
}

/* Decides the dialogue's next move once its MO has its reply. */
static void
dlg_advance(struct load *l, unsigned long i, int ended)
{
	struct dlg *d = &l->d[i];

	if (!l->ussd || ended || (d->step >= l->steps && !l->abort_open)) {
		dlg_close(l, d);
		return;
	}
	/* The next step, or the closing abort, goes out when it can. */
	l->ready[(l->rhead + l->rlen) % l->count] = (uint32_t)i;
	l->rlen++;
}

static void
check_done(struct load *l)
{
	struct timeval zero = { 0, 0 };

	if (l->finished || l->next_new < l->count || l->rlen > 0 ||
	    l->outstanding > 0 || l->awaiting > 0)
		return;
	/* Not from inside an MT callback: its response must go first. */
	evtimer_add(l->done, &zero);
}

static void
done_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	finish(arg);
}

static void
on_done(void *arg, void *ctx, uint32_t status)
{
	struct load *l = arg;
	unsigned long mo = (unsigned long)(uintptr_t)ctx - 1;
	unsigned long i = l->mo_dlg[mo];
	struct dlg *d = &l->d[i];
	uint64_t now = sim_now_us();

	l->outstanding--;
	l->last_progress = now;
	sim_stats_resp(l->st, status, now - l->sent_us[mo], now);
	if (d->mo == mo) {
		if (status != SMPP_ROK) {
			/* A refused step ends the dialogue: no reply. */
			if (d->want_reply) {
				d->want_reply = 0;
				l->awaiting--;
			}
			dlg_close(l, d);
		} else if (!l->expect_reply || d->step > l->steps) {
			dlg_close(l, d);	/* no reply, or the abort */
		}
	}
	pump(l);
	check_done(l);
}

static uint32_t
on_mt(void *arg, const struct smpp_pdu *pdu, const char *msgid)
{
	struct load *l = arg;
	unsigned long i;
	struct dlg *d;
	uint64_t now = sim_now_us();
	int ended;

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
	ended = !(pdu->tlv.have & SMPP_HAVE_USSD_SERVICE_OP) ||
	    pdu->tlv.ussd_service_op != 0x02 ||	/* 2: USSR request */
	    ((pdu->tlv.have & SMPP_HAVE_ITS_SESSION_INFO) &&
	    (pdu->tlv.its_session_info[1] & 0x01));
	dlg_advance(l, i, ended);
	pump(l);
	check_done(l);
	return SMPP_ROK;
}

static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct load *l = arg;

	(void)fd;
	(void)what;
	if (!l->started || l->finished)
		return;
	pump(l);
	if (sim_now_us() - l->last_progress > (uint64_t)l->idle_ms * 1000u) {
		log_msg(l->ctx->log, LOG_WARN, "sim=load", "idle_timeout",
		    "outstanding=%lu awaiting=%lu", l->outstanding, l->awaiting);
		finish(l);
	}
}

static void
stop(struct load *l)
{
	if (l->sig != NULL) {
		sim_signals_free(l->sig);
		l->sig = NULL;
	}
	event_del(l->tick);
	event_del(l->bindwait);
	event_del(l->hold);
	event_del(l->done);
	sim_peer_shutdown(l->peer);
}

static void
hold_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	stop(arg);
}

static void
finish(struct load *l)
{
	struct timeval tv = sim_tv(l->hold_ms);

	if (l->finished)
		return;
	l->finished = 1;
	event_del(l->tick);
	sim_stats_missing(l->st, l->awaiting);
	if (l->count > 0)
		sim_stats_print(l->st, l->json, stdout);
	else
		printf("load: %u binds up\n", sim_peer_mo_binds(l->peer));
	fflush(stdout);
	if (l->hold_ms > 0) {
		log_msg(l->ctx->log, LOG_INFO, "sim=load", "holding", "ms=%u",
		    l->hold_ms);
		evtimer_add(l->hold, &tv);
	} else {
		stop(l);
	}
}

static void
on_binds(void *arg, unsigned mo, unsigned all)
{
	struct load *l = arg;
	struct timeval tv = sim_tv(1);

	(void)all;
	if (!l->started && !l->finished && sim_peer_dead(l->peer)) {
		fprintf(stderr, "numvert-smsc load: no bind succeeded\n");
		l->finished = 1;
		stop(l);
		return;
	}
	if (l->started || mo < l->lo.binds)
		return;
	l->started = 1;
	event_del(l->bindwait);
	l->last_progress = sim_now_us();
	sim_stats_start(l->st);
	if (l->count == 0) {
		finish(l);
		return;
	}
	evtimer_add(l->tick, &tv);
	pump(l);
}

static void
bindwait_cb(evutil_socket_t fd, short what, void *arg)
{
	struct load *l = arg;

	(void)fd;
	(void)what;
	fprintf(stderr, "numvert-smsc load: only %u of %u binds after %u ms\n",
	    sim_peer_mo_binds(l->peer), l->lo.binds, l->lo.bind_wait_ms);
	l->finished = 1;
	stop(l);
}

static void
on_signal(void *arg)
{
	struct load *l = arg;

	if (l->started && !l->finished) {
		l->hold_ms = 0;
		finish(l);
	} else {
		l->finished = 1;
		stop(l);
	}
}

static const struct sim_peer_cbs load_cbs = {
	.binds = on_binds,
	.mt = on_mt,
	.mo_done = on_done,
};

static int
parse_own(struct load *l, int c, const char *arg)
{
	unsigned long v;

	switch (c) {
	case OPT_COUNT:
		if (sim_parse_uint(arg, 0, LOAD_COUNT_MAX, &v) != 0)
			return sim_usage_error("load", "--count wants 0..%lu",
			    LOAD_COUNT_MAX), -1;
		l->count = v;
		return 0;
	case OPT_RATE:
		if (strcmp(arg, "max") == 0)
			l->rate = 0;
		else if (sim_parse_uint(arg, 1, 10000000, &l->rate) != 0)
			return sim_usage_error("load", "--rate wants a number "
			    "of MO/s or max"), -1;
		return 0;
	case OPT_KIND:
		if (strcmp(arg, "sms") != 0 && strcmp(arg, "ussd") != 0)
			return sim_usage_error("load", "--kind wants sms or "
			    "ussd"), -1;
		l->ussd = strcmp(arg, "ussd") == 0;
		return 0;
	case OPT_STEPS:
		if (sim_parse_uint(arg, 1, 100, &v) != 0)
			return sim_usage_error("load", "--steps wants 1..100"),
			    -1;
		l->steps = (unsigned)v;
		return 0;
	case OPT_CONC:
		if (sim_parse_uint(arg, 1, LOAD_COUNT_MAX, &l->concurrency))
			return sim_usage_error("load", "--concurrency wants "
			    "a positive number"), -1;
		return 0;
	case OPT_HOLD:
	case OPT_IDLE:
		if (sim_parse_duration(arg, c == OPT_HOLD ? &l->hold_ms :
		    &l->idle_ms) != 0)
			return sim_usage_error("load", "bad duration '%s'",
			    arg), -1;
		return 0;
	case OPT_DIALECT:
		if ((l->dia = sim_dialect_find(arg)) == NULL)
			return sim_usage_error("load", "unknown dialect '%s'",
			    arg), -1;
		return 0;
	case OPT_EXPECT: l->expect_reply = 1; return 0;
	case OPT_JSON: l->json = 1; return 0;
	case OPT_NO_ABORT: l->abort_open = 0; return 0;
	case OPT_TEXT: l->text = arg; return 0;
	case OPT_CODE: l->code = arg; return 0;
	case OPT_ANSWER: l->answer = arg; return 0;
	case OPT_HELP: help(); exit(SIM_EXIT_OK);
	default:
		return sim_usage_error("load", "bad option"), -1;
	}
}

/* Encodes the MO templates once. */
static int
build_templates(struct load *l)
{
	struct sim_mo_opts mo = { SIM_ENC_AUTO, SIM_DC_GSM7 };
	struct sim_ussd_sess s = { 0, 0, 0 };
	const char *err;

	if (sim_mo_sms(&l->tsms, &mo, "1", "36123", l->text, &err) != 0)
		return sim_usage_error("load", "--text: %s", err), -1;
	if (sim_ussd_service(l->code, l->service, sizeof l->service) != 0)
		return sim_usage_error("load", "--code wants a USSD string "
		    "such as *384#"), -1;
	if (sim_mo_ussd(&l->tbegin, &mo, l->dia, &s, SIM_USSD_BEGIN, "1",
	    l->service, l->code, &err) != 0 ||
	    sim_mo_ussd(&l->tcont, &mo, l->dia, &s, SIM_USSD_CONTINUE, "1",
	    l->service, l->answer, &err) != 0 ||
	    sim_mo_ussd(&l->tabort, &mo, l->dia, &s, SIM_USSD_ABORT, "1",
	    l->service, "", &err) != 0)
		return sim_usage_error("load", "USSD text: %s", err), -1;
	return 0;
}

static int
load_parse(struct load *l, int argc, char **argv)
{
	int c, r;

	sim_link_defaults(&l->lo, 10);
	l->count = 1000;
	l->steps = 1;
	l->abort_open = 1;
	l->idle_ms = 10000;
	l->dia = sim_dialect_default();
	l->text = "TEST load";
	l->code = "*384#";
	l->answer = "1";
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if ((r = sim_link_opt(&l->lo, c, optarg, "load")) < 0)
			return -1;
		if (r == 0 && parse_own(l, c, optarg) != 0)
			return -1;
	}
	if (optind != argc)
		return sim_usage_error("load", "unexpected '%s'",
		    argv[optind]), -1;
	if (l->steps > 1 && !l->ussd)
		return sim_usage_error("load", "--steps is for --kind ussd"),
		    -1;
	if (l->steps > 1)
		l->expect_reply = 1;
	if (l->concurrency == 0)
		l->concurrency = l->count ? l->count : 1;
	if (sim_link_finish(&l->lo, "load") != 0)
		return -1;
	return build_templates(l);
}

static void
load_alloc(struct load *l)
{
	struct sim_stats_info si;
	unsigned long n = l->count ? l->count : 1;

	/* Every dialogue sends at most steps MOs plus the abort. */
	l->mo_cap = n * (l->ussd ? l->steps + 1u : 1u);
	l->d = xcalloc(n, sizeof *l->d);
	l->ready = xreallocarray(NULL, n, sizeof *l->ready);
	l->sent_us = xreallocarray(NULL, l->mo_cap, sizeof *l->sent_us);
	l->mo_dlg = xreallocarray(NULL, l->mo_cap, sizeof *l->mo_dlg);
	for (unsigned long i = 0; i < n; i++)
		l->d[i].s.id = (uint16_t)(i % ((unsigned long)
		    sim_dialect_max_id(l->dia) + 1u));
	memset(&si, 0, sizeof si);
	si.kind = l->ussd ? "ussd" : "sms";
	si.role = l->lo.role == CONN_SMSC ? "smsc" : "esme";
	si.binds = l->lo.binds;
	si.window = l->lo.window;
	si.count = l->count;
	si.rate = l->rate;
	si.steps = l->steps;
	l->st = sim_stats_new(&si, l->mo_cap);
}

static void
load_free(struct load *l)
{
	sim_signals_free(l->sig);
	if (l->tick != NULL)
		event_free(l->tick);
	if (l->bindwait != NULL)
		event_free(l->bindwait);
	if (l->hold != NULL)
		event_free(l->hold);
	if (l->done != NULL)
		event_free(l->done);
	sim_peer_free(l->peer);
	sim_stats_free(l->st);
	free(l->d);
	free(l->ready);
	free(l->sent_us);
	free(l->mo_dlg);
}

int
sim_load_main(struct sim_ctx *ctx, int argc, char **argv)
{
	struct load l;
	struct sim_peer_opts po;
	const char *cause;
	char desc[SIM_HOST_MAX + 64];
	int port, rc = SIM_EXIT_USAGE;

	memset(&l, 0, sizeof l);
	l.ctx = ctx;
	if (load_parse(&l, argc, argv) != 0)
		return SIM_EXIT_USAGE;
	load_alloc(&l);
	sim_raise_nofile(l.lo.binds * 2u + 64u);
	sim_link_peer(&l.lo, "sim=load", &po);
	l.peer = sim_peer_new(ctx, &po, &load_cbs, &l, &port, &cause);
	if (l.peer == NULL) {
		fprintf(stderr, "numvert-smsc load: %s\n", cause);
		goto out;
	}
	sim_link_describe(&l.lo, port, desc, sizeof desc);
	fprintf(stderr, "load: %s, waiting for %u bind(s)\n", desc, l.lo.binds);
	if (l.lo.port_file != NULL &&
	    sim_write_port_file(l.lo.port_file, port) != 0) {
		fprintf(stderr, "numvert-smsc load: cannot write %s\n",
		    l.lo.port_file);
		sim_peer_shutdown(l.peer);
		event_base_dispatch(ctx->base);
		goto out;
	}
	l.tick = event_new(ctx->base, -1, EV_PERSIST, tick_cb, &l);
	l.bindwait = evtimer_new(ctx->base, bindwait_cb, &l);
	l.hold = evtimer_new(ctx->base, hold_cb, &l);
	l.done = evtimer_new(ctx->base, done_cb, &l);
	l.sig = sim_signals_new(ctx->base, on_signal, &l);
	{
		struct timeval tv = sim_tv(l.lo.bind_wait_ms);

		evtimer_add(l.bindwait, &tv);
	}
	event_base_dispatch(ctx->base);
	rc = !l.started ? SIM_EXIT_FAIL :
	    sim_stats_complete(l.st, l.expect_reply) ? SIM_EXIT_OK :
	    SIM_EXIT_FAIL;
out:
	load_free(&l);
	return rc;
}
