/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The simulator's own table of USSD-over-SMPP dialects: which TLV
 * carries the session, and the ussd_service_op values a carrier's USSD
 * gateway sends (begin, continue, abort) and expects back (continue,
 * end). Written from the cited sources in shared/domain/smpp-anchors.md
 * §B and never shared with the daemon's carrier profiles, so that a
 * misread dialect cannot cancel itself out in a test.
 */
#ifndef NV_SIM_DIALECT_H
#define NV_SIM_DIALECT_H

#include <stddef.h>
#include <stdint.h>

#include "smpp_codec.h"

struct sim_dialect;

/* Where the session key travels. */
enum sim_key {
	SIM_KEY_ITS,		/* its_session_info octet 1 (0..255) */
	SIM_KEY_ITS15,		/* its_session_info: 15-bit dialog id, end bit */
	SIM_KEY_UMR,		/* user_message_reference (0..65535) */
};

/* What the simulated handset does in one USSD step. */
enum sim_ussd_step {
	SIM_USSD_BEGIN,
	SIM_USSD_CONTINUE,
	SIM_USSD_ABORT,
};

/* What an MT means for the dialogue. */
enum sim_verdict {
	SIM_MT_CONTINUE,
	SIM_MT_END,
	SIM_MT_ERROR,		/* protocol error: reason in the text */
};

/* One dialogue as the handset side sees it. */
struct sim_ussd_sess {
	uint16_t id;		/* its session number, dialog id or umr */
	uint8_t seq;		/* its_session_info sequence (7 bits) */
	uint8_t open;
};

/* Finds a dialect by name; NULL if unknown. */
const struct sim_dialect *sim_dialect_find(const char *name);

/* The default dialect (its_session_info). */
const struct sim_dialect *sim_dialect_default(void);

const char *sim_dialect_name(const struct sim_dialect *d);

/* Writes "name1, name2, ..." for help texts. */
void sim_dialect_list(char *out, size_t size);

/* Largest session id the dialect can carry. */
uint16_t sim_dialect_max_id(const struct sim_dialect *d);

/*
 * Fills the USSD TLVs (ussd_service_op and the session TLV) of an MO
 * for one step of session s, and advances s->seq for the next step.
 */
void sim_dialect_mo(const struct sim_dialect *d, struct sim_ussd_sess *s,
    enum sim_ussd_step step, struct smpp_tlvs *tlv);

/*
 * Classifies an MT's USSD TLVs: 0x02 continue, 0x11 end, the end bit
 * (where the dialect has one) also ends; anything else is an error.
 * *id receives the session key (-1 if the TLV is missing). why gets a
 * short reason for an error ("" otherwise).
 */
enum sim_verdict sim_dialect_classify(const struct sim_dialect *d,
    const struct smpp_tlvs *tlv, long *id, char *why, size_t whysz);

/* Copies the session TLVs of an MO into a reply (echo ESME), end set. */
void sim_dialect_echo(const struct smpp_tlvs *mo, int end,
    struct smpp_tlvs *reply);

const char *sim_verdict_name(enum sim_verdict v);

#endif
