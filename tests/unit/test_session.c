/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gateway/session.c: the table of live USSD dialogues, on a real
 * event_base: keys per link and dialect, replacement, guard timers and
 * touches, the bound, wiping of the reply address, the expiry budget, a
 * 10,000-session soak and the memory per session.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "base/clock.h"
#include "base/limits.h"
#include "profile.h"
#include "session.h"

#define NUMBER_A "22376123456"
#define NUMBER_B "22365987654"

/* What the expire callback saw. */
struct seen {
	struct sess_table *t;
	struct event_base *base;
	unsigned calls, timeouts, replaced;
	uint32_t serial;
	enum sess_reason why;
	char to[21];
	uint16_t node;
	uint64_t at;		/* clock_ms() of the last call */
	int found_inside;	/* sess_find still returned it */
	int end_inside;		/* call sess_end on it (must be ignored) */
	unsigned exit_after;	/* loopexit once calls reaches this */
};

static void
on_expire(void *arg, struct sess *s, enum sess_reason why)
{
	struct seen *w = arg;

	w->calls++;
	if (why == SESS_TIMEOUT)
		w->timeouts++;
	if (why == SESS_REPLACED)
		w->replaced++;
	w->serial = sess_serial(s);
	w->why = why;
	memcpy(w->to, sess_reply(s)->to, sizeof w->to);
	w->node = sess_state(s)->ms.node;
	w->at = clock_ms();
	if (w->t != NULL && sess_find(w->t, sess_key(s)) == s)
		w->found_inside = 1;
	if (w->end_inside) {
		sess_end(w->t, s, SESS_DONE);
		sess_touch(s, 1000);
	}
	if (w->exit_after != 0 && w->calls >= w->exit_after)
		event_base_loopexit(w->base, NULL);
}

static struct sess_key
key_of(uint16_t link, uint8_t len, unsigned v)
{
	struct sess_key k;

	memset(&k, 0, sizeof k);
	k.link = link;
	k.len = len;
	for (unsigned i = 0; i < len; i++)
		k.k[len - 1 - i] = (uint8_t)(v >> (8 * (i % 4)));
	return k;
}

static struct mt_addr
addr_of(const char *to)
{
	struct mt_addr a;

	memset(&a, 0, sizeof a);
	snprintf(a.to, sizeof a.to, "%s", to);
	a.to_ton = 1;
	a.to_npi = 1;
	snprintf(a.from, sizeof a.from, "384");
	return a;
}

static const uint8_t PN[SESS_PSEUDO_LEN] = {
	0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8,
	0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0xb0,
};

/* Runs the loop until w->calls reaches n, or limit_ms passes. */
static void
run_until(struct event_base *base, struct seen *w, unsigned n,
    unsigned limit_ms)
{
	struct timeval tv = { limit_ms / 1000, (limit_ms % 1000) * 1000 };

	w->exit_after = n;
	if (w->calls >= n)
		return;
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

static void
test_begin_find_end(void **state)
{
	struct event_base *base = event_base_new();
	struct seen w = { 0 };
	struct sess_table *t = sess_new(base, NULL, 16, on_expire, &w);
	struct sess_key k = key_of(0, 1, 42), k2 = key_of(0, 1, 43);
	struct mt_addr a = addr_of(NUMBER_A);
	struct sess *s;

	(void)state;
	assert_non_null(t);
	assert_null(sess_new(base, NULL, 0, NULL, NULL));
	assert_null(sess_new(base, NULL, NV_SESS_MAX + 1, NULL, NULL));
	w.t = t;
	s = sess_begin(t, &k, PN, &a, 5000);
	assert_non_null(s);
	assert_int_equal(sess_count(t), 1);
	assert_ptr_equal(sess_find(t, &k), s);
	assert_null(sess_find(t, &k2));
	assert_string_equal(sess_reply(s)->to, NUMBER_A);
	assert_memory_equal(sess_pseudonym(s), PN, sizeof PN);
	assert_int_equal(sess_state(s)->ms.node, 0);
	assert_int_equal(sess_state(s)->ms.depth, 0);
	sess_state(s)->ms.node = 12;
	sess_state(s)->ms.field[0] = 3;
	assert_int_equal(sess_state(sess_find(t, &k))->ms.node, 12);
	/* Invalid keys and guards. */
	struct sess_key bad = key_of(0, 0, 0);
	assert_null(sess_begin(t, &bad, PN, &a, 5000));
	bad.len = NV_SESS_KEY_MAX + 1;
	assert_null(sess_begin(t, &bad, PN, &a, 5000));
	assert_null(sess_begin(t, &k2, PN, &a, 0));
	assert_null(sess_begin(t, &k2, PN, &a, NV_SESS_GUARD_MAX_MS + 1));
	assert_int_equal(sess_touch(s, 0), -1);
	assert_int_equal(sess_count(t), 1);

	sess_end(t, s, SESS_DONE);
	assert_int_equal(sess_count(t), 0);
	assert_null(sess_find(t, &k));
	/* An ending the engine asked for is not called back. */
	assert_int_equal(w.calls, 0);
	assert_int_equal(sess_stats(t)->done, 1);
	/* A second begin of the key is a fresh session. */
	s = sess_begin(t, &k, PN, &a, 5000);
	assert_non_null(s);
	assert_int_equal(sess_state(s)->ms.node, 0);
	assert_int_equal(sess_state(s)->ms.field[0], 0);
	sess_end(t, s, SESS_ABORT);
	assert_int_equal(sess_stats(t)->aborted, 1);
	sess_free(t);
	event_base_free(base);
}

static void
test_keys_across_links_and_dialects(void **state)
{
	struct event_base *base = event_base_new();
	/* 4 slots, 8 buckets: 8 sessions of 2 octets must share chains. */
	struct sess_table *t = sess_new(base, NULL, 8, NULL, NULL);
	struct mt_addr a = addr_of(NUMBER_A);
	struct sess *s[8];
	struct sess_key k[8];
	struct smpp_tlvs tl;
	struct sess_key x, y;
	const struct ussd_profile *its = prof_get((unsigned)prof_find(
	    "its_session_info"));
	const struct ussd_profile *six = prof_get((unsigned)prof_find(
	    "sixdee"));
	const struct ussd_profile *umr = prof_get((unsigned)prof_find(
	    "user_message_reference"));

	(void)state;
	/* Same octets on links 0..3, and 1 vs 2 octets of the same value. */
	for (unsigned i = 0; i < 4; i++)
		k[i] = key_of((uint16_t)i, 1, 42);
	for (unsigned i = 4; i < 8; i++)
		k[i] = key_of((uint16_t)(i - 4), 2, 42);
	for (unsigned i = 0; i < 8; i++) {
		s[i] = sess_begin(t, &k[i], PN, &a, 5000);
		assert_non_null(s[i]);
		sess_state(s[i])->ms.node = (uint16_t)(100 + i);
	}
	assert_int_equal(sess_count(t), 8);
	for (unsigned i = 0; i < 8; i++)
		assert_ptr_equal(sess_find(t, &k[i]), s[i]);
	/* Ending ones in the middle of chains keeps the others. */
	sess_end(t, s[2], SESS_DONE);
	sess_end(t, s[5], SESS_DONE);
	for (unsigned i = 0; i < 8; i++) {
		if (i == 2 || i == 5)
			assert_null(sess_find(t, &k[i]));
		else
			assert_int_equal(sess_state(sess_find(t, &k[i]))->ms.node,
			    100 + i);
	}

	/* its_session_info: octet 2 is a step sequence and the end bit. */
	memset(&tl, 0, sizeof tl);
	tl.have = SMPP_HAVE_ITS_SESSION_INFO;
	tl.its_session_info[0] = 42;
	tl.its_session_info[1] = 0 << 1;
	assert_int_equal(sess_key_make(&x, 3, its, &tl, NULL), 0);
	tl.its_session_info[1] = 5 << 1 | 1;
	assert_int_equal(sess_key_make(&y, 3, its, &tl, NULL), 0);
	assert_int_equal(x.len, 1);
	assert_int_equal(x.link, 3);
	assert_memory_equal(&x, &y, sizeof x);
	/* sixdee: 15 bits of dialogue id, the end bit masked. */
	tl.its_session_info[1] = 0x10;
	assert_int_equal(sess_key_make(&x, 3, six, &tl, NULL), 0);
	tl.its_session_info[1] = 0x11;
	assert_int_equal(sess_key_make(&y, 3, six, &tl, NULL), 0);
	assert_int_equal(x.len, 2);
	assert_memory_equal(&x, &y, sizeof x);
	tl.its_session_info[1] = 0x12;
	assert_int_equal(sess_key_make(&y, 3, six, &tl, NULL), 0);
	assert_memory_not_equal(&x, &y, sizeof x);
	/* user_message_reference: both octets; missing TLV refused. */
	assert_int_equal(sess_key_make(&x, 3, umr, &tl, NULL), -1);
	tl.have |= SMPP_HAVE_USER_MESSAGE_REFERENCE;
	tl.user_message_reference = 0x1234;
	assert_int_equal(sess_key_make(&x, 3, umr, &tl, NULL), 0);
	assert_int_equal(x.len, 2);
	assert_int_equal(x.k[0], 0x12);
	assert_int_equal(x.k[1], 0x34);
	tl.have = 0;
	assert_int_equal(sess_key_make(&x, 3, its, &tl, NULL), -1);
	/* Keyed by subscriber: the pseudonym, 16 octets. */
	struct ussd_profile bysrc = *umr;
	bysrc.key = PROF_KEY_SOURCE_ADDR;
	assert_int_equal(sess_key_make(&x, 3, &bysrc, &tl, PN), 0);
	assert_int_equal(x.len, 16);
	assert_memory_equal(x.k, PN, 16);
	assert_int_equal(sess_key_make(&x, 3, &bysrc, &tl, NULL), -1);

	/* Two subscribers with the same its_session_info session number
	 * (one octet: 256 of them) are two dialogues. */
	{
		uint8_t pn2[16];

		memcpy(pn2, PN, sizeof pn2);
		pn2[0] ^= 0xff;
		tl.have = SMPP_HAVE_ITS_SESSION_INFO;
		tl.its_session_info[0] = 7;
		tl.its_session_info[1] = 0;
		assert_int_equal(sess_key_make(&x, 3, its, &tl, PN), 0);
		assert_int_equal(sess_key_make(&y, 3, its, &tl, pn2), 0);
		assert_int_equal(x.len, 17);
		assert_memory_not_equal(x.k, y.k, x.len);
		sess_end(t, sess_begin(t, &x, PN, &a, 5000), SESS_DONE);
		assert_non_null(sess_begin(t, &x, PN, &a, 5000));
		assert_non_null(sess_begin(t, &y, pn2, &a, 5000));
		assert_non_null(sess_find(t, &x));
		assert_non_null(sess_find(t, &y));
		assert_int_equal(sess_stats(t)->replaced, 0);
	}
	sess_free(t);
	event_base_free(base);
}

static void
test_replaced(void **state)
{
	struct event_base *base = event_base_new();
	struct seen w = { 0 };
	struct sess_table *t = sess_new(base, NULL, 4, on_expire, &w);
	struct sess_key k = key_of(1, 2, 0x0102);
	struct mt_addr a = addr_of(NUMBER_A), b = addr_of(NUMBER_B);
	struct sess *s1, *s2;
	uint32_t serial1;

	(void)state;
	w.t = t;
	s1 = sess_begin(t, &k, PN, &a, 5000);
	assert_non_null(s1);
	sess_state(s1)->ms.node = 7;
	serial1 = sess_serial(s1);
	s2 = sess_begin(t, &k, PN, &b, 5000);
	assert_non_null(s2);
	assert_int_equal(w.calls, 1);
	assert_int_equal(w.replaced, 1);
	assert_int_equal(w.why, SESS_REPLACED);
	assert_int_equal(w.serial, serial1);
	assert_int_equal(w.node, 7);
	assert_string_equal(w.to, NUMBER_A);
	assert_int_equal(w.found_inside, 0);
	assert_int_not_equal(sess_serial(s2), serial1);
	assert_int_equal(sess_count(t), 1);
	assert_ptr_equal(sess_find(t, &k), s2);
	assert_int_equal(sess_state(s2)->ms.node, 0);
	assert_string_equal(sess_reply(s2)->to, NUMBER_B);
	assert_int_equal(sess_scan(t, NUMBER_A, strlen(NUMBER_A)), 0);
	assert_int_equal(sess_stats(t)->replaced, 1);
	sess_free(t);
	event_base_free(base);
}

static void
test_timeout_and_touch(void **state)
{
	struct event_base *base = event_base_new();
	struct seen w = { 0 };
	struct sess_table *t = sess_new(base, NULL, 16, on_expire, &w);
	struct sess_key k1 = key_of(0, 1, 1), k2 = key_of(0, 1, 2);
	struct mt_addr a = addr_of(NUMBER_A);
	struct sess *s;
	uint64_t t0, touched;

	(void)state;
	w.t = t;
	w.base = base;
	/* A plain timeout: once, the right session, not before the guard. */
	t0 = clock_ms();
	s = sess_begin(t, &k1, PN, &a, 50);
	sess_state(s)->ms.node = 31;
	uint32_t serial = sess_serial(s);
	run_until(base, &w, 1, 2000);
	assert_int_equal(w.calls, 1);
	assert_int_equal(w.why, SESS_TIMEOUT);
	assert_int_equal(w.serial, serial);
	assert_int_equal(w.node, 31);
	assert_string_equal(w.to, NUMBER_A);
	assert_int_equal(w.found_inside, 0);
	assert_true(w.at >= t0 + 50);
	assert_int_equal(sess_count(t), 0);
	assert_null(sess_find(t, &k1));
	/* Nothing fires twice. */
	run_until(base, &w, 2, 150);
	assert_int_equal(w.calls, 1);

	/*
	 * A touch at 40 ms re-arms to 80 ms from then: not expired at the
	 * first guard, expired after the second. k2 keeps the 50 ms list's
	 * timer busy meanwhile.
	 */
	t0 = clock_ms();
	s = sess_begin(t, &k1, PN, &a, 50);
	assert_non_null(sess_begin(t, &k2, PN, &a, 50));
	usleep(40 * 1000);
	touched = clock_ms();
	assert_int_equal(sess_touch(s, 80), 0);
	run_until(base, &w, 2, 2000);	/* k2 expires at 50 ms */
	assert_int_equal(w.calls, 2);
	assert_ptr_equal(sess_find(t, &k1), s);
	assert_null(sess_find(t, &k2));
	run_until(base, &w, 3, 2000);
	assert_int_equal(w.calls, 3);
	assert_int_equal(w.timeouts, 3);
	assert_true(w.at >= touched + 80);
	assert_true(w.at >= t0 + 50 + 40);
	assert_int_equal(sess_count(t), 0);

	/* Inside the callback, sess_end and sess_touch on it are ignored. */
	w.end_inside = 1;
	s = sess_begin(t, &k1, PN, &a, 20);
	assert_non_null(sess_begin(t, &k2, PN, &a, 5000));
	run_until(base, &w, 4, 2000);
	assert_int_equal(w.calls, 4);
	assert_int_equal(sess_count(t), 1);
	assert_non_null(sess_find(t, &k2));
	assert_int_equal(sess_stats(t)->done, 0);
	sess_free(t);
	event_base_free(base);
}

static void
test_full(void **state)
{
	struct event_base *base = event_base_new();
	struct seen w = { 0 };
	struct sess_table *t = sess_new(base, NULL, 3, on_expire, &w);
	struct mt_addr a = addr_of(NUMBER_A);
	struct sess_key k[4];

	(void)state;
	for (unsigned i = 0; i < 4; i++)
		k[i] = key_of(0, 2, i);
	for (unsigned i = 0; i < 3; i++)
		assert_non_null(sess_begin(t, &k[i], PN, &a, 5000));
	assert_null(sess_begin(t, &k[3], PN, &a, 5000));
	assert_int_equal(sess_stats(t)->full, 1);
	assert_int_equal(sess_count(t), 3);
	/* At the bound, a begin with an open key still replaces it. */
	assert_non_null(sess_begin(t, &k[1], PN, &a, 5000));
	assert_int_equal(w.replaced, 1);
	/* A freed slot is usable again. */
	sess_end(t, sess_find(t, &k[0]), SESS_DONE);
	assert_non_null(sess_begin(t, &k[3], PN, &a, 5000));
	assert_int_equal(sess_count(t), 3);

	/* Distinct guard durations are bounded too. */
	struct sess_table *g = sess_new(base, NULL, 64, NULL, NULL);
	struct sess_key kk;
	for (unsigned i = 0; i < NV_SESS_GUARDS_MAX; i++) {
		kk = key_of(0, 2, i);
		assert_non_null(sess_begin(g, &kk, PN, &a, 1000 + i));
	}
	kk = key_of(0, 2, 999);
	assert_null(sess_begin(g, &kk, PN, &a, 999));
	assert_non_null(sess_begin(g, &kk, PN, &a, 1000));
	/* A touch to a duration with no list left fails and keeps it. */
	assert_int_equal(sess_touch(sess_find(g, &kk), 999), -1);
	assert_int_equal(sess_touch(sess_find(g, &kk), 1001), 0);
	sess_free(g);
	sess_free(t);
	event_base_free(base);
}

static void
test_end_wipes_reply(void **state)
{
	struct event_base *base = event_base_new();
	struct seen w = { 0 };
	struct sess_table *t = sess_new(base, NULL, 8, on_expire, &w);
	struct sess_key k1 = key_of(0, 1, 1), k2 = key_of(0, 1, 2);
	struct mt_addr a = addr_of(NUMBER_A), b = addr_of(NUMBER_B);
	struct sess *s;

	(void)state;
	w.t = t;
	w.base = base;
	/* The scan sees what a session holds (else the test proves nothing). */
	s = sess_begin(t, &k1, PN, &a, 5000);
	assert_non_null(sess_begin(t, &k2, PN, &b, 20));
	assert_int_equal(sess_scan(t, NUMBER_A, strlen(NUMBER_A)), 1);
	assert_int_equal(sess_scan(t, NUMBER_B, strlen(NUMBER_B)), 1);
	assert_int_equal(sess_scan(t, PN, sizeof PN), 2);
	sess_end(t, s, SESS_ABORT);
	assert_int_equal(sess_scan(t, NUMBER_A, strlen(NUMBER_A)), 0);
	assert_int_equal(sess_scan(t, PN, sizeof PN), 1);
	/* A timeout wipes too, after the callback read it. */
	run_until(base, &w, 1, 2000);
	assert_string_equal(w.to, NUMBER_B);
	assert_int_equal(sess_scan(t, NUMBER_B, strlen(NUMBER_B)), 0);
	assert_int_equal(sess_scan(t, PN, sizeof PN), 0);
	sess_free(t);
	event_base_free(base);
}

static void
test_expiry_budget(void **state)
{
	struct event_base *base = event_base_new();
	struct seen w = { 0 };
	unsigned n = 3 * NV_SESS_EXPIRE_PER_CB + 10;
	struct sess_table *t = sess_new(base, NULL, n, on_expire, &w);
	struct mt_addr a = addr_of(NUMBER_A);

	(void)state;
	w.base = base;
	for (unsigned i = 0; i < n; i++) {
		struct sess_key k = key_of(0, 2, i);
		assert_non_null(sess_begin(t, &k, PN, &a, 10));
	}
	/* All due when the timer first fires: it expires only a budget. */
	usleep(30 * 1000);
	event_base_loop(base, EVLOOP_ONCE);
	assert_int_equal(w.calls, NV_SESS_EXPIRE_PER_CB);
	assert_int_equal(sess_count(t), n - NV_SESS_EXPIRE_PER_CB);
	run_until(base, &w, n, 2000);
	assert_int_equal(w.calls, n);
	assert_int_equal(sess_count(t), 0);
	assert_true(sess_stats(t)->expiry_yields >= 3);
	sess_free(t);
	event_base_free(base);
}

static void
test_soak_10000(void **state)
{
	enum { N = 10000 };
	struct event_base *base = event_base_new();
	struct seen w = { 0 };
	struct sess_table *t = sess_new(base, NULL, N, on_expire, &w);
	struct mt_addr a = addr_of(NUMBER_A);
	static struct sess *s[N];

	(void)state;
	w.t = t;
	w.base = base;
	for (unsigned i = 0; i < N; i++) {
		struct sess_key k = key_of((uint16_t)(i % 3), i % 2 ? 2 : 16, i);
		s[i] = sess_begin(t, &k, PN, &a, 60000);
		assert_non_null(s[i]);
		sess_state(s[i])->ms.node = (uint16_t)i;
	}
	assert_int_equal(sess_count(t), N);
	/* Every one answers a screen; the odd ones get a short guard. */
	for (unsigned i = 0; i < N; i++) {
		struct sess_key k = key_of((uint16_t)(i % 3), i % 2 ? 2 : 16, i);
		assert_ptr_equal(sess_find(t, &k), s[i]);
		assert_int_equal(sess_touch(s[i], i % 2 ? 30 : 60000), 0);
	}
	for (unsigned i = 0; i < N; i += 2)
		sess_end(t, s[i], SESS_DONE);
	assert_int_equal(sess_count(t), N / 2);
	run_until(base, &w, N / 2, 10000);
	assert_int_equal(w.timeouts, N / 2);
	assert_int_equal(sess_count(t), 0);
	assert_int_equal(sess_scan(t, NUMBER_A, strlen(NUMBER_A)), 0);
	assert_int_equal(sess_stats(t)->begun, N);
	sess_free(t);
	event_base_free(base);
}

static long
rss_kib(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long size, res = -1;

	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld %ld", &size, &res) != 2)
		res = -1;
	fclose(f);
	return res < 0 ? -1 : res * (sysconf(_SC_PAGESIZE) / 1024);
}

static void
test_memory_per_session(void **state)
{
	enum { N = 100000 };
	struct event_base *base = event_base_new();
	struct mt_addr a = addr_of(NUMBER_A);
	struct sess_table *t;
	long before, after;

	(void)state;
	_Static_assert(N <= NV_SESS_MAX, "the DESIGN target fits the bound");
	/* The slot, and the worst share of buckets (4 per slot). */
	printf("# slot %zu octets, state %zu, + buckets <= %zu\n",
	    sess_slot_size(), sizeof(struct sess_state),
	    sess_slot_size() + 4 * sizeof(uint32_t));
	assert_true(sess_slot_size() + 4 * sizeof(uint32_t) <= 1024);

	before = rss_kib();
	t = sess_new(base, NULL, NV_SESS_MAX, NULL, NULL);
	printf("# table of NV_SESS_MAX=%u: %zu octets, %zu per session\n",
	    NV_SESS_MAX, sess_octets(t), sess_octets(t) / NV_SESS_MAX);
	assert_true(sess_octets(t) / NV_SESS_MAX <= 1024);
	for (unsigned i = 0; i < N; i++) {
		struct sess_key k = key_of((uint16_t)(i & 7), 16, i);
		assert_non_null(sess_begin(t, &k, PN, &a, 180000));
	}
	assert_int_equal(sess_count(t), N);
	after = rss_kib();
	printf("# %d sessions: RSS +%ld KiB, %ld octets per session\n", N,
	    after - before, (after - before) * 1024 / N);
#if !defined(__SANITIZE_ADDRESS__)
	/* Under ASan, redzones and shadow inflate RSS: measured only. */
	assert_true(before > 0 && after > 0);
	assert_true((after - before) * 1024 / N <= 1024);
#endif
	sess_free(t);
	event_base_free(base);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_begin_find_end),
		cmocka_unit_test(test_keys_across_links_and_dialects),
		cmocka_unit_test(test_replaced),
		cmocka_unit_test(test_timeout_and_touch),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_end_wipes_reply),
		cmocka_unit_test(test_expiry_budget),
		cmocka_unit_test(test_soak_10000),
		cmocka_unit_test(test_memory_per_session),
	};

	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("session", tests, NULL, NULL) != 0;
}
