/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Messages as the simulated handsets see them: building MO PDUs (SMS
 * and USSD steps) and reading MT PDUs back into text, with concatenated
 * SMS (UDH IEI 0x00 and 0x08, SAR TLVs) joined and every part decoded
 * on its own, so that a split that cuts an escape sequence or a
 * surrogate pair shows up as an error.
 */
#ifndef NV_SIM_MSG_H
#define NV_SIM_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "smpp_codec.h"
#include "sim/sim_dialect.h"
#include "sim/sim_text.h"

/* Encoded octets of one MO (short_message up to 253, else payload). */
#define SIM_MO_MAX 1024u

/* UTF-8 octets of one MT after joining its parts. */
#define SIM_MT_TEXT_MAX 8192u

/* An MO that owns its octets; copy it freely, then use sim_mo_pdu(). */
struct sim_mo {
	struct smpp_pdu pdu;
	uint8_t payload[SIM_MO_MAX];
	uint32_t payload_len;
};

/* An MT as read. */
struct sim_mt {
	char to[65];		/* destination: the handset (data_sm: 64) */
	char from[21];		/* source: the short code */
	int ussd;		/* carries ussd_service_op */
	enum sim_verdict verdict;
	long sess_id;		/* -1: no session TLV */
	uint8_t op;
	uint8_t dc;
	unsigned parts;
	char why[96];		/* protocol or decoding error, else "" */
	char text[SIM_MT_TEXT_MAX];
};

/* Message settings shared by MO builders. */
struct sim_mo_opts {
	enum sim_enc enc;
	uint8_t gsm7_dc;	/* data_coding announced for GSM-7 */
};

/*
 * Builds an SMS MO from msisdn from to short code to. Returns 0, or -1
 * with *err (bad address, unencodable or too long text).
 */
int sim_mo_sms(struct sim_mo *mo, const struct sim_mo_opts *o,
    const char *from, const char *to, const char *utf8, const char **err);

/*
 * Builds one USSD step for session s of dialect d. service is the
 * destination (the service code's digits, "384" for *384#); text is
 * the dialled string or the answer ("" for an abort).
 */
int sim_mo_ussd(struct sim_mo *mo, const struct sim_mo_opts *o,
    const struct sim_dialect *d, struct sim_ussd_sess *s,
    enum sim_ussd_step step, const char *from, const char *service,
    const char *utf8, const char **err);

/* The PDU to send, with message_payload pointing into mo itself. */
struct smpp_pdu *sim_mo_pdu(struct sim_mo *mo);

/*
 * The service code's digits of a dialled string ("*384*2#" -> "384").
 * Returns 0, or -1 if s is not a USSD string (*digits...#).
 */
int sim_ussd_service(const char *s, char *out, size_t size);

/* 1 if s looks like a USSD string to dial: starts "*", ends "#". */
int sim_is_ussd_string(const char *s);

struct sim_reasm;

struct sim_reasm *sim_reasm_new(void);
void sim_reasm_free(struct sim_reasm *r);

/* Concatenated messages still missing parts. */
unsigned sim_reasm_pending(const struct sim_reasm *r);

/*
 * Reads an MT. USSD MTs are classified with dialect d. Returns 1 when
 * mt holds a whole message (mt->why non-empty on any error), 0 when a
 * part was stored and the message is not complete yet.
 */
int sim_mt_read(struct sim_reasm *r, const struct sim_dialect *d,
    const struct smpp_pdu *pdu, struct sim_mt *mt);

#endif
