/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The private half of store.h, shared by store.c (ingestion, replay, the
 * outbox), store_seal.c (sealing, keyed hashes), store_priv.c
 * (escalation, retention, the vault, alerts) and store_case.c (case
 * codes, SMS conversations).
 */
#ifndef NV_STORE_INT_H
#define NV_STORE_INT_H

#include <stdatomic.h>
#include <stdint.h>

#include "base/pack.h"
#include "db/writer.h"
#include "store.h"

/* Largest plaintext sealed in a row: a part or an outbox message. */
#define SEAL_MAX (NV_SMPP_PDU_MAX + 512u)

/* How often retransmission markers older than the window are dropped. */
#define EXPIRE_EVERY_S 60

/* A row found at start, opened, until store_replay() hands it over. */
enum found_kind {
	FOUND_MT,
	FOUND_PART,
	FOUND_CONV,
};
struct found {
	struct found *next;
	enum found_kind kind;
	char link[32];
	int64_t id;			/* outbox rows */
	struct store_mt mt;
	char lang[16];
	struct reasm_part part;		/* waiting parts */
	uint8_t conv_key[STORE_CONV_KEY_LEN];	/* conversations */
	int64_t expires;
	size_t len;
	uint8_t data[];			/* the part's octets, the MT's text or
					 * the conversation's state */
};

struct store {
	int64_t vault_shred_s;	/* see store_set_retention */
	int64_t keep_closed_s, keep_audit_s;
	struct event_base *base;
	struct logger *log;
	struct db *db;
	struct db_writer *w;
	const uint8_t *skey;	/* the store key: seals rows */
	uint32_t skey_id;
	const uint8_t *dkey;	/* the dedup key: keys hashes */
	const struct keys *ks;
	int64_t rounding_s;
	int64_t window_s;
	struct event *expire_ev;
	struct found *found, **found_tail;
	struct markset *marks;	/* counted-once marks: writer thread only */
	_Atomic uint64_t marks_full;	/* counted without a mark (set full) */
	int closing;
	struct store_stats st;
};

/* A sealed row's plaintext, serialised (base/pack.h). */
struct wbuf {
	struct pack_w p;
	uint8_t b[SEAL_MAX];
};

struct wbuf *st_wbuf_new(void);
/* A reply serialised as its outbox row seals it (destination, language,
 * text); st_mt_write adds the row in a job and seals it to its id. */
struct wbuf *st_mt_pack(const struct store_mt *m);
int st_mt_write(struct store *s, struct db *db, const char *link,
    const struct wbuf *mt, int64_t now, int64_t *id);
void st_put_addr(struct pack_w *w, const struct mt_addr *a);
void st_get_addr(struct pack_r *r, struct mt_addr *a);
/* The associated data of a sealed row: its table, row and key id. */
size_t st_row_ad(uint8_t *ad, const char *table, int64_t id,
    const uint8_t *more, size_t morelen, uint32_t key_id);
/* Seals plain under the store key for row id of table (*out allocated). */
int st_seal_row(struct store *s, const char *table, int64_t id,
    const void *plain, size_t len, uint8_t **out, size_t *outlen);
/* Room for the associated data of any sealed row (table, id, key id and
 * at most a hash and a kind more). */
#define ST_AD_MAX 128
/* The associated data of an SMS conversation's state: its key. */
size_t st_conv_ad(uint8_t ad[ST_AD_MAX], const uint8_t key[STORE_CONV_KEY_LEN],
    uint32_t key_id);
/*
 * Opens a sealed blob with the store key of id key_id: an allocated copy,
 * NUL-terminated, in *plain (the caller wipes and frees it), its length in
 * *len. -1 if it does not open.
 */
int st_open(const struct keys *ks, const uint8_t *ad, size_t adlen,
    const uint8_t *sealed, size_t sealed_len, uint32_t key_id,
    uint8_t **plain, size_t *len);

/* store.c: a row read at start, kept for store_replay (data copied). */
struct found *st_found_add(struct store *s, const char *link,
    const void *data, size_t len);
/* store_case.c: reads the SMS conversations left at start (not yet
 * expired at now) into the found list; -1 with *err if one does not
 * open or the read failed. */
int st_conv_resume(struct store *s, int64_t now, char **err);
/* store_case.c: deletes the conversations expired at now (a job). */
void st_conv_expire(struct store *s, int64_t now);
int64_t st_now_s(void);

#endif
