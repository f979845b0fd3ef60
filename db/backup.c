/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Backup and restore (db.h) with the SQLite online backup API.
 *
 * Both write a temporary file next to the target and rename it to the
 * target once it is whole and synced, then sync the directory: a crash
 * or a failure leaves either the old file or the new one, never half.
 * A backup never replaces an existing file (a slip of the argument could
 * otherwise name the live database); a restore replaces the database.
 * A backup is left in rollback-journal mode, so it is one file that
 * opens read-only anywhere; restore turns WAL back on when it opens the
 * copy as a store.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/secfile.h"
#include "base/xmalloc.h"
#include "db/db_int.h"
#include "db/schema.h"

/* Pages copied per backup step (1 MiB at 4 KiB pages). The copy reads
 * one snapshot, so steps only bound the work between two checks. */
#define DB_BACKUP_STEP_PAGES 256

/* Creates (or empties) path with mode 0600. Returns 0 or -1 with
 * *cause. */
static int
create_private(const char *path, char **cause)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || fchmod(fd, 0600) != 0) {
		*cause = xasprintf("cannot create %s: %s", path,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Removes path and the files SQLite keeps beside it. */
static void
remove_db_files(const char *path)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };

	for (size_t i = 0; i < ARRAY_SIZE(suffix); i++) {
		char *p = xasprintf("%s%s", path, suffix[i]);

		unlink(p);
		free(p);
	}
}

/* Makes a rename in path's directory durable. */
static int
sync_dir(const char *path, char **cause)
{
	if (sf_sync_dir(path) == 0)
		return 0;
	*cause = xasprintf("cannot sync the directory of %s: %s", path,
	    strerror(errno));
	return -1;
}

/* rename(2) that fails with EEXIST rather than replace path. */
static int
rename_new(const char *tmp, const char *path)
{
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* A file system without RENAME_NOREPLACE: link is atomic too. */
	if (link(tmp, path) != 0)
		return -1;
	unlink(tmp);
	return 0;
}

/* Fsyncs tmp, renames it to path (replacing it only if replace), syncs
 * the directory. */
static int
publish(const char *tmp, const char *path, int replace, char **cause)
{
	int fd = open(tmp, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fsync(fd) != 0) {
		*cause = xasprintf("cannot sync %s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	if ((replace ? rename(tmp, path) : rename_new(tmp, path)) != 0) {
		*cause = xasprintf("cannot rename %s to %s: %s", tmp, path,
		    strerror(errno));
		return -1;
	}
	return sync_dir(path, cause);
}

/* Copies every page of src into dst, step by step. */
static int
copy_pages(sqlite3 *dst, sqlite3 *src, char **cause)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	int rc;

	if (b == NULL) {
		*cause = xasprintf("backup: %s", sqlite3_errmsg(dst));
		return -1;
	}
	while ((rc = sqlite3_backup_step(b, DB_BACKUP_STEP_PAGES)) == SQLITE_OK)
		;
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		*cause = xasprintf("backup: %s", sqlite3_errstr(rc));
		return -1;
	}
	return 0;
}

/* Opens path as an ordinary (non-WAL) database for the copy. */
static int
open_plain(const char *path, int flags, sqlite3 **h, char **cause)
{
	int rc = sqlite3_open_v2(path, h, flags, NULL);

	if (rc == SQLITE_OK)
		return 0;
	*cause = xasprintf("cannot open %s: %s", path, *h != NULL ?
	    sqlite3_errmsg(*h) : sqlite3_errstr(rc));
	sqlite3_close_v2(*h);
	*h = NULL;
	return -1;
}

/* Copies db into tmp from one read snapshot, left in rollback mode. */
static int
backup_to(struct db *db, const char *tmp, char **cause)
{
	sqlite3_stmt *snap = db_use(db, DB_ST_SNAPSHOT);
	sqlite3 *out = NULL;
	char *err = NULL;
	int rc = -1;

	/* A read transaction pins the snapshot: the copy does not restart
	 * when the writer commits meanwhile, and is consistent. */
	if (db_run(db, db_use(db, DB_ST_BEGIN_READ)) != 0) {
		*cause = xasprintf("backup: %s", db_error(db));
		return -1;
	}
	if (db_step(db, snap) < 0) {
		*cause = xasprintf("backup: %s", db_error(db));
		goto done;
	}
	db_done(snap);
	if (open_plain(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &out,
	    cause) != 0 || copy_pages(out, db->h, cause) != 0)
		goto done;
	if (sqlite3_exec(out, "PRAGMA journal_mode = DELETE", NULL, NULL,
	    &err) != SQLITE_OK) {
		*cause = xasprintf("backup: %s", err);
		goto done;
	}
	rc = 0;
done:
	sqlite3_free(err);
	db_done(snap);
	if (out != NULL && sqlite3_close(out) != SQLITE_OK && rc == 0) {
		*cause = xasprintf("backup: cannot close %s", tmp);
		rc = -1;
	}
	(void)db_run(db, db_use(db, DB_ST_COMMIT));	/* ends the read */
	return rc;
}

int
db_backup(struct db *db, const char *dest, char **cause)
{
	char *tmp = xasprintf("%s.tmp", dest);
	int rc = -1;

	if (access(dest, F_OK) == 0) {
		*cause = xasprintf("%s exists: a backup never replaces a file",
		    dest);
		free(tmp);
		return -1;
	}
	remove_db_files(tmp);
	if (create_private(tmp, cause) == 0 &&
	    backup_to(db, tmp, cause) == 0 &&
	    publish(tmp, dest, 0, cause) == 0)
		rc = 0;
	if (rc != 0)
		remove_db_files(tmp);
	free(tmp);
	return rc;
}

/* PRAGMA integrity_check: one row "ok", else the first problem. */
static int
integrity(sqlite3 *h, const char *src, char **cause)
{
	sqlite3_stmt *st = NULL;
	const char *got = NULL;
	int ok;

	if (sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st,
	    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		got = (const char *)sqlite3_column_text(st, 0);
	ok = got != NULL && strcmp(got, "ok") == 0;
	if (!ok)
		*cause = xasprintf("%s fails the integrity check: %.200s", src,
		    got != NULL ? got : sqlite3_errmsg(h));
	sqlite3_finalize(st);
	return ok ? 0 : -1;
}

/* Copies the backup at src (checked first) into tmp. */
static int
restore_copy(const char *src, const char *tmp, char **cause)
{
	sqlite3 *in = NULL, *out = NULL;
	char *why = NULL;
	int version, rc = -1;

	if (open_plain(src, SQLITE_OPEN_READONLY, &in, cause) != 0)
		return -1;
	if (db_schema_check(in, &version, &why) != 0) {
		*cause = xasprintf("%s: %s", src, why);
		free(why);
		goto done;
	}
	if (integrity(in, src, cause) != 0)
		goto done;
	if (open_plain(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &out,
	    cause) == 0 && copy_pages(out, in, cause) == 0)
		rc = 0;
done:
	sqlite3_close_v2(in);
	if (out != NULL && sqlite3_close(out) != SQLITE_OK && rc == 0) {
		*cause = xasprintf("restore: cannot close %s", tmp);
		rc = -1;
	}
	return rc;
}

/* Removes path's -wal and -shm: a stale WAL would be replayed into the
 * restored file. ENOENT is the usual case. */
static int
remove_stale(const char *path, char **cause)
{
	static const char *const suffix[] = { "-wal", "-shm" };
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(suffix); i++) {
		char *p = xasprintf("%s%s", path, suffix[i]);

		if (unlink(p) != 0 && errno != ENOENT) {
			*cause = xasprintf("cannot remove %s: %s", p,
			    strerror(errno));
			rc = -1;
		}
		free(p);
	}
	return rc;
}

int
db_restore(const char *path, const char *backup, char **cause)
{
	char *tmp = xasprintf("%s.tmp", path), *why = NULL;
	struct db *db = NULL;
	int rc = -1;

	remove_db_files(tmp);
	if (create_private(tmp, cause) != 0 ||
	    restore_copy(backup, tmp, cause) != 0)
		goto done;
	/* Opening it as a store migrates it and prepares every statement:
	 * the strongest check that numvertd will start on it. */
	if (db_open(tmp, DB_SYNC_FULL, &db, &why) != 0) {
		*cause = xasprintf("%s: %s", backup, why);
		free(why);
		goto done;
	}
	db_close(db);		/* checkpoints and removes tmp's WAL */
	if (remove_stale(path, cause) == 0 &&
	    publish(tmp, path, 1, cause) == 0)
		rc = 0;
done:
	if (rc != 0)
		remove_db_files(tmp);
	free(tmp);
	return rc;
}
