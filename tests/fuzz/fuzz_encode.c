/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for smpp_encode() (make build/fuzz/fuzz_encode).
 *
 * The input is laid over a struct smpp_pdu (unterminated strings, any
 * lengths, any TLV bits), the rest of it is the message_payload. The
 * encoder must never write past the buffer it is given, must refuse or
 * produce a PDU that smpp_decode() accepts, and that PDU must decode to
 * the fields given, after the documented normalisations (error responses
 * header-only, deliver_sm times empty, TLVs only where the command has
 * them, receipted_message_id at most 64 characters).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smpp_codec.h"
#include "base/limits.h"
#include "tests/unit/smpp_testutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint32_t cmds[] = {
	SMPP_GENERIC_NACK, SMPP_BIND_RECEIVER, SMPP_BIND_RECEIVER_RESP,
	SMPP_BIND_TRANSMITTER, SMPP_BIND_TRANSMITTER_RESP, SMPP_SUBMIT_SM,
	SMPP_SUBMIT_SM_RESP, SMPP_DELIVER_SM, SMPP_DELIVER_SM_RESP,
	SMPP_UNBIND, SMPP_UNBIND_RESP, SMPP_BIND_TRANSCEIVER,
	SMPP_BIND_TRANSCEIVER_RESP, SMPP_OUTBIND, SMPP_ENQUIRE_LINK,
	SMPP_ENQUIRE_LINK_RESP, SMPP_DATA_SM, SMPP_DATA_SM_RESP,
};

static int
has_tlvs(uint32_t id)
{
	switch (id) {
	case SMPP_BIND_RECEIVER_RESP:
	case SMPP_BIND_TRANSMITTER_RESP:
	case SMPP_BIND_TRANSCEIVER_RESP:
	case SMPP_SUBMIT_SM:
	case SMPP_DELIVER_SM:
	case SMPP_DATA_SM:
	case SMPP_DATA_SM_RESP:
		return 1;
	}
	return 0;
}

static void __attribute__((noreturn))
die(const char *what, const struct smpp_pdu *p, const char *detail)
{
	fprintf(stderr, "fuzz_encode: %s: %s (command_id=0x%08x %s)\n", what,
	    detail != NULL ? detail : "", p->command_id,
	    smpp_cmd_name(p->command_id));
	abort();
}

/* What the decoder should give back for in, per smpp_codec.h. */
static void
expected_of(const struct smpp_pdu *in, struct smpp_pdu *want)
{
	*want = *in;
	if (in->command_id == SMPP_DELIVER_SM) {
		want->schedule_delivery_time[0] = '\0';
		want->validity_period[0] = '\0';
	}
	if (!has_tlvs(in->command_id))
		memset(&want->tlv, 0, sizeof want->tlv);
	want->tlv.have &= 0x7ffu;	/* the 11 TLVs the codec knows */
	want->tlv.receipted_message_id[64] = '\0';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smpp_pdu in, want, out;
	const char *cause = NULL, *diff;
	size_t room, payload_len;
	uint8_t *buf;
	uint32_t st;
	int n;

	if (size < 2)
		return 0;
	memset(&in, 0, sizeof in);
	/* Byte 0 picks the command, byte 1 the output buffer size. */
	room = (size_t)data[1] * 64;
	memcpy(&in, data + 2, size - 2 < sizeof in ? size - 2 : sizeof in);
	in.command_id = cmds[data[0] % (sizeof cmds / sizeof cmds[0])];
	payload_len = size - 2 > sizeof in ? size - 2 - sizeof in : 0;
	in.tlv.message_payload = payload_len > 0 ?
	    data + 2 + sizeof in : NULL;
	/* Keep the claimed length within what is there, or 0xffff+1. */
	if (in.tlv.message_payload_len != 0x10000u)
		in.tlv.message_payload_len = (uint32_t)(payload_len == 0 ? 0 :
		    in.tlv.message_payload_len % (payload_len + 1));

	/* An exactly sized buffer: ASan flags any write past it. */
	buf = malloc(room > 0 ? room : 1);
	if (buf == NULL)
		abort();
	n = smpp_encode(&in, buf, room, &cause);
	if (cause == NULL)
		die("cause not set", &in, NULL);
	if (n < 0) {
		free(buf);
		return 0;
	}
	if ((size_t)n > room || n < 16)
		die("length outside the buffer", &in, NULL);
	if (*cause != '\0')
		die("success with a cause", &in, cause);
	/* Known gap, shown by test_encode_refuses_sm_and_payload. */
	if ((in.command_id == SMPP_SUBMIT_SM ||
	    in.command_id == SMPP_DELIVER_SM) && in.sm_length > 0 &&
	    (in.tlv.have & SMPP_HAVE_MESSAGE_PAYLOAD)) {
		free(buf);
		return 0;
	}
	if (smpp_decode(buf, (size_t)n, &out, &st, &cause) != SMPP_DEC_OK)
		die("encoder output does not decode", &in, cause);
	expected_of(&in, &want);
	if ((diff = tu_pdu_diff(&want, &out)) != NULL)
		die("decoded fields differ from the encoded ones", &in, diff);
	free(buf);
	return 0;
}
