/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The SMPP optional parameters (TLVs) numvert acts on: read by their
 * wire length, never by an assumed type, and written in a fixed order.
 * Part of the codec; libsmpp34 never sees a TLV (it corrupts memory
 * from 29 of them and caps message_payload at 1,024 octets).
 */
#ifndef NV_SMPP_TLV_H
#define NV_SMPP_TLV_H

#include <stddef.h>
#include <stdint.h>

/* TLV tags the codec understands (SMPP 3.4 §5.3.2). */
enum smpp_tag {
	SMPP_TAG_RECEIPTED_MESSAGE_ID = 0x001e,
	SMPP_TAG_USER_MESSAGE_REFERENCE = 0x0204,
	SMPP_TAG_SAR_MSG_REF_NUM = 0x020c,
	SMPP_TAG_SAR_TOTAL_SEGMENTS = 0x020e,
	SMPP_TAG_SAR_SEGMENT_SEQNUM = 0x020f,
	SMPP_TAG_SC_INTERFACE_VERSION = 0x0210,
	SMPP_TAG_MESSAGE_PAYLOAD = 0x0424,
	SMPP_TAG_MORE_MESSAGES_TO_SEND = 0x0426,
	SMPP_TAG_MESSAGE_STATE = 0x0427,
	SMPP_TAG_USSD_SERVICE_OP = 0x0501,
	SMPP_TAG_ITS_SESSION_INFO = 0x1383,
};

/* Which TLVs a PDU carries (bits of smpp_tlvs.have). */
enum smpp_tlv_bit {
	SMPP_HAVE_RECEIPTED_MESSAGE_ID = 1u << 0,
	SMPP_HAVE_USER_MESSAGE_REFERENCE = 1u << 1,
	SMPP_HAVE_SAR_MSG_REF_NUM = 1u << 2,
	SMPP_HAVE_SAR_TOTAL_SEGMENTS = 1u << 3,
	SMPP_HAVE_SAR_SEGMENT_SEQNUM = 1u << 4,
	SMPP_HAVE_SC_INTERFACE_VERSION = 1u << 5,
	SMPP_HAVE_MESSAGE_PAYLOAD = 1u << 6,
	SMPP_HAVE_MORE_MESSAGES_TO_SEND = 1u << 7,
	SMPP_HAVE_MESSAGE_STATE = 1u << 8,
	SMPP_HAVE_USSD_SERVICE_OP = 1u << 9,
	SMPP_HAVE_ITS_SESSION_INFO = 1u << 10,
};

/* The TLVs we act on, read by wire length. Unknown tags are skipped. */
struct smpp_tlvs {
	uint32_t have;			/* enum smpp_tlv_bit */
	uint8_t ussd_service_op;
	uint8_t its_session_info[2];	/* octet 1 session, octet 2 seq<<1|end */
	uint16_t user_message_reference;
	uint16_t sar_msg_ref_num;
	uint8_t sar_total_segments;
	uint8_t sar_segment_seqnum;
	uint8_t sc_interface_version;
	uint8_t more_messages_to_send;
	uint8_t message_state;
	char receipted_message_id[65];	/* NUL added if the peer sent none */
	/*
	 * message_payload: on decode it points into the buffer given to
	 * smpp_decode() and lives as long as that buffer; on encode it
	 * points to the caller's octets.
	 */
	const uint8_t *message_payload;
	uint32_t message_payload_len;
};

/*
 * Reads a TLV section of len octets into t (which the caller zeroed).
 * Unknown tags are skipped. Returns 0, or the command_status for the
 * response (ESME_RINVOPTPARSTREAM, ESME_RINVPARLEN) with *cause set to
 * a static string. t->message_payload points into p.
 */
uint32_t tlv_scan(const uint8_t *p, size_t len, struct smpp_tlvs *t,
    const char **cause);

/*
 * Appends the TLVs t->have names to buf at *off (advanced). Returns 0,
 * or -1 when they do not fit in size.
 */
int tlv_write(const struct smpp_tlvs *t, uint8_t *buf, size_t size,
    size_t *off);

#endif
