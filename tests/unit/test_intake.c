/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gateway/intake against the real geography, routing data, pseudonyms,
 * rate limits and logger: the region comes from the number dialled and,
 * over it, from a place the text names; queues and urgency come from
 * data/routing.yaml (GBV never answered); every form a carrier gives one
 * sender makes one counted-once mark, which changes with the category,
 * the region and the epoch key; over-limit reports are flagged, not
 * answered and logged by pseudonym; floods alert once; and no digit of
 * the number reaches the log or the result.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "intake.h"
#include "routing/crypto.h"
#include "routing/geo.h"
#include "routing/phone.h"
#include "routing/pseudo.h"
#include "routing/ratelimit.h"
#include "routing/route.h"

#define WEEK ((int64_t)7 * 86400)
/* Inside an epoch and an hour, away from both their ends. */
#define T0 ((int64_t)2900 * WEEK + 12345)

#define NUM_E164 "+22370000061"
#define TEXT_NONE "ARME vu pres du marche"
#define TEXT_ANSONGO "ARME Ansongo deux hommes armés au marché"

/* The forms carriers deliver one sender in (source_addr, TON, NPI). */
static const struct form {
	const char *addr;
	uint8_t ton, npi;
} FORMS[] = {
	{ "22370000061", 1, 1 },
	{ "+22370000061", 1, 1 },
	{ "+22370000061", 0, 0 },
	{ "0022370000061", 0, 0 },
	{ "0022370000061", 0, 1 },
	{ "70000061", 2, 1 },
	{ "70000061", 0, 1 },
	{ "22370000061", 0, 1 },
};
#define NFORMS (sizeof FORMS / sizeof FORMS[0])

struct gfx {
	struct geo *geo;
	struct routes *routes;
	char dir[64];
	uint8_t mark_key[CRY_KEY_LEN];
	unsigned serial;
};

static struct gfx G;

/* One intake with its own pseudonym file, rate limiter and log file. */
struct world {
	struct pseudo *ps;
	struct rl *rl;
	struct logger *log;
	int logfd;
	char logpath[128];
	struct intake *in;
};

static const char *
top(void)
{
	const char *t = getenv("NV_TOP");

	return t != NULL && *t != '\0' ? t : ".";
}

static int
group_setup(void **state)
{
	char path[1024], *cause = NULL;

	(void)state;
	if (cry_init() != 0 || phone_init() != 0)
		return -1;
	snprintf(path, sizeof path, "%s/data/geo/mali-2016.yaml", top());
	G.geo = geo_load(path, &cause);
	if (G.geo == NULL) {
		fprintf(stderr, "# geo_load: %s\n", cause);
		free(cause);
		return -1;
	}
	snprintf(path, sizeof path, "%s/data/routing.yaml", top());
	G.routes = route_load(path, G.geo, &cause);
	if (G.routes == NULL) {
		fprintf(stderr, "# route_load: %s\n", cause);
		free(cause);
		return -1;
	}
	snprintf(G.dir, sizeof G.dir, "/tmp/nv-intake-XXXXXX");
	if (mkdtemp(G.dir) == NULL)
		return -1;
	cry_random(G.mark_key, sizeof G.mark_key);
	return 0;
}

static int
group_teardown(void **state)
{
	char cmd[128];

	(void)state;
	route_free(G.routes);
	geo_free(G.geo);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", G.dir);
	return system(cmd) != 0 ? -1 : 0;
}

static struct pseudo *
open_pseudo(int64_t now)
{
	char path[128], *cause = NULL;
	struct pseudo *ps;

	snprintf(path, sizeof path, "%s/pseudonym-%u.key", G.dir, G.serial++);
	ps = pseudo_open(path, WEEK, now, &cause);
	if (ps == NULL)
		fail_msg("pseudo_open: %s", cause);
	return ps;
}

static struct world *
world_new(unsigned per_hour, unsigned per_day, unsigned flood_pseudo,
    unsigned flood_region)
{
	struct rl_cfg c = {
		.per_hour = per_hour,
		.per_day = per_day,
		.flood_pseudo_per_hour = flood_pseudo,
		.flood_region_per_hour = flood_region,
	};
	struct world *w = calloc(1, sizeof *w);
	struct intake_deps d;

	assert_non_null(w);
	w->ps = open_pseudo(T0);
	w->rl = rl_new(&c);
	assert_non_null(w->rl);
	snprintf(w->logpath, sizeof w->logpath, "%s/log-%u", G.dir,
	    G.serial++);
	w->logfd = open(w->logpath, O_RDWR | O_CREAT | O_TRUNC | O_APPEND,
	    0600);
	assert_true(w->logfd >= 0);
	w->log = log_new(w->logfd, LOG_DEBUG);
	assert_non_null(w->log);
	memset(&d, 0, sizeof d);
	d.log = w->log;
	d.geo = G.geo;
	d.routes = G.routes;
	d.ps = w->ps;
	d.rl = w->rl;
	d.mark_key = G.mark_key;
	d.epoch_len_s = WEEK;
	w->in = intake_new(&d);
	assert_non_null(w->in);
	return w;
}

static void
world_free(struct world *w)
{
	intake_free(w->in);
	log_free(w->log);
	close(w->logfd);
	rl_free(w->rl);
	pseudo_free(w->ps);
	free(w);
}

/* Everything logged so far, NUL-terminated (caller frees). */
static char *
log_text(struct world *w)
{
	struct stat st;
	char *s;
	ssize_t n;

	assert_int_equal(fstat(w->logfd, &st), 0);
	s = calloc(1, (size_t)st.st_size + 1);
	assert_non_null(s);
	n = pread(w->logfd, s, (size_t)st.st_size, 0);
	assert_int_equal(n, st.st_size);
	return s;
}

static unsigned
count_of(const char *hay, const char *needle)
{
	unsigned n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static struct mt_addr
addr(const char *sender, uint8_t ton, uint8_t npi, const char *dialled)
{
	struct mt_addr a;

	memset(&a, 0, sizeof a);
	assert_true(strlen(sender) < sizeof a.to);
	assert_true(strlen(dialled) < sizeof a.from);
	strcpy(a.to, sender);
	a.to_ton = ton;
	a.to_npi = npi;
	strcpy(a.from, dialled);
	a.from_ton = 0;
	a.from_npi = 1;
	return a;
}

static struct mt_addr
form_addr(size_t i, const char *dialled)
{
	return addr(FORMS[i].addr, FORMS[i].ton, FORMS[i].npi, dialled);
}

static void
report_ok(struct world *w, const struct mt_addr *a, const char *category,
    const char *text, int64_t now, struct intake_res *r)
{
	/* Garbage first: intake must set every field it answers with. */
	memset(r, 0xa5, sizeof *r);
	assert_int_equal(intake_report(w->in, a, category, text, now, r), 0);
}

static void
assert_queues(const struct intake_res *r, unsigned n, const char *q0,
    const char *q1)
{
	assert_int_equal(r->route.n, n);
	assert_string_equal(r->route.queues[0], q0);
	if (n > 1)
		assert_string_equal(r->route.queues[1], q1);
}

static void
assert_str_or_null(const char *got, const char *want)
{
	if (want == NULL)
		assert_null(got);
	else {
		assert_non_null(got);
		assert_string_equal(got, want);
	}
}

/* ---------------------------------------------------------------- */

static void
test_region_dialled_and_text(void **state)
{
	struct world *w = world_new(0, 0, 0, 0);
	struct mt_addr a;
	struct intake_res r;
	struct geo_match m;

	(void)state;
	/* Preconditions on the data: the neutral text names no place. */
	assert_int_equal(geo_match_text(G.geo, TEXT_NONE, &m), -1);

	/* The regional toll-free number stands for its region. */
	a = addr("22370000061", 1, 1, "80001107");
	report_ok(w, &a, "unsorted", TEXT_NONE, T0, &r);
	assert_str_or_null(r.region, "gao");
	assert_null(r.cercle);
	assert_null(r.commune);
	assert_null(r.axis);
	assert_queues(&r, 1, "gao", NULL);

	a = addr("22370000061", 1, 1, "80001101");
	report_ok(w, &a, "unsorted", NULL, T0, &r);
	assert_str_or_null(r.region, "kayes");
	assert_null(r.cercle);

	/* The national numbers (short code, USSD code) name no region. */
	a = addr("22370000061", 1, 1, "36123");
	report_ok(w, &a, "unsorted", TEXT_NONE, T0, &r);
	assert_null(r.region);
	assert_null(r.cercle);
	assert_null(r.commune);
	assert_queues(&r, 1, "national-triage", NULL);

	a = addr("22370000061", 1, 1, "*384#");
	report_ok(w, &a, "unsorted", TEXT_NONE, T0, &r);
	assert_null(r.region);

	/* A number the file does not list: no region either. */
	a = addr("22370000061", 1, 1, "80009999");
	report_ok(w, &a, "unsorted", TEXT_NONE, T0, &r);
	assert_null(r.region);
	assert_queues(&r, 1, "national-triage", NULL);

	/* The national number, and the text names a cercle. */
	a = addr("22370000061", 1, 1, "36123");
	report_ok(w, &a, "unsorted", TEXT_ANSONGO, T0, &r);
	assert_str_or_null(r.region, "gao");
	assert_str_or_null(r.cercle, "gao.ansongo");
	assert_null(r.commune);
	assert_queues(&r, 1, "gao", NULL);

	/* A commune: region, cercle and commune. */
	report_ok(w, &a, "unsorted", "engins vus vers Tessit hier", T0, &r);
	assert_str_or_null(r.region, "gao");
	assert_str_or_null(r.cercle, "gao.ansongo");
	assert_str_or_null(r.commune, "gao.ansongo.tessit");

	/* The text wins over the number dialled, both ways. */
	a = addr("22370000061", 1, 1, "80001101");
	report_ok(w, &a, "unsorted", TEXT_ANSONGO, T0, &r);
	assert_str_or_null(r.region, "gao");
	assert_str_or_null(r.cercle, "gao.ansongo");
	assert_queues(&r, 1, "gao", NULL);

	a = addr("22370000061", 1, 1, "80001107");
	report_ok(w, &a, "unsorted", "des armes a Kayes", T0, &r);
	assert_str_or_null(r.region, "kayes");
	assert_str_or_null(r.cercle, "kayes.kayes");
	assert_queues(&r, 1, "kayes", NULL);

	/* "Gao" only inside a longer word names nothing. */
	report_ok(w, &a, "unsorted", "Gaoussou a vu des armes", T0, &r);
	assert_str_or_null(r.region, "gao");
	assert_null(r.cercle);

	world_free(w);
}

static void
test_route(void **state)
{
	struct world *w = world_new(0, 0, 0, 0);
	struct mt_addr gao = addr("22370000061", 1, 1, "80001107");
	struct mt_addr nat = addr("22370000061", 1, 1, "36123");
	struct intake_res r;

	(void)state;
	report_ok(w, &gao, "unsorted", TEXT_NONE, T0, &r);
	assert_queues(&r, 1, "gao", NULL);
	assert_int_equal(r.route.urgent, 0);
	assert_int_equal(r.reply, 1);
	assert_string_equal(r.flags, "");

	report_ok(w, &nat, "unsorted", TEXT_NONE, T0, &r);
	assert_queues(&r, 1, "national-triage", NULL);
	assert_int_equal(r.route.urgent, 0);
	assert_int_equal(r.reply, 1);

	/* GBV: the region's GBV caseworkers only, and never an SMS. */
	report_ok(w, &gao, "gbv", TEXT_NONE, T0, &r);
	assert_queues(&r, 1, "gao-gbv", NULL);
	assert_int_equal(r.reply, 0);
	assert_string_equal(r.flags, "");
	assert_int_equal(r.has_mark, 1);

	report_ok(w, &nat, "gbv", TEXT_ANSONGO, T0, &r);
	assert_queues(&r, 1, "gao-gbv", NULL);
	assert_int_equal(r.reply, 0);

	report_ok(w, &nat, "gbv", TEXT_NONE, T0, &r);
	assert_queues(&r, 1, "national-gbv", NULL);
	assert_int_equal(r.reply, 0);

	/* An alphanumeric sender changes nothing about GBV's silence. */
	{
		struct mt_addr alpha = addr("ORANGE", 5, 0, "80001107");

		report_ok(w, &alpha, "gbv", TEXT_NONE, T0, &r);
		assert_queues(&r, 1, "gao-gbv", NULL);
		assert_int_equal(r.reply, 0);
	}

	/* IED: the region and the national EOD desk, urgent. */
	report_ok(w, &gao, "ied", TEXT_NONE, T0, &r);
	assert_queues(&r, 2, "gao", "national-eod");
	assert_int_equal(r.route.urgent, 1);
	assert_int_equal(r.reply, 1);

	report_ok(w, &nat, "ied", TEXT_NONE, T0, &r);
	assert_queues(&r, 2, "national-triage", "national-eod");
	assert_int_equal(r.route.urgent, 1);

	report_ok(w, &gao, "attack", TEXT_NONE, T0, &r);
	assert_queues(&r, 1, "gao", NULL);
	assert_int_equal(r.route.urgent, 1);

	/* A category the routing data does not know. */
	memset(&r, 0xa5, sizeof r);
	assert_int_equal(intake_report(w->in, &gao, "nonsense", TEXT_NONE, T0,
	    &r), -1);
	assert_int_equal(intake_report(w->in, &gao, "", TEXT_NONE, T0, &r),
	    -1);
	assert_int_equal(intake_report(w->in, &gao, "GBV", TEXT_NONE, T0, &r),
	    -1);

	world_free(w);
}

static void
test_sender_forms_one_mark(void **state)
{
	struct world *w = world_new(0, 0, 0, 0);
	struct intake_res r0, r;
	struct mt_addr a;
	static const uint8_t zero[DB_HASH_LEN];

	(void)state;
	a = form_addr(0, "80001107");
	report_ok(w, &a, "unsorted", TEXT_NONE, T0, &r0);
	assert_int_equal(r0.has_mark, 1);
	assert_memory_not_equal(r0.mark, zero, DB_HASH_LEN);
	assert_int_equal(r0.epoch, T0 / WEEK * WEEK);

	for (size_t i = 0; i < NFORMS; i++) {
		a = form_addr(i, "80001107");
		report_ok(w, &a, "unsorted", TEXT_NONE, T0 + (int64_t)i, &r);
		if (r.has_mark != 1 || memcmp(r.mark, r0.mark, DB_HASH_LEN))
			fail_msg("form \"%s\" ton %u npi %u: has_mark %d, "
			    "mark %s", FORMS[i].addr, FORMS[i].ton,
			    FORMS[i].npi, r.has_mark,
			    r.has_mark ? "differs" : "none");
		assert_int_equal(r.epoch, r0.epoch);
		assert_int_equal(r.reply, 1);
	}
	/* The same cell reached through the text, from the national number. */
	a = form_addr(5, "36123");
	report_ok(w, &a, "unsorted", "vu a Gao", T0, &r);
	assert_str_or_null(r.region, "gao");
	assert_memory_equal(r.mark, r0.mark, DB_HASH_LEN);

	/* Another sender: another mark, in every form too. */
	a = addr("22370000062", 1, 1, "80001107");
	report_ok(w, &a, "unsorted", TEXT_NONE, T0, &r);
	assert_int_equal(r.has_mark, 1);
	assert_memory_not_equal(r.mark, r0.mark, DB_HASH_LEN);
	{
		struct intake_res r2;

		a = addr("70000062", 2, 1, "80001107");
		report_ok(w, &a, "unsorted", TEXT_NONE, T0, &r2);
		assert_memory_equal(r2.mark, r.mark, DB_HASH_LEN);
	}
	/* A foreign number is a subscriber too. */
	a = addr("33612345678", 1, 1, "80001107");
	report_ok(w, &a, "unsorted", TEXT_NONE, T0, &r);
	assert_int_equal(r.has_mark, 1);
	assert_memory_not_equal(r.mark, r0.mark, DB_HASH_LEN);

	/* An alphanumeric sender: no pseudonym, no mark, still answered. */
	a = addr("ORANGE", 5, 0, "80001107");
	report_ok(w, &a, "unsorted", TEXT_NONE, T0, &r);
	assert_int_equal(r.has_mark, 0);
	assert_int_equal(r.reply, 1);
	assert_string_equal(r.flags, "");
	assert_memory_equal(r.mark, zero, DB_HASH_LEN);
	assert_queues(&r, 1, "gao", NULL);
	intake_message(w->in, &a, T0);

	/* Nor a short code, nor nothing. */
	a = addr("36123", 0, 1, "80001107");
	report_ok(w, &a, "unsorted", TEXT_NONE, T0, &r);
	assert_int_equal(r.has_mark, 0);
	a = addr("", 0, 0, "80001107");
	report_ok(w, &a, "unsorted", TEXT_NONE, T0, &r);
	assert_int_equal(r.has_mark, 0);
	assert_int_equal(r.reply, 1);
	intake_message(w->in, &a, T0);

	world_free(w);
}

static void
test_marks_per_cell_and_epoch(void **state)
{
	struct world *w = world_new(0, 0, 0, 0);
	struct mt_addr gao = form_addr(0, "80001107");
	struct mt_addr kay = form_addr(3, "80001101");
	struct mt_addr nat = form_addr(5, "36123");
	struct intake_res base, r, r2;
	struct pseudo *other;
	char *cause = NULL;

	(void)state;
	report_ok(w, &gao, "unsorted", TEXT_NONE, T0, &base);

	/* Category. */
	report_ok(w, &gao, "arms_seen", TEXT_NONE, T0, &r);
	assert_memory_not_equal(r.mark, base.mark, DB_HASH_LEN);
	report_ok(w, &gao, "gbv", TEXT_NONE, T0, &r2);
	assert_memory_not_equal(r2.mark, base.mark, DB_HASH_LEN);
	assert_memory_not_equal(r2.mark, r.mark, DB_HASH_LEN);

	/* Region, and no region. */
	report_ok(w, &kay, "unsorted", TEXT_NONE, T0, &r);
	assert_str_or_null(r.region, "kayes");
	assert_memory_not_equal(r.mark, base.mark, DB_HASH_LEN);
	report_ok(w, &nat, "unsorted", TEXT_NONE, T0, &r2);
	assert_null(r2.region);
	assert_int_equal(r2.has_mark, 1);
	assert_memory_not_equal(r2.mark, base.mark, DB_HASH_LEN);
	assert_memory_not_equal(r2.mark, r.mark, DB_HASH_LEN);

	/* Later in the same epoch: the same mark. */
	report_ok(w, &gao, "unsorted", TEXT_NONE, T0 + 3 * 86400, &r);
	assert_memory_equal(r.mark, base.mark, DB_HASH_LEN);

	/* Another key for the SAME epoch (a second pseudonym file): the
	 * mark follows the key, not just the epoch number. */
	other = open_pseudo(T0);
	assert_int_equal(pseudo_epoch_end(other), pseudo_epoch_end(w->ps));
	{
		struct intake_deps d;
		struct intake *in2;

		memset(&d, 0, sizeof d);
		d.log = w->log;
		d.geo = G.geo;
		d.routes = G.routes;
		d.ps = other;
		d.rl = w->rl;
		d.mark_key = G.mark_key;
		d.epoch_len_s = WEEK;
		in2 = intake_new(&d);
		memset(&r, 0xa5, sizeof r);
		assert_int_equal(intake_report(in2, &gao, "unsorted",
		    TEXT_NONE, T0, &r), 0);
		assert_int_equal(r.has_mark, 1);
		assert_int_equal(r.epoch, base.epoch);
		assert_memory_not_equal(r.mark, base.mark, DB_HASH_LEN);
		intake_free(in2);
	}
	pseudo_free(other);

	/* The next epoch: the caller rotates the key in place. */
	assert_int_equal(pseudo_rotate(w->ps, T0 + WEEK, &cause), 0);
	report_ok(w, &gao, "unsorted", TEXT_NONE, T0 + WEEK, &r);
	assert_int_equal(r.has_mark, 1);
	assert_int_equal(r.epoch, base.epoch + WEEK);
	assert_memory_not_equal(r.mark, base.mark, DB_HASH_LEN);
	/* ... and within it every form still makes one mark. */
	for (size_t i = 0; i < NFORMS; i++) {
		struct mt_addr a = form_addr(i, "80001107");

		report_ok(w, &a, "unsorted", TEXT_NONE, T0 + WEEK + 1, &r2);
		assert_memory_equal(r2.mark, r.mark, DB_HASH_LEN);
	}

	world_free(w);
}

/* A key file holding key for the epoch starting at start (as pseudo.c
 * writes it), opened at now. */
static struct pseudo *
open_pseudo_with_key(const uint8_t key[CRY_KEY_LEN], int64_t start,
    int64_t now)
{
	char path[128], line[160], *cause = NULL;
	struct pseudo *ps;
	size_t off;
	int fd;

	snprintf(path, sizeof path, "%s/pseudonym-%u.key", G.dir, G.serial++);
	off = (size_t)snprintf(line, sizeof line, "pseudonym %lld %lld ",
	    (long long)start, (long long)WEEK);
	for (size_t i = 0; i < CRY_KEY_LEN; i++)
		off += (size_t)snprintf(line + off, sizeof line - off, "%02x",
		    key[i]);
	snprintf(line + off, sizeof line - off, "\n");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, line, strlen(line)), (ssize_t)strlen(line));
	close(fd);
	ps = pseudo_open(path, WEEK, now, &cause);
	if (ps == NULL)
		fail_msg("pseudo_open: %s", cause);
	return ps;
}

static void
test_mark_bound_to_epoch(void **state)
{
	static const int64_t start1 = T0 / WEEK * WEEK;
	static const int64_t start2 = T0 / WEEK * WEEK + WEEK;
	struct mt_addr a = form_addr(0, "80001107");
	struct pseudo *p1, *p2;
	struct intake_res r1, r2;
	uint8_t key[CRY_KEY_LEN], pn1[PSEUDO_LEN], pn2[PSEUDO_LEN];
	struct rl_cfg c = { 0 };
	struct rl *rl = rl_new(&c);
	int fd = open("/dev/null", O_WRONLY);
	struct logger *lg = log_new(fd, LOG_DEBUG);
	struct intake_deps d;
	struct intake *i1, *i2;

	(void)state;
	/* Even if a key were ever reused across epochs (it must not be),
	 * a mark counts once per epoch: the epoch is in the mark. */
	cry_random(key, sizeof key);
	p1 = open_pseudo_with_key(key, start1, T0);
	p2 = open_pseudo_with_key(key, start2, T0 + WEEK);
	assert_int_equal(pseudo_epoch_end(p1), start2);
	assert_int_equal(pseudo_epoch_end(p2), start2 + WEEK);
	pseudo_of(p1, NUM_E164, pn1);
	pseudo_of(p2, NUM_E164, pn2);
	assert_memory_equal(pn1, pn2, PSEUDO_LEN);	/* the key was kept */

	memset(&d, 0, sizeof d);
	d.log = lg;
	d.geo = G.geo;
	d.routes = G.routes;
	d.rl = rl;
	d.mark_key = G.mark_key;
	d.epoch_len_s = WEEK;
	d.ps = p1;
	i1 = intake_new(&d);
	d.ps = p2;
	i2 = intake_new(&d);
	assert_int_equal(intake_report(i1, &a, "unsorted", TEXT_NONE, T0,
	    &r1), 0);
	assert_int_equal(intake_report(i2, &a, "unsorted", TEXT_NONE,
	    T0 + WEEK, &r2), 0);
	assert_int_equal(r1.epoch, start1);
	assert_int_equal(r2.epoch, start2);
	assert_memory_not_equal(r1.mark, r2.mark, DB_HASH_LEN);

	intake_free(i1);
	intake_free(i2);
	pseudo_free(p1);
	pseudo_free(p2);
	log_free(lg);
	close(fd);
	rl_free(rl);
}

/* No run of 5 or more digits of the number, in any written form. */
static void
assert_no_number(const char *log)
{
	static const char *const nums[] = { "22370000061", "0022370000061" };
	char sub[8];

	assert_null(strstr(log, "70000061"));
	assert_null(strstr(log, "70 00 00 61"));
	for (size_t k = 0; k < sizeof nums / sizeof nums[0]; k++) {
		size_t len = strlen(nums[k]);

		for (size_t i = 0; i + 5 <= len; i++) {
			memcpy(sub, nums[k] + i, 5);
			sub[5] = '\0';
			if (strstr(log, sub) != NULL)
				fail_msg("\"%s\" of the number in the log:\n%s",
				    sub, log);
		}
	}
}

static void
test_rate_limit(void **state)
{
	struct world *w = world_new(2, 30, 0, 0);
	struct intake_res r, first;
	struct mt_addr a;
	uint8_t pn[PSEUDO_LEN];
	char ps[PSEUDO_STR], want[64], *log;

	(void)state;
	a = form_addr(0, "80001107");
	report_ok(w, &a, "unsorted", TEXT_NONE, T0, &first);
	assert_string_equal(first.flags, "");
	assert_int_equal(first.reply, 1);
	a = form_addr(1, "80001107");
	report_ok(w, &a, "arms_seen", TEXT_NONE, T0 + 10, &r);
	assert_string_equal(r.flags, "");
	assert_int_equal(r.reply, 1);
	log = log_text(w);
	assert_null(strstr(log, "rate_limited"));
	free(log);

	/* The third, in the national form and the national TON. */
	a = form_addr(5, "80001107");
	report_ok(w, &a, "ied", TEXT_NONE, T0 + 20, &r);
	assert_string_equal(r.flags, "over_limit");
	assert_int_equal(r.reply, 0);
	/* Still a report, routed and marked. */
	assert_queues(&r, 2, "gao", "national-eod");
	assert_int_equal(r.route.urgent, 1);
	assert_int_equal(r.has_mark, 1);

	/* Logged once, by the pseudonym of the E.164 form. */
	pseudo_of(w->ps, NUM_E164, pn);
	pseudo_str(pn, ps);
	assert_int_equal(strncmp(ps, "p-", 2), 0);
	log = log_text(w);
	assert_int_equal(count_of(log, "event=rate_limited"), 1);
	snprintf(want, sizeof want, "pseudonym=%s", ps);
	assert_non_null(strstr(log, want));
	assert_non_null(strstr(log, "limit=hour"));
	assert_non_null(strstr(log, "level=warn"));
	assert_no_number(log);
	free(log);

	/* Every later form stays over the limit within the hour. */
	for (size_t i = 0; i < NFORMS; i++) {
		a = form_addr(i, "36123");
		report_ok(w, &a, "unsorted", TEXT_NONE, T0 + 30 + (int64_t)i,
		    &r);
		assert_string_equal(r.flags, "over_limit");
		assert_int_equal(r.reply, 0);
	}

	/* Another sender is not limited by the first. */
	a = addr("22370000062", 1, 1, "80001107");
	report_ok(w, &a, "unsorted", TEXT_NONE, T0 + 60, &r);
	assert_string_equal(r.flags, "");
	assert_int_equal(r.reply, 1);

	/* An alphanumeric sender cannot be limited (no pseudonym). */
	a = addr("ORANGE", 5, 0, "80001107");
	for (int i = 0; i < 5; i++) {
		report_ok(w, &a, "unsorted", TEXT_NONE, T0 + 70 + i, &r);
		assert_string_equal(r.flags, "");
		assert_int_equal(r.reply, 1);
	}

	/* GBV over the limit: flagged, and silent anyway. */
	a = form_addr(2, "80001107");
	report_ok(w, &a, "gbv", TEXT_NONE, T0 + 80, &r);
	assert_string_equal(r.flags, "over_limit");
	assert_int_equal(r.reply, 0);

	log = log_text(w);
	assert_int_equal(count_of(log, "event=rate_limited"), NFORMS + 2);
	assert_int_equal(count_of(log, want), NFORMS + 2);
	assert_no_number(log);
	assert_null(strstr(log, "ORANGE"));
	free(log);

	/* The window slides over every report, over-limit ones too: an
	 * hour after T0 + 36 two (T0 + 37, T0 + 80) are still in it... */
	a = form_addr(6, "80001107");
	report_ok(w, &a, "unsorted", TEXT_NONE, T0 + 36 + 3600, &r);
	assert_string_equal(r.flags, "over_limit");
	assert_int_equal(r.reply, 0);
	/* ... and an hour after the last one the sender is answered. */
	report_ok(w, &a, "unsorted", TEXT_NONE, T0 + 36 + 7200, &r);
	assert_string_equal(r.flags, "");
	assert_int_equal(r.reply, 1);

	world_free(w);
}

static void
test_rate_limit_day(void **state)
{
	struct world *w = world_new(0, 3, 0, 0);
	struct intake_res r;
	char *log;

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		struct mt_addr a = form_addr(i * 2, "80001107");

		report_ok(w, &a, "unsorted", TEXT_NONE,
		    T0 + (int64_t)i * 7200, &r);
		assert_string_equal(r.flags, i < 3 ? "" : "over_limit");
		assert_int_equal(r.reply, i < 3);
	}
	log = log_text(w);
	assert_int_equal(count_of(log, "event=rate_limited"), 1);
	assert_non_null(strstr(log, "limit=day"));
	assert_no_number(log);
	free(log);
	world_free(w);
}

static void
test_flood_alerts(void **state)
{
	struct world *w = world_new(0, 0, 3, 0);
	struct mt_addr a;
	uint8_t pn[PSEUDO_LEN];
	char ps[PSEUDO_STR], want[64], *log;

	(void)state;
	pseudo_of(w->ps, NUM_E164, pn);
	pseudo_str(pn, ps);
	snprintf(want, sizeof want, "kind=sender pseudonym=%s", ps);

	/* USSD steps in three forms: at the threshold, no alert. */
	for (size_t i = 0; i < 3; i++) {
		a = form_addr(i * 2 + 1, "*384#");
		intake_message(w->in, &a, T0 + (int64_t)i);
	}
	/* Other senders' messages do not add to this one's. */
	a = addr("22370000062", 1, 1, "*384#");
	intake_message(w->in, &a, T0 + 5);
	intake_message(w->in, &a, T0 + 6);
	a = addr("ORANGE", 5, 0, "*384#");
	for (int i = 0; i < 10; i++)
		intake_message(w->in, &a, T0 + 7);
	log = log_text(w);
	assert_null(strstr(log, "flood_alert"));
	free(log);

	/* The fourth, in yet another form, crosses it: one alert. */
	a = form_addr(5, "*384#");
	intake_message(w->in, &a, T0 + 10);
	log = log_text(w);
	assert_int_equal(count_of(log, "event=flood_alert"), 1);
	assert_non_null(strstr(log, want));
	assert_no_number(log);
	free(log);

	/* Once per hour: more steps and a report raise nothing more. */
	a = form_addr(0, "*384#");
	intake_message(w->in, &a, T0 + 11);
	{
		struct intake_res r;

		a = form_addr(4, "80001107");
		report_ok(w, &a, "unsorted", TEXT_NONE, T0 + 12, &r);
		assert_string_equal(r.flags, "");
	}
	log = log_text(w);
	assert_int_equal(count_of(log, "event=flood_alert"), 1);
	free(log);

	/* The other sender crosses its own threshold with reports. */
	a = addr("70000062", 2, 1, "80001107");
	{
		struct intake_res r;

		report_ok(w, &a, "unsorted", TEXT_NONE, T0 + 20, &r);
		report_ok(w, &a, "unsorted", TEXT_NONE, T0 + 21, &r);
	}
	log = log_text(w);
	assert_int_equal(count_of(log, "event=flood_alert"), 2);
	assert_int_equal(count_of(log, "kind=sender"), 2);
	assert_null(strstr(log, "70000062"));
	assert_null(strstr(log, "ORANGE"));
	assert_no_number(log);
	free(log);

	world_free(w);
}

static void
test_flood_region(void **state)
{
	struct world *w = world_new(0, 0, 0, 2);
	struct intake_res r;
	char *log;

	(void)state;
	for (unsigned i = 0; i < 3; i++) {
		char num[16];
		struct mt_addr a;

		snprintf(num, sizeof num, "7000007%u", i);
		a = addr(num, 2, 1, "36123");
		report_ok(w, &a, "unsorted", TEXT_ANSONGO, T0 + i, &r);
	}
	log = log_text(w);
	assert_int_equal(count_of(log, "event=flood_alert"), 1);
	assert_non_null(strstr(log, "kind=region region=gao"));
	assert_null(strstr(log, "7000007"));
	free(log);
	world_free(w);
}

static void
test_nothing_of_the_number_in_result(void **state)
{
	struct world *w = world_new(2, 10, 0, 0);
	static const char *const clear[] = {
		"22370000061", "70000061", "+22370000061", "0022370000061",
	};
	uint8_t pn[PSEUDO_LEN];
	char ps[PSEUDO_STR];
	struct intake_res r;

	(void)state;
	pseudo_of(w->ps, NUM_E164, pn);
	pseudo_str(pn, ps);
	for (size_t i = 0; i < NFORMS; i++) {
		struct mt_addr a = form_addr(i, i % 2 ? "36123" : "80001107");
		const char *cat = i % 3 == 0 ? "gbv" : "unsorted";

		/* Zeros first, so that only what intake wrote is there. */
		memset(&r, 0, sizeof r);
		assert_int_equal(intake_report(w->in, &a, cat,
		    TEXT_ANSONGO, T0 + (int64_t)i, &r), 0);
		assert_int_equal(r.has_mark, 1);
		for (size_t k = 0; k < sizeof clear / sizeof clear[0]; k++)
			if (memmem(&r, sizeof r, clear[k], strlen(clear[k])))
				fail_msg("\"%s\" in intake_res (form %zu)",
				    clear[k], i);
		/* The mark is not the pseudonym, nor holds any 8 octets of
		 * it, nor its printed form. */
		for (size_t o = 0; o + 8 <= PSEUDO_LEN; o++)
			assert_null(memmem(&r, sizeof r, pn + o, 8));
		assert_null(memmem(&r, sizeof r, ps, strlen(ps)));
		assert_null(memmem(&r, sizeof r, ps + 2, 8));
		/* Pointers go into the geography or the routing data, not
		 * into the caller's address. */
		for (unsigned q = 0; q < r.route.n; q++)
			assert_true(r.route.queues[q] < (const char *)&a ||
			    r.route.queues[q] >= (const char *)(&a + 1));
		assert_true(r.region < (const char *)&a ||
		    r.region >= (const char *)(&a + 1));
	}
	world_free(w);
}

/* The queues of r, space-separated. */
static void
assert_route(const struct intake_res *r, const char *want, int urgent)
{
	char got[256] = "";

	for (unsigned i = 0; i < r->route.n; i++) {
		strcat(got, i ? " " : "");
		strcat(got, r->route.queues[i]);
	}
	if (strcmp(got, want) != 0)
		fail_msg("got \"%s\", want \"%s\"", got, want);
	assert_int_equal(r->route.urgent, urgent);
}

/* An SMS naming a road axis reaches every region the axis crosses (and
 * for an IED the EOD desk); the number dialled does not add its own. */
static void
test_axis(void **state)
{
	struct world *w = world_new(0, 0, 0, 0);
	struct mt_addr nat = addr("22370000061", 1, 1, "36123");
	struct mt_addr kayes = addr("22370000062", 1, 1, "80001101");
	struct intake_res r;

	(void)state;
	report_ok(w, &nat, "ied", "EEI sur l'axe Douentza Gao", T0, &r);
	assert_str_or_null(r.axis, "axis.douentza-gao");
	assert_null(r.region);
	assert_null(r.cercle);
	assert_null(r.commune);
	assert_route(&r, "mopti tombouctou gao national-eod", 1);
	assert_int_equal(r.reply, 1);

	/* The axis, not the region of the number dialled. */
	report_ok(w, &kayes, "unsorted", "engin sur la route Gao-Ansongo-"
	    "Ménaka", T0, &r);
	assert_str_or_null(r.axis, "axis.gao-menaka");
	assert_null(r.region);
	assert_route(&r, "gao menaka", 0);

	/* Towns in two regions: the axis; the first town is the place. */
	report_ok(w, &nat, "gbv", "entre Hombori et Gossi", T0, &r);
	assert_str_or_null(r.axis, "axis.douentza-gao");
	assert_str_or_null(r.region, "mopti");
	assert_str_or_null(r.commune, "mopti.douentza.hombori");
	assert_route(&r, "mopti-gbv tombouctou-gbv gao-gbv", 0);
	assert_int_equal(r.reply, 0);

	/* One town is not an axis. */
	report_ok(w, &kayes, "ied", "EEI vers Gao", T0, &r);
	assert_null(r.axis);
	assert_str_or_null(r.region, "gao");
	assert_route(&r, "gao national-eod", 1);
	world_free(w);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_region_dialled_and_text),
		cmocka_unit_test(test_route),
		cmocka_unit_test(test_sender_forms_one_mark),
		cmocka_unit_test(test_marks_per_cell_and_epoch),
		cmocka_unit_test(test_mark_bound_to_epoch),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_rate_limit_day),
		cmocka_unit_test(test_flood_alerts),
		cmocka_unit_test(test_flood_region),
		cmocka_unit_test(test_nothing_of_the_number_in_result),
		cmocka_unit_test(test_axis),
	};

	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("intake", tests, group_setup,
	    group_teardown) != 0;
}
