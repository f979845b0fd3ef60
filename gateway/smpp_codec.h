/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * SMPP 3.4 PDU codec. The only code that includes libsmpp34.
 *
 * Decoding is in two passes. Our own bounded scanner reads the header,
 * walks every mandatory field and every TLV by its wire length, and
 * decides the outcome (smpp_decode() below). libsmpp34 then unpacks the
 * mandatory fields of a sanitised copy: TLVs stripped (it crashes on
 * many and caps message_payload at 1,024 octets), and the values it
 * wrongly rejects (interface_version 0x50, TON above 6, unlisted NPI,
 * sequence 0, vendor command_status) replaced by neutral ones and put
 * back afterwards from the raw bytes. TLVs are always read by the
 * scanner, by length, never by assumed type.
 *
 * Encoding packs the mandatory fields with libsmpp34 and appends the
 * TLVs and the header fields it refuses itself.
 */
#ifndef NV_SMPP_CODEC_H
#define NV_SMPP_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "smpp_tlv.h"

/* Command ids (SMPP 3.4 §5.1.2.1). */
enum smpp_cmd {
	SMPP_GENERIC_NACK = 0x80000000u,
	SMPP_BIND_RECEIVER = 0x00000001u,
	SMPP_BIND_RECEIVER_RESP = 0x80000001u,
	SMPP_BIND_TRANSMITTER = 0x00000002u,
	SMPP_BIND_TRANSMITTER_RESP = 0x80000002u,
	SMPP_SUBMIT_SM = 0x00000004u,
	SMPP_SUBMIT_SM_RESP = 0x80000004u,
	SMPP_DELIVER_SM = 0x00000005u,
	SMPP_DELIVER_SM_RESP = 0x80000005u,
	SMPP_UNBIND = 0x00000006u,
	SMPP_UNBIND_RESP = 0x80000006u,
	SMPP_BIND_TRANSCEIVER = 0x00000009u,
	SMPP_BIND_TRANSCEIVER_RESP = 0x80000009u,
	SMPP_OUTBIND = 0x0000000bu,
	SMPP_ENQUIRE_LINK = 0x00000015u,
	SMPP_ENQUIRE_LINK_RESP = 0x80000015u,
	SMPP_DATA_SM = 0x00000103u,
	SMPP_DATA_SM_RESP = 0x80000103u,
};

#define SMPP_RESP_BIT 0x80000000u

/* command_status values we send or act on (SMPP 3.4 §5.1.3). */
enum smpp_status {
	SMPP_ROK = 0x00,
	SMPP_RINVMSGLEN = 0x01,
	SMPP_RINVCMDLEN = 0x02,
	SMPP_RINVCMDID = 0x03,
	SMPP_RINVBNDSTS = 0x04,
	SMPP_RALYBND = 0x05,
	SMPP_RSYSERR = 0x08,
	SMPP_RINVSRCADR = 0x0a,
	SMPP_RINVDSTADR = 0x0b,
	SMPP_RBINDFAIL = 0x0d,
	SMPP_RINVPASWD = 0x0e,
	SMPP_RINVSYSID = 0x0f,
	SMPP_RMSGQFUL = 0x14,
	SMPP_RINVSERTYP = 0x15,
	SMPP_RINVESMCLASS = 0x43,
	SMPP_RSUBMITFAIL = 0x45,
	SMPP_RINVSYSTYP = 0x53,
	SMPP_RTHROTTLED = 0x58,
	SMPP_RINVSCHED = 0x61,
	SMPP_RINVEXPIRY = 0x62,
	SMPP_RX_T_APPN = 0x64,
	SMPP_RX_P_APPN = 0x65,
	SMPP_RINVOPTPARSTREAM = 0xc0,
	SMPP_ROPTPARNOTALLWD = 0xc1,
	SMPP_RINVPARLEN = 0xc2,
	SMPP_RMISSINGOPTPARAM = 0xc3,
	SMPP_RINVOPTPARAMVAL = 0xc4,
	SMPP_RUNKNOWNERR = 0xff,
};

/* esm_class bits (SMPP 3.4 §5.2.12). */
#define SMPP_ESM_DELIVERY_RECEIPT 0x04u
#define SMPP_ESM_UDHI 0x40u

/*
 * One PDU, flattened: the fields of every command we handle. Which are
 * meaningful depends on command_id. Strings are NUL-terminated.
 */
struct smpp_pdu {
	uint32_t command_length;
	uint32_t command_id;
	uint32_t command_status;
	uint32_t sequence_number;

	/* bind_*, outbind, bind_*_resp (system_id) */
	char system_id[16];
	char password[9];
	char system_type[13];
	uint8_t interface_version;
	uint8_t addr_ton;
	uint8_t addr_npi;
	char address_range[41];

	/* submit_sm, deliver_sm, data_sm */
	char service_type[6];
	uint8_t source_addr_ton;
	uint8_t source_addr_npi;
	char source_addr[21];
	uint8_t dest_addr_ton;
	uint8_t dest_addr_npi;
	char destination_addr[65];	/* 21 for submit_sm/deliver_sm */
	uint8_t esm_class;
	uint8_t protocol_id;
	uint8_t priority_flag;
	char schedule_delivery_time[17];
	char validity_period[17];
	uint8_t registered_delivery;
	uint8_t replace_if_present_flag;
	uint8_t data_coding;
	uint8_t sm_default_msg_id;
	uint8_t sm_length;
	uint8_t short_message[255];

	/* submit_sm_resp, data_sm_resp */
	char message_id[65];

	struct smpp_tlvs tlv;
};

/* What the caller does with a PDU it read. */
enum smpp_dec {
	SMPP_DEC_OK,		/* use the PDU */
	SMPP_DEC_BAD_BODY,	/* request: answer its *_resp with *status */
	SMPP_DEC_BAD_RESP,	/* response with a bad body: header fields valid */
	SMPP_DEC_UNKNOWN,	/* generic_nack, ESME_RINVCMDID */
	SMPP_DEC_BAD_LENGTH,	/* generic_nack, ESME_RINVCMDLEN */
};

/*
 * Checks the 4-octet command_length at the front of a stream. Returns 0
 * and the PDU length, or -1 when it is below 16 or above NV_SMPP_PDU_MAX:
 * a framing error after which the stream cannot be resynchronised.
 */
int smpp_frame_len(const uint8_t hdr[4], uint32_t *len);

/*
 * Decodes one whole PDU of len octets (len == its command_length).
 * Always fills pdu->command_length, command_id, command_status and
 * sequence_number from the raw header when len >= 16. For
 * SMPP_DEC_BAD_BODY, *status is the status of the *_resp to send; for
 * BAD_RESP, UNKNOWN and BAD_LENGTH it is the status a generic_nack
 * would carry. *cause, if not NULL, receives a static string naming the
 * fault ("" when OK). pdu->tlv.message_payload points into buf.
 */
enum smpp_dec smpp_decode(const uint8_t *buf, size_t len,
    struct smpp_pdu *pdu, uint32_t *status, const char **cause);

/*
 * Encodes pdu (command_id, command_status and sequence_number included;
 * command_length is computed) into buf. An error response
 * (command_status != 0) is sent with an empty body, as node-smpp and
 * SMPP 3.4 §4.4.2 do. Returns the length, or -1 when the PDU cannot be
 * encoded (unsupported command, a field too long, buf too small), with
 * *cause naming the fault.
 */
int smpp_encode(const struct smpp_pdu *pdu, uint8_t *buf, size_t size,
    const char **cause);

/* Fills a PDU with zeroes and sets its header fields. */
void smpp_pdu_init(struct smpp_pdu *pdu, uint32_t command_id,
    uint32_t sequence_number);

/* The response command for a request, or 0 when it has none. */
uint32_t smpp_resp_of(uint32_t command_id);

/* Static names for logs: "deliver_sm", "ESME_RTHROTTLED", ... */
const char *smpp_cmd_name(uint32_t command_id);
const char *smpp_status_name(uint32_t status);

#endif
