/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Rate limits: the hourly and daily limits exact at their boundaries
 * (sliding windows: a report leaves the window 3,600 or 86,400 s after
 * it was made), over-limit reports still counted, floods alerting once
 * per clock hour, per pseudonym and per region, and memory bounded by
 * NV_RL_TRACKED_MAX with the least recently seen forgotten first. The
 * soak (100,000 pseudonyms) is meant for the ASan build too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "routing/ratelimit.h"

#define HOUR 3600
#define DAY 86400
/* A clock hour boundary, well after 1970. */
#define T ((int64_t)500000 * HOUR)

/* splitmix64: pseudonyms that look like keyed hashes, reproducibly. */
static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static const uint8_t *
pn(uint64_t n)
{
	static uint8_t b[16];
	uint64_t a = mix(2 * n), c = mix(2 * n + 1);

	memcpy(b, &a, 8);
	memcpy(b + 8, &c, 8);
	return b;
}

static struct rl *
new_rl(unsigned ph, unsigned pd, unsigned fp, unsigned fr)
{
	struct rl_cfg c = { ph, pd, fp, fr };
	struct rl *r = rl_new(&c);

	assert_non_null(r);
	return r;
}

static enum rl_verdict
rep(struct rl *r, uint64_t who, int64_t t)
{
	unsigned a;

	return rl_report(r, pn(who), NULL, t, &a);
}

static void
test_hour_exact(void **state)
{
	struct rl *r = new_rl(3, 10, 0, 0);

	(void)state;
	/* Probe 1: the 4th report 3,599 s after the 1st is over. */
	assert_int_equal(rep(r, 1, T), RL_OK);
	assert_int_equal(rep(r, 1, T + 10), RL_OK);
	assert_int_equal(rep(r, 1, T + 20), RL_OK);
	assert_int_equal(rep(r, 1, T + HOUR - 1), RL_OVER_HOUR);
	/* Probe 2: 3,600 s after the 1st, the 1st has left the window. */
	assert_int_equal(rep(r, 2, T), RL_OK);
	assert_int_equal(rep(r, 2, T + 10), RL_OK);
	assert_int_equal(rep(r, 2, T + 20), RL_OK);
	assert_int_equal(rep(r, 2, T + HOUR), RL_OK);
	/* Now T+10, T+20, T+3600 are in: T+3609 is over, T+3610 is not. */
	assert_int_equal(rep(r, 2, T + HOUR + 9), RL_OVER_HOUR);
	/* The over-limit report counted too: it keeps the sender over. */
	assert_int_equal(rep(r, 2, T + HOUR + 10), RL_OVER_HOUR);
	/* In: T+20, T+3600, T+3609, T+3610; an hour after T+3610: OK. */
	assert_int_equal(rep(r, 2, T + 2 * HOUR + 10), RL_OK);
	/* Same times, other pseudonyms: each counts alone. */
	for (uint64_t w = 100; w < 110; w++)
		assert_int_equal(rep(r, w, T), RL_OK);
	rl_free(r);
}

static void
test_day_exact(void **state)
{
	struct rl *r = new_rl(3, 10, 0, 0);

	(void)state;
	for (uint64_t w = 1; w <= 2; w++)
		for (int k = 0; k < 10; k++)
			assert_int_equal(rep(r, w, T + k * 2 * HOUR), RL_OK);
	assert_int_equal(rep(r, 1, T + DAY - 1), RL_OVER_DAY);
	assert_int_equal(rep(r, 2, T + DAY), RL_OK);
	rl_free(r);
}

/* Over both: the day wins; 0 turns a limit off. */
static void
test_precedence_and_off(void **state)
{
	struct rl *r = new_rl(3, 3, 0, 0);

	(void)state;
	for (int k = 0; k < 3; k++)
		assert_int_equal(rep(r, 1, T + k), RL_OK);
	assert_int_equal(rep(r, 1, T + 3), RL_OVER_DAY);
	rl_free(r);

	r = new_rl(2, 0, 0, 0);
	for (int k = 0; k < 50; k++)
		assert_int_equal(rep(r, 1, T + k * HOUR), RL_OK);
	rl_free(r);
	r = new_rl(0, 0, 0, 0);
	for (int k = 0; k < 1000; k++)
		assert_int_equal(rep(r, 1, T + k), RL_OK);
	rl_free(r);
	{
		struct rl_cfg c = { 1, NV_RL_LIMIT_MAX + 1, 0, 0 };

		assert_null(rl_new(&c));
		c.per_day = NV_RL_LIMIT_MAX;
		c.per_hour = NV_RL_LIMIT_MAX + 1;
		assert_null(rl_new(&c));
	}
}

/* A pseudonym's messages: the alert on the one above, once an hour. */
static void
test_pseudo_flood_once(void **state)
{
	struct rl *r = new_rl(3, 10, 5, 0);
	unsigned a;

	(void)state;
	/* Reports count toward the flood too. */
	assert_int_equal(rl_report(r, pn(1), NULL, T, &a), RL_OK);
	assert_int_equal(a, 0);
	for (int k = 1; k < 5; k++)
		assert_int_equal(rl_message(r, pn(1), T + k), 0);
	/* The 6th in the hour goes above 5. */
	assert_int_equal(rl_message(r, pn(1), T + 100), RL_ALERT_PSEUDO);
	for (int k = 0; k < 200; k++)
		assert_int_equal(rl_message(r, pn(1), T + 200 + k), 0);
	rl_report(r, pn(1), NULL, T + HOUR - 1, &a);
	assert_int_equal(a, 0);
	/* Another pseudonym is not flooding. */
	assert_int_equal(rl_message(r, pn(2), T + 300), 0);
	/* Next clock hour: counted again from zero, alerts again once. */
	for (int k = 0; k < 5; k++)
		assert_int_equal(rl_message(r, pn(1), T + HOUR + k), 0);
	rl_report(r, pn(1), NULL, T + HOUR + 10, &a);
	assert_int_equal(a, RL_ALERT_PSEUDO);
	assert_int_equal(rl_message(r, pn(1), T + HOUR + 11), 0);
	rl_free(r);
}

static void
test_region_flood(void **state)
{
	struct rl *r = new_rl(3, 10, 0, 4);
	unsigned a;

	(void)state;
	for (uint64_t w = 0; w < 4; w++) {
		rl_report(r, pn(w), "Gao", T + (int64_t)w, &a);
		assert_int_equal(a, 0);
	}
	/* Other regions, no region, other messages: not Gao's count. */
	for (uint64_t w = 0; w < 4; w++) {
		rl_report(r, pn(10 + w), "Kidal", T + 10, &a);
		assert_int_equal(a, 0);
		rl_report(r, pn(20 + w), NULL, T + 10, &a);
		assert_int_equal(a, 0);
		assert_int_equal(rl_message(r, pn(30 + w), T + 10), 0);
	}
	rl_report(r, pn(99), "Gao", T + 20, &a);
	assert_int_equal(a, RL_ALERT_REGION);
	for (uint64_t w = 0; w < 50; w++) {
		rl_report(r, pn(100 + w), "Gao", T + 30, &a);
		assert_int_equal(a, 0);
	}
	/* Kidal's 5th alerts for Kidal. */
	rl_report(r, pn(200), "Kidal", T + 40, &a);
	assert_int_equal(a, RL_ALERT_REGION);
	/* Next hour: again once. */
	for (uint64_t w = 0; w < 4; w++) {
		rl_report(r, pn(300 + w), "Gao", T + HOUR, &a);
		assert_int_equal(a, 0);
	}
	rl_report(r, pn(400), "Gao", T + HOUR, &a);
	assert_int_equal(a, RL_ALERT_REGION);
	/* One sender flooding a region raises both alerts on one call. */
	rl_free(r);
	r = new_rl(0, 0, 2, 2);
	rl_report(r, pn(1), "Mopti", T, &a);
	rl_report(r, pn(1), "Mopti", T, &a);
	assert_int_equal(a, 0);
	rl_report(r, pn(1), "Mopti", T, &a);
	assert_int_equal(a, RL_ALERT_PSEUDO | RL_ALERT_REGION);
	rl_free(r);
}

/* More names than the table holds: the rest share one counter. */
static void
test_region_table_bounded(void **state)
{
	struct rl *r = new_rl(0, 0, 0, 3);
	char name[NV_RL_REGION_LEN * 2];
	unsigned a, alerts = 0;

	(void)state;
	for (unsigned i = 0; i < NV_RL_REGIONS_MAX; i++) {
		snprintf(name, sizeof name, "region-%u", i);
		rl_report(r, pn(i), name, T, &a);
		assert_int_equal(a, 0);
	}
	/* Four new names past the table: one shared count, one alert. */
	for (unsigned i = 0; i < 4; i++) {
		snprintf(name, sizeof name, "extra-%u", i);
		rl_report(r, pn(1000 + i), name, T, &a);
		alerts += a == RL_ALERT_REGION;
	}
	assert_int_equal(alerts, 1);
	/* A long name is compared on its start, consistently. */
	memset(name, 'x', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	rl_free(r);
	r = new_rl(0, 0, 0, 1);
	rl_report(r, pn(1), name, T, &a);
	assert_int_equal(a, 0);
	rl_report(r, pn(2), name, T, &a);
	assert_int_equal(a, RL_ALERT_REGION);
	rl_free(r);
}

/*
 * NV_RL_TRACKED_MAX + 1,000 pseudonyms: the count stays bounded, the
 * least recently seen are forgotten, a recently seen one is kept.
 */
static void
test_eviction_bounded(void **state)
{
	struct rl *r = new_rl(1, 0, 0, 0);
	const uint64_t keep = (uint64_t)1 << 40;

	(void)state;
	assert_int_equal(rep(r, keep, T), RL_OK);
	for (uint64_t w = 0; w < NV_RL_TRACKED_MAX + 1000u; w++) {
		assert_int_equal(rep(r, w, T + 1), RL_OK);
		assert_true(rl_tracked(r) <= NV_RL_TRACKED_MAX);
		/* keep is seen again often enough to stay. */
		if (w % 1000 == 999)
			assert_int_equal(rep(r, keep, T + 2), RL_OVER_HOUR);
	}
	assert_int_equal(rl_tracked(r), NV_RL_TRACKED_MAX);
	assert_int_equal(rep(r, keep, T + 3), RL_OVER_HOUR);
	/* The last ones are remembered... */
	assert_int_equal(rep(r, NV_RL_TRACKED_MAX + 999u, T + 4),
	    RL_OVER_HOUR);
	/* ...the first ones were forgotten, and count from zero again. */
	assert_int_equal(rep(r, 0, T + 5), RL_OK);
	assert_int_equal(rep(r, 1, T + 5), RL_OK);
	assert_int_equal(rep(r, 0, T + 6), RL_OVER_HOUR);
	assert_int_equal(rl_tracked(r), NV_RL_TRACKED_MAX);
	rl_free(r);
}

/*
 * Soak: 100,000 pseudonyms (more than the table holds) over two
 * simulated days, reports and messages mixed, 50 senders much busier
 * than the rest. Checks the bound and that limits and alerts still
 * work after heavy eviction; under ASan it checks every access.
 */
static void
test_soak(void **state)
{
	struct rl *r = new_rl(3, 10, 20, 500);
	static const char *const regions[] = {
		"Kayes", "Koulikoro", "Sikasso", "Segou", "Mopti",
		"Tombouctou", "Gao", "Kidal", "Bamako", "Menaka", "Taoudenit",
	};
	uint64_t x = 1;
	unsigned over = 0, alerts = 0, a;

	(void)state;
	for (uint64_t i = 0; i < 400000; i++) {
		int64_t now = T + (int64_t)(i * 2 * DAY / 400000);
		uint64_t who;

		x = mix(x);
		/* A tenth of the traffic from 50 busy senders. */
		who = x % 10 == 0 ? x % 50 : 1000 + (x >> 8) % 100000;
		if ((x >> 40) % 3 == 0) {
			assert_int_equal(rl_message(r, pn(who), now) &
			    ~RL_ALERT_PSEUDO, 0);
		} else {
			over += rl_report(r, pn(who),
			    regions[(x >> 20) % 11], now, &a) != RL_OK;
			alerts += a != 0;
		}
		assert_true(rl_tracked(r) <= NV_RL_TRACKED_MAX);
	}
	assert_int_equal(rl_tracked(r), NV_RL_TRACKED_MAX);
	/* The busy senders went over, the quiet ones mostly did not. */
	assert_true(over > 0);
	assert_true(alerts > 0);
	rl_free(r);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hour_exact),
		cmocka_unit_test(test_day_exact),
		cmocka_unit_test(test_precedence_and_off),
		cmocka_unit_test(test_pseudo_flood_once),
		cmocka_unit_test(test_region_flood),
		cmocka_unit_test(test_region_table_bounded),
		cmocka_unit_test(test_eviction_bounded),
		cmocka_unit_test(test_soak),
	};

	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);

	return cmocka_run_group_tests_name("ratelimit", tests, NULL, NULL) != 0;
}
