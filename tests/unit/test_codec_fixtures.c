/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The codec against PDUs written by other implementations (node-smpp,
 * Net::SMPP, Kannel; tests/fixtures/smpp/README.md). One cmocka test per
 * fixture, driven by expected.json: every header field, every mandatory
 * field and every TLV the JSON lists must come out of smpp_decode() as
 * listed, and the re-encoding must decode to the same fields.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smpp_codec.h"
#include "base/limits.h"
#include "tests/unit/smpp_testutil.h"

#define FIXTURE_DIR "tests/fixtures/smpp"
#define NFIXTURES 93	/* README.md: "93 PDUs" */

/* One test per fixture: its file name and its expected.json entry. */
struct fixture {
	const char *name;
	json_t *entry;
};

static json_t *expected;

/* Mandatory fields of struct smpp_pdu, by their expected.json key. */
enum jkind {
	J_STR,		/* JSON string vs char[] */
	J_INT,		/* JSON integer vs uint8_t */
	J_HEX8,		/* JSON "0x.." string vs uint8_t */
};

static const struct {
	const char *key;
	enum jkind kind;
	size_t off;
	size_t size;
} jfields[] = {
#define F(m, k) { #m, k, offsetof(struct smpp_pdu, m), \
	sizeof(((struct smpp_pdu *)0)->m) }
	F(system_id, J_STR),
	F(password, J_STR),
	F(system_type, J_STR),
	F(interface_version, J_HEX8),
	F(addr_ton, J_INT),
	F(addr_npi, J_INT),
	F(address_range, J_STR),
	F(service_type, J_STR),
	F(source_addr_ton, J_INT),
	F(source_addr_npi, J_INT),
	F(source_addr, J_STR),
	F(dest_addr_ton, J_INT),
	F(dest_addr_npi, J_INT),
	F(destination_addr, J_STR),
	F(esm_class, J_HEX8),
	F(protocol_id, J_INT),
	F(priority_flag, J_INT),
	F(schedule_delivery_time, J_STR),
	F(validity_period, J_STR),
	F(registered_delivery, J_INT),
	F(replace_if_present_flag, J_INT),
	F(data_coding, J_HEX8),
	F(sm_default_msg_id, J_INT),
	F(sm_length, J_INT),
	F(message_id, J_STR),
#undef F
};

/*
 * Keys of "decoded" that describe the text, not a field the codec
 * decodes (UDH and character sets are the USSD layer's business), or
 * that are checked separately below.
 */
static const char *const jignored[] = {
	"command_length", "command_id", "command", "command_status",
	"status_name", "sequence_number", "problems", "body", "text",
	"text_encoding", "udh", "tlvs", "short_message_hex",
};

/* The two mis-packed Net::SMPP TLVs: ussd_service_op of length 2. */
static const char *const traps[] = {
	"netsmpp-submit_sm-ussd-op-ascii17-trap.hex",
	"netsmpp-submit_sm-ussd-numeric-tag-2octet-trap.hex",
};

/* TLVs the codec reads, by expected.json name. */
static const struct {
	const char *name;
	uint32_t bit;
} jtlvs[] = {
	{ "receipted_message_id", SMPP_HAVE_RECEIPTED_MESSAGE_ID },
	{ "user_message_reference", SMPP_HAVE_USER_MESSAGE_REFERENCE },
	{ "sar_msg_ref_num", SMPP_HAVE_SAR_MSG_REF_NUM },
	{ "sar_total_segments", SMPP_HAVE_SAR_TOTAL_SEGMENTS },
	{ "sar_segment_seqnum", SMPP_HAVE_SAR_SEGMENT_SEQNUM },
	{ "sc_interface_version", SMPP_HAVE_SC_INTERFACE_VERSION },
	{ "message_payload", SMPP_HAVE_MESSAGE_PAYLOAD },
	{ "more_messages_to_send", SMPP_HAVE_MORE_MESSAGES_TO_SEND },
	{ "message_state", SMPP_HAVE_MESSAGE_STATE },
	{ "ussd_service_op", SMPP_HAVE_USSD_SERVICE_OP },
	{ "its_session_info", SMPP_HAVE_ITS_SESSION_INFO },
};

static int
is_trap(const char *name)
{
	for (size_t i = 0; i < TU_NELEM(traps); i++)
		if (strcmp(traps[i], name) == 0)
			return 1;
	return 0;
}

static uint32_t
hexnum(json_t *v)
{
	assert_true(json_is_string(v));
	return (uint32_t)strtoul(json_string_value(v), NULL, 16);
}

/* Loads a fixture's octets into an exactly sized heap buffer. */
static uint8_t *
load_pdu(const char *name, size_t *len)
{
	char path[PATH_MAX];
	char *hex;
	uint8_t *pdu;
	long n;

	snprintf(path, sizeof path, "%s/%s/%s", tu_top(), FIXTURE_DIR, name);
	hex = tu_slurp(path, NULL);
	assert_non_null(hex);
	pdu = malloc(strlen(hex) / 2 + 1);
	assert_non_null(pdu);
	n = tu_unhex(hex, pdu, strlen(hex) / 2);
	free(hex);
	assert_true(n >= 16);
	*len = (size_t)n;
	return pdu;
}

static void
check_mandatory(json_t *dec, const struct smpp_pdu *p)
{
	const char *key;
	json_t *v;

	json_object_foreach(dec, key, v) {
		size_t i;
		int known = 0;

		for (i = 0; i < TU_NELEM(jignored); i++)
			known |= strcmp(jignored[i], key) == 0;
		if (known)
			continue;
		for (i = 0; i < TU_NELEM(jfields); i++)
			if (strcmp(jfields[i].key, key) == 0)
				break;
		/* A key we do not map would go unchecked: fail instead. */
		if (i == TU_NELEM(jfields))
			fail_msg("unmapped expected.json key %s", key);
		const uint8_t *f = (const uint8_t *)p + jfields[i].off;

		switch (jfields[i].kind) {
		case J_STR:
			assert_true(json_is_string(v));
			assert_int_equal(strnlen((const char *)f, jfields[i].size),
			    strlen(json_string_value(v)));
			assert_string_equal((const char *)f, json_string_value(v));
			break;
		case J_INT:
			assert_true(json_is_integer(v));
			assert_int_equal(*f, json_integer_value(v));
			break;
		case J_HEX8:
			assert_int_equal(*f, hexnum(v));
			break;
		}
	}
}

static void
check_short_message(json_t *dec, const struct smpp_pdu *p)
{
	json_t *hex = json_object_get(dec, "short_message_hex");
	uint8_t sm[256];
	long n;

	if (hex == NULL)
		return;
	n = tu_unhex(json_string_value(hex), sm, sizeof sm);
	assert_true(n >= 0);
	assert_int_equal(p->sm_length, n);
	assert_memory_equal(p->short_message, sm, (size_t)n);
}

/* One TLV from the JSON against the decoded struct smpp_tlvs. */
static void
check_tlv(json_t *t, const struct smpp_tlvs *tl, uint32_t *want)
{
	const char *name = json_string_value(json_object_get(t, "name"));
	json_t *val = json_object_get(t, "value");
	size_t len = (size_t)json_integer_value(json_object_get(t, "length"));
	uint8_t *raw = malloc(len + 1);
	size_t i;
	long n;

	assert_non_null(name);
	assert_non_null(raw);
	n = tu_unhex(json_string_value(json_object_get(t, "value_hex")), raw,
	    len);
	assert_int_equal(n, len);
	for (i = 0; i < TU_NELEM(jtlvs); i++)
		if (strcmp(jtlvs[i].name, name) == 0)
			break;
	if (i == TU_NELEM(jtlvs)) {
		/* network_error_code & co: skipped by the codec, by design. */
		free(raw);
		return;
	}
	*want |= jtlvs[i].bit;
	assert_true(tl->have & jtlvs[i].bit);
	switch (jtlvs[i].bit) {
	case SMPP_HAVE_USSD_SERVICE_OP:
		assert_int_equal(tl->ussd_service_op, raw[0]);
		break;
	case SMPP_HAVE_ITS_SESSION_INFO:
		assert_memory_equal(tl->its_session_info, raw, 2);
		assert_int_equal(tl->its_session_info[0],
		    json_integer_value(json_object_get(val, "session")));
		assert_int_equal(tl->its_session_info[1] >> 1,
		    json_integer_value(json_object_get(val, "sequence")));
		assert_int_equal(tl->its_session_info[1] & 1,
		    json_integer_value(json_object_get(val, "end_of_session")));
		break;
	case SMPP_HAVE_USER_MESSAGE_REFERENCE:
		assert_int_equal(tl->user_message_reference, raw[0] << 8 | raw[1]);
		assert_int_equal(tl->user_message_reference,
		    json_integer_value(val));
		break;
	case SMPP_HAVE_SAR_MSG_REF_NUM:
		assert_int_equal(tl->sar_msg_ref_num, raw[0] << 8 | raw[1]);
		assert_int_equal(tl->sar_msg_ref_num, json_integer_value(val));
		break;
	case SMPP_HAVE_SAR_TOTAL_SEGMENTS:
		assert_int_equal(tl->sar_total_segments, json_integer_value(val));
		break;
	case SMPP_HAVE_SAR_SEGMENT_SEQNUM:
		assert_int_equal(tl->sar_segment_seqnum, json_integer_value(val));
		break;
	case SMPP_HAVE_SC_INTERFACE_VERSION:
		assert_int_equal(tl->sc_interface_version, raw[0]);
		break;
	case SMPP_HAVE_MORE_MESSAGES_TO_SEND:
		assert_int_equal(tl->more_messages_to_send, raw[0]);
		break;
	case SMPP_HAVE_MESSAGE_STATE:
		assert_int_equal(tl->message_state, json_integer_value(val));
		break;
	case SMPP_HAVE_MESSAGE_PAYLOAD:
		assert_int_equal(tl->message_payload_len, len);
		assert_memory_equal(tl->message_payload, raw, len);
		break;
	case SMPP_HAVE_RECEIPTED_MESSAGE_ID:
		/* By length: Net::SMPP sends no NUL, node-smpp one. */
		assert_string_equal(tl->receipted_message_id,
		    json_string_value(val));
		raw[len] = 0;
		assert_string_equal(tl->receipted_message_id, (char *)raw);
		break;
	}
	free(raw);
}

static void
check_tlvs(json_t *dec, const struct smpp_tlvs *tl)
{
	json_t *tlvs = json_object_get(dec, "tlvs");
	uint32_t want = 0;
	size_t i;
	json_t *t;

	json_array_foreach(tlvs, i, t)
		check_tlv(t, tl, &want);
	/* Nothing decoded that the JSON does not list. */
	assert_int_equal(tl->have, want);
}

/* Re-encodes a decoded fixture; the result must decode to the same. */
static void
check_reencode(const struct smpp_pdu *p, const uint8_t *orig, size_t olen,
    int exact)
{
	uint8_t *buf = malloc(NV_SMPP_PDU_MAX + 64), *copy;
	struct smpp_pdu again;
	const char *cause = "?", *diff;
	uint32_t st;
	int n;

	assert_non_null(buf);
	n = smpp_encode(p, buf, NV_SMPP_PDU_MAX + 64, &cause);
	if (n < 0)
		fail_msg("encode failed: %s", cause);
	copy = malloc((size_t)n);
	assert_non_null(copy);
	memcpy(copy, buf, (size_t)n);
	assert_int_equal(smpp_decode(copy, (size_t)n, &again, &st, &cause),
	    SMPP_DEC_OK);
	diff = tu_pdu_diff(p, &again);
	if (diff != NULL)
		fail_msg("re-encoded fixture differs in %s", diff);
	if (exact) {
		assert_int_equal(n, olen);
		assert_memory_equal(copy, orig, olen);
	}
	free(copy);
	free(buf);
}

static void
test_fixture(void **state)
{
	const struct fixture *fx = *state;
	json_t *dec = json_object_get(fx->entry, "decoded");
	const char *status_name, *cause = "?";
	struct smpp_pdu p;
	uint32_t st = 12345, status;
	size_t len;
	uint8_t *buf = load_pdu(fx->name, &len);
	enum smpp_dec rc;

	assert_non_null(dec);
	assert_int_equal(len, json_integer_value(json_object_get(dec,
	    "command_length")));
	rc = smpp_decode(buf, len, &p, &st, &cause);

	/* The header comes from the raw octets whatever the outcome. */
	status = hexnum(json_object_get(dec, "command_status"));
	assert_int_equal(p.command_length, len);
	assert_int_equal(p.command_id, hexnum(json_object_get(dec,
	    "command_id")));
	assert_int_equal(p.command_status, status);
	assert_int_equal(p.sequence_number, json_integer_value(
	    json_object_get(dec, "sequence_number")));
	assert_string_equal(smpp_cmd_name(p.command_id),
	    json_string_value(json_object_get(dec, "command")));
	status_name = json_string_value(json_object_get(dec, "status_name"));
	if (status >= 0x400 && status <= 0x4ff)
		assert_string_equal(smpp_status_name(status), "vendor");
	else
		assert_string_equal(smpp_status_name(status), status_name);

	if (is_trap(fx->name)) {
		/* ussd_service_op with length 2: refused, not misread. */
		assert_int_equal(rc, SMPP_DEC_BAD_BODY);
		assert_int_equal(st, SMPP_RINVPARLEN);
		assert_string_equal(cause, "tlv_bad_length");
		assert_int_equal(p.tlv.have, 0);
		free(buf);
		return;
	}
	if (rc != SMPP_DEC_OK)
		fail_msg("decode rc=%d status=0x%x cause=%s", rc, st, cause);
	assert_int_equal(st, SMPP_ROK);
	assert_string_equal(cause, "");
	check_mandatory(dec, &p);
	check_short_message(dec, &p);
	check_tlvs(dec, &p.tlv);
	/*
	 * Without TLVs, a PDU that keeps its body must come back octet for
	 * octet: the codec fills no field in and drops none.
	 */
	check_reencode(&p, buf, len, json_object_get(dec, "tlvs") == NULL &&
	    (!tu_header_only(&p) || len == 16));
	free(buf);
}

/* Every .hex file has an entry, every entry a file: no fixture skipped. */
static void
test_fixture_set_complete(void **state)
{
	char path[PATH_MAX];
	DIR *d;
	struct dirent *e;
	size_t nfiles = 0;

	(void)state;
	snprintf(path, sizeof path, "%s/%s", tu_top(), FIXTURE_DIR);
	assert_non_null(d = opendir(path));
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);

		if (n < 4 || strcmp(e->d_name + n - 4, ".hex") != 0)
			continue;
		nfiles++;
		if (json_object_get(expected, e->d_name) == NULL)
			fail_msg("%s has no expected.json entry", e->d_name);
	}
	closedir(d);
	assert_int_equal(nfiles, NFIXTURES);
	assert_int_equal(json_object_size(expected), NFIXTURES);
}

/* Named outcomes the brief singles out, beyond the table. */
static void
test_fixture_specials(void **state)
{
	static const struct {
		const char *name;
		uint32_t status, seq;
		uint8_t ifver;
	} cases[] = {
		{ "nodesmpp-bind_transmitter-v50.hex", 0, 1, 0x50 },
		{ "nodesmpp-bind_transceiver-v50.hex", 0, 1, 0x50 },
		{ "nodesmpp-submit_sm_resp-vendor-0x400.hex", 0x400, 9, 0 },
		{ "netsmpp-submit_sm_resp-vendor-0x400-with-body.hex", 0x400,
		    4, 0 },
		{ "nodesmpp-submit_sm_resp-rthrottled.hex", 0x58, 8, 0 },
		{ "netsmpp-submit_sm_resp-rthrottled-with-body.hex", 0x58,
		    3, 0 },
		{ "nodesmpp-bind_transmitter_resp-rinvpaswd.hex", 0x0e, 1, 0 },
		{ "kannel-generic_nack-seq0-rinvcmdlen.hex", 0x02, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < TU_NELEM(cases); i++) {
		struct smpp_pdu p;
		uint32_t st;
		size_t len;
		uint8_t *buf = load_pdu(cases[i].name, &len);

		assert_int_equal(smpp_decode(buf, len, &p, &st, NULL),
		    SMPP_DEC_OK);
		assert_int_equal(p.command_status, cases[i].status);
		assert_int_equal(p.sequence_number, cases[i].seq);
		if (cases[i].ifver != 0)
			assert_int_equal(p.interface_version, cases[i].ifver);
		free(buf);
	}
}

/*
 * Every fixture cut at every offset, command_length patched to the cut:
 * never a crash or an overread (exact-size blocks), the header always
 * the raw one, a status exactly when the outcome is not OK, and what
 * still decodes re-encodes to the same fields.
 */
static void
test_fixture_prefixes(void **state)
{
	const char *key;
	json_t *v;

	(void)state;
	json_object_foreach(expected, key, v) {
		size_t len;
		uint8_t *whole = load_pdu(key, &len);

		for (size_t k = 16; k < len; k++) {
			uint8_t *b = malloc(k);
			struct smpp_pdu p;
			const char *cause = NULL;
			uint32_t st = 0xdead;
			enum smpp_dec rc;

			assert_non_null(b);
			memcpy(b, whole, k);
			tu_setlen(b, (uint32_t)k);
			rc = smpp_decode(b, k, &p, &st, &cause);
			assert_non_null(cause);
			assert_int_equal(p.command_length, k);
			assert_memory_equal(b + 4, whole + 4, 12);
			assert_int_equal(p.sequence_number, json_integer_value(
			    json_object_get(json_object_get(v, "decoded"),
			    "sequence_number")));
			if (rc == SMPP_DEC_OK) {
				assert_int_equal(st, SMPP_ROK);
				check_reencode(&p, b, k, 0);
			} else {
				assert_true(rc == SMPP_DEC_BAD_BODY ||
				    rc == SMPP_DEC_BAD_RESP);
				assert_true(st != SMPP_ROK && *cause != '\0');
			}
			free(b);
		}
		free(whole);
	}
}

int
main(void)
{
	char path[PATH_MAX];
	json_error_t err;
	struct CMUnitTest *tests;
	struct fixture *fx;
	const char *key;
	json_t *v;
	size_t n = 0;
	int failed;

	/* prove reads TAP; an explicit CMOCKA_MESSAGE_OUTPUT still wins. */
	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);

	snprintf(path, sizeof path, "%s/%s/expected.json", tu_top(),
	    FIXTURE_DIR);
	expected = json_load_file(path, 0, &err);
	if (expected == NULL) {
		/* Still speak TAP so prove reports the failure. */
		printf("1..1\nnot ok 1 - load %s: %s\n", path, err.text);
		return 1;
	}
	tests = calloc(json_object_size(expected) + 3, sizeof *tests);
	fx = calloc(json_object_size(expected), sizeof *fx);
	if (tests == NULL || fx == NULL)
		return 1;
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(
	    test_fixture_set_complete);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_fixture_specials);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_fixture_prefixes);
	json_object_foreach(expected, key, v) {
		fx[n - 3] = (struct fixture){ key, v };
		tests[n] = (struct CMUnitTest){ key, test_fixture, NULL, NULL,
		    &fx[n - 3] };
		n++;
	}
	failed = _cmocka_run_group_tests("codec_fixtures", tests, n, NULL,
	    NULL);
	free(tests);
	free(fx);
	json_decref(expected);
	return failed != 0;
}
