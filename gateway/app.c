/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/xmalloc.h"
#include "profile.h"

struct app {
	struct logger *log;
	struct app_stats st;
};

struct app *
app_new(struct logger *log)
{
	struct app *a = xcalloc(1, sizeof *a);

	a->log = log;
	return a;
}

void
app_free(struct app *a)
{
	free(a);
}

const struct app_stats *
app_stats(const struct app *a)
{
	return &a->st;
}

/* The reply goes back where the MO came from, from where it went. */
static void
reply_to(const struct smpp_pdu *mo, const char *text, struct link_mt *mt)
{
	size_t n = strlen(text);

	memset(mt, 0, sizeof *mt);
	snprintf(mt->to, sizeof mt->to, "%s", mo->source_addr);
	mt->to_ton = mo->source_addr_ton;
	mt->to_npi = mo->source_addr_npi;
	snprintf(mt->from, sizeof mt->from, "%.20s", mo->destination_addr);
	mt->from_ton = mo->dest_addr_ton;
	mt->from_npi = mo->dest_addr_npi;
	snprintf(mt->service_type, sizeof mt->service_type, "%s",
	    mo->service_type);
	mt->data_coding = 0;	/* the texts are in the GSM 03.38 subset */
	mt->sm_length = (uint8_t)(n < sizeof mt->short_message ? n :
	    sizeof mt->short_message);
	memcpy(mt->short_message, text, mt->sm_length);
}

void
app_mo(struct link *l, const struct smpp_pdu *pdu, struct conn_req req,
    void *arg)
{
	struct app *a = arg;
	const struct ussd_profile *prof = prof_get((unsigned)
	    link_cfg(l)->ussd_profile);
	enum prof_event ev = prof_classify(prof, &pdu->tlv);
	char prefix[48];
	struct link_mt mt;

	snprintf(prefix, sizeof prefix, "link=%s", link_name(l));
	if (pdu->esm_class & SMPP_ESM_DELIVERY_RECEIPT) {
		a->st.receipts++;
		log_msg(a->log, LOG_DEBUG, prefix, "delivery_receipt",
		    "state=%u", pdu->tlv.message_state);
		link_respond(l, req, SMPP_ROK);
		return;
	}
	if (!link_serves(l, pdu->destination_addr)) {
		/* Not a code of ours: a routing error at the carrier. */
		char q[LOG_QBUF];

		a->st.refused++;
		log_msg(a->log, LOG_WARN, prefix, "mo_refused", "why=not_our_code "
		    "destination=%s", log_qs(q, sizeof q, pdu->destination_addr));
		link_respond(l, req, SMPP_RINVDSTADR);
		return;
	}
	if (ev == PROF_ABORT) {
		a->st.ussd_aborts++;
		log_msg(a->log, LOG_INFO, prefix, "mo", "kind=ussd event=abort "
		    "op=0x%02x", pdu->tlv.ussd_service_op);
		link_respond(l, req, SMPP_ROK);
		return;
	}
	reply_to(pdu, ev == PROF_NOT_USSD ? APP_ACK_SMS : APP_ACK_USSD, &mt);
	if (ev != PROF_NOT_USSD)
		prof_reply_tlvs(prof, &pdu->tlv, 1, &mt.tlv);
	log_msg(a->log, LOG_DEBUG, prefix, "mo", "kind=%s cmd=%s dcs=0x%02x "
	    "len=%u op=0x%02x", ev == PROF_NOT_USSD ? "sms" : "ussd",
	    smpp_cmd_name(pdu->command_id), pdu->data_coding,
	    pdu->sm_length ? pdu->sm_length : pdu->tlv.message_payload_len,
	    pdu->tlv.ussd_service_op);
	/* No room for the reply: the carrier keeps the MO and retries. */
	if (link_queue_mt(l, &mt) != 0) {
		a->st.refused++;
		link_respond(l, req, SMPP_RX_T_APPN);
		return;
	}
	if (ev == PROF_NOT_USSD)
		a->st.sms++;
	else
		a->st.ussd++;
	link_respond(l, req, SMPP_ROK);
}
