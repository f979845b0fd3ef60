/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The only code that includes libsodium: random bytes, keyed hashes
 * (BLAKE2b-256) and authenticated encryption at rest (XChaCha20-Poly1305,
 * the associated data binding a ciphertext to its row). Keys come from
 * the key store (keys.h) and never enter the database.
 */
#ifndef NV_CRYPTO_H
#define NV_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define CRY_KEY_LEN 32u
#define CRY_HASH_LEN 32u
/* A sealed blob is its plaintext plus a 24-octet nonce and a 16-octet tag. */
#define CRY_SEAL_OVERHEAD 40u

/* Initialises libsodium once per process. Returns 0 or -1. */
int cry_init(void);

void cry_random(void *buf, size_t n);

/* Incremental keyed hash, domain-separated by a context string. */
struct cry_hash {
	uint8_t state[384];	/* crypto_generichash_state, aligned below */
} __attribute__((aligned(64)));

void cry_hash_init(struct cry_hash *h, const uint8_t key[CRY_KEY_LEN],
    const char *context);
void cry_hash_update(struct cry_hash *h, const void *data, size_t len);
/* Adds a length-prefixed field, so that ("ab","c") and ("a","bc") differ. */
void cry_hash_field(struct cry_hash *h, const void *data, size_t len);
void cry_hash_final(struct cry_hash *h, uint8_t out[CRY_HASH_LEN]);

/*
 * Seals msg into out (len + CRY_SEAL_OVERHEAD octets): a random nonce,
 * then the ciphertext and its tag over msg and the associated data ad.
 */
void cry_seal(const uint8_t key[CRY_KEY_LEN], const void *ad, size_t adlen,
    const void *msg, size_t len, uint8_t *out);

/*
 * Opens a sealed blob into out (inlen - CRY_SEAL_OVERHEAD octets).
 * Returns 0, or -1 when the key, the associated data or the blob is
 * wrong (nothing is written then).
 */
int cry_open(const uint8_t key[CRY_KEY_LEN], const void *ad, size_t adlen,
    const uint8_t *in, size_t inlen, uint8_t *out);

/* Zeroes memory the compiler may not optimise away. */
void cry_wipe(void *p, size_t n);

/* Memory for keys: locked (no swap), guarded, wiped on free. */
void *cry_secure_alloc(size_t n);
void cry_secure_free(void *p);

#endif
