/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The private half of db.h (as SQLite pairs btree.h with btreeInt.h):
 * struct db and the helpers every query file uses, implemented in db.c.
 *
 * How a query runs (and why it cannot leak a statement's state):
 *
 *	st = db_use(db, DB_ST_X);		   clears the bind error
 *	db_bind_i64(db, st, "$id", id);		   a failed bind is remembered
 *	rc = db_step(db, st);			   -1 if a bind failed
 *	... read columns while rc == 1 ...
 *	db_done(st);				   reset + clear bindings
 *
 * db_run() is step-to-the-end plus db_done() for statements that return
 * no row. Every path out of a query goes through db_done(), so the next
 * use starts clean and no read snapshot stays open.
 *
 * Private to db/.
 */
#ifndef NV_DB_INT_H
#define NV_DB_INT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "db/stmt.h"

/* Longest error description kept (sqlite's own messages are short). */
#define DB_ERRMSG_MAX 256

struct db {
	sqlite3 *h;
	sqlite3_stmt *st[DB_ST__COUNT];
	int version;

	int rc;				/* extended code of the last error */
	char msg[DB_ERRMSG_MAX];	/* its description */

	int bind_rc;			/* first failed bind since db_use */
	const char *bind_name;

	int in_txn;			/* db_begin succeeded, not yet ended */
	int lost_rc;			/* the error that rolled it back */
	char lost_msg[DB_ERRMSG_MAX];

	unsigned wal_frames;		/* WAL size after the last commit */
	unsigned ckpt_frames;		/* of those, copied back already */
	int64_t default_max_pages;	/* max_page_count at open */
};

/*
 * Creates path (mode 0600) if absent and makes it and its -wal and -shm
 * private; a file we may only read is left for SQLite to open read-only.
 */
int db_prepare_file(const char *path, char **cause);

/* Starts a use of statement id. */
sqlite3_stmt *db_use(struct db *db, enum db_st id);

/* Bind by name; NULL pointers bind SQL NULL. Errors are kept for
 * db_step/db_run. */
void db_bind_i64(struct db *db, sqlite3_stmt *st, const char *name,
    int64_t v);
void db_bind_text(struct db *db, sqlite3_stmt *st, const char *name,
    const char *v);
void db_bind_blob(struct db *db, sqlite3_stmt *st, const char *name,
    const void *p, size_t len);

/* 1: a row is ready; 0: done; -1: error (recorded). */
int db_step(struct db *db, sqlite3_stmt *st);
/* Resets st and clears its bindings: the end of every use. */
void db_done(sqlite3_stmt *st);
/* Steps st to its end, then db_done. 0 or -1. */
int db_run(struct db *db, sqlite3_stmt *st);

/* Records an error of our own (rc is an SQLite code: SQLITE_CONSTRAINT,
 * SQLITE_MISUSE, ...). */
void db_fail(struct db *db, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Records the connection's current error, prefixed with what failed. */
void db_fail_sqlite(struct db *db, int rc, const char *what);

/* Column readers: NULL stays NULL (text, blob) or 0 (integers). */
const char *db_col_text(sqlite3_stmt *st, int col);
const uint8_t *db_col_blob(sqlite3_stmt *st, int col, size_t *len);

#endif
