/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * serve: the carrier. numvertd binds to it; "phones" attach to its
 * control port and send MOs as text lines, and every MT for a phone's
 * number comes back to that phone as a line. Every MO and MT is also
 * printed on stdout, one line each. The control protocol is in
 * docs/simulator.md; its parsing is in sim_ctl.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "base/log.h"
#include "base/xmalloc.h"
#include "sim/sim_cmds.h"
#include "sim/sim_ctl.h"
#include "sim/sim_msg.h"
#include "sim/sim_opts.h"
#include "sim/sim_serve.h"

/* MOs waiting for a bind with room; past it phones are told "busy". */
#define SERVE_QUEUE_MAX 1000u

/* An MO sent or queued, and who to tell about its outcome. */
struct flight {
	struct sim_mo mo;
	char msisdn[21];
	int ussd;
	int dlr;		/* a delivery receipt, not a phone's MO */
	struct flight *next;
};

struct serve {
	struct sim_ctx *ctx;
	struct sim_link_opts lo;
	struct sim_serve_opts so;
	struct sim_peer *peer;
	struct sim_ctl *ctl;
	struct sim_signals *sig;
	struct sim_reasm *reasm;
	struct flight *qhead, *qtail;
	unsigned qlen;
	unsigned long mts;
	int port;
};

static void serve_pump(struct serve *sv);

enum { OPT_CONTROL = SIM_OPT_FIRST_OWN, OPT_CONTROL_PORT_FILE, OPT_DIALECT,
	OPT_ENCODING, OPT_GSM7_DC, OPT_USSD_TIMEOUT, OPT_DLR, OPT_MT_STATUS,
	OPT_MT_STATUS_EVERY, OPT_HELP };

static const struct option longopts[] = {
	SIM_LINK_LONGOPTS,
	{ "control", 1, NULL, OPT_CONTROL },
	{ "control-port-file", 1, NULL, OPT_CONTROL_PORT_FILE },
	{ "dialect", 1, NULL, OPT_DIALECT },
	{ "encoding", 1, NULL, OPT_ENCODING },
	{ "gsm7-dc", 1, NULL, OPT_GSM7_DC },
	{ "ussd-timeout", 1, NULL, OPT_USSD_TIMEOUT },
	{ "dlr", 0, NULL, OPT_DLR },
	{ "mt-status", 1, NULL, OPT_MT_STATUS },
	{ "mt-status-every", 1, NULL, OPT_MT_STATUS_EVERY },
	{ "help", 0, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void
help(void)
{
	char d[128];

	sim_dialect_list(d, sizeof d);
	printf("usage: numvert-smsc serve [options]\n"
	    "An SMSC for numvertd, with a control port where phones attach."
	    "\n\n"
	    "  --control HOST:PORT   the phones' port (default: SMPP port + 1 "
	    "on the same\n"
	    "                        host; HOST:0 picks one; 0 or off: none)\n"
	    "  --control-port-file F write the control port to F\n"
	    "  --dialect NAME        USSD dialect: %s\n"
	    "  --encoding E          MO text: auto, gsm7, latin1, ucs2 "
	    "(default auto)\n"
	    "  --gsm7-dc N           data_coding announced for GSM-7 "
	    "(default 0; 15 = 0x0f)\n"
	    "  --ussd-timeout D      the network ends a silent dialogue "
	    "(default 180s)\n"
	    "  --dlr                 send a delivery receipt for MTs that "
	    "ask for one\n"
	    "  --mt-status S         answer MTs with status S (name or "
	    "number) ...\n"
	    "  --mt-status-every N   ... every Nth MT (default 1 when "
	    "--mt-status is set)\n\n%s", d, SIM_LINK_HELP);
}

static int
parse_control(struct sim_serve_opts *so, const char *arg)
{
	if (strcmp(arg, "0") == 0 || strcmp(arg, "off") == 0) {
		so->control_port = SIM_CTL_OFF;
		return 0;
	}
	return sim_parse_hostport(arg, so->control_host,
	    sizeof so->control_host, &so->control_port);
}

static int
parse_own(struct sim_serve_opts *so, int c, const char *arg)
{
	unsigned long v;

	switch (c) {
	case OPT_CONTROL:
		if (parse_control(so, arg) != 0)
			return sim_usage_error("serve", "--control wants "
			    "HOST:PORT or 0"), -1;
		return 0;
	case OPT_CONTROL_PORT_FILE: so->control_port_file = arg; return 0;
	case OPT_DIALECT:
		if ((so->dialect = sim_dialect_find(arg)) == NULL)
			return sim_usage_error("serve", "unknown dialect "
			    "'%s'", arg), -1;
		return 0;
	case OPT_ENCODING:
		if (sim_enc_parse(arg, &so->mo.enc) != 0)
			return sim_usage_error("serve", "--encoding wants "
			    "auto, gsm7, latin1 or ucs2"), -1;
		return 0;
	case OPT_GSM7_DC:
		if (sim_parse_uint(arg, 0, 255, &v) != 0)
			return sim_usage_error("serve", "--gsm7-dc wants "
			    "0..255"), -1;
		so->mo.gsm7_dc = (uint8_t)v;
		return 0;
	case OPT_USSD_TIMEOUT:
		if (sim_parse_duration(arg, &so->ussd_timeout_ms) != 0 ||
		    so->ussd_timeout_ms == 0)
			return sim_usage_error("serve", "bad duration '%s'",
			    arg), -1;
		return 0;
	case OPT_DLR: so->dlr = 1; return 0;
	case OPT_MT_STATUS:
		if (sim_status_parse(arg, &so->mt_status) != 0 ||
		    so->mt_status == 0)
			return sim_usage_error("serve", "unknown status '%s'",
			    arg), -1;
		if (so->mt_status_every == 0)
			so->mt_status_every = 1;
		return 0;
	case OPT_MT_STATUS_EVERY:
		if (sim_parse_uint(arg, 1, 1000000000, &so->mt_status_every))
			return sim_usage_error("serve", "--mt-status-every "
			    "wants a positive number"), -1;
		return 0;
	case OPT_HELP: help(); exit(SIM_EXIT_OK);
	default:
		return sim_usage_error("serve", "bad option"), -1;
	}
}

int
sim_serve_parse(struct sim_link_opts *lo, struct sim_serve_opts *so,
    int argc, char **argv)
{
	int c, r;

	sim_link_defaults(lo, 10);
	memset(so, 0, sizeof *so);
	so->control_port = SIM_CTL_DEFAULT;
	so->dialect = sim_dialect_default();
	so->mo.enc = SIM_ENC_AUTO;
	so->mo.gsm7_dc = SIM_DC_GSM7;
	so->ussd_timeout_ms = 180000;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if ((r = sim_link_opt(lo, c, optarg, "serve")) < 0)
			return -1;
		if (r == 0 && parse_own(so, c, optarg) != 0)
			return -1;
	}
	if (optind != argc)
		return sim_usage_error("serve", "unexpected '%s'",
		    argv[optind]), -1;
	if (so->mt_status_every > 0 && so->mt_status == 0)
		return sim_usage_error("serve", "--mt-status-every needs "
		    "--mt-status"), -1;
	if (so->control_host[0] == '\0')
		snprintf(so->control_host, sizeof so->control_host, "%s",
		    lo->host);
	return sim_link_finish(lo, "serve");
}

static void
print_line(const char *what, const char *kind, const char *from,
    const char *to, const char *extra, const char *text, size_t len)
{
	char esc[SIM_MT_TEXT_MAX * 2];

	sim_escape(text, len, esc, sizeof esc);
	printf("%s %s from=%s to=%s %s text=\"%s\"\n", what, kind, from, to,
	    extra, esc);
	fflush(stdout);
}

/* Queues an MO (takes f) and sends what the windows allow. */
static void
serve_enqueue(struct serve *sv, struct flight *f)
{
	f->next = NULL;
	if (sv->qtail != NULL)
		sv->qtail->next = f;
	else
		sv->qhead = f;
	sv->qtail = f;
	sv->qlen++;
	serve_pump(sv);
}

static void
serve_pump(struct serve *sv)
{
	while (sv->qhead != NULL) {
		struct flight *f = sv->qhead;
		int rc = sim_peer_send(sv->peer, sim_mo_pdu(&f->mo), f);

		if (rc == SIM_BUSY)
			return;
		sv->qhead = f->next;
		if (sv->qhead == NULL)
			sv->qtail = NULL;
		sv->qlen--;
		if (rc == SIM_INVALID) {
			if (!f->dlr)
				sim_ctl_tell(sv->ctl, f->msisdn, "err %s %s "
				    "cannot encode the MO", f->ussd ?
				    "ussd" : "sms", f->msisdn);
			free(f);
		}
	}
}

/* sim_ctl asks us to send an MO for a phone. Returns 0, or -1 if full. */
static int
serve_mo(void *arg, const struct sim_mo *mo, const char *msisdn, int ussd)
{
	struct serve *sv = arg;
	struct flight *f;

	if (sv->qlen >= SERVE_QUEUE_MAX)
		return -1;
	f = xcalloc(1, sizeof *f);
	f->mo = *mo;
	f->ussd = ussd;
	snprintf(f->msisdn, sizeof f->msisdn, "%s", msisdn);
	if (sim_peer_mo_binds(sv->peer) == 0)
		sim_ctl_tell(sv->ctl, msisdn, "info no ESME is bound yet; the "
		    "MO waits");
	serve_enqueue(sv, f);
	return 0;
}

static void
print_mo(const struct flight *f, uint32_t status)
{
	const struct smpp_pdu *p = &f->mo.pdu;
	const uint8_t *b = p->short_message;
	size_t n = p->sm_length;
	char text[SIM_MO_MAX * 4], extra[96];
	const char *err;

	if (f->mo.payload_len > 0) {
		b = f->mo.payload;
		n = f->mo.payload_len;
	}
	(void)sim_text_decode(p->data_coding, b, n, text, sizeof text, &err);
	if (f->ussd)
		snprintf(extra, sizeof extra, "op=0x%02x its=%02x%02x umr=%u "
		    "dc=0x%02x status=%s", p->tlv.ussd_service_op,
		    p->tlv.its_session_info[0], p->tlv.its_session_info[1],
		    p->tlv.user_message_reference, p->data_coding,
		    smpp_status_name(status));
	else
		snprintf(extra, sizeof extra, "dc=0x%02x status=%s",
		    p->data_coding, status == CONN_ST_TIMEOUT ? "timeout" :
		    status == CONN_ST_CLOSED ? "closed" :
		    smpp_status_name(status));
	print_line("mo", f->dlr ? "dlr" : f->ussd ? "ussd" : "sms",
	    p->source_addr, p->destination_addr, extra, text, strlen(text));
}

static void
on_done(void *arg, void *ctx, uint32_t status)
{
	struct serve *sv = arg;
	struct flight *f = ctx;
	const char *st = status == CONN_ST_TIMEOUT ? "timeout" :
	    status == CONN_ST_CLOSED ? "closed" : smpp_status_name(status);

	print_mo(f, status);
	if (!f->dlr) {
		sim_ctl_tell(sv->ctl, f->msisdn, "ack %s %s %s", f->ussd ?
		    "ussd" : "sms", f->msisdn, st);
		if (f->ussd && status != SMPP_ROK)
			sim_ctl_ussd_failed(sv->ctl, f->msisdn);
	}
	free(f);
	serve_pump(sv);
}

/* A delivery receipt for an MT that asked for one (SMPP 3.4 App. B). */
static void
queue_dlr(struct serve *sv, const struct smpp_pdu *mt, const char *msgid)
{
	struct flight *f;
	char date[64], text[200];
	time_t now = time(NULL);
	struct tm tm;

	if (sv->qlen >= SERVE_QUEUE_MAX)
		return;
	gmtime_r(&now, &tm);
	/* YYMMDDhhmm, two-digit year as in SMPP 3.4 Appendix B. */
	snprintf(date, sizeof date, "%02d%02d%02d%02d%02d", tm.tm_year % 100,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
	snprintf(text, sizeof text, "id:%s sub:001 dlvrd:001 submit date:%s "
	    "done date:%s stat:DELIVRD err:000 text:", msgid, date, date);
	f = xcalloc(1, sizeof *f);
	f->dlr = 1;
	smpp_pdu_init(&f->mo.pdu, 0, 0);
	snprintf(f->mo.pdu.source_addr, sizeof f->mo.pdu.source_addr, "%.20s",
	    mt->destination_addr);
	snprintf(f->mo.pdu.destination_addr, 21, "%s", mt->source_addr);
	f->mo.pdu.esm_class = SMPP_ESM_DELIVERY_RECEIPT;
	f->mo.pdu.sm_length = (uint8_t)strlen(text);
	memcpy(f->mo.pdu.short_message, text, f->mo.pdu.sm_length);
	f->mo.pdu.tlv.have = SMPP_HAVE_RECEIPTED_MESSAGE_ID |
	    SMPP_HAVE_MESSAGE_STATE;
	snprintf(f->mo.pdu.tlv.receipted_message_id,
	    sizeof f->mo.pdu.tlv.receipted_message_id, "%s", msgid);
	f->mo.pdu.tlv.message_state = 2;	/* DELIVERED */
	serve_enqueue(sv, f);
}

static uint32_t
on_mt(void *arg, const struct smpp_pdu *pdu, const char *msgid)
{
	struct serve *sv = arg;
	struct sim_mt *mt = xmalloc(sizeof *mt);
	char extra[200];
	uint32_t st = SMPP_ROK;

	sv->mts++;
	if (sv->so.mt_status_every > 0 &&
	    sv->mts % sv->so.mt_status_every == 0)
		st = sv->so.mt_status;
	if (sim_mt_read(sv->reasm, sv->so.dialect, pdu, mt) == 1) {
		snprintf(extra, sizeof extra, "%s%s%s msgid=%s dc=0x%02x "
		    "parts=%u op=0x%02x sess=%ld%s%s", mt->ussd ?
		    sim_verdict_name(mt->verdict) : "", mt->ussd ? " " : "",
		    smpp_cmd_name(pdu->command_id), msgid, mt->dc, mt->parts,
		    mt->op, mt->sess_id, mt->why[0] ? " error=" : "",
		    mt->why);
		print_line("mt", mt->ussd ? "ussd" : "sms", mt->from, mt->to,
		    extra, mt->text, strlen(mt->text));
		if (st == SMPP_ROK)
			sim_ctl_mt(sv->ctl, mt);
	}
	if (st == SMPP_ROK && sv->so.dlr && (pdu->registered_delivery & 0x01)
	    && pdu->command_id != SMPP_DELIVER_SM)
		queue_dlr(sv, pdu, msgid);
	free(mt);
	return st;
}

static void
on_binds(void *arg, unsigned mo, unsigned all)
{
	struct serve *sv = arg;

	printf("binds mo=%u all=%u\n", mo, all);
	fflush(stdout);
	serve_pump(sv);
}

static void
on_signal(void *arg)
{
	struct serve *sv = arg;

	sim_signals_free(sv->sig);
	sv->sig = NULL;
	sim_ctl_free(sv->ctl);
	sv->ctl = NULL;
	sim_peer_shutdown(sv->peer);
}

static const struct sim_peer_cbs serve_cbs = {
	.binds = on_binds,
	.mt = on_mt,
	.mo_done = on_done,
};

static int
start(struct serve *sv)
{
	struct sim_peer_opts po;
	const char *cause;
	char desc[SIM_HOST_MAX + 64];
	int cport = 0;

	sim_link_peer(&sv->lo, "sim=serve", &po);
	if (sv->lo.connect)
		po.reconnect_ms = 1000;
	sv->peer = sim_peer_new(sv->ctx, &po, &serve_cbs, sv, &sv->port,
	    &cause);
	if (sv->peer == NULL) {
		fprintf(stderr, "numvert-smsc serve: %s:%d: %s\n", sv->lo.host,
		    sv->lo.port, cause);
		return -1;
	}
	if (sv->so.control_port == SIM_CTL_DEFAULT)
		sv->so.control_port = sv->lo.connect ? 0 : sv->port + 1;
	if (sv->so.control_port != SIM_CTL_OFF) {
		sv->ctl = sim_ctl_new(sv->ctx, &sv->so, serve_mo, sv, &cport,
		    &cause);
		if (sv->ctl == NULL) {
			fprintf(stderr, "numvert-smsc serve: control %s:%d: "
			    "%s\n", sv->so.control_host, sv->so.control_port,
			    cause);
			return -1;
		}
	}
	sim_link_describe(&sv->lo, sv->port, desc, sizeof desc);
	if (sv->ctl != NULL)
		printf("serve: %s control=%s:%d dialect=%s\n", desc,
		    sv->so.control_host, cport,
		    sim_dialect_name(sv->so.dialect));
	else
		printf("serve: %s control=off dialect=%s\n", desc,
		    sim_dialect_name(sv->so.dialect));
	fflush(stdout);
	if (sv->lo.port_file != NULL &&
	    sim_write_port_file(sv->lo.port_file, sv->port) != 0) {
		fprintf(stderr, "numvert-smsc serve: cannot write %s\n",
		    sv->lo.port_file);
		return -1;
	}
	if (sv->so.control_port_file != NULL && sv->ctl != NULL &&
	    sim_write_port_file(sv->so.control_port_file, cport) != 0) {
		fprintf(stderr, "numvert-smsc serve: cannot write %s\n",
		    sv->so.control_port_file);
		return -1;
	}
	return 0;
}

int
sim_serve_main(struct sim_ctx *ctx, int argc, char **argv)
{
	struct serve sv;
	int rc = SIM_EXIT_OK;

	memset(&sv, 0, sizeof sv);
	sv.ctx = ctx;
	if (sim_serve_parse(&sv.lo, &sv.so, argc, argv) != 0)
		return SIM_EXIT_USAGE;
	sim_raise_nofile(sv.lo.binds * 2u + 256u);
	sv.reasm = sim_reasm_new();
	if (start(&sv) != 0) {
		rc = SIM_EXIT_USAGE;
		sim_ctl_free(sv.ctl);
		sv.ctl = NULL;
		if (sv.peer != NULL)
			sim_peer_shutdown(sv.peer);
	} else {
		sv.sig = sim_signals_new(ctx->base, on_signal, &sv);
	}
	event_base_dispatch(ctx->base);
	sim_signals_free(sv.sig);
	sim_ctl_free(sv.ctl);
	sim_peer_free(sv.peer);
	sim_reasm_free(sv.reasm);
	while (sv.qhead != NULL) {
		struct flight *f = sv.qhead;

		sv.qhead = f->next;
		free(f);
	}
	return rc;
}
