/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "sim/sim_stats.h"

#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "smpp_codec.h"
#include "smpp_conn.h"
#include "sim/sim_util.h"

/* Distinct error statuses counted by name; the rest go to "other". */
#define ERR_KINDS 16

struct sim_stats {
	struct sim_stats_info info;
	unsigned long max;
	uint32_t *resp_lat, *reply_lat;
	unsigned long nresp_lat, nreply_lat;
	unsigned long sent, ok, err, unanswered, replies, stray, missing;
	struct {
		uint32_t status;
		unsigned long n;
	} errs[ERR_KINDS];
	unsigned nerrs;
	unsigned long err_other;
	uint64_t t_start, t_first, t_last;
	int have_ussd;
	struct sim_stats_ussd u;
};

struct sim_stats *
sim_stats_new(const struct sim_stats_info *info, unsigned long max)
{
	struct sim_stats *s = xcalloc(1, sizeof *s);

	s->info = *info;
	s->max = max;
	s->resp_lat = xreallocarray(NULL, max ? max : 1, sizeof(uint32_t));
	s->reply_lat = xreallocarray(NULL, max ? max : 1, sizeof(uint32_t));
	return s;
}

void
sim_stats_free(struct sim_stats *s)
{
	if (s == NULL)
		return;
	free(s->resp_lat);
	free(s->reply_lat);
	free(s);
}

void
sim_stats_start(struct sim_stats *s)
{
	s->t_start = sim_now_us();
}

void
sim_stats_sent(struct sim_stats *s)
{
	if (s->sent++ == 0)
		s->t_first = sim_now_us();
}

static uint32_t
clamp(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static void
count_err(struct sim_stats *s, uint32_t status)
{
	for (unsigned i = 0; i < s->nerrs; i++) {
		if (s->errs[i].status == status) {
			s->errs[i].n++;
			return;
		}
	}
	if (s->nerrs < ERR_KINDS) {
		s->errs[s->nerrs].status = status;
		s->errs[s->nerrs++].n = 1;
	} else {
		s->err_other++;
	}
}

void
sim_stats_resp(struct sim_stats *s, uint32_t status, uint64_t lat,
    uint64_t now)
{
	if (status == CONN_ST_TIMEOUT || status == CONN_ST_CLOSED) {
		s->unanswered++;
		return;
	}
	s->t_last = now;
	if (s->nresp_lat < s->max)
		s->resp_lat[s->nresp_lat++] = clamp(lat);
	if (status == SMPP_ROK) {
		s->ok++;
		return;
	}
	s->err++;
	count_err(s, status);
}

void
sim_stats_reply(struct sim_stats *s, uint64_t lat, uint64_t now)
{
	s->replies++;
	s->t_last = now;
	if (s->nreply_lat < s->max)
		s->reply_lat[s->nreply_lat++] = clamp(lat);
}

void
sim_stats_stray(struct sim_stats *s)
{
	s->stray++;
}

void
sim_stats_missing(struct sim_stats *s, unsigned long n)
{
	s->missing = n;
}

void
sim_stats_set_ussd(struct sim_stats *s, const struct sim_stats_ussd *u)
{
	s->have_ussd = 1;
	s->u = *u;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

struct pct {
	uint32_t p50, p90, p99, max;
	unsigned long n;
};

/* Nearest-rank percentiles of v[0..n) (sorted in place). */
static struct pct
percentiles(uint32_t *v, unsigned long n)
{
	struct pct p = { 0, 0, 0, 0, n };

	if (n == 0)
		return p;
	qsort(v, n, sizeof *v, cmp_u32);
	p.p50 = v[(n * 50 + 99) / 100 - 1];
	p.p90 = v[(n * 90 + 99) / 100 - 1];
	p.p99 = v[(n * 99 + 99) / 100 - 1];
	p.max = v[n - 1];
	return p;
}

static void
print_text(const struct sim_stats *s, double el, const struct pct *a,
    const struct pct *b, FILE *f)
{
	fprintf(f, "load: kind=%s role=%s binds=%u window=%u count=%lu "
	    "steps=%u rate=", s->info.kind, s->info.role, s->info.binds,
	    s->info.window, s->info.count, s->info.steps);
	if (s->info.rate == 0)
		fprintf(f, "max\n");
	else
		fprintf(f, "%lu\n", s->info.rate);
	fprintf(f, "mo_sent           %lu\n", s->sent);
	fprintf(f, "mo_acked_ok       %lu\n", s->ok);
	fprintf(f, "mo_acked_error    %lu\n", s->err);
	for (unsigned i = 0; i < s->nerrs; i++) {
		char lbl[32];
		const char *nm = smpp_status_name(s->errs[i].status);

		/* "other" and "vendor" say too little: show the number. */
		if (strncmp(nm, "ESME_", 5) != 0) {
			snprintf(lbl, sizeof lbl, "status_0x%08x",
			    s->errs[i].status);
			nm = lbl;
		}
		fprintf(f, "  %-24s %lu\n", nm, s->errs[i].n);
	}
	if (s->err_other > 0)
		fprintf(f, "  %-24s %lu\n", "other", s->err_other);
	fprintf(f, "mo_unanswered     %lu\n", s->unanswered);
	fprintf(f, "replies           %lu\n", s->replies);
	fprintf(f, "replies_missing   %lu\n", s->missing);
	fprintf(f, "mts_unmatched     %lu\n", s->stray);
	if (s->have_ussd) {
		fprintf(f, "dialogues         %lu\n", s->u.dialogues);
		fprintf(f, "  completed       %lu\n", s->u.completed);
		fprintf(f, "  ended_early     %lu\n", s->u.ended_early);
		fprintf(f, "  errors          %lu\n", s->u.errors);
		fprintf(f, "  left_open       %lu\n", s->u.left_open);
		fprintf(f, "  open_max        %lu\n", s->u.open_max);
		fprintf(f, "protocol_errors   %lu\n", s->u.protocol_errors);
		fprintf(f, "steps             %lu\n", s->replies);
	}
	fprintf(f, "elapsed_s         %.3f\n", el);
	fprintf(f, "mo_acked_per_s    %.1f\n", el > 0 ? (double)s->ok / el : 0);
	fprintf(f, "replies_per_s     %.1f\n", el > 0 ? (double)s->replies /
	    el : 0);
	if (s->have_ussd)
		fprintf(f, "steps_per_s       %.1f\n", el > 0 ?
		    (double)s->replies / el : 0);
	fprintf(f, "latency_us        %8s %8s %8s %8s %8s\n", "n", "p50", "p90",
	    "p99", "max");
	fprintf(f, "  mo_to_resp      %8lu %8u %8u %8u %8u\n", a->n, a->p50,
	    a->p90, a->p99, a->max);
	/* A USSD reply is the step's screen: the row is the step latency. */
	fprintf(f, "  %-16s%8lu %8u %8u %8u %8u\n", s->have_ussd ?
	    "step" : "mo_to_reply", b->n, b->p50, b->p90, b->p99, b->max);
}

static void
print_json(const struct sim_stats *s, double el, const struct pct *a,
    const struct pct *b, FILE *f)
{
	fprintf(f, "{\"kind\":\"%s\",\"role\":\"%s\",\"binds\":%u,"
	    "\"window\":%u,\"count\":%lu,\"steps\":%u,\"rate\":",
	    s->info.kind, s->info.role, s->info.binds, s->info.window,
	    s->info.count, s->info.steps);
	if (s->info.rate == 0)
		fprintf(f, "\"max\"");
	else
		fprintf(f, "%lu", s->info.rate);
	fprintf(f, ",\"mo_sent\":%lu,\"mo_acked_ok\":%lu,\"mo_acked_error\":"
	    "%lu,\"errors\":{", s->sent, s->ok, s->err);
	for (unsigned i = 0; i < s->nerrs; i++)
		fprintf(f, "%s\"0x%08x\":{\"name\":\"%s\",\"n\":%lu}",
		    i ? "," : "", s->errs[i].status,
		    smpp_status_name(s->errs[i].status), s->errs[i].n);
	fprintf(f, "},\"mo_unanswered\":%lu,\"replies\":%lu,"
	    "\"replies_missing\":%lu,\"mts_unmatched\":%lu,"
	    "\"elapsed_s\":%.6f,\"mo_acked_per_s\":%.1f,"
	    "\"replies_per_s\":%.1f,", s->unanswered, s->replies, s->missing,
	    s->stray, el, el > 0 ? (double)s->ok / el : 0,
	    el > 0 ? (double)s->replies / el : 0);
	if (s->have_ussd)
		fprintf(f, "\"ussd\":{\"dialogues\":%lu,\"completed\":%lu,"
		    "\"ended_early\":%lu,\"errors\":%lu,\"left_open\":%lu,"
		    "\"open_max\":%lu,\"protocol_errors\":%lu,\"steps\":%lu,"
		    "\"steps_per_s\":%.1f,\"step_latency_us\":{\"n\":%lu,"
		    "\"p50\":%u,\"p90\":%u,\"p99\":%u,\"max\":%u}},",
		    s->u.dialogues, s->u.completed, s->u.ended_early,
		    s->u.errors, s->u.left_open, s->u.open_max,
		    s->u.protocol_errors, s->replies, el > 0 ?
		    (double)s->replies / el : 0, b->n, b->p50, b->p90, b->p99,
		    b->max);
	fprintf(f, "\"latency_us\":{\"mo_to_resp\":{\"n\":%lu,\"p50\":%u,"
	    "\"p90\":%u,\"p99\":%u,\"max\":%u},\"mo_to_reply\":{\"n\":%lu,"
	    "\"p50\":%u,\"p90\":%u,\"p99\":%u,\"max\":%u}}}\n", a->n, a->p50,
	    a->p90, a->p99, a->max, b->n, b->p50, b->p90, b->p99, b->max);
}

void
sim_stats_print(struct sim_stats *s, int json, FILE *f)
{
	struct pct a = percentiles(s->resp_lat, s->nresp_lat);
	struct pct b = percentiles(s->reply_lat, s->nreply_lat);
	double el = s->t_last > s->t_first ?
	    (double)(s->t_last - s->t_first) / 1e6 : 0.0;

	if (json)
		print_json(s, el, &a, &b, f);
	else
		print_text(s, el, &a, &b, f);
}

int
sim_stats_complete(const struct sim_stats *s, int expect_reply)
{
	if (s->unanswered > 0 || s->ok + s->err != s->sent)
		return 0;
	if (s->have_ussd && s->u.protocol_errors > 0)
		return 0;
	return !expect_reply || s->missing == 0;
}
