/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The live USSD dialogues: a bounded in-memory table the menu engine
 * drives, one entry per open dialogue, keyed by the link it came on and
 * the session key the carrier's USSD dialect gives (gateway/profile.h).
 *
 * A session holds what answering the next screen needs and nothing
 * more: the menu engine's state, the subscriber's pseudonym (rate
 * limits) and the reply address. The reply address holds the number:
 * it lives only while the dialogue is open, is wiped the moment the
 * session ends, however it ends, and is never logged. Nothing here is
 * written to disk.
 *
 * Every session has a guard timer (the carrier's USSD gateway gives up
 * on a silent dialogue; default 180 s, DESIGN §4). When it fires, the
 * expire callback sees the session once, whole, before it is wiped, so
 * that the engine can keep an IED or attack partial as a report.
 *
 * All operations are O(1): a hash table over a slab allocated once, and
 * per guard duration a FIFO list ordered by deadline (see session.c).
 */
#ifndef NV_SESSION_H
#define NV_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "base/limits.h"
#include "menus/menu.h"
#include "mt.h"
#include "profile.h"
#include "smpp_tlv.h"

struct logger;
struct sess;
struct sess_table;

/* The guard when the profile or link gives none (DESIGN §4). */
#define SESS_GUARD_DEFAULT_MS 180000u

#define SESS_PSEUDO_LEN 16	/* = PSEUDO_LEN (routing/pseudo.h) */

/*
 * A dialogue's key. link: the index of the link it came on (dialogue
 * ids are per carrier gateway, so the same octets on two links are two
 * dialogues). k: len octets from the dialect; only those are compared
 * and hashed.
 */
struct sess_key {
	uint16_t link;
	uint8_t len;		/* 1..NV_SESS_KEY_MAX */
	uint8_t k[NV_SESS_KEY_MAX];
};

/*
 * Builds the key of the dialogue an MO belongs to under profile p:
 *   its_session_info (NowSMS, vumi default): octet 1 only, since octet 2
 *     carries a per-step sequence number and the end bit;
 *   sixdee: both octets with the end bit masked (15-bit dialogue id);
 *   user_message_reference (Mica): its 2 octets;
 *   source address: the subscriber's pseudonym (never the number).
 * The first three are followed by the pseudonym when there is one: a
 * dialogue id is unique per subscriber, not per link (one octet of
 * its_session_info gives 256). Returns 0, or -1 when the MO lacks the
 * TLV the dialect keys on.
 */
int sess_key_make(struct sess_key *out, uint16_t link,
    const struct ussd_profile *p, const struct smpp_tlvs *t,
    const uint8_t pseudonym[SESS_PSEUDO_LEN]);

/*
 * What the dialogue driver (gateway/dialog.c) keeps per session: the
 * menu engine's state, the menu the session began with (a reference,
 * so a reload drops nobody), free text the citizen typed (allocated,
 * wiped and freed by the driver, which the expire callback lets do so
 * however the session ends), and the case being followed. Zeroed at
 * begin.
 */
struct sess_state {
	struct menu_state ms;
	struct menu *menu;
	char *text;
	uint16_t text_len;
	uint8_t waiting;	/* a write for it is under way */
	int64_t case_id;	/* the case followed, 0 none */
	uint8_t case_question;	/* it had an operator's question */
	char code[10];		/* the case code its report will get
				 * (CC_LEN + 1), shown early on IED and
				 * attack screens */
};

enum sess_reason {
	SESS_DONE,		/* the engine sent the final screen */
	SESS_ABORT,		/* released by the subscriber or network */
	SESS_TIMEOUT,		/* the guard timer fired */
	SESS_REPLACED,		/* a new begin came with the same key */
	SESS_SHUTDOWN,		/* the table was freed */
};

/*
 * Called for the endings the engine did not ask for (SESS_TIMEOUT,
 * SESS_REPLACED, SESS_SHUTDOWN), before the session is wiped. The session is already
 * out of the table (sess_find no longer returns it); the callback may
 * read its state, key, pseudonym and reply address, and may begin,
 * find, touch and end other sessions. sess_end and sess_touch on s
 * itself are ignored.
 */
typedef void (*sess_expire_fn)(void *arg, struct sess *s,
    enum sess_reason why);

/*
 * A table of at most max sessions (1..NV_SESS_MAX); its slab is
 * allocated at once but pages are touched only as sessions use them.
 * on_expire may be NULL. log is borrowed.
 */
struct sess_table *sess_new(struct event_base *base, struct logger *log,
    unsigned max, sess_expire_fn on_expire, void *arg);
/* Ends every session (the callback sees SESS_SHUTDOWN), wipes, frees. */
void sess_free(struct sess_table *t);

/*
 * Opens a dialogue with a fresh zeroed state and a guard of guard_ms
 * (1..NV_SESS_GUARD_MAX_MS). An open dialogue with the same key is
 * ended first as SESS_REPLACED (the callback sees it). Returns NULL
 * when the table is full (the caller answers "busy"), when guard_ms is
 * out of range, or when NV_SESS_GUARDS_MAX other durations are in use.
 */
struct sess *sess_begin(struct sess_table *t, const struct sess_key *key,
    const uint8_t pseudonym[SESS_PSEUDO_LEN], const struct mt_addr *reply,
    uint32_t guard_ms);

/* The open dialogue with this key, or NULL. */
struct sess *sess_find(struct sess_table *t, const struct sess_key *key);

/*
 * Re-arms the guard to guard_ms from now (after each step). Returns 0,
 * or -1 (guard unchanged) when guard_ms is out of range or a new
 * duration finds no free guard list.
 */
int sess_touch(struct sess *s, uint32_t guard_ms);

/* Ends the dialogue and wipes it; s is invalid afterwards. */
void sess_end(struct sess_table *t, struct sess *s, enum sess_reason why);

struct sess_state *sess_state(struct sess *s);
const struct mt_addr *sess_reply(const struct sess *s);
const uint8_t *sess_pseudonym(const struct sess *s);
const struct sess_key *sess_key(const struct sess *s);
/* A serial number for log lines: says nothing about the subscriber. */
uint32_t sess_serial(const struct sess *s);

size_t sess_count(const struct sess_table *t);

struct sess_stats {
	unsigned long long begun, full, replaced, done, aborted, timeouts,
	    expiry_yields;	/* callbacks that hit the expiry budget */
};
const struct sess_stats *sess_stats(const struct sess_table *t);

/* Octets one session slot takes (without its share of the buckets). */
size_t sess_slot_size(void);
/* Octets the table allocated: itself, its slab and its buckets. */
size_t sess_octets(const struct sess_table *t);

/*
 * For tests and audits: how many times the octets needle[0..len)
 * occur anywhere in the table's slab. After a session ends, its reply
 * address must occur nowhere.
 */
size_t sess_scan(const struct sess_table *t, const void *needle, size_t len);

#endif
