/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for the SMPP codec (make build/fuzz/fuzz_pdu).
 *
 * For each input: smpp_frame_len on its first 4 octets; smpp_decode on
 * the input as is and with command_length patched to the input size
 * (so the fuzzer reaches the body instead of stopping at the length
 * check); the documented invariants of every outcome; and for every PDU
 * that decodes, the round-trip property: encode, decode the encoding,
 * and every field must be the same, and encoding again must give the
 * same octets. Any violation calls abort() so libFuzzer keeps the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smpp_codec.h"
#include "base/limits.h"
#include "tests/unit/smpp_testutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Room for any re-encoding: a decoded PDU is at most NV_SMPP_PDU_MAX. */
#define ENC_MAX (NV_SMPP_PDU_MAX + 1024u)

static void __attribute__((noreturn))
die(const char *what, const struct smpp_pdu *p, const char *detail)
{
	fprintf(stderr, "fuzz_pdu: %s: %s (command_id=0x%08x %s)\n", what,
	    detail != NULL ? detail : "", p->command_id,
	    smpp_cmd_name(p->command_id));
	abort();
}

static uint32_t
get32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
}

static void
check_frame_len(const uint8_t *data, size_t size)
{
	uint32_t v, len = 0xabcdef;
	int rc;

	if (size < 4)
		return;
	v = get32(data);
	rc = smpp_frame_len(data, &len);
	if ((rc == 0) != (v >= NV_SMPP_PDU_MIN && v <= NV_SMPP_PDU_MAX))
		abort();
	if (rc == 0 ? len != v : len != 0xabcdef)
		abort();
}

/* Strings the caller will print or copy must end inside their array. */
static void
check_strings(const struct smpp_pdu *p)
{
#define TERM(f) if (strnlen(p->f, sizeof p->f) >= sizeof p->f) \
	die("unterminated", p, #f)
	TERM(system_id);
	TERM(password);
	TERM(system_type);
	TERM(address_range);
	TERM(service_type);
	TERM(source_addr);
	TERM(destination_addr);
	TERM(schedule_delivery_time);
	TERM(validity_period);
	TERM(message_id);
	TERM(tlv.receipted_message_id);
#undef TERM
}

/* What smpp_codec.h promises about each outcome. */
static void
check_outcome(const uint8_t *buf, size_t size, enum smpp_dec rc,
    uint32_t st, const char *cause, const struct smpp_pdu *p)
{
	int bad_len = size < NV_SMPP_PDU_MIN || size > NV_SMPP_PDU_MAX ||
	    get32(buf) != size;

	if (cause == NULL)
		die("cause not set", p, NULL);
	if (size >= 16 && (p->command_length != get32(buf) ||
	    p->command_id != get32(buf + 4) ||
	    p->command_status != get32(buf + 8) ||
	    p->sequence_number != get32(buf + 12)))
		die("header not taken from the raw octets", p, NULL);
	if ((rc == SMPP_DEC_BAD_LENGTH) != bad_len)
		die("BAD_LENGTH disagrees with command_length", p, cause);
	switch (rc) {
	case SMPP_DEC_OK:
		if (st != SMPP_ROK || *cause != '\0')
			die("OK with a status or cause", p, cause);
		if (p->sm_length > NV_SMPP_SM_MAX)
			die("sm_length", p, NULL);
		if (p->tlv.message_payload_len > 0 &&
		    (p->tlv.message_payload < buf ||
		    p->tlv.message_payload + p->tlv.message_payload_len >
		    buf + size))
			die("message_payload outside the buffer", p, NULL);
		check_strings(p);
		break;
	case SMPP_DEC_BAD_LENGTH:
		if (st != SMPP_RINVCMDLEN)
			die("BAD_LENGTH status", p, cause);
		break;
	case SMPP_DEC_UNKNOWN:
		if (st != SMPP_RINVCMDID ||
		    strcmp(smpp_cmd_name(p->command_id), "unknown") != 0)
			die("UNKNOWN for a known command", p, cause);
		break;
	case SMPP_DEC_BAD_BODY:
	case SMPP_DEC_BAD_RESP:
		if (st == SMPP_ROK || *cause == '\0')
			die("bad body without a status or cause", p, cause);
		if (((p->command_id & SMPP_RESP_BIT) != 0) !=
		    (rc == SMPP_DEC_BAD_RESP))
			die("BAD_BODY/BAD_RESP mixed up", p, cause);
		break;
	default:
		die("unknown outcome", p, cause);
	}
	if (rc != SMPP_DEC_OK && p->tlv.have != 0)
		die("TLVs handed out with a failure", p, cause);
}

/* Encodes p into a fresh exactly sized block; NULL when refused. */
static uint8_t *
encode(const struct smpp_pdu *p, size_t *n, const char **cause)
{
	static uint8_t enc[ENC_MAX];
	uint8_t *out;
	int m = smpp_encode(p, enc, sizeof enc, cause);

	if (m < 0)
		return NULL;
	if (m < 16 || get32(enc) != (uint32_t)m)
		die("encoding has a wrong command_length", p, NULL);
	out = malloc((size_t)m);
	if (out == NULL)
		abort();
	memcpy(out, enc, (size_t)m);
	*n = (size_t)m;
	return out;
}

static void
check_roundtrip(const struct smpp_pdu *p, size_t in_size)
{
	struct smpp_pdu again, third;
	const char *cause = "", *diff;
	uint8_t *e1, *e2;
	size_t n1, n2;
	uint32_t st;

	e1 = encode(p, &n1, &cause);
	if (e1 == NULL) {
		/*
		 * Known refusals: libsmpp34 packs at most 253 octets of
		 * short_message (254 decodes), and a PDU of NV_SMPP_PDU_MAX
		 * grows by the NUL receipted_message_id gains.
		 */
		if (strcmp(cause, "short_message_too_long") == 0 &&
		    p->sm_length == NV_SMPP_SM_MAX)
			return;
		if (strcmp(cause, "pdu_too_long") == 0 &&
		    in_size + 1 > NV_SMPP_PDU_MAX &&
		    (p->tlv.have & SMPP_HAVE_RECEIPTED_MESSAGE_ID))
			return;
		die("decoded PDU cannot be encoded", p, cause);
	}
	if (smpp_decode(e1, n1, &again, &st, &cause) != SMPP_DEC_OK)
		die("own encoding does not decode", p, cause);
	if ((diff = tu_pdu_diff(p, &again)) != NULL)
		die("round trip changed a field", p, diff);
	/* Encoding is a function of the fields: same fields, same octets. */
	e2 = encode(&again, &n2, &cause);
	if (e2 == NULL)
		die("re-encoding refused", p, cause);
	if (n1 != n2 || memcmp(e1, e2, n1) != 0)
		die("encoding not stable", p, NULL);
	if (smpp_decode(e2, n2, &third, &st, &cause) != SMPP_DEC_OK ||
	    tu_pdu_diff(&again, &third) != NULL)
		die("second round trip", p, NULL);
	free(e1);
	free(e2);
}

static void
run(const uint8_t *buf, size_t size)
{
	struct smpp_pdu p;
	const char *cause = NULL;
	uint32_t st = 0xdeadbeef;
	enum smpp_dec rc;

	rc = smpp_decode(buf, size, &p, &st, &cause);
	check_outcome(buf, size, rc, st, cause, &p);
	if (rc == SMPP_DEC_OK)
		check_roundtrip(&p, size);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy;

	check_frame_len(data, size);
	/* As received: mostly a length mismatch. */
	run(data, size);
	if (size < 4 || size > NV_SMPP_PDU_MAX + 1)
		return 0;
	/* With command_length made right, in an exactly sized block. */
	copy = malloc(size);
	if (copy == NULL)
		abort();
	memcpy(copy, data, size);
	tu_setlen(copy, (uint32_t)size);
	run(copy, size);
	free(copy);
	return 0;
}
