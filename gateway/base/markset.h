/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A set of counted-once marks (16-octet keyed hashes, each with the epoch
 * it belongs to), in memory. Why not an index in the database: the marks
 * are random, so every insert into a B-tree dirties a random page, and
 * the writer's commits grew by that many 4 KiB WAL frames (the durable
 * rate fell by a quarter). The database keeps the marks as an append-only
 * log instead, read back into this set at start.
 *
 * Open addressing (marks are uniform hashes: their first octets are the
 * hash), doubling up to NV_MARKS_MAX entries; past that, ms_add refuses
 * and the caller counts the report (documented over-count, logged).
 * Not thread-safe: the store uses it from its writer thread only.
 */
#ifndef NV_MARKSET_H
#define NV_MARKSET_H

#include <stddef.h>
#include <stdint.h>

#define MS_MARK_LEN 16

struct markset;

struct markset *ms_new(void);
void ms_free(struct markset *m);

/* 1 if mark is in the set (any epoch), else 0. */
int ms_has(const struct markset *m, const uint8_t mark[MS_MARK_LEN]);
/* Adds mark: 1 added, 0 already there, -1 the set is full. */
int ms_add(struct markset *m, const uint8_t mark[MS_MARK_LEN], int64_t epoch);
/* Forgets the marks of epochs before epoch. */
void ms_expire(struct markset *m, int64_t epoch);
size_t ms_count(const struct markset *m);

#endif
