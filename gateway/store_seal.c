/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * How the store seals rows and keys hashes (see store.h, store_int.h):
 * the plaintext buffer of a sealed row, the associated data that binds
 * a sealed blob to its table, row and key id, and the keyed hashes that
 * the database indexes (retransmissions, reassembly keys, conversations).
 * Shared by store.c, store_priv.c and store_case.c.
 */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/xmalloc.h"
#include "routing/crypto.h"
#include "routing/keys.h"
#include "routing/pseudo.h"
#include "store_int.h"

_Static_assert(STORE_PSEUDO_LEN == PSEUDO_LEN, "one pseudonym length");
_Static_assert(STORE_CONV_KEY_LEN == CRY_HASH_LEN, "a conversation key is a hash");

struct wbuf *
st_wbuf_new(void)
{
	struct wbuf *w = xcalloc(1, sizeof *w);

	pack_init(&w->p, w->b, sizeof w->b);
	return w;
}

void
st_put_addr(struct pack_w *w, const struct mt_addr *a)
{
	pack_str(w, a->to);
	pack_u8(w, a->to_ton);
	pack_u8(w, a->to_npi);
	pack_str(w, a->from);
	pack_u8(w, a->from_ton);
	pack_u8(w, a->from_npi);
	pack_str(w, a->service_type);
}

void
st_get_addr(struct pack_r *r, struct mt_addr *a)
{
	unpack_str(r, a->to, sizeof a->to);
	a->to_ton = unpack_u8(r);
	a->to_npi = unpack_u8(r);
	unpack_str(r, a->from, sizeof a->from);
	a->from_ton = unpack_u8(r);
	a->from_npi = unpack_u8(r);
	unpack_str(r, a->service_type, sizeof a->service_type);
}

/* The associated data of a sealed row: its table, row and key id. */
size_t
st_row_ad(uint8_t *ad, const char *table, int64_t id, const uint8_t *more,
    size_t morelen, uint32_t key_id)
{
	size_t n = strlen(table);

	memcpy(ad, table, n);
	for (int i = 0; i < 8; i++)
		ad[n++] = (uint8_t)((uint64_t)id >> (8 * i));
	for (int i = 0; i < 4; i++)
		ad[n++] = (uint8_t)(key_id >> (8 * i));
	if (more != NULL) {
		memcpy(ad + n, more, morelen);
		n += morelen;
	}
	return n;
}

int
st_open(const struct keys *ks, const uint8_t *ad, size_t adlen,
    const uint8_t *sealed, size_t sealed_len, uint32_t key_id,
    uint8_t **plain, size_t *len)
{
	const uint8_t *key = keys_find(ks, KEY_STORE, key_id);
	uint8_t *out;

	if (key == NULL || sealed == NULL || sealed_len < CRY_SEAL_OVERHEAD)
		return -1;
	out = xmalloc(sealed_len - CRY_SEAL_OVERHEAD + 1);
	if (cry_open(key, ad, adlen, sealed, sealed_len, out) != 0) {
		free(out);
		return -1;
	}
	*len = sealed_len - CRY_SEAL_OVERHEAD;
	out[*len] = '\0';
	*plain = out;
	return 0;
}

int
store_open_narrative(const struct keys *ks, int64_t id, const uint8_t *sealed,
    size_t sealed_len, uint32_t key_id, char **text, size_t *len)
{
	uint8_t ad[ST_AD_MAX];
	size_t adlen = st_row_ad(ad, "report", id, NULL, 0, key_id);

	return st_open(ks, ad, adlen, sealed, sealed_len, key_id,
	    (uint8_t **)text, len);
}

/*
 * The associated data of an event's text: its row and its kind, so that
 * an operator's note relabelled "question" (shown to the citizen) does
 * not open. -1 for a kind that cannot be one.
 */
static int
event_ad(uint8_t ad[ST_AD_MAX], int64_t id, const char *kind, uint32_t key_id,
    size_t *adlen)
{
	size_t n = strnlen(kind, STORE_ID_MAX);

	if (n == STORE_ID_MAX)
		return -1;
	*adlen = st_row_ad(ad, "event", id, (const uint8_t *)kind, n, key_id);
	return 0;
}

int
store_seal_event(const struct keys *ks, int64_t event_id, const char *kind,
    const void *text, size_t len, uint8_t **out, size_t *outlen,
    uint32_t *key_id)
{
	const uint8_t *key = keys_current(ks, KEY_STORE, key_id);
	uint8_t ad[ST_AD_MAX];
	size_t adlen;

	if (event_ad(ad, event_id, kind, *key_id, &adlen) != 0)
		return -1;
	*outlen = len + CRY_SEAL_OVERHEAD;
	*out = xmalloc(*outlen);
	cry_seal(key, ad, adlen, text, len, *out);
	return 0;
}

int
store_open_event(const struct keys *ks, int64_t event_id, const char *kind,
    const uint8_t *sealed, size_t sealed_len, uint32_t key_id, char **text,
    size_t *len)
{
	uint8_t ad[ST_AD_MAX];
	size_t adlen;

	if (event_ad(ad, event_id, kind, key_id, &adlen) != 0)
		return -1;
	return st_open(ks, ad, adlen, sealed, sealed_len, key_id,
	    (uint8_t **)text, len);
}

size_t
st_conv_ad(uint8_t ad[ST_AD_MAX], const uint8_t key[STORE_CONV_KEY_LEN],
    uint32_t key_id)
{
	return st_row_ad(ad, "conversation", 0, key, STORE_CONV_KEY_LEN,
	    key_id);
}

/* Seals plain under the store key for row id of table. */
int
st_seal_row(struct store *s, const char *table, int64_t id, const void *plain,
    size_t len, uint8_t **out, size_t *outlen)
{
	uint8_t ad[ST_AD_MAX];
	size_t adlen = st_row_ad(ad, table, id, NULL, 0, s->skey_id);

	*outlen = len + CRY_SEAL_OVERHEAD;
	*out = xmalloc(*outlen);
	cry_seal(s->skey, ad, adlen, plain, len, *out);
	return 0;
}

/* --- keyed hashes ----------------------------------------------------- */

void
store_dedup(const struct store *s, const char *link, const struct smpp_pdu *p,
    uint8_t out[DB_HASH_LEN])
{
	struct cry_hash h;
	uint8_t f[8] = { p->esm_class, p->data_coding, p->source_addr_ton,
	    p->source_addr_npi, p->dest_addr_ton, p->dest_addr_npi,
	    (uint8_t)(p->tlv.sar_msg_ref_num >> 8),
	    (uint8_t)p->tlv.sar_msg_ref_num };
	uint8_t sar[2] = { p->tlv.sar_total_segments,
	    p->tlv.sar_segment_seqnum };

	/* What a carrier resends unchanged after losing our response. */
	cry_hash_init(&h, s->dkey, "numvert mo dedup v1");
	cry_hash_field(&h, link, strlen(link));
	cry_hash_field(&h, p->source_addr, strlen(p->source_addr));
	cry_hash_field(&h, p->destination_addr, strlen(p->destination_addr));
	cry_hash_field(&h, p->service_type, strlen(p->service_type));
	cry_hash_field(&h, f, sizeof f);
	cry_hash_field(&h, sar, sizeof sar);
	cry_hash_field(&h, p->short_message, p->sm_length);
	cry_hash_field(&h, p->tlv.message_payload != NULL ?
	    p->tlv.message_payload : (const uint8_t *)"",
	    p->tlv.message_payload_len);
	cry_hash_final(&h, out);
}

void
store_msg_key(const struct store *s, const char *link,
    const struct reasm_key *k, uint8_t out[DB_HASH_LEN])
{
	struct cry_hash h;
	uint8_t f[4] = { (uint8_t)(k->ref >> 8), (uint8_t)k->ref, k->ref16,
	    k->total };

	cry_hash_init(&h, s->dkey, "numvert concat key v1");
	/* k->link is a pointer in memory: the link's name stands for it. */
	cry_hash_field(&h, link, strlen(link));
	cry_hash_field(&h, k->source, strnlen(k->source, sizeof k->source));
	cry_hash_field(&h, k->dest, strnlen(k->dest, sizeof k->dest));
	cry_hash_field(&h, f, sizeof f);
	cry_hash_final(&h, out);
}

void
store_conv_key(const struct store *s, const uint8_t pseudonym[STORE_PSEUDO_LEN],
    uint8_t out[STORE_CONV_KEY_LEN])
{
	struct cry_hash h;

	/* Keyed: the row must not be computable from a pseudonym alone
	 * (nor, with the pseudonym key, from a phone number). */
	cry_hash_init(&h, s->dkey, "numvert sms conversation v1");
	cry_hash_field(&h, pseudonym, STORE_PSEUDO_LEN);
	cry_hash_final(&h, out);
}
