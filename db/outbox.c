/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Queries of the outbox, the console's accounts and the audit log
 * (db.h), in the same pattern as query.c.
 */
#include <string.h>

#include "base/xmalloc.h"
#include "db/db_int.h"

static const char *const mt_state_name[] = {
	[DB_MT_QUEUED] = "queued",
	[DB_MT_DONE] = "done",
	[DB_MT_FAILED] = "failed",
};

/* The state's name in the table, or NULL for a value out of the enum. */
static const char *
state_name(enum db_mt_state s)
{
	return (unsigned)s < ARRAY_SIZE(mt_state_name) ? mt_state_name[s] :
	    NULL;
}

static enum db_mt_state
state_parse(const char *s)
{
	for (size_t i = 0; s != NULL && i < ARRAY_SIZE(mt_state_name); i++) {
		if (strcmp(s, mt_state_name[i]) == 0)
			return (enum db_mt_state)i;
	}
	return DB_MT_FAILED;	/* cannot happen: a CHECK constraint */
}

/* An UPDATE that matched no queued MT. */
static int
changed_queued(struct db *db, const char *what, int64_t id)
{
	if (sqlite3_changes(db->h) > 0)
		return 0;
	db_fail(db, SQLITE_NOTFOUND, "%s: no queued MT %lld", what,
	    (long long)id);
	return -1;
}

/* --- the outbox ---------------------------------------------------- */

int
db_mt_add(struct db *db, const struct db_mt *m, int64_t *id)
{
	sqlite3_stmt *st = db_use(db, DB_ST_MT_ADD);

	db_bind_text(db, st, "$link", m->link);
	db_bind_text(db, st, "$state", state_name(m->state));
	db_bind_blob(db, st, "$sealed", m->sealed, m->sealed_len);
	if (m->sealed != NULL)
		db_bind_i64(db, st, "$key_id", m->key_id);
	db_bind_i64(db, st, "$attempts", m->attempts);
	db_bind_i64(db, st, "$next_attempt", m->next_attempt);
	db_bind_i64(db, st, "$created", m->created);
	db_bind_i64(db, st, "$finished", m->finished);
	db_bind_i64(db, st, "$last_status", m->last_status);
	db_bind_text(db, st, "$why", m->why);
	if (db_run(db, st) != 0)
		return -1;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(db->h);
	return 0;
}

int
db_mt_set_sealed(struct db *db, int64_t id, const uint8_t *sealed,
    size_t len, uint32_t key_id)
{
	sqlite3_stmt *st = db_use(db, DB_ST_MT_SET_SEALED);

	db_bind_i64(db, st, "$id", id);
	db_bind_blob(db, st, "$sealed", sealed, len);
	if (sealed != NULL)
		db_bind_i64(db, st, "$key_id", key_id);
	if (db_run(db, st) != 0)
		return -1;
	return changed_queued(db, "mt_set_sealed", id);
}

int
db_mt_retry(struct db *db, int64_t id, unsigned attempts,
    int64_t next_attempt, uint32_t status)
{
	sqlite3_stmt *st = db_use(db, DB_ST_MT_RETRY);

	db_bind_i64(db, st, "$id", id);
	db_bind_i64(db, st, "$attempts", attempts);
	db_bind_i64(db, st, "$next_attempt", next_attempt);
	db_bind_i64(db, st, "$status", status);
	if (db_run(db, st) != 0)
		return -1;
	return changed_queued(db, "mt_retry", id);
}

int
db_mt_final(struct db *db, int64_t id, enum db_mt_state state, int64_t at,
    uint32_t status, const char *why)
{
	sqlite3_stmt *st;

	if (state != DB_MT_DONE && state != DB_MT_FAILED) {
		db_fail(db, SQLITE_MISUSE, "mt_final: state %d is not final",
		    (int)state);
		return -1;
	}
	st = db_use(db, DB_ST_MT_FINAL);
	db_bind_i64(db, st, "$id", id);
	db_bind_text(db, st, "$state", state_name(state));
	db_bind_i64(db, st, "$at", at);
	db_bind_i64(db, st, "$status", status);
	db_bind_text(db, st, "$why", why);
	if (db_run(db, st) != 0)
		return -1;
	return changed_queued(db, "mt_final", id);
}

/* The columns of MT_COLS (stmt.c), in order. */
static void
read_mt(sqlite3_stmt *st, struct db_mt *m)
{
	memset(m, 0, sizeof *m);
	m->id = sqlite3_column_int64(st, 0);
	m->link = db_col_text(st, 1);
	m->state = state_parse(db_col_text(st, 2));
	m->sealed = db_col_blob(st, 3, &m->sealed_len);
	m->key_id = (uint32_t)sqlite3_column_int64(st, 4);
	m->attempts = (unsigned)sqlite3_column_int64(st, 5);
	m->next_attempt = sqlite3_column_int64(st, 6);
	m->created = sqlite3_column_int64(st, 7);
	m->finished = sqlite3_column_int64(st, 8);
	m->last_status = (uint32_t)sqlite3_column_int64(st, 9);
	m->why = db_col_text(st, 10);
}

int
db_mt_each_queued(struct db *db, void (*fn)(void *arg, const struct db_mt *m),
    void *arg)
{
	sqlite3_stmt *st = db_use(db, DB_ST_MT_EACH_QUEUED);
	struct db_mt m;
	int rc;

	while ((rc = db_step(db, st)) == 1) {
		read_mt(st, &m);
		fn(arg, &m);
	}
	db_done(st);
	return rc;
}

int
db_mt_get(struct db *db, int64_t id,
    void (*fn)(void *arg, const struct db_mt *m), void *arg)
{
	sqlite3_stmt *st = db_use(db, DB_ST_MT_GET);
	struct db_mt m;
	int rc;

	db_bind_i64(db, st, "$id", id);
	if ((rc = db_step(db, st)) == 1) {
		read_mt(st, &m);
		fn(arg, &m);
	}
	db_done(st);
	return rc;
}

int
db_mt_count(struct db *db, enum db_mt_state state, int64_t *n)
{
	sqlite3_stmt *st = db_use(db, DB_ST_MT_COUNT);
	int rc;

	db_bind_text(db, st, "$state", state_name(state));
	if ((rc = db_step(db, st)) == 1)
		*n = sqlite3_column_int64(st, 0);
	db_done(st);
	return rc == 1 ? 0 : -1;
}

/* --- accounts ------------------------------------------------------ */

int
db_user_add(struct db *db, const char *name, const char *pw_hash,
    const char *role, int64_t created, int64_t *id)
{
	sqlite3_stmt *st = db_use(db, DB_ST_USER_ADD);

	db_bind_text(db, st, "$name", name);
	db_bind_text(db, st, "$pw_hash", pw_hash);
	db_bind_text(db, st, "$role", role);
	db_bind_i64(db, st, "$created", created);
	if (db_run(db, st) != 0)
		return -1;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(db->h);
	return 0;
}

int
db_user_get(struct db *db, const char *name,
    void (*fn)(void *arg, int64_t id, const char *pw_hash, const char *role,
    int disabled), void *arg)
{
	sqlite3_stmt *st = db_use(db, DB_ST_USER_GET);
	int rc;

	db_bind_text(db, st, "$name", name);
	if ((rc = db_step(db, st)) == 1)
		fn(arg, sqlite3_column_int64(st, 0), db_col_text(st, 1),
		    db_col_text(st, 2), sqlite3_column_int(st, 3));
	db_done(st);
	return rc;
}

/* --- the audit log ------------------------------------------------- */

int
db_audit_append(struct db *db, int64_t at, int64_t actor, const char *action,
    const char *object, const char *detail,
    const uint8_t detail_hash[DB_HASH_LEN], const uint8_t prev[DB_HASH_LEN],
    const uint8_t hash[DB_HASH_LEN])
{
	sqlite3_stmt *st = db_use(db, DB_ST_AUDIT_APPEND);

	db_bind_i64(db, st, "$at", at);
	db_bind_i64(db, st, "$actor", actor);
	db_bind_text(db, st, "$action", action);
	db_bind_text(db, st, "$object", object);
	db_bind_text(db, st, "$detail", detail);
	db_bind_blob(db, st, "$detail_hash", detail_hash, DB_HASH_LEN);
	db_bind_blob(db, st, "$prev", prev, DB_HASH_LEN);
	db_bind_blob(db, st, "$hash", hash, DB_HASH_LEN);
	if (db_run(db, st) != 0)
		return -1;
	if (sqlite3_changes(db->h) > 0)
		return 0;
	db_fail(db, SQLITE_CONSTRAINT, "audit_append: prev is not the hash "
	    "of the last entry");
	return -1;
}

int
db_audit_head(struct db *db, uint8_t hash[DB_HASH_LEN], int64_t *id)
{
	sqlite3_stmt *st = db_use(db, DB_ST_AUDIT_HEAD);
	const uint8_t *h;
	size_t n;
	int rc;

	memset(hash, 0, DB_HASH_LEN);
	if (id != NULL)
		*id = 0;
	if ((rc = db_step(db, st)) == 1) {
		if (id != NULL)
			*id = sqlite3_column_int64(st, 0);
		h = db_col_blob(st, 1, &n);
		if (h != NULL)
			memcpy(hash, h, n < DB_HASH_LEN ? n : DB_HASH_LEN);
	}
	db_done(st);
	return rc < 0 ? -1 : 0;
}
