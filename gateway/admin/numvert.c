/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * numvert: the administration command. It reads the same configuration
 * as numvertd (-c FILE, or the built-in demo configuration) for the
 * paths of the database and the key file.
 *
 *   numvert [-c FILE] keygen [KEYFILE]   make a new key file (mode 0600)
 *   numvert [-c FILE] backup FILE        online copy of the database
 *   numvert [-c FILE] restore FILE       replace the database (numvertd
 *                                        stopped)
 *   numvert [-c FILE] status             rows per table, no content
 *   numvert [-c FILE] purge              apply retention now (numvertd
 *                                        may run; it does the same hourly)
 *   numvert [-c FILE] menu lint [MENUFILE]
 *   numvert [-c FILE] menu render LANG [gsm7|unicode] [MENUFILE]
 *
 * Exit status: 0 done, 1 the operation failed, 2 bad usage or
 * configuration.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/lockfile.h"
#include "base/xmalloc.h"
#include "config.h"
#include "db/db.h"
#include "menu_cmd.h"
#include "routing/crypto.h"
#include "routing/keys.h"
#include "routing/pseudo.h"

#define EXIT_FAIL 1
#define EXIT_USAGE 2

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: numvert [-c FILE] COMMAND [ARG]\n"
	    "  keygen [KEYFILE]  create a key file (default: key_file of the\n"
	    "                    configuration); never replaces one\n"
	    "  backup FILE       consistent copy of the database while numvertd\n"
	    "                    runs; the keys are NOT in it: keep key_file\n"
	    "                    elsewhere, or the copy cannot be read\n"
	    "  restore FILE      replace the database with a backup (stop\n"
	    "                    numvertd first)\n"
	    "  status            how many reports, waiting parts and outbox rows\n"
	    "  purge             erase now what retention allows: narratives of\n"
	    "                    reports closed retention_days ago, old audit\n"
	    "                    details, reply paths due for shredding\n"
	    "  menu lint [FILE]  check the menus: missing texts, screens too\n"
	    "                    long for a carrier profile or link, nodes\n"
	    "                    never shown, categories not fileable with\n"
	    "                    digits; prints each language's review status\n"
	    "  menu render LANG [gsm7|unicode] [FILE]\n"
	    "                    every screen as a phone shows it\n"
	    "  -c FILE           configuration (default: the built-in demo one)\n");
}

static int
fail(const char *what, char *cause)
{
	fprintf(stderr, "numvert: %s: %s\n", what, cause);
	free(cause);
	return EXIT_FAIL;
}

/*
 * The pseudonym key of the current epoch, unless there is one: numvertd
 * would make it at start, but keygen is where an operator expects keys
 * with safe permissions to appear. It is never to be copied.
 */
static int
keygen_epoch(const struct cfg *c)
{
	struct pseudo *p;
	char *cause = NULL;

	if (access(c->epoch_key_file, F_OK) == 0)
		return 0;
	p = pseudo_open(c->epoch_key_file, c->pseudonym_epoch_ms / 1000,
	    time(NULL), &cause);
	if (p == NULL)
		return fail("keygen", cause);
	pseudo_free(p);
	printf("%s: the pseudonym key of this epoch (mode 0600; replaced at "
	    "each epoch's end;\nnever back it up).\n", c->epoch_key_file);
	return 0;
}

static int
cmd_keygen(const struct cfg *c, const char *path)
{
	char *cause = NULL;

	if (path == NULL)
		path = c->key_file;
	if (cry_init() != 0)
		return fail("keygen", xstrdup("libsodium cannot initialise"));
	if (keys_generate(path, &cause) != 0)
		return fail("keygen", cause);
	printf("%s: new keys (mode 0600). Keep a copy apart from the database "
	    "backups:\nwithout it nothing sealed in the database can be "
	    "read.\n", path);
	return keygen_epoch(c);
}

static int
open_db(const struct cfg *c, struct db **db, char **cause)
{
	return db_open(c->db_path, c->db_synchronous ? DB_SYNC_NORMAL :
	    DB_SYNC_FULL, db, cause);
}

/* Shreds up to a batch of due vault keys; the number in *n. */
static int
shred_due(struct db *db, const struct cfg *c, int64_t now, int64_t *n)
{
	int64_t ids[256];
	unsigned k = 0;

	if (db_vault_due(db, now, now - (int64_t)c->vault_days_after_close *
	    86400, ids, 256, &k) != 0)
		return -1;
	for (unsigned i = 0; i < k; i++)
		if (db_vault_shred(db, ids[i], now) != 0)
			return -1;
	*n = k;
	return 0;
}

static int
cmd_purge(const struct cfg *c)
{
	struct db *db;
	struct db_purged p;
	int64_t now = time(NULL), shredded = 0, n = 0;
	char *cause = NULL;

	if (open_db(c, &db, &cause) != 0 ||
	    db_attach_keys(db, c->vault_file, &cause) != 0) {
		db_close(db);
		return fail("purge", cause);
	}
	if (db_begin(db) != 0 || db_purge(db, now - (int64_t)c->retention_days *
	    86400, now - (int64_t)c->audit_retention_days * 86400, &p) != 0)
		goto fail;
	do {
		if (shred_due(db, c, now, &n) != 0)
			goto fail;
		shredded += n;
	} while (n == 256);
	if (db_commit(db) != 0 || db_checkpoint(db, DB_CKPT_TRUNCATE) != 0)
		goto fail;
	printf("narratives %" PRId64 "\nevents %" PRId64 "\naudit_details %"
	    PRId64 "\nvault_keys %" PRId64 "\n", p.narratives, p.events,
	    p.audit, shredded);
	db_close(db);
	return 0;
fail:
	cause = xstrdup(db_error(db));
	db_rollback(db);
	db_close(db);
	return fail("purge", cause);
}

static int
cmd_backup(const struct cfg *c, const char *dest)
{
	struct db *db;
	char *cause = NULL;

	if (open_db(c, &db, &cause) != 0)
		return fail("backup", cause);
	if (db_backup(db, dest, &cause) != 0) {
		db_close(db);
		return fail("backup", cause);
	}
	db_close(db);
	printf("%s: backup of %s written. It holds no key: %s must be kept "
	    "(apart) to read it.\n", dest, c->db_path, c->key_file);
	return 0;
}

static int
cmd_restore(const struct cfg *c, const char *src)
{
	char *cause = NULL, *lock = xasprintf("%s.lock", c->db_path);
	int fd = lockfile_take(lock, &cause), rc;

	free(lock);
	if (fd < 0)
		return fail("restore", cause);
	rc = db_restore(c->db_path, src, &cause);
	lockfile_release(fd);
	if (rc != 0)
		return fail("restore", cause);
	printf("%s: restored from %s. numvertd opens it with the keys of %s.\n",
	    c->db_path, src, c->key_file);
	return 0;
}

static int
cmd_status(const struct cfg *c)
{
	static const char *const state[] = { "queued", "done", "failed" };
	struct db *db;
	char *cause = NULL;
	int64_t n;

	if (open_db(c, &db, &cause) != 0)
		return fail("status", cause);
	printf("database %s schema %d\n", c->db_path, db_version(db));
	if (db_report_count(db, &n) == 0)
		printf("reports %" PRId64 "\n", n);
	for (int s = DB_MT_QUEUED; s <= DB_MT_FAILED; s++)
		if (db_mt_count(db, (enum db_mt_state)s, &n) == 0)
			printf("outbox_%s %" PRId64 "\n", state[s], n);
	db_close(db);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *path = NULL, *cmd, *arg;
	struct cfg *c = NULL;
	char *cause = NULL;
	int ch, rc;

	while ((ch = getopt(argc, argv, "+c:h")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc || (argc - optind > 2 &&
	    strcmp(argv[optind], "menu") != 0)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[optind];
	arg = optind + 1 < argc ? argv[optind + 1] : NULL;
	if ((path != NULL ? cfg_load(path, &c, &cause) :
	    cfg_load_embedded(&c, &cause)) != 0) {
		fprintf(stderr, "numvert: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (strcmp(cmd, "menu") == 0) {
		rc = menu_cmd(c, argc - optind - 1, argv + optind + 1);
	} else if (strcmp(cmd, "keygen") == 0) {
		rc = cmd_keygen(c, arg);
	} else if (strcmp(cmd, "status") == 0 && arg == NULL) {
		rc = cmd_status(c);
	} else if (strcmp(cmd, "purge") == 0 && arg == NULL) {
		rc = cmd_purge(c);
	} else if (strcmp(cmd, "backup") == 0 && arg != NULL) {
		rc = cmd_backup(c, arg);
	} else if (strcmp(cmd, "restore") == 0 && arg != NULL) {
		rc = cmd_restore(c, arg);
	} else {
		usage(stderr);
		rc = EXIT_USAGE;
	}
	cfg_free(c);
	return rc;
}
