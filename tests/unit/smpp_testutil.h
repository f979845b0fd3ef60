/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Helpers shared by the codec unit tests and the PDU fuzz target: a PDU
 * builder that writes raw octets (so tests can produce what no encoder
 * would), hex and file loading, and a field-by-field comparison of two
 * decoded PDUs. Everything is static inline so each test binary links
 * only what it uses and -Wunused-function stays quiet.
 */
#ifndef NV_SMPP_TESTUTIL_H
#define NV_SMPP_TESTUTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smpp_codec.h"
#include "base/limits.h"

#define TU_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Room for the largest hostile PDU the tests build (1,000 TLVs fit). */
#define TU_CAP (4u * NV_SMPP_PDU_MAX)

/* A raw PDU under construction; aborts rather than overflow. */
struct tu_pdu {
	uint8_t *b;
	size_t len;
};

static inline void
tu_need(const struct tu_pdu *p, size_t n)
{
	if (p->len + n > TU_CAP) {
		fprintf(stderr, "tu_pdu: builder overflow\n");
		abort();
	}
}

static inline void
tu_put8(struct tu_pdu *p, uint8_t v)
{
	tu_need(p, 1);
	p->b[p->len++] = v;
}

static inline void
tu_put16(struct tu_pdu *p, uint16_t v)
{
	tu_put8(p, (uint8_t)(v >> 8));
	tu_put8(p, (uint8_t)v);
}

static inline void
tu_put32(struct tu_pdu *p, uint32_t v)
{
	tu_put16(p, (uint16_t)(v >> 16));
	tu_put16(p, (uint16_t)v);
}

static inline void
tu_putraw(struct tu_pdu *p, const void *v, size_t n)
{
	tu_need(p, n);
	if (n > 0)
		memcpy(p->b + p->len, v, n);
	p->len += n;
}

/* A C-octet string: the characters and their NUL. */
static inline void
tu_putstr(struct tu_pdu *p, const char *s)
{
	tu_putraw(p, s, strlen(s) + 1);
}

static inline void
tu_puttlv(struct tu_pdu *p, uint16_t tag, const void *v, uint16_t n)
{
	tu_put16(p, tag);
	tu_put16(p, n);
	tu_putraw(p, v, n);
}

/* Starts a PDU: command_length is patched by tu_end(). */
static inline void
tu_begin(struct tu_pdu *p, uint32_t id, uint32_t status, uint32_t seq)
{
	p->b = calloc(1, TU_CAP);
	if (p->b == NULL)
		abort();
	p->len = 0;
	tu_put32(p, 0);
	tu_put32(p, id);
	tu_put32(p, status);
	tu_put32(p, seq);
}

static inline void
tu_setlen(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

/*
 * Finishes the PDU and returns an exactly sized heap copy, so that
 * AddressSanitizer flags any read past its end. The caller frees it.
 */
static inline uint8_t *
tu_end(struct tu_pdu *p, size_t *len)
{
	uint8_t *out = malloc(p->len > 0 ? p->len : 1);

	if (out == NULL)
		abort();
	tu_setlen(p->b, (uint32_t)p->len);
	memcpy(out, p->b, p->len);
	*len = p->len;
	free(p->b);
	p->b = NULL;
	return out;
}

/* The mandatory part of a deliver_sm/submit_sm (times empty). */
static inline void
tu_sm_body(struct tu_pdu *p, const char *src, const char *dst,
    const void *sm, uint8_t sm_len)
{
	tu_putstr(p, "USSD");
	tu_put8(p, 1);
	tu_put8(p, 1);
	tu_putstr(p, src);
	tu_put8(p, 0);
	tu_put8(p, 1);
	tu_putstr(p, dst);
	tu_put8(p, 0);		/* esm_class */
	tu_put8(p, 0);		/* protocol_id */
	tu_put8(p, 0);		/* priority_flag */
	tu_putstr(p, "");	/* schedule_delivery_time */
	tu_putstr(p, "");	/* validity_period */
	tu_put8(p, 0);		/* registered_delivery */
	tu_put8(p, 0);		/* replace_if_present_flag */
	tu_put8(p, 0x08);	/* data_coding */
	tu_put8(p, 0);		/* sm_default_msg_id */
	tu_put8(p, sm_len);
	tu_putraw(p, sm, sm_len);
}

static inline int
tu_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes lowercase or uppercase hex into out. Returns octets or -1. */
static inline long
tu_unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = strlen(hex);

	if (n % 2 != 0 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = tu_hexval(hex[2 * i]), lo = tu_hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(n / 2);
}

/* Reads a whole file into a NUL-terminated heap buffer, or NULL. */
static inline char *
tu_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (f == NULL)
		return NULL;
	for (;;) {
		size_t got;

		if (cap - n < 4096) {
			char *nb = realloc(buf, cap + 65536);

			if (nb == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap += 65536;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

/* The repository root: $NV_TOP or ".". */
static inline const char *
tu_top(void)
{
	const char *t = getenv("NV_TOP");

	return t != NULL && *t != '\0' ? t : ".";
}

/* Whether a decoded PDU is header-only by the codec's rules. */
static inline int
tu_header_only(const struct smpp_pdu *p)
{
	return (p->command_id & SMPP_RESP_BIT) &&
	    (p->command_status != SMPP_ROK ||
	    p->command_id == SMPP_GENERIC_NACK);
}

#define TU_NUM(f) do { if (a->f != b->f) return #f; } while (0)
#define TU_STR(f) do { \
	if (strncmp(a->f, b->f, sizeof a->f) != 0) return #f; } while (0)

static inline const char *
tu_tlv_diff(const struct smpp_tlvs *a, const struct smpp_tlvs *b)
{
	TU_NUM(have);
	if (a->have & SMPP_HAVE_USSD_SERVICE_OP)
		TU_NUM(ussd_service_op);
	if ((a->have & SMPP_HAVE_ITS_SESSION_INFO) &&
	    memcmp(a->its_session_info, b->its_session_info, 2) != 0)
		return "its_session_info";
	if (a->have & SMPP_HAVE_USER_MESSAGE_REFERENCE)
		TU_NUM(user_message_reference);
	if (a->have & SMPP_HAVE_SAR_MSG_REF_NUM)
		TU_NUM(sar_msg_ref_num);
	if (a->have & SMPP_HAVE_SAR_TOTAL_SEGMENTS)
		TU_NUM(sar_total_segments);
	if (a->have & SMPP_HAVE_SAR_SEGMENT_SEQNUM)
		TU_NUM(sar_segment_seqnum);
	if (a->have & SMPP_HAVE_SC_INTERFACE_VERSION)
		TU_NUM(sc_interface_version);
	if (a->have & SMPP_HAVE_MORE_MESSAGES_TO_SEND)
		TU_NUM(more_messages_to_send);
	if (a->have & SMPP_HAVE_MESSAGE_STATE)
		TU_NUM(message_state);
	if (a->have & SMPP_HAVE_RECEIPTED_MESSAGE_ID)
		TU_STR(receipted_message_id);
	if (a->have & SMPP_HAVE_MESSAGE_PAYLOAD) {
		TU_NUM(message_payload_len);
		if (a->message_payload_len > 0 &&
		    memcmp(a->message_payload, b->message_payload,
		    a->message_payload_len) != 0)
			return "message_payload";
	}
	return NULL;
}

/*
 * Compares the fields meaningful for a's command. Returns NULL when they
 * match, else the name of the first field that differs. command_length
 * is not compared: a re-encoding may be shorter (unknown TLVs dropped,
 * error bodies dropped) or longer (a NUL added to receipted_message_id).
 */
static inline const char *
tu_pdu_diff(const struct smpp_pdu *a, const struct smpp_pdu *b)
{
	TU_NUM(command_id);
	TU_NUM(command_status);
	TU_NUM(sequence_number);
	if (tu_header_only(a))
		return NULL;
	switch (a->command_id) {
	case SMPP_BIND_RECEIVER:
	case SMPP_BIND_TRANSMITTER:
	case SMPP_BIND_TRANSCEIVER:
		TU_STR(system_id);
		TU_STR(password);
		TU_STR(system_type);
		TU_NUM(interface_version);
		TU_NUM(addr_ton);
		TU_NUM(addr_npi);
		TU_STR(address_range);
		break;
	case SMPP_BIND_RECEIVER_RESP:
	case SMPP_BIND_TRANSMITTER_RESP:
	case SMPP_BIND_TRANSCEIVER_RESP:
		TU_STR(system_id);
		break;
	case SMPP_OUTBIND:
		TU_STR(system_id);
		TU_STR(password);
		break;
	case SMPP_SUBMIT_SM:
	case SMPP_DELIVER_SM:
		TU_STR(service_type);
		TU_NUM(source_addr_ton);
		TU_NUM(source_addr_npi);
		TU_STR(source_addr);
		TU_NUM(dest_addr_ton);
		TU_NUM(dest_addr_npi);
		TU_STR(destination_addr);
		TU_NUM(esm_class);
		TU_NUM(protocol_id);
		TU_NUM(priority_flag);
		TU_STR(schedule_delivery_time);
		TU_STR(validity_period);
		TU_NUM(registered_delivery);
		TU_NUM(replace_if_present_flag);
		TU_NUM(data_coding);
		TU_NUM(sm_default_msg_id);
		TU_NUM(sm_length);
		if (memcmp(a->short_message, b->short_message,
		    a->sm_length) != 0)
			return "short_message";
		break;
	case SMPP_DATA_SM:
		TU_STR(service_type);
		TU_NUM(source_addr_ton);
		TU_NUM(source_addr_npi);
		TU_STR(source_addr);
		TU_NUM(dest_addr_ton);
		TU_NUM(dest_addr_npi);
		TU_STR(destination_addr);
		TU_NUM(esm_class);
		TU_NUM(registered_delivery);
		TU_NUM(data_coding);
		break;
	case SMPP_SUBMIT_SM_RESP:
	case SMPP_DATA_SM_RESP:
		TU_STR(message_id);
		break;
	default:
		break;
	}
	return tu_tlv_diff(&a->tlv, &b->tlv);
}

#undef TU_NUM
#undef TU_STR

#endif
