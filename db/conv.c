/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Queries of the SMS conversations in progress (db.h, schema v3). The
 * rows hold a keyed hash of the sender's pseudonym and the menu state
 * sealed by the caller: nothing here can tell who is talking or what
 * they said, only that a conversation exists and when it expires.
 */
#include <string.h>

#include "db/db_int.h"

int
db_conv_put(struct db *db, const struct db_conv *c)
{
	sqlite3_stmt *st = db_use(db, DB_ST_CONV_PUT);

	db_bind_blob(db, st, "$key", c->key, DB_HASH_LEN);
	db_bind_blob(db, st, "$state", c->state, c->state_len);
	db_bind_i64(db, st, "$key_id", c->key_id);
	db_bind_i64(db, st, "$expires", c->expires);
	return db_run(db, st);
}

/* The columns of CONV_COLS (stmt.c), in order; 0 if the key is not one
 * this build wrote (then the row is skipped). */
static int
read_conv(sqlite3_stmt *st, struct db_conv *c)
{
	size_t n;

	memset(c, 0, sizeof *c);
	c->key = db_col_blob(st, 0, &n);
	if (c->key == NULL || n != DB_HASH_LEN)
		return 0;
	c->state = db_col_blob(st, 1, &c->state_len);
	c->key_id = (uint32_t)sqlite3_column_int64(st, 2);
	c->expires = sqlite3_column_int64(st, 3);
	return 1;
}

int
db_conv_get(struct db *db, const uint8_t key[DB_HASH_LEN],
    void (*fn)(void *arg, const struct db_conv *c), void *arg)
{
	sqlite3_stmt *st = db_use(db, DB_ST_CONV_GET);
	struct db_conv c;
	int rc;

	db_bind_blob(db, st, "$key", key, DB_HASH_LEN);
	if ((rc = db_step(db, st)) == 1 && read_conv(st, &c))
		fn(arg, &c);
	db_done(st);
	return rc;
}

int
db_conv_delete(struct db *db, const uint8_t key[DB_HASH_LEN])
{
	sqlite3_stmt *st = db_use(db, DB_ST_CONV_DELETE);

	db_bind_blob(db, st, "$key", key, DB_HASH_LEN);
	return db_run(db, st);
}

int
db_conv_each(struct db *db, void (*fn)(void *arg, const struct db_conv *c),
    void *arg)
{
	sqlite3_stmt *st = db_use(db, DB_ST_CONV_EACH);
	struct db_conv c;
	int rc;

	while ((rc = db_step(db, st)) == 1)
		if (read_conv(st, &c))
			fn(arg, &c);
	db_done(st);
	return rc;
}

int
db_conv_expire(struct db *db, int64_t now, int64_t *n)
{
	sqlite3_stmt *st = db_use(db, DB_ST_CONV_EXPIRE);

	db_bind_i64(db, st, "$now", now);
	if (db_run(db, st) != 0)
		return -1;
	if (n != NULL)
		*n = sqlite3_changes(db->h);
	return 0;
}
