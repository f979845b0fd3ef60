/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The fixture of the database's tests (test_db.c, test_db_query.c,
 * test_db_privacy.c): a fresh database in a temporary directory per
 * test, and checks that reach into the connection (db/db_int.h).
 * Included by one test file each, after cmocka.h.
 */
#ifndef NV_TEST_DB_FX_H
#define NV_TEST_DB_FX_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "base/xmalloc.h"
#include "db/db.h"
#include "db/db_int.h"

struct fx {
	char *dir;
	char *path;
	char *ks;		/* the key store's path (test_db_privacy) */
	struct db *db;
};

static int
rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void
rm_rf(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char *
tmp_dir(void)
{
	char *d = xstrdup("/tmp/nvdb-XXXXXX");

	assert_non_null(mkdtemp(d));
	return d;
}

static int
setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	char *cause = NULL;

	f->dir = tmp_dir();
	f->path = xasprintf("%s/numvert.db", f->dir);
	f->ks = xasprintf("%s/numvert.vault", f->dir);
	if (db_open(f->path, DB_SYNC_FULL, &f->db, &cause) != 0) {
		fprintf(stderr, "db_open: %s\n", cause);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	db_close(f->db);
	rm_rf(f->dir);
	free(f->path);
	free(f->ks);
	free(f->dir);
	free(f);
	return 0;
}

/* No statement is left running or holding a snapshot after a call. */
static __attribute__((unused)) void
assert_all_reset(struct db *db)
{
	for (int i = 0; i < DB_ST__COUNT; i++) {
		if (sqlite3_stmt_busy(db->st[i]))
			fail_msg("statement %s left busy", db_st_name(i));
	}
	assert_int_equal(sqlite3_get_autocommit(db->h), 1);
}

static __attribute__((unused)) int64_t
pragma_int(struct db *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v;

	assert_int_equal(sqlite3_prepare_v2(db->h, sql, -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

#endif
