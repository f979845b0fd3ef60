/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The fixture of the store's tests (test_store.c, test_store_priv.c): a
 * key file, a database with its key store and writer thread in a
 * temporary directory, an event loop to run completions on. Included by
 * one test file each, after cmocka.h.
 */
#ifndef NV_TEST_STORE_ENV_H
#define NV_TEST_STORE_ENV_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "config.h"
#include "db/db.h"
#include "routing/crypto.h"
#include "routing/keys.h"
#include "store.h"

struct env {
	char dir[32], db_path[64], key_path[64], ks_path[64];
	struct event_base *base;
	struct cfg *cfg;
	struct keys *ks;
	struct db *db;
	struct store *s;
};

static void
start(struct env *e)
{
	char *cause = NULL;

	assert_int_equal(db_open(e->db_path, DB_SYNC_FULL, &e->db, &cause), 0);
	assert_int_equal(db_attach_keys(e->db, e->ks_path, &cause), 0);
	e->s = store_new(e->base, NULL, e->db, e->ks, e->cfg, &cause);
	if (e->s == NULL)
		fail_msg("store_new: %s", cause);
	store_set_retention(e->s, 90 * 86400, 365 * 86400, 30 * 86400);
}

static void
stop(struct env *e)
{
	store_free(e->s);
	db_close(e->db);
	e->s = NULL;
	e->db = NULL;
}

static int
setup(void **state)
{
	struct env *e = calloc(1, sizeof *e);
	char *cause = NULL;

	evthread_use_pthreads();
	snprintf(e->dir, sizeof e->dir, "/tmp/nv-store-XXXXXX");
	if (cry_init() != 0 || mkdtemp(e->dir) == NULL)
		return -1;
	snprintf(e->db_path, sizeof e->db_path, "%s/t.db", e->dir);
	snprintf(e->key_path, sizeof e->key_path, "%s/t.keys", e->dir);
	snprintf(e->ks_path, sizeof e->ks_path, "%s/t.vault", e->dir);
	if (keys_generate(e->key_path, &cause) != 0 ||
	    (e->ks = keys_load(e->key_path, &cause)) == NULL ||
	    cfg_load_embedded(&e->cfg, &cause) != 0)
		return -1;
	e->base = event_base_new();
	start(e);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;
	char cmd[96];

	if (e->s != NULL)
		stop(e);
	keys_free(e->ks);
	cfg_free(e->cfg);
	event_base_free(e->base);
	snprintf(cmd, sizeof cmd, "rm -rf %s", e->dir);
	if (system(cmd) != 0)
		return -1;
	free(e);
	return 0;
}

#endif
