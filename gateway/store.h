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
};

/*
 * Runs on the loop after the commit. mt_id is the outbox row of the
 * reply (0 if none); report_id the report written (0 if none).
 */
typedef void (*store_done_fn)(void *arg, enum store_result r,
    int64_t report_id, int64_t mt_id);

/* A report to write. Strings are copied. */
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
};

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

struct store_stats {
	uint64_t reports, duplicates, parts, failures, mt_done, mt_failed;
};
const struct store_stats *store_stats(const struct store *s);
/* Logs the counters and the writer's grouping (event=store_stats). */
void store_log_stats(struct store *s);

#endif
