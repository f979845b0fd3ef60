/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Queries of routing and privacy (db.h): the queues of a report,
 * acknowledgement and escalation, the "counted once" marks, the vault of
 * reply paths with its key store, and retention.
 */
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "db/db_int.h"

static int
changed_one(struct db *db, const char *what, int64_t id)
{
	if (sqlite3_changes(db->h) > 0)
		return 0;
	db_fail(db, SQLITE_NOTFOUND, "%s: no row %lld", what, (long long)id);
	return -1;
}

/* --- queues, acknowledgement, escalation ---------------------------- */

int
db_report_queue_add(struct db *db, int64_t report_id, const char *queue)
{
	sqlite3_stmt *st = db_use(db, DB_ST_REPORT_QUEUE_ADD);

	db_bind_text(db, st, "$queue", queue);
	db_bind_i64(db, st, "$report_id", report_id);
	return db_run(db, st);
}

int
db_report_queues(struct db *db, int64_t report_id,
    void (*fn)(void *arg, const char *queue), void *arg)
{
	sqlite3_stmt *st = db_use(db, DB_ST_REPORT_QUEUES);
	int rc;

	db_bind_i64(db, st, "$report_id", report_id);
	while ((rc = db_step(db, st)) == 1)
		fn(arg, db_col_text(st, 0));
	db_done(st);
	return rc;
}

int
db_report_ack(struct db *db, int64_t id, int64_t at)
{
	sqlite3_stmt *st = db_use(db, DB_ST_REPORT_ACK);

	db_bind_i64(db, st, "$id", id);
	db_bind_i64(db, st, "$at", at);
	if (db_run(db, st) != 0)
		return -1;
	return changed_one(db, "report_ack", id);
}

int
db_report_escalate(struct db *db, int64_t id, int64_t at)
{
	sqlite3_stmt *st = db_use(db, DB_ST_REPORT_ESCALATE);

	db_bind_i64(db, st, "$id", id);
	db_bind_i64(db, st, "$at", at);
	if (db_run(db, st) != 0)
		return -1;
	return sqlite3_changes(db->h) > 0 ? 1 : 0;
}

int
db_urgent_each(struct db *db,
    void (*fn)(void *arg, int64_t id, const char *queue), void *arg)
{
	sqlite3_stmt *st = db_use(db, DB_ST_URGENT_PENDING);
	int rc;

	while ((rc = db_step(db, st)) == 1)
		fn(arg, sqlite3_column_int64(st, 0), db_col_text(st, 1));
	db_done(st);
	return rc;
}

int
db_counted_add(struct db *db, const uint8_t mark[DB_MARK_LEN], int64_t epoch)
{
	sqlite3_stmt *st = db_use(db, DB_ST_COUNTED_MARK);

	db_bind_blob(db, st, "$mark", mark, DB_MARK_LEN);
	db_bind_i64(db, st, "$epoch", epoch);
	return db_run(db, st);
}

int
db_counted_each(struct db *db,
    void (*fn)(void *arg, const uint8_t mark[DB_MARK_LEN], int64_t epoch),
    void *arg)
{
	sqlite3_stmt *st = db_use(db, DB_ST_COUNTED_EACH);
	const uint8_t *p;
	size_t n;
	int rc;

	while ((rc = db_step(db, st)) == 1) {
		p = db_col_blob(st, 0, &n);
		if (p != NULL && n == DB_MARK_LEN)
			fn(arg, p, sqlite3_column_int64(st, 1));
	}
	db_done(st);
	return rc;
}

int
db_counted_expire(struct db *db, int64_t epoch)
{
	sqlite3_stmt *st = db_use(db, DB_ST_COUNTED_EXPIRE);

	db_bind_i64(db, st, "$epoch", epoch);
	return db_run(db, st);
}

/* --- the key store ------------------------------------------------- */

static int
ks_exec(struct db *db, const char *sql, char **cause)
{
	if (sqlite3_exec(db->h, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	*cause = xasprintf("%s: %s", sql, sqlite3_errmsg(db->h));
	return -1;
}

/* The key store's schema: one table, created here (no migrations yet). */
static const char ks_schema[] =
    "CREATE TABLE IF NOT EXISTS ks.case_keys (\n"
    "  report_id INTEGER PRIMARY KEY, -- the case (vault row) it opens\n"
    "  key BLOB NOT NULL              -- 32 random octets\n"
    ")";

int
db_attach_keys(struct db *db, const char *path, char **cause)
{
	sqlite3_stmt *st = NULL;
	char *why = NULL;
	int rc;

	if (db_prepare_file(path, &why) != 0)
		goto fail;
	rc = sqlite3_prepare_v2(db->h, "ATTACH DATABASE ?1 AS ks", -1, &st,
	    NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_DONE)
		rc = SQLITE_OK;
	sqlite3_finalize(st);
	if (rc != SQLITE_OK) {
		why = xasprintf("cannot attach: %s", sqlite3_errmsg(db->h));
		goto fail;
	}
	/* A rollback journal, not WAL: no old frame keeps a deleted key
	 * after the commit that deleted it. */
	if (ks_exec(db, "PRAGMA ks.journal_mode = DELETE", &why) != 0 ||
	    ks_exec(db, "PRAGMA ks.synchronous = FULL", &why) != 0 ||
	    ks_exec(db, "PRAGMA ks.secure_delete = ON", &why) != 0 ||
	    ks_exec(db, ks_schema, &why) != 0 ||
	    ks_exec(db, "DELETE FROM ks.case_keys WHERE report_id NOT IN "
	    "(SELECT report_id FROM main.vault WHERE shredded IS NULL)",
	    &why) != 0)
		goto fail;
	for (int i = DB_ST_KS_FIRST; i < DB_ST__COUNT; i++) {
		rc = sqlite3_prepare_v3(db->h, db_st_sql((enum db_st)i), -1,
		    SQLITE_PREPARE_PERSISTENT, &db->st[i], NULL);
		if (rc != SQLITE_OK) {
			why = xasprintf("cannot prepare %s: %s",
			    db_st_name((enum db_st)i), sqlite3_errmsg(db->h));
			goto fail;
		}
	}
	return 0;
fail:
	*cause = xasprintf("key store %s: %s", path, why);
	free(why);
	return -1;
}

/* Statements of the key store exist only once it is attached. */
static int
ks_ready(struct db *db)
{
	if (db->st[DB_ST_KS_FIRST] != NULL)
		return 0;
	db_fail(db, SQLITE_MISUSE, "the key store is not attached");
	return -1;
}

/* --- the vault ----------------------------------------------------- */

int
db_vault_add(struct db *db, int64_t report_id, const uint8_t key[DB_KEY_LEN],
    const uint8_t *sealed, size_t len, int64_t created, int64_t shred_at)
{
	sqlite3_stmt *st;

	if (ks_ready(db) != 0)
		return -1;
	st = db_use(db, DB_ST_VAULT_ADD);
	db_bind_i64(db, st, "$report_id", report_id);
	db_bind_blob(db, st, "$sealed", sealed, len);
	db_bind_i64(db, st, "$created", created);
	db_bind_i64(db, st, "$shred_at", shred_at);
	if (db_run(db, st) != 0)
		return -1;
	st = db_use(db, DB_ST_KEY_ADD);
	db_bind_i64(db, st, "$report_id", report_id);
	db_bind_blob(db, st, "$key", key, DB_KEY_LEN);
	return db_run(db, st);
}

int
db_vault_get(struct db *db, int64_t report_id, uint8_t key[DB_KEY_LEN],
    void (*fn)(void *arg, const uint8_t *sealed, size_t len), void *arg)
{
	sqlite3_stmt *st;
	const uint8_t *p;
	size_t n = 0;
	int rc;

	if (ks_ready(db) != 0)
		return -1;
	st = db_use(db, DB_ST_KEY_GET);
	db_bind_i64(db, st, "$report_id", report_id);
	rc = db_step(db, st);
	if (rc == 1) {
		p = db_col_blob(st, 0, &n);
		if (p == NULL || n != DB_KEY_LEN)
			rc = 0;		/* not a key this build wrote */
		else
			memcpy(key, p, DB_KEY_LEN);
	}
	db_done(st);
	if (rc != 1)
		return rc;
	st = db_use(db, DB_ST_VAULT_GET);
	db_bind_i64(db, st, "$report_id", report_id);
	if ((rc = db_step(db, st)) == 1) {
		p = db_col_blob(st, 0, &n);
		if (p == NULL || sqlite3_column_int64(st, 2) != 0)
			rc = 0;
		else
			fn(arg, p, n);
	}
	db_done(st);
	if (rc != 1)
		memset(key, 0, DB_KEY_LEN);
	return rc;
}

int
db_vault_shred(struct db *db, int64_t report_id, int64_t at)
{
	sqlite3_stmt *st;

	if (ks_ready(db) != 0)
		return -1;
	st = db_use(db, DB_ST_KEY_DELETE);
	db_bind_i64(db, st, "$report_id", report_id);
	if (db_run(db, st) != 0)
		return -1;
	st = db_use(db, DB_ST_VAULT_SHRED);
	db_bind_i64(db, st, "$report_id", report_id);
	db_bind_i64(db, st, "$at", at);
	return db_run(db, st);
}

int
db_vault_shred_by(struct db *db, int64_t report_id, int64_t at)
{
	sqlite3_stmt *st = db_use(db, DB_ST_VAULT_SHRED_BY);

	db_bind_i64(db, st, "$report_id", report_id);
	db_bind_i64(db, st, "$at", at);
	return db_run(db, st);
}

int
db_vault_due(struct db *db, int64_t now, int64_t closed_before, int64_t *ids,
    unsigned max, unsigned *n)
{
	sqlite3_stmt *st = db_use(db, DB_ST_VAULT_DUE);
	int rc;

	*n = 0;
	db_bind_i64(db, st, "$now", now);
	db_bind_i64(db, st, "$closed_before", closed_before);
	db_bind_i64(db, st, "$max", max);
	while ((rc = db_step(db, st)) == 1 && *n < max)
		ids[(*n)++] = sqlite3_column_int64(st, 0);
	db_done(st);
	return rc < 0 ? -1 : 0;
}

/* --- retention ----------------------------------------------------- */

int
db_purge(struct db *db, int64_t closed_before, int64_t audit_before,
    struct db_purged *out)
{
	sqlite3_stmt *st;

	memset(out, 0, sizeof *out);
	st = db_use(db, DB_ST_PURGE_EVENTS);
	db_bind_i64(db, st, "$before", closed_before);
	if (db_run(db, st) != 0)
		return -1;
	out->events = sqlite3_changes(db->h);
	st = db_use(db, DB_ST_PURGE_NARRATIVES);
	db_bind_i64(db, st, "$before", closed_before);
	if (db_run(db, st) != 0)
		return -1;
	out->narratives = sqlite3_changes(db->h);
	st = db_use(db, DB_ST_PURGE_AUDIT);
	db_bind_i64(db, st, "$before", audit_before);
	if (db_run(db, st) != 0)
		return -1;
	out->audit = sqlite3_changes(db->h);
	return 0;
}
