/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The store's privacy jobs (gateway/store_priv.c) on a real database
 * with its key store and writer thread: the vault and crypto-shredding
 * (after the case key is destroyed the reply path fails, and the
 * ciphertext kept in a backup opens with nothing numvertd still holds),
 * the GBV limit on a reply path's life, escalation once per report,
 * alerts through the outbox, and retention; and that nothing written
 * (conversations, case codes and what citizens add, replies) leaves a
 * number, a pseudonym or a citizen's words in any file.
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
#include "routing/pseudo.h"
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

/* --- nothing identifying on disk ------------------------------------ */

struct needle {
	char what[32];
	uint8_t b[64];
	size_t n;
};

static void
needle(struct needle *nd, unsigned *k, const char *what, const void *b,
    size_t n)
{
	assert_true(n <= sizeof nd[0].b && *k < 64);
	snprintf(nd[*k].what, sizeof nd[0].what, "%s", what);
	memcpy(nd[*k].b, b, n);
	nd[(*k)++].n = n;
}

static size_t
hex(char *out, const uint8_t *b, size_t n, const char *digits)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	return 2 * n;
}

static size_t
base64(char *out, const uint8_t *b, size_t n)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
	    "qrstuvwxyz0123456789+/";
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)b[i] << 16 | (i + 1 < n ? b[i + 1] : 0)
		    << 8 | (i + 2 < n ? b[i + 2] : 0);

		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		if (i + 1 < n)
			out[o++] = a[v >> 6 & 63];
		if (i + 2 < n)
			out[o++] = a[v & 63];
	}
	return o;		/* no padding: it depends on what precedes */
}

/* The forms a number takes in files (as store.t searches them). */
static void
number_needles(struct needle *nd, unsigned *k, const char *num)
{
	size_t n = strlen(num), m;
	char t[64];
	uint8_t u[64], bcd[16] = { 0 };
	uint64_t v = strtoull(num, NULL, 10);

	needle(nd, k, "digits", num, n);
	t[0] = '+';
	memcpy(t + 1, num, n);
	needle(nd, k, "+form", t, n + 1);
	needle(nd, k, "national", num + 3, n - 3);	/* 223 is Mali */
	for (size_t i = 0; i < n; i++) {
		u[2 * i] = (uint8_t)num[i], u[2 * i + 1] = 0;
	}
	needle(nd, k, "ucs2le", u, 2 * n);
	needle(nd, k, "ucs2be", u + 1, 2 * n - 1);
	needle(nd, k, "hex", t, hex(t, (const uint8_t *)num, n,
	    "0123456789abcdef"));
	needle(nd, k, "HEX", t, hex(t, (const uint8_t *)num, n,
	    "0123456789ABCDEF"));
	needle(nd, k, "base64", t, base64(t, (const uint8_t *)num, n));
	/* BCD semi-octets, as in a TP address: "22 73 00 ..." swapped. */
	for (size_t i = 0; i < n; i++)
		bcd[i / 2] |= (uint8_t)((num[i] - '0') << (i % 2 ? 4 : 0));
	if (n % 2)
		bcd[n / 2] |= 0xf0;
	needle(nd, k, "bcd", bcd, (n + 1) / 2);
	/* The integer, little- and big-endian (its five significant
	 * octets: a part of every width from 5 to 8). */
	for (m = 0; m < 5; m++) {
		u[m] = (uint8_t)(v >> (8 * m));
		u[9 - m] = u[m];
	}
	needle(nd, k, "int-le", u, 5);
	needle(nd, k, "int-be", u + 5, 5);
}

static void
pseudonym_needles(struct needle *nd, unsigned *k, const uint8_t *pn)
{
	char t[64], str[PSEUDO_STR];

	needle(nd, k, "pseudonym", pn, PSEUDO_LEN);
	needle(nd, k, "pseudonym-hex", t, hex(t, pn, PSEUDO_LEN,
	    "0123456789abcdef"));
	needle(nd, k, "pseudonym-b64", t, base64(t, pn, PSEUDO_LEN));
	pseudo_str(pn, str);
	needle(nd, k, "pseudonym-log", str, strlen(str));
}

/* The first needle the file at path holds, or NULL (no file: none). */
static const char *
holds_any(const char *path, const struct needle *nd, unsigned k)
{
	FILE *fp = fopen(path, "rb");
	const char *found = NULL;
	uint8_t *buf;
	long len;

	if (fp == NULL)
		return NULL;
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	len = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)len + 1);
	assert_int_equal(fread(buf, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	for (unsigned i = 0; found == NULL && i < k; i++)
		if (memmem(buf, (size_t)len, nd[i].b, nd[i].n) != NULL)
			found = nd[i].what;
	free(buf);
	return found;
}

static void
assert_clean(const char *path, const struct needle *nd, unsigned k)
{
	const char *what = holds_any(path, nd, k);

	if (what != NULL)
		fail_msg("%s holds a %s", path, what);
}

static void
on_case(void *arg, int status, const struct store_case *c)
{
	struct got *g = arg;

	g->n++;
	g->status = status;
	g->id = c != NULL ? c->report_id : 0;
}

/*
 * SMS conversations (whose state may hold anything, the reply address
 * and the pseudonym included), reports that end them, case codes and
 * what citizens add to their case, with replies: the database, its WAL,
 * the key store and a backup hold no number in any form, no pseudonym
 * and none of the citizens' words. The needles are first shown to be
 * found in a file that holds the plain state.
 */
static void
test_nothing_identifying_on_disk(void **state)
{
	struct env *e = *state;
	static const char n1[] = "22370000081", n2[] = "22376543210";
	static const char words[] = "trois hommes armes pres du puits";
	const uint8_t pn1[PSEUDO_LEN] = { 0x3c, 0x99, 0x07, 0xe1, 0x52, 0xa8,
	    0x6d, 0x10, 0xfe, 0x44, 0x2b, 0x91, 0xc3, 0x5a, 0x78, 0x0f };
	uint8_t pn2[PSEUDO_LEN], k1[32], k2[32], ch[DB_HASH_LEN];
	uint8_t d1[DB_HASH_LEN], d2[DB_HASH_LEN], st[256];
	struct store_mt to1 = { .link = "orange", .to = { .to = "22370000081",
	    .to_ton = 1, .to_npi = 1, .from = "36123" }, .text = "merci",
	    .lang = "fr" };
	struct store_mt to2 = to1;
	struct store_report r = { .link = "orange", .channel = "sms",
	    .category = "arms_seen", .text = "rappelez le 22376543210",
	    .len = 23, .lang = "fr", .weapon = "war", .involved = "unknown" };
	struct needle nd[64];
	char path[96], *bk = NULL, *cause = NULL;
	struct got g = { 0 };
	struct db *reader;
	unsigned k = 0;
	size_t n;
	FILE *fp;

	snprintf(to2.to.to, sizeof to2.to.to, "%s", n2);
	memcpy(pn2, pn1, sizeof pn2);
	pn2[0] ^= 0xff;
	number_needles(nd, &k, n1);
	number_needles(nd, &k, n2);
	pseudonym_needles(nd, &k, pn1);
	pseudonym_needles(nd, &k, pn2);
	needle(nd, &k, "citizen's words", words, strlen(words));
	needle(nd, &k, "narrative", "rappelez", 8);
	needle(nd, &k, "added text", "voisin", 6);

	/* A state holding the number, the pseudonym and the words. */
	n = (size_t)snprintf((char *)st, sizeof st, "from=%s;lang=fr;text=%s;"
	    "pn=", n1, words);
	memcpy(st + n, pn1, PSEUDO_LEN);
	n += PSEUDO_LEN;
	snprintf(path, sizeof path, "%s/plain", e->dir);
	fp = fopen(path, "wb");
	assert_int_equal(fwrite(st, 1, n, fp), n);
	fclose(fp);
	assert_non_null(holds_any(path, nd, k));	/* the search works */

	store_conv_key(e->s, pn1, k1);
	store_conv_key(e->s, pn2, k2);
	memset(d1, 0xd1, sizeof d1);
	memset(d2, 0xd2, sizeof d2);
	memset(ch, 0xcc, sizeof ch);
	store_conv_put(e->s, k1, st, n, time(NULL) + 3600, d1, &to1,
	    on_report, &g);
	st[0] = 'F';		/* the next step, replacing the first */
	store_conv_put(e->s, k1, st, n, time(NULL) + 3600, NULL, &to1,
	    on_report, &g);
	memcpy(st + n - PSEUDO_LEN, pn2, PSEUDO_LEN);
	memcpy(st + 5, n2, strlen(n2));
	store_conv_put(e->s, k2, st, n, time(NULL) + 3600, d2, &to2,
	    on_report, &g);
	wait_n(e, &g, 3);
	assert_int_equal(g.status, 0);
	/* Sender 1's conversation ends in a report with a case code. */
	r.case_hash = ch;
	r.conv_key = k1;
	store_report(e->s, &r, &to2, on_report, &g);
	wait_n(e, &g, 4);
	assert_int_equal(g.status, 0);
	store_case_add(e->s, g.id, "added", "mon voisin 22370000081 l'a vu",
	    29, NULL, &to1, on_report, &g);
	wait_n(e, &g, 5);
	assert_int_equal(g.status, 0);
	store_case_find(e->s, ch, on_case, &g);
	wait_n(e, &g, 6);
	assert_int_equal(g.status, 1);

	/* While numvertd runs: the database and its WAL. */
	assert_clean(e->db_path, nd, k);
	snprintf(path, sizeof path, "%s-wal", e->db_path);
	assert_clean(path, nd, k);
	/* A backup, then everything at rest. */
	bk = calloc(1, 96);
	snprintf(bk, 96, "%s/backup.db", e->dir);
	assert_int_equal(db_open(e->db_path, DB_SYNC_FULL, &reader, &cause), 0);
	assert_int_equal(db_backup(reader, bk, &cause), 0);
	db_close(reader);
	stop(e);
	assert_clean(bk, nd, k);
	assert_clean(e->db_path, nd, k);
	assert_clean(e->ks_path, nd, k);
	snprintf(path, sizeof path, "%s-wal", e->ks_path);
	assert_clean(path, nd, k);
	start(e);
	free(bk);
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
		cmocka_unit_test_setup_teardown(
		    test_nothing_identifying_on_disk, setup, teardown),
	};

	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("store_priv", tests, NULL, NULL) != 0;
}
