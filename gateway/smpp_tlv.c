/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "smpp_tlv.h"

#include <string.h>

#include "base/limits.h"
#include "base/xmalloc.h"
#include "smpp_codec.h"

struct tlvdef {
	uint16_t tag;
	uint16_t min, max;	/* value octets accepted */
	uint32_t bit;
};

static const struct tlvdef tlvdefs[] = {
	{ SMPP_TAG_RECEIPTED_MESSAGE_ID, 1, 65, SMPP_HAVE_RECEIPTED_MESSAGE_ID },
	{ SMPP_TAG_USER_MESSAGE_REFERENCE, 2, 2,
	    SMPP_HAVE_USER_MESSAGE_REFERENCE },
	{ SMPP_TAG_SAR_MSG_REF_NUM, 2, 2, SMPP_HAVE_SAR_MSG_REF_NUM },
	{ SMPP_TAG_SAR_TOTAL_SEGMENTS, 1, 1, SMPP_HAVE_SAR_TOTAL_SEGMENTS },
	{ SMPP_TAG_SAR_SEGMENT_SEQNUM, 1, 1, SMPP_HAVE_SAR_SEGMENT_SEQNUM },
	{ SMPP_TAG_SC_INTERFACE_VERSION, 1, 1, SMPP_HAVE_SC_INTERFACE_VERSION },
	{ SMPP_TAG_MESSAGE_PAYLOAD, 0, 0xffff, SMPP_HAVE_MESSAGE_PAYLOAD },
	{ SMPP_TAG_MORE_MESSAGES_TO_SEND, 1, 1,
	    SMPP_HAVE_MORE_MESSAGES_TO_SEND },
	{ SMPP_TAG_MESSAGE_STATE, 1, 1, SMPP_HAVE_MESSAGE_STATE },
	{ SMPP_TAG_USSD_SERVICE_OP, 1, 1, SMPP_HAVE_USSD_SERVICE_OP },
	{ SMPP_TAG_ITS_SESSION_INFO, 2, 2, SMPP_HAVE_ITS_SESSION_INFO },
};

static const struct tlvdef *
tlvdef_find(uint16_t tag)
{
	for (size_t i = 0; i < ARRAY_SIZE(tlvdefs); i++)
		if (tlvdefs[i].tag == tag)
			return &tlvdefs[i];
	return NULL;
}

static void
tlv_store(struct smpp_tlvs *t, const struct tlvdef *d, const uint8_t *v,
    uint16_t n)
{
	t->have |= d->bit;
	switch (d->tag) {
	case SMPP_TAG_RECEIPTED_MESSAGE_ID:
		/* Net::SMPP sends it without a NUL: read by length. */
		memcpy(t->receipted_message_id, v, n < 64 ? n : 64);
		t->receipted_message_id[n < 64 ? n : 64] = '\0';
		break;
	case SMPP_TAG_USER_MESSAGE_REFERENCE:
		t->user_message_reference = (uint16_t)(v[0] << 8 | v[1]);
		break;
	case SMPP_TAG_SAR_MSG_REF_NUM:
		t->sar_msg_ref_num = (uint16_t)(v[0] << 8 | v[1]);
		break;
	case SMPP_TAG_SAR_TOTAL_SEGMENTS:
		t->sar_total_segments = v[0];
		break;
	case SMPP_TAG_SAR_SEGMENT_SEQNUM:
		t->sar_segment_seqnum = v[0];
		break;
	case SMPP_TAG_SC_INTERFACE_VERSION:
		t->sc_interface_version = v[0];
		break;
	case SMPP_TAG_MESSAGE_PAYLOAD:
		t->message_payload = v;
		t->message_payload_len = n;
		break;
	case SMPP_TAG_MORE_MESSAGES_TO_SEND:
		t->more_messages_to_send = v[0];
		break;
	case SMPP_TAG_MESSAGE_STATE:
		t->message_state = v[0];
		break;
	case SMPP_TAG_USSD_SERVICE_OP:
		t->ussd_service_op = v[0];
		break;
	case SMPP_TAG_ITS_SESSION_INFO:
		t->its_session_info[0] = v[0];
		t->its_session_info[1] = v[1];
		break;
	}
}

uint32_t
tlv_scan(const uint8_t *p, size_t len, struct smpp_tlvs *t,
    const char **cause)
{
	size_t off = 0;
	unsigned count = 0;

	while (off < len) {
		const struct tlvdef *d;
		uint16_t tag, n;

		if (++count > NV_SMPP_TLV_MAX) {
			*cause = "too_many_tlvs";
			return SMPP_RINVOPTPARSTREAM;
		}
		if (len - off < 4) {
			*cause = "tlv_header_past_end";
			return SMPP_RINVOPTPARSTREAM;
		}
		tag = (uint16_t)(p[off] << 8 | p[off + 1]);
		n = (uint16_t)(p[off + 2] << 8 | p[off + 3]);
		off += 4;
		if (n > len - off) {
			*cause = "tlv_value_past_end";
			return SMPP_RINVOPTPARSTREAM;
		}
		if ((d = tlvdef_find(tag)) != NULL) {
			if (n < d->min || n > d->max) {
				*cause = "tlv_bad_length";
				return SMPP_RINVPARLEN;
			}
			if (t->have & d->bit) {
				*cause = "tlv_duplicate";
				return SMPP_RINVOPTPARSTREAM;
			}
			tlv_store(t, d, p + off, n);
		}
		/* Unknown tags are skipped, as SMPP 3.4 §3.2.4 asks. */
		off += n;
	}
	return 0;
}

static int
put_tlv(uint8_t *buf, size_t size, size_t *off, uint16_t tag,
    const void *v, size_t n)
{
	if (n > 0xffff || size - *off < 4 + n)
		return -1;
	buf[*off] = (uint8_t)(tag >> 8);
	buf[*off + 1] = (uint8_t)tag;
	buf[*off + 2] = (uint8_t)(n >> 8);
	buf[*off + 3] = (uint8_t)n;
	if (n > 0)
		memcpy(buf + *off + 4, v, n);
	*off += 4 + n;
	return 0;
}

int
tlv_write(const struct smpp_tlvs *t, uint8_t *buf, size_t size, size_t *off)
{
	const uint8_t umr[2] = { (uint8_t)(t->user_message_reference >> 8),
	    (uint8_t)t->user_message_reference };
	const uint8_t sar[2] = { (uint8_t)(t->sar_msg_ref_num >> 8),
	    (uint8_t)t->sar_msg_ref_num };
	int rc = 0;

	if (t->have & SMPP_HAVE_USSD_SERVICE_OP)
		rc |= put_tlv(buf, size, off, SMPP_TAG_USSD_SERVICE_OP,
		    &t->ussd_service_op, 1);
	if (t->have & SMPP_HAVE_ITS_SESSION_INFO)
		rc |= put_tlv(buf, size, off, SMPP_TAG_ITS_SESSION_INFO,
		    t->its_session_info, 2);
	if (t->have & SMPP_HAVE_USER_MESSAGE_REFERENCE)
		rc |= put_tlv(buf, size, off, SMPP_TAG_USER_MESSAGE_REFERENCE,
		    umr, 2);
	if (t->have & SMPP_HAVE_SAR_MSG_REF_NUM)
		rc |= put_tlv(buf, size, off, SMPP_TAG_SAR_MSG_REF_NUM,
		    sar, 2);
	if (t->have & SMPP_HAVE_SAR_TOTAL_SEGMENTS)
		rc |= put_tlv(buf, size, off, SMPP_TAG_SAR_TOTAL_SEGMENTS,
		    &t->sar_total_segments, 1);
	if (t->have & SMPP_HAVE_SAR_SEGMENT_SEQNUM)
		rc |= put_tlv(buf, size, off, SMPP_TAG_SAR_SEGMENT_SEQNUM,
		    &t->sar_segment_seqnum, 1);
	if (t->have & SMPP_HAVE_MORE_MESSAGES_TO_SEND)
		rc |= put_tlv(buf, size, off, SMPP_TAG_MORE_MESSAGES_TO_SEND,
		    &t->more_messages_to_send, 1);
	if (t->have & SMPP_HAVE_RECEIPTED_MESSAGE_ID) {
		/* A C-octet string: always terminated, even if t's is not. */
		char id[65];
		size_t n = strnlen(t->receipted_message_id, 64);

		memcpy(id, t->receipted_message_id, n);
		id[n] = '\0';
		rc |= put_tlv(buf, size, off, SMPP_TAG_RECEIPTED_MESSAGE_ID, id,
		    n + 1);
	}
	if (t->have & SMPP_HAVE_MESSAGE_STATE)
		rc |= put_tlv(buf, size, off, SMPP_TAG_MESSAGE_STATE,
		    &t->message_state, 1);
	if (t->have & SMPP_HAVE_SC_INTERFACE_VERSION)
		rc |= put_tlv(buf, size, off, SMPP_TAG_SC_INTERFACE_VERSION,
		    &t->sc_interface_version, 1);
	if (t->have & SMPP_HAVE_MESSAGE_PAYLOAD)
		rc |= put_tlv(buf, size, off, SMPP_TAG_MESSAGE_PAYLOAD,
		    t->message_payload, t->message_payload_len);
	return rc == 0 ? 0 : -1;
}

