/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The store's file: migrations (from an empty file, from versions 1 and
 * 2 with their rows, a no-op at the current version, a newer version
 * refused, one transaction per step, and a missing step caught by the
 * schema check), backup and restore
 * (round trip while another connection writes; refusals leave the old
 * database untouched), and a database the process may not write.
 *
 * Raw sqlite3 is used to build files at chosen versions and shapes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/xmalloc.h"
#include "db/db.h"
#include "db/schema.h"

/* --- temporary directories ------------------------------------------- */

static int
rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int
setup(void **state)
{
	char *d = xstrdup("/tmp/nvdbs-XXXXXX");

	if (mkdtemp(d) == NULL)
		return -1;
	*state = d;
	return 0;
}

static int
teardown(void **state)
{
	nftw(*state, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(*state);
	return 0;
}

static char *
in(void **state, const char *name)
{
	return xasprintf("%s/%s", (char *)*state, name);
}

static int
exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* --- raw sqlite helpers ---------------------------------------------- */

static sqlite3 *
raw_open(const char *path)
{
	sqlite3 *h = NULL;

	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	return h;
}

static void
raw_exec(const char *path, const char *sql)
{
	sqlite3 *h = raw_open(path);
	char *err = NULL;

	if (sqlite3_exec(h, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
	sqlite3_close(h);
}

static int64_t
raw_int(const char *path, const char *sql)
{
	sqlite3 *h = raw_open(path);
	sqlite3_stmt *st;
	int64_t v;

	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

/* The schema as text, to compare two files. */
static char *
raw_schema(const char *path)
{
	sqlite3 *h = raw_open(path);
	sqlite3_stmt *st;
	char *s = xstrdup(""), *t;

	assert_int_equal(sqlite3_prepare_v2(h, "SELECT type, name, sql FROM "
	    "sqlite_schema ORDER BY name", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		t = xasprintf("%s%s %s %s\n", s, sqlite3_column_text(st, 0),
		    sqlite3_column_text(st, 1), sqlite3_column_text(st, 2));
		free(s);
		s = t;
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	return s;
}

static void
add_reports(struct db *db, int n)
{
	struct db_report r = { .category = "arms", .channel = "sms",
	    .link = "orange", .received = 1 };

	for (int i = 0; i < n; i++)
		assert_int_equal(db_report_add(db, &r, NULL), 0);
}

static int64_t
count_reports(struct db *db)
{
	int64_t n = -1;

	assert_int_equal(db_report_count(db, &n), 0);
	return n;
}

/* --- migrations ------------------------------------------------------- */

static void
test_migrate_from_empty(void **state)
{
	char *path = in(state, "v0.db"), *cause;
	static const char *const tables[] = { "reports", "report_events",
	    "inbound", "parts", "outbox", "users", "audit", "conversations" };
	struct db *db;
	FILE *fp = fopen(path, "w");	/* an empty file is version 0 */

	fclose(fp);
	assert_int_equal(db_open(path, DB_SYNC_FULL, &db, &cause), 0);
	assert_int_equal(db_version(db), DB_SCHEMA_VERSION);
	db_close(db);
	assert_int_equal(raw_int(path, "PRAGMA user_version"),
	    DB_SCHEMA_VERSION);
	/* Every table keeps its column comments in sqlite_schema. */
	for (size_t i = 0; i < ARRAY_SIZE(tables); i++) {
		char *q = xasprintf("SELECT count(*) FROM sqlite_schema WHERE "
		    "type = 'table' AND name = '%s' AND sql LIKE '%%--%%'",
		    tables[i]);

		assert_int_equal(raw_int(path, q), 1);
		free(q);
	}
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_schema "
	    "WHERE type = 'index' AND name IN ('reports_queue_status', "
	    "'inbound_at', 'outbox_state_next', 'conversations_expires')"), 4);
	/* The columns of version 3, in a file made from nothing. */
	assert_int_equal(raw_int(path, "SELECT count(*) FROM "
	    "pragma_table_info('reports') WHERE name IN ('weapon', "
	    "'weapon_count', 'involved', 'partial')"), 4);
	free(path);
}

/*
 * A file of version 2 (as the routing release wrote it, with a report
 * and its queue) is migrated to version 3: its rows stay, the menus'
 * columns are NULL (partial 0), their CHECKs hold, and the conversations
 * table is there, documented, empty.
 */
static void
test_migrate_from_v2(void **state)
{
	char *path = in(state, "old2.db"), *cause = NULL;
	struct db *db;
	sqlite3 *h;
	int v = -1;

	h = raw_open(path);
	assert_int_equal(db_schema_migrate(h, db_schema_steps, 2, &v, &cause),
	    0);
	assert_int_equal(v, 2);
	assert_int_equal(sqlite3_exec(h, "INSERT INTO reports (category, "
	    "channel, link, received, axis, flags) VALUES ('ied', 'ussd', 'o', "
	    "7, 'douentza-gao', 'over_limit');"
	    "INSERT INTO report_queues (queue, report_id) VALUES ('gao', 1)",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(db_schema_check(h, &v, &cause), 0);
	assert_int_equal(v, 2);
	sqlite3_close(h);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_schema "
	    "WHERE name = 'conversations'"), 0);
	assert_int_equal(db_open(path, DB_SYNC_FULL, &db, &cause), 0);
	assert_int_equal(db_version(db), 3);
	assert_int_equal(count_reports(db), 1);
	db_close(db);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM reports WHERE "
	    "axis = 'douentza-gao' AND flags = 'over_limit' AND weapon IS NULL "
	    "AND weapon_count IS NULL AND involved IS NULL AND partial = 0"), 1);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM report_queues"),
	    1);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM conversations"),
	    0);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_schema "
	    "WHERE type = 'table' AND name = 'conversations' AND sql LIKE "
	    "'%keyed hash of the sender%'"), 1);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_schema "
	    "WHERE type = 'index' AND name = 'conversations_expires'"), 1);
	h = raw_open(path);
	assert_int_equal(sqlite3_exec(h, "UPDATE reports SET involved = "
	    "'civilians', weapon = 'war', weapon_count = '2-5', partial = 1",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(h, "UPDATE reports SET involved = "
	    "'someone'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(h, "UPDATE reports SET partial = 5",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	free(path);
}

/*
 * A file of version 1 (as the first release wrote it, with rows) is
 * migrated to the current version: its rows stay, the new tables and
 * columns are there, and the audit log is still append-only except for
 * blanking a detail.
 */
static void
test_migrate_from_v1(void **state)
{
	char *path = in(state, "old1.db"), *cause = NULL;
	struct db *db;
	sqlite3 *h;
	int v = -1;

	h = raw_open(path);
	assert_int_equal(db_schema_migrate(h, db_schema_steps, 1, &v, &cause),
	    0);
	assert_int_equal(v, 1);
	assert_int_equal(sqlite3_exec(h, "INSERT INTO reports (category, "
	    "channel, link, received, counted) VALUES ('ied', 'sms', 'o', 7, 1);"
	    "INSERT INTO audit (at, action, detail, prev, hash) VALUES "
	    "(1, 'view', 'd', zeroblob(32), zeroblob(32))", NULL, NULL, NULL),
	    SQLITE_OK);
	/* Version 1's check passes on a version 1 file. */
	assert_int_equal(db_schema_check(h, &v, &cause), 0);
	sqlite3_close(h);
	assert_int_equal(db_open(path, DB_SYNC_FULL, &db, &cause), 0);
	assert_int_equal(db_version(db), DB_SCHEMA_VERSION);
	assert_int_equal(count_reports(db), 1);
	db_close(db);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM reports WHERE "
	    "category = 'ied' AND flags IS NULL AND closed_at IS NULL"), 1);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM report_queues"),
	    0);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_schema "
	    "WHERE name IN ('vault', 'counted', 'report_queues', "
	    "'audit_no_update', 'audit_no_delete')"), 5);
	raw_exec(path, "UPDATE audit SET detail = NULL");
	assert_int_equal(raw_int(path, "SELECT count(*) FROM audit WHERE "
	    "detail IS NULL"), 1);
	h = raw_open(path);
	assert_int_not_equal(sqlite3_exec(h, "UPDATE audit SET action = 'x'",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	free(path);
}

/* Opening a current file changes nothing, and keeps its rows. */
static void
test_migrate_current_is_noop(void **state)
{
	char *path = in(state, "v1.db"), *cause, *before, *after;
	struct db *db;

	assert_int_equal(db_open(path, DB_SYNC_FULL, &db, &cause), 0);
	add_reports(db, 3);
	db_close(db);
	before = raw_schema(path);
	assert_int_equal(db_open(path, DB_SYNC_FULL, &db, &cause), 0);
	assert_int_equal(count_reports(db), 3);
	db_close(db);
	after = raw_schema(path);
	assert_string_equal(before, after);
	free(before);
	free(after);
	free(path);
}

static void
test_newer_version_refused(void **state)
{
	char *path = in(state, "vnext.db"), *cause = NULL, *before, *after;
	char *set = xasprintf("PRAGMA user_version = %d", DB_SCHEMA_VERSION + 1);
	char *want = xasprintf("schema version %d", DB_SCHEMA_VERSION + 1);
	struct db *db;

	assert_int_equal(db_open(path, DB_SYNC_FULL, &db, &cause), 0);
	db_close(db);
	raw_exec(path, set);
	before = raw_schema(path);
	assert_int_equal(db_open(path, DB_SYNC_FULL, &db, &cause), -1);
	assert_null(db);
	assert_non_null(strstr(cause, want));
	assert_non_null(strstr(cause, "newer"));
	free(cause);
	free(set);
	free(want);
	assert_int_equal(raw_int(path, "PRAGMA user_version"),
	    DB_SCHEMA_VERSION + 1);
	after = raw_schema(path);
	assert_string_equal(before, after);
	free(before);
	free(after);
	free(path);
}

/* A step that fails leaves the file at the version it had, empty. */
static void
test_step_is_one_transaction(void **state)
{
	char *path = in(state, "tx.db"), *cause = NULL, *bad;
	const char *steps[1];
	sqlite3 *h;
	int v = -1;

	bad = xasprintf("%s\nSELECT no_such_function();", db_schema_steps[0]);
	steps[0] = bad;
	h = raw_open(path);
	assert_int_equal(db_schema_migrate(h, steps, 1, &v, &cause), -1);
	assert_non_null(strstr(cause, "migration 0 to 1"));
	free(cause);
	sqlite3_close(h);
	assert_int_equal(raw_int(path, "PRAGMA user_version"), 0);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_schema"),
	    0);
	free(bad);
	free(path);
}

/*
 * The migration test catches a missing step: a file whose version was
 * raised without its step, or whose step forgot a table or a column,
 * fails the schema check, and db_open refuses it.
 */
static void
test_missing_step_caught(void **state)
{
	char *path = in(state, "miss.db"), *cut, *cause = NULL;
	const char *steps[1];
	struct db *db;
	sqlite3 *h;
	int v;

	/* The step never ran, the version says it did. */
	raw_exec(path, "PRAGMA user_version = 1");
	assert_int_equal(db_open(path, DB_SYNC_FULL, &db, &cause), -1);
	/* (the next step, or the check, finds the table missing) */
	assert_non_null(strstr(cause, "reports"));
	free(cause);
	unlink(path);

	/* The step lost its last table. */
	cut = xstrdup(db_schema_steps[0]);
	*strstr(cut, "-- Append-only, hash-chained") = '\0';
	steps[0] = cut;
	h = raw_open(path);
	assert_int_equal(db_schema_migrate(h, steps, 1, &v, &cause), 0);
	assert_int_equal(v, 1);
	assert_int_equal(db_schema_check(h, &v, &cause), -1);
	assert_non_null(strstr(cause, "table audit is missing"));
	free(cause);
	sqlite3_close(h);
	assert_int_equal(db_open(path, DB_SYNC_FULL, &db, &cause), -1);
	free(cause);
	free(cut);
	unlink(path);

	/* The step lost a column. */
	h = raw_open(path);
	assert_int_equal(db_schema_migrate(h, db_schema_steps,
	    db_schema_nsteps, &v, &cause), 0);
	assert_int_equal(db_schema_check(h, &v, &cause), 0);
	assert_int_equal(sqlite3_exec(h, "ALTER TABLE reports DROP COLUMN "
	    "counted", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(db_schema_check(h, &v, &cause), -1);
	assert_non_null(strstr(cause, "table reports has columns"));
	free(cause);
	sqlite3_close(h);
	free(path);
}

/* --- backup and restore ---------------------------------------------- */

static void
assert_mode_0600(const char *path)
{
	struct stat sb;

	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
}

/*
 * The daemon's connection is open and has uncommitted rows while the
 * admin tool's connection makes the backup: the copy has what was
 * committed, and restores into a working store.
 */
static void
test_backup_restore_round_trip(void **state)
{
	char *path = in(state, "live.db"), *bk = in(state, "bk.db");
	char *other = in(state, "other.db"), *tmp = in(state, "bk.db.tmp");
	char *cause = NULL, *wal = in(state, "other.db-wal");
	struct db *daemon, *admin, *db;
	FILE *fp;

	assert_int_equal(db_open(path, DB_SYNC_FULL, &daemon, &cause), 0);
	add_reports(daemon, 100);
	assert_int_equal(db_open(path, DB_SYNC_FULL, &admin, &cause), 0);
	assert_int_equal(db_begin(daemon), 0);
	add_reports(daemon, 5);
	assert_int_equal(db_backup(admin, bk, &cause), 0);
	assert_int_equal(db_commit(daemon), 0);
	add_reports(daemon, 1);
	assert_false(exists(tmp));
	assert_mode_0600(bk);
	/* One file in rollback mode (format bytes 18 and 19 are 1). */
	fp = fopen(bk, "rb");
	assert_int_equal(fseek(fp, 18, SEEK_SET), 0);
	assert_int_equal(fgetc(fp), 1);
	assert_int_equal(fgetc(fp), 1);
	fclose(fp);

	/* Restore over another store, with a stale WAL beside it. */
	assert_int_equal(db_open(other, DB_SYNC_FULL, &db, &cause), 0);
	add_reports(db, 7);
	db_close(db);
	fp = fopen(wal, "w");
	fputs("stale", fp);
	fclose(fp);
	assert_int_equal(db_restore(other, bk, &cause), 0);
	assert_false(exists(wal));
	assert_mode_0600(other);
	assert_int_equal(db_open(other, DB_SYNC_FULL, &db, &cause), 0);
	assert_int_equal(count_reports(db), 100);
	add_reports(db, 1);
	db_close(db);
	assert_int_equal(count_reports(daemon), 106);
	db_close(admin);
	db_close(daemon);
	free(path);
	free(bk);
	free(other);
	free(tmp);
	free(wal);
}

/* Each refusal leaves the old database as it was and no leftovers. */
static void
check_refused(void **state, const char *backup, const char *why)
{
	char *path = in(state, "keep.db"), *tmp = in(state, "keep.db.tmp");
	char *cause = NULL;
	struct db *db;

	assert_int_equal(db_open(path, DB_SYNC_FULL, &db, &cause), 0);
	if (count_reports(db) == 0)
		add_reports(db, 4);
	db_close(db);
	assert_int_equal(db_restore(path, backup, &cause), -1);
	if (strstr(cause, why) == NULL)
		fail_msg("cause \"%s\" does not say \"%s\"", cause, why);
	free(cause);
	assert_false(exists(tmp));
	assert_int_equal(db_open(path, DB_SYNC_FULL, &db, &cause), 0);
	assert_int_equal(count_reports(db), 4);
	db_close(db);
	free(path);
	free(tmp);
}

static void
test_restore_refusals(void **state)
{
	char *other = in(state, "other-app.db"), *junk = in(state, "junk");
	char *newer = in(state, "newer.db"), *cause;
	struct db *db;
	FILE *fp;

	raw_exec(other, "CREATE TABLE contacts (name TEXT, phone TEXT);");
	check_refused(state, other, "schema version 0");
	raw_exec(other, "PRAGMA user_version = 1");
	check_refused(state, other, "table reports is missing");
	fp = fopen(junk, "w");
	for (int i = 0; i < 200; i++)
		fputs("definitely not sqlite ", fp);
	fclose(fp);
	check_refused(state, junk, "not a database");
	assert_int_equal(db_open(newer, DB_SYNC_FULL, &db, &cause), 0);
	db_close(db);
	raw_exec(newer, "PRAGMA user_version = 9");
	check_refused(state, newer, "schema version 9");
	check_refused(state, "/nonexistent/backup.db", "cannot open");
	free(other);
	free(junk);
	free(newer);
}

/* A backup whose pages were damaged: the integrity check refuses it. */
static void
test_restore_refuses_damage(void **state)
{
	char *src = in(state, "src.db"), *bk = in(state, "damaged.db");
	char *cause = NULL;
	struct db *db;
	struct db_report r = { .category = "arms", .channel = "sms",
	    .link = "orange", .received = 1 };
	static uint8_t blob[600];
	uint8_t junk[4096];
	struct stat sb;
	FILE *fp;

	assert_int_equal(db_open(src, DB_SYNC_FULL, &db, &cause), 0);
	r.narrative = blob;
	r.narrative_len = sizeof blob;
	for (int i = 0; i < 200; i++)
		assert_int_equal(db_report_add(db, &r, NULL), 0);
	assert_int_equal(db_backup(db, bk, &cause), 0);
	db_close(db);
	/* Garbage over a page in the middle of the file (not page 1). */
	assert_int_equal(stat(bk, &sb), 0);
	memset(junk, 0xff, sizeof junk);
	fp = fopen(bk, "r+b");
	assert_int_equal(fseek(fp, (sb.st_size / 4096 / 2) * 4096, SEEK_SET),
	    0);
	assert_int_equal(fwrite(junk, 1, sizeof junk, fp), sizeof junk);
	fclose(fp);
	check_refused(state, bk, "integrity check");
	free(src);
	free(bk);
}

static void
test_backup_failure_leaves_nothing(void **state)
{
	char *path = in(state, "b.db"), *bk = in(state, "bk.db"), *cause = NULL;
	struct db *db;

	assert_int_equal(db_open(path, DB_SYNC_FULL, &db, &cause), 0);
	assert_int_equal(db_backup(db, "/nonexistent/dir/bk.db", &cause), -1);
	assert_non_null(strstr(cause, "cannot create"));
	free(cause);
	/* An existing file is never replaced (it could be the database). */
	assert_int_equal(db_backup(db, path, &cause), -1);
	assert_non_null(strstr(cause, "exists"));
	free(cause);
	assert_int_equal(db_backup(db, bk, &cause), 0);
	assert_int_equal(db_backup(db, bk, &cause), -1);
	free(cause);
	assert_int_equal(unlink(bk), 0);
	/* Inside a transaction: refused, the transaction is untouched. */
	assert_int_equal(db_begin(db), 0);
	add_reports(db, 1);
	assert_int_equal(db_backup(db, bk, &cause), -1);
	free(cause);
	assert_false(exists(bk));
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(count_reports(db), 1);
	db_close(db);
	free(path);
	free(bk);
}

/* --- a database the process may not write ----------------------------- */

/*
 * In a child, so that root can drop to nobody (root writes a 0400 file
 * anyway). Exit status: 0 good, else the number of the failed check.
 */
static int
readonly_child(const char *dir, const char *path)
{
	struct db_report r = { .category = "arms", .channel = "sms",
	    .link = "orange", .received = 1 };
	struct db *db;
	char *cause = NULL;

	if (geteuid() == 0 && (chown(dir, 65534, 65534) != 0 ||
	    chown(path, 65534, 65534) != 0 || setgid(65534) != 0 ||
	    setuid(65534) != 0))
		return 1;
	if (db_open(path, DB_SYNC_FULL, &db, &cause) != 0) {
		fprintf(stderr, "# %s\n", cause);
		return 2;
	}
	if (count_reports(db) != 2)
		return 3;
	if (db_report_add(db, &r, NULL) != -1 || !db_error_is_temporary(db))
		return 4;
	if (strstr(db_error(db), "readonly") == NULL)
		return 5;
	if (db_begin(db) == 0) {
		if (db_report_add(db, &r, NULL) != -1 ||
		    !db_error_is_temporary(db))
			return 6;
		db_rollback(db);
	} else if (!db_error_is_temporary(db)) {
		return 7;
	}
	db_close(db);
	return 0;
}

static void
test_readonly_file(void **state)
{
	char *path = in(state, "ro.db"), *cause;
	struct db *db;
	pid_t pid;
	int status;

	assert_int_equal(db_open(path, DB_SYNC_FULL, &db, &cause), 0);
	add_reports(db, 2);
	db_close(db);
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(chmod(*state, 0755), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(readonly_child(*state, path));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	free(path);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrate_from_v1, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_migrate_from_empty, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_migrate_from_v2, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_migrate_current_is_noop,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_version_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_step_is_one_transaction,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_step_caught, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_backup_restore_round_trip,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_restore_refusals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_restore_refuses_damage,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_backup_failure_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readonly_file, setup,
		    teardown),
	};

	/* prove reads TAP; an explicit CMOCKA_MESSAGE_OUTPUT still wins. */
	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);

	return cmocka_run_group_tests_name("db_schema", tests, NULL, NULL) != 0;
}
