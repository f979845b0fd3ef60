/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Hostile PDUs: what a peer can send to make the codec crash, overread,
 * leak, or make libsmpp34 overrun its global log. Each case checks the
 * outcome smpp_codec.h documents. Every PDU is an exactly sized heap
 * block, so under the ASan build (make SANITIZE=1) any read past it,
 * and any allocation left behind, fails the run.
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

/* libsmpp34's parse log (feasibility.md §2.2): we only read it. */
extern char smpp34_strerror[2048];

#define UNKNOWN_TAG 0x1400	/* vendor range: skipped by the codec */

struct dec {
	enum smpp_dec rc;
	uint32_t status;
	const char *cause;
	struct smpp_pdu pdu;
};

static void
decode(const uint8_t *b, size_t n, struct dec *d)
{
	d->status = 0xdead;
	d->cause = NULL;
	d->rc = smpp_decode(b, n, &d->pdu, &d->status, &d->cause);
	assert_non_null(d->cause);
}

/* Decodes, frees, and checks the outcome, status and cause. */
static void
expect(uint8_t *b, size_t n, enum smpp_dec rc, uint32_t status,
    const char *cause)
{
	struct dec d;

	decode(b, n, &d);
	free(b);
	if (d.rc != rc || d.status != status ||
	    (cause != NULL && strcmp(d.cause, cause) != 0))
		fail_msg("got rc=%d status=0x%x cause=%s, want rc=%d "
		    "status=0x%x cause=%s", d.rc, d.status, d.cause, rc,
		    status, cause != NULL ? cause : "*");
	/* A rejected PDU never hands TLVs to the caller. */
	if (rc != SMPP_DEC_OK)
		assert_int_equal(d.pdu.tlv.have, 0);
}

/* Finishes a built PDU, then as expect(). */
static void
expect_built(struct tu_pdu *p, enum smpp_dec rc, uint32_t status,
    const char *cause)
{
	size_t n;
	uint8_t *b = tu_end(p, &n);

	expect(b, n, rc, status, cause);
}

/* A deliver_sm with n one-octet TLVs of an unknown tag. */
static uint8_t *
deliver_with_tlvs(unsigned n, size_t *len)
{
	struct tu_pdu p;
	const uint8_t v = 0x5a;

	tu_begin(&p, SMPP_DELIVER_SM, 0, 7);
	tu_sm_body(&p, "22376123456", "36123", "", 0);
	for (unsigned i = 0; i < n; i++)
		tu_puttlv(&p, UNKNOWN_TAG, &v, 1);
	return tu_end(&p, len);
}

static void
test_frame_len(void **state)
{
	static const struct {
		uint32_t v;
		int rc;
	} cases[] = {
		{ 0, -1 }, { 1, -1 }, { 15, -1 }, { 16, 0 }, { 17, 0 },
		{ NV_SMPP_PDU_MAX, 0 }, { NV_SMPP_PDU_MAX + 1, -1 },
		{ 0x80000000u, -1 }, { 0xffffffffu, -1 }, { 0x00010000u, -1 },
	};

	(void)state;
	for (size_t i = 0; i < TU_NELEM(cases); i++) {
		uint8_t *h = malloc(4);	/* exactly 4: no peeking further */
		uint32_t len = 12345;

		assert_non_null(h);
		tu_setlen(h, cases[i].v);
		assert_int_equal(smpp_frame_len(h, &len), cases[i].rc);
		assert_int_equal(len, cases[i].rc == 0 ? cases[i].v : 12345);
		free(h);
	}
}

static void
test_bad_command_length(void **state)
{
	static const uint32_t lies[] = { 0, 15, 17, 64, 0x80000000u,
	    NV_SMPP_PDU_MAX + 1, 0xffffffffu };

	(void)state;
	/* Shorter than a header: nothing to read, nothing read. */
	for (size_t n = 0; n < 16; n++) {
		uint8_t *b = malloc(n > 0 ? n : 1);

		assert_non_null(b);
		memset(b, 0, n);
		if (n >= 4)
			tu_setlen(b, (uint32_t)n);
		expect(b, n, SMPP_DEC_BAD_LENGTH, SMPP_RINVCMDLEN,
		    "bad_command_length");
	}
	/* A header whose command_length disagrees with what was read. */
	for (size_t i = 0; i < TU_NELEM(lies); i++) {
		struct tu_pdu p;
		struct dec d;
		size_t n;
		uint8_t *b;

		tu_begin(&p, SMPP_ENQUIRE_LINK, 0, 31);
		b = tu_end(&p, &n);
		tu_setlen(b, lies[i]);
		decode(b, n, &d);
		free(b);
		assert_int_equal(d.rc, SMPP_DEC_BAD_LENGTH);
		assert_int_equal(d.status, SMPP_RINVCMDLEN);
		/* The header is still reported, for the generic_nack. */
		assert_int_equal(d.pdu.command_length, lies[i]);
		assert_int_equal(d.pdu.command_id, SMPP_ENQUIRE_LINK);
		assert_int_equal(d.pdu.sequence_number, 31);
	}
}

/* One octet over NV_SMPP_PDU_MAX, with a matching command_length. */
static void
test_pdu_over_max(void **state)
{
	struct tu_pdu p;
	size_t n;
	uint8_t *b, *pl = calloc(1, NV_SMPP_PDU_MAX);

	(void)state;
	assert_non_null(pl);
	tu_begin(&p, SMPP_DELIVER_SM, 0, 1);
	tu_sm_body(&p, "1", "2", "", 0);
	tu_puttlv(&p, SMPP_TAG_MESSAGE_PAYLOAD, pl,
	    (uint16_t)(NV_SMPP_PDU_MAX + 1 - p.len - 4));
	b = tu_end(&p, &n);
	assert_int_equal(n, NV_SMPP_PDU_MAX + 1);
	expect(b, n, SMPP_DEC_BAD_LENGTH, SMPP_RINVCMDLEN, NULL);

	/* Exactly NV_SMPP_PDU_MAX is fine. */
	tu_begin(&p, SMPP_DELIVER_SM, 0, 1);
	tu_sm_body(&p, "1", "2", "", 0);
	tu_puttlv(&p, SMPP_TAG_MESSAGE_PAYLOAD, pl,
	    (uint16_t)(NV_SMPP_PDU_MAX - p.len - 4));
	b = tu_end(&p, &n);
	expect(b, n, SMPP_DEC_OK, SMPP_ROK, "");
	free(pl);
}

/* libsmpp34 corrupts memory from 29 TLVs and dies from 66. */
static void
test_tlv_count(void **state)
{
	static const struct {
		unsigned n;
		enum smpp_dec rc;
		uint32_t st;
	} cases[] = {
		{ 0, SMPP_DEC_OK, SMPP_ROK },
		{ 28, SMPP_DEC_OK, SMPP_ROK },
		{ 29, SMPP_DEC_OK, SMPP_ROK },
		{ NV_SMPP_TLV_MAX, SMPP_DEC_OK, SMPP_ROK },
		{ NV_SMPP_TLV_MAX + 1, SMPP_DEC_BAD_BODY, SMPP_RINVOPTPARSTREAM },
		{ 66, SMPP_DEC_BAD_BODY, SMPP_RINVOPTPARSTREAM },
		{ 1000, SMPP_DEC_BAD_BODY, SMPP_RINVOPTPARSTREAM },
	};

	(void)state;
	assert_int_equal(NV_SMPP_TLV_MAX, 32);
	for (size_t i = 0; i < TU_NELEM(cases); i++) {
		size_t n;
		uint8_t *b = deliver_with_tlvs(cases[i].n, &n);

		expect(b, n, cases[i].rc, cases[i].st,
		    cases[i].rc == SMPP_DEC_OK ? "" : "too_many_tlvs");
		assert_true(strnlen(smpp34_strerror, 2048) < 2048);
	}
}

/* Exactly 32 TLVs, every known one among them, all read. */
static void
test_tlv_32_known(void **state)
{
	static const uint8_t rid[] = "3F2A1B00";
	struct tu_pdu p;
	struct dec d;
	size_t n;
	uint8_t *b, one = 1, two[2] = { 0x30, 0x39 };
	unsigned count = 10;
	size_t pl_off;

	(void)state;
	tu_begin(&p, SMPP_DELIVER_SM, 0, 1);
	tu_sm_body(&p, "22376123456", "36123", "", 0);
	tu_puttlv(&p, SMPP_TAG_USSD_SERVICE_OP, &one, 1);
	tu_puttlv(&p, SMPP_TAG_ITS_SESSION_INFO, two, 2);
	tu_puttlv(&p, SMPP_TAG_USER_MESSAGE_REFERENCE, two, 2);
	tu_puttlv(&p, SMPP_TAG_SAR_MSG_REF_NUM, two, 2);
	tu_puttlv(&p, SMPP_TAG_SAR_TOTAL_SEGMENTS, &one, 1);
	tu_puttlv(&p, SMPP_TAG_SAR_SEGMENT_SEQNUM, &one, 1);
	tu_puttlv(&p, SMPP_TAG_RECEIPTED_MESSAGE_ID, rid, sizeof rid);
	tu_puttlv(&p, SMPP_TAG_MESSAGE_STATE, &one, 1);
	tu_puttlv(&p, SMPP_TAG_MORE_MESSAGES_TO_SEND, &one, 1);
	tu_puttlv(&p, SMPP_TAG_MESSAGE_PAYLOAD, two, 2);
	pl_off = p.len - 2;
	for (; count < NV_SMPP_TLV_MAX; count++)
		tu_puttlv(&p, UNKNOWN_TAG, &one, 1);
	b = tu_end(&p, &n);
	decode(b, n, &d);
	assert_int_equal(d.rc, SMPP_DEC_OK);
	assert_int_equal(d.pdu.tlv.have, 0x7ffu & ~SMPP_HAVE_SC_INTERFACE_VERSION);
	assert_int_equal(d.pdu.tlv.user_message_reference, 12345);
	assert_string_equal(d.pdu.tlv.receipted_message_id, "3F2A1B00");
	/* message_payload points into the caller's buffer. */
	assert_ptr_equal(d.pdu.tlv.message_payload, b + pl_off);
	free(b);
}

/*
 * A deliver_sm cut at every offset, with command_length patched to the
 * cut and left alone. Cuts at a TLV boundary leave a valid, shorter PDU;
 * every other cut is a bad body with the status of the part it hit.
 */
static void
test_truncated_everywhere(void **state)
{
	static const uint8_t rid[] = "3F2A1B00";
	struct tu_pdu p;
	size_t full, body_end, bounds[8], nb = 0;
	uint8_t *whole, op = 0x12, sess[2] = { 0x2a, 0x03 }, sm[40];

	(void)state;
	memset(sm, 'A', sizeof sm);
	tu_begin(&p, SMPP_DELIVER_SM, 0, 5);
	tu_sm_body(&p, "22376123456", "*384#", sm, sizeof sm);
	body_end = p.len;
	bounds[nb++] = p.len;
	tu_puttlv(&p, SMPP_TAG_USSD_SERVICE_OP, &op, 1);
	bounds[nb++] = p.len;
	tu_puttlv(&p, SMPP_TAG_ITS_SESSION_INFO, sess, 2);
	bounds[nb++] = p.len;
	tu_puttlv(&p, UNKNOWN_TAG, sess, 2);
	bounds[nb++] = p.len;
	tu_puttlv(&p, SMPP_TAG_RECEIPTED_MESSAGE_ID, rid, sizeof rid);
	bounds[nb++] = p.len;
	whole = tu_end(&p, &full);

	for (size_t k = 0; k < full; k++) {
		for (int patch = 0; patch < 2; patch++) {
			uint8_t *b = malloc(k > 0 ? k : 1);
			int at_bound = 0;
			struct dec d;

			assert_non_null(b);
			memcpy(b, whole, k);
			if (patch && k >= 4)
				tu_setlen(b, (uint32_t)k);
			decode(b, k, &d);
			free(b);
			for (size_t j = 0; j < nb; j++)
				at_bound |= bounds[j] == k;
			if (k < 16 || !patch) {
				assert_int_equal(d.rc, SMPP_DEC_BAD_LENGTH);
				assert_int_equal(d.status, SMPP_RINVCMDLEN);
			} else if (at_bound) {
				assert_int_equal(d.rc, SMPP_DEC_OK);
			} else if (k >= body_end) {
				assert_int_equal(d.rc, SMPP_DEC_BAD_BODY);
				assert_int_equal(d.status,
				    SMPP_RINVOPTPARSTREAM);
			} else {
				/* In the fields: short body, or sm cut. */
				assert_int_equal(d.rc, SMPP_DEC_BAD_BODY);
				if (d.status != SMPP_RINVCMDLEN &&
				    d.status != SMPP_RINVMSGLEN)
					fail_msg("cut at %zu: status 0x%x", k,
					    d.status);
				assert_int_equal(d.status,
				    k > body_end - sizeof sm - 1 ?
				    SMPP_RINVMSGLEN : SMPP_RINVCMDLEN);
			}
		}
	}
	free(whole);
}

static void
test_tlv_past_end(void **state)
{
	struct tu_pdu p;
	uint8_t v[4] = { 1, 2, 3, 4 };

	(void)state;
	/* Value length runs 1 octet past the PDU. */
	tu_begin(&p, SMPP_DELIVER_SM, 0, 1);
	tu_sm_body(&p, "1", "2", "", 0);
	tu_put16(&p, SMPP_TAG_MESSAGE_PAYLOAD);
	tu_put16(&p, 5);
	tu_putraw(&p, v, 4);
	expect_built(&p, SMPP_DEC_BAD_BODY, SMPP_RINVOPTPARSTREAM,
	    "tlv_value_past_end");
	/* ... and far past it. */
	tu_begin(&p, SMPP_SUBMIT_SM, 0, 1);
	tu_sm_body(&p, "1", "2", "", 0);
	tu_put16(&p, UNKNOWN_TAG);
	tu_put16(&p, 0xffff);
	expect_built(&p, SMPP_DEC_BAD_BODY, SMPP_RINVOPTPARSTREAM,
	    "tlv_value_past_end");
	/* 1 to 3 stray octets where a TLV header should be. */
	for (size_t stray = 1; stray < 4; stray++) {
		tu_begin(&p, SMPP_DATA_SM, 0, 1);
		tu_putstr(&p, "");
		tu_put8(&p, 1);
		tu_put8(&p, 1);
		tu_putstr(&p, "22376123456");
		tu_put8(&p, 0);
		tu_put8(&p, 0);
		tu_putstr(&p, "36123");
		tu_put8(&p, 0);
		tu_put8(&p, 0);
		tu_put8(&p, 0);
		tu_putraw(&p, v, stray);
		expect_built(&p, SMPP_DEC_BAD_BODY,
		    SMPP_RINVOPTPARSTREAM, "tlv_header_past_end");
	}
}

/* Known TLVs of the wrong length are refused, never read by type. */
static void
test_tlv_bad_lengths(void **state)
{
	static const struct {
		uint16_t tag, len;
	} cases[] = {
		{ SMPP_TAG_USSD_SERVICE_OP, 0 }, { SMPP_TAG_USSD_SERVICE_OP, 2 },
		{ SMPP_TAG_ITS_SESSION_INFO, 1 }, { SMPP_TAG_ITS_SESSION_INFO, 3 },
		{ SMPP_TAG_SAR_MSG_REF_NUM, 1 },
		{ SMPP_TAG_USER_MESSAGE_REFERENCE, 4 },
		{ SMPP_TAG_MESSAGE_STATE, 0 },
		{ SMPP_TAG_RECEIPTED_MESSAGE_ID, 0 },
		{ SMPP_TAG_RECEIPTED_MESSAGE_ID, 66 },
	};
	uint8_t v[66];

	(void)state;
	memset(v, '7', sizeof v);
	for (size_t i = 0; i < TU_NELEM(cases); i++) {
		struct tu_pdu p;

		tu_begin(&p, SMPP_DELIVER_SM, 0, 1);
		tu_sm_body(&p, "1", "2", "", 0);
		tu_puttlv(&p, cases[i].tag, v, cases[i].len);
		expect_built(&p, SMPP_DEC_BAD_BODY, SMPP_RINVPARLEN,
		    "tlv_bad_length");
	}
}

static void
test_tlv_duplicate(void **state)
{
	struct tu_pdu p;
	uint8_t a = 0x01, b = 0x11;

	(void)state;
	tu_begin(&p, SMPP_DELIVER_SM, 0, 1);
	tu_sm_body(&p, "1", "2", "", 0);
	tu_puttlv(&p, SMPP_TAG_USSD_SERVICE_OP, &a, 1);
	tu_puttlv(&p, SMPP_TAG_USSD_SERVICE_OP, &b, 1);
	expect_built(&p, SMPP_DEC_BAD_BODY, SMPP_RINVOPTPARSTREAM,
	    "tlv_duplicate");
	/* Unknown tags may repeat: they are skipped. */
	tu_begin(&p, SMPP_DELIVER_SM, 0, 1);
	tu_sm_body(&p, "1", "2", "", 0);
	tu_puttlv(&p, UNKNOWN_TAG, &a, 1);
	tu_puttlv(&p, UNKNOWN_TAG, &b, 1);
	expect_built(&p, SMPP_DEC_OK, SMPP_ROK, "");
}

static void
test_sm_and_payload(void **state)
{
	struct tu_pdu p;
	uint8_t pl[3] = { 'a', 'b', 'c' };

	(void)state;
	tu_begin(&p, SMPP_SUBMIT_SM, 0, 1);
	tu_sm_body(&p, "1", "2", "x", 1);
	tu_puttlv(&p, SMPP_TAG_MESSAGE_PAYLOAD, pl, 3);
	expect_built(&p, SMPP_DEC_BAD_BODY, SMPP_ROPTPARNOTALLWD,
	    "short_message_and_message_payload");
	/* Even an empty message_payload next to a short_message. */
	tu_begin(&p, SMPP_DELIVER_SM, 0, 1);
	tu_sm_body(&p, "1", "2", "x", 1);
	tu_puttlv(&p, SMPP_TAG_MESSAGE_PAYLOAD, pl, 0);
	expect_built(&p, SMPP_DEC_BAD_BODY, SMPP_ROPTPARNOTALLWD,
	    NULL);
}

/* The PDU ends inside a C-octet string: a short body, no overread. */
static void
test_cstring_without_nul(void **state)
{
	struct tu_pdu p;

	(void)state;
	tu_begin(&p, SMPP_DELIVER_SM, 0, 1);
	tu_putraw(&p, "USSD", 4);
	expect_built(&p, SMPP_DEC_BAD_BODY, SMPP_RINVCMDLEN,
	    "short_body");
	tu_begin(&p, SMPP_DELIVER_SM, 0, 1);
	tu_putstr(&p, "");
	tu_put8(&p, 1);
	tu_put8(&p, 1);
	tu_putraw(&p, "2237612345", 10);
	expect_built(&p, SMPP_DEC_BAD_BODY, SMPP_RINVCMDLEN,
	    "short_body");
	tu_begin(&p, SMPP_BIND_TRANSCEIVER, 0, 1);
	tu_putraw(&p, "numvert", 7);
	expect_built(&p, SMPP_DEC_BAD_BODY, SMPP_RINVCMDLEN,
	    "short_body");
	tu_begin(&p, SMPP_OUTBIND, 0, 1);
	tu_putstr(&p, "numvert");
	tu_putraw(&p, "secret12", 8);
	expect_built(&p, SMPP_DEC_BAD_BODY, SMPP_RINVCMDLEN,
	    "short_body");
	/* A response: its header stays usable, the body is refused. */
	tu_begin(&p, SMPP_SUBMIT_SM_RESP, 0, 1);
	tu_putraw(&p, "3F2A", 4);
	expect_built(&p, SMPP_DEC_BAD_RESP, SMPP_RINVCMDLEN,
	    "short_body");
}

/* Too long for the field: the field's own status, for the *_resp. */
static void
test_overlong_fields(void **state)
{
	struct tu_pdu p;
	const char *a21 = "223761234562237612345";	/* 21 digits */

	(void)state;
	tu_begin(&p, SMPP_DELIVER_SM, 0, 1);
	tu_sm_body(&p, a21, "36123", "", 0);
	expect_built(&p, SMPP_DEC_BAD_BODY, SMPP_RINVSRCADR,
	    "source_addr_too_long");
	tu_begin(&p, SMPP_SUBMIT_SM, 0, 1);
	tu_sm_body(&p, "36123", a21, "", 0);
	expect_built(&p, SMPP_DEC_BAD_BODY, SMPP_RINVDSTADR,
	    "destination_addr_too_long");
	/* No NUL anywhere after an over-long address: same answer. */
	tu_begin(&p, SMPP_DELIVER_SM, 0, 1);
	tu_putstr(&p, "");
	tu_put8(&p, 1);
	tu_put8(&p, 1);
	tu_putraw(&p, a21, 21);
	expect_built(&p, SMPP_DEC_BAD_BODY, SMPP_RINVSRCADR, NULL);
	tu_begin(&p, SMPP_DELIVER_SM, 0, 1);
	tu_putstr(&p, "USSD12");
	expect_built(&p, SMPP_DEC_BAD_BODY, SMPP_RINVSERTYP,
	    "service_type_too_long");
	tu_begin(&p, SMPP_BIND_TRANSMITTER, 0, 1);
	tu_putstr(&p, "numvert-numvert!");	/* 16 characters */
	tu_putstr(&p, "secret12");
	tu_putstr(&p, "");
	tu_put8(&p, 0x34);
	tu_put8(&p, 0);
	tu_put8(&p, 0);
	tu_putstr(&p, "");
	expect_built(&p, SMPP_DEC_BAD_BODY, SMPP_RINVSYSID,
	    "system_id_too_long");
	tu_begin(&p, SMPP_BIND_RECEIVER, 0, 1);
	tu_putstr(&p, "numvert");
	tu_putstr(&p, "secret123");
	expect_built(&p, SMPP_DEC_BAD_BODY, SMPP_RINVPASWD,
	    "password_too_long");
	tu_begin(&p, SMPP_BIND_TRANSCEIVER, 0, 1);
	tu_putstr(&p, "numvert");
	tu_putstr(&p, "secret12");
	tu_putstr(&p, "USSDUSSDUSSDU");
	expect_built(&p, SMPP_DEC_BAD_BODY, SMPP_RINVSYSTYP,
	    "system_type_too_long");
}

static void
test_sm_length(void **state)
{
	struct tu_pdu p;
	struct dec d;
	size_t n;
	uint8_t sm[255], *b;

	(void)state;
	memset(sm, 'z', sizeof sm);
	/* 255 octets present and announced: still too long. */
	tu_begin(&p, SMPP_DELIVER_SM, 0, 1);
	tu_sm_body(&p, "1", "2", sm, 255);
	expect_built(&p, SMPP_DEC_BAD_BODY, SMPP_RINVMSGLEN,
	    "sm_length_past_end");
	/* 254 is the SMPP maximum, and libsmpp34 unpacks it. */
	tu_begin(&p, SMPP_DELIVER_SM, 0, 1);
	tu_sm_body(&p, "1", "2", sm, 254);
	b = tu_end(&p, &n);
	decode(b, n, &d);
	free(b);
	assert_int_equal(d.rc, SMPP_DEC_OK);
	assert_int_equal(d.pdu.sm_length, 254);
	/* Announced 200, 10 present. */
	tu_begin(&p, SMPP_SUBMIT_SM, 0, 1);
	tu_sm_body(&p, "1", "2", sm, 10);
	p.b[p.len - 11] = 200;
	expect_built(&p, SMPP_DEC_BAD_BODY, SMPP_RINVMSGLEN,
	    "sm_length_past_end");
}

static void
test_unknown_commands(void **state)
{
	static const uint32_t ids[] = { 0x000001ff, 0x00000003, 0x80000003,
	    0x00000021, 0x00000102, 0x0000000a, 0x8000000b, 0xffffffffu,
	    0x7fffffffu, 0x00000000 };

	(void)state;
	for (size_t i = 0; i < TU_NELEM(ids); i++) {
		struct tu_pdu p;
		struct dec d;
		size_t n;
		uint8_t *b;

		tu_begin(&p, ids[i], 0, 99);
		tu_putstr(&p, "whatever");
		b = tu_end(&p, &n);
		decode(b, n, &d);
		free(b);
		assert_int_equal(d.rc, SMPP_DEC_UNKNOWN);
		assert_int_equal(d.status, SMPP_RINVCMDID);
		assert_string_equal(d.cause, "unknown_command_id");
		assert_int_equal(d.pdu.command_id, ids[i]);
		assert_int_equal(d.pdu.sequence_number, 99);
	}
}

/*
 * Status-0 responses whose body libsmpp34 refuses or could misread: the
 * codec accepts what real peers send and refuses what is malformed.
 */
static void
test_resp_bodies(void **state)
{
	struct tu_pdu p;
	struct dec d;
	size_t n;
	uint8_t *b, v = 0x34;

	(void)state;
	/* bind_*_resp with no system_id: libsmpp34 says "exceed". */
	tu_begin(&p, SMPP_BIND_TRANSCEIVER_RESP, 0, 1);
	b = tu_end(&p, &n);
	decode(b, n, &d);
	free(b);
	assert_int_equal(d.rc, SMPP_DEC_OK);
	assert_string_equal(d.pdu.system_id, "");
	/* deliver_sm_resp with a message_id (libsmpp34 allows only ""). */
	tu_begin(&p, SMPP_DELIVER_SM_RESP, 0, 1);
	tu_putstr(&p, "3F2A1B00");
	expect_built(&p, SMPP_DEC_OK, SMPP_ROK, "");
	/* bind resp with a system_id too long for anyone. */
	tu_begin(&p, SMPP_BIND_TRANSMITTER_RESP, 0, 1);
	tu_putstr(&p, "SMSC01SMSC01SMSC");
	expect_built(&p, SMPP_DEC_BAD_RESP, SMPP_RINVSYSID,
	    "system_id_too_long");
	tu_begin(&p, SMPP_SUBMIT_SM_RESP, 0, 1);
	for (int i = 0; i < 65; i++)
		tu_put8(&p, 'm');
	tu_put8(&p, 0);
	expect_built(&p, SMPP_DEC_BAD_RESP, SMPP_RINVCMDLEN,
	    "message_id_too_long");
	/* sc_interface_version with its header cut. */
	tu_begin(&p, SMPP_BIND_RECEIVER_RESP, 0, 1);
	tu_putstr(&p, "SMSC01");
	tu_put16(&p, SMPP_TAG_SC_INTERFACE_VERSION);
	tu_put8(&p, 0);
	expect_built(&p, SMPP_DEC_BAD_RESP, SMPP_RINVOPTPARSTREAM,
	    "tlv_header_past_end");
	/* An error response's body is not read, whatever it holds. */
	tu_begin(&p, SMPP_BIND_RECEIVER_RESP, SMPP_RBINDFAIL, 1);
	tu_putraw(&p, "garbage without a NUL", 21);
	tu_puttlv(&p, SMPP_TAG_SC_INTERFACE_VERSION, &v, 1);
	expect_built(&p, SMPP_DEC_OK, SMPP_ROK, "");
	/* Trailing octets after a command without TLVs are ignored. */
	tu_begin(&p, SMPP_ENQUIRE_LINK, 0, 1);
	tu_putraw(&p, "\x01\x02\x03", 3);
	expect_built(&p, SMPP_DEC_OK, SMPP_ROK, "");
}

/* receipted_message_id without a NUL as the PDU's last octets. */
static void
test_receipt_without_nul_at_end(void **state)
{
	struct tu_pdu p;
	struct dec d;
	size_t n;
	uint8_t *b;

	(void)state;
	tu_begin(&p, SMPP_DELIVER_SM, 0, 8);
	tu_sm_body(&p, "22376123456", "36123", "id:3F2A1B01", 11);
	tu_puttlv(&p, SMPP_TAG_RECEIPTED_MESSAGE_ID, "3F2A1B01", 8);
	b = tu_end(&p, &n);
	decode(b, n, &d);
	free(b);
	assert_int_equal(d.rc, SMPP_DEC_OK);
	assert_string_equal(d.pdu.tlv.receipted_message_id, "3F2A1B01");
}

/* Status and cause are optional outputs. */
static void
test_null_outputs(void **state)
{
	struct smpp_pdu pdu;
	size_t n;
	uint8_t *b = deliver_with_tlvs(66, &n);

	(void)state;
	assert_int_equal(smpp_decode(b, n, &pdu, NULL, NULL),
	    SMPP_DEC_BAD_BODY);
	free(b);
	b = deliver_with_tlvs(1, &n);
	assert_int_equal(smpp_decode(b, n, &pdu, NULL, NULL), SMPP_DEC_OK);
	free(b);
}

/*
 * Every mandatory field at its maximum, plus the most TLVs we take:
 * libsmpp34's 2,048-octet log must never fill, and must never see a TLV
 * (the codec strips them before calling it).
 */
static void
test_libsmpp34_log_bounded(void **state)
{
	static const uint32_t ids[] = { SMPP_DELIVER_SM, SMPP_SUBMIT_SM };
	uint8_t sm[254], v = 1;

	(void)state;
	memset(sm, 0xff, sizeof sm);
	for (size_t i = 0; i < TU_NELEM(ids); i++) {
		struct tu_pdu p;
		struct dec d;
		size_t n;
		uint8_t *b;

		tu_begin(&p, ids[i], 0, 0x7fffffff);
		tu_putstr(&p, "ABCDE");
		tu_put8(&p, 7);
		tu_put8(&p, 0xff);
		tu_putstr(&p, "22376123456789012345");
		tu_put8(&p, 0xff);
		tu_put8(&p, 0xff);
		tu_putstr(&p, "22365987654321098765");
		tu_put8(&p, 0xff);
		tu_put8(&p, 0xff);
		tu_put8(&p, 0xff);
		tu_putstr(&p, "261123101500000+");
		tu_putstr(&p, "261123101500000+");
		for (int k = 0; k < 4; k++)
			tu_put8(&p, 0xff);
		tu_put8(&p, 254);
		tu_putraw(&p, sm, 254);
		for (unsigned t = 0; t < NV_SMPP_TLV_MAX; t++)
			tu_puttlv(&p, (uint16_t)(UNKNOWN_TAG + t), &v, 1);
		b = tu_end(&p, &n);
		memset(smpp34_strerror, 'X', sizeof smpp34_strerror);
		decode(b, n, &d);
		free(b);
		assert_int_equal(d.rc, SMPP_DEC_OK);
		assert_int_equal(d.pdu.sm_length, 254);
		assert_int_equal(d.pdu.source_addr_ton, 7);
		/* libsmpp34 ran (it clears the log) and stayed inside it. */
		assert_true(strnlen(smpp34_strerror, 2048) < 2048);
		assert_non_null(strstr(smpp34_strerror, "short_message"));
		assert_null(strstr(smpp34_strerror, "tag"));
	}
}

/* Deterministic mutations of a valid PDU: no crash, honest outcomes. */
static void
test_mutations(void **state)
{
	static const uint8_t rid[] = "3F2A1B00";
	struct tu_pdu p;
	size_t n;
	uint8_t *whole, op = 0x01, *buf = malloc(NV_SMPP_PDU_MAX + 64);
	uint32_t x = 2463534242u;

	(void)state;
	assert_non_null(buf);
	tu_begin(&p, SMPP_DELIVER_SM, 0, 5);
	tu_sm_body(&p, "22376123456", "*384#", "hello", 5);
	tu_puttlv(&p, SMPP_TAG_USSD_SERVICE_OP, &op, 1);
	tu_puttlv(&p, SMPP_TAG_RECEIPTED_MESSAGE_ID, rid, sizeof rid);
	whole = tu_end(&p, &n);
	for (int iter = 0; iter < 20000; iter++) {
		uint8_t *b = malloc(n);
		struct dec d, e;
		int m;

		assert_non_null(b);
		memcpy(b, whole, n);
		for (int flips = 1 + iter % 3; flips > 0; flips--) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			b[16 + x % (n - 16)] = (uint8_t)(x >> 8);
		}
		decode(b, n, &d);
		if (d.rc == SMPP_DEC_OK) {
			m = smpp_encode(&d.pdu, buf, NV_SMPP_PDU_MAX + 64, NULL);
			if (m > 0) {
				decode(buf, (size_t)m, &e);
				assert_int_equal(e.rc, SMPP_DEC_OK);
				assert_null(tu_pdu_diff(&d.pdu, &e.pdu));
			}
		} else {
			assert_true(d.status != SMPP_ROK);
		}
		free(b);
	}
	free(whole);
	free(buf);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_len),
		cmocka_unit_test(test_bad_command_length),
		cmocka_unit_test(test_pdu_over_max),
		cmocka_unit_test(test_tlv_count),
		cmocka_unit_test(test_tlv_32_known),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_tlv_past_end),
		cmocka_unit_test(test_tlv_bad_lengths),
		cmocka_unit_test(test_tlv_duplicate),
		cmocka_unit_test(test_sm_and_payload),
		cmocka_unit_test(test_cstring_without_nul),
		cmocka_unit_test(test_overlong_fields),
		cmocka_unit_test(test_sm_length),
		cmocka_unit_test(test_unknown_commands),
		cmocka_unit_test(test_resp_bodies),
		cmocka_unit_test(test_receipt_without_nul_at_end),
		cmocka_unit_test(test_null_outputs),
		cmocka_unit_test(test_libsmpp34_log_bounded),
		cmocka_unit_test(test_mutations),
	};

	/* prove reads TAP; an explicit CMOCKA_MESSAGE_OUTPUT still wins. */
	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);

	return cmocka_run_group_tests_name("codec_hostile", tests, NULL,
	    NULL) != 0;
}
