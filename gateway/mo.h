/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What a subscriber sends, made into a message: delivery receipts and
 * USSD releases are answered and counted, MOs to codes the link does not
 * serve are refused, the user data header and SAR TLVs are read, parts
 * of a concatenated SMS are committed to the store, answered and
 * reassembled, and the text is decoded to UTF-8 with the link's reading
 * of data_coding. The handler then gets one message per SMS (however
 * many parts) or per USSD step.
 *
 * No phone number is logged here: lengths, codings and counts only.
 */
#ifndef NV_MO_H
#define NV_MO_H

#include <stdint.h>

#include <event2/event.h>

#include "base/text.h"
#include "mt.h"
#include "profile.h"
#include "smpp_link.h"

struct cfg;
struct logger;
struct mo;
struct reasm_part;
struct store;

enum mo_kind {
	MO_SMS,
	MO_USSD,
};

struct mo_msg {
	enum mo_kind kind;
	enum prof_event ussd_event;	/* MO_USSD: begin, continue, unknown */
	const char *text;		/* UTF-8, NUL-terminated */
	size_t len;
	unsigned bad;			/* characters that became U+FFFD */
	enum text_coding coding;
	unsigned parts;			/* SMS parts it came in */
	int incomplete;			/* some part never came */
	struct mt_addr reply;		/* where a reply goes */
	struct smpp_tlvs ussd;		/* the MO's USSD TLVs, for the reply */
	/*
	 * answer: the carrier waits for the handler's link_respond(l, req,
	 * status), now or after a commit; 0 when it was answered already
	 * (the parts of a concatenated SMS were each committed, then
	 * answered). dedup: an SMS in one part, its retransmission hash.
	 * msg_key: a concatenated SMS, the hash its stored parts go by.
	 */
	int answer;
	struct conn_req req;
	const uint8_t *dedup;
	const uint8_t *msg_key;
};

/* Handles one message (see mo_msg.answer). */
typedef void (*mo_handler)(void *arg, struct link *l, const struct mo_msg *m);

/*
 * Each part of a concatenated SMS is written to s (borrowed) before the
 * carrier is answered, then reassembled.
 */
struct mo *mo_new(struct event_base *base, struct logger *log,
    const struct cfg *cfg, struct store *s, mo_handler fn, void *arg);
/*
 * Stops handing messages to the handler (shutting down): the parts
 * waiting for the rest stay in the database for the next start.
 */
void mo_close(struct mo *mo);
/* Closes, then frees. */
void mo_free(struct mo *mo);

/* A part found in the database at start (already stored): reassembled. */
void mo_resume_part(struct mo *mo, struct link *l, const struct reasm_part *p);

/* The link_cbs.mo callback; arg is the struct mo. */
void mo_receive(struct link *l, const struct smpp_pdu *pdu,
    struct conn_req req, void *arg);

struct mo_stats {
	unsigned long long messages, parts, incomplete, receipts,
	    ussd_releases, refused, bad_udh, undecodable_chars,
	    part_duplicates, part_failures;
};
const struct mo_stats *mo_stats(const struct mo *mo);

#endif
