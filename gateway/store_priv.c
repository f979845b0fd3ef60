/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The store's jobs for escalation, alerts, retention and the vault (see
 * store.h). Each runs on the writer thread inside a group; its result
 * comes back on the loop thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/markset.h"
#include "base/xmalloc.h"
#include "routing/crypto.h"
#include "store_int.h"

/* Vault keys shredded per retention run: the rest wait for the next. */
#define SHRED_PER_RUN 256u

void
store_set_retention(struct store *s, int64_t keep_closed_s,
    int64_t keep_audit_s, int64_t vault_after_close_s)
{
	s->keep_closed_s = keep_closed_s;
	s->keep_audit_s = keep_audit_s;
	s->vault_shred_s = vault_after_close_s;
}

/* --- escalation ------------------------------------------------------ */

struct esc_job {
	int64_t id, now;
	int rc;
	store_escalate_fn fn;
	void *arg;
};

static int
esc_fn(struct db *db, void *arg)
{
	struct esc_job *j = arg;

	j->rc = db_report_escalate(db, j->id, j->now);
	return j->rc < 0 ? -1 : 0;
}

static void
esc_done(void *arg, int status)
{
	struct esc_job *j = arg;

	j->fn(j->arg, j->id, status != 0 ? -1 : j->rc);
	free(j);
}

void
store_escalate(struct store *s, int64_t report_id, store_escalate_fn fn,
    void *arg)
{
	struct esc_job *j = xcalloc(1, sizeof *j);

	j->id = report_id;
	j->now = st_now_s();
	j->fn = fn;
	j->arg = arg;
	dbw_submit(s->w, esc_fn, esc_done, j);
}

struct pending_job {
	int64_t ids[NV_URGENT_PENDING_MAX];
	char queues[NV_URGENT_PENDING_MAX][48];
	unsigned n, more;
	store_pending_fn fn;
	void *arg;
};

static void
pending_one(void *arg, int64_t id, const char *queue)
{
	struct pending_job *j = arg;

	if (j->n == NV_URGENT_PENDING_MAX) {
		j->more++;
		return;
	}
	snprintf(j->queues[j->n], sizeof j->queues[0], "%s",
	    queue != NULL ? queue : "");
	j->ids[j->n++] = id;
}

static int
pending_fn(struct db *db, void *arg)
{
	return db_urgent_each(db, pending_one, arg);
}

static void
pending_done(void *arg, int status)
{
	struct pending_job *j = arg;

	const char *q[NV_URGENT_PENDING_MAX];

	for (unsigned i = 0; i < j->n; i++)
		q[i] = j->queues[i];
	j->fn(j->arg, status == 0 ? j->ids : NULL, q, status == 0 ? j->n : 0,
	    j->more);
	free(j);
}

void
store_urgent_pending(struct store *s, store_pending_fn fn, void *arg)
{
	struct pending_job *j = xmalloc(sizeof *j);

	j->n = j->more = 0;
	j->fn = fn;
	j->arg = arg;
	dbw_submit(s->w, pending_fn, pending_done, j);
}

/* --- a message not caused by an MO (an alert) ------------------------ */

struct send_job {
	struct store *s;
	char link[32];
	struct wbuf *mt;
	int64_t now, id;
	store_sent_fn fn;
	void *arg;
};

static int
send_fn(struct db *db, void *arg)
{
	struct send_job *j = arg;

	return st_mt_write(j->s, db, j->link, j->mt, j->now, &j->id);
}

static void
send_done(void *arg, int status)
{
	struct send_job *j = arg;

	j->fn(j->arg, status == 0 ? j->id : 0);
	cry_wipe(j->mt, sizeof *j->mt);
	free(j->mt);
	free(j);
}

void
store_send(struct store *s, const struct store_mt *m, store_sent_fn fn,
    void *arg)
{
	struct send_job *j = xcalloc(1, sizeof *j);

	j->s = s;
	snprintf(j->link, sizeof j->link, "%s", m->link);
	j->mt = st_mt_pack(m);
	j->now = st_now_s();
	j->fn = fn;
	j->arg = arg;
	dbw_submit(s->w, send_fn, send_done, j);
}

/* --- retention -------------------------------------------------------- */

struct purge_job {
	struct store *s;
	int64_t now, epoch;
	struct store_purged p;
	store_purge_fn fn;
	void *arg;
};

static int
purge_fn(struct db *db, void *arg)
{
	struct purge_job *j = arg;
	struct store *s = j->s;
	struct db_purged dp;
	int64_t ids[SHRED_PER_RUN];
	unsigned n = 0;

	if (db_purge(db, j->now - s->keep_closed_s, j->now - s->keep_audit_s,
	    &dp) != 0 || db_counted_expire(db, j->epoch) != 0 ||
	    db_conv_expire(db, j->now, &j->p.conversations) != 0)
		return -1;
	ms_expire(s->marks, j->epoch);
	j->p.narratives = dp.narratives;
	j->p.events = dp.events;
	j->p.audit = dp.audit;
	if (db_vault_due(db, j->now, j->now - s->vault_shred_s, ids,
	    SHRED_PER_RUN, &n) != 0)
		return -1;
	for (unsigned i = 0; i < n; i++)
		if (db_vault_shred(db, ids[i], j->now) != 0)
			return -1;
	j->p.shredded = n;
	return 0;
}

static void
purge_done(void *arg, int status)
{
	struct purge_job *j = arg;

	j->fn(j->arg, status, &j->p);
	free(j);
}

void
store_purge(struct store *s, int64_t epoch, store_purge_fn fn, void *arg)
{
	struct purge_job *j = xcalloc(1, sizeof *j);

	j->s = s;
	j->now = st_now_s();
	j->epoch = epoch;
	j->fn = fn;
	j->arg = arg;
	dbw_submit(s->w, purge_fn, purge_done, j);
	/* The WAL must not keep frames of what was blanked (DESIGN 5). */
	dbw_checkpoint(s->w);
}

/* --- the vault -------------------------------------------------------- */

struct vault_job {
	struct store *s;
	int64_t id, now, shred_at;
	char e164[24];
	int rc;
	store_vault_fn fn;
	void *arg;
};

static int
vault_put_fn(struct db *db, void *arg)
{
	struct vault_job *j = arg;
	uint8_t key[DB_KEY_LEN], ad[64], sealed[sizeof j->e164 +
	    CRY_SEAL_OVERHEAD];
	size_t adlen = st_row_ad(ad, "vault", j->id, NULL, 0, 0);
	size_t len = strlen(j->e164);
	int rc;

	cry_random(key, sizeof key);
	cry_seal(key, ad, adlen, j->e164, len, sealed);
	rc = db_vault_add(db, j->id, key, sealed, len + CRY_SEAL_OVERHEAD,
	    j->now, j->shred_at);
	cry_wipe(key, sizeof key);
	return rc;
}

static void
vault_done(void *arg, int status)
{
	struct vault_job *j = arg;

	j->fn(j->arg, status != 0 ? -1 : j->rc, j->e164);
	cry_wipe(j, sizeof *j);
	free(j);
}

static struct vault_job *
vault_job(struct store *s, int64_t report_id, store_vault_fn fn, void *arg)
{
	struct vault_job *j = xcalloc(1, sizeof *j);

	j->s = s;
	j->id = report_id;
	j->now = st_now_s();
	j->fn = fn;
	j->arg = arg;
	return j;
}

int
store_vault_put(struct store *s, int64_t report_id, const char *e164,
    int64_t shred_at, int gbv, store_vault_fn fn, void *arg)
{
	struct vault_job *j;

	if (strlen(e164) >= sizeof j->e164)
		return -1;
	j = vault_job(s, report_id, fn, arg);
	snprintf(j->e164, sizeof j->e164, "%s", e164);
	j->shred_at = shred_at;
	if (gbv && j->shred_at > j->now + NV_VAULT_GBV_MAX_S)
		j->shred_at = j->now + NV_VAULT_GBV_MAX_S;
	j->rc = 1;
	dbw_submit(s->w, vault_put_fn, vault_done, j);
	return 0;
}

struct opened {
	struct vault_job *j;
	const uint8_t *key;
};

static void
vault_sealed(void *arg, const uint8_t *sealed, size_t len)
{
	struct opened *o = arg;
	uint8_t ad[64];
	size_t adlen = st_row_ad(ad, "vault", o->j->id, NULL, 0, 0);

	if (len < CRY_SEAL_OVERHEAD ||
	    len - CRY_SEAL_OVERHEAD >= sizeof o->j->e164 ||
	    cry_open(o->key, ad, adlen, sealed, len,
	    (uint8_t *)o->j->e164) != 0)
		o->j->rc = -1;
}

static int
vault_open_fn(struct db *db, void *arg)
{
	struct vault_job *j = arg;
	uint8_t key[DB_KEY_LEN];
	struct opened o = { j, key };

	memset(j->e164, 0, sizeof j->e164);
	j->rc = db_vault_get(db, j->id, key, vault_sealed, &o);
	cry_wipe(key, sizeof key);
	if (j->rc != 1)
		memset(j->e164, 0, sizeof j->e164);
	return 0;
}

void
store_vault_open(struct store *s, int64_t report_id, store_vault_fn fn,
    void *arg)
{
	dbw_submit(s->w, vault_open_fn, vault_done, vault_job(s, report_id,
	    fn, arg));
}

static int
vault_shred_fn(struct db *db, void *arg)
{
	struct vault_job *j = arg;

	j->rc = 0;
	return db_vault_shred(db, j->id, j->now);
}

void
store_vault_shred(struct store *s, int64_t report_id, store_vault_fn fn,
    void *arg)
{
	dbw_submit(s->w, vault_shred_fn, vault_done, vault_job(s, report_id,
	    fn, arg));
}
