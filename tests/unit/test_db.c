/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The store's connection (db/db.h): the PRAGMAs really in effect, the
 * file mode, opening failures, transactions and savepoints, a full disk
 * (max_page_count) that makes SQLite roll a transaction back under us,
 * the error classification, named binding, and checkpoints. The queries
 * are in test_db_query.c.
 *
 * Uses db/db_int.h to query the connection's PRAGMAs and statements;
 * each test has its own database in a temporary directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/xmalloc.h"
#include "db/db.h"
#include "db/db_int.h"
#include "db_fx.h"


/* --- open ------------------------------------------------------------- */

static void
check_pragmas(struct db *db, int64_t sync)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db->h, "PRAGMA journal_mode", -1,
	    &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	assert_int_equal(pragma_int(db, "PRAGMA synchronous"), sync);
	assert_int_equal(pragma_int(db, "PRAGMA secure_delete"), 1);
	assert_int_equal(pragma_int(db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(pragma_int(db, "PRAGMA wal_autocheckpoint"), 0);
	assert_true(pragma_int(db, "PRAGMA busy_timeout") >= 1000);
	assert_int_equal(pragma_int(db, "PRAGMA user_version"),
	    DB_SCHEMA_VERSION);
}

static void
assert_mode_0600(const char *path)
{
	struct stat sb;

	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
}

static void
test_open_pragmas_full(void **state)
{
	struct fx *f = *state;
	char *wal = xasprintf("%s-wal", f->path);
	char *shm = xasprintf("%s-shm", f->path);

	check_pragmas(f->db, 2);
	assert_int_equal(db_version(f->db), DB_SCHEMA_VERSION);
	assert_mode_0600(f->path);
	assert_int_equal(db_user_add(f->db, "a", "h", "admin", 1, NULL), 0);
	assert_mode_0600(wal);
	assert_mode_0600(shm);
	free(wal);
	free(shm);
}

static void
test_open_pragmas_normal(void **state)
{
	char *dir = tmp_dir(), *path = xasprintf("%s/n.db", dir), *cause;
	struct db *db;

	(void)state;
	assert_int_equal(db_open(path, DB_SYNC_NORMAL, &db, &cause), 0);
	check_pragmas(db, 1);
	db_close(db);
	rm_rf(dir);
	free(path);
	free(dir);
}

/* A permissive umask, and an existing file others may read: 0600. */
static void
test_open_mode_private(void **state)
{
	char *dir = tmp_dir(), *path = xasprintf("%s/m.db", dir), *cause;
	char *other = xasprintf("%s/o.db", dir);
	mode_t old = umask(0);
	struct db *db;
	int fd;

	(void)state;
	assert_int_equal(db_open(path, DB_SYNC_FULL, &db, &cause), 0);
	db_close(db);
	assert_mode_0600(path);
	fd = open(other, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(db_open(other, DB_SYNC_FULL, &db, &cause), 0);
	assert_mode_0600(other);
	db_close(db);
	umask(old);
	rm_rf(dir);
	free(path);
	free(other);
	free(dir);
}

static void
test_open_failures(void **state)
{
	char *dir = tmp_dir(), *path = xasprintf("%s/junk.db", dir);
	char *missing = xasprintf("%s/no/such/dir.db", dir), *cause = NULL;
	struct db *db = (struct db *)1;
	FILE *fp;

	(void)state;
	assert_int_equal(db_open(missing, DB_SYNC_FULL, &db, &cause), -1);
	assert_null(db);
	assert_non_null(strstr(cause, "cannot open"));
	free(cause);
	fp = fopen(path, "w");
	for (int i = 0; i < 512; i++)
		fputs("this is not a database ", fp);
	fclose(fp);
	assert_int_equal(db_open(path, DB_SYNC_FULL, &db, &cause), -1);
	assert_non_null(strstr(cause, "not a database"));
	free(cause);
	rm_rf(dir);
	free(path);
	free(missing);
	free(dir);
}

/* --- transactions ----------------------------------------------------- */

static void
test_savepoints(void **state)
{
	struct fx *f = *state;
	struct db_report r = { .category = "arms", .channel = "sms",
	    .link = "orange", .received = 1 };
	int64_t n;

	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(db_savepoint(f->db), 0);
	assert_int_equal(db_report_add(f->db, &r, NULL), 0);
	db_rollback_savepoint(f->db);		/* this job undone alone */
	assert_int_equal(db_savepoint(f->db), 0);
	assert_int_equal(db_report_add(f->db, &r, NULL), 0);
	assert_int_equal(db_release(f->db), 0);
	assert_int_equal(db_savepoint(f->db), 0);
	r.channel = "fax";
	assert_int_equal(db_report_add(f->db, &r, NULL), -1);
	db_rollback_savepoint(f->db);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(db_report_count(f->db, &n), 0);
	assert_int_equal(n, 1);
	r.channel = "sms";
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(db_report_add(f->db, &r, NULL), 0);
	db_rollback(f->db);
	assert_int_equal(db_report_count(f->db, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(db_commit(f->db), -1);	/* none open */
	assert_all_reset(f->db);
}

/*
 * Disk full (max_page_count): the write fails with SQLITE_FULL, a
 * temporary error; SQLite rolls the whole transaction back, so the next
 * savepoint and the commit fail too (nothing commits on its own), and
 * after room returns the store works without reopening.
 */
static void
test_disk_full(void **state)
{
	struct fx *f = *state;
	static uint8_t big[20000];
	struct db_report r = { .category = "arms", .channel = "sms",
	    .link = "orange", .received = 1 };
	int64_t n;

	assert_int_equal(db_report_add(f->db, &r, NULL), 0);
	assert_int_equal(db_set_max_pages(f->db, 1), 0);
	r.narrative = big;
	r.narrative_len = sizeof big;
	assert_int_equal(db_report_add(f->db, &r, NULL), -1);
	assert_true(db_error_is_temporary(f->db));
	assert_non_null(strstr(db_error(f->db), "full"));

	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(db_savepoint(f->db), 0);
	assert_int_equal(db_report_add(f->db, &r, NULL), -1);
	assert_true(db_error_is_temporary(f->db));
	db_rollback_savepoint(f->db);
	r.narrative = NULL;
	if (db_savepoint(f->db) == 0) {
		/* SQLite kept the transaction: the small row fits. */
		assert_int_equal(db_report_add(f->db, &r, NULL), 0);
		assert_int_equal(db_release(f->db), 0);
		assert_int_equal(db_commit(f->db), 0);
	} else {
		assert_true(db_error_is_temporary(f->db));
		assert_int_equal(db_commit(f->db), -1);
		assert_true(db_error_is_temporary(f->db));
		assert_non_null(strstr(db_error(f->db), "full"));
		db_rollback(f->db);
	}
	assert_int_equal(db_set_max_pages(f->db, 0), 0);
	r.narrative = big;
	assert_int_equal(db_report_add(f->db, &r, NULL), 0);
	assert_int_equal(db_report_count(f->db, &n), 0);
	assert_true(n >= 2);
	assert_all_reset(f->db);
}

/* --- errors and statements ------------------------------------------- */

static void
test_errors(void **state)
{
	struct fx *f = *state;
	sqlite3_stmt *st;

	assert_string_equal(db_error(f->db), "not an error");
	assert_false(db_error_is_temporary(f->db));
	/* A parameter name the statement does not have: an error, no step. */
	st = db_use(f->db, DB_ST_REPORT_GET);
	db_bind_i64(f->db, st, "$nope", 1);
	assert_int_equal(db_step(f->db, st), -1);
	db_done(st);
	assert_non_null(strstr(db_error(f->db), "$nope"));
	assert_false(db_error_is_temporary(f->db));
	/* The classification of every kind the header names. */
	for (int rc = 0; rc < 1024; rc++) {
		int want = (rc & 0xff) == SQLITE_FULL ||
		    (rc & 0xff) == SQLITE_IOERR || (rc & 0xff) == SQLITE_BUSY ||
		    (rc & 0xff) == SQLITE_LOCKED ||
		    (rc & 0xff) == SQLITE_READONLY ||
		    (rc & 0xff) == SQLITE_CANTOPEN;

		db_fail(f->db, rc, "code %d", rc);
		assert_int_equal(db_error_is_temporary(f->db), want);
	}
	db_fail(f->db, SQLITE_IOERR_WRITE, "x");
	assert_true(db_error_is_temporary(f->db));
	db_fail(f->db, SQLITE_READONLY_DBMOVED, "x");
	assert_true(db_error_is_temporary(f->db));
	db_fail(f->db, SQLITE_CONSTRAINT_UNIQUE, "x");
	assert_false(db_error_is_temporary(f->db));
	db_error_clear(f->db);
	assert_string_equal(db_error(f->db), "not an error");
	assert_all_reset(f->db);
}

static void
test_checkpoint(void **state)
{
	struct fx *f = *state;
	static uint8_t blob[8000];
	struct db_report r = { .category = "arms", .channel = "sms",
	    .link = "orange", .received = 1, .narrative = blob,
	    .narrative_len = sizeof blob };
	char *wal = xasprintf("%s-wal", f->path);
	struct stat sb;

	/* The migration's commits are counted too. */
	assert_true(db_wal_pages(f->db) > 0);
	assert_int_equal(db_checkpoint(f->db, DB_CKPT_PASSIVE), 0);
	assert_int_equal(db_wal_pages(f->db), 0);
	for (int i = 0; i < 20; i++)
		assert_int_equal(db_report_add(f->db, &r, NULL), 0);
	assert_true(db_wal_pages(f->db) >= 40);
	assert_int_equal(db_checkpoint(f->db, DB_CKPT_PASSIVE), 0);
	assert_int_equal(db_wal_pages(f->db), 0);
	assert_int_equal(db_report_add(f->db, &r, NULL), 0);
	assert_true(db_wal_pages(f->db) > 0);
	assert_int_equal(db_checkpoint(f->db, DB_CKPT_TRUNCATE), 0);
	assert_int_equal(stat(wal, &sb), 0);
	assert_int_equal(sb.st_size, 0);
	/* Not inside a transaction. */
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(db_checkpoint(f->db, DB_CKPT_PASSIVE), -1);
	db_rollback(f->db);
	free(wal);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_pragmas_full, setup,
		    teardown),
		cmocka_unit_test(test_open_pragmas_normal),
		cmocka_unit_test(test_open_mode_private),
		cmocka_unit_test(test_open_failures),
		cmocka_unit_test_setup_teardown(test_savepoints, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_disk_full, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint, setup,
		    teardown),
	};

	/* prove reads TAP; an explicit CMOCKA_MESSAGE_OUTPUT still wins. */
	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);

	return cmocka_run_group_tests_name("db", tests, NULL, NULL) != 0;
}
