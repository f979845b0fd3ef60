/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "crypto.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

_Static_assert(sizeof(struct cry_hash) >= sizeof(crypto_generichash_state),
    "room for libsodium's hash state");
_Static_assert(CRY_SEAL_OVERHEAD ==
    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
    crypto_aead_xchacha20poly1305_ietf_ABYTES, "nonce + tag");
_Static_assert(CRY_KEY_LEN == crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
    "one key size for all");

int
cry_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void
cry_random(void *buf, size_t n)
{
	randombytes_buf(buf, n);
}

void
cry_hash_init(struct cry_hash *h, const uint8_t key[CRY_KEY_LEN],
    const char *context)
{
	crypto_generichash_init((crypto_generichash_state *)h->state, key,
	    CRY_KEY_LEN, CRY_HASH_LEN);
	cry_hash_field(h, context, strlen(context));
}

void
cry_hash_update(struct cry_hash *h, const void *data, size_t len)
{
	crypto_generichash_update((crypto_generichash_state *)h->state, data,
	    len);
}

void
cry_hash_field(struct cry_hash *h, const void *data, size_t len)
{
	uint8_t n[8];

	for (int i = 0; i < 8; i++)
		n[i] = (uint8_t)((uint64_t)len >> (8 * i));
	cry_hash_update(h, n, sizeof n);
	cry_hash_update(h, data, len);
}

void
cry_hash_final(struct cry_hash *h, uint8_t out[CRY_HASH_LEN])
{
	crypto_generichash_final((crypto_generichash_state *)h->state, out,
	    CRY_HASH_LEN);
	sodium_memzero(h, sizeof *h);
}

void
cry_seal(const uint8_t key[CRY_KEY_LEN], const void *ad, size_t adlen,
    const void *msg, size_t len, uint8_t *out)
{
	uint8_t *nonce = out, *ct = out +
	    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;

	randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(ct, NULL, msg, len, ad,
	    adlen, NULL, nonce, key);
}

int
cry_open(const uint8_t key[CRY_KEY_LEN], const void *ad, size_t adlen,
    const uint8_t *in, size_t inlen, uint8_t *out)
{
	if (inlen < CRY_SEAL_OVERHEAD)
		return -1;
	return crypto_aead_xchacha20poly1305_ietf_decrypt(out, NULL, NULL,
	    in + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
	    inlen - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, ad, adlen,
	    in, key) == 0 ? 0 : -1;
}

void
cry_wipe(void *p, size_t n)
{
	sodium_memzero(p, n);
}

void *
cry_secure_alloc(size_t n)
{
	void *p = sodium_malloc(n);

	if (p == NULL)
		abort();	/* out of memory, as the allocation wrappers */
	return p;
}

void
cry_secure_free(void *p)
{
	sodium_free(p);
}
