/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What numvertd sends to a subscriber: a UTF-8 text, encoded as the
 * link wants (GSM-7 when it fits, UCS-2 otherwise, or forced), split into
 * SMS parts (UDH, SAR or message_payload), or fitted to one USSD screen,
 * and queued on the link: all parts or none.
 */
#ifndef NV_MT_H
#define NV_MT_H

#include <stdint.h>

#include "smpp_codec.h"

struct fallback;
struct link;
struct logger;

/* Where a reply goes: the MO's source, from the MO's destination. */
struct mt_addr {
	char to[21];
	uint8_t to_ton, to_npi;
	char from[21];
	uint8_t from_ton, from_npi;
	char service_type[6];
};

enum mt_kind {
	MT_SMS,
	MT_USSD,
};

enum mt_result {
	MT_QUEUED,
	MT_QUEUE_FULL,		/* temporary: the caller refuses the MO */
	MT_TOO_LONG,		/* more than max_parts, or than a USSD screen */
	MT_BAD_TEXT,		/* not valid UTF-8 */
};

struct mt_req {
	const struct mt_addr *to;
	enum mt_kind kind;
	const char *text;		/* UTF-8, NUL-terminated */
	const char *lang;		/* for the GSM-7 fallback renderings */
	const struct smpp_tlvs *ussd;	/* MT_USSD: the dialogue's TLVs */
	/* Given to link_cbs.mt_done as each queued part ends; NULL for none. */
	void *owner;
	/* For every part: see link_mt.attempts and link_mt.delay_ms. */
	unsigned attempts;
	uint32_t delay_ms;
};

/*
 * Encodes and queues r->text. For MT_USSD, ussd holds the dialogue's
 * TLVs (op code, session) and the text must fit one screen. fb gives the
 * GSM-7 renderings when the link forces GSM-7. Logs a refusal. On
 * MT_QUEUED, *parts (may be NULL) says how many messages went into the
 * link's queue: the owner hears that many endings.
 */
enum mt_result mt_send(struct link *l, struct logger *log,
    const struct fallback *fb, const struct mt_req *r, unsigned *parts);

#endif
