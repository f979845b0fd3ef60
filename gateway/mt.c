/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mt.h"

#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "base/log.h"
#include "base/text.h"
#include "config.h"
#include "smpp_link.h"

static void
mt_base(const struct mt_addr *a, const struct text_enc *enc,
    const struct mt_req *r, struct link_mt *mt)
{
	memset(mt, 0, sizeof *mt);
	mt->owner = r->owner;
	mt->attempts = r->attempts;
	mt->delay_ms = r->delay_ms;
	snprintf(mt->to, sizeof mt->to, "%s", a->to);
	mt->to_ton = a->to_ton;
	mt->to_npi = a->to_npi;
	snprintf(mt->from, sizeof mt->from, "%s", a->from);
	mt->from_ton = a->from_ton;
	mt->from_npi = a->from_npi;
	snprintf(mt->service_type, sizeof mt->service_type, "%s",
	    a->service_type);
	mt->data_coding = enc->dcs;
}

static enum mt_result
send_ussd(struct link *l, const struct mt_req *r, const struct text_enc *enc,
    unsigned *parts)
{
	struct link_mt mt;

	if (enc->len > NV_SMPP_SM_OUT_MAX)
		return MT_TOO_LONG;
	mt_base(r->to, enc, r, &mt);
	mt.sm_length = (uint8_t)enc->len;
	memcpy(mt.short_message, enc->data, enc->len);
	if (r->ussd != NULL)
		mt.tlv = *r->ussd;
	if (link_queue_mt(l, &mt) != 0)
		return MT_QUEUE_FULL;
	*parts = 1;
	return MT_QUEUED;
}

static enum mt_result
send_sms(struct link *l, const struct cfg_link *c, const struct mt_req *r,
    const struct text_enc *enc, unsigned *nparts)
{
	const struct mt_addr *a = r->to;
	struct text_part parts[NV_MT_PARTS_MAX];
	struct link_mt mt;
	int n;

	n = text_segment(enc, (enum text_split)c->long_sms, link_next_ref(l),
	    c->max_parts, parts, NV_MT_PARTS_MAX);
	if (n < 0)
		return MT_TOO_LONG;
	if (n == 0) {		/* message_payload: the whole text at once */
		if (link_queue_room(l) < 1)
			return MT_QUEUE_FULL;
		mt_base(a, enc, r, &mt);
		mt.tlv.have = SMPP_HAVE_MESSAGE_PAYLOAD;
		mt.tlv.message_payload = enc->data;
		mt.tlv.message_payload_len = (uint32_t)enc->len;
		if (link_queue_mt(l, &mt) != 0)
			return MT_QUEUE_FULL;
		*nparts = 1;
		return MT_QUEUED;
	}
	/* All parts or none: a reply cut in the middle helps nobody. */
	if (link_queue_room(l) < (unsigned)n)
		return MT_QUEUE_FULL;
	for (int i = 0; i < n; i++) {
		mt_base(a, enc, r, &mt);
		mt.sm_length = (uint8_t)parts[i].len;
		memcpy(mt.short_message, parts[i].data, parts[i].len);
		if (parts[i].udh)
			mt.esm_class |= SMPP_ESM_UDHI;
		if (n > 1 && (enum text_split)c->long_sms == TEXT_SPLIT_SAR) {
			mt.tlv.have = SMPP_HAVE_SAR_MSG_REF_NUM |
			    SMPP_HAVE_SAR_TOTAL_SEGMENTS |
			    SMPP_HAVE_SAR_SEGMENT_SEQNUM;
			mt.tlv.sar_msg_ref_num = parts[i].ref;
			mt.tlv.sar_total_segments = parts[i].total;
			mt.tlv.sar_segment_seqnum = parts[i].seq;
		}
		(void)link_queue_mt(l, &mt);	/* room was checked */
	}
	*nparts = (unsigned)n;
	return MT_QUEUED;
}

enum mt_result
mt_send(struct link *l, struct logger *log, const struct fallback *fb,
    const struct mt_req *q, unsigned *parts)
{
	const struct cfg_link *c = link_cfg(l);
	enum mt_kind kind = q->kind;
	const char *text = q->text;
	struct text_link tl;
	struct text_enc enc;
	enum mt_result r;
	unsigned n = 0;
	char prefix[48];

	cfg_text_link(c, &tl);
	snprintf(prefix, sizeof prefix, "link=%s", link_name(l));
	if (text_encode(text, strlen(text), (enum text_force)c->mt_coding, &tl,
	    fb, q->lang, &enc) != 0) {
		log_msg(log, LOG_ERROR, prefix, "mt_refused", "why=bad_utf8");
		return MT_BAD_TEXT;
	}
	if (kind == MT_USSD && text_screen_fit(text, strlen(text), enc.coding,
	    enc.coding == TEXT_UCS2 ? c->ussd_screen_ucs2 : c->ussd_screen) < 0)
		r = MT_TOO_LONG;
	else
		r = kind == MT_USSD ? send_ussd(l, q, &enc, &n) :
		    send_sms(l, c, q, &enc, &n);
	if (r == MT_TOO_LONG)
		log_msg(log, LOG_ERROR, prefix, "mt_refused", "why=too_long "
		    "kind=%s coding=%s octets=%zu", kind == MT_USSD ? "ussd" :
		    "sms", text_coding_name(enc.coding), enc.len);
	else if (enc.replaced > 0)
		log_msg(log, LOG_WARN, prefix, "mt_letters_replaced",
		    "count=%u", enc.replaced);
	text_enc_free(&enc);
	if (parts != NULL)
		*parts = n;
	return r;
}
