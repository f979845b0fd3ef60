/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Queries of the ingestion path (db.h): inbound deduplication, reports
 * (also by case code) and their events, waiting parts. Each function is one statement of
 * the table in stmt.c, bound by name, and ends with db_done (db_int.h).
 */
#include <string.h>

#include "db/db_int.h"

/* An UPDATE that found no row is an error of the caller (no such id). */
static int
changed_one(struct db *db, const char *what, int64_t id)
{
	if (sqlite3_changes(db->h) > 0)
		return 0;
	db_fail(db, SQLITE_NOTFOUND, "%s: no row %lld", what, (long long)id);
	return -1;
}

/* --- inbound ------------------------------------------------------- */

int
db_inbound_seen(struct db *db, const uint8_t dedup[DB_HASH_LEN],
    int64_t *report_id)
{
	sqlite3_stmt *st = db_use(db, DB_ST_INBOUND_SEEN);
	int rc;

	if (report_id != NULL)
		*report_id = 0;
	db_bind_blob(db, st, "$dedup", dedup, DB_HASH_LEN);
	if ((rc = db_step(db, st)) == 1 && report_id != NULL)
		*report_id = sqlite3_column_int64(st, 0);
	db_done(st);
	return rc;
}

int
db_inbound_add(struct db *db, const uint8_t dedup[DB_HASH_LEN],
    const char *link, int64_t at, const char *kind, int64_t report_id)
{
	sqlite3_stmt *st = db_use(db, DB_ST_INBOUND_ADD);

	db_bind_blob(db, st, "$dedup", dedup, DB_HASH_LEN);
	db_bind_text(db, st, "$link", link);
	db_bind_i64(db, st, "$at", at);
	db_bind_text(db, st, "$kind", kind);
	db_bind_i64(db, st, "$report_id", report_id);
	if (db_run(db, st) != 0)
		return -1;
	return sqlite3_changes(db->h) == 0 ? 1 : 0;
}

int
db_inbound_expire(struct db *db, int64_t before)
{
	sqlite3_stmt *st = db_use(db, DB_ST_INBOUND_EXPIRE);

	db_bind_i64(db, st, "$before", before);
	return db_run(db, st);
}

/* --- reports ------------------------------------------------------- */

int
db_report_add(struct db *db, const struct db_report *r, int64_t *id)
{
	sqlite3_stmt *st = db_use(db, DB_ST_REPORT_ADD);

	db_bind_blob(db, st, "$case_hash", r->case_hash, DB_HASH_LEN);
	db_bind_text(db, st, "$category", r->category);
	db_bind_text(db, st, "$region", r->region);
	db_bind_text(db, st, "$cercle", r->cercle);
	db_bind_text(db, st, "$commune", r->commune);
	db_bind_text(db, st, "$queue", r->queue);
	db_bind_i64(db, st, "$urgent", r->urgent != 0);
	db_bind_text(db, st, "$status", r->status);
	db_bind_text(db, st, "$language", r->language);
	db_bind_text(db, st, "$channel", r->channel);
	db_bind_text(db, st, "$link", r->link);
	db_bind_i64(db, st, "$received", r->received);
	db_bind_blob(db, st, "$narrative", r->narrative, r->narrative_len);
	if (r->narrative != NULL)	/* else key_id stays NULL */
		db_bind_i64(db, st, "$key_id", r->key_id);
	db_bind_i64(db, st, "$incomplete", r->incomplete != 0);
	db_bind_i64(db, st, "$counted", r->counted != 0);
	db_bind_text(db, st, "$flags", r->flags);
	db_bind_text(db, st, "$axis", r->axis);
	db_bind_text(db, st, "$weapon", r->weapon);
	db_bind_text(db, st, "$weapon_count", r->weapon_count);
	db_bind_text(db, st, "$involved", r->involved);
	db_bind_i64(db, st, "$partial", r->partial != 0);
	if (db_run(db, st) != 0)
		return -1;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(db->h);
	return 0;
}

int
db_report_set_narrative(struct db *db, int64_t id, const uint8_t *sealed,
    size_t len, uint32_t key_id)
{
	sqlite3_stmt *st = db_use(db, DB_ST_REPORT_SET_NARRATIVE);

	db_bind_i64(db, st, "$id", id);
	db_bind_blob(db, st, "$narrative", sealed, len);
	if (sealed != NULL)
		db_bind_i64(db, st, "$key_id", key_id);
	if (db_run(db, st) != 0)
		return -1;
	return changed_one(db, "report_set_narrative", id);
}

/* The columns of REPORT_COLS (stmt.c), in order. */
static void
read_report(sqlite3_stmt *st, struct db_report *r)
{
	size_t n;

	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	r->case_hash = db_col_blob(st, 1, &n);
	if (n != DB_HASH_LEN)
		r->case_hash = NULL;
	r->category = db_col_text(st, 2);
	r->region = db_col_text(st, 3);
	r->cercle = db_col_text(st, 4);
	r->commune = db_col_text(st, 5);
	r->queue = db_col_text(st, 6);
	r->urgent = sqlite3_column_int(st, 7);
	r->status = db_col_text(st, 8);
	r->language = db_col_text(st, 9);
	r->channel = db_col_text(st, 10);
	r->link = db_col_text(st, 11);
	r->received = sqlite3_column_int64(st, 12);
	r->narrative = db_col_blob(st, 13, &r->narrative_len);
	r->key_id = (uint32_t)sqlite3_column_int64(st, 14);
	r->incomplete = sqlite3_column_int(st, 15);
	r->counted = sqlite3_column_int(st, 16);
	r->flags = db_col_text(st, 17);
	r->acked_at = sqlite3_column_int64(st, 18);
	r->escalated_at = sqlite3_column_int64(st, 19);
	r->closed_at = sqlite3_column_int64(st, 20);
	r->axis = db_col_text(st, 21);
	r->weapon = db_col_text(st, 22);
	r->weapon_count = db_col_text(st, 23);
	r->involved = db_col_text(st, 24);
	r->partial = sqlite3_column_int(st, 25);
}

int
db_report_get(struct db *db, int64_t id,
    void (*fn)(void *arg, const struct db_report *r), void *arg)
{
	sqlite3_stmt *st = db_use(db, DB_ST_REPORT_GET);
	struct db_report r;
	int rc;

	db_bind_i64(db, st, "$id", id);
	if ((rc = db_step(db, st)) == 1) {
		read_report(st, &r);
		fn(arg, &r);
	}
	db_done(st);
	return rc;
}

int
db_report_by_case(struct db *db, const uint8_t case_hash[DB_HASH_LEN],
    void (*fn)(void *arg, const struct db_report *r), void *arg)
{
	sqlite3_stmt *st = db_use(db, DB_ST_REPORT_BY_CASE);
	struct db_report r;
	int rc;

	db_bind_blob(db, st, "$case_hash", case_hash, DB_HASH_LEN);
	if ((rc = db_step(db, st)) == 1 && fn != NULL) {
		read_report(st, &r);
		fn(arg, &r);
	}
	db_done(st);
	return rc;
}

/* Reads the one integer a count(*) statement returns. */
static int
count(struct db *db, sqlite3_stmt *st, int64_t *n)
{
	int rc = db_step(db, st);

	if (rc == 1)
		*n = sqlite3_column_int64(st, 0);
	db_done(st);
	return rc == 1 ? 0 : -1;
}

int
db_report_count(struct db *db, int64_t *n)
{
	return count(db, db_use(db, DB_ST_REPORT_COUNT), n);
}

int
db_report_each(struct db *db,
    void (*fn)(void *arg, const struct db_report *r), void *arg)
{
	sqlite3_stmt *st = db_use(db, DB_ST_REPORT_EACH);
	struct db_report r;
	int rc;

	while ((rc = db_step(db, st)) == 1) {
		read_report(st, &r);
		fn(arg, &r);
	}
	db_done(st);
	return rc;
}

int
db_report_set_status(struct db *db, int64_t id, const char *status,
    int64_t at)
{
	sqlite3_stmt *st = db_use(db, DB_ST_REPORT_SET_STATUS);

	db_bind_i64(db, st, "$id", id);
	db_bind_i64(db, st, "$at", at);
	db_bind_text(db, st, "$status", status);
	if (db_run(db, st) != 0)
		return -1;
	return changed_one(db, "report_set_status", id);
}

int
db_event_add(struct db *db, int64_t report_id, int64_t at, const char *kind,
    const uint8_t *sealed, size_t len, uint32_t key_id, int64_t actor,
    int64_t *id)
{
	sqlite3_stmt *st = db_use(db, DB_ST_EVENT_ADD);

	db_bind_i64(db, st, "$report_id", report_id);
	db_bind_i64(db, st, "$at", at);
	db_bind_text(db, st, "$kind", kind);
	db_bind_blob(db, st, "$body", sealed, len);
	if (sealed != NULL)
		db_bind_i64(db, st, "$key_id", key_id);
	db_bind_i64(db, st, "$actor", actor);
	if (db_run(db, st) != 0)
		return -1;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(db->h);
	return 0;
}

int
db_event_set_body(struct db *db, int64_t id, const uint8_t *sealed,
    size_t len, uint32_t key_id)
{
	sqlite3_stmt *st = db_use(db, DB_ST_EVENT_SET_BODY);

	db_bind_i64(db, st, "$id", id);
	db_bind_blob(db, st, "$body", sealed, len);
	if (sealed != NULL)
		db_bind_i64(db, st, "$key_id", key_id);
	if (db_run(db, st) != 0)
		return -1;
	return changed_one(db, "event_set_body", id);
}

int
db_event_last(struct db *db, int64_t report_id, const char *kind,
    void (*fn)(void *arg, const struct db_event *e), void *arg)
{
	sqlite3_stmt *st = db_use(db, DB_ST_EVENT_LAST);
	struct db_event e;
	int rc;

	db_bind_i64(db, st, "$report_id", report_id);
	db_bind_text(db, st, "$kind", kind);
	if ((rc = db_step(db, st)) == 1) {
		/* The columns of EVENT_COLS (stmt.c), in order. */
		memset(&e, 0, sizeof e);
		e.id = sqlite3_column_int64(st, 0);
		e.report_id = sqlite3_column_int64(st, 1);
		e.at = sqlite3_column_int64(st, 2);
		e.kind = db_col_text(st, 3);
		e.body = db_col_blob(st, 4, &e.body_len);
		e.key_id = (uint32_t)sqlite3_column_int64(st, 5);
		e.actor = sqlite3_column_int64(st, 6);
		fn(arg, &e);
	}
	db_done(st);
	return rc;
}

/* --- parts --------------------------------------------------------- */

int
db_part_add(struct db *db, const struct db_part *p)
{
	sqlite3_stmt *st = db_use(db, DB_ST_PART_ADD);

	db_bind_blob(db, st, "$msg_key", p->msg_key, DB_HASH_LEN);
	db_bind_i64(db, st, "$seq", p->seq);
	db_bind_i64(db, st, "$total", p->total);
	db_bind_text(db, st, "$link", p->link);
	db_bind_i64(db, st, "$at", p->at);
	db_bind_blob(db, st, "$sealed", p->sealed, p->sealed_len);
	db_bind_i64(db, st, "$key_id", p->key_id);
	return db_run(db, st);
}

int
db_part_delete(struct db *db, const uint8_t msg_key[DB_HASH_LEN])
{
	sqlite3_stmt *st = db_use(db, DB_ST_PART_DELETE);

	db_bind_blob(db, st, "$msg_key", msg_key, DB_HASH_LEN);
	return db_run(db, st);
}

int
db_part_each(struct db *db, void (*fn)(void *arg, const struct db_part *p),
    void *arg)
{
	sqlite3_stmt *st = db_use(db, DB_ST_PART_EACH);
	struct db_part p;
	size_t n;
	int rc;

	while ((rc = db_step(db, st)) == 1) {
		memset(&p, 0, sizeof p);
		p.id = sqlite3_column_int64(st, 0);
		p.msg_key = db_col_blob(st, 1, &n);
		if (n != DB_HASH_LEN)
			continue;	/* not a key this build wrote */
		p.seq = (uint8_t)sqlite3_column_int(st, 2);
		p.total = (uint8_t)sqlite3_column_int(st, 3);
		p.link = db_col_text(st, 4);
		p.at = sqlite3_column_int64(st, 5);
		p.sealed = db_col_blob(st, 6, &p.sealed_len);
		p.key_id = (uint32_t)sqlite3_column_int64(st, 7);
		fn(arg, &p);
	}
	db_done(st);
	return rc;
}
