/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gateway/store against a real database and writer thread: completions
 * come after the commit, a retransmission is recognised, a narrative is
 * bound to its row, times are rounded, and what waits (parts, queued
 * replies) is read back at the next start and no longer once done.
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
#include "routing/crypto.h"
#include "routing/keys.h"
#include "store.h"
#include "store_env.h"


struct done {
	int n;
	enum store_result r;
	int64_t report_id, mt_id;
};

static void
on_done(void *arg, enum store_result r, int64_t report_id, int64_t mt_id)
{
	struct done *d = arg;

	d->n++;
	d->r = r;
	d->report_id = report_id;
	d->mt_id = mt_id;
}

static void
wait_done(struct env *e, struct done *d)
{
	for (int i = 0; i < 5000 && d->n == 0; i++)
		event_base_loop(e->base, EVLOOP_ONCE | EVLOOP_NONBLOCK), usleep(200);
	assert_int_equal(d->n, 1);
}

static const struct store_mt reply = {
	.link = "orange",
	.to = { .to = "22370000001", .to_ton = 1, .to_npi = 1,
	    .from = "36123" },
	.text = "numvert: message bien arrivé. Merci.",
	.lang = "fr",
};

static struct done
report(struct env *e, const char *text, const uint8_t *dedup)
{
	struct store_report r = {
		.link = "orange", .channel = "sms", .category = "unsorted",
		.text = text, .len = strlen(text), .dedup = dedup,
	};
	struct done d = { 0 };

	store_report(e->s, &r, &reply, on_done, &d);
	assert_int_equal(d.n, 0);	/* never before the commit */
	wait_done(e, &d);
	return d;
}

struct got {
	int64_t id, received;
	char text[128];
	int opened;
	const struct keys *ks;
	int64_t as_id;
};

static void
got_report(void *arg, const struct db_report *r)
{
	struct got *g = arg;
	char *text;
	size_t len;

	g->id = r->id;
	g->received = r->received;
	g->opened = store_open_narrative(g->ks, g->as_id, r->narrative,
	    r->narrative_len, r->key_id, &text, &len) == 0;
	if (g->opened) {
		snprintf(g->text, sizeof g->text, "%s", text);
		free(text);
	}
}

static void
test_report_dedup_and_binding(void **state)
{
	struct env *e = *state;
	uint8_t d1[DB_HASH_LEN], d2[DB_HASH_LEN];
	struct done a, b, c;
	struct got g = { .ks = e->ks };

	memset(d1, 1, sizeof d1);
	memset(d2, 2, sizeof d2);
	a = report(e, "armes vues au marche", d1);
	assert_int_equal(a.r, STORE_OK);
	assert_true(a.report_id > 0 && a.mt_id > 0);
	b = report(e, "armes vues au marche", d1);
	assert_int_equal(b.r, STORE_DUPLICATE);
	assert_int_equal(b.report_id, 0);
	assert_int_equal(b.mt_id, 0);
	c = report(e, "armes vues au marche", d2);
	assert_int_equal(c.r, STORE_OK);
	assert_true(c.report_id > a.report_id);
	assert_int_equal(store_stats(e->s)->duplicates, 1);

	stop(e);	/* the database is ours again */
	assert_int_equal(db_open(e->db_path, DB_SYNC_FULL, &e->db, NULL), 0);
	g.as_id = a.report_id;
	assert_int_equal(db_report_get(e->db, a.report_id, got_report, &g), 1);
	assert_true(g.opened);
	assert_string_equal(g.text, "armes vues au marche");
	assert_int_equal(g.received % 3600, 0);	/* rounded to the hour */
	/* The same ciphertext read as another row's does not open. */
	g.as_id = c.report_id;
	g.opened = 1;
	assert_int_equal(db_report_get(e->db, a.report_id, got_report, &g), 1);
	assert_false(g.opened);
	db_close(e->db);
	start(e);
}

struct replayed {
	int parts, mts;
	char data[2][32];
	uint8_t seq[2], meta0;
	int64_t mt_id;
	char to[21], text[64];
	unsigned attempts[3];		/* of the first replies replayed */
	int64_t next[3];
};

static void
replay_part(void *arg, const char *link, const struct reasm_part *p)
{
	struct replayed *r = arg;

	assert_string_equal(link, "orange");
	assert_string_equal(p->key.source, "22370000002");
	assert_int_equal(p->key.ref, 0x4d);
	assert_int_equal(p->key.total, 2);
	if (r->parts < 2) {
		snprintf(r->data[r->parts], sizeof r->data[0], "%.*s",
		    (int)p->len, (const char *)p->data);
		r->seq[r->parts] = p->seq;
	}
	r->meta0 = p->meta[0];
	r->parts++;
}

static void
replay_mt(void *arg, int64_t id, const struct store_mt *m)
{
	struct replayed *r = arg;

	r->mts++;
	r->mt_id = id;
	r->attempts[r->mts < 3 ? r->mts - 1 : 2] = m->attempts;
	r->next[r->mts < 3 ? r->mts - 1 : 2] = m->next_attempt;
	snprintf(r->to, sizeof r->to, "%s", m->to.to);
	snprintf(r->text, sizeof r->text, "%s", m->text);
	assert_string_equal(m->link, "orange");
	assert_string_equal(m->lang, "fr");
}

static struct replayed
restart(struct env *e)
{
	struct replayed r = { 0 };
	struct store_resume res = { .part = replay_part, .mt = replay_mt,
	    .arg = &r };

	stop(e);
	start(e);
	store_replay(e->s, &res);
	return r;
}

static void
add_part(struct env *e, uint8_t seq, const char *text)
{
	struct reasm_part p = { .key = { .source = "22370000002",
	    .dest = "36123", .ref = 0x4d, .total = 2 }, .seq = seq,
	    .data = (const uint8_t *)text, .len = strlen(text) };
	uint8_t dedup[DB_HASH_LEN];
	struct done d = { 0 };

	memset(dedup, 0x40 + seq, sizeof dedup);
	p.meta[0] = 0xa5;
	store_part(e->s, dedup, "orange", &p, on_done, &d);
	wait_done(e, &d);
	assert_int_equal(d.r, STORE_OK);
}

static void
got_mt(void *arg, const struct db_mt *m)
{
	struct db_mt *out = arg;

	*out = *m;
	out->why = NULL;	/* valid during the call only */
	assert_null(m->sealed);		/* final: the destination is gone */
	assert_int_equal(m->state, DB_MT_FAILED);
	assert_string_equal(m->why, "too_many_attempts");
}

/* The failed reply records its attempts, status and why, and no more. */
static void
check_final(struct env *e, int64_t failed_id)
{
	struct db_mt m;
	int64_t n = -1;

	stop(e);
	assert_int_equal(db_open(e->db_path, DB_SYNC_FULL, &e->db, NULL), 0);
	assert_int_equal(db_mt_count(e->db, DB_MT_FAILED, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(db_mt_count(e->db, DB_MT_DONE, &n), 0);
	assert_int_equal(n, 1);
	memset(&m, 0, sizeof m);
	assert_int_equal(db_mt_get(e->db, failed_id, got_mt, &m), 1);
	assert_int_equal(m.attempts, 10);
	assert_int_equal(m.last_status, 0x45);
	assert_true(m.finished > 0);
	db_close(e->db);
	start(e);
}

static void
test_parts_and_outbox_survive_restart(void **state)
{
	struct env *e = *state;
	struct reasm_key k = { .source = "22370000002", .dest = "36123",
	    .ref = 0x4d, .total = 2 };
	uint8_t key[DB_HASH_LEN];
	struct store_report rep = { .link = "orange", .channel = "sms",
	    .category = "unsorted", .text = "un deux", .len = 7,
	    .msg_key = key };
	struct replayed r;
	struct done d = { 0 };
	int64_t failed_id;
	time_t now;

	r = restart(e);		/* the replies of the test before */
	failed_id = r.mt_id - 1;
	assert_int_equal(r.parts, 0);
	assert_int_equal(r.mts, 2);
	assert_string_equal(r.to, "22370000001");
	assert_string_equal(r.text, reply.text);
	assert_int_equal(r.attempts[0], 0);

	/* A temporary failure is kept: attempts and the next attempt. */
	now = time(NULL);
	store_mt_retry(e->s, failed_id, 3, 4000, 0x08);
	r = restart(e);
	assert_int_equal(r.mts, 2);
	assert_int_equal(r.attempts[0], 3);
	assert_true(r.next[0] >= now + 4 && r.next[0] <= time(NULL) + 4);
	assert_int_equal(r.attempts[1], 0);
	store_mt_final(e->s, r.mt_id, 1, 0, 1, "accepted");
	store_mt_final(e->s, failed_id, 0, 0x45, 10, "too_many_attempts");

	add_part(e, 2, "deux");
	add_part(e, 1, "un ");
	r = restart(e);
	assert_int_equal(r.mts, 0);	/* final: not sent again */
	check_final(e, failed_id);
	assert_int_equal(r.parts, 2);
	assert_int_equal(r.seq[0], 2);
	assert_string_equal(r.data[0], "deux");
	assert_string_equal(r.data[1], "un ");
	assert_int_equal(r.meta0, 0xa5);

	/* The report made of them deletes them, in the same commit. */
	store_msg_key(e->s, "orange", &k, key);
	store_report(e->s, &rep, &reply, on_done, &d);
	wait_done(e, &d);
	assert_int_equal(d.r, STORE_OK);
	r = restart(e);
	assert_int_equal(r.parts, 0);
	assert_int_equal(r.mts, 1);
}

static void
test_hashes(void **state)
{
	struct env *e = *state;
	struct smpp_pdu p;
	uint8_t a[DB_HASH_LEN], b[DB_HASH_LEN];
	struct reasm_key k1 = { .link = 1, .source = "22370000002",
	    .dest = "36123", .ref = 7, .total = 2 };
	struct reasm_key k2 = k1;

	memset(&p, 0, sizeof p);
	snprintf(p.source_addr, sizeof p.source_addr, "22370000003");
	snprintf(p.destination_addr, sizeof p.destination_addr, "36123");
	memcpy(p.short_message, "bonjour", 7);
	p.sm_length = 7;
	store_dedup(e->s, "orange", &p, a);
	store_dedup(e->s, "orange", &p, b);
	assert_memory_equal(a, b, sizeof a);
	store_dedup(e->s, "moov", &p, b);
	assert_memory_not_equal(a, b, sizeof a);
	p.source_addr[10] = '4';
	store_dedup(e->s, "orange", &p, b);
	assert_memory_not_equal(a, b, sizeof a);
	/* The hash is keyed: it is not the number's plain hash either. */
	assert_null(memmem(a, sizeof a, "2237", 4));

	k2.link = 99;	/* a pointer in memory: not part of the stored key */
	store_msg_key(e->s, "orange", &k1, a);
	store_msg_key(e->s, "orange", &k2, b);
	assert_memory_equal(a, b, sizeof a);
	k2.ref = 8;
	store_msg_key(e->s, "orange", &k2, b);
	assert_memory_not_equal(a, b, sizeof a);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_dedup_and_binding),
		cmocka_unit_test(test_parts_and_outbox_survive_restart),
		cmocka_unit_test(test_hashes),
	};

	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("store", tests, setup, teardown) != 0;
}
