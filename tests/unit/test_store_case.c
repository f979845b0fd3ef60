/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gateway/store_case.c against a real database and writer thread: a
 * report with the menus' answers and a case code round trips; a case
 * code already used is STORE_CASE_TAKEN and writes nothing; a case is
 * found with and without the operator's question (a note relabelled
 * "question" does not open); what a citizen adds is sealed, bound to its
 * event row and kind, and deduplicated; SMS conversations survive a
 * restart, are replaced step by step, end with a drop or a report, expire
 * at start and by the purge, keep a retransmitted step from writing
 * twice, write their reply in the same commit, refuse a state over
 * NV_CONV_STATE_MAX, and do not open under another sender's key.
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

#include "base/limits.h"
#include "config.h"
#include "db/db.h"
#include "db/db_int.h"
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
wait_for(struct env *e, const int *n, int want)
{
	for (int i = 0; i < 10000 && *n < want; i++)
		event_base_loop(e->base, EVLOOP_ONCE | EVLOOP_NONBLOCK), usleep(200);
	assert_int_equal(*n, want);
}

static void
wait_done(struct env *e, struct done *d)
{
	assert_int_equal(d->n, 0);	/* never before the commit */
	wait_for(e, &d->n, 1);
}

static const struct store_mt reply = {
	.link = "orange",
	.to = { .to = "22370000001", .to_ton = 1, .to_npi = 1,
	    .from = "36123" },
	.text = "numvert: bien reçu.",
	.lang = "fr",
};

static const uint8_t *
fill(uint8_t *b, size_t n, uint8_t v)
{
	memset(b, v, n);
	return b;
}

/* A report with a case code, through the store; its result. */
static struct done
report(struct env *e, const uint8_t *case_hash, const uint8_t *dedup,
    const uint8_t *conv_key, const struct store_mt *rep)
{
	struct store_report r = { .link = "orange", .channel = "sms",
	    .category = "ied", .text = "engin au bord de la route",
	    .len = 25, .lang = "bm", .case_hash = case_hash, .dedup = dedup,
	    .conv_key = conv_key };
	struct done d = { 0 };

	store_report(e->s, &r, rep, on_done, &d);
	wait_done(e, &d);
	return d;
}

/* The database to ourselves for a while (the store stopped). */
static struct db *
pause_store(struct env *e)
{
	stop(e);
	assert_int_equal(db_open(e->db_path, DB_SYNC_FULL, &e->db, NULL), 0);
	return e->db;
}

static void
resume_store(struct env *e)
{
	db_close(e->db);
	e->db = NULL;
	start(e);
}

/* One integer a query of the test returns (raw SQL: tests see all). */
static int64_t
count_rows(struct db *db, const char *sql)
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

/* --- reports with the menus' answers ------------------------------------ */

struct seen {
	int n;
	int64_t id;
	char lang[8], weapon[16], count[16], involved[24], text[64];
	int partial, urgent, opened;
	const struct keys *ks;
};

static void
got_report(void *arg, const struct db_report *r)
{
	struct seen *g = arg;
	char *text;
	size_t len;

	g->n++;
	g->id = r->id;
	snprintf(g->lang, sizeof g->lang, "%s", r->language ? r->language : "-");
	snprintf(g->weapon, sizeof g->weapon, "%s", r->weapon ? r->weapon : "-");
	snprintf(g->count, sizeof g->count, "%s",
	    r->weapon_count ? r->weapon_count : "-");
	snprintf(g->involved, sizeof g->involved, "%s",
	    r->involved ? r->involved : "-");
	g->partial = r->partial;
	g->urgent = r->urgent;
	g->opened = store_open_narrative(g->ks, r->id, r->narrative,
	    r->narrative_len, r->key_id, &text, &len) == 0;
	if (g->opened) {
		snprintf(g->text, sizeof g->text, "%.*s", (int)len, text);
		free(text);
	}
}

static void
test_report_menu_fields(void **state)
{
	struct env *e = *state;
	uint8_t ch[DB_HASH_LEN], other[DB_HASH_LEN];
	char longid[STORE_ID_MAX + 1];
	struct store_route rt = { .region = "mopti", .queues = { "mopti",
	    "national-eod" }, .nqueues = 2, .urgent = 1 };
	/* A USSD dialogue cut after category and region: no text at all. */
	struct store_report r = { .link = "orange", .channel = "ussd",
	    .category = "ied", .route = &rt, .lang = "ff",
	    .case_hash = fill(ch, sizeof ch, 0xc1), .weapon = "war",
	    .weapon_count = "2-5", .involved = "armed_group", .partial = 1 };
	struct seen g = { .ks = e->ks };
	struct done d = { 0 };
	struct db *db;
	int64_t id;

	store_report(e->s, &r, NULL, on_done, &d);
	wait_done(e, &d);
	assert_int_equal(d.r, STORE_OK);
	assert_int_equal(d.mt_id, 0);
	id = d.report_id;
	/* An id that does not fit is refused whole, never cut. */
	memset(longid, 'x', STORE_ID_MAX);
	longid[STORE_ID_MAX] = '\0';
	r.case_hash = fill(other, sizeof other, 0xc2);
	r.weapon = longid;
	memset(&d, 0, sizeof d);
	store_report(e->s, &r, NULL, on_done, &d);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.r, STORE_FAILED);

	db = pause_store(e);
	assert_int_equal(db_report_by_case(db, ch, got_report, &g), 1);
	assert_int_equal(g.id, id);
	assert_string_equal(g.lang, "ff");
	assert_string_equal(g.weapon, "war");
	assert_string_equal(g.count, "2-5");
	assert_string_equal(g.involved, "armed_group");
	assert_int_equal(g.partial, 1);
	assert_int_equal(g.urgent, 1);
	assert_true(g.opened);		/* an empty narrative, sealed */
	assert_string_equal(g.text, "");
	assert_int_equal(db_report_by_case(db, other, got_report, &g), 0);
	assert_int_equal(count_rows(db, "SELECT count(*) FROM reports"), 1);
	resume_store(e);
}

/* --- case codes --------------------------------------------------------- */

static void
test_case_taken(void **state)
{
	struct env *e = *state;
	uint8_t ch[DB_HASH_LEN], ch2[DB_HASH_LEN], d1[DB_HASH_LEN];
	uint8_t d2[DB_HASH_LEN], pn[STORE_PSEUDO_LEN];
	uint8_t key[STORE_CONV_KEY_LEN];
	struct done a, b, c, dup, put = { 0 };
	struct db *db;

	fill(ch, sizeof ch, 0xa1);
	fill(ch2, sizeof ch2, 0xa2);
	fill(d1, sizeof d1, 0xd1);
	fill(d2, sizeof d2, 0xd2);
	store_conv_key(e->s, fill(pn, sizeof pn, 0x51), key);
	store_conv_put(e->s, key, "step 4", 6, time(NULL) + 3600, NULL, NULL,
	    on_done, &put);
	wait_done(e, &put);
	assert_int_equal(put.r, STORE_OK);

	a = report(e, ch, d1, NULL, &reply);
	assert_int_equal(a.r, STORE_OK);
	/* The same code for another report: nothing written, not even its
	 * reply, its retransmission marker, or the end of its conversation. */
	b = report(e, ch, d2, key, &reply);
	assert_int_equal(b.r, STORE_CASE_TAKEN);
	assert_int_equal(b.report_id, 0);
	assert_int_equal(b.mt_id, 0);
	assert_int_equal(store_stats(e->s)->failures, 0);
	/* A retransmission of the first is a duplicate, not a taken code. */
	dup = report(e, ch, d1, NULL, &reply);
	assert_int_equal(dup.r, STORE_DUPLICATE);
	/* A new code: written, and its conversation ends with it. */
	c = report(e, ch2, d2, key, &reply);
	assert_int_equal(c.r, STORE_OK);
	assert_true(c.report_id > a.report_id && c.mt_id > a.mt_id);

	db = pause_store(e);
	assert_int_equal(count_rows(db, "SELECT count(*) FROM reports"), 2);
	assert_int_equal(count_rows(db, "SELECT count(*) FROM outbox"), 2);
	assert_int_equal(count_rows(db, "SELECT count(*) FROM inbound"), 2);
	assert_int_equal(db_conv_get(db, key, NULL, NULL), 0);
	resume_store(e);
}

struct found_case {
	int n, status;
	int64_t id, closed_at;
	char st[16], category[16], lang[8], question[64];
	int has_question, has_lang;
};

static void
on_case(void *arg, int status, const struct store_case *c)
{
	struct found_case *f = arg;

	f->n++;
	f->status = status;
	f->has_question = 0;
	if (status != 1) {
		assert_null(c);
		return;
	}
	f->id = c->report_id;
	f->closed_at = c->closed_at;
	snprintf(f->st, sizeof f->st, "%s", c->status);
	snprintf(f->category, sizeof f->category, "%s", c->category);
	if ((f->has_lang = c->lang != NULL))
		snprintf(f->lang, sizeof f->lang, "%s", c->lang);
	if ((f->has_question = c->question != NULL)) {
		assert_int_equal(strlen(c->question), c->question_len);
		snprintf(f->question, sizeof f->question, "%s", c->question);
	}
}

static struct found_case
find(struct env *e, const uint8_t *ch)
{
	struct found_case f = { 0 };

	store_case_find(e->s, ch, on_case, &f);
	wait_for(e, &f.n, 1);
	return f;
}

/* An operator's event, sealed as the console will (store_seal_event). */
static int64_t
add_event(struct env *e, int64_t report_id, const char *kind,
    const char *text)
{
	uint8_t *blob;
	size_t blen;
	uint32_t kid;
	int64_t id;

	assert_int_equal(db_event_add(e->db, report_id, 100, kind, NULL, 0, 0,
	    0, &id), 0);
	assert_int_equal(store_seal_event(e->ks, id, kind, text, strlen(text),
	    &blob, &blen, &kid), 0);
	assert_int_equal(db_event_set_body(e->db, id, blob, blen, kid), 0);
	free(blob);
	return id;
}

static void
test_case_find(void **state)
{
	struct env *e = *state;
	uint8_t ch[DB_HASH_LEN], none[DB_HASH_LEN];
	struct found_case f;
	struct done a;
	int64_t note;

	fill(ch, sizeof ch, 0xb1);
	f = find(e, fill(none, sizeof none, 0xb0));
	assert_int_equal(f.status, 0);
	a = report(e, ch, NULL, NULL, NULL);
	assert_int_equal(a.r, STORE_OK);
	f = find(e, ch);
	assert_int_equal(f.status, 1);
	assert_int_equal(f.id, a.report_id);
	assert_string_equal(f.st, "unverified");
	assert_string_equal(f.category, "ied");
	assert_true(f.has_lang);
	assert_string_equal(f.lang, "bm");
	assert_int_equal(f.closed_at, 0);
	assert_false(f.has_question);

	/* Two questions and a note later, the case closed: the newest
	 * question is the one shown. */
	pause_store(e);
	add_event(e, a.report_id, "question", "Combien d'hommes ?");
	add_event(e, a.report_id, "question", "Quel village exactement ?");
	note = add_event(e, a.report_id, "note", "informateur connu");
	assert_int_equal(db_report_set_status(e->db, a.report_id, "closed",
	    1234), 0);
	resume_store(e);
	f = find(e, ch);
	assert_int_equal(f.status, 1);
	assert_string_equal(f.st, "closed");
	assert_int_equal(f.closed_at, 1234);
	assert_true(f.has_question);
	assert_string_equal(f.question, "Quel village exactement ?");

	/* The note relabelled as a question (by hand, in the file) does
	 * not open: the citizen never sees an operator's note. */
	pause_store(e);
	assert_int_equal(sqlite3_exec(e->db->h, "UPDATE report_events SET "
	    "kind = 'question' WHERE kind = 'note'", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(count_rows(e->db, "SELECT max(id) FROM report_events "
	    "WHERE kind = 'question'"), note);
	resume_store(e);
	f = find(e, ch);
	assert_int_equal(f.status, 1);
	assert_false(f.has_question);
}

struct ev {
	int64_t id, at;
	uint8_t body[128];
	size_t len;
	uint32_t key_id;
};

static void
got_event(void *arg, const struct db_event *e)
{
	struct ev *v = arg;

	v->id = e->id;
	v->at = e->at;
	v->len = e->body_len;
	assert_true(v->len <= sizeof v->body);
	memcpy(v->body, e->body, v->len);
	v->key_id = e->key_id;
}

/* Opens v as event id of kind: its text, or NULL (static buffer). */
static const char *
open_as(struct env *e, const struct ev *v, int64_t id, const char *kind)
{
	static char out[128];
	char *text;
	size_t len;

	if (store_open_event(e->ks, id, kind, v->body, v->len, v->key_id,
	    &text, &len) != 0)
		return NULL;
	snprintf(out, sizeof out, "%s", text);
	free(text);
	return out;
}

static void
test_case_add_sealed_and_bound(void **state)
{
	struct env *e = *state;
	static const char added[] = "le camion est reparti vers Hombori";
	static const char answer[] = "trois hommes, deux motos";
	uint8_t ch[DB_HASH_LEN], d1[DB_HASH_LEN];
	struct done a, d = { 0 };
	struct ev v1, v2;

	a = report(e, fill(ch, sizeof ch, 0xe1), NULL, NULL, NULL);
	store_case_add(e->s, a.report_id, "added", added, strlen(added),
	    fill(d1, sizeof d1, 0xe2), &reply, on_done, &d);
	wait_done(e, &d);
	assert_int_equal(d.r, STORE_OK);
	assert_int_equal(d.report_id, a.report_id);
	assert_true(d.mt_id > 0);
	/* The carrier sends the same MO again: nothing more. */
	memset(&d, 0, sizeof d);
	store_case_add(e->s, a.report_id, "added", added, strlen(added), d1,
	    &reply, on_done, &d);
	wait_done(e, &d);
	assert_int_equal(d.r, STORE_DUPLICATE);
	assert_int_equal(d.mt_id, 0);
	memset(&d, 0, sizeof d);
	store_case_add(e->s, a.report_id, "answer", answer, strlen(answer),
	    NULL, NULL, on_done, &d);
	wait_done(e, &d);
	assert_int_equal(d.r, STORE_OK);
	assert_int_equal(d.mt_id, 0);
	/* Only a citizen's kinds, and only to a case that exists. */
	memset(&d, 0, sizeof d);
	store_case_add(e->s, a.report_id, "question", "x", 1, NULL, NULL,
	    on_done, &d);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.r, STORE_FAILED);
	memset(&d, 0, sizeof d);
	store_case_add(e->s, a.report_id + 99, "added", "x", 1, NULL, NULL,
	    on_done, &d);
	wait_done(e, &d);
	assert_int_equal(d.r, STORE_FAILED);

	pause_store(e);
	assert_int_equal(count_rows(e->db, "SELECT count(*) FROM "
	    "report_events"), 2);
	assert_int_equal(count_rows(e->db, "SELECT count(*) FROM outbox"), 1);
	assert_int_equal(db_event_last(e->db, a.report_id, "added", got_event,
	    &v1), 1);
	assert_int_equal(db_event_last(e->db, a.report_id, "answer",
	    got_event, &v2), 1);
	assert_int_equal(v1.at % 3600, 0);	/* rounded as reports are */
	assert_null(memmem(v1.body, v1.len, "Hombori", 7));
	assert_string_equal(open_as(e, &v1, v1.id, "added"), added);
	assert_string_equal(open_as(e, &v2, v2.id, "answer"), answer);
	/* Bound to its row and its kind. */
	assert_null(open_as(e, &v1, v2.id, "added"));
	assert_null(open_as(e, &v1, v1.id, "answer"));
	/* Moved to the other row in the file: it does not open there. */
	assert_int_equal(sqlite3_exec(e->db->h, "UPDATE report_events SET "
	    "body = (SELECT body FROM report_events WHERE kind = 'added'), "
	    "kind = 'added' WHERE kind = 'answer'", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(db_event_last(e->db, a.report_id, "added", got_event,
	    &v2), 1);
	assert_int_equal(v2.id, v1.id + 1);
	assert_memory_equal(v2.body, v1.body, v1.len);
	assert_null(open_as(e, &v2, v2.id, "added"));
	resume_store(e);
}

/* --- SMS conversations -------------------------------------------------- */

struct convs {
	int n, mts;
	uint8_t key[4][STORE_CONV_KEY_LEN];
	char state[4][64];
	size_t len[4];
	int64_t expires[4];
	char mt_text[64];
};

static void
replay_part(void *arg, const char *link, const struct reasm_part *p)
{
	(void)arg;
	(void)link;
	(void)p;
	fail_msg("no part was written");
}

static void
replay_mt(void *arg, int64_t id, const struct store_mt *m)
{
	struct convs *c = arg;

	(void)id;
	c->mts++;
	snprintf(c->mt_text, sizeof c->mt_text, "%s", m->text);
}

static void
replay_conv(void *arg, const uint8_t key[STORE_CONV_KEY_LEN],
    const void *state, size_t len, int64_t expires)
{
	struct convs *c = arg;

	if (c->n < 4) {
		memcpy(c->key[c->n], key, STORE_CONV_KEY_LEN);
		snprintf(c->state[c->n], sizeof c->state[0], "%.*s",
		    (int)(len < 63 ? len : 63), (const char *)state);
		c->len[c->n] = len;
		c->expires[c->n] = expires;
	}
	c->n++;
}

static struct convs
restart(struct env *e, int with_conv)
{
	struct convs c = { 0 };
	struct store_resume r = { .part = replay_part, .mt = replay_mt,
	    .arg = &c, .conv = with_conv ? replay_conv : NULL };

	stop(e);
	start(e);
	store_replay(e->s, &r);
	return c;
}

static enum store_result
put(struct env *e, const uint8_t *key, const char *state, size_t len,
    int64_t expires, const uint8_t *dedup, const struct store_mt *rep,
    int64_t *mt_id)
{
	struct done d = { 0 };

	store_conv_put(e->s, key, state, len, expires, dedup, rep, on_done,
	    &d);
	if (d.n == 0)
		wait_done(e, &d);
	if (mt_id != NULL)
		*mt_id = d.mt_id;
	return d.r;
}

static enum store_result
drop(struct env *e, const uint8_t *key)
{
	struct done d = { 0 };

	store_conv_drop(e->s, key, on_done, &d);
	wait_done(e, &d);
	return d.r;
}

static void
test_conv_key(void **state)
{
	struct env *e = *state;
	uint8_t p1[STORE_PSEUDO_LEN], p2[STORE_PSEUDO_LEN];
	uint8_t a[STORE_CONV_KEY_LEN], b[STORE_CONV_KEY_LEN];

	fill(p1, sizeof p1, 0x61);
	fill(p2, sizeof p2, 0x61);
	p2[15] = 0x62;
	store_conv_key(e->s, p1, a);
	store_conv_key(e->s, p1, b);
	assert_memory_equal(a, b, sizeof a);
	store_conv_key(e->s, p2, b);
	assert_memory_not_equal(a, b, sizeof a);
	/* Keyed, and not the pseudonym: no run of it in the key. */
	assert_null(memmem(a, sizeof a, p1, 4));
}

struct purged {
	int n, status;
	struct store_purged p;
};

static void
on_purge(void *arg, int status, const struct store_purged *p)
{
	struct purged *g = arg;

	g->n++;
	g->status = status;
	g->p = *p;
}

static void
test_conv_restart_drop_expiry(void **state)
{
	struct env *e = *state;
	uint8_t pn[STORE_PSEUDO_LEN], k1[32], k2[32], k3[32], k4[32];
	int64_t now = time(NULL);
	struct purged g = { 0 };
	struct convs c;
	struct db *db;

	store_conv_key(e->s, fill(pn, sizeof pn, 1), k1);
	store_conv_key(e->s, fill(pn, sizeof pn, 2), k2);
	store_conv_key(e->s, fill(pn, sizeof pn, 3), k3);
	store_conv_key(e->s, fill(pn, sizeof pn, 4), k4);
	assert_int_equal(put(e, k1, "lang=fr;step=1", 14, now + 3600, NULL,
	    NULL, NULL), STORE_OK);
	assert_int_equal(put(e, k2, "lang=bm;step=1", 14, now + 7200, NULL,
	    NULL, NULL), STORE_OK);
	assert_int_equal(put(e, k3, "over", 4, now - 10, NULL, NULL, NULL),
	    STORE_OK);
	/* The next step replaces the first. */
	assert_int_equal(put(e, k1, "lang=fr;step=2;cat=ied", 22, now + 3600,
	    NULL, NULL, NULL), STORE_OK);

	c = restart(e, 1);
	assert_int_equal(c.n, 2);		/* not the expired one */
	assert_memory_equal(c.key[0], k1, 32);
	assert_string_equal(c.state[0], "lang=fr;step=2;cat=ied");
	assert_int_equal(c.len[0], 22);
	assert_int_equal(c.expires[0], now + 3600);
	assert_memory_equal(c.key[1], k2, 32);
	assert_string_equal(c.state[1], "lang=bm;step=1");
	/* The expired one was deleted at start, by the writer's first job. */
	db = pause_store(e);
	assert_int_equal(db_conv_get(db, k3, NULL, NULL), 0);
	assert_int_equal(count_rows(db, "SELECT count(*) FROM conversations"),
	    2);
	resume_store(e);

	assert_int_equal(drop(e, k2), STORE_OK);
	assert_int_equal(drop(e, k2), STORE_OK);	/* ended already */
	/* Without a callback the rows stay for the next start. */
	c = restart(e, 0);
	assert_int_equal(c.n, 0);
	c = restart(e, 1);
	assert_int_equal(c.n, 1);
	assert_memory_equal(c.key[0], k1, 32);

	/* The purge deletes what expired since the start, and only that. */
	assert_int_equal(put(e, k4, "x", 1, now - 1, NULL, NULL, NULL),
	    STORE_OK);
	store_purge(e->s, 0, on_purge, &g);
	wait_for(e, &g.n, 1);
	assert_int_equal(g.status, 0);
	assert_int_equal(g.p.conversations, 1);
	c = restart(e, 1);
	assert_int_equal(c.n, 1);
	assert_memory_equal(c.key[0], k1, 32);
}

/* A report can leave its conversation a new state (the tombstone of
 * gateway/dialog_conv.c) instead of deleting it, in its transaction. */
static void
test_report_leaves_conv_state(void **state)
{
	struct env *e = *state;
	uint8_t pn[STORE_PSEUDO_LEN], k[32], ch[DB_HASH_LEN];
	int64_t now = time(NULL);
	struct store_report r = { .link = "orange", .channel = "sms",
	    .category = "ied", .text = "engin", .len = 5, .lang = "fr" };
	struct done d = { 0 };
	struct convs c;

	store_conv_key(e->s, fill(pn, sizeof pn, 0x61), k);
	assert_int_equal(put(e, k, "step=9", 6, now + 3600, NULL, NULL, NULL),
	    STORE_OK);
	r.case_hash = fill(ch, sizeof ch, 0x62);
	r.conv_key = k;
	r.conv_state = "ended;last=abc";
	r.conv_len = 14;
	r.conv_expires = now + 600;
	store_report(e->s, &r, &reply, on_done, &d);
	wait_done(e, &d);
	assert_int_equal(d.r, STORE_OK);
	c = restart(e, 1);
	assert_int_equal(c.n, 1);
	assert_memory_equal(c.key[0], k, 32);
	assert_string_equal(c.state[0], "ended;last=abc");
	assert_int_equal(c.expires[0], now + 600);
	/* Too large a state: refused before anything is written. */
	r.case_hash = fill(ch, sizeof ch, 0x63);
	r.conv_len = NV_CONV_STATE_MAX + 1;
	memset(&d, 0, sizeof d);
	store_report(e->s, &r, &reply, on_done, &d);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.r, STORE_FAILED);
}

/* A step is written with its retransmission marker and its reply; the
 * carrier's retransmission of it writes nothing. */
static void
test_conv_step_dedup_and_outbox(void **state)
{
	struct env *e = *state;
	uint8_t pn[STORE_PSEUDO_LEN], k[32], d1[DB_HASH_LEN];
	int64_t now = time(NULL), mt1 = 0, mt2 = -1;
	struct convs c;

	store_conv_key(e->s, fill(pn, sizeof pn, 0x71), k);
	fill(d1, sizeof d1, 0x72);
	assert_int_equal(put(e, k, "step=1", 6, now + 600, d1, &reply, &mt1),
	    STORE_OK);
	assert_true(mt1 > 0);
	assert_int_equal(put(e, k, "step=2", 6, now + 600, d1, &reply, &mt2),
	    STORE_DUPLICATE);
	assert_int_equal(mt2, 0);
	assert_int_equal(store_stats(e->s)->duplicates, 1);
	c = restart(e, 1);
	assert_int_equal(c.mts, 1);
	assert_string_equal(c.mt_text, reply.text);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.state[0], "step=1");
	/* Its marker names the reply's link. */
	pause_store(e);
	assert_int_equal(count_rows(e->db, "SELECT count(*) FROM inbound "
	    "WHERE kind = 'sms' AND link = 'orange' AND report_id IS NULL"), 1);
	resume_store(e);
}

static void
test_conv_state_limit(void **state)
{
	struct env *e = *state;
	uint8_t pn[STORE_PSEUDO_LEN], k[32];
	char *big = malloc(NV_CONV_STATE_MAX + 1);
	int64_t now = time(NULL);
	struct convs c;

	memset(big, 's', NV_CONV_STATE_MAX + 1);
	store_conv_key(e->s, fill(pn, sizeof pn, 0x81), k);
	/* Refused before the call returns, nothing written. */
	assert_int_equal(put(e, k, big, NV_CONV_STATE_MAX + 1, now + 60, NULL,
	    &reply, NULL), STORE_FAILED);
	big[0] = 'S';
	assert_int_equal(put(e, k, big, NV_CONV_STATE_MAX, now + 60, NULL,
	    NULL, NULL), STORE_OK);
	c = restart(e, 1);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.len[0], NV_CONV_STATE_MAX);
	assert_int_equal(c.state[0][0], 'S');
	assert_int_equal(c.mts, 0);
	free(big);
}

/* A state copied under another sender's key, in the file, does not open:
 * numvertd refuses to start rather than resume the wrong conversation. */
static void
test_conv_state_bound_to_key(void **state)
{
	struct env *e = *state;
	uint8_t pn[STORE_PSEUDO_LEN], k1[32], k2[32];
	int64_t now = time(NULL);
	char *cause = NULL;
	sqlite3_stmt *st;
	struct store *s;

	store_conv_key(e->s, fill(pn, sizeof pn, 0x91), k1);
	store_conv_key(e->s, fill(pn, sizeof pn, 0x92), k2);
	assert_int_equal(put(e, k1, "sender one", 10, now + 600, NULL, NULL,
	    NULL), STORE_OK);
	assert_int_equal(put(e, k2, "sender two", 10, now + 600, NULL, NULL,
	    NULL), STORE_OK);
	pause_store(e);
	assert_int_equal(sqlite3_prepare_v2(e->db->h, "UPDATE conversations "
	    "SET state = (SELECT state FROM conversations WHERE key = ?2) "
	    "WHERE key = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_blob(st, 1, k1, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, k2, 32, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	db_close(e->db);
	assert_int_equal(db_open(e->db_path, DB_SYNC_FULL, &e->db, &cause), 0);
	assert_int_equal(db_attach_keys(e->db, e->ks_path, &cause), 0);
	s = store_new(e->base, NULL, e->db, e->ks, e->cfg, &cause);
	if (s != NULL) {	/* stopped first, so the test fails cleanly */
		store_free(s);
		db_close(e->db);
		e->db = NULL;
		fail_msg("a state moved to another key opened");
	}
	assert_non_null(strstr(cause, "SMS conversation"));
	free(cause);
	db_close(e->db);
	e->db = NULL;
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_report_menu_fields, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_case_taken, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_case_find, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_case_add_sealed_and_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_leaves_conv_state,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_conv_key, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_conv_restart_drop_expiry,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_conv_step_dedup_and_outbox, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conv_state_limit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_conv_state_bound_to_key,
		    setup, teardown),
	};

	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("store_case", tests, NULL, NULL) != 0;
}
