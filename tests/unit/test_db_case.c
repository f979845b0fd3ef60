/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The queries of schema v3 (db/db.h), each with its error paths: the
 * menus' answers on a report (round trip, NULL when skipped, the CHECKs
 * on involved and partial), a report found by its case code's hash, the
 * newest event of a kind (row order, other kinds and reports ignored,
 * its body gone after a purge), and SMS conversations (one row per key,
 * replaced step by step, NOT NULL state, soonest expiry first, deletion,
 * expiry at or before now). After every test no statement is left busy.
 *
 * Uses db/db_int.h to reach the connection; each test has its own
 * database in a temporary directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/db_int.h"
#include "db_fx.h"

static const uint8_t *
hash(uint8_t h[DB_HASH_LEN], unsigned n)
{
	memset(h, 0, DB_HASH_LEN);
	h[0] = (uint8_t)n;
	h[1] = (uint8_t)(n >> 8);
	h[31] = 0xa5;
	return h;
}

/* --- the menus' answers and case codes -------------------------------- */

struct menu_seen {
	int calls;
	int64_t id;
	char weapon[16], count[16], involved[24], language[8];
	int has_weapon, has_involved, partial;
};

static void
got_menu(void *arg, const struct db_report *r)
{
	struct menu_seen *m = arg;

	m->calls++;
	m->id = r->id;
	m->partial = r->partial;
	if ((m->has_weapon = r->weapon != NULL))
		snprintf(m->weapon, sizeof m->weapon, "%s", r->weapon);
	snprintf(m->count, sizeof m->count, "%s",
	    r->weapon_count != NULL ? r->weapon_count : "-");
	if ((m->has_involved = r->involved != NULL))
		snprintf(m->involved, sizeof m->involved, "%s", r->involved);
	snprintf(m->language, sizeof m->language, "%s",
	    r->language != NULL ? r->language : "-");
}

static void
test_report_menu_fields(void **state)
{
	struct fx *f = *state;
	uint8_t ch[DB_HASH_LEN], other[DB_HASH_LEN];
	struct db_report r = { .case_hash = hash(ch, 77), .category = "ied",
	    .channel = "ussd", .link = "orange", .received = 3600,
	    .language = "bm", .weapon = "war", .weapon_count = "2-5",
	    .involved = "security_forces", .partial = 1 };
	struct menu_seen m = { 0 };
	int64_t id, plain, n;

	assert_int_equal(db_report_add(f->db, &r, &id), 0);
	assert_int_equal(db_report_get(f->db, id, got_menu, &m), 1);
	assert_string_equal(m.weapon, "war");
	assert_string_equal(m.count, "2-5");
	assert_string_equal(m.involved, "security_forces");
	assert_int_equal(m.partial, 1);
	/* Found by its case code's hash, and only by that. */
	memset(&m, 0, sizeof m);
	assert_int_equal(db_report_by_case(f->db, ch, got_menu, &m), 1);
	assert_int_equal(m.calls, 1);
	assert_int_equal(m.id, id);
	assert_string_equal(m.language, "bm");
	assert_int_equal(db_report_by_case(f->db, ch, NULL, NULL), 1);
	assert_int_equal(db_report_by_case(f->db, hash(other, 78), got_menu,
	    &m), 0);
	assert_int_equal(m.calls, 1);
	/* Skipped answers stay NULL; partial is 0 by default. */
	r = (struct db_report){ .category = "arms_seen", .channel = "sms",
	    .link = "moov", .received = 0 };
	assert_int_equal(db_report_add(f->db, &r, &plain), 0);
	memset(&m, 0, sizeof m);
	assert_int_equal(db_report_get(f->db, plain, got_menu, &m), 1);
	assert_false(m.has_weapon);
	assert_string_equal(m.count, "-");
	assert_false(m.has_involved);
	assert_int_equal(m.partial, 0);
	/* Who is involved is one of four answers; partial is 0 or 1. */
	r.involved = "the neighbours";
	assert_int_equal(db_report_add(f->db, &r, NULL), -1);
	assert_non_null(strstr(db_error(f->db), "CHECK"));
	assert_int_not_equal(sqlite3_exec(f->db->h, "UPDATE reports SET "
	    "partial = 2", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(f->db->h, "UPDATE reports SET "
	    "partial = NULL", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(db_report_count(f->db, &n), 0);
	assert_int_equal(n, 2);
	assert_all_reset(f->db);
}

struct event_seen {
	int calls;
	struct db_event e;
	uint8_t body[16];
	char kind[16];
};

static void
got_event(void *arg, const struct db_event *e)
{
	struct event_seen *s = arg;

	s->calls++;
	s->e = *e;
	s->e.kind = NULL;
	snprintf(s->kind, sizeof s->kind, "%s", e->kind);
	if (e->body != NULL)
		memcpy(s->body, e->body, e->body_len < 16 ? e->body_len : 16);
	else
		s->e.body = NULL;
}

static void
test_event_last(void **state)
{
	struct fx *f = *state;
	struct db_report r = { .category = "arms", .channel = "sms",
	    .link = "orange", .received = 1 };
	struct event_seen s = { 0 };
	int64_t rep, rep2, user, q1, q2, q3, note;
	struct db_purged p;

	assert_int_equal(db_report_add(f->db, &r, &rep), 0);
	assert_int_equal(db_report_add(f->db, &r, &rep2), 0);
	assert_int_equal(db_user_add(f->db, "awa", "h", "operator", 1, &user),
	    0);
	assert_int_equal(db_event_last(f->db, rep, "question", got_event, &s),
	    0);
	assert_int_equal(s.calls, 0);
	/* Two questions in one second: the later row is the newest. */
	assert_int_equal(db_event_add(f->db, rep, 50, "question",
	    (const uint8_t *)"Q-one", 5, 3, user, &q1), 0);
	assert_int_equal(db_event_add(f->db, rep, 50, "question", NULL, 0, 0,
	    user, &q2), 0);
	assert_int_equal(db_event_set_body(f->db, q2, (const uint8_t *)"Q-two",
	    5, 4), 0);
	/* Another kind, and another report's question, are not it. */
	assert_int_equal(db_event_add(f->db, rep, 60, "note",
	    (const uint8_t *)"N", 1, 3, user, &note), 0);
	assert_int_equal(db_event_add(f->db, rep2, 70, "question",
	    (const uint8_t *)"Q-other", 7, 3, user, &q3), 0);
	assert_int_equal(db_event_last(f->db, rep, "question", got_event, &s),
	    1);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.e.id, q2);
	assert_true(q2 > q1);
	assert_int_equal(s.e.report_id, rep);
	assert_int_equal(s.e.at, 50);
	assert_string_equal(s.kind, "question");
	assert_int_equal(s.e.body_len, 5);
	assert_memory_equal(s.body, "Q-two", 5);
	assert_int_equal(s.e.key_id, 4);
	assert_int_equal(s.e.actor, user);
	assert_int_equal(db_event_last(f->db, rep, "answer", got_event, &s), 0);
	/* No such event to seal. */
	assert_int_equal(db_event_set_body(f->db, q3 + 1,
	    (const uint8_t *)"x", 1, 1), -1);
	assert_false(db_error_is_temporary(f->db));
	/* Purged: the question is still there, its text is gone. */
	assert_int_equal(db_report_set_status(f->db, rep, "closed", 100), 0);
	assert_int_equal(db_purge(f->db, 200, 0, &p), 0);
	memset(&s, 0, sizeof s);
	assert_int_equal(db_event_last(f->db, rep, "question", got_event, &s),
	    1);
	assert_int_equal(s.e.id, q2);
	assert_null(s.e.body);
	assert_int_equal(s.e.key_id, 0);
	assert_all_reset(f->db);
}

/* --- SMS conversations ----------------------------------------------- */

struct conv_seen {
	int n;
	uint8_t key0[8];
	uint8_t state[16];
	size_t state_len;
	uint32_t key_id;
	int64_t expires[8];
};

static void
got_conv(void *arg, const struct db_conv *c)
{
	struct conv_seen *s = arg;

	if (s->n < 8) {
		s->key0[s->n] = c->key[0];
		s->expires[s->n] = c->expires;
	}
	s->n++;
	s->state_len = c->state_len;
	memcpy(s->state, c->state, c->state_len < 16 ? c->state_len : 16);
	s->key_id = c->key_id;
}

static void
test_conversations(void **state)
{
	struct fx *f = *state;
	uint8_t k1[DB_HASH_LEN], k2[DB_HASH_LEN], k3[DB_HASH_LEN];
	struct db_conv c = { .key = hash(k1, 1),
	    .state = (const uint8_t *)"state-1", .state_len = 7, .key_id = 2,
	    .expires = 500 };
	struct conv_seen s = { 0 };
	int64_t n = -1;

	hash(k2, 2);
	hash(k3, 3);
	assert_int_equal(db_conv_get(f->db, k1, got_conv, &s), 0);
	assert_int_equal(db_conv_put(f->db, &c), 0);
	assert_int_equal(db_conv_get(f->db, k1, got_conv, &s), 1);
	assert_int_equal(s.state_len, 7);
	assert_memory_equal(s.state, "state-1", 7);
	assert_int_equal(s.key_id, 2);
	assert_int_equal(s.expires[0], 500);
	/* The next step replaces it: one row per sender. */
	c.state = (const uint8_t *)"state-two";
	c.state_len = 9;
	c.key_id = 3;
	c.expires = 900;
	assert_int_equal(db_conv_put(f->db, &c), 0);
	c.key = k2;
	c.expires = 100;
	assert_int_equal(db_conv_put(f->db, &c), 0);
	c.key = k3;
	c.expires = 300;
	assert_int_equal(db_conv_put(f->db, &c), 0);
	memset(&s, 0, sizeof s);
	assert_int_equal(db_conv_each(f->db, got_conv, &s), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.key0[0], 2);		/* soonest to expire first */
	assert_int_equal(s.key0[1], 3);
	assert_int_equal(s.key0[2], 1);
	assert_int_equal(s.expires[2], 900);
	assert_memory_equal(s.state, "state-two", 9);
	assert_int_equal(s.key_id, 3);
	/* The state is NOT NULL. */
	c.state = NULL;
	assert_int_equal(db_conv_put(f->db, &c), -1);
	assert_non_null(strstr(db_error(f->db), "NOT NULL"));
	/* Deleting one that ended already is no error. */
	assert_int_equal(db_conv_delete(f->db, k3), 0);
	assert_int_equal(db_conv_delete(f->db, k3), 0);
	assert_int_equal(db_conv_get(f->db, k3, got_conv, &s), 0);
	/* Expiry: at or before now. */
	assert_int_equal(db_conv_expire(f->db, 99, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(db_conv_expire(f->db, 100, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(db_conv_get(f->db, k2, got_conv, &s), 0);
	assert_int_equal(db_conv_get(f->db, k1, got_conv, &s), 1);
	assert_int_equal(db_conv_expire(f->db, 10000, NULL), 0);
	memset(&s, 0, sizeof s);
	assert_int_equal(db_conv_each(f->db, got_conv, &s), 0);
	assert_int_equal(s.n, 0);
	assert_all_reset(f->db);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_report_menu_fields, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_event_last, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_conversations, setup,
		    teardown),
	};

	/* prove reads TAP; an explicit CMOCKA_MESSAGE_OUTPUT still wins. */
	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);

	return cmocka_run_group_tests_name("db_case", tests, NULL, NULL) != 0;
}
