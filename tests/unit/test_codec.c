/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Codec round trips: every PDU type smpp_encode() supports, with every
 * TLV it writes, goes through encode -> decode and must come back field
 * for field, including the values libsmpp34 refuses (sequence 0, vendor
 * status, TON 7, NPI 5, interface_version 0x50) and a message_payload
 * beyond libsmpp34's 1,024-octet cap. Also the encoder's refusals and
 * the name tables. Hostile input is in test_codec_hostile.c, foreign
 * PDUs in test_codec_fixtures.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "smpp_codec.h"
#include "base/limits.h"
#include "tests/unit/smpp_testutil.h"

#define BIG (NV_SMPP_PDU_MAX + 1024u)

static const uint32_t all_cmds[] = {
	SMPP_GENERIC_NACK, SMPP_BIND_RECEIVER, SMPP_BIND_RECEIVER_RESP,
	SMPP_BIND_TRANSMITTER, SMPP_BIND_TRANSMITTER_RESP, SMPP_SUBMIT_SM,
	SMPP_SUBMIT_SM_RESP, SMPP_DELIVER_SM, SMPP_DELIVER_SM_RESP,
	SMPP_UNBIND, SMPP_UNBIND_RESP, SMPP_BIND_TRANSCEIVER,
	SMPP_BIND_TRANSCEIVER_RESP, SMPP_OUTBIND, SMPP_ENQUIRE_LINK,
	SMPP_ENQUIRE_LINK_RESP, SMPP_DATA_SM, SMPP_DATA_SM_RESP,
};

/* A string of n copies of c, in a static ring so a test can hold a few. */
static const char *
rep(char c, size_t n)
{
	static char ring[4][128];
	static unsigned k;
	char *s = ring[k++ % 4];

	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/*
 * Encodes in, decodes the exact-size result, and checks that every field
 * survived. Returns the encoded length; *wire gets the octets if asked.
 */
static size_t
roundtrip(const struct smpp_pdu *in, struct smpp_pdu *out, uint8_t **wire)
{
	uint8_t *buf = malloc(BIG), *copy;
	const char *cause = "?", *diff;
	uint32_t st = 999;
	int n;

	assert_non_null(buf);
	n = smpp_encode(in, buf, BIG, &cause);
	if (n < 0)
		fail_msg("encode %s failed: %s", smpp_cmd_name(in->command_id),
		    cause);
	assert_string_equal(cause, "");
	assert_true(n >= 16);
	copy = malloc((size_t)n);
	assert_non_null(copy);
	memcpy(copy, buf, (size_t)n);
	free(buf);
	if (smpp_decode(copy, (size_t)n, out, &st, &cause) != SMPP_DEC_OK)
		fail_msg("decode of encoded %s: status 0x%x cause %s",
		    smpp_cmd_name(in->command_id), st, cause);
	assert_int_equal(st, SMPP_ROK);
	assert_int_equal(out->command_length, n);
	diff = tu_pdu_diff(in, out);
	if (diff != NULL)
		fail_msg("%s: field %s changed in the round trip",
		    smpp_cmd_name(in->command_id), diff);
	if (wire != NULL)
		*wire = copy;
	else
		free(copy);
	return (size_t)n;
}

/* Offset of TLV tag in an encoded PDU's TLV area, or -1. */
static long
find_tlv(const uint8_t *b, size_t n, size_t from, uint16_t tag)
{
	size_t off = from;

	while (off + 4 <= n) {
		uint16_t t = (uint16_t)(b[off] << 8 | b[off + 1]);
		uint16_t l = (uint16_t)(b[off + 2] << 8 | b[off + 3]);

		if (t == tag)
			return (long)off;
		off += 4u + l;
	}
	return -1;
}

/* Length of p's encoding without its TLVs: where the TLVs start. */
static size_t
body_len(const struct smpp_pdu *p)
{
	struct smpp_pdu bare = *p;
	uint8_t *buf = malloc(BIG);
	int n;

	assert_non_null(buf);
	bare.tlv.have = 0;
	n = smpp_encode(&bare, buf, BIG, NULL);
	assert_true(n >= 16);
	free(buf);
	return (size_t)n;
}

static void
fill_sm(struct smpp_pdu *p, uint32_t id, uint32_t seq, uint8_t sm_len)
{
	smpp_pdu_init(p, id, seq);
	strcpy(p->service_type, "USSD");
	p->source_addr_ton = 7;		/* libsmpp34 refuses TON > 6 */
	p->source_addr_npi = 5;		/* ... and NPI 5 */
	strcpy(p->source_addr, rep('1', 20));	/* longest allowed */
	p->dest_addr_ton = 6;
	p->dest_addr_npi = 18;
	strcpy(p->destination_addr, "*384#");
	p->esm_class = SMPP_ESM_UDHI | 0x03;
	p->protocol_id = 0x7f;
	p->priority_flag = 3;
	if (id == SMPP_SUBMIT_SM) {
		strcpy(p->schedule_delivery_time, "261123101500000+");
		strcpy(p->validity_period, "000001000000000R");
	}
	p->registered_delivery = 1;
	p->replace_if_present_flag = 1;
	p->data_coding = 0x08;
	p->sm_default_msg_id = 0xfe;
	p->sm_length = sm_len;
	for (unsigned i = 0; i < sm_len; i++)
		p->short_message[i] = (uint8_t)(i * 7 + 1);
}

/* Every TLV the codec writes, except message_payload. */
static void
fill_tlvs(struct smpp_tlvs *t)
{
	t->have |= SMPP_HAVE_USSD_SERVICE_OP | SMPP_HAVE_ITS_SESSION_INFO |
	    SMPP_HAVE_USER_MESSAGE_REFERENCE | SMPP_HAVE_SAR_MSG_REF_NUM |
	    SMPP_HAVE_SAR_TOTAL_SEGMENTS | SMPP_HAVE_SAR_SEGMENT_SEQNUM |
	    SMPP_HAVE_RECEIPTED_MESSAGE_ID | SMPP_HAVE_MESSAGE_STATE |
	    SMPP_HAVE_MORE_MESSAGES_TO_SEND | SMPP_HAVE_SC_INTERFACE_VERSION;
	t->ussd_service_op = 0x81;
	t->its_session_info[0] = 0x2b;
	t->its_session_info[1] = 0x03;
	t->user_message_reference = 0xbeef;
	t->sar_msg_ref_num = 0x0201;
	t->sar_total_segments = 3;
	t->sar_segment_seqnum = 2;
	strcpy(t->receipted_message_id, "3F2A1B01");
	t->message_state = 2;
	t->more_messages_to_send = 1;
	t->sc_interface_version = 0x50;
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(smpp_cmd_name(SMPP_DELIVER_SM), "deliver_sm");
	assert_string_equal(smpp_cmd_name(SMPP_GENERIC_NACK), "generic_nack");
	assert_string_equal(smpp_cmd_name(SMPP_DATA_SM_RESP), "data_sm_resp");
	assert_string_equal(smpp_cmd_name(0x000001ff), "unknown");
	assert_string_equal(smpp_cmd_name(0x00000003), "unknown");
	for (size_t i = 0; i < TU_NELEM(all_cmds); i++)
		assert_string_not_equal(smpp_cmd_name(all_cmds[i]), "unknown");
	assert_string_equal(smpp_status_name(0), "ESME_ROK");
	assert_string_equal(smpp_status_name(0x58), "ESME_RTHROTTLED");
	assert_string_equal(smpp_status_name(0xc0), "ESME_RINVOPTPARSTREAM");
	assert_string_equal(smpp_status_name(0x400), "vendor");
	assert_string_equal(smpp_status_name(0x4ff), "vendor");
	assert_string_equal(smpp_status_name(0x500), "other");
	assert_string_equal(smpp_status_name(0x3ff), "other");
	assert_int_equal(smpp_resp_of(SMPP_SUBMIT_SM), SMPP_SUBMIT_SM_RESP);
	assert_int_equal(smpp_resp_of(SMPP_BIND_TRANSCEIVER),
	    SMPP_BIND_TRANSCEIVER_RESP);
	assert_int_equal(smpp_resp_of(SMPP_OUTBIND), 0);
	assert_int_equal(smpp_resp_of(SMPP_SUBMIT_SM_RESP), 0);
	assert_int_equal(smpp_resp_of(SMPP_GENERIC_NACK), 0);
}

static void
test_pdu_init(void **state)
{
	struct smpp_pdu p;

	(void)state;
	memset(&p, 0xa5, sizeof p);
	smpp_pdu_init(&p, SMPP_ENQUIRE_LINK, 77);
	assert_int_equal(p.command_id, SMPP_ENQUIRE_LINK);
	assert_int_equal(p.sequence_number, 77);
	assert_int_equal(p.command_status, 0);
	assert_int_equal(p.tlv.have, 0);
	assert_null(p.tlv.message_payload);
	assert_string_equal(p.system_id, "");
}

static void
test_rt_binds(void **state)
{
	static const uint32_t ids[] = { SMPP_BIND_RECEIVER,
	    SMPP_BIND_TRANSMITTER, SMPP_BIND_TRANSCEIVER };
	static const uint8_t ifvers[] = { 0x34, 0x50, 0x33, 0x00 };

	(void)state;
	for (size_t i = 0; i < TU_NELEM(ids); i++) {
		for (size_t v = 0; v < TU_NELEM(ifvers); v++) {
			struct smpp_pdu p, q;
			uint8_t *w;

			/* Sequence 0 is refused by libsmpp34, kept by us. */
			smpp_pdu_init(&p, ids[i], (uint32_t)v);
			strcpy(p.system_id, rep('s', 15));
			strcpy(p.password, rep('p', 8));
			strcpy(p.system_type, rep('t', 12));
			p.interface_version = ifvers[v];
			p.addr_ton = 7;
			p.addr_npi = 5;
			strcpy(p.address_range, rep('^', 40));
			roundtrip(&p, &q, &w);
			assert_int_equal(q.interface_version, ifvers[v]);
			assert_int_equal(q.sequence_number, v);
			assert_int_equal(q.addr_ton, 7);
			assert_int_equal(q.addr_npi, 5);
			/* On the wire too, after the three C-strings. */
			assert_int_equal(w[16 + 16 + 9 + 13], ifvers[v]);
			assert_int_equal(w[16 + 16 + 9 + 13 + 1], 7);
			assert_int_equal(w[16 + 16 + 9 + 13 + 2], 5);
			free(w);
		}
	}
}

static void
test_rt_bind_resps(void **state)
{
	static const uint32_t ids[] = { SMPP_BIND_RECEIVER_RESP,
	    SMPP_BIND_TRANSMITTER_RESP, SMPP_BIND_TRANSCEIVER_RESP };

	(void)state;
	for (size_t i = 0; i < TU_NELEM(ids); i++) {
		struct smpp_pdu p, q;
		uint8_t *w;
		size_t n;

		smpp_pdu_init(&p, ids[i], 0x7fffffff);
		strcpy(p.system_id, rep('S', 15));
		p.tlv.have = SMPP_HAVE_SC_INTERFACE_VERSION;
		p.tlv.sc_interface_version = 0x34;
		n = roundtrip(&p, &q, &w);
		assert_int_equal(n, 16 + 16 + 5);
		assert_true(find_tlv(w, n, 32, SMPP_TAG_SC_INTERFACE_VERSION)
		    == 32);
		free(w);

		/* Empty system_id, no TLV: the smallest success. */
		smpp_pdu_init(&p, ids[i], 0xffffffff);
		assert_int_equal(roundtrip(&p, &q, NULL), 17);
	}
}

static void
test_rt_outbind(void **state)
{
	struct smpp_pdu p, q;

	(void)state;
	smpp_pdu_init(&p, SMPP_OUTBIND, 9);
	strcpy(p.system_id, "numvert");
	strcpy(p.password, "secret12");
	assert_int_equal(roundtrip(&p, &q, NULL), 16 + 8 + 9);
	assert_string_equal(q.password, "secret12");
}

/* Commands without a body, and error responses: 16 octets each way. */
static void
test_rt_header_only(void **state)
{
	static const struct {
		uint32_t id, status, seq;
	} cases[] = {
		{ SMPP_UNBIND, 0, 1 },
		{ SMPP_UNBIND_RESP, 0, 0 },
		{ SMPP_ENQUIRE_LINK, 0, 0x7fffffff },
		{ SMPP_ENQUIRE_LINK_RESP, 0, 2 },
		{ SMPP_GENERIC_NACK, SMPP_RINVCMDID, 99 },
		{ SMPP_GENERIC_NACK, SMPP_RINVCMDLEN, 0 },	/* Kannel */
		{ SMPP_GENERIC_NACK, 0, 5 },
		{ SMPP_SUBMIT_SM_RESP, SMPP_RTHROTTLED, 8 },
		{ SMPP_SUBMIT_SM_RESP, 0x400, 9 },		/* vendor */
		{ SMPP_DATA_SM_RESP, 0x4ff, 10 },
		{ SMPP_DELIVER_SM_RESP, SMPP_RX_T_APPN, 11 },
		{ SMPP_BIND_TRANSMITTER_RESP, SMPP_RINVPASWD, 1 },
		{ SMPP_UNBIND_RESP, 0xdeadbeef, 0 },
	};

	(void)state;
	for (size_t i = 0; i < TU_NELEM(cases); i++) {
		struct smpp_pdu p, q;

		smpp_pdu_init(&p, cases[i].id, cases[i].seq);
		p.command_status = cases[i].status;
		/* A body set on an error response is not sent. */
		strcpy(p.message_id, "ignored");
		strcpy(p.system_id, "ignored");
		assert_int_equal(roundtrip(&p, &q, NULL), 16);
		assert_int_equal(q.command_status, cases[i].status);
		assert_string_equal(q.message_id, "");
	}
}

static void
test_rt_submit_deliver(void **state)
{
	static const uint32_t ids[] = { SMPP_SUBMIT_SM, SMPP_DELIVER_SM };

	(void)state;
	for (size_t i = 0; i < TU_NELEM(ids); i++) {
		struct smpp_pdu p, q;
		uint8_t *w;
		size_t n;

		/* Longest short_message we emit, no TLV. */
		fill_sm(&p, ids[i], 0, NV_SMPP_SM_OUT_MAX);
		n = roundtrip(&p, &q, &w);
		assert_int_equal(q.source_addr_ton, 7);
		assert_int_equal(q.source_addr_npi, 5);
		assert_int_equal(w[n - NV_SMPP_SM_OUT_MAX - 1],
		    NV_SMPP_SM_OUT_MAX);
		free(w);

		/* Every TLV but message_payload, next to a short_message. */
		fill_sm(&p, ids[i], 42, 10);
		fill_tlvs(&p.tlv);
		p.command_status = 0x400;	/* vendor, on a request */
		n = roundtrip(&p, &q, &w);
		assert_int_equal(q.command_status, 0x400);
		assert_string_equal(q.tlv.receipted_message_id, "3F2A1B01");
		/* receipted_message_id is written with its NUL. */
		{
			long at = find_tlv(w, n, body_len(&p),
			    SMPP_TAG_RECEIPTED_MESSAGE_ID);

			assert_true(at > 0);
			assert_int_equal(w[at + 3], 9);
			assert_int_equal(w[at + 4 + 8], 0);
		}
		free(w);

		/* Each TLV alone. */
		for (unsigned b = 0; b < 11; b++) {
			uint32_t bit = 1u << b;

			if (bit == SMPP_HAVE_MESSAGE_PAYLOAD)
				continue;
			fill_sm(&p, ids[i], b + 1, 3);
			fill_tlvs(&p.tlv);
			p.tlv.have = bit;
			roundtrip(&p, &q, NULL);
			assert_int_equal(q.tlv.have, bit);
		}
	}
}

/* message_payload beyond libsmpp34's 1,024 octets, with sm_length 0. */
static void
test_rt_payload(void **state)
{
	static const uint32_t ids[] = { SMPP_SUBMIT_SM, SMPP_DELIVER_SM,
	    SMPP_DATA_SM };
	static const size_t sizes[] = { 0, 1, 1024, 1025, 5000 };
	uint8_t *pl = malloc(NV_SMPP_PDU_MAX);

	(void)state;
	assert_non_null(pl);
	for (size_t i = 0; i < NV_SMPP_PDU_MAX; i++)
		pl[i] = (uint8_t)(i * 31 + (i >> 8));
	for (size_t i = 0; i < TU_NELEM(ids); i++) {
		for (size_t s = 0; s < TU_NELEM(sizes); s++) {
			struct smpp_pdu p, q;

			fill_sm(&p, ids[i], 3, 0);
			fill_tlvs(&p.tlv);
			p.tlv.have |= SMPP_HAVE_MESSAGE_PAYLOAD;
			p.tlv.message_payload = pl;
			p.tlv.message_payload_len = (uint32_t)sizes[s];
			roundtrip(&p, &q, NULL);
			assert_int_equal(q.tlv.message_payload_len, sizes[s]);
		}
	}
	free(pl);
}

/* The largest PDU that still fits NV_SMPP_PDU_MAX, and one octet more. */
static void
test_rt_payload_at_pdu_max(void **state)
{
	struct smpp_pdu p, q;
	uint8_t *pl = calloc(1, NV_SMPP_PDU_MAX), *buf = malloc(BIG);
	const char *cause = "?";
	size_t base;
	int n;

	(void)state;
	assert_non_null(pl);
	assert_non_null(buf);
	fill_sm(&p, SMPP_DELIVER_SM, 1, 0);
	p.tlv.have = SMPP_HAVE_MESSAGE_PAYLOAD;
	p.tlv.message_payload = pl;
	p.tlv.message_payload_len = 0;
	base = roundtrip(&p, &q, NULL);
	p.tlv.message_payload_len = (uint32_t)(NV_SMPP_PDU_MAX - base);
	assert_int_equal(roundtrip(&p, &q, NULL), NV_SMPP_PDU_MAX);
	p.tlv.message_payload_len++;
	n = smpp_encode(&p, buf, BIG, &cause);
	assert_int_equal(n, -1);
	assert_string_equal(cause, "pdu_too_long");
	free(pl);
	free(buf);
}

static void
test_rt_data_sm(void **state)
{
	struct smpp_pdu p, q;

	(void)state;
	smpp_pdu_init(&p, SMPP_DATA_SM, 0);
	strcpy(p.service_type, "WAP");
	p.source_addr_ton = 7;
	p.source_addr_npi = 5;
	strcpy(p.source_addr, rep('2', 20));
	p.dest_addr_ton = 1;
	p.dest_addr_npi = 14;
	strcpy(p.destination_addr, rep('d', 64));	/* data_sm allows 65 */
	p.esm_class = 0x04;
	p.registered_delivery = 0x11;
	p.data_coding = 0xf5;
	fill_tlvs(&p.tlv);
	roundtrip(&p, &q, NULL);
	assert_int_equal(strlen(q.destination_addr), 64);
}

static void
test_rt_message_id_resps(void **state)
{
	struct smpp_pdu p, q;

	(void)state;
	smpp_pdu_init(&p, SMPP_SUBMIT_SM_RESP, 2);
	strcpy(p.message_id, rep('m', 64));
	assert_int_equal(roundtrip(&p, &q, NULL), 16 + 65);

	smpp_pdu_init(&p, SMPP_SUBMIT_SM_RESP, 3);	/* empty message_id */
	assert_int_equal(roundtrip(&p, &q, NULL), 17);

	smpp_pdu_init(&p, SMPP_DATA_SM_RESP, 4);
	strcpy(p.message_id, "3F2A1B01");
	p.tlv.have = SMPP_HAVE_RECEIPTED_MESSAGE_ID | SMPP_HAVE_MESSAGE_STATE;
	strcpy(p.tlv.receipted_message_id, rep('r', 64));
	p.tlv.message_state = 5;
	roundtrip(&p, &q, NULL);

	/* deliver_sm_resp's message_id is always sent empty. */
	smpp_pdu_init(&p, SMPP_DELIVER_SM_RESP, 5);
	assert_int_equal(roundtrip(&p, &q, NULL), 17);
}

/* What the encoder refuses instead of truncating or overflowing. */
static void
test_encode_refusals(void **state)
{
	uint8_t *buf = malloc(BIG);
	struct smpp_pdu p;
	const char *cause;
	int n;

	(void)state;
	assert_non_null(buf);
	smpp_pdu_init(&p, 0x000001ff, 1);
	assert_int_equal(smpp_encode(&p, buf, BIG, &cause), -1);
	assert_string_equal(cause, "unknown_command_id");

	smpp_pdu_init(&p, SMPP_ENQUIRE_LINK, 1);
	assert_int_equal(smpp_encode(&p, buf, 15, &cause), -1);
	assert_string_equal(cause, "buffer_too_small");
	assert_int_equal(smpp_encode(&p, buf, 16, NULL), 16);

	smpp_pdu_init(&p, SMPP_BIND_TRANSMITTER, 1);
	memset(p.system_id, 's', sizeof p.system_id);	/* no NUL at all */
	assert_int_equal(smpp_encode(&p, buf, BIG, &cause), -1);
	assert_string_equal(cause, "system_id_too_long");
	strcpy(p.system_id, "ok");
	strcpy(p.password, "123456789");
	assert_int_equal(smpp_encode(&p, buf, BIG, &cause), -1);
	assert_string_equal(cause, "password_too_long");

	fill_sm(&p, SMPP_SUBMIT_SM, 1, 0);
	strcpy(p.source_addr, rep('1', 21));
	assert_int_equal(smpp_encode(&p, buf, BIG, &cause), -1);
	assert_string_equal(cause, "source_addr_too_long");
	fill_sm(&p, SMPP_DELIVER_SM, 1, 0);
	strcpy(p.destination_addr, rep('1', 21));	/* 65 only in data_sm */
	assert_int_equal(smpp_encode(&p, buf, BIG, &cause), -1);
	assert_string_equal(cause, "destination_addr_too_long");

	/* libsmpp34 refuses 254: the codec says so instead of failing. */
	fill_sm(&p, SMPP_DELIVER_SM, 1, 254);
	assert_int_equal(smpp_encode(&p, buf, BIG, &cause), -1);
	assert_string_equal(cause, "short_message_too_long");

	smpp_pdu_init(&p, SMPP_SUBMIT_SM_RESP, 1);
	memset(p.message_id, 'm', sizeof p.message_id);
	assert_int_equal(smpp_encode(&p, buf, BIG, &cause), -1);
	assert_string_equal(cause, "message_id_too_long");

	/* Too small for the body, then for the TLVs. */
	fill_sm(&p, SMPP_DELIVER_SM, 1, 100);
	n = smpp_encode(&p, buf, BIG, NULL);
	assert_true(n > 100);
	assert_int_equal(smpp_encode(&p, buf, (size_t)n - 1, &cause), -1);
	assert_string_equal(cause, "buffer_too_small");
	p.tlv.have = SMPP_HAVE_USSD_SERVICE_OP;
	assert_int_equal(smpp_encode(&p, buf, (size_t)n + 4, &cause), -1);
	assert_string_equal(cause, "buffer_too_small");
	assert_int_equal(smpp_encode(&p, buf, (size_t)n + 5, &cause), n + 5);
	free(buf);
}

/*
 * SMPP 3.4 §5.3.2.32: short_message and message_payload never together.
 * smpp_decode() refuses such a PDU with ESME_ROPTPARNOTALLWD, so the
 * encoder must not produce one: a carrier would refuse it the same way.
 */
static void
test_encode_refuses_sm_and_payload(void **state)
{
	static const uint32_t ids[] = { SMPP_SUBMIT_SM, SMPP_DELIVER_SM };
	uint8_t *buf = malloc(BIG), pl[3] = { 'a', 'b', 'c' };

	(void)state;
	assert_non_null(buf);
	for (size_t i = 0; i < TU_NELEM(ids); i++) {
		struct smpp_pdu p, q;
		const char *cause = "";
		uint32_t st;
		int n;

		fill_sm(&p, ids[i], 1, 5);
		p.tlv.have = SMPP_HAVE_MESSAGE_PAYLOAD;
		p.tlv.message_payload = pl;
		p.tlv.message_payload_len = sizeof pl;
		n = smpp_encode(&p, buf, BIG, &cause);
		if (n > 0) {
			/* Show why it matters: our own decoder refuses it. */
			enum smpp_dec rc = smpp_decode(buf, (size_t)n, &q, &st,
			    &cause);

			fail_msg("%s with short_message and message_payload "
			    "encoded (%d octets); smpp_decode says rc=%d "
			    "status=0x%x %s", smpp_cmd_name(ids[i]), n, rc, st,
			    cause);
		}
		assert_int_equal(n, -1);
	}
	free(buf);
}

/*
 * receipted_message_id is a C-octet string of at most 65 octets with its
 * NUL. A struct whose 65 octets hold no NUL must be refused, as the
 * mandatory strings are, or sent terminated: never as 65 octets of text.
 */
static void
test_encode_receipt_always_terminated(void **state)
{
	uint8_t *buf = malloc(BIG);
	struct smpp_pdu p;
	size_t base;
	int n;

	(void)state;
	assert_non_null(buf);
	fill_sm(&p, SMPP_DELIVER_SM, 1, 0);
	base = body_len(&p);
	p.tlv.have = SMPP_HAVE_RECEIPTED_MESSAGE_ID;
	memset(p.tlv.receipted_message_id, 'r',
	    sizeof p.tlv.receipted_message_id);
	n = smpp_encode(&p, buf, BIG, NULL);
	if (n > 0) {
		uint16_t len = (uint16_t)(buf[base + 2] << 8 | buf[base + 3]);

		assert_int_equal(buf[base] << 8 | buf[base + 1],
		    SMPP_TAG_RECEIPTED_MESSAGE_ID);
		if (buf[base + 4 + len - 1] != 0)
			fail_msg("receipted_message_id sent as %u octets "
			    "without a NUL (last octet 0x%02x)", len,
			    buf[base + 4 + len - 1]);
	}
	free(buf);
}

/* The encoder writes nothing past size, even when it fails. */
static void
test_encode_stays_in_buffer(void **state)
{
	struct smpp_pdu p;

	(void)state;
	fill_sm(&p, SMPP_DELIVER_SM, 1, 200);
	fill_tlvs(&p.tlv);
	for (size_t size = 0; size < 320; size++) {
		/* Exactly sized: ASan reports any write past the end. */
		uint8_t *b = malloc(size > 0 ? size : 1);
		int n;

		assert_non_null(b);
		n = smpp_encode(&p, b, size, NULL);
		assert_true(n == -1 || (size_t)n <= size);
		free(b);
	}
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_pdu_init),
		cmocka_unit_test(test_rt_binds),
		cmocka_unit_test(test_rt_bind_resps),
		cmocka_unit_test(test_rt_outbind),
		cmocka_unit_test(test_rt_header_only),
		cmocka_unit_test(test_rt_submit_deliver),
		cmocka_unit_test(test_rt_payload),
		cmocka_unit_test(test_rt_payload_at_pdu_max),
		cmocka_unit_test(test_rt_data_sm),
		cmocka_unit_test(test_rt_message_id_resps),
		cmocka_unit_test(test_encode_refusals),
		cmocka_unit_test(test_encode_refuses_sm_and_payload),
		cmocka_unit_test(test_encode_receipt_always_terminated),
		cmocka_unit_test(test_encode_stays_in_buffer),
	};

	/* prove reads TAP; an explicit CMOCKA_MESSAGE_OUTPUT still wins. */
	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);

	return cmocka_run_group_tests_name("codec", tests, NULL, NULL) != 0;
}
