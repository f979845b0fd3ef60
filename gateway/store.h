/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What numvertd writes, and when it may answer: the bridge between the
 * event loop and the database writer. Each operation seals what must be
 * sealed (a narrative, a waiting part, an outbox message with its
 * destination) with the store key, bound to its row and key id, writes
 * it in the writer's next group, and completes on the loop after the
 * commit returned: only then is the carrier acknowledged and a reply
 * sent. A failed write completes STORE_FAILED: the carrier gets a
 * temporary error and delivers the MO again.
 */
#ifndef NV_STORE_H
#define NV_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "base/reasm.h"
#include "db/db.h"
#include "mt.h"
#include "smpp_codec.h"

struct cfg;
struct keys;
struct logger;
struct store;

enum store_result {
	STORE_OK,		/* committed */
	STORE_DUPLICATE,	/* a retransmission: nothing new written */
	STORE_FAILED,		/* not written: answer with a temporary error */
	STORE_CASE_TAKEN,	/* the report's case_hash is another report's
				 * (reports.case_hash is UNIQUE): nothing
				 * written; draw a new code and call again */
};

/* An SMS conversation's row key (store_conv_key) and what it is made
 * of: a pseudonym (PSEUDO_LEN, routing/pseudo.h; checked equal). */
#define STORE_CONV_KEY_LEN DB_HASH_LEN
#define STORE_PSEUDO_LEN 16

/*
 * Runs on the loop after the commit. mt_id is the outbox row of the
 * reply (0 if none); report_id the report written (0 if none).
 */
typedef void (*store_done_fn)(void *arg, enum store_result r,
    int64_t report_id, int64_t mt_id);

/* A report to write. Strings are copied. */
/* Where routing sent a report (routing/route.h, gateway/intake.h).
 * Equal to ROUTE_QUEUES_MAX (6: a road axis report reaches up to four
 * regions and a national queue), so no queue of a route is dropped;
 * gateway/app.c checks it at compile time. */
#define STORE_QUEUES_MAX 6
struct store_route {
	const char *region, *cercle, *commune;	/* ids, or NULL */
	const char *axis;			/* road axis id, or NULL */
	const char *queues[STORE_QUEUES_MAX];	/* the first is the main one */
	unsigned nqueues;
	int urgent;
	const char *flags;		/* NULL or "" for none */
	/* The counted-once mark of its sender in its cell and epoch; NULL
	 * when there is no sender to count (the report counts). */
	const uint8_t *mark;
	int64_t epoch;
};

struct store_report {
	const char *link;
	const char *channel;		/* "sms" or "ussd" */
	const char *category;
	const char *text;		/* the narrative (UTF-8); may be empty */
	size_t len;
	int incomplete;
	/* The MO's deduplication hash, or NULL (parts were each checked). */
	const uint8_t *dedup;
	/* The reassembly key hash of a completed concatenated SMS, whose
	 * waiting parts are deleted in the same transaction; or NULL. */
	const uint8_t *msg_key;
	const struct store_route *route;	/* NULL: no region, no queue */
	const char *lang;		/* menu language id, or NULL */
	/* The keyed hash of the case code the citizen is given (cc_hash,
	 * routing/casecode.h): NULL or DB_HASH_LEN octets. */
	const uint8_t *case_hash;
	/* The menus' answers, NULL when skipped (db.h: struct db_report);
	 * ids of at most STORE_ID_MAX - 1 octets. */
	const char *weapon, *weapon_count, *involved;
	int partial;		/* a USSD dialogue cut after category and
				 * region of an urgent category */
	/* The SMS conversation that ends in this report (store_conv_key):
	 * NULL or STORE_CONV_KEY_LEN octets; its row is deleted in the same
	 * transaction. */
	const uint8_t *conv_key;
	/* With conv_key: the row's new state (sealed like store_conv_put's)
	 * instead of its deletion, in the same transaction: what an ended
	 * conversation keeps (gateway/dialog_conv.c, a tombstone). NULL:
	 * the row is deleted. */
	const void *conv_state;
	size_t conv_len;		/* at most NV_CONV_STATE_MAX */
	int64_t conv_expires;
};

/* Room for an id of the menus or the routing data (NV_ROUTE_ID_MAX). */
#define STORE_ID_MAX 64

/* A reply to put in the outbox. */
struct store_mt {
	const char *link;
	struct mt_addr to;
	const char *text;		/* UTF-8 */
	const char *lang;
	unsigned attempts;		/* temporary failures so far */
	int64_t next_attempt;		/* unix time: not before */
};

/*
 * What was left in the database at start: every waiting part (to
 * reassemble again) and every queued outbox message (to send again),
 * opened, in the order written. The pointers live during the call only.
 */
struct store_resume {
	void (*part)(void *arg, const char *link, const struct reasm_part *p);
	void (*mt)(void *arg, int64_t id, const struct store_mt *m);
	void *arg;
	/* Optional (NULL: the rows stay for the next start): every SMS
	 * conversation not yet expired, its state opened. */
	void (*conv)(void *arg, const uint8_t key[STORE_CONV_KEY_LEN],
	    const void *state, size_t len, int64_t expires);
};

/*
 * Takes db (opened by the caller, who closes it after store_free), reads
 * what was left in it (see store_replay), then starts the writer on it.
 * ks is borrowed. Returns NULL with *cause if the database cannot be
 * read or a sealed row does not open with the keys.
 */
struct store *store_new(struct event_base *base, struct logger *log,
    struct db *db, const struct keys *ks, const struct cfg *cfg,
    char **cause);
/* Hands what store_new found to r, once; the callbacks may write. */
void store_replay(struct store *s, const struct store_resume *r);
/*
 * Commits what is queued (completions run; they must not write again)
 * and stops the writer.
 */
void store_free(struct store *s);

/* The keyed hash of an MO that identifies a carrier's retransmission. */
void store_dedup(const struct store *s, const char *link,
    const struct smpp_pdu *pdu, uint8_t out[DB_HASH_LEN]);
/* The keyed hash of a reassembly key on a link (the parts' msg_key). */
void store_msg_key(const struct store *s, const char *link,
    const struct reasm_key *k, uint8_t out[DB_HASH_LEN]);

/* Writes a report and, if reply is not NULL, its reply in the outbox. */
void store_report(struct store *s, const struct store_report *r,
    const struct store_mt *reply, store_done_fn done, void *arg);

/* Writes a part of a concatenated SMS that waits for the others. */
void store_part(struct store *s, const uint8_t dedup[DB_HASH_LEN],
    const char *link, const struct reasm_part *p, store_done_fn done,
    void *arg);

/*
 * Records a temporary failure of an outbox message: attempts so far, the
 * status, and when it goes out again (delay_ms from now), so that a
 * restart neither resends it early nor forgets its attempts.
 */
void store_mt_retry(struct store *s, int64_t mt_id, unsigned attempts,
    uint64_t delay_ms, uint32_t status);

/* Records an outbox message's end: accepted (ok) or given up. */
void store_mt_final(struct store *s, int64_t mt_id, int ok, uint32_t status,
    unsigned attempts, const char *why);

/*
 * Opens the sealed narrative of report id with ks: an allocated,
 * NUL-terminated copy in *text (the caller wipes and frees it) and its
 * length in *len. Returns -1 if it does not open (wrong key, or a row
 * moved or altered).
 */
int store_open_narrative(const struct keys *ks, int64_t id,
    const uint8_t *sealed, size_t sealed_len, uint32_t key_id, char **text,
    size_t *len);

/* Rounds a time as report rows store it. */
int64_t store_round_time(const struct store *s, int64_t t);

/* --- case codes and SMS conversations (store_case.c) --------------- */

/*
 * What a citizen who dials back with a case code may learn: the status
 * of the report, and the operator's latest question. The pointers live
 * during the callback only (the question is wiped after it).
 */
struct store_case {
	int64_t report_id;
	const char *status;
	const char *category;
	const char *lang;		/* NULL if the report has none */
	int64_t closed_at;		/* 0 while open */
	const char *question;		/* the newest "question" event's text,
					 * opened; NULL if none (or purged) */
	size_t question_len;
};
/* status: 1 found (c set), 0 no such case, -1 the read failed (c NULL
 * unless 1). */
typedef void (*store_case_fn)(void *arg, int status,
    const struct store_case *c);
/* Looks up the report of a case code's keyed hash (cc_hash). */
void store_case_find(struct store *s, const uint8_t case_hash[DB_HASH_LEN],
    store_case_fn fn, void *arg);

/*
 * Adds the citizen's words to a case: kind "answer" (to the operator's
 * question) or "added" (more information). The text is sealed as a
 * narrative is, bound to its event row, its kind and the key id (so a
 * body moved to another row, or relabelled, does not open). dedup: NULL
 * or the MO's retransmission hash (a retransmission is STORE_DUPLICATE,
 * nothing written); reply: NULL or an SMS reply put in the outbox in
 * the same transaction (its mt_id to done). done gets report_id on
 * STORE_OK. Any other kind: STORE_FAILED, nothing written.
 */
void store_case_add(struct store *s, int64_t report_id, const char *kind,
    const char *text, size_t len, const uint8_t *dedup,
    const struct store_mt *reply, store_done_fn done, void *arg);

/*
 * Seals and opens the text of a report_events row (an operator's
 * question, a citizen's answer) the way store_case_add and
 * store_case_find do: the associated data binds the row id, its kind and
 * the key id. Seal: *out allocated (caller frees), *key_id the store
 * key's id; -1 for a kind longer than STORE_ID_MAX - 1 octets. Open: as
 * store_open_narrative; -1 if it does not open.
 */
int store_seal_event(const struct keys *ks, int64_t event_id,
    const char *kind, const void *text, size_t len, uint8_t **out,
    size_t *outlen, uint32_t *key_id);
int store_open_event(const struct keys *ks, int64_t event_id,
    const char *kind, const uint8_t *sealed, size_t sealed_len,
    uint32_t key_id, char **text, size_t *len);

/*
 * SMS conversations, one per sender (DESIGN 4): every step is committed
 * before the carrier's deliver_sm_resp (DESIGN 6), so a restart resumes
 * it (store_resume.conv). The row is keyed by store_conv_key, a keyed
 * BLAKE2b of the sender's pseudonym: the database never sees the
 * pseudonym. The state is the menus' own (opaque here, at most
 * NV_CONV_STATE_MAX octets), sealed with its associated data binding
 * the key and the key id. Expired rows are deleted at start and by
 * store_purge, and never replayed.
 */
void store_conv_key(const struct store *s,
    const uint8_t pseudonym[STORE_PSEUDO_LEN],
    uint8_t out[STORE_CONV_KEY_LEN]);
/*
 * One transaction: the conversation's row (inserted or replaced), the
 * MO's retransmission marker if dedup (kind "sms"; a retransmission is
 * STORE_DUPLICATE and writes nothing) and the reply in the outbox if
 * reply (its mt_id to done). A state over NV_CONV_STATE_MAX octets is
 * refused (logged, STORE_FAILED, before the call returns).
 */
void store_conv_put(struct store *s, const uint8_t key[STORE_CONV_KEY_LEN],
    const void *state, size_t len, int64_t expires, const uint8_t *dedup,
    const struct store_mt *reply, store_done_fn done, void *arg);
/* Ends a conversation without a report (the citizen left, it expired):
 * STORE_OK also when there was none. */
void store_conv_drop(struct store *s, const uint8_t key[STORE_CONV_KEY_LEN],
    store_done_fn done, void *arg);

struct store_stats {
	uint64_t reports, duplicates, parts, failures, mt_done, mt_failed;
};
const struct store_stats *store_stats(const struct store *s);
/* Logs the counters and the writer's grouping (event=store_stats). */
void store_log_stats(struct store *s);

/* --- escalation, alerts, retention, the vault (store_priv.c) ------- */

/*
 * Retention, in seconds: narratives and event texts of reports closed
 * more than keep_closed_s ago, audit details older than keep_audit_s,
 * and the vault key of a case closed vault_after_close_s ago.
 */
void store_set_retention(struct store *s, int64_t keep_closed_s,
    int64_t keep_audit_s, int64_t vault_after_close_s);

/* esc: 1 alert now (marked escalated), 0 no (acknowledged, escalated
 * already, not urgent), -1 the write failed (try again later). */
typedef void (*store_escalate_fn)(void *arg, int64_t report_id, int esc);
void store_escalate(struct store *s, int64_t report_id, store_escalate_fn fn,
    void *arg);
/* The urgent reports neither acknowledged nor escalated, with their main
 * queue ("" if none); ids NULL if the read failed. At most
 * NV_URGENT_PENDING_MAX; more says how many did not fit. */
typedef void (*store_pending_fn)(void *arg, const int64_t *ids,
    const char *const *queues, unsigned n, unsigned more);
void store_urgent_pending(struct store *s, store_pending_fn fn, void *arg);

/* Puts a message that no MO caused (an alert) in the outbox; fn gets its
 * row id once committed, 0 if the write failed. */
typedef void (*store_sent_fn)(void *arg, int64_t mt_id);
void store_send(struct store *s, const struct store_mt *m, store_sent_fn fn,
    void *arg);

struct store_purged {
	int64_t narratives, events, audit, shredded;
	int64_t conversations;	/* expired, deleted */
};
/* Applies retention now (store_set_retention), forgets counted-once
 * marks of epochs before epoch and expired SMS conversations, then
 * truncates the WAL. */
typedef void (*store_purge_fn)(void *arg, int status,
    const struct store_purged *p);
void store_purge(struct store *s, int64_t epoch, store_purge_fn fn,
    void *arg);

/*
 * The vault (a reply path the citizen agreed to): e164 sealed under a new
 * random key of its own, kept in the key store (db_attach_keys), never in
 * the database. Destroyed at shred_at at the latest (for GBV at most
 * NV_VAULT_GBV_MAX_S from now), or vault_after_close_s after the case
 * is closed. fn's status: 1 done (put) or found (open, e164 set), 0 none
 * or shredded, -1 failed; e164 is valid during the call only.
 */
typedef void (*store_vault_fn)(void *arg, int status, const char *e164);
int store_vault_put(struct store *s, int64_t report_id, const char *e164,
    int64_t shred_at, int gbv, store_vault_fn fn, void *arg);
void store_vault_open(struct store *s, int64_t report_id, store_vault_fn fn,
    void *arg);
void store_vault_shred(struct store *s, int64_t report_id, store_vault_fn fn,
    void *arg);

#endif
