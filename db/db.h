/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The store: the only code that includes sqlite3.
 *
 * SQLite in WAL mode with synchronous=FULL (NORMAL only for benchmarks),
 * secure_delete and foreign keys on; the schema version in user_version,
 * migrated step by step from any earlier version; every statement
 * prepared once at open, from one table, never built from strings.
 *
 * What the tables hold, and never hold: no column stores a phone number
 * in clear, a pseudonym in a report, or anything about ethnicity.
 * Everything that could identify a citizen or repeat their words is a
 * sealed blob (ciphertext made outside this module with a key that never
 * enters the database) or a keyed hash.
 *
 * A struct db is used by one thread at a time (the writer thread, or the
 * loop before the writer starts, or the admin tool).
 *
 * The file and its -wal and -shm are created with mode 0600 (an existing
 * file readable by others loses those bits at open). Automatic WAL
 * checkpoints are off: inside a commit they were the p99 spikes of
 * domain/feasibility.md 4.2; the writer runs them between groups
 * (writer.h) and any other user of a connection calls db_checkpoint.
 *
 * Functions that look something up return 1 (found: the callback ran),
 * 0 (not found) or -1; the others 0 or -1 unless said otherwise. A
 * callback sees pointers valid for the duration of the call only and
 * must not write through the same struct db.
 */
#ifndef NV_DB_H
#define NV_DB_H

#include <stddef.h>
#include <stdint.h>

#define DB_SCHEMA_VERSION 3

/* Sizes of the keyed hashes the store indexes. */
#define DB_HASH_LEN 32

struct db;

enum db_sync {
	DB_SYNC_FULL,		/* fsync at every commit: the default */
	DB_SYNC_NORMAL,		/* benchmarks only: survives a crash, not a power cut */
};

/*
 * Opens (creating if needed) and migrates to DB_SCHEMA_VERSION. Refuses a
 * database from a newer version. Returns 0, or -1 with *cause (caller
 * frees).
 */
int db_open(const char *path, enum db_sync sync, struct db **out,
    char **cause);
void db_close(struct db *db);
int db_version(struct db *db);
/* 1 if SQLite could open the file for reading only (its mode, a
 * read-only file system): numvertd refuses to start on it. */
int db_readonly(struct db *db);

/*
 * The last error: a description (owned by db, valid until its next
 * call; "not an error" when there was none) and whether it is the kind
 * that goes away by itself (disk full, database locked or read-only,
 * I/O, cannot open) rather than a bug.
 */
const char *db_error(struct db *db);
int db_error_is_temporary(struct db *db);
/* Forgets the last error (the writer does so before each job, to tell
 * what failed the job). */
void db_error_clear(struct db *db);

/*
 * Transactions (the writer groups many jobs into one). Return 0 or -1.
 * When an error (disk full, I/O) makes SQLite roll the whole transaction
 * back, later savepoints and the commit fail with that error: nothing
 * runs outside the transaction by accident.
 */
int db_begin(struct db *db);
int db_commit(struct db *db);
void db_rollback(struct db *db);
/* A savepoint per job: one failing job does not undo the others. */
int db_savepoint(struct db *db);
int db_release(struct db *db);
void db_rollback_savepoint(struct db *db);

/* --- inbound messages: deduplication of carrier retransmissions --- */

/*
 * The MO whose keyed hash is dedup was already stored. Returns 1 (and
 * its report id, or 0, in *report_id), 0 if not, -1 on error.
 */
int db_inbound_seen(struct db *db, const uint8_t dedup[DB_HASH_LEN],
    int64_t *report_id);
/*
 * kind: "sms", "part" or "ussd". report_id 0 for none. Returns 0, or 1
 * if dedup was already stored (nothing written: the first entry stays),
 * or -1.
 */
int db_inbound_add(struct db *db, const uint8_t dedup[DB_HASH_LEN],
    const char *link, int64_t at, const char *kind, int64_t report_id);
/* Forgets entries older than before (the deduplication window). */
int db_inbound_expire(struct db *db, int64_t before);

/* --- reports ------------------------------------------------------ */

struct db_report {
	int64_t id;
	const uint8_t *case_hash;	/* NULL or DB_HASH_LEN octets */
	const char *category;
	const char *region;		/* these four may be NULL */
	const char *cercle;
	const char *commune;
	const char *queue;
	int urgent;
	const char *status;		/* NULL on add: "unverified" */
	const char *language;		/* may be NULL */
	const char *channel;		/* "sms" or "ussd" */
	const char *link;
	int64_t received;		/* already rounded by the caller */
	const uint8_t *narrative;	/* sealed; may be NULL */
	size_t narrative_len;
	uint32_t key_id;
	int incomplete;			/* a concatenated SMS missing parts */
	int counted;			/* its reporter's one count in its
					 * statistics cell (DESIGN 5) */
	const char *flags;		/* may be NULL: see the schema */
	const char *axis;		/* road axis id, or NULL */
	/* The menus' answers (schema v3), each NULL when not asked or
	 * skipped: a menu id of the weapon ("war"), a band id of how many
	 * ("2-5"), and who is involved ("armed_group", "security_forces",
	 * "civilians" or "unknown"; anything else is refused). */
	const char *weapon;
	const char *weapon_count;
	const char *involved;
	int partial;			/* a USSD dialogue cut after the
					 * category and region of an urgent
					 * category */
	/* Read only (0 when not yet): set by db_report_ack, escalation
	 * and db_report_set_status. */
	int64_t acked_at, escalated_at, closed_at;
};

int db_report_add(struct db *db, const struct db_report *r, int64_t *id);
/*
 * Sets the sealed narrative of a report just added: it is sealed after
 * the insert because its associated data binds the row id. sealed NULL
 * removes it. -1 also when there is no such report.
 */
int db_report_set_narrative(struct db *db, int64_t id, const uint8_t *sealed,
    size_t len, uint32_t key_id);
/*
 * Reads a report: 1 (fn called), 0 (no such report) or -1. Strings and
 * blobs point into a buffer the callback sees for the duration of the
 * call only.
 */
int db_report_get(struct db *db, int64_t id,
    void (*fn)(void *arg, const struct db_report *r), void *arg);
/*
 * The report whose case_hash (keyed hash of its case code) is case_hash:
 * 1 (fn called, if not NULL), 0 (none) or -1.
 */
int db_report_by_case(struct db *db, const uint8_t case_hash[DB_HASH_LEN],
    void (*fn)(void *arg, const struct db_report *r), void *arg);
int db_report_count(struct db *db, int64_t *n);
/* Calls fn for every report, in id order (tests, exports). */
int db_report_each(struct db *db,
    void (*fn)(void *arg, const struct db_report *r), void *arg);
/* -1 also when there is no such report. "closed" records closed_at (at,
 * kept if it was closed already); any other status clears it. */
int db_report_set_status(struct db *db, int64_t id, const char *status,
    int64_t at);

/*
 * kind: "status", "note", "question", "answer" or "added". sealed may be
 * NULL (then key_id is not stored); actor 0 for the system. -1 (a
 * foreign key error) if the report or the actor does not exist.
 */
int db_event_add(struct db *db, int64_t report_id, int64_t at,
    const char *kind, const uint8_t *sealed, size_t len, uint32_t key_id,
    int64_t actor, int64_t *id);
/*
 * Sets the sealed body of an event just added (sealed after the insert:
 * its associated data binds the row id). -1 also when there is no such
 * event.
 */
int db_event_set_body(struct db *db, int64_t id, const uint8_t *sealed,
    size_t len, uint32_t key_id);

struct db_event {
	int64_t id;			/* the row: bound into the seal */
	int64_t report_id;
	int64_t at;
	const char *kind;
	const uint8_t *body;		/* sealed; NULL if none or purged */
	size_t body_len;
	uint32_t key_id;		/* 0 without a body */
	int64_t actor;			/* 0 for the system or a citizen */
};

/*
 * The newest event of kind on a report (the operator's latest
 * "question", for a citizen who dials back with the case code): 1 (fn
 * called), 0 (none) or -1.
 */
int db_event_last(struct db *db, int64_t report_id, const char *kind,
    void (*fn)(void *arg, const struct db_event *e), void *arg);

/* --- parts of concatenated MOs that wait for the rest -------------- */

struct db_part {
	int64_t id;
	const uint8_t *msg_key;		/* keyed hash of the reassembly key */
	uint8_t seq, total;
	const char *link;
	int64_t at;
	const uint8_t *sealed;		/* the part and its addressing */
	size_t sealed_len;
	uint32_t key_id;
};

/* A part already stored (same msg_key and seq) is not an error: 0. */
int db_part_add(struct db *db, const struct db_part *p);
/* Removes every part of one message (it was completed into a report). */
int db_part_delete(struct db *db, const uint8_t msg_key[DB_HASH_LEN]);
int db_part_each(struct db *db,
    void (*fn)(void *arg, const struct db_part *p), void *arg);

/* --- SMS conversations in progress (db/conv.c) -------------------- */

/*
 * One per sender, so that every step the carrier was acknowledged
 * survives a restart. key is a keyed hash of the sender's pseudonym,
 * state the menu's state sealed by the caller (its associated data binds
 * key and key_id).
 */
struct db_conv {
	const uint8_t *key;		/* DB_HASH_LEN octets */
	const uint8_t *state;		/* sealed */
	size_t state_len;
	uint32_t key_id;
	int64_t expires;		/* Unix seconds */
};

/* Inserts the conversation, or replaces the one of the same key. */
int db_conv_put(struct db *db, const struct db_conv *c);
/* 1 (fn called), 0 (none) or -1. Expired rows are found too. */
int db_conv_get(struct db *db, const uint8_t key[DB_HASH_LEN],
    void (*fn)(void *arg, const struct db_conv *c), void *arg);
/* 0 also when there is none (it ended already). */
int db_conv_delete(struct db *db, const uint8_t key[DB_HASH_LEN]);
/* Every conversation, expired ones too, the soonest to expire first. */
int db_conv_each(struct db *db,
    void (*fn)(void *arg, const struct db_conv *c), void *arg);
/*
 * Deletes the conversations whose expires is at or before now; *n (if
 * not NULL) says how many.
 */
int db_conv_expire(struct db *db, int64_t now, int64_t *n);

/* --- the outbox: every MT until it is final ----------------------- */

enum db_mt_state {
	DB_MT_QUEUED,
	DB_MT_DONE,		/* the carrier accepted it */
	DB_MT_FAILED,		/* refused for good or too many attempts */
};

struct db_mt {
	int64_t id;
	const char *link;
	enum db_mt_state state;
	const uint8_t *sealed;		/* destination, source and text; NULL once final */
	size_t sealed_len;
	uint32_t key_id;
	unsigned attempts;
	int64_t next_attempt;
	int64_t created;
	int64_t finished;		/* 0 while queued */
	uint32_t last_status;
	const char *why;		/* NULL while queued */
};

/* finished 0 is stored as NULL. A final state with sealed is refused. */
int db_mt_add(struct db *db, const struct db_mt *m, int64_t *id);
/* Sets the sealed content of a queued MT just added (bound to its id);
 * -1 also when it is not queued. */
int db_mt_set_sealed(struct db *db, int64_t id, const uint8_t *sealed,
    size_t len, uint32_t key_id);
/*
 * A temporary failure: the next attempt and the status it got. Here and
 * in db_mt_final, -1 also when the MT is not queued (already final).
 */
int db_mt_retry(struct db *db, int64_t id, unsigned attempts,
    int64_t next_attempt, uint32_t status);
/* Final: done or failed; the sealed destination is deleted with it. */
int db_mt_final(struct db *db, int64_t id, enum db_mt_state state,
    int64_t at, uint32_t status, const char *why);
/* Every queued MT, oldest (created) first (to requeue them at start). */
int db_mt_each_queued(struct db *db,
    void (*fn)(void *arg, const struct db_mt *m), void *arg);
int db_mt_get(struct db *db, int64_t id,
    void (*fn)(void *arg, const struct db_mt *m), void *arg);
int db_mt_count(struct db *db, enum db_mt_state state, int64_t *n);

/* --- routing, escalation, counting (db/privacy.c) ----------------- */

/* Adds one of the queues routing sent a report to. */
int db_report_queue_add(struct db *db, int64_t report_id, const char *queue);
/* The queues of a report, by name. */
int db_report_queues(struct db *db, int64_t report_id,
    void (*fn)(void *arg, const char *queue), void *arg);
/* An operator acknowledged it (the first time counts). -1 if no such. */
int db_report_ack(struct db *db, int64_t id, int64_t at);
/*
 * Marks an urgent report escalated at at, if it is urgent, not
 * acknowledged and not escalated yet: 1 (alert now), 0 (no), -1.
 */
int db_report_escalate(struct db *db, int64_t id, int64_t at);
/* Every urgent report neither acknowledged nor escalated (at start),
 * with its main queue (may be NULL). */
int db_urgent_each(struct db *db,
    void (*fn)(void *arg, int64_t id, const char *queue), void *arg);
/* The counted-once marks: appended (the caller knows it is new), read
 * back at start. */
#define DB_MARK_LEN 16
int db_counted_add(struct db *db, const uint8_t mark[DB_MARK_LEN],
    int64_t epoch);
int db_counted_each(struct db *db,
    void (*fn)(void *arg, const uint8_t mark[DB_MARK_LEN], int64_t epoch),
    void *arg);
/* Forgets the marks of epochs before epoch (their key is gone). */
int db_counted_expire(struct db *db, int64_t epoch);

/* --- the vault: reply paths under per-case keys (db/privacy.c) ----- */

#define DB_KEY_LEN 32

/*
 * Attaches the key store at path (created 0600 if absent): the per-case
 * keys live there, in a file `numvert backup` never copies (it copies
 * "main" only). secure_delete is on there too, so a deleted key is
 * overwritten in its page. Keys left without a live vault row (a crash
 * between the two files) are deleted. Returns 0 or -1 with *cause.
 */
int db_attach_keys(struct db *db, const char *path, char **cause);
/* Stores a case key (key store) and the sealed number (database). */
int db_vault_add(struct db *db, int64_t report_id,
    const uint8_t key[DB_KEY_LEN], const uint8_t *sealed, size_t len,
    int64_t created, int64_t shred_at);
/*
 * The reply path of a case: 1 with its key in key and fn called with
 * the sealed number; 0 when there is none or it was shredded; -1.
 */
int db_vault_get(struct db *db, int64_t report_id, uint8_t key[DB_KEY_LEN],
    void (*fn)(void *arg, const uint8_t *sealed, size_t len), void *arg);
/* Destroys the case key and the sealed number (the row says when). */
int db_vault_shred(struct db *db, int64_t report_id, int64_t at);
/* Brings the shredding forward to at (never later). */
int db_vault_shred_by(struct db *db, int64_t report_id, int64_t at);
/*
 * Up to max reports whose key is due for shredding: its shred_at is
 * past at now, or the report was closed before closed_before.
 */
int db_vault_due(struct db *db, int64_t now, int64_t closed_before,
    int64_t *ids, unsigned max, unsigned *n);

/* --- retention (db/privacy.c) -------------------------------------- */

struct db_purged {
	int64_t narratives, events, audit;
};
/*
 * Blanks the narratives and event texts of reports closed before
 * closed_before, and audit details older than audit_before. Reports,
 * their category, region and week (the statistics) stay. The caller
 * checkpoints with DB_CKPT_TRUNCATE afterwards.
 */
int db_purge(struct db *db, int64_t closed_before, int64_t audit_before,
    struct db_purged *out);

/* --- operators and the audit log (used from the console) ---------- */

/* -1 also for a name already taken or an unknown role. */
int db_user_add(struct db *db, const char *name, const char *pw_hash,
    const char *role, int64_t created, int64_t *id);
int db_user_get(struct db *db, const char *name,
    void (*fn)(void *arg, int64_t id, const char *pw_hash, const char *role,
    int disabled), void *arg);

/*
 * Appends to the hash-chained audit log. The caller computes hash over
 * prev and the entry with detail_hash (a keyed hash of detail, may be
 * NULL) in place of detail, so that retention can blank detail after a
 * year (db_purge) and the chain still verifies (the store has no hash
 * function); prev must be the
 * hash of the last entry (db_audit_head), else -1 (checked in the same
 * statement as the append). actor 0 for the system. Entries can be
 * neither changed nor deleted (triggers refuse it).
 */
int db_audit_append(struct db *db, int64_t at, int64_t actor,
    const char *action, const char *object, const char *detail,
    const uint8_t detail_hash[DB_HASH_LEN], const uint8_t prev[DB_HASH_LEN],
    const uint8_t hash[DB_HASH_LEN]);
/* The hash of the last entry, all zero for an empty log; *id its id. */
int db_audit_head(struct db *db, uint8_t hash[DB_HASH_LEN], int64_t *id);

/* --- the WAL ------------------------------------------------------ */

enum db_checkpoint {
	DB_CKPT_PASSIVE,	/* copies what it can; never waits for readers */
	DB_CKPT_TRUNCATE,	/* waits for readers (busy timeout), then empties
				 * the WAL file: after a purge, so frames of
				 * deleted rows do not linger (DESIGN 5) */
};

/* Copies the WAL back into the database. Outside a transaction only. */
int db_checkpoint(struct db *db, enum db_checkpoint mode);
/* WAL pages not yet copied back (as of the last commit or checkpoint). */
unsigned db_wal_pages(struct db *db);

/* --- backup ------------------------------------------------------- */

/*
 * An online, consistent copy with the SQLite backup API (no key is in it:
 * keys live outside the database), page by page from one read snapshot
 * while other connections keep writing. Refuses a dest that exists.
 * Written to dest.tmp (mode 0600) and renamed, so dest is either absent
 * or a whole copy. db must not be in a transaction. Returns 0 or -1 with
 * *cause (caller frees).
 */
int db_backup(struct db *db, const char *dest, char **cause);
/*
 * Replaces the database at path (numvertd stopped) with a backup, after
 * checking that it opens, passes SQLite's integrity check and has a
 * version this build can migrate. The copy is made and migrated in
 * path.tmp, then renamed over path (stale path-wal and path-shm are
 * removed first); on any failure path is left as it was. Returns 0 or -1
 * with *cause (caller frees).
 */
int db_restore(const char *path, const char *backup, char **cause);

/* --- test aid ------------------------------------------------------ */

/*
 * Caps the database at pages pages (at least its current size; 0 goes
 * back to the default) on this connection only, so that tests can fill
 * the "disk" without filling the disk: writes past it fail with
 * SQLITE_FULL, a temporary error.
 */
int db_set_max_pages(struct db *db, unsigned pages);

#endif
