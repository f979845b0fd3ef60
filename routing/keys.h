/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The key store: the keys that seal what the database holds and key its
 * hashes, in a file of their own, never in the database, its WAL or its
 * backups (`numvert backup` copies only the database). Without this file
 * a copy of the database is ciphertext and keyed hashes.
 *
 * The file is text, one key per line: NAME ID HEX (64 hex digits). A name
 * may have several ids: the highest seals new data, the others still
 * open old rows. numvertd refuses a key file that another user could
 * read, and says why.
 */
#ifndef NV_KEYS_H
#define NV_KEYS_H

#include <stdint.h>

#include "crypto.h"

struct keys;

/* The keys numvertd uses today. */
#define KEY_STORE "store"	/* seals narratives, waiting parts, the outbox */
#define KEY_DEDUP "dedup"	/* keys the hash that spots retransmitted MOs */

/*
 * Loads a key file. Returns NULL with *cause (caller frees) when it is
 * missing, readable or writable by others, not owned by this user, or
 * malformed (naming the line).
 */
struct keys *keys_load(const char *path, char **cause);
void keys_free(struct keys *ks);

/*
 * Creates a key file with a new random key for every name numvertd uses,
 * mode 0600, refusing to overwrite one. Returns 0, or -1 with *cause.
 */
int keys_generate(const char *path, char **cause);

/* The newest key of a name (its id in *id), or NULL. */
const uint8_t *keys_current(const struct keys *ks, const char *name,
    uint32_t *id);
/* A given key, or NULL. */
const uint8_t *keys_find(const struct keys *ks, const char *name,
    uint32_t id);

#endif
