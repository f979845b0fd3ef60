/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The routing and privacy queries (db/privacy.c): the queues of a
 * report, acknowledgement and escalation (one alert per report), the
 * "counted once" marks, the vault with its key store (attached, never in
 * the database file or its backup; shredding deletes key and ciphertext),
 * and retention (narratives of closed reports, old audit details).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

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


/* The shared fixture, with the key store attached. */
static int
setup_ks(void **state)
{
	struct fx *f;
	char *cause = NULL;

	if (setup(state) != 0)
		return -1;
	f = *state;
	if (db_attach_keys(f->db, f->ks, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		return -1;
	}
	return 0;
}

static int64_t
add(struct db *db, int urgent)
{
	struct db_report r = { .category = urgent ? "ied" : "arms_seen",
	    .region = "gao", .queue = "gao", .urgent = urgent,
	    .channel = "sms", .link = "orange", .received = 3600,
	    .narrative = (const uint8_t *)"sealed", .narrative_len = 6,
	    .key_id = 1, .flags = "accuses_security" };
	int64_t id = 0;

	assert_int_equal(db_report_add(db, &r, &id), 0);
	return id;
}

static void
got_queue(void *arg, const char *q)
{
	char *out = arg;

	strcat(out, q);
	strcat(out, ",");
}

static void
got_report(void *arg, const struct db_report *r)
{
	struct db_report *out = arg;

	*out = *r;
	/* Strings and blobs live during the call only: keep whether. */
	out->category = out->flags = out->region = NULL;
	out->narrative = r->narrative != NULL ? (const uint8_t *)"" : NULL;
	assert_string_equal(r->flags, "accuses_security");
}

static void
got_id(void *arg, int64_t id, const char *queue)
{
	*(int64_t *)arg = id;
	assert_string_equal(queue, "gao");
}

static void
test_queues_ack_escalate(void **state)
{
	struct fx *f = *state;
	int64_t a = add(f->db, 1), b = add(f->db, 1), c = add(f->db, 0);
	int64_t pending = 0;
	char qs[128] = "";
	struct db_report r;

	assert_int_equal(db_report_queue_add(f->db, a, "national-eod"), 0);
	assert_int_equal(db_report_queue_add(f->db, a, "gao"), 0);
	assert_int_equal(db_report_queue_add(f->db, a, "gao"), 0);
	assert_int_equal(db_report_queues(f->db, a, got_queue, qs), 0);
	assert_string_equal(qs, "gao,national-eod,");
	qs[0] = '\0';
	assert_int_equal(db_report_queues(f->db, c, got_queue, qs), 0);
	assert_string_equal(qs, "");
	assert_int_equal(db_report_queue_add(f->db, 999, "gao"), -1);

	/* a acknowledged: never escalated; b escalated once; c not urgent. */
	assert_int_equal(db_report_ack(f->db, a, 100), 0);
	assert_int_equal(db_report_ack(f->db, a, 200), 0);
	assert_int_equal(db_report_ack(f->db, 999, 200), -1);
	assert_int_equal(db_urgent_each(f->db, got_id, &pending), 0);
	assert_int_equal(pending, b);
	assert_int_equal(db_report_escalate(f->db, a, 300), 0);
	assert_int_equal(db_report_escalate(f->db, b, 300), 1);
	assert_int_equal(db_report_escalate(f->db, b, 301), 0);
	assert_int_equal(db_report_escalate(f->db, c, 300), 0);
	pending = 0;
	assert_int_equal(db_urgent_each(f->db, got_id, &pending), 0);
	assert_int_equal(pending, 0);
	assert_int_equal(db_report_get(f->db, a, got_report, &r), 1);
	assert_int_equal(r.acked_at, 100);
	assert_int_equal(r.escalated_at, 0);
	assert_int_equal(db_report_get(f->db, b, got_report, &r), 1);
	assert_int_equal(r.escalated_at, 300);

	/* Closing records when; reopening clears it. */
	assert_int_equal(db_report_set_status(f->db, c, "closed", 500), 0);
	assert_int_equal(db_report_set_status(f->db, c, "closed", 600), 0);
	assert_int_equal(db_report_get(f->db, c, got_report, &r), 1);
	assert_int_equal(r.closed_at, 500);
	assert_int_equal(db_report_set_status(f->db, c, "verified", 700), 0);
	assert_int_equal(db_report_get(f->db, c, got_report, &r), 1);
	assert_int_equal(r.closed_at, 0);
}

struct marks {
	int n;
	uint8_t first[4];
	int64_t epoch[4];
};

static void
got_mark(void *arg, const uint8_t mark[DB_MARK_LEN], int64_t epoch)
{
	struct marks *m = arg;

	if (m->n < 4) {
		m->first[m->n] = mark[0];
		m->epoch[m->n] = epoch;
	}
	m->n++;
}

static void
test_counted(void **state)
{
	struct fx *f = *state;
	uint8_t m1[DB_MARK_LEN], m2[DB_MARK_LEN];
	struct marks got = { 0 };

	memset(m1, 1, sizeof m1);
	memset(m2, 2, sizeof m2);
	assert_int_equal(db_counted_add(f->db, m1, 10), 0);
	assert_int_equal(db_counted_add(f->db, m2, 20), 0);
	assert_int_equal(db_counted_each(f->db, got_mark, &got), 0);
	assert_int_equal(got.n, 2);
	assert_int_equal(got.first[0], 1);
	assert_int_equal(got.epoch[0], 10);
	assert_int_equal(got.epoch[1], 20);
	assert_int_equal(db_counted_expire(f->db, 20), 0);
	got.n = 0;
	assert_int_equal(db_counted_each(f->db, got_mark, &got), 0);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.first[0], 2);
}

struct sealed {
	uint8_t b[64];
	size_t n;
};

static void
got_sealed(void *arg, const uint8_t *p, size_t n)
{
	struct sealed *s = arg;

	assert_true(n <= sizeof s->b);
	memcpy(s->b, p, n);
	s->n = n;
}

/* Whether the file at path holds needle (n octets) anywhere. */
static int
file_holds(const char *path, const uint8_t *needle, size_t n)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	long len;
	int found = 0;

	if (fp == NULL)
		return 0;
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	buf = xmalloc((size_t)len + 1);
	assert_int_equal(fread(buf, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	for (long i = 0; !found && i + (long)n <= len; i++)
		found = memcmp(buf + i, needle, n) == 0;
	free(buf);
	return found;
}

static void
test_vault_and_shredding(void **state)
{
	struct fx *f = *state;
	int64_t a = add(f->db, 0), b = add(f->db, 0), ids[4];
	uint8_t ka[DB_KEY_LEN], kb[DB_KEY_LEN], got[DB_KEY_LEN];
	struct sealed s = { .n = 0 };
	char *bk = xasprintf("%s/backup.db", f->dir), *cause = NULL;
	unsigned n = 9;

	memset(ka, 0xa5, sizeof ka);
	memset(kb, 0x5a, sizeof kb);
	assert_int_equal(db_vault_add(f->db, a, ka, (const uint8_t *)"CIPHER-A",
	    8, 10, 1000), 0);
	assert_int_equal(db_vault_add(f->db, b, kb, (const uint8_t *)"CIPHER-B",
	    8, 10, 5000), 0);
	assert_int_equal(db_vault_get(f->db, a, got, got_sealed, &s), 1);
	assert_memory_equal(got, ka, DB_KEY_LEN);
	assert_int_equal(s.n, 8);
	assert_memory_equal(s.b, "CIPHER-A", 8);

	/* The keys are in the key store only, never in the database. */
	assert_int_equal(db_checkpoint(f->db, DB_CKPT_TRUNCATE), 0);
	assert_int_equal(db_backup(f->db, bk, &cause), 0);
	assert_false(file_holds(f->path, ka, sizeof ka));
	assert_false(file_holds(bk, ka, sizeof ka));
	assert_true(file_holds(f->ks, ka, sizeof ka));

	assert_int_equal(db_vault_due(f->db, 999, 0, ids, 4, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(db_vault_shred_by(f->db, b, 900), 0);
	assert_int_equal(db_vault_shred_by(f->db, b, 4000), 0);	/* never later */
	assert_int_equal(db_vault_due(f->db, 1000, 0, ids, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], b);
	assert_int_equal(ids[1], a);
	assert_int_equal(db_vault_shred(f->db, a, 1000), 0);
	s.n = 0;
	assert_int_equal(db_vault_get(f->db, a, got, got_sealed, &s), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(db_vault_get(f->db, b, got, got_sealed, &s), 1);
	/* The shredded key is gone from the key store file, overwritten. */
	assert_false(file_holds(f->ks, ka, sizeof ka));
	assert_true(file_holds(f->ks, kb, sizeof kb));
	assert_int_equal(db_vault_due(f->db, 1000, 0, ids, 4, &n), 0);
	assert_int_equal(n, 1);
	/* Closure brings it forward: closed at 2000, due 30 s later. */
	assert_int_equal(db_report_set_status(f->db, b, "closed", 2000), 0);
	assert_int_equal(db_vault_due(f->db, 800, 2000 - 30, ids, 4, &n), 0);
	assert_int_equal(n, 0);		/* (its shred_at is 900) */
	assert_int_equal(db_vault_due(f->db, 800, 2001, ids, 4, &n), 0);
	assert_int_equal(n, 1);
	free(bk);
	free(cause);
}

/* Without the key store attached, the vault refuses, and says why. */
static void
test_vault_needs_key_store(void **state)
{
	struct fx *f = *state;
	struct db *plain;
	char *cause = NULL;
	uint8_t k[DB_KEY_LEN] = { 0 };

	assert_int_equal(db_open(f->path, DB_SYNC_FULL, &plain, &cause), 0);
	assert_int_equal(db_vault_add(plain, 1, k, k, 1, 1, 1), -1);
	assert_non_null(strstr(db_error(plain), "key store"));
	db_close(plain);
}

static void
test_purge(void **state)
{
	struct fx *f = *state;
	int64_t a = add(f->db, 0), b = add(f->db, 0), c = add(f->db, 0);
	uint8_t z[DB_HASH_LEN] = { 0 }, h1[DB_HASH_LEN], h2[DB_HASH_LEN];
	struct db_purged p;
	struct db_report r;
	int64_t n = 0;

	memset(h1, 1, sizeof h1);
	memset(h2, 2, sizeof h2);
	assert_int_equal(db_event_add(f->db, a, 10, "note",
	    (const uint8_t *)"x", 1, 1, 0, NULL), 0);
	assert_int_equal(db_report_set_status(f->db, a, "closed", 100), 0);
	assert_int_equal(db_report_set_status(f->db, b, "closed", 300), 0);
	assert_int_equal(db_audit_append(f->db, 50, 0, "view", "report 1",
	    "old detail", h2, z, h1), 0);
	assert_int_equal(db_audit_append(f->db, 500, 0, "view", "report 2",
	    "new detail", h1, h1, h2), 0);
	assert_int_equal(db_purge(f->db, 200, 100, &p), 0);
	assert_int_equal(p.narratives, 1);
	assert_int_equal(p.events, 1);
	assert_int_equal(p.audit, 1);
	assert_int_equal(db_report_get(f->db, a, got_report, &r), 1);
	assert_null(r.narrative);
	assert_int_equal(r.key_id, 0);
	assert_int_equal(db_report_get(f->db, b, got_report, &r), 1);
	assert_non_null(r.narrative);	/* closed too recently */
	assert_int_equal(db_report_get(f->db, c, got_report, &r), 1);
	assert_non_null(r.narrative);	/* still open */
	assert_int_equal(db_purge(f->db, 200, 100, &p), 0);
	assert_int_equal(p.narratives + p.events + p.audit, 0);
	/* The reports stay: the statistics count them. */
	assert_int_equal(db_report_count(f->db, &n), 0);
	assert_int_equal(n, 3);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_queues_ack_escalate, setup_ks,
		    teardown),
		cmocka_unit_test_setup_teardown(test_counted, setup_ks, teardown),
		cmocka_unit_test_setup_teardown(test_vault_and_shredding, setup_ks,
		    teardown),
		cmocka_unit_test_setup_teardown(test_vault_needs_key_store,
		    setup_ks, teardown),
		cmocka_unit_test_setup_teardown(test_purge, setup_ks, teardown),
	};

	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("db_privacy", tests, NULL, NULL) != 0;
}
