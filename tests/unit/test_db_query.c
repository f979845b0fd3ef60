/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The store's queries (db/db.h), each with its error paths: inbound
 * deduplication (a retransmission returns 1), reports (round trip,
 * updates, UNIQUE, CHECK and NOT NULL, id order), events (foreign keys),
 * parts, the outbox (CHECK on a final state with a destination, final
 * clears it), accounts, and the audit chain (a wrong prev is refused,
 * rows cannot be changed). After every test no statement is left busy.
 *
 * Uses db/db_int.h to reach the connection; each test has its own
 * database in a temporary directory.
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


static const uint8_t *
hash(uint8_t h[DB_HASH_LEN], unsigned n)
{
	memset(h, 0, DB_HASH_LEN);
	h[0] = (uint8_t)n;
	h[1] = (uint8_t)(n >> 8);
	h[31] = 0xa5;
	return h;
}

/* --- inbound ---------------------------------------------------------- */

static void
test_inbound(void **state)
{
	struct fx *f = *state;
	struct db_report r = { .category = "arms", .channel = "sms",
	    .link = "orange", .received = 3600 };
	uint8_t h[DB_HASH_LEN];
	int64_t rid = -1, rep;

	assert_int_equal(db_report_add(f->db, &r, &rep), 0);
	assert_int_equal(db_inbound_seen(f->db, hash(h, 1), &rid), 0);
	assert_int_equal(rid, 0);
	assert_int_equal(db_inbound_add(f->db, h, "orange", 100, "sms", rep), 0);
	assert_int_equal(db_inbound_seen(f->db, h, &rid), 1);
	assert_int_equal(rid, rep);
	/* A retransmission: 1, and the first entry stays. */
	assert_int_equal(db_inbound_add(f->db, h, "orange", 200, "sms", 0), 1);
	assert_int_equal(db_inbound_seen(f->db, h, &rid), 1);
	assert_int_equal(rid, rep);
	/* No report: 0 in *report_id. */
	assert_int_equal(db_inbound_add(f->db, hash(h, 2), "moov", 150, "part",
	    0), 0);
	assert_int_equal(db_inbound_seen(f->db, h, &rid), 1);
	assert_int_equal(rid, 0);
	/* CHECK (kind) and the foreign key to reports. */
	assert_int_equal(db_inbound_add(f->db, hash(h, 3), "moov", 1, "fax",
	    0), -1);
	assert_non_null(strstr(db_error(f->db), "CHECK"));
	assert_false(db_error_is_temporary(f->db));
	assert_int_equal(db_inbound_add(f->db, hash(h, 4), "moov", 1, "sms",
	    rep + 100), -1);
	assert_non_null(strstr(db_error(f->db), "FOREIGN KEY"));
	/* Expiry: strictly older than before. */
	assert_int_equal(db_inbound_expire(f->db, 150), 0);
	assert_int_equal(db_inbound_seen(f->db, hash(h, 1), NULL), 0);
	assert_int_equal(db_inbound_seen(f->db, hash(h, 2), NULL), 1);
	assert_int_equal(db_inbound_expire(f->db, 151), 0);
	assert_int_equal(db_inbound_seen(f->db, hash(h, 2), NULL), 0);
	assert_all_reset(f->db);
}

/* --- reports ---------------------------------------------------------- */

struct got {
	int calls;
	int64_t ids[16];
	struct db_report last;
	char category[32], region[32], status[32], link[32];
	uint8_t narrative[64], case_hash[DB_HASH_LEN];
	int has_region, has_case_hash, has_narrative, has_queue;
};

static void
got_report(void *arg, const struct db_report *r)
{
	struct got *g = arg;

	if (g->calls < 16)
		g->ids[g->calls] = r->id;
	g->calls++;
	g->last = *r;
	snprintf(g->category, sizeof g->category, "%s", r->category);
	snprintf(g->status, sizeof g->status, "%s", r->status);
	snprintf(g->link, sizeof g->link, "%s", r->link);
	if ((g->has_region = r->region != NULL))
		snprintf(g->region, sizeof g->region, "%s", r->region);
	g->has_queue = r->queue != NULL;
	if ((g->has_case_hash = r->case_hash != NULL))
		memcpy(g->case_hash, r->case_hash, DB_HASH_LEN);
	if ((g->has_narrative = r->narrative != NULL))
		memcpy(g->narrative, r->narrative, r->narrative_len < 64 ?
		    r->narrative_len : 64);
}

static void
test_report_round_trip(void **state)
{
	struct fx *f = *state;
	uint8_t ch[DB_HASH_LEN], sealed[40];
	struct db_report r = { .case_hash = hash(ch, 9), .category = "ied",
	    .region = "Mopti", .cercle = "Bandiagara", .commune = "Sangha",
	    .queue = "mopti", .urgent = 1, .language = "fr",
	    .channel = "ussd", .link = "orange", .received = 7200,
	    .narrative = sealed, .narrative_len = sizeof sealed,
	    .key_id = 7, .incomplete = 1, .counted = 1 };
	struct got g = { 0 };
	int64_t id, n;

	memset(sealed, 0x5a, sizeof sealed);
	assert_int_equal(db_report_add(f->db, &r, &id), 0);
	assert_int_equal(db_report_get(f->db, id, got_report, &g), 1);
	assert_int_equal(g.calls, 1);
	assert_int_equal(g.last.id, id);
	assert_true(g.has_case_hash);
	assert_memory_equal(g.case_hash, ch, DB_HASH_LEN);
	assert_string_equal(g.category, "ied");
	assert_string_equal(g.region, "Mopti");
	assert_string_equal(g.status, "unverified");	/* the default */
	assert_int_equal(g.last.urgent, 1);
	assert_int_equal(g.last.received, 7200);
	assert_int_equal(g.last.narrative_len, sizeof sealed);
	assert_memory_equal(g.narrative, sealed, sizeof sealed);
	assert_int_equal(g.last.key_id, 7);
	assert_int_equal(g.last.incomplete, 1);
	assert_int_equal(g.last.counted, 1);
	/* The minimal report: NULLs stay NULL. */
	r = (struct db_report){ .category = "gbv", .channel = "sms",
	    .link = "moov", .received = 0 };
	assert_int_equal(db_report_add(f->db, &r, &id), 0);
	memset(&g, 0, sizeof g);
	assert_int_equal(db_report_get(f->db, id, got_report, &g), 1);
	assert_false(g.has_region);
	assert_false(g.has_queue);
	assert_false(g.has_case_hash);
	assert_false(g.has_narrative);
	assert_int_equal(g.last.key_id, 0);
	assert_int_equal(db_report_get(f->db, id + 1, got_report, &g), 0);
	assert_int_equal(db_report_count(f->db, &n), 0);
	assert_int_equal(n, 2);
	assert_all_reset(f->db);
}

static void
test_report_updates(void **state)
{
	struct fx *f = *state;
	struct db_report r = { .category = "arms", .channel = "sms",
	    .link = "orange", .received = 1 };
	uint8_t sealed[3] = { 1, 2, 3 };
	struct got g = { 0 };
	int64_t id;

	assert_int_equal(db_report_add(f->db, &r, &id), 0);
	assert_int_equal(db_report_set_status(f->db, id, "verified", 5), 0);
	assert_int_equal(db_report_set_narrative(f->db, id, sealed, 3, 42), 0);
	assert_int_equal(db_report_get(f->db, id, got_report, &g), 1);
	assert_string_equal(g.status, "verified");
	assert_int_equal(g.last.narrative_len, 3);
	assert_memory_equal(g.narrative, sealed, 3);
	assert_int_equal(g.last.key_id, 42);
	/* NULL removes the narrative and its key id. */
	assert_int_equal(db_report_set_narrative(f->db, id, NULL, 0, 42), 0);
	assert_int_equal(db_report_get(f->db, id, got_report, &g), 1);
	assert_false(g.has_narrative);
	assert_int_equal(g.last.key_id, 0);
	/* No such report. */
	assert_int_equal(db_report_set_status(f->db, id + 1, "x", 5), -1);
	assert_false(db_error_is_temporary(f->db));
	assert_int_equal(db_report_set_narrative(f->db, id + 1, sealed, 3, 1),
	    -1);
	assert_int_equal(db_report_set_status(f->db, id, NULL, 5), -1);
	assert_non_null(strstr(db_error(f->db), "NOT NULL"));
	assert_all_reset(f->db);
}

static void
test_report_constraints(void **state)
{
	struct fx *f = *state;
	uint8_t ch[DB_HASH_LEN];
	struct db_report r = { .case_hash = hash(ch, 1), .category = "arms",
	    .channel = "sms", .link = "orange", .received = 1 };
	int64_t id, n;

	assert_int_equal(db_report_add(f->db, &r, &id), 0);
	assert_int_equal(db_report_add(f->db, &r, &id), -1);	/* UNIQUE */
	assert_non_null(strstr(db_error(f->db), "UNIQUE"));
	r.case_hash = NULL;
	r.channel = "fax";
	assert_int_equal(db_report_add(f->db, &r, &id), -1);	/* CHECK */
	assert_non_null(strstr(db_error(f->db), "CHECK"));
	r.channel = "sms";
	r.category = NULL;
	assert_int_equal(db_report_add(f->db, &r, &id), -1);	/* NOT NULL */
	assert_false(db_error_is_temporary(f->db));
	r.category = "arms";
	r.link = NULL;
	assert_int_equal(db_report_add(f->db, &r, &id), -1);
	assert_int_equal(db_report_count(f->db, &n), 0);
	assert_int_equal(n, 1);
	assert_all_reset(f->db);
}

static void
test_report_each_order(void **state)
{
	struct fx *f = *state;
	struct db_report r = { .category = "arms", .channel = "sms",
	    .link = "orange" };
	int64_t ids[10];
	struct got g = { 0 };

	for (int i = 0; i < 10; i++) {
		r.received = 1000 - i;	/* ordering by time would reverse */
		assert_int_equal(db_report_add(f->db, &r, &ids[i]), 0);
	}
	assert_int_equal(db_report_set_status(f->db, ids[3], "closed", 5), 0);
	assert_int_equal(db_report_each(f->db, got_report, &g), 0);
	assert_int_equal(g.calls, 10);
	for (int i = 0; i < 10; i++)
		assert_int_equal(g.ids[i], ids[i]);
	for (int i = 1; i < 10; i++)
		assert_true(g.ids[i] > g.ids[i - 1]);
	assert_all_reset(f->db);
}

/* --- events ----------------------------------------------------------- */

static void
test_events(void **state)
{
	struct fx *f = *state;
	struct db_report r = { .category = "arms", .channel = "sms",
	    .link = "orange", .received = 1 };
	uint8_t body[5] = "sealb";
	int64_t rep, user, id1, id2;

	assert_int_equal(db_report_add(f->db, &r, &rep), 0);
	assert_int_equal(db_user_add(f->db, "awa", "$argon2id$x", "operator",
	    1, &user), 0);
	assert_int_equal(db_event_add(f->db, rep, 10, "added", NULL, 0, 0, 0,
	    &id1), 0);
	assert_int_equal(db_event_add(f->db, rep, 11, "note", body, 5, 3, user,
	    &id2), 0);
	assert_true(id2 > id1);
	/* The report must exist (foreign key), and so must the actor. */
	assert_int_equal(db_event_add(f->db, rep + 1, 12, "note", body, 5, 3,
	    0, NULL), -1);
	assert_non_null(strstr(db_error(f->db), "FOREIGN KEY"));
	assert_false(db_error_is_temporary(f->db));
	assert_int_equal(db_event_add(f->db, rep, 12, "note", body, 5, 3,
	    user + 1, NULL), -1);
	assert_non_null(strstr(db_error(f->db), "FOREIGN KEY"));
	assert_int_equal(db_event_add(f->db, rep, 12, "gossip", NULL, 0, 0, 0,
	    NULL), -1);
	assert_non_null(strstr(db_error(f->db), "CHECK"));
	assert_all_reset(f->db);
}

/* --- parts ------------------------------------------------------------ */

struct parts_seen {
	int n;
	uint8_t seq[8];
	uint8_t key0[8];
	char link[16];
	size_t len;
};

static void
got_part(void *arg, const struct db_part *p)
{
	struct parts_seen *s = arg;

	if (s->n < 8) {
		s->seq[s->n] = p->seq;
		s->key0[s->n] = p->msg_key[0];
	}
	s->n++;
	snprintf(s->link, sizeof s->link, "%s", p->link);
	s->len = p->sealed_len;
}

static void
test_parts(void **state)
{
	struct fx *f = *state;
	uint8_t k1[DB_HASH_LEN], k2[DB_HASH_LEN], blob[20] = { 0 };
	struct db_part p = { .msg_key = hash(k1, 1), .seq = 2, .total = 3,
	    .link = "orange", .at = 5, .sealed = blob,
	    .sealed_len = sizeof blob, .key_id = 1 };
	struct parts_seen s = { 0 };

	hash(k2, 2);
	assert_int_equal(db_part_add(f->db, &p), 0);
	assert_int_equal(db_part_add(f->db, &p), 0);	/* stored once */
	p.seq = 1;
	assert_int_equal(db_part_add(f->db, &p), 0);
	p.msg_key = k2;
	assert_int_equal(db_part_add(f->db, &p), 0);
	assert_int_equal(db_part_each(f->db, got_part, &s), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.seq[0], 2);	/* arrival order */
	assert_int_equal(s.seq[1], 1);
	assert_int_equal(s.key0[2], 2);
	assert_string_equal(s.link, "orange");
	assert_int_equal(s.len, sizeof blob);
	/* sealed is NOT NULL. */
	p.sealed = NULL;
	p.seq = 3;
	assert_int_equal(db_part_add(f->db, &p), -1);
	assert_int_equal(db_part_delete(f->db, k1), 0);
	memset(&s, 0, sizeof s);
	assert_int_equal(db_part_each(f->db, got_part, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.key0[0], 2);
	assert_all_reset(f->db);
}

/* --- outbox ----------------------------------------------------------- */

struct mt_seen {
	int n;
	int64_t ids[8];
	struct db_mt last;
	int has_sealed, has_why;
	char why[32];
};

static void
got_mt(void *arg, const struct db_mt *m)
{
	struct mt_seen *s = arg;

	if (s->n < 8)
		s->ids[s->n] = m->id;
	s->n++;
	s->last = *m;
	s->has_sealed = m->sealed != NULL;
	if ((s->has_why = m->why != NULL))
		snprintf(s->why, sizeof s->why, "%s", m->why);
}

static void
test_outbox(void **state)
{
	struct fx *f = *state;
	uint8_t dest[16] = "sealed-dest";
	struct db_mt m = { .link = "orange", .state = DB_MT_QUEUED,
	    .sealed = dest, .sealed_len = sizeof dest, .key_id = 4,
	    .next_attempt = 10, .created = 10 };
	struct mt_seen s = { 0 };
	int64_t a, b, c, n;

	assert_int_equal(db_mt_add(f->db, &m, &a), 0);
	m.created = 5;		/* older, though added later */
	assert_int_equal(db_mt_add(f->db, &m, &b), 0);
	m.sealed = NULL;
	m.created = 20;
	assert_int_equal(db_mt_add(f->db, &m, &c), 0);
	assert_int_equal(db_mt_set_sealed(f->db, c, dest, sizeof dest, 5), 0);
	assert_int_equal(db_mt_each_queued(f->db, got_mt, &s), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.ids[0], b);
	assert_int_equal(s.ids[1], a);
	assert_int_equal(s.ids[2], c);
	assert_int_equal(s.last.key_id, 5);
	assert_true(s.has_sealed);

	assert_int_equal(db_mt_retry(f->db, a, 2, 60, 0x58), 0);
	memset(&s, 0, sizeof s);
	assert_int_equal(db_mt_get(f->db, a, got_mt, &s), 1);
	assert_int_equal(s.last.attempts, 2);
	assert_int_equal(s.last.next_attempt, 60);
	assert_int_equal(s.last.last_status, 0x58);
	assert_int_equal(s.last.finished, 0);
	assert_false(s.has_why);

	/* Final: the sealed destination is gone with the state change. */
	assert_int_equal(db_mt_final(f->db, a, DB_MT_DONE, 70, 0, NULL), 0);
	assert_int_equal(db_mt_final(f->db, b, DB_MT_FAILED, 71, 0x0b,
	    "invalid destination"), 0);
	memset(&s, 0, sizeof s);
	assert_int_equal(db_mt_get(f->db, b, got_mt, &s), 1);
	assert_int_equal(s.last.state, DB_MT_FAILED);
	assert_false(s.has_sealed);
	assert_int_equal(s.last.key_id, 0);
	assert_int_equal(s.last.finished, 71);
	assert_string_equal(s.why, "invalid destination");
	assert_int_equal(db_mt_get(f->db, c + 1, got_mt, &s), 0);

	/* Not queued any more: every change is refused. */
	assert_int_equal(db_mt_final(f->db, a, DB_MT_FAILED, 80, 0, "x"), -1);
	assert_false(db_error_is_temporary(f->db));
	assert_int_equal(db_mt_retry(f->db, a, 3, 90, 0), -1);
	assert_int_equal(db_mt_set_sealed(f->db, a, dest, 4, 1), -1);
	assert_int_equal(db_mt_final(f->db, c, DB_MT_QUEUED, 80, 0, NULL), -1);

	assert_int_equal(db_mt_count(f->db, DB_MT_QUEUED, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(db_mt_count(f->db, DB_MT_DONE, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(db_mt_count(f->db, DB_MT_FAILED, &n), 0);
	assert_int_equal(n, 1);
	assert_all_reset(f->db);
}

/* CHECK (state = 'queued' OR sealed IS NULL), and the state values. */
static void
test_outbox_check(void **state)
{
	struct fx *f = *state;
	uint8_t dest[4] = "dest";
	struct db_mt m = { .link = "orange", .state = DB_MT_DONE,
	    .sealed = dest, .sealed_len = 4, .next_attempt = 1, .created = 1,
	    .finished = 2 };
	int64_t id;

	assert_int_equal(db_mt_add(f->db, &m, &id), -1);
	assert_non_null(strstr(db_error(f->db), "CHECK"));
	assert_false(db_error_is_temporary(f->db));
	m.sealed = NULL;
	assert_int_equal(db_mt_add(f->db, &m, &id), 0);
	m.state = (enum db_mt_state)7;
	assert_int_equal(db_mt_add(f->db, &m, &id), -1);
	m.state = DB_MT_QUEUED;
	m.link = NULL;
	assert_int_equal(db_mt_add(f->db, &m, &id), -1);
	assert_all_reset(f->db);
}

/* --- users and the audit log ----------------------------------------- */

struct user_seen {
	int64_t id;
	char role[16];
	int disabled, calls;
};

static void
got_user(void *arg, int64_t id, const char *pw_hash, const char *role,
    int disabled)
{
	struct user_seen *u = arg;

	(void)pw_hash;
	u->id = id;
	snprintf(u->role, sizeof u->role, "%s", role);
	u->disabled = disabled;
	u->calls++;
}

static void
test_users(void **state)
{
	struct fx *f = *state;
	struct user_seen u = { 0 };
	int64_t id;

	assert_int_equal(db_user_add(f->db, "awa", "h1", "caseworker", 5, &id),
	    0);
	assert_int_equal(db_user_add(f->db, "awa", "h2", "admin", 6, NULL), -1);
	assert_non_null(strstr(db_error(f->db), "UNIQUE"));
	assert_int_equal(db_user_add(f->db, "bob", "h2", "king", 6, NULL), -1);
	assert_non_null(strstr(db_error(f->db), "CHECK"));
	assert_int_equal(db_user_get(f->db, "awa", got_user, &u), 1);
	assert_int_equal(u.id, id);
	assert_string_equal(u.role, "caseworker");
	assert_int_equal(u.disabled, 0);
	assert_int_equal(db_user_get(f->db, "bob", got_user, &u), 0);
	assert_int_equal(u.calls, 1);
	assert_all_reset(f->db);
}

static void
test_audit_chain(void **state)
{
	struct fx *f = *state;
	uint8_t head[DB_HASH_LEN], zero[DB_HASH_LEN] = { 0 };
	uint8_t h1[DB_HASH_LEN], h2[DB_HASH_LEN], h3[DB_HASH_LEN];
	int64_t id, user;

	hash(h1, 101);
	hash(h2, 102);
	hash(h3, 103);
	assert_int_equal(db_audit_head(f->db, head, &id), 0);
	assert_memory_equal(head, zero, DB_HASH_LEN);
	assert_int_equal(id, 0);
	/* The first entry's prev is all zero. */
	assert_int_equal(db_audit_append(f->db, 1, 0, "start", NULL, NULL, NULL,
	    h2, h1), -1);
	assert_non_null(strstr(db_error(f->db), "prev"));
	assert_false(db_error_is_temporary(f->db));
	assert_int_equal(db_audit_append(f->db, 1, 0, "start", NULL, NULL,
	    NULL, zero, h1), 0);
	assert_int_equal(db_audit_head(f->db, head, &id), 0);
	assert_memory_equal(head, h1, DB_HASH_LEN);
	assert_int_equal(id, 1);
	assert_int_equal(db_user_add(f->db, "ana", "h", "auditor", 1, &user),
	    0);
	/* A stale prev (not the head) is refused; nothing is appended. */
	assert_int_equal(db_audit_append(f->db, 2, user, "view", "report 1",
	    NULL, NULL, zero, h2), -1);
	assert_int_equal(db_audit_append(f->db, 2, user + 5, "view",
	    "report 1", NULL, NULL, h1, h2), -1);
	assert_non_null(strstr(db_error(f->db), "FOREIGN KEY"));
	assert_int_equal(db_audit_append(f->db, 2, user, "view", "report 1",
	    "from queue", h3, h1, h2), 0);
	assert_int_equal(db_audit_append(f->db, 3, user, "view", "report 2",
	    NULL, NULL, h2, h3), 0);
	assert_int_equal(db_audit_head(f->db, head, &id), 0);
	assert_memory_equal(head, h3, DB_HASH_LEN);
	assert_int_equal(id, 3);
	/* Append-only, even for SQL that goes around the API. */
	assert_int_not_equal(sqlite3_exec(f->db->h,
	    "UPDATE audit SET action = 'x'", NULL, NULL, NULL), SQLITE_OK);
	/* Only a detail may be blanked (retention), and nothing with it. */
	assert_int_not_equal(sqlite3_exec(f->db->h,
	    "UPDATE audit SET detail = 'other'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(f->db->h,
	    "UPDATE audit SET detail = NULL, detail_hash = NULL", NULL, NULL,
	    NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(f->db->h,
	    "UPDATE audit SET detail = NULL, object = 'x'", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_exec(f->db->h,
	    "UPDATE audit SET detail = NULL", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(f->db->h,
	    "DELETE FROM audit", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(pragma_int(f->db, "SELECT count(*) FROM audit"), 3);
	assert_all_reset(f->db);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_inbound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_round_trip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_report_updates, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_report_constraints, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_report_each_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox_check, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_users, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_chain, setup,
		    teardown),
	};

	/* prove reads TAP; an explicit CMOCKA_MESSAGE_OUTPUT still wins. */
	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);

	return cmocka_run_group_tests_name("db_query", tests, NULL, NULL) != 0;
}
