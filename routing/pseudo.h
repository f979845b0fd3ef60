/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Pseudonyms: a keyed hash (BLAKE2b through crypto.h, its own context
 * string) of a sender's E.164 number under a random epoch key. They key
 * rate limits, SMS conversations and "counted once" flags, so that no
 * number is needed past the moment a message arrives.
 *
 * The epoch key is random, never derived: a key derived from a kept
 * master would let whoever gets the master recompute every past epoch,
 * which is exactly what forward secrecy is for. When its epoch ends the
 * key is replaced in its file and wiped from memory, after which the
 * pseudonyms of that epoch cannot be linked to a number (short of
 * hashing every number under a key nobody has any more).
 *
 * Epochs are aligned to multiples of their length since the Unix epoch,
 * so every process and restart agrees where one ends. A pseudonym is
 * stable within an epoch and unlinkable across epochs: rate limits and
 * conversations reset at the boundary, by design.
 *
 * The key file (its own, not the store's key file): one line
 *   pseudonym EPOCH_START_UNIX EPOCH_LEN_S HEX64
 * mode 0600, owned by the account numvertd runs as; a file others can
 * read or write is refused, and so is one in another format (it might
 * be another key file given by mistake: it is never overwritten).
 */
#ifndef NV_PSEUDO_H
#define NV_PSEUDO_H

#include <stdint.h>

#define PSEUDO_LEN 16		/* octets of a pseudonym */
#define PSEUDO_STR 27		/* "p-" + 24 base32 chars + NUL, for logs */

struct pseudo;

/*
 * Opens the key file at path for epochs of epoch_len_s seconds
 * (NV_PSEUDO_EPOCH_MIN_S..NV_PSEUDO_EPOCH_MAX_S) at time now (Unix
 * seconds). If the file holds the key of now's epoch it is used;
 * otherwise (no file, an older or newer epoch, another length) a new
 * random key replaces it, written atomically. Returns NULL with *cause
 * (caller frees) when the length or now is out of range, the file is
 * readable or writable by others, not ours, malformed, or cannot be
 * written.
 */
struct pseudo *pseudo_open(const char *path, int64_t epoch_len_s,
    int64_t now, char **cause);

/* Wipes the key and frees. NULL is allowed. */
void pseudo_free(struct pseudo *p);

/*
 * Moves to now's epoch: 0 when now is still in the current epoch
 * (nothing changes) or a new key for now's epoch is in the file and in
 * use (the old one wiped from memory, overwritten on disk as far as the
 * file system lets us). -1 with *cause leaves the old key in use.
 * A clock that went back also changes epoch: never reuse a key for
 * an epoch it was not made for.
 */
int pseudo_rotate(struct pseudo *p, int64_t now, char **cause);

/* When the current epoch ends (Unix seconds): when to call rotate. */
int64_t pseudo_epoch_end(const struct pseudo *p);

/*
 * The pseudonym of a number in E.164 form (digits, with or without a
 * leading '+', which is ignored; the caller normalises national forms
 * to E.164 first, or one phone gets two pseudonyms).
 */
void pseudo_of(const struct pseudo *p, const char *e164,
    uint8_t out[PSEUDO_LEN]);

/*
 * Short printable form for logs: "p-" and the first 120 bits in
 * lowercase base32 (RFC 4648 alphabet). Returns out.
 */
const char *pseudo_str(const uint8_t pn[PSEUDO_LEN], char out[PSEUDO_STR]);

#endif
