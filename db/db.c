/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The connection: open (file mode, PRAGMAs, migrations, statements),
 * errors, transactions, the WAL, and the helpers the query files share
 * (db_int.h). Queries are in query.c and outbox.c, backups in backup.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/xmalloc.h"
#include "db/db_int.h"
#include "db/schema.h"

/*
 * How long a statement waits for a lock another connection holds (the
 * admin tool, a backup) before failing with SQLITE_BUSY. Longer than
 * any write the admin tool makes, short enough that a stuck lock shows
 * as temporary errors rather than a silent stall of the writer.
 */
#define DB_BUSY_MS 5000

/* --- the file ------------------------------------------------------ */

/*
 * Drops group and other permissions from an existing file. Returns 0
 * (also if it does not exist), or -1 with *cause.
 */
static int
make_private(const char *path, int fd, char **cause)
{
	struct stat sb;

	if (fstat(fd, &sb) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	if ((sb.st_mode & 077) == 0)
		return 0;
	if (fchmod(fd, sb.st_mode & 0700) != 0) {
		*cause = xasprintf("%s is readable by other users and cannot "
		    "be made private: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Creates path with mode 0600 before SQLite opens it (SQLite would use
 * 0644 & ~umask), and makes path and its -wal and -shm private if they
 * exist (SQLite gives those the main file's mode). A file we may only
 * read is opened read-only: the store then fails with temporary errors.
 */
int
db_prepare_file(const char *path, char **cause)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(suffix); i++) {
		char *p = xasprintf("%s%s", path, suffix[i]);
		int fd = open(p, O_RDWR | O_CLOEXEC | (i == 0 ? O_CREAT : 0),
		    0600);

		if (fd < 0 && (errno == EACCES || errno == EROFS))
			fd = open(p, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			rc = make_private(p, fd, cause);
			close(fd);
		} else if (i == 0 || errno != ENOENT) {
			/* (No -wal or -shm yet is normal: SQLite makes them
			 * with the main file's mode.) */
			*cause = xasprintf("cannot open %s: %s", p,
			    strerror(errno));
			rc = -1;
		}
		free(p);
	}
	return rc;
}

/* --- errors -------------------------------------------------------- */

static int
rc_temporary(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
		return 1;
	default:
		return 0;
	}
}

/* Remembers the error that made SQLite roll the transaction back. */
static void
note_lost(struct db *db)
{
	if (db->in_txn && db->lost_rc == 0 && sqlite3_get_autocommit(db->h)) {
		db->lost_rc = db->rc;
		memcpy(db->lost_msg, db->msg, sizeof db->lost_msg);
	}
}

void
db_fail(struct db *db, int rc, const char *fmt, ...)
{
	va_list ap;

	db->rc = rc;
	va_start(ap, fmt);
	vsnprintf(db->msg, sizeof db->msg, fmt, ap);
	va_end(ap);
	note_lost(db);
}

void
db_fail_sqlite(struct db *db, int rc, const char *what)
{
	db_fail(db, rc, "%s: %s", what, sqlite3_errmsg(db->h));
}

const char *
db_error(struct db *db)
{
	return db->rc == 0 ? "not an error" : db->msg;
}

int
db_error_is_temporary(struct db *db)
{
	return rc_temporary(db->rc);
}

void
db_error_clear(struct db *db)
{
	db->rc = 0;
	db->msg[0] = '\0';
}

/* --- statements ---------------------------------------------------- */

static const char *
st_name(struct db *db, sqlite3_stmt *st)
{
	for (int i = 0; i < DB_ST__COUNT; i++) {
		if (db->st[i] == st)
			return db_st_name((enum db_st)i);
	}
	return "statement";
}

sqlite3_stmt *
db_use(struct db *db, enum db_st id)
{
	db->bind_rc = 0;
	db->bind_name = NULL;
	return db->st[id];
}

static void
bind_result(struct db *db, int rc, const char *name)
{
	if (rc != SQLITE_OK && db->bind_rc == 0) {
		db->bind_rc = rc;
		db->bind_name = name;
	}
}

/* The parameter's index, or 0 (recorded: a statement and its caller
 * disagree, a bug the tests catch). */
static int
param(struct db *db, sqlite3_stmt *st, const char *name)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (i == 0)
		bind_result(db, SQLITE_RANGE, name);
	return i;
}

void
db_bind_i64(struct db *db, sqlite3_stmt *st, const char *name, int64_t v)
{
	int i = param(db, st, name);

	if (i > 0)
		bind_result(db, sqlite3_bind_int64(st, i, v), name);
}

/* SQLITE_STATIC: every use ends in db_done, which clears the bindings
 * before the caller's buffers can go away. */
void
db_bind_text(struct db *db, sqlite3_stmt *st, const char *name,
    const char *v)
{
	int i = param(db, st, name);

	if (i > 0)
		bind_result(db, v == NULL ? sqlite3_bind_null(st, i) :
		    sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC), name);
}

void
db_bind_blob(struct db *db, sqlite3_stmt *st, const char *name,
    const void *p, size_t len)
{
	int i = param(db, st, name);

	if (i > 0)
		bind_result(db, p == NULL ? sqlite3_bind_null(st, i) :
		    sqlite3_bind_blob64(st, i, p, len, SQLITE_STATIC), name);
}

int
db_step(struct db *db, sqlite3_stmt *st)
{
	int rc;

	if (db->bind_rc != 0) {
		db_fail(db, db->bind_rc, "%s: cannot bind %s", st_name(db, st),
		    db->bind_name);
		return -1;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	db_fail_sqlite(db, rc, st_name(db, st));
	return -1;
}

void
db_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

int
db_run(struct db *db, sqlite3_stmt *st)
{
	int rc;

	while ((rc = db_step(db, st)) == 1)
		;
	db_done(st);
	return rc;
}

const char *
db_col_text(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

const uint8_t *
db_col_blob(sqlite3_stmt *st, int col, size_t *len)
{
	const uint8_t *p;

	if (sqlite3_column_type(st, col) == SQLITE_NULL) {
		*len = 0;
		return NULL;
	}
	p = sqlite3_column_blob(st, col);
	*len = (size_t)sqlite3_column_bytes(st, col);
	/* A zero-length blob reads as NULL from SQLite: keep it a blob. */
	return p != NULL ? p : (const uint8_t *)"";
}

/* --- open and close ------------------------------------------------ */

/* Counts the WAL after each commit (automatic checkpoints are off). */
static int
wal_hook(void *arg, sqlite3 *h, const char *name, int frames)
{
	struct db *db = arg;

	(void)h;
	(void)name;
	db->wal_frames = frames > 0 ? (unsigned)frames : 0;
	if (db->wal_frames < db->ckpt_frames)
		db->ckpt_frames = 0;	/* the WAL was restarted */
	return SQLITE_OK;
}

/* A PRAGMA that returns one value, which must read back as want. */
static int
pragma_expect(sqlite3 *h, const char *sql, const char *want, char **cause)
{
	sqlite3_stmt *st = NULL;
	const char *got = NULL;
	int rc, ok;

	rc = sqlite3_prepare_v2(h, sql, -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		got = (const char *)sqlite3_column_text(st, 0);
	ok = got != NULL && strcmp(got, want) == 0;
	if (!ok)
		*cause = xasprintf("%s gave %s (expected %s)%s%s", sql,
		    got != NULL ? got : "no value", want,
		    got == NULL ? ": " : "", got == NULL ? sqlite3_errmsg(h) : "");
	sqlite3_finalize(st);
	return ok ? 0 : -1;
}

static int
exec(sqlite3 *h, const char *sql, char **cause)
{
	if (sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	*cause = xasprintf("%s: %s", sql, sqlite3_errmsg(h));
	return -1;
}

static int
configure(struct db *db, enum db_sync sync, char **cause)
{
	sqlite3 *h = db->h;
	sqlite3_stmt *st = NULL;

	sqlite3_extended_result_codes(h, 1);
	sqlite3_busy_timeout(h, DB_BUSY_MS);
	/* No writable_schema, no double-quoted strings taken as literals
	 * (a typo in a column name would silently become a string). */
	sqlite3_db_config(h, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
	sqlite3_db_config(h, SQLITE_DBCONFIG_DQS_DDL, 0, (int *)NULL);
	sqlite3_db_config(h, SQLITE_DBCONFIG_DQS_DML, 0, (int *)NULL);
	sqlite3_db_config(h, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
	if (pragma_expect(h, "PRAGMA journal_mode = WAL", "wal", cause) != 0 ||
	    exec(h, sync == DB_SYNC_NORMAL ? "PRAGMA synchronous = NORMAL" :
	    "PRAGMA synchronous = FULL", cause) != 0 ||
	    exec(h, "PRAGMA secure_delete = ON", cause) != 0 ||
	    exec(h, "PRAGMA foreign_keys = ON", cause) != 0 ||
	    pragma_expect(h, "PRAGMA foreign_keys", "1", cause) != 0 ||
	    exec(h, "PRAGMA wal_autocheckpoint = 0", cause) != 0)
		return -1;
	sqlite3_wal_hook(h, wal_hook, db);
	if (sqlite3_prepare_v2(h, "PRAGMA max_page_count", -1, &st,
	    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		db->default_max_pages = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

static int
prepare_all(struct db *db, char **cause)
{
	for (int i = 0; i < DB_ST_KS_FIRST; i++) {
		int rc = sqlite3_prepare_v3(db->h, db_st_sql((enum db_st)i), -1,
		    SQLITE_PREPARE_PERSISTENT, &db->st[i], NULL);

		if (rc != SQLITE_OK) {
			*cause = xasprintf("cannot prepare %s: %s",
			    db_st_name((enum db_st)i), sqlite3_errmsg(db->h));
			return -1;
		}
	}
	return 0;
}

int
db_open(const char *path, enum db_sync sync, struct db **out, char **cause)
{
	struct db *db = xcalloc(1, sizeof *db);
	char *why = NULL;
	int rc;

	*out = NULL;
	if (db_prepare_file(path, &why) != 0)
		goto fail;
	rc = sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		why = xstrdup(db->h != NULL ? sqlite3_errmsg(db->h) :
		    sqlite3_errstr(rc));
		goto fail;
	}
	if (configure(db, sync, &why) != 0 ||
	    db_schema_migrate(db->h, db_schema_steps, db_schema_nsteps,
	    &db->version, &why) != 0 ||
	    db_schema_check(db->h, &db->version, &why) != 0 ||
	    prepare_all(db, &why) != 0)
		goto fail;
	*out = db;
	return 0;
fail:
	*cause = xasprintf("database %s: %s", path, why);
	free(why);
	db_close(db);
	return -1;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	for (int i = 0; i < DB_ST__COUNT; i++)
		sqlite3_finalize(db->st[i]);
	/* The last connection to close checkpoints and removes the WAL. */
	sqlite3_close_v2(db->h);
	free(db);
}

int
db_version(struct db *db)
{
	return db->version;
}

int
db_readonly(struct db *db)
{
	return sqlite3_db_readonly(db->h, "main") == 1;
}

/* --- transactions -------------------------------------------------- */

/*
 * Was the transaction db_begin opened rolled back by an error? Then
 * whatever comes next must fail too: a SAVEPOINT would open a new
 * transaction and a job's writes would commit on their own.
 */
static int
txn_lost(struct db *db)
{
	if (!db->in_txn || !sqlite3_get_autocommit(db->h))
		return 0;
	db->rc = db->lost_rc != 0 ? db->lost_rc : SQLITE_ABORT;
	snprintf(db->msg, sizeof db->msg, "transaction rolled back by: %.200s",
	    db->lost_rc != 0 ? db->lost_msg : "an earlier error");
	return 1;
}

int
db_begin(struct db *db)
{
	if (db_run(db, db_use(db, DB_ST_BEGIN)) != 0)
		return -1;
	db->in_txn = 1;
	db->lost_rc = 0;
	return 0;
}

/* On failure the transaction may still be open: call db_rollback. */
int
db_commit(struct db *db)
{
	if (txn_lost(db)) {
		db->in_txn = 0;
		return -1;
	}
	if (db_run(db, db_use(db, DB_ST_COMMIT)) != 0)
		return -1;
	db->in_txn = 0;
	return 0;
}

void
db_rollback(struct db *db)
{
	db->in_txn = 0;
	if (!sqlite3_get_autocommit(db->h))
		(void)db_run(db, db_use(db, DB_ST_ROLLBACK));
}

int
db_savepoint(struct db *db)
{
	if (txn_lost(db))
		return -1;
	return db_run(db, db_use(db, DB_ST_SAVEPOINT));
}

int
db_release(struct db *db)
{
	if (txn_lost(db))
		return -1;
	return db_run(db, db_use(db, DB_ST_RELEASE));
}

void
db_rollback_savepoint(struct db *db)
{
	if (sqlite3_get_autocommit(db->h))
		return;		/* nothing left to undo */
	if (db_run(db, db_use(db, DB_ST_ROLLBACK_TO)) == 0)
		(void)db_run(db, db_use(db, DB_ST_RELEASE));
}

/* --- the WAL ------------------------------------------------------- */

int
db_checkpoint(struct db *db, enum db_checkpoint mode)
{
	int log = 0, done = 0, rc;

	rc = sqlite3_wal_checkpoint_v2(db->h, NULL,
	    mode == DB_CKPT_TRUNCATE ? SQLITE_CHECKPOINT_TRUNCATE :
	    SQLITE_CHECKPOINT_PASSIVE, &log, &done);
	if (rc != SQLITE_OK) {
		db_fail_sqlite(db, rc, "checkpoint");
		return -1;
	}
	if (log <= done) {
		/* All copied: the next write starts the WAL over. */
		db->wal_frames = db->ckpt_frames = 0;
	} else {
		db->wal_frames = (unsigned)log;
		db->ckpt_frames = (unsigned)done;
	}
	return 0;
}

unsigned
db_wal_pages(struct db *db)
{
	return db->wal_frames > db->ckpt_frames ?
	    db->wal_frames - db->ckpt_frames : 0;
}

/* --- test aid ------------------------------------------------------ */

int
db_set_max_pages(struct db *db, unsigned pages)
{
	char sql[64];

	/* A number, not outside input: PRAGMA takes no parameter. */
	snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld",
	    pages == 0 ? (long long)db->default_max_pages : (long long)pages);
	if (sqlite3_exec(db->h, sql, NULL, NULL, NULL) != SQLITE_OK) {
		db_fail_sqlite(db, sqlite3_errcode(db->h), "max_page_count");
		return -1;
	}
	return 0;
}
