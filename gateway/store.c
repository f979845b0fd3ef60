/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The store's ingestion path (see store.h): reports, waiting parts, the
 * outbox's retries and ends, retransmission expiry, and what is read
 * back at start. Sealing and keyed hashes are in store_seal.c.
 */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/limits.h"
#include "base/log.h"
#include "base/markset.h"
#include "base/pack.h"
#include "base/xmalloc.h"
#include "config.h"
#include "db/writer.h"
#include "routing/keys.h"
#include "store_int.h"

_Static_assert(DB_MARK_LEN == MS_MARK_LEN, "one mark length");

/* --- jobs ------------------------------------------------------------ */

struct report_job {
	struct store *s;
	char link[32], channel[8], category[32], mt_link[32];
	char *text;
	size_t len;
	int incomplete;
	int has_dedup, has_msg_key, has_reply;
	uint8_t dedup[DB_HASH_LEN], msg_key[DB_HASH_LEN];
	struct wbuf *mt;		/* the reply, serialised */
	char region[32], cercle[64], commune[64], flags[48], axis[64];
	char lang[STORE_ID_MAX], weapon[STORE_ID_MAX];
	char weapon_count[STORE_ID_MAX], involved[STORE_ID_MAX];
	int partial, has_case, has_conv, taken;
	uint8_t *conv_sealed;		/* NULL: the conversation's row goes */
	size_t conv_sealed_len;
	int64_t conv_expires;
	uint8_t case_hash[DB_HASH_LEN], conv_key[STORE_CONV_KEY_LEN];
	char queues[STORE_QUEUES_MAX][48];
	unsigned nqueues;
	int urgent, has_mark, counted;
	uint8_t mark[DB_HASH_LEN];
	int64_t epoch;
	int64_t received, now;
	int dup;
	int64_t report_id, mt_id;
	store_done_fn done;
	void *arg;
};

/*
 * Whether the report counts in its statistics cell: its sender's first in
 * the cell and epoch. A mark is logged in the database when new. If the
 * job is undone later (a failed commit), the mark stays in memory and the
 * report, written again, is not counted: a rare under-count.
 */
static int
count_mark(struct store *s, struct db *db, struct report_job *j)
{
	j->counted = 1;
	if (!j->has_mark)
		return 0;
	if (ms_has(s->marks, j->mark)) {
		j->counted = 0;
		return 0;
	}
	if (db_counted_add(db, j->mark, j->epoch) != 0)
		return -1;
	if (ms_add(s->marks, j->mark, j->epoch) < 0)
		atomic_fetch_add(&s->marks_full, 1);	/* counted, no mark */
	return 0;
}

/* Runs on the writer thread, inside the group's transaction. */
static int
report_fn(struct db *db, void *arg)
{
	struct report_job *j = arg;
	struct store *s = j->s;
	struct db_report r = {
		.category = j->category, .channel = j->channel,
		.link = j->link, .received = j->received,
		.incomplete = j->incomplete, .key_id = s->skey_id,
	};
	uint8_t *blob = NULL;
	size_t blen;
	int64_t rid;
	int rc = -1;

	if (j->has_dedup && (rc = db_inbound_seen(db, j->dedup, &rid)) != 0) {
		j->dup = rc > 0;
		return rc > 0 ? 0 : -1;
	}
	/* A code already given: the caller draws another. Checked before
	 * the insert, whose UNIQUE failure would look like any error. */
	if (j->has_case && (rc = db_report_by_case(db, j->case_hash, NULL,
	    NULL)) != 0) {
		j->taken = rc > 0;
		return rc > 0 ? 0 : -1;
	}
	if (count_mark(s, db, j) != 0)
		return -1;
	r.counted = j->counted;
	r.region = j->region[0] != '\0' ? j->region : NULL;
	r.cercle = j->cercle[0] != '\0' ? j->cercle : NULL;
	r.commune = j->commune[0] != '\0' ? j->commune : NULL;
	r.flags = j->flags[0] != '\0' ? j->flags : NULL;
	r.axis = j->axis[0] != '\0' ? j->axis : NULL;
	r.queue = j->nqueues > 0 ? j->queues[0] : NULL;
	r.urgent = j->urgent;
	r.language = j->lang[0] != '\0' ? j->lang : NULL;
	r.case_hash = j->has_case ? j->case_hash : NULL;
	r.weapon = j->weapon[0] != '\0' ? j->weapon : NULL;
	r.weapon_count = j->weapon_count[0] != '\0' ? j->weapon_count : NULL;
	r.involved = j->involved[0] != '\0' ? j->involved : NULL;
	r.partial = j->partial;
	if (db_report_add(db, &r, &j->report_id) != 0)
		return -1;
	for (unsigned i = 0; i < j->nqueues; i++)
		if (db_report_queue_add(db, j->report_id, j->queues[i]) != 0)
			return -1;
	st_seal_row(s, "report", j->report_id, j->text, j->len, &blob, &blen);
	rc = db_report_set_narrative(db, j->report_id, blob, blen, s->skey_id);
	free(blob);
	if (rc == 0 && j->has_dedup)
		rc = db_inbound_add(db, j->dedup, j->link, j->now, "sms",
		    j->report_id);
	if (rc == 0 && j->has_msg_key)
		rc = db_part_delete(db, j->msg_key);
	if (rc == 0 && j->has_conv && j->conv_sealed != NULL)
		rc = db_conv_put(db, &(struct db_conv){ .key = j->conv_key,
		    .state = j->conv_sealed, .state_len = j->conv_sealed_len,
		    .key_id = s->skey_id, .expires = j->conv_expires });
	else if (rc == 0 && j->has_conv)
		rc = db_conv_delete(db, j->conv_key);
	if (rc == 0 && j->has_reply)
		rc = st_mt_write(s, db, j->mt_link, j->mt, j->now, &j->mt_id);
	return rc;
}

static void
report_done(void *arg, int status)
{
	struct report_job *j = arg;
	struct store *s = j->s;
	enum store_result r = status != 0 ? STORE_FAILED :
	    j->dup ? STORE_DUPLICATE : j->taken ? STORE_CASE_TAKEN : STORE_OK;

	/* STORE_CASE_TAKEN wrote nothing: the caller draws another code. */
	if (r == STORE_OK)
		s->st.reports++;
	else if (r == STORE_DUPLICATE)
		s->st.duplicates++;
	else if (r == STORE_FAILED)
		s->st.failures++;
	j->done(j->arg, r, r == STORE_OK ? j->report_id : 0,
	    r == STORE_OK && j->has_reply ? j->mt_id : 0);
	cry_wipe(j->text, j->len);
	cry_wipe(j->mark, sizeof j->mark);
	cry_wipe(j->conv_key, sizeof j->conv_key);
	free(j->conv_sealed);
	free(j->text);
	if (j->mt != NULL)
		cry_wipe(j->mt, sizeof *j->mt);
	free(j->mt);
	free(j);
}

int64_t
st_now_s(void)
{
	return (int64_t)time(NULL);
}

int64_t
store_round_time(const struct store *s, int64_t t)
{
	return t - t % s->rounding_s;
}

static void
copy_route(struct report_job *j, const struct store_route *rt)
{
#define CP(dst, src) snprintf(dst, sizeof dst, "%s", (src) ? (src) : "")
	CP(j->region, rt->region);
	CP(j->cercle, rt->cercle);
	CP(j->commune, rt->commune);
	CP(j->flags, rt->flags);
	CP(j->axis, rt->axis);
	for (unsigned i = 0; i < rt->nqueues && i < STORE_QUEUES_MAX; i++)
		CP(j->queues[j->nqueues++], rt->queues[i]);
#undef CP
	j->urgent = rt->urgent;
	if ((j->has_mark = rt->mark != NULL))
		memcpy(j->mark, rt->mark, DB_HASH_LEN);
	j->epoch = rt->epoch;
}

/* Copies an id of the menus into dst (STORE_ID_MAX); -1 if it does not
 * fit (cut, it would be another id, or fail a CHECK at every retry). */
static int
copy_id(struct store *s, char dst[STORE_ID_MAX], const char *src,
    const char *what)
{
	if (src == NULL)
		return 0;
	if (strlen(src) < STORE_ID_MAX) {
		memcpy(dst, src, strlen(src) + 1);
		return 0;
	}
	log_msg(s->log, LOG_ERROR, NULL, "report_refused", "why=id_too_long "
	    "field=%s", what);
	return -1;
}

/* The menus' answers and the case code of a report. */
static int
copy_menus(struct store *s, struct report_job *j, const struct store_report *r)
{
	if (copy_id(s, j->lang, r->lang, "lang") != 0 ||
	    copy_id(s, j->weapon, r->weapon, "weapon") != 0 ||
	    copy_id(s, j->weapon_count, r->weapon_count, "weapon_count") != 0 ||
	    copy_id(s, j->involved, r->involved, "involved") != 0)
		return -1;
	j->partial = r->partial != 0;
	if ((j->has_case = r->case_hash != NULL))
		memcpy(j->case_hash, r->case_hash, DB_HASH_LEN);
	if ((j->has_conv = r->conv_key != NULL))
		memcpy(j->conv_key, r->conv_key, STORE_CONV_KEY_LEN);
	if (j->has_conv && r->conv_state != NULL) {
		uint8_t ad[ST_AD_MAX];
		size_t adlen = st_conv_ad(ad, r->conv_key, s->skey_id);

		if (r->conv_len > NV_CONV_STATE_MAX)
			return -1;
		/* Sealed here, on the loop, as store_conv_put does. */
		j->conv_sealed_len = r->conv_len + CRY_SEAL_OVERHEAD;
		j->conv_sealed = xmalloc(j->conv_sealed_len);
		cry_seal(s->skey, ad, adlen, r->conv_state, r->conv_len,
		    j->conv_sealed);
		j->conv_expires = r->conv_expires;
	}
	return 0;
}

void
store_report(struct store *s, const struct store_report *r,
    const struct store_mt *reply, store_done_fn done, void *arg)
{
	struct report_job *j;

	if (s->closing) {	/* the writer is draining: too late */
		done(arg, STORE_FAILED, 0, 0);
		return;
	}
	j = xcalloc(1, sizeof *j);
	if (copy_menus(s, j, r) != 0) {
		s->st.failures++;
		free(j);
		done(arg, STORE_FAILED, 0, 0);
		return;
	}
	j->s = s;
	snprintf(j->link, sizeof j->link, "%s", r->link);
	snprintf(j->channel, sizeof j->channel, "%s", r->channel);
	snprintf(j->category, sizeof j->category, "%s", r->category);
	j->text = xmalloc(r->len + 1);
	if (r->len > 0)		/* a partial report may have no text */
		memcpy(j->text, r->text, r->len);
	j->len = r->len;
	j->incomplete = r->incomplete;
	if ((j->has_dedup = r->dedup != NULL))
		memcpy(j->dedup, r->dedup, DB_HASH_LEN);
	if ((j->has_msg_key = r->msg_key != NULL))
		memcpy(j->msg_key, r->msg_key, DB_HASH_LEN);
	if (r->route != NULL)
		copy_route(j, r->route);
	if ((j->has_reply = reply != NULL)) {
		j->mt = st_mt_pack(reply);
		snprintf(j->mt_link, sizeof j->mt_link, "%s", reply->link);
	}
	j->now = st_now_s();
	j->received = store_round_time(s, j->now);
	j->done = done;
	j->arg = arg;
	dbw_submit(s->w, report_fn, report_done, j);
}

struct wbuf *
st_mt_pack(const struct store_mt *m)
{
	struct wbuf *w = st_wbuf_new();

	st_put_addr(&w->p, &m->to);
	pack_str(&w->p, m->lang != NULL ? m->lang : "");
	pack_str(&w->p, m->text);
	return w;
}

int
st_mt_write(struct store *s, struct db *db, const char *link,
    const struct wbuf *mt, int64_t now, int64_t *id)
{
	struct db_mt m = {
		.link = link, .state = DB_MT_QUEUED,
		.next_attempt = now, .created = now,
	};
	uint8_t *blob = NULL;
	size_t blen;
	int rc;

	if (mt->p.over)
		return -1;	/* cannot happen: replies are a few parts long */
	if (db_mt_add(db, &m, id) != 0)
		return -1;
	st_seal_row(s, "outbox", *id, mt->b, mt->p.n, &blob, &blen);
	rc = db_mt_set_sealed(db, *id, blob, blen, s->skey_id);
	free(blob);
	return rc;
}

struct part_job {
	struct store *s;
	uint8_t dedup[DB_HASH_LEN], msg_key[DB_HASH_LEN];
	char link[32];
	uint8_t seq, total;
	uint8_t *sealed;
	size_t len;
	int64_t now;
	int dup;
	store_done_fn done;
	void *arg;
};

static int
part_fn(struct db *db, void *arg)
{
	struct part_job *j = arg;
	struct db_part p = {
		.msg_key = j->msg_key, .seq = j->seq, .total = j->total,
		.link = j->link, .at = j->now, .sealed = j->sealed,
		.sealed_len = j->len, .key_id = j->s->skey_id,
	};
	int64_t rid;
	int rc;

	if ((rc = db_inbound_seen(db, j->dedup, &rid)) != 0) {
		j->dup = rc > 0;
		return rc > 0 ? 0 : -1;
	}
	if (db_part_add(db, &p) != 0)
		return -1;
	return db_inbound_add(db, j->dedup, j->link, j->now, "part", 0);
}

static void
part_done(void *arg, int status)
{
	struct part_job *j = arg;
	enum store_result r = status != 0 ? STORE_FAILED :
	    j->dup ? STORE_DUPLICATE : STORE_OK;

	if (r == STORE_OK)
		j->s->st.parts++;
	else if (r == STORE_DUPLICATE)
		j->s->st.duplicates++;
	else
		j->s->st.failures++;
	j->done(j->arg, r, 0, 0);
	free(j->sealed);
	free(j);
}

/* The associated data of a waiting part: its message and place in it. */
static size_t
part_ad(uint8_t *ad, const uint8_t msg_key[DB_HASH_LEN], uint8_t seq,
    uint32_t key_id)
{
	uint8_t more[DB_HASH_LEN + 1];

	memcpy(more, msg_key, DB_HASH_LEN);
	more[DB_HASH_LEN] = seq;
	return st_row_ad(ad, "part", 0, more, sizeof more, key_id);
}

void
store_part(struct store *s, const uint8_t dedup[DB_HASH_LEN], const char *link,
    const struct reasm_part *p, store_done_fn done, void *arg)
{
	struct part_job *j;
	struct wbuf *w;
	uint8_t ad[128];
	size_t adlen;

	if (s->closing) {
		done(arg, STORE_FAILED, 0, 0);
		return;
	}
	j = xcalloc(1, sizeof *j);
	w = st_wbuf_new();
	j->s = s;
	memcpy(j->dedup, dedup, DB_HASH_LEN);
	store_msg_key(s, link, &p->key, j->msg_key);
	snprintf(j->link, sizeof j->link, "%s", link);
	j->seq = p->seq;
	j->total = p->key.total;
	pack_str(&w->p, p->key.source);
	pack_str(&w->p, p->key.dest);
	pack_u8(&w->p, (uint8_t)(p->key.ref >> 8));
	pack_u8(&w->p, (uint8_t)p->key.ref);
	pack_u8(&w->p, p->key.ref16);
	pack_u8(&w->p, p->key.total);
	pack_u8(&w->p, p->seq);
	pack_u8(&w->p, p->dcs);
	pack_blob(&w->p, p->meta, sizeof p->meta);
	pack_blob(&w->p, p->data, p->len);
	adlen = part_ad(ad, j->msg_key, p->seq, s->skey_id);
	j->len = w->p.n + CRY_SEAL_OVERHEAD;
	j->sealed = xmalloc(j->len);
	cry_seal(s->skey, ad, adlen, w->b, w->p.n, j->sealed);
	cry_wipe(w, sizeof *w);
	free(w);
	j->now = st_now_s();
	j->done = done;
	j->arg = arg;
	dbw_submit(s->w, part_fn, part_done, j);
}

struct final_job {
	int64_t id;
	enum db_mt_state state;
	uint32_t status;
	unsigned attempts;
	char why[64];
	int64_t now;
};

static int
final_fn(struct db *db, void *arg)
{
	struct final_job *j = arg;

	/* Temporary failures before the end are worth a look later. */
	if (j->attempts > 0 && db_mt_retry(db, j->id, j->attempts, 0,
	    j->status) != 0)
		return -1;
	return db_mt_final(db, j->id, j->state, j->now, j->status, j->why);
}

static void
final_done(void *arg, int status)
{
	(void)status;	/* a lost final leaves the row queued: sent again */
	free(arg);
}

void
store_mt_final(struct store *s, int64_t mt_id, int ok, uint32_t status,
    unsigned attempts, const char *why)
{
	struct final_job *j;

	if (s->closing)
		return;		/* the row stays queued: sent again */
	j = xcalloc(1, sizeof *j);
	j->id = mt_id;
	j->state = ok ? DB_MT_DONE : DB_MT_FAILED;
	j->status = status;
	j->attempts = attempts;
	snprintf(j->why, sizeof j->why, "%s", why != NULL ? why : "");
	j->now = st_now_s();
	if (ok)
		s->st.mt_done++;
	else
		s->st.mt_failed++;
	dbw_submit(s->w, final_fn, final_done, j);
}

struct retry_job {
	int64_t id, next;
	unsigned attempts;
	uint32_t status;
};

static int
retry_fn(struct db *db, void *arg)
{
	struct retry_job *j = arg;

	return db_mt_retry(db, j->id, j->attempts, j->next, j->status);
}

void
store_mt_retry(struct store *s, int64_t mt_id, unsigned attempts,
    uint64_t delay_ms, uint32_t status)
{
	struct retry_job *j;

	if (s->closing)
		return;		/* an older count stays: a few more tries */
	j = xcalloc(1, sizeof *j);
	j->id = mt_id;
	j->attempts = attempts;
	j->status = status;
	j->next = st_now_s() + (int64_t)((delay_ms + 999) / 1000);
	dbw_submit(s->w, retry_fn, final_done, j);
}

static int
expire_fn(struct db *db, void *arg)
{
	return db_inbound_expire(db, *(int64_t *)arg);
}

static void
expire_done(void *arg, int status)
{
	(void)status;
	free(arg);
}

static void
expire_cb(evutil_socket_t fd, short what, void *arg)
{
	struct store *s = arg;
	int64_t *before = xmalloc(sizeof *before);

	(void)fd;
	(void)what;
	*before = st_now_s() - s->window_s;
	dbw_submit(s->w, expire_fn, expire_done, before);
}

/* --- start and stop ------------------------------------------------- */

struct resume_ctx {
	struct store *s;
	char *err;
};

struct found *
st_found_add(struct store *s, const char *link, const void *data, size_t len)
{
	struct found *f = xcalloc(1, sizeof *f + len + 1);

	snprintf(f->link, sizeof f->link, "%s", link);
	memcpy(f->data, data, len);
	f->len = len;
	*s->found_tail = f;
	s->found_tail = &f->next;
	return f;
}

static void
resume_part(void *arg, const struct db_part *p)
{
	struct resume_ctx *c = arg;
	const uint8_t *key = keys_find(c->s->ks, KEY_STORE, p->key_id);
	uint8_t ad[128], *plain;
	struct reasm_part rp;
	struct pack_r r;
	size_t adlen, l;
	const uint8_t *meta;

	if (c->err != NULL)
		return;
	plain = xmalloc(p->sealed_len + 1);
	adlen = part_ad(ad, p->msg_key, p->seq, p->key_id);
	if (key == NULL || p->sealed_len < CRY_SEAL_OVERHEAD ||
	    cry_open(key, ad, adlen, p->sealed, p->sealed_len, plain) != 0) {
		c->err = xasprintf("a waiting part (row %lld) does not open with "
		    "the keys of key_file", (long long)p->id);
		free(plain);
		return;
	}
	memset(&rp, 0, sizeof rp);
	unpack_init(&r, plain, p->sealed_len - CRY_SEAL_OVERHEAD);
	unpack_str(&r, rp.key.source, sizeof rp.key.source);
	unpack_str(&r, rp.key.dest, sizeof rp.key.dest);
	rp.key.ref = (uint16_t)(unpack_u8(&r) << 8);
	rp.key.ref |= unpack_u8(&r);
	rp.key.ref16 = unpack_u8(&r);
	rp.key.total = unpack_u8(&r);
	rp.seq = unpack_u8(&r);
	rp.dcs = unpack_u8(&r);
	meta = unpack_blob(&r, &l);
	memcpy(rp.meta, meta, l < sizeof rp.meta ? l : sizeof rp.meta);
	rp.data = unpack_blob(&r, &rp.len);
	if (r.bad) {
		c->err = xasprintf("waiting part row %lld is malformed",
		    (long long)p->id);
	} else {
		struct found *f = st_found_add(c->s, p->link, rp.data, rp.len);

		f->kind = FOUND_PART;
		f->part = rp;
		f->part.data = f->data;
	}
	cry_wipe(plain, p->sealed_len);
	free(plain);
}

static void
resume_mt(void *arg, const struct db_mt *m)
{
	struct resume_ctx *c = arg;
	const uint8_t *key = keys_find(c->s->ks, KEY_STORE, m->key_id);
	uint8_t ad[64], *plain;
	char lang[16];
	struct store_mt mt;
	struct found *f;
	struct pack_r r;
	size_t adlen, l;
	const uint8_t *t;

	if (c->err != NULL)
		return;
	plain = xmalloc(m->sealed_len + 1);
	adlen = st_row_ad(ad, "outbox", m->id, NULL, 0, m->key_id);
	if (key == NULL || m->sealed == NULL ||
	    m->sealed_len < CRY_SEAL_OVERHEAD ||
	    cry_open(key, ad, adlen, m->sealed, m->sealed_len, plain) != 0) {
		c->err = xasprintf("outbox row %lld does not open with the keys "
		    "of key_file", (long long)m->id);
		free(plain);
		return;
	}
	memset(&mt, 0, sizeof mt);
	unpack_init(&r, plain, m->sealed_len - CRY_SEAL_OVERHEAD);
	st_get_addr(&r, &mt.to);
	unpack_str(&r, lang, sizeof lang);
	t = unpack_blob(&r, &l);
	if (r.bad || memchr(t, '\0', l) != NULL) {
		c->err = xasprintf("outbox row %lld is malformed",
		    (long long)m->id);
	} else {
		f = st_found_add(c->s, m->link, t, l);
		f->id = m->id;
		f->mt = mt;
		f->mt.attempts = m->attempts;
		f->mt.next_attempt = m->next_attempt;
		snprintf(f->lang, sizeof f->lang, "%s", lang);
	}
	cry_wipe(plain, m->sealed_len);
	free(plain);
}

static void
found_free(struct store *s)
{
	struct found *f;

	while ((f = s->found) != NULL) {
		s->found = f->next;
		cry_wipe(f, sizeof *f + f->len);
		free(f);
	}
	s->found_tail = &s->found;
}

void
store_replay(struct store *s, const struct store_resume *r)
{
	for (struct found *f = s->found; f != NULL; f = f->next) {
		switch (f->kind) {
		case FOUND_PART:
			r->part(r->arg, f->link, &f->part);
			break;
		case FOUND_MT:
			f->mt.link = f->link;
			f->mt.text = (const char *)f->data;
			f->mt.lang = f->lang;
			r->mt(r->arg, f->id, &f->mt);
			break;
		case FOUND_CONV:
			if (r->conv != NULL)
				r->conv(r->arg, f->conv_key, f->data, f->len,
				    f->expires);
			break;
		}
	}
	found_free(s);
}

/* Runs before the writer starts (store_new): the set is the writer's. */
static void
resume_mark(void *arg, const uint8_t mark[DB_MARK_LEN], int64_t epoch)
{
	struct store *s = arg;

	if (ms_add(s->marks, mark, epoch) < 0)
		atomic_fetch_add(&s->marks_full, 1);
}

struct store *
store_new(struct event_base *base, struct logger *log, struct db *db,
    const struct keys *ks, const struct cfg *cfg, char **cause)
{
	struct store *s = xcalloc(1, sizeof *s);
	struct resume_ctx c = { s, NULL };
	struct timeval tv = { EXPIRE_EVERY_S, 0 };
	int64_t now = st_now_s();

	s->base = base;
	s->log = log;
	s->db = db;
	s->ks = ks;
	s->skey = keys_current(ks, KEY_STORE, &s->skey_id);
	s->dkey = keys_current(ks, KEY_DEDUP, NULL);
	s->rounding_s = cfg->report_rounding_ms / 1000;
	s->window_s = cfg->dedup_window_ms / 1000;
	if (s->rounding_s < 1)
		s->rounding_s = 1;
	s->found_tail = &s->found;
	s->marks = ms_new();
	if ((db_part_each(db, resume_part, &c) != 0 ||
	    db_mt_each_queued(db, resume_mt, &c) != 0 ||
	    db_counted_each(db, resume_mark, s) != 0) && c.err == NULL)
		c.err = xasprintf("cannot read the database: %s", db_error(db));
	if (c.err == NULL)
		st_conv_resume(s, now, &c.err);
	if (c.err != NULL) {
		*cause = c.err;
		found_free(s);
		ms_free(s->marks);
		free(s);
		return NULL;
	}
	s->w = dbw_new(base, db, log, NV_DB_GROUP_MAX);
	/* The first job: conversations that ended while we were down. */
	st_conv_expire(s, now);
	s->expire_ev = event_new(base, -1, EV_PERSIST, expire_cb, s);
	event_add(s->expire_ev, &tv);
	return s;
}

void
store_free(struct store *s)
{
	if (s == NULL)
		return;
	s->closing = 1;
	event_free(s->expire_ev);
	dbw_free(s->w);
	found_free(s);
	ms_free(s->marks);
	free(s);
}

const struct store_stats *
store_stats(const struct store *s)
{
	return &s->st;
}

void
store_log_stats(struct store *s)
{
	struct dbw_stats w;

	dbw_stats(s->w, &w);
	log_msg(s->log, LOG_INFO, NULL, "store_stats", "reports=%llu "
	    "duplicates=%llu parts=%llu failures=%llu mt_done=%llu "
	    "mt_failed=%llu jobs=%llu groups=%llu largest_group=%u "
	    "failed_commits=%llu marks=%s", (unsigned long long)s->st.reports,
	    (unsigned long long)s->st.duplicates,
	    (unsigned long long)s->st.parts,
	    (unsigned long long)s->st.failures,
	    (unsigned long long)s->st.mt_done,
	    (unsigned long long)s->st.mt_failed,
	    (unsigned long long)w.jobs, (unsigned long long)w.groups,
	    w.largest_group, (unsigned long long)w.failed_commits,
	    atomic_load(&s->marks_full) > 0 ? "full" : "ok");
}
