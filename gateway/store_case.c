/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The store's jobs for case codes and SMS conversations (see store.h).
 *
 * A citizen who dials back with a case code learns the status of the
 * report and the operator's latest question, and may add to it; the
 * database holds only the code's keyed hash (reports.case_hash), and
 * what the citizen adds is sealed as narratives are, bound to its event
 * row. An SMS conversation is one row per sender, keyed by a keyed hash
 * of the pseudonym, its state sealed; each step is committed before the
 * carrier is answered, so a restart resumes it (DESIGN 6).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/log.h"
#include "base/xmalloc.h"
#include "routing/crypto.h"
#include "store_int.h"

/* The link a retransmission marker names: the reply's (it goes back on
 * the link the MO came on), or none when nothing is answered by SMS. */
static void
marker_link(char link[32], const struct store_mt *reply)
{
	snprintf(link, 32, "%s", reply != NULL ? reply->link : "");
}

static enum store_result
result(int status, int dup)
{
	return status != 0 ? STORE_FAILED : dup ? STORE_DUPLICATE : STORE_OK;
}

static void
count(struct store *s, enum store_result r)
{
	if (r == STORE_DUPLICATE)
		s->st.duplicates++;
	else if (r == STORE_FAILED)
		s->st.failures++;
}

/* --- looking a case up ----------------------------------------------- */

struct find_job {
	struct store *s;
	uint8_t case_hash[DB_HASH_LEN];
	int found, unreadable;
	int64_t report_id, closed_at;
	char status[STORE_ID_MAX], category[STORE_ID_MAX], lang[STORE_ID_MAX];
	int has_lang;
	char *question;			/* opened, NUL-terminated */
	size_t question_len;
	store_case_fn fn;
	void *arg;
};

static void
got_case(void *arg, const struct db_report *r)
{
	struct find_job *j = arg;

	j->found = 1;
	j->report_id = r->id;
	j->closed_at = r->closed_at;
	snprintf(j->status, sizeof j->status, "%s", r->status);
	snprintf(j->category, sizeof j->category, "%s", r->category);
	if ((j->has_lang = r->language != NULL))
		snprintf(j->lang, sizeof j->lang, "%s", r->language);
}

static void
got_question(void *arg, const struct db_event *e)
{
	struct find_job *j = arg;

	if (e->body == NULL)
		return;		/* purged with its closed case */
	if (store_open_event(j->s->ks, e->id, e->kind, e->body, e->body_len,
	    e->key_id, &j->question, &j->question_len) != 0) {
		j->question = NULL;
		j->unreadable = 1;
	}
}

static int
find_fn(struct db *db, void *arg)
{
	struct find_job *j = arg;
	int rc = db_report_by_case(db, j->case_hash, got_case, j);

	if (rc == 1)
		rc = db_event_last(db, j->report_id, "question", got_question,
		    j);
	return rc < 0 ? -1 : 0;
}

static void
find_done(void *arg, int status)
{
	struct find_job *j = arg;
	struct store_case c = {
		.report_id = j->report_id, .status = j->status,
		.category = j->category, .lang = j->has_lang ? j->lang : NULL,
		.closed_at = j->closed_at, .question = j->question,
		.question_len = j->question_len,
	};

	/* A question that does not open is shown as none: the citizen can
	 * still add to the case, and the office learns of it here. */
	if (j->unreadable)
		log_msg(j->s->log, LOG_ERROR, NULL, "case_question_unreadable",
		    "report=%lld", (long long)j->report_id);
	if (status != 0)
		j->fn(j->arg, -1, NULL);
	else
		j->fn(j->arg, j->found, j->found ? &c : NULL);
	if (j->question != NULL)
		cry_wipe(j->question, j->question_len);
	free(j->question);
	cry_wipe(j, sizeof *j);
	free(j);
}

void
store_case_find(struct store *s, const uint8_t case_hash[DB_HASH_LEN],
    store_case_fn fn, void *arg)
{
	struct find_job *j;

	if (s->closing) {
		fn(arg, -1, NULL);
		return;
	}
	j = xcalloc(1, sizeof *j);
	j->s = s;
	memcpy(j->case_hash, case_hash, DB_HASH_LEN);
	j->fn = fn;
	j->arg = arg;
	dbw_submit(s->w, find_fn, find_done, j);
}

/* --- adding to a case ------------------------------------------------ */

struct add_job {
	struct store *s;
	int64_t report_id, event_id, mt_id, at, now;
	char kind[8], link[32];
	char *text;
	size_t len;
	int has_dedup, dup;
	uint8_t dedup[DB_HASH_LEN];
	struct wbuf *mt;		/* the reply, or NULL */
	store_done_fn done;
	void *arg;
};

static int
add_fn(struct db *db, void *arg)
{
	struct add_job *j = arg;
	uint8_t *blob = NULL;
	size_t blen;
	uint32_t kid;
	int64_t rid;
	int rc;

	if (j->has_dedup && (rc = db_inbound_seen(db, j->dedup, &rid)) != 0) {
		j->dup = rc > 0;
		return rc > 0 ? 0 : -1;
	}
	/* Sealed after the insert: the seal binds the row id. */
	if (db_event_add(db, j->report_id, j->at, j->kind, NULL, 0, 0, 0,
	    &j->event_id) != 0 ||
	    store_seal_event(j->s->ks, j->event_id, j->kind, j->text, j->len,
	    &blob, &blen, &kid) != 0)
		return -1;
	rc = db_event_set_body(db, j->event_id, blob, blen, kid);
	free(blob);
	if (rc == 0 && j->has_dedup)
		rc = db_inbound_add(db, j->dedup, j->link, j->now, "sms",
		    j->report_id);
	if (rc == 0 && j->mt != NULL)
		rc = st_mt_write(j->s, db, j->link, j->mt, j->now, &j->mt_id);
	return rc;
}

static void
add_done(void *arg, int status)
{
	struct add_job *j = arg;
	enum store_result r = result(status, j->dup);

	count(j->s, r);
	j->done(j->arg, r, r == STORE_OK ? j->report_id : 0,
	    r == STORE_OK && j->mt != NULL ? j->mt_id : 0);
	cry_wipe(j->text, j->len);
	free(j->text);
	if (j->mt != NULL)
		cry_wipe(j->mt, sizeof *j->mt);
	free(j->mt);
	free(j);
}

void
store_case_add(struct store *s, int64_t report_id, const char *kind,
    const char *text, size_t len, const uint8_t *dedup,
    const struct store_mt *reply, store_done_fn done, void *arg)
{
	struct add_job *j;

	/* A citizen answers or adds; status changes, notes and questions
	 * are the operators'. */
	if (s->closing || kind == NULL || (strcmp(kind, "answer") != 0 &&
	    strcmp(kind, "added") != 0)) {
		if (!s->closing)
			log_msg(s->log, LOG_ERROR, NULL, "case_add_refused",
			    "why=kind report=%lld", (long long)report_id);
		done(arg, STORE_FAILED, 0, 0);
		return;
	}
	j = xcalloc(1, sizeof *j);
	j->s = s;
	j->report_id = report_id;
	snprintf(j->kind, sizeof j->kind, "%s", kind);
	j->text = xmalloc(len + 1);
	if (len > 0)
		memcpy(j->text, text, len);
	j->len = len;
	if ((j->has_dedup = dedup != NULL))
		memcpy(j->dedup, dedup, DB_HASH_LEN);
	marker_link(j->link, reply);
	if (reply != NULL)
		j->mt = st_mt_pack(reply);
	j->now = st_now_s();
	/* Rounded as a report's arrival: the exact second of a follow-up
	 * would match the carrier's records as well. */
	j->at = store_round_time(s, j->now);
	j->done = done;
	j->arg = arg;
	dbw_submit(s->w, add_fn, add_done, j);
}

/* --- SMS conversations ----------------------------------------------- */

struct conv_job {
	struct store *s;
	uint8_t key[STORE_CONV_KEY_LEN];
	uint8_t *sealed;		/* NULL: drop the conversation */
	size_t len;
	int64_t expires, now, mt_id;
	char link[32];
	int has_dedup, dup;
	uint8_t dedup[DB_HASH_LEN];
	struct wbuf *mt;		/* the reply, or NULL */
	store_done_fn done;
	void *arg;
};

static int
conv_fn(struct db *db, void *arg)
{
	struct conv_job *j = arg;
	struct db_conv c = {
		.key = j->key, .state = j->sealed, .state_len = j->len,
		.key_id = j->s->skey_id, .expires = j->expires,
	};
	int64_t rid;
	int rc;

	if (j->sealed == NULL)
		return db_conv_delete(db, j->key);
	if (j->has_dedup && (rc = db_inbound_seen(db, j->dedup, &rid)) != 0) {
		j->dup = rc > 0;
		return rc > 0 ? 0 : -1;
	}
	rc = db_conv_put(db, &c);
	if (rc == 0 && j->has_dedup)
		rc = db_inbound_add(db, j->dedup, j->link, j->now, "sms", 0);
	if (rc == 0 && j->mt != NULL)
		rc = st_mt_write(j->s, db, j->link, j->mt, j->now, &j->mt_id);
	return rc;
}

static void
conv_done(void *arg, int status)
{
	struct conv_job *j = arg;
	enum store_result r = result(status, j->dup);

	count(j->s, r);
	j->done(j->arg, r, 0, r == STORE_OK && j->mt != NULL ? j->mt_id : 0);
	free(j->sealed);
	if (j->mt != NULL)
		cry_wipe(j->mt, sizeof *j->mt);
	free(j->mt);
	cry_wipe(j, sizeof *j);
	free(j);
}

static struct conv_job *
conv_job(struct store *s, const uint8_t key[STORE_CONV_KEY_LEN],
    store_done_fn done, void *arg)
{
	struct conv_job *j = xcalloc(1, sizeof *j);

	j->s = s;
	memcpy(j->key, key, STORE_CONV_KEY_LEN);
	j->now = st_now_s();
	j->done = done;
	j->arg = arg;
	return j;
}

void
store_conv_put(struct store *s, const uint8_t key[STORE_CONV_KEY_LEN],
    const void *state, size_t len, int64_t expires, const uint8_t *dedup,
    const struct store_mt *reply, store_done_fn done, void *arg)
{
	struct conv_job *j;
	uint8_t ad[ST_AD_MAX];
	size_t adlen;

	if (len > NV_CONV_STATE_MAX) {
		log_msg(s->log, LOG_ERROR, NULL, "conv_refused",
		    "why=state_too_large len=%zu max=%u", len,
		    NV_CONV_STATE_MAX);
		s->st.failures++;
	}
	if (s->closing || len > NV_CONV_STATE_MAX) {
		done(arg, STORE_FAILED, 0, 0);
		return;
	}
	j = conv_job(s, key, done, arg);
	/* Sealed here, on the loop: the associated data needs no row id. */
	adlen = st_conv_ad(ad, key, s->skey_id);
	j->len = len + CRY_SEAL_OVERHEAD;
	j->sealed = xmalloc(j->len);
	cry_seal(s->skey, ad, adlen, state, len, j->sealed);
	j->expires = expires;
	if ((j->has_dedup = dedup != NULL))
		memcpy(j->dedup, dedup, DB_HASH_LEN);
	marker_link(j->link, reply);
	if (reply != NULL)
		j->mt = st_mt_pack(reply);
	dbw_submit(s->w, conv_fn, conv_done, j);
}

void
store_conv_drop(struct store *s, const uint8_t key[STORE_CONV_KEY_LEN],
    store_done_fn done, void *arg)
{
	if (s->closing) {
		done(arg, STORE_FAILED, 0, 0);
		return;
	}
	dbw_submit(s->w, conv_fn, conv_done, conv_job(s, key, done, arg));
}

/* --- at start -------------------------------------------------------- */

struct conv_resume {
	struct store *s;
	int64_t now;
	char *err;
};

static void
resume_conv(void *arg, const struct db_conv *c)
{
	struct conv_resume *r = arg;
	uint8_t ad[ST_AD_MAX], *plain;
	size_t adlen, len;
	struct found *f;

	if (r->err != NULL || c->expires <= r->now)
		return;		/* expired: deleted by the first job */
	adlen = st_conv_ad(ad, c->key, c->key_id);
	if (st_open(r->s->ks, ad, adlen, c->state, c->state_len, c->key_id,
	    &plain, &len) != 0) {
		r->err = xasprintf("an SMS conversation (expiring at %lld) does "
		    "not open with the keys of key_file",
		    (long long)c->expires);
		return;
	}
	f = st_found_add(r->s, "", plain, len);
	f->kind = FOUND_CONV;
	memcpy(f->conv_key, c->key, STORE_CONV_KEY_LEN);
	f->expires = c->expires;
	cry_wipe(plain, len);
	free(plain);
}

int
st_conv_resume(struct store *s, int64_t now, char **err)
{
	struct conv_resume r = { s, now, NULL };

	if (db_conv_each(s->db, resume_conv, &r) != 0 && r.err == NULL)
		r.err = xasprintf("cannot read the database: %s",
		    db_error(s->db));
	*err = r.err;
	return r.err != NULL ? -1 : 0;
}

static int
expire_fn(struct db *db, void *arg)
{
	return db_conv_expire(db, *(int64_t *)arg, NULL);
}

static void
expire_done(void *arg, int status)
{
	(void)status;	/* store_purge deletes them later */
	free(arg);
}

void
st_conv_expire(struct store *s, int64_t now)
{
	int64_t *at = xmalloc(sizeof *at);

	*at = now;
	dbw_submit(s->w, expire_fn, expire_done, at);
}
