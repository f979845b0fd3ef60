/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * load: the load generator. Sends --count dialogues (an SMS MO, or a
 * USSD dialogue: the dial and one answer per screen) from distinct
 * made-up numbers 2237xxxxxxx counting up, over K binds with a window
 * each, at --rate MO/s or as fast as the windows allow. Replies are
 * matched to their MO by destination (the MO's source). Prints the
 * result block of sim_stats.c. This file: options, templates, binds
 * and the end of the run; the dialogues are in sim_load_dlg.c. The hot
 * path allocates nothing: the MO is a template whose number and TLVs
 * are patched in place.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/xmalloc.h"
#include "sim/sim_cmds.h"
#include "sim/sim_load.h"

enum { OPT_COUNT = SIM_OPT_FIRST_OWN, OPT_RATE, OPT_KIND, OPT_EXPECT,
	OPT_HOLD, OPT_JSON, OPT_STEPS, OPT_CONC, OPT_TEXT, OPT_CODE,
	OPT_ANSWER, OPT_ANSWERS, OPT_DIALECT, OPT_IDLE, OPT_NO_ABORT,
	OPT_HOLD_OPEN, OPT_SESSION_IDS, OPT_HELP };

static const struct option longopts[] = {
	SIM_LINK_LONGOPTS,
	{ "count", 1, NULL, OPT_COUNT },
	{ "rate", 1, NULL, OPT_RATE },
	{ "kind", 1, NULL, OPT_KIND },
	{ "expect-reply", 0, NULL, OPT_EXPECT },
	{ "hold", 1, NULL, OPT_HOLD },
	{ "json", 0, NULL, OPT_JSON },
	{ "steps", 1, NULL, OPT_STEPS },
	{ "concurrency", 1, NULL, OPT_CONC },
	{ "text", 1, NULL, OPT_TEXT },
	{ "code", 1, NULL, OPT_CODE },
	{ "answer", 1, NULL, OPT_ANSWER },
	{ "answers", 1, NULL, OPT_ANSWERS },
	{ "dialect", 1, NULL, OPT_DIALECT },
	{ "idle-timeout", 1, NULL, OPT_IDLE },
	{ "no-abort", 0, NULL, OPT_NO_ABORT },
	{ "hold-open", 0, NULL, OPT_HOLD_OPEN },
	{ "session-ids", 1, NULL, OPT_SESSION_IDS },
	{ "help", 0, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void
help(void)
{
	printf("usage: numvert-smsc load [options]\n"
	    "Sends MOs from distinct test numbers 2237xxxxxxx and measures.\n\n"
	    "  --count N           dialogues (SMS: MOs) to send (default "
	    "1000; 0 = bind and hold)\n"
	    "  --rate R|max        MO/s, or as fast as the windows allow "
	    "(default max)\n"
	    "  --kind sms|ussd     (default sms)\n"
	    "  --expect-reply      wait for one MT per MO, matched by "
	    "destination\n"
	    "  --answers LIST      ussd: answers, comma-separated, one per "
	    "screen after the\n"
	    "                      dial (e.g. 1,2,1); --steps defaults to "
	    "their number + 1\n"
	    "  --answer A          ussd: the same answer at every step "
	    "(default 1)\n"
	    "  --steps S           ussd: MOs per dialogue, each after the "
	    "previous screen\n"
	    "                      (default 1; S > 1 implies "
	    "--expect-reply)\n"
	    "  --concurrency C     ussd: dialogues kept open at once "
	    "(default all)\n"
	    "  --session-ids per-bind|shared   ussd: session ids unique per "
	    "bind (default\n"
	    "                      as SMSC: numvertd's client links) or "
	    "across binds (as ESME)\n"
	    "  --no-abort          ussd: leave dialogues the network kept "
	    "open (default:\n"
	    "                      abort them after the last step)\n"
	    "  --hold-open         ussd: open every dialogue, never abort; "
	    "after the result\n"
	    "                      hold them until SIGINT/SIGTERM (or "
	    "--hold D)\n"
	    "  --text T            SMS text (default \"TEST load\")\n"
	    "  --code C            USSD string to dial (default *384#)\n"
	    "  --dialect NAME      USSD dialect (default its_session_info)\n"
	    "  --idle-timeout D    give up after D without progress "
	    "(default 10s)\n"
	    "  --hold D            keep the binds open for D at the end\n"
	    "  --json              print the result as one JSON object\n\n%s",
	    SIM_LINK_HELP);
}

static void finish(struct load *l);

static void
done_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	finish(arg);
}

static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct load *l = arg;

	(void)fd;
	(void)what;
	if (!l->started || l->finished)
		return;
	load_pump(l);
	if (sim_now_us() - l->last_progress > (uint64_t)l->idle_ms * 1000u) {
		log_msg(l->ctx->log, LOG_WARN, "sim=load", "idle_timeout",
		    "outstanding=%lu awaiting=%lu", l->outstanding, l->awaiting);
		finish(l);
	}
}

static void
stop(struct load *l)
{
	if (l->sig != NULL) {
		sim_signals_free(l->sig);
		l->sig = NULL;
	}
	event_del(l->tick);
	event_del(l->bindwait);
	event_del(l->hold);
	event_del(l->done);
	sim_peer_shutdown(l->peer);
}

static void
hold_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	stop(arg);
}

static void
finish(struct load *l)
{
	struct timeval tv = sim_tv(l->hold_ms);

	if (l->finished)
		return;
	l->finished = 1;
	event_del(l->tick);
	load_count_missing(l);
	if (l->count > 0)
		sim_stats_print(l->st, l->json, stdout);
	else
		printf("load: %u binds up\n", sim_peer_mo_binds(l->peer));
	fflush(stdout);
	if (l->hold_open && l->hold_ms == 0) {
		/* The dialogues stay open until someone has measured. */
		log_msg(l->ctx->log, LOG_INFO, "sim=load", "holding",
		    "open=%lu until=signal", l->us.left_open);
	} else if (l->hold_ms > 0) {
		log_msg(l->ctx->log, LOG_INFO, "sim=load", "holding", "ms=%u",
		    l->hold_ms);
		evtimer_add(l->hold, &tv);
	} else {
		stop(l);
	}
}

static void
on_binds(void *arg, unsigned mo, unsigned all)
{
	struct load *l = arg;
	struct timeval tv = sim_tv(1);

	(void)all;
	if (!l->started && !l->finished && sim_peer_dead(l->peer)) {
		fprintf(stderr, "numvert-smsc load: no bind succeeded\n");
		l->finished = 1;
		stop(l);
		return;
	}
	if (l->started || mo < l->lo.binds)
		return;
	l->started = 1;
	event_del(l->bindwait);
	l->last_progress = sim_now_us();
	sim_stats_start(l->st);
	if (l->count == 0) {
		finish(l);
		return;
	}
	load_lanes_start(l);
	evtimer_add(l->tick, &tv);
	load_pump(l);
}

static void
bindwait_cb(evutil_socket_t fd, short what, void *arg)
{
	struct load *l = arg;

	(void)fd;
	(void)what;
	fprintf(stderr, "numvert-smsc load: only %u of %u binds after %u ms\n",
	    sim_peer_mo_binds(l->peer), l->lo.binds, l->lo.bind_wait_ms);
	l->finished = 1;
	stop(l);
}

static void
on_signal(void *arg)
{
	struct load *l = arg;

	if (l->started && !l->finished) {
		/* Print what we have and stop: no hold after a signal. */
		l->hold_ms = 0;
		l->hold_open = 0;
		finish(l);
	} else {
		l->finished = 1;
		stop(l);
	}
}

static const struct sim_peer_cbs load_cbs = {
	.binds = on_binds,
	.mt = load_on_mt,
	.mo_done = load_on_done,
};

static int
parse_own(struct load *l, int c, const char *arg)
{
	unsigned long v;

	switch (c) {
	case OPT_COUNT:
		if (sim_parse_uint(arg, 0, LOAD_COUNT_MAX, &v) != 0)
			return sim_usage_error("load", "--count wants 0..%lu",
			    LOAD_COUNT_MAX), -1;
		l->count = v;
		return 0;
	case OPT_RATE:
		if (strcmp(arg, "max") == 0)
			l->rate = 0;
		else if (sim_parse_uint(arg, 1, 10000000, &l->rate) != 0)
			return sim_usage_error("load", "--rate wants a number "
			    "of MO/s or max"), -1;
		return 0;
	case OPT_KIND:
		if (strcmp(arg, "sms") != 0 && strcmp(arg, "ussd") != 0)
			return sim_usage_error("load", "--kind wants sms or "
			    "ussd"), -1;
		l->ussd = strcmp(arg, "ussd") == 0;
		return 0;
	case OPT_STEPS:
		if (sim_parse_uint(arg, 1, LOAD_STEPS_MAX, &v) != 0)
			return sim_usage_error("load", "--steps wants 1..%u",
			    LOAD_STEPS_MAX), -1;
		l->steps = (unsigned)v;
		return 0;
	case OPT_CONC:
		if (sim_parse_uint(arg, 1, LOAD_COUNT_MAX, &l->concurrency))
			return sim_usage_error("load", "--concurrency wants "
			    "a positive number"), -1;
		l->conc_given = 1;
		return 0;
	case OPT_HOLD:
	case OPT_IDLE:
		if (sim_parse_duration(arg, c == OPT_HOLD ? &l->hold_ms :
		    &l->idle_ms) != 0)
			return sim_usage_error("load", "bad duration '%s'",
			    arg), -1;
		return 0;
	case OPT_DIALECT:
		if ((l->dia = sim_dialect_find(arg)) == NULL)
			return sim_usage_error("load", "unknown dialect '%s'",
			    arg), -1;
		return 0;
	case OPT_SESSION_IDS:
		if (strcmp(arg, "per-bind") && strcmp(arg, "shared"))
			return sim_usage_error("load", "--session-ids wants "
			    "per-bind or shared"), -1;
		l->per_bind = strcmp(arg, "per-bind") == 0;
		return 0;
	case OPT_ANSWER:
	case OPT_ANSWERS:
		if (l->answers != NULL)
			return sim_usage_error("load", "one --answer or "
			    "--answers"), -1;
		l->answers = arg;
		l->answers_list = c == OPT_ANSWERS;
		return 0;
	case OPT_EXPECT: l->expect_reply = 1; return 0;
	case OPT_JSON: l->json = 1; return 0;
	case OPT_NO_ABORT: l->abort_open = 0; return 0;
	case OPT_HOLD_OPEN: l->hold_open = 1; return 0;
	case OPT_TEXT: l->text = arg; return 0;
	case OPT_CODE: l->code = arg; return 0;
	case OPT_HELP: help(); exit(SIM_EXIT_OK);
	default:
		return sim_usage_error("load", "bad option"), -1;
	}
}

/* Splits --answers at the commas into l->tans (one template each). */
static int
build_answers(struct load *l, const struct sim_mo_opts *mo)
{
	char buf[SIM_MO_MAX];
	const char *p = l->answers, *err;
	struct sim_ussd_sess s = { 0, 0, 0 };

	l->tans = xcalloc(l->nans, sizeof *l->tans);
	for (unsigned k = 0; k < l->nans; k++) {
		size_t n = l->answers_list ? strcspn(p, ",") : strlen(p);

		if (n == 0 || n >= sizeof buf)
			return sim_usage_error("load", "--answers wants "
			    "comma-separated answers, none empty"), -1;
		memcpy(buf, p, n);
		buf[n] = '\0';
		p += n + (p[n] == ',');
		if (sim_mo_ussd(&l->tans[k], mo, l->dia, &s,
		    SIM_USSD_CONTINUE, "1", l->service, buf, &err) != 0)
			return sim_usage_error("load", "answer %u: %s", k + 1,
			    err), -1;
	}
	return 0;
}

/* Encodes the MO templates once. */
static int
build_templates(struct load *l)
{
	struct sim_mo_opts mo = { SIM_ENC_AUTO, SIM_DC_GSM7 };
	struct sim_ussd_sess s = { 0, 0, 0 };
	const char *err;

	if (sim_mo_sms(&l->tsms, &mo, "1", "36123", l->text, &err) != 0)
		return sim_usage_error("load", "--text: %s", err), -1;
	if (sim_ussd_service(l->code, l->service, sizeof l->service) != 0)
		return sim_usage_error("load", "--code wants a USSD string "
		    "such as *384#"), -1;
	if (sim_mo_ussd(&l->tbegin, &mo, l->dia, &s, SIM_USSD_BEGIN, "1",
	    l->service, l->code, &err) != 0 ||
	    sim_mo_ussd(&l->tabort, &mo, l->dia, &s, SIM_USSD_ABORT, "1",
	    l->service, "", &err) != 0)
		return sim_usage_error("load", "USSD text: %s", err), -1;
	return build_answers(l, &mo);
}

/*
 * How many dialogues may be open at once: the session ids of the
 * dialect on each lane. Past that, two open dialogues would share a
 * key and the gateway would take them for one.
 */
static int
check_concurrency(struct load *l)
{
	unsigned long lanes = l->per_bind ? l->lo.binds : 1;
	unsigned long ids = (unsigned long)sim_dialect_max_id(l->dia) + 1u;
	unsigned long cap = l->ussd ? lanes * ids : LOAD_COUNT_MAX;
	unsigned long want = l->conc_given ? l->concurrency :
	    l->hold_open ? l->count : 0;

	if (l->hold_open && l->conc_given && l->concurrency < l->count)
		return sim_usage_error("load", "--hold-open keeps all --count "
		    "dialogues open: drop --concurrency"), -1;
	if (want > cap)
		return sim_usage_error("load", "%lu open dialogues need more "
		    "session ids than %lu %s x %lu (dialect %s): add --binds "
		    "(and numvertd links)", want, lanes, l->per_bind ?
		    "bind(s)" : "shared pool", ids, sim_dialect_name(l->dia)),
		    -1;
	if (!l->conc_given)
		l->concurrency = l->count == 0 ? 1 : l->count < cap ?
		    l->count : cap;
	return 0;
}

static int
load_parse(struct load *l, int argc, char **argv)
{
	int c, r;

	sim_link_defaults(&l->lo, 10);
	l->count = 1000;
	l->abort_open = 1;
	l->per_bind = -1;
	l->idle_ms = 10000;
	l->dia = sim_dialect_default();
	l->text = "TEST load";
	l->code = "*384#";
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if ((r = sim_link_opt(&l->lo, c, optarg, "load")) < 0)
			return -1;
		if (r == 0 && parse_own(l, c, optarg) != 0)
			return -1;
	}
	if (optind != argc)
		return sim_usage_error("load", "unexpected '%s'",
		    argv[optind]), -1;
	if (!l->ussd && (l->steps > 1 || l->answers || l->hold_open ||
	    l->per_bind >= 0))
		return sim_usage_error("load", "--steps, --answer(s), "
		    "--hold-open and --session-ids are for --kind ussd"), -1;
	if (sim_link_finish(&l->lo, "load") != 0)
		return -1;
	if (l->answers == NULL)
		l->answers = "1";
	l->nans = 1;
	for (const char *q = l->answers; l->answers_list && *q; q++)
		l->nans += *q == ',';
	if (l->nans >= LOAD_STEPS_MAX)
		return sim_usage_error("load", "--answers takes %u answers "
		    "at most", LOAD_STEPS_MAX - 1), -1;
	/* The dial, then every answer of the list. */
	if (l->steps == 0)
		l->steps = l->answers_list ? l->nans + 1u : 1u;
	/* Each bind of ours is a link of numvertd's when it binds to us. */
	if (l->per_bind < 0)
		l->per_bind = l->lo.role == CONN_SMSC;
	if (l->hold_open) {
		l->abort_open = 0;
		l->expect_reply = 1;
	}
	if (l->steps > 1)
		l->expect_reply = 1;
	if (check_concurrency(l) != 0)
		return -1;
	return build_templates(l);
}

static void
load_alloc(struct load *l)
{
	struct sim_stats_info si;
	unsigned long n = l->count ? l->count : 1;

	/* Every dialogue sends at most steps MOs plus the abort. */
	l->mo_cap = n * (l->ussd ? l->steps + 1u : 1u);
	l->d = xcalloc(n, sizeof *l->d);
	l->sent_us = xreallocarray(NULL, l->mo_cap, sizeof *l->sent_us);
	l->mo_dlg = xreallocarray(NULL, l->mo_cap, sizeof *l->mo_dlg);
	load_lanes_new(l);
	memset(&si, 0, sizeof si);
	si.kind = l->ussd ? "ussd" : "sms";
	si.role = l->lo.role == CONN_SMSC ? "smsc" : "esme";
	si.binds = l->lo.binds;
	si.window = l->lo.window;
	si.count = l->count;
	si.rate = l->rate;
	si.steps = l->steps;
	l->st = sim_stats_new(&si, l->mo_cap);
}

static void
load_free(struct load *l)
{
	sim_signals_free(l->sig);
	if (l->tick != NULL)
		event_free(l->tick);
	if (l->bindwait != NULL)
		event_free(l->bindwait);
	if (l->hold != NULL)
		event_free(l->hold);
	if (l->done != NULL)
		event_free(l->done);
	sim_peer_free(l->peer);
	sim_stats_free(l->st);
	load_lanes_free(l);
	free(l->d);
	free(l->sent_us);
	free(l->mo_dlg);
	free(l->tans);
}

int
sim_load_main(struct sim_ctx *ctx, int argc, char **argv)
{
	struct load l;
	struct sim_peer_opts po;
	const char *cause;
	char desc[SIM_HOST_MAX + 64];
	int port, rc = SIM_EXIT_USAGE;

	memset(&l, 0, sizeof l);
	l.ctx = ctx;
	if (load_parse(&l, argc, argv) != 0)
		return SIM_EXIT_USAGE;
	load_alloc(&l);
	sim_raise_nofile(l.lo.binds * 2u + 64u);
	sim_link_peer(&l.lo, "sim=load", &po);
	l.peer = sim_peer_new(ctx, &po, &load_cbs, &l, &port, &cause);
	if (l.peer == NULL) {
		fprintf(stderr, "numvert-smsc load: %s\n", cause);
		goto out;
	}
	sim_link_describe(&l.lo, port, desc, sizeof desc);
	fprintf(stderr, "load: %s, waiting for %u bind(s)\n", desc, l.lo.binds);
	if (l.lo.port_file != NULL &&
	    sim_write_port_file(l.lo.port_file, port) != 0) {
		fprintf(stderr, "numvert-smsc load: cannot write %s\n",
		    l.lo.port_file);
		sim_peer_shutdown(l.peer);
		event_base_dispatch(ctx->base);
		goto out;
	}
	l.tick = event_new(ctx->base, -1, EV_PERSIST, tick_cb, &l);
	l.bindwait = evtimer_new(ctx->base, bindwait_cb, &l);
	l.hold = evtimer_new(ctx->base, hold_cb, &l);
	l.done = evtimer_new(ctx->base, done_cb, &l);
	l.sig = sim_signals_new(ctx->base, on_signal, &l);
	{
		struct timeval tv = sim_tv(l.lo.bind_wait_ms);

		evtimer_add(l.bindwait, &tv);
	}
	event_base_dispatch(ctx->base);
	rc = !l.started ? SIM_EXIT_FAIL :
	    sim_stats_complete(l.st, l.expect_reply) ? SIM_EXIT_OK :
	    SIM_EXIT_FAIL;
out:
	load_free(&l);
	return rc;
}
