/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * echo-esme: a test peer in numvertd's place. It binds to an SMSC
 * (serve, or load/script in SMSC mode) and answers every MO with one
 * MT to its sender: "ok" for an SMS, and for USSD the ussd_service_op
 * 0x11 (17, end) or 0x02 (2, continue) with the MO's session TLVs
 * echoed; with --ussd-steps N, continue until the dialogue's Nth step,
 * then end, as a menu of N screens would (the reference for load
 * --answers). Replies wait in a queue while the window is full.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/xmalloc.h"
#include "sim/sim_cmds.h"
#include "sim/sim_dialect.h"
#include "sim/sim_dlgtab.h"
#include "sim/sim_msg.h"
#include "sim/sim_opts.h"

/* Replies waiting for window space, at most; past it MOs get RMSGQFUL. */
#define ECHO_QUEUE_MAX 1000000u

/* A queued reply: just what differs between replies. */
struct reply {
	char to[21], from[21];
	struct smpp_tlvs tlv;	/* USSD TLVs, have == 0 for SMS */
};

struct echo {
	struct sim_ctx *ctx;
	struct sim_peer *peer;
	struct sim_signals *sig;
	struct sim_mo sms, ussd;	/* templates with the encoded texts */
	struct reply *q;
	size_t qhead, qlen, qcap;
	int ussd_end;
	unsigned long ussd_steps;	/* 0: every reply is ussd_end */
	struct sim_dlgtab *dlgs;	/* with ussd_steps: open dialogues */
	int quiet;
	int pump_armed;
	struct event *pump_ev;
	unsigned long mos, sent, acked, failed;
};

enum { OPT_TEXT = SIM_OPT_FIRST_OWN, OPT_USSD_TEXT, OPT_USSD_REPLY,
	OPT_USSD_STEPS, OPT_QUIET, OPT_HELP };

static const struct option longopts[] = {
	SIM_LINK_LONGOPTS,
	{ "text", 1, NULL, OPT_TEXT },
	{ "ussd-text", 1, NULL, OPT_USSD_TEXT },
	{ "ussd-reply", 1, NULL, OPT_USSD_REPLY },
	{ "ussd-steps", 1, NULL, OPT_USSD_STEPS },
	{ "quiet", 0, NULL, OPT_QUIET },
	{ "help", 0, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void
help(void)
{
	printf("usage: numvert-smsc echo-esme --connect HOST:PORT [options]\n"
	    "       numvert-smsc echo-esme --listen HOST:PORT [options]\n"
	    "Binds as ESME (transceiver by default) and answers every MO. "
	    "With --listen\nit is an SMSC that answers every submit_sm with "
	    "a deliver_sm instead\n(numvertd's server mode, for load "
	    "--connect).\n\n"
	    "  --text T            SMS reply text (default \"ok\")\n"
	    "  --ussd-text T       USSD reply text (default \"ok\")\n"
	    "  --ussd-reply end|continue   op 0x11 (17) with the end bit, "
	    "or op 0x02 (2)\n"
	    "  --ussd-steps N      continue screens until a dialogue's Nth "
	    "step (the dial\n"
	    "                      is step 1), then the final screen\n"
	    "  --quiet             do not print one line per MO\n\n%s",
	    SIM_LINK_HELP);
}

static void
q_push(struct echo *e, const struct reply *r)
{
	if (e->qlen == e->qcap) {
		size_t ncap = e->qcap ? e->qcap * 2 : 1024;
		struct reply *nq = xreallocarray(NULL, ncap, sizeof *nq);

		/* Unroll the ring into the new array. */
		for (size_t i = 0; i < e->qlen; i++)
			nq[i] = e->q[(e->qhead + i) % e->qcap];
		free(e->q);
		e->q = nq;
		e->qcap = ncap;
		e->qhead = 0;
	}
	e->q[(e->qhead + e->qlen) % e->qcap] = *r;
	e->qlen++;
}

/* Sends queued replies while the window has room. */
static void
pump(struct echo *e)
{
	while (e->qlen > 0) {
		struct reply *r = &e->q[e->qhead];
		struct sim_mo *t = r->tlv.have ? &e->ussd : &e->sms;
		struct smpp_pdu *pdu = sim_mo_pdu(t);
		int rc;

		snprintf(pdu->source_addr, sizeof pdu->source_addr, "%s",
		    r->from);
		snprintf(pdu->destination_addr, 21, "%s", r->to);
		pdu->tlv.have = (t->pdu.tlv.have & SMPP_HAVE_MESSAGE_PAYLOAD) |
		    r->tlv.have;
		pdu->tlv.ussd_service_op = r->tlv.ussd_service_op;
		memcpy(pdu->tlv.its_session_info, r->tlv.its_session_info, 2);
		pdu->tlv.user_message_reference = r->tlv.user_message_reference;
		rc = sim_peer_send(e->peer, pdu, e);
		if (rc == SIM_BUSY)
			return;
		if (rc == SIM_SENT)
			e->sent++;
		else
			e->failed++;
		e->qhead = (e->qhead + 1) % e->qcap;
		e->qlen--;
	}
}

static void
pump_cb(evutil_socket_t fd, short what, void *arg)
{
	struct echo *e = arg;

	(void)fd;
	(void)what;
	e->pump_armed = 0;
	pump(e);
}

/* Whether this USSD MO gets the final screen. */
static int
ussd_end(struct echo *e, const struct smpp_pdu *pdu)
{
	unsigned step;

	if (e->dlgs == NULL)
		return e->ussd_end;
	/* 0x01 (1), PSSR indication: the dial, in every dialect. */
	step = sim_dlgtab_step(e->dlgs, pdu->source_addr,
	    pdu->tlv.ussd_service_op == 0x01);
	if (step != 0 && step < e->ussd_steps)
		return 0;
	sim_dlgtab_end(e->dlgs, pdu->source_addr);
	return 1;
}

static uint32_t
on_mo(void *arg, const struct smpp_pdu *pdu, const char *msgid)
{
	struct echo *e = arg;
	struct reply r;
	int end = 0;

	(void)msgid;
	e->mos++;
	if (e->qlen >= ECHO_QUEUE_MAX)
		return SMPP_RMSGQFUL;
	/* An abort (op 0x81 = 129, or the its end bit) gets no answer. */
	if ((pdu->tlv.have & SMPP_HAVE_USSD_SERVICE_OP) &&
	    (pdu->tlv.ussd_service_op == 0x81 ||
	    ((pdu->tlv.have & SMPP_HAVE_ITS_SESSION_INFO) &&
	    (pdu->tlv.its_session_info[1] & 0x01)))) {
		if (e->dlgs != NULL)
			sim_dlgtab_end(e->dlgs, pdu->source_addr);
		return SMPP_ROK;
	}
	memset(&r, 0, sizeof r);
	/* The MO's destination (short code or service) answers. */
	snprintf(r.to, sizeof r.to, "%s", pdu->source_addr);
	snprintf(r.from, sizeof r.from, "%.20s", pdu->destination_addr);
	if (pdu->tlv.have & SMPP_HAVE_USSD_SERVICE_OP) {
		end = ussd_end(e, pdu);
		sim_dialect_echo(&pdu->tlv, end, &r.tlv);
	}
	if (!e->quiet) {
		printf("mo %s dst=%s op=%s\n", pdu->tlv.have &
		    SMPP_HAVE_USSD_SERVICE_OP ? "ussd" : "sms", r.from,
		    r.tlv.have ? (end ? "0x11" : "0x02") : "-");
		fflush(stdout);
	}
	q_push(e, &r);
	/* Reply after the MO's response, as numvertd does: next loop turn. */
	if (!e->pump_armed) {
		struct timeval zero = { 0, 0 };

		e->pump_armed = 1;
		evtimer_add(e->pump_ev, &zero);
	}
	return SMPP_ROK;
}

static void
on_done(void *arg, void *ctx, uint32_t status)
{
	struct echo *e = arg;

	(void)ctx;
	if (status == SMPP_ROK) {
		e->acked++;
	} else {
		e->failed++;
		log_msg(e->ctx->log, LOG_WARN, "sim=echo", "reply_failed",
		    "status=0x%08x name=%s", status, smpp_status_name(status));
	}
	pump(e);
}

static void
on_binds(void *arg, unsigned mo, unsigned all)
{
	struct echo *e = arg;

	log_msg(e->ctx->log, LOG_INFO, "sim=echo", "binds", "mo=%u all=%u",
	    mo, all);
	pump(e);
}

static void
on_signal(void *arg)
{
	struct echo *e = arg;

	sim_signals_free(e->sig);
	e->sig = NULL;
	evtimer_del(e->pump_ev);
	sim_peer_shutdown(e->peer);
}

static const struct sim_peer_cbs echo_cbs = {
	.binds = on_binds,
	.mt = on_mo,
	.mo_done = on_done,
};

static int
parse(struct echo *e, struct sim_link_opts *lo, int argc, char **argv,
    const char **text, const char **utext)
{
	int c, r;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if ((r = sim_link_opt(lo, c, optarg, "echo-esme")) != 0) {
			if (r < 0)
				return -1;
			continue;
		}
		switch (c) {
		case OPT_TEXT: *text = optarg; break;
		case OPT_USSD_TEXT: *utext = optarg; break;
		case OPT_USSD_REPLY:
			if (strcmp(optarg, "end") && strcmp(optarg, "continue"))
				return sim_usage_error("echo-esme", "--ussd-"
				    "reply wants end or continue"), -1;
			e->ussd_end = strcmp(optarg, "end") == 0;
			break;
		case OPT_USSD_STEPS:
			if (sim_parse_uint(optarg, 1, 65535, &e->ussd_steps))
				return sim_usage_error("echo-esme", "--ussd-"
				    "steps wants 1..65535"), -1;
			break;
		case OPT_QUIET: e->quiet = 1; break;
		case OPT_HELP: help(); exit(SIM_EXIT_OK);
		default:
			return sim_usage_error("echo-esme", "bad option"), -1;
		}
	}
	if (optind != argc)
		return sim_usage_error("echo-esme", "unexpected '%s'",
		    argv[optind]), -1;
	/* Listening, it stands in for numvertd's server mode (SMSC role). */
	return sim_link_finish(lo, "echo-esme");
}

int
sim_echo_main(struct sim_ctx *ctx, int argc, char **argv)
{
	struct echo e;
	struct sim_link_opts lo;
	struct sim_peer_opts po;
	struct sim_mo_opts mo = { SIM_ENC_AUTO, SIM_DC_GSM7 };
	struct sim_ussd_sess s = { 0, 0, 0 };
	const char *text = "ok", *utext = "ok", *err, *cause;
	char tbuf[SIM_MO_MAX], ubuf[SIM_MO_MAX];
	size_t tl, ul;
	int port, rc = SIM_EXIT_USAGE;

	memset(&e, 0, sizeof e);
	e.ctx = ctx;
	e.ussd_end = 1;
	sim_link_defaults(&lo, 100);
	if (parse(&e, &lo, argc, argv, &text, &utext) != 0)
		return SIM_EXIT_USAGE;
	/* The texts take the transcript escapes (\n for a new line). */
	if (sim_unescape(text, tbuf, sizeof tbuf, &tl) != 0 ||
	    sim_unescape(utext, ubuf, sizeof ubuf, &ul) != 0)
		return sim_usage_error("echo-esme", "bad escape in a text");
	text = tbuf;
	utext = ubuf;
	if (sim_mo_sms(&e.sms, &mo, "1", "1", text, &err) != 0 ||
	    sim_mo_ussd(&e.ussd, &mo, sim_dialect_default(), &s,
	    SIM_USSD_BEGIN, "1", "1", utext, &err) != 0)
		return sim_usage_error("echo-esme", "reply text: %s", err);
	e.ussd.pdu.tlv.have = 0;
	/* Replies go from the short code to the handset: 0/0 then 1/1. */
	e.sms.pdu.source_addr_ton = e.ussd.pdu.source_addr_ton = 0;
	e.sms.pdu.source_addr_npi = e.ussd.pdu.source_addr_npi = 0;
	e.sms.pdu.dest_addr_ton = e.ussd.pdu.dest_addr_ton = 1;
	e.sms.pdu.dest_addr_npi = e.ussd.pdu.dest_addr_npi = 1;
	if (e.ussd_steps > 0)
		e.dlgs = sim_dlgtab_new();
	e.pump_ev = evtimer_new(ctx->base, pump_cb, &e);
	sim_raise_nofile(lo.binds * 2u + 64u);
	sim_link_peer(&lo, "sim=echo", &po);
	po.reconnect_ms = lo.connect ? 1000 : 0;
	e.peer = sim_peer_new(ctx, &po, &echo_cbs, &e, &port, &cause);
	if (e.peer == NULL) {
		fprintf(stderr, "numvert-smsc echo-esme: %s\n", cause);
		event_free(e.pump_ev);
		sim_dlgtab_free(e.dlgs);
		free(e.q);
		return SIM_EXIT_USAGE;
	}
	if (lo.port_file != NULL && sim_write_port_file(lo.port_file, port)) {
		fprintf(stderr, "numvert-smsc echo-esme: cannot write %s\n",
		    lo.port_file);
		sim_peer_shutdown(e.peer);
	}
	e.sig = sim_signals_new(ctx->base, on_signal, &e);
	event_base_dispatch(ctx->base);
	printf("echo-esme: mos=%lu replies_sent=%lu replies_acked=%lu "
	    "failed=%lu", e.mos, e.sent, e.acked, e.failed);
	if (e.dlgs != NULL)
		printf(" ussd_open=%zu", sim_dlgtab_count(e.dlgs));
	printf("\n");
	rc = SIM_EXIT_OK;
	sim_signals_free(e.sig);
	sim_peer_free(e.peer);
	event_free(e.pump_ev);
	sim_dlgtab_free(e.dlgs);
	free(e.q);
	return rc;
}
