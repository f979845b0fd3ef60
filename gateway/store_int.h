/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The private half of store.h, shared by store.c (ingestion, replay, the
 * outbox) and store_priv.c (escalation, retention, the vault, alerts).
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
struct found {
	struct found *next;
	char link[32];
	int64_t id;			/* outbox rows */
	struct store_mt mt;
	char lang[16];
	struct reasm_part part;		/* waiting parts */
	int is_part;
	size_t len;
	uint8_t data[];			/* the part's octets or the MT's text */
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
void st_put_addr(struct pack_w *w, const struct mt_addr *a);
void st_get_addr(struct pack_r *r, struct mt_addr *a);
/* The associated data of a sealed row: its table, row and key id. */
size_t st_row_ad(uint8_t *ad, const char *table, int64_t id,
    const uint8_t *more, size_t morelen, uint32_t key_id);
/* Seals plain under the store key for row id of table (*out allocated). */
int st_seal_row(struct store *s, const char *table, int64_t id,
    const void *plain, size_t len, uint8_t **out, size_t *outlen);
int64_t st_now_s(void);

#endif
