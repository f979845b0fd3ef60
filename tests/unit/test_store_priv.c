/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The store's privacy jobs (gateway/store_priv.c) on a real database
 * with its key store and writer thread: the vault and crypto-shredding
 * (after the case key is destroyed the reply path fails, and the
 * ciphertext kept in a backup opens with nothing numvertd still holds),
 * the GBV limit on a reply path's life, escalation once per report,
 * alerts through the outbox, and retention.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "config.h"
#include "db/db.h"
#include "db/db_int.h"
#include "routing/crypto.h"
#include "routing/keys.h"
#include "store.h"
#include "store_env.h"


/* What a job reported back. */
struct got {
	int n, status, esc;
	int64_t id;
	char e164[32];
	struct store_purged p;
};

static void
wait_n(struct env *e, struct got *g, int n)
{
	for (int i = 0; i < 10000 && g->n < n; i++)
		event_base_loop(e->base, EVLOOP_ONCE | EVLOOP_NONBLOCK), usleep(200);
	assert_int_equal(g->n, n);
}

static void
on_report(void *arg, enum store_result r, int64_t report_id, int64_t mt_id)
{
	struct got *g = arg;

	(void)mt_id;
	g->n++;
	g->status = r == STORE_OK ? 0 : -1;
	g->id = report_id;
}

static int64_t
add_report(struct env *e, int urgent)
{
	struct store_route rt = { .region = "gao", .queues = { "gao",
	    "national-eod" }, .nqueues = urgent ? 2 : 1, .urgent = urgent };
	struct store_report r = { .link = "orange", .channel = "sms",
	    .category = urgent ? "ied" : "arms_seen", .text = "texte",
	    .len = 5, .route = &rt };
	struct got g = { 0 };

	store_report(e->s, &r, NULL, on_report, &g);
	wait_n(e, &g, 1);
	assert_int_equal(g.status, 0);
	return g.id;
}

static void
on_vault(void *arg, int status, const char *e164)
{
	struct got *g = arg;

	g->n++;
	g->status = status;
	snprintf(g->e164, sizeof g->e164, "%s", e164 != NULL ? e164 : "");
}

/* The sealed number of report id, read from a database file. */
static size_t
sealed_in(const char *path, int64_t id, uint8_t *out, size_t size)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	size_t n = 0;

	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT sealed FROM vault "
	    "WHERE report_id = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_blob(st, 0)) {
		n = (size_t)sqlite3_column_bytes(st, 0);
		assert_true(n <= size);
		memcpy(out, sqlite3_column_blob(st, 0), n);
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	return n;
}

/* Tries every key of the key store file and of the key file on blob. */
static int
opens_with_any(struct env *e, int64_t id, const uint8_t *blob, size_t len)
{
	static const char *const names[] = { KEY_STORE, KEY_DEDUP };
	uint8_t ad[64], plain[64];
	size_t adlen = 0;
	sqlite3 *h;
	sqlite3_stmt *st;
	int opened = 0;

	memcpy(ad, "vault", 5);
	adlen = 5;
	for (int i = 0; i < 8; i++)
		ad[adlen++] = (uint8_t)((uint64_t)id >> (8 * i));
	for (int i = 0; i < 4; i++)
		ad[adlen++] = 0;
	assert_int_equal(sqlite3_open(e->ks_path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT key FROM case_keys",
	    -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		if (sqlite3_column_bytes(st, 0) == CRY_KEY_LEN &&
		    cry_open(sqlite3_column_blob(st, 0), ad, adlen, blob, len,
		    plain) == 0)
			opened++;
	sqlite3_finalize(st);
	sqlite3_close(h);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		for (uint32_t kid = 0; kid < 8; kid++) {
			const uint8_t *k = keys_find(e->ks, names[i], kid);

			if (k != NULL && cry_open(k, ad, adlen, blob, len,
			    plain) == 0)
				opened++;
		}
	return opened;
}

static void
test_crypto_shredding(void **state)
{
	struct env *e = *state;
	int64_t id = add_report(e, 0), other = add_report(e, 0);
	char *bk = NULL, *cause = NULL;
	struct db *reader;
	uint8_t blob[128];
	size_t len;
	struct got g = { 0 };

	assert_int_equal(store_vault_put(e->s, id, "+22370000071",
	    time(NULL) + 3600, 0, on_vault, &g), 0);
	assert_int_equal(store_vault_put(e->s, other, "+22370000072",
	    time(NULL) + 3600, 0, on_vault, &g), 0);
	wait_n(e, &g, 2);
	assert_int_equal(g.status, 1);
	store_vault_open(e->s, id, on_vault, &g);
	wait_n(e, &g, 3);
	assert_int_equal(g.status, 1);
	assert_string_equal(g.e164, "+22370000071");

	/* A backup made while the path lived holds its ciphertext. */
	bk = calloc(1, 96);
	snprintf(bk, 96, "%s/before.db", e->dir);
	assert_int_equal(db_open(e->db_path, DB_SYNC_FULL, &reader, &cause), 0);
	assert_int_equal(db_backup(reader, bk, &cause), 0);
	db_close(reader);
	len = sealed_in(bk, id, blob, sizeof blob);
	assert_true(len > CRY_SEAL_OVERHEAD);
	assert_int_equal(opens_with_any(e, id, blob, len), 1);	/* its key */

	store_vault_shred(e->s, id, on_vault, &g);
	wait_n(e, &g, 4);
	store_vault_open(e->s, id, on_vault, &g);
	wait_n(e, &g, 5);
	assert_int_equal(g.status, 0);		/* the reply path is gone */
	assert_string_equal(g.e164, "");
	assert_int_equal(sealed_in(e->db_path, id, blob + 64, 64), 0);
	/* Nothing numvertd holds opens the old copy any more. */
	assert_int_equal(opens_with_any(e, id, blob, len), 0);
	/* The other case is untouched, and also survives a restart. */
	stop(e);
	start(e);
	store_vault_open(e->s, other, on_vault, &g);
	wait_n(e, &g, 6);
	assert_int_equal(g.status, 1);
	assert_string_equal(g.e164, "+22370000072");
	free(bk);
}

static void
test_gbv_path_lives_7_days_at_most(void **state)
{
	struct env *e = *state;
	int64_t id = add_report(e, 0), now = time(NULL);
	struct got g = { 0 };
	int64_t ids[4];
	unsigned n = 0;

	assert_int_equal(store_vault_put(e->s, id, "+22370000073",
	    now + 30 * 86400, 1, on_vault, &g), 0);
	wait_n(e, &g, 1);
	stop(e);
	assert_int_equal(db_open(e->db_path, DB_SYNC_FULL, &e->db, NULL), 0);
	assert_int_equal(db_attach_keys(e->db, e->ks_path, NULL), 0);
	assert_int_equal(db_vault_due(e->db, now + 7 * 86400 + 5, 0, ids, 4,
	    &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(db_vault_due(e->db, now + 7 * 86400 - 5, 0, ids, 4,
	    &n), 0);
	assert_int_equal(n, 0);
	db_close(e->db);
	start(e);
}

static void
on_esc(void *arg, int64_t report_id, int esc)
{
	struct got *g = arg;

	g->n++;
	g->esc = esc;
	g->id = report_id;
}

static void
on_pending(void *arg, const int64_t *ids, const char *const *queues,
    unsigned n, unsigned more)
{
	struct got *g = arg;

	g->n++;
	assert_non_null(ids);
	assert_int_equal(more, 0);
	g->status = (int)n;
	if (n > 0) {
		g->id = ids[0];
		assert_string_equal(queues[0], "gao");
	}
}

static void
on_sent(void *arg, int64_t mt_id)
{
	struct got *g = arg;

	g->n++;
	g->id = mt_id;
}

static void
test_escalation_once_and_alert(void **state)
{
	struct env *e = *state;
	int64_t urgent = add_report(e, 1);
	struct store_mt mt = { .link = "orange", .to = { .to = "22370000099",
	    .to_ton = 1, .to_npi = 1 }, .text = "alerte", .lang = "fr" };
	struct got g = { 0 };

	(void)add_report(e, 0);
	store_urgent_pending(e->s, on_pending, &g);
	wait_n(e, &g, 1);
	assert_int_equal(g.status, 1);
	assert_int_equal(g.id, urgent);
	store_escalate(e->s, urgent, on_esc, &g);
	wait_n(e, &g, 2);
	assert_int_equal(g.esc, 1);
	store_escalate(e->s, urgent, on_esc, &g);
	wait_n(e, &g, 3);
	assert_int_equal(g.esc, 0);		/* once only */
	store_urgent_pending(e->s, on_pending, &g);
	wait_n(e, &g, 4);
	assert_int_equal(g.status, 0);
	store_send(e->s, &mt, on_sent, &g);
	wait_n(e, &g, 5);
	assert_true(g.id > 0);
}

static void
on_purge(void *arg, int status, const struct store_purged *p)
{
	struct got *g = arg;

	g->n++;
	g->status = status;
	g->p = *p;
}

static void
test_retention(void **state)
{
	struct env *e = *state;
	int64_t old = add_report(e, 0), recent = add_report(e, 0);
	int64_t now = time(NULL);
	struct got g = { 0 };
	struct db *w;

	assert_int_equal(store_vault_put(e->s, old, "+22370000074", now + 86400
	    * 365, 0, on_vault, &g), 0);
	wait_n(e, &g, 1);
	/* An operator closed one 100 days ago, the other yesterday. */
	assert_int_equal(db_open(e->db_path, DB_SYNC_FULL, &w, NULL), 0);
	assert_int_equal(db_report_set_status(w, old, "closed",
	    now - 100 * 86400), 0);
	assert_int_equal(db_report_set_status(w, recent, "closed",
	    now - 86400), 0);
	db_close(w);
	store_purge(e->s, now, on_purge, &g);
	wait_n(e, &g, 2);
	assert_int_equal(g.status, 0);
	assert_int_equal(g.p.narratives, 1);
	assert_int_equal(g.p.shredded, 1);	/* closed > 30 days ago */
	store_vault_open(e->s, old, on_vault, &g);
	wait_n(e, &g, 3);
	assert_int_equal(g.status, 0);
	store_purge(e->s, now, on_purge, &g);
	wait_n(e, &g, 4);
	assert_int_equal(g.p.narratives + g.p.shredded, 0);
}

static int64_t
add_marked(struct env *e, const uint8_t *mark, int64_t epoch)
{
	struct store_route rt = { .region = "gao", .queues = { "gao" },
	    .nqueues = 1, .mark = mark, .epoch = epoch };
	struct store_report r = { .link = "orange", .channel = "sms",
	    .category = "arms_seen", .text = "t", .len = 1, .route = &rt };
	struct got g = { 0 };

	store_report(e->s, &r, NULL, on_report, &g);
	wait_n(e, &g, 1);
	assert_int_equal(g.status, 0);
	return g.id;
}

static void
got_counted(void *arg, const struct db_report *r)
{
	*(int *)arg = r->counted;
}

static int
counted(struct env *e, int64_t id)
{
	struct db *rd;
	int c = -1;

	assert_int_equal(db_open(e->db_path, DB_SYNC_FULL, &rd, NULL), 0);
	assert_int_equal(db_report_get(rd, id, got_counted, &c), 1);
	db_close(rd);
	return c;
}

/* A sender counts once per cell and epoch, also across a restart, and
 * again in the next epoch once the old marks are purged. */
static void
test_counted_once(void **state)
{
	struct env *e = *state;
	uint8_t m1[DB_HASH_LEN], m2[DB_HASH_LEN];
	int64_t a, b, c, d, f;
	struct got g = { 0 };

	memset(m1, 0x11, sizeof m1);
	memset(m2, 0x22, sizeof m2);
	a = add_marked(e, m1, 100);
	b = add_marked(e, m1, 100);
	c = add_marked(e, m2, 100);
	stop(e);
	start(e);
	d = add_marked(e, m1, 100);
	assert_int_equal(counted(e, a), 1);
	assert_int_equal(counted(e, b), 0);
	assert_int_equal(counted(e, c), 1);
	assert_int_equal(counted(e, d), 0);	/* the mark came back */
	store_purge(e->s, 200, on_purge, &g);	/* epoch 100 is over */
	wait_n(e, &g, 1);
	f = add_marked(e, m1, 100);
	assert_int_equal(counted(e, f), 1);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_crypto_shredding, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_gbv_path_lives_7_days_at_most, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escalation_once_and_alert,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_retention, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_counted_once, setup,
		    teardown),
	};

	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("store_priv", tests, NULL, NULL) != 0;
}
