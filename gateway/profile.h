/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Carrier USSD profiles: how one carrier's USSD gateway maps a USSD
 * dialogue onto SMPP. There is no single standard (domain/smpp-anchors.md
 * §B.3), so every number is written out here, in hexadecimal with its
 * decimal value beside it: vumi's processors show how easily 0x11 and 11
 * get confused.
 */
#ifndef NV_PROFILE_H
#define NV_PROFILE_H

#include <stdint.h>

#include "smpp_codec.h"

/* Where the dialogue key comes from. */
enum prof_key {
	/*
	 * its_session_info (TIA/EIA-637): octet 1 is the session number;
	 * octet 2 holds a sequence number (bits 7..1) that changes at every
	 * step and the end bit (bit 0): the dialogue is octet 1.
	 */
	PROF_KEY_ITS_SESSION_INFO,
	/* 6D: a 15-bit dialogue id across both octets, end bit masked. */
	PROF_KEY_ITS_SESSION_ID16,
	PROF_KEY_USER_MESSAGE_REFERENCE,
	PROF_KEY_SOURCE_ADDR,		/* one dialogue per subscriber */
};

/* What an MO means within a dialogue. */
enum prof_event {
	PROF_NOT_USSD,		/* no ussd_service_op: an SMS */
	PROF_BEGIN,		/* the subscriber dialled the code */
	PROF_CONTINUE,		/* the subscriber answered a screen */
	PROF_ABORT,		/* released by the subscriber or the network */
	PROF_UNKNOWN,		/* an op code this profile does not list */
};

/* Where the first MO of a dialogue carries what the subscriber dialled
 * ("*384#", "*384*123456789#"). */
enum prof_dialled {
	PROF_DIALLED_TEXT,	/* short_message (vumi: ussd_code_pdu_field
				 * default "short_message") */
	PROF_DIALLED_DEST,	/* destination_addr */
};

struct ussd_profile {
	const char *name;
	const char *source;	/* where the numbers come from */
	enum prof_key key;
	uint8_t op_begin;
	uint8_t op_continue;
	uint8_t op_abort;	/* 0: the profile has no abort op code */
	uint8_t op_reply_continue;
	uint8_t op_reply_end;
	int end_bit;		/* its_session_info bit 0 marks the end */
	enum prof_dialled dialled;
};

unsigned prof_count(void);
const struct ussd_profile *prof_get(unsigned idx);
/* Returns the index of the named profile, or -1. */
int prof_find(const char *name);

/* Classifies an MO by its TLVs. */
enum prof_event prof_classify(const struct ussd_profile *p,
    const struct smpp_tlvs *t);

/*
 * Sets the TLVs of a reply in the dialogue of mo: the op code of a
 * continuing or a final screen and the session TLVs echoed as the
 * profile wants them.
 */
void prof_reply_tlvs(const struct ussd_profile *p, const struct smpp_tlvs *mo,
    int final, struct smpp_tlvs *out);

#endif
