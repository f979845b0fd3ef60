/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * script: scripted citizens, checked as a transcript. Steps run in
 * order: each MO waits for its response; each "<" line takes the
 * oldest MT to that number that arrived (or waits for one until the
 * timeout). The transcript goes to stdout as it happens, in the script's
 * own syntax, with "-" for an expected line that was not met and "+"
 * for what came instead, like a unified diff.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/xmalloc.h"
#include "sim/sim_cmds.h"
#include "sim/sim_msg.h"
#include "sim/sim_opts.h"
#include "sim/sim_spec.h"

/* Failed lines listed in the summary, at most. */
#define FAILS_SHOWN 32u

enum sstate { S_WAIT_BINDS, S_RUN, S_WAIT_ACK, S_WAIT_MT, S_SLEEP,
	S_SETTLE, S_DONE };

/* A simulated citizen. */
struct handset {
	char msisdn[21];
	char service[21];
	struct sim_ussd_sess s;
	struct handset *next;
};

struct inmt {
	struct sim_mt *mt;
	struct inmt *next;
};

struct script {
	struct sim_ctx *ctx;
	struct sim_link_opts lo;
	struct sim_peer *peer;
	struct sim_signals *sig;
	struct sim_spec spec;
	struct sim_reasm *reasm;
	struct event *timer;
	enum sstate st;
	size_t pc;
	const struct sim_dialect *dia;
	struct sim_mo_opts mo;
	struct sim_mo cur;		/* the MO in flight */
	unsigned timeout_ms, settle_ms;
	uint16_t next_id;
	struct handset *hs;
	struct inmt *inbox;
	unsigned fails, unexpected, fail_lines[FAILS_SHOWN];
	int rc;
	char code[16];		/* the last case code an MT carried */
};

static void run(struct script *sc);

static void
arm(struct script *sc, unsigned ms)
{
	struct timeval tv = sim_tv(ms);

	evtimer_add(sc->timer, &tv);
}

static struct handset *
handset(struct script *sc, const char *msisdn)
{
	struct handset *h;

	for (h = sc->hs; h != NULL; h = h->next)
		if (strcmp(h->msisdn, msisdn) == 0)
			return h;
	h = xcalloc(1, sizeof *h);
	snprintf(h->msisdn, sizeof h->msisdn, "%s", msisdn);
	h->next = sc->hs;
	sc->hs = h;
	return h;
}

static void
fail(struct script *sc, unsigned line)
{
	if (sc->fails < FAILS_SHOWN)
		sc->fail_lines[sc->fails] = line;
	sc->fails++;
}

/* The line an MT reads as in the script's syntax. */
static void
mt_line(const struct sim_mt *mt, char *out, size_t size)
{
	int n;

	if (mt->ussd)
		n = snprintf(out, size, "< ussd %.20s %s ", mt->to,
		    sim_verdict_name(mt->verdict));
	else
		n = snprintf(out, size, "< sms %.20s ", mt->to);
	if (n > 0 && (size_t)n < size)
		sim_escape(mt->text, strlen(mt->text), out + n, size - (size_t)n);
}

/*
 * "{code}" in an expected text matches the 9 digits of a case code,
 * which is random; the code is kept for later lines to send back.
 */
static int
text_matches(struct script *sc, const struct sim_step *st, const char *text)
{
	const char *e = st->text, *t = text;

	while (*e != '\0') {
		if (strncmp(e, "{code}", 6) == 0) {
			size_t n = strspn(t, "0123456789");

			if (n != 9)
				return 0;
			memcpy(sc->code, t, 9);
			sc->code[9] = '\0';
			e += 6;
			t += 9;
			continue;
		}
		if (*e != *t)
			return 0;
		e++;
		t++;
	}
	return st->prefix || *t == '\0';
}

/* A line to send with "{code}" replaced by the last code received. */
static const char *
with_code(const struct script *sc, const char *text, char *buf, size_t size)
{
	const char *p = strstr(text, "{code}");

	if (p == NULL || sc->code[0] == '\0')
		return text;
	snprintf(buf, size, "%.*s%s%s", (int)(p - text), text, sc->code, p + 6);
	return buf;
}

/* Compares an MT with an expectation and prints the result. */
static void
check(struct script *sc, const struct sim_step *st, const struct sim_mt *mt)
{
	char line[SIM_MT_TEXT_MAX * 2 + 64];
	int ok;

	ok = text_matches(sc, st, mt->text);
	if (st->kind == STEP_EXPECT_SMS)
		ok = ok && !mt->ussd && mt->why[0] == '\0';
	else
		ok = ok && mt->ussd && mt->verdict == st->verdict &&
		    (mt->why[0] == '\0' || st->verdict == SIM_MT_ERROR);
	mt_line(mt, line, sizeof line);
	if (ok) {
		printf("  %s\n", line);
		return;
	}
	printf("- %s\n+ %s   # line %u%s%s\n", st->src, line, st->line,
	    mt->why[0] ? ": " : "", mt->why);
	fail(sc, st->line);
}

/* Validates a USSD MT against the handset's dialogue when it arrives. */
static void
ussd_arrival(struct script *sc, struct sim_mt *mt)
{
	struct handset *h = handset(sc, mt->to);

	if (mt->verdict == SIM_MT_ERROR)
		return;
	if (!h->s.open) {
		mt->verdict = SIM_MT_ERROR;
		snprintf(mt->why, sizeof mt->why, "no open dialogue");
	} else if (mt->sess_id != (long)h->s.id) {
		mt->verdict = SIM_MT_ERROR;
		snprintf(mt->why, sizeof mt->why, "session %ld, expected %u",
		    mt->sess_id, h->s.id);
	} else if (mt->verdict == SIM_MT_END) {
		h->s.open = 0;
	}
}

/* Takes the oldest MT to msisdn from the inbox. */
static struct sim_mt *
inbox_take(struct script *sc, const char *msisdn)
{
	for (struct inmt **pp = &sc->inbox; *pp != NULL; pp = &(*pp)->next) {
		struct inmt *it = *pp;
		struct sim_mt *mt = it->mt;

		if (strcmp(mt->to, msisdn) != 0)
			continue;
		*pp = it->next;
		free(it);
		return mt;
	}
	return NULL;
}

static uint32_t
on_mt(void *arg, const struct smpp_pdu *pdu, const char *msgid)
{
	struct script *sc = arg;
	struct sim_mt *mt = xmalloc(sizeof *mt);
	struct inmt **pp, *it;
	const struct sim_step *st;

	(void)msgid;
	if (sc->st == S_DONE || sim_mt_read(sc->reasm, sc->dia, pdu, mt) != 1) {
		free(mt);
		return SMPP_ROK;
	}
	if (mt->ussd)
		ussd_arrival(sc, mt);
	st = sc->pc < sc->spec.n ? &sc->spec.steps[sc->pc] : NULL;
	if (sc->st == S_WAIT_MT && strcmp(st->from, mt->to) == 0) {
		evtimer_del(sc->timer);
		check(sc, st, mt);
		free(mt);
		sc->pc++;
		sc->st = S_RUN;
		run(sc);
		return SMPP_ROK;
	}
	it = xcalloc(1, sizeof *it);
	it->mt = mt;
	for (pp = &sc->inbox; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = it;
	return SMPP_ROK;
}

static const char *
status_str(uint32_t st, char *buf, size_t size)
{
	const char *n = smpp_status_name(st);

	if (st == CONN_ST_TIMEOUT)
		return "timeout";
	if (st == CONN_ST_CLOSED)
		return "connection_closed";
	if (strncmp(n, "ESME_", 5) == 0)
		return n;
	snprintf(buf, size, "0x%08x", st);
	return buf;
}

static void
on_done(void *arg, void *ctx, uint32_t status)
{
	struct script *sc = arg;
	const struct sim_step *st = &sc->spec.steps[sc->pc];
	char b1[16], b2[16];

	(void)ctx;
	if (status == st->status) {
		if (st->status_line)
			printf("  < ack %s %s\n", st->from,
			    status_str(status, b1, sizeof b1));
	} else {
		printf("- < ack %s %s\n+ < ack %s %s   # line %u\n", st->from,
		    status_str(st->status, b1, sizeof b1), st->from,
		    status_str(status, b2, sizeof b2), st->status_line ?
		    (unsigned)st->status_line : st->line);
		fail(sc, st->status_line ? (unsigned)st->status_line :
		    st->line);
	}
	if (st->kind == STEP_MO_USSD && status != SMPP_ROK)
		handset(sc, st->from)->s.open = 0;
	sc->pc++;
	sc->st = S_RUN;
	run(sc);
}

/* Builds the MO of step st for its handset. Returns 0 or -1 (failed). */
static int
build_mo(struct script *sc, const struct sim_step *st)
{
	struct handset *h = handset(sc, st->from);
	enum sim_ussd_step kind;
	const char *err = NULL;
	char buf[SIM_MT_TEXT_MAX];
	const char *text = with_code(sc, st->text, buf, sizeof buf);
	int rc;

	if (st->kind == STEP_MO_SMS)
		return sim_mo_sms(&sc->cur, &sc->mo, st->from, st->to,
		    text, &err) == 0 ? 0 : (printf("! line %u: %s\n",
		    st->line, err), -1);
	if (strcmp(st->text, "abort") == 0)
		kind = SIM_USSD_ABORT;
	else if (h->s.open)
		kind = SIM_USSD_CONTINUE;
	else
		kind = SIM_USSD_BEGIN;
	if (kind == SIM_USSD_BEGIN && sim_ussd_service(text, h->service,
	    sizeof h->service) != 0)
		err = "no open dialogue: dial a string such as *384# first";
	else if (kind == SIM_USSD_ABORT && !h->s.open)
		err = "no open dialogue to abort";
	if (err != NULL) {
		printf("! line %u: %s\n", st->line, err);
		return -1;
	}
	if (kind == SIM_USSD_BEGIN) {
		h->s.id = sc->next_id;
		sc->next_id = (uint16_t)((sc->next_id + 1u) %
		    ((unsigned)sim_dialect_max_id(sc->dia) + 1u));
	}
	rc = sim_mo_ussd(&sc->cur, &sc->mo, sc->dia, &h->s, kind, st->from,
	    h->service, kind == SIM_USSD_ABORT ? "" : text, &err);
	if (rc != 0) {
		printf("! line %u: %s\n", st->line, err);
		return -1;
	}
	h->s.open = kind != SIM_USSD_ABORT;
	return 0;
}

static void
send_mo(struct script *sc, const struct sim_step *st)
{
	printf("  %s\n", st->src);
	if (build_mo(sc, st) != 0) {
		fail(sc, st->line);
		sc->pc++;
		return;
	}
	if (sim_peer_send(sc->peer, sim_mo_pdu(&sc->cur), sc) != SIM_SENT) {
		printf("! line %u: no bind to send the MO on\n", st->line);
		fail(sc, st->line);
		sc->pc++;
		return;
	}
	sc->st = S_WAIT_ACK;
}

static void
settle(struct script *sc)
{
	sc->st = S_SETTLE;
	fflush(stdout);
	arm(sc, sc->settle_ms);
}

/* Runs steps until one has to wait. */
static void
run(struct script *sc)
{
	while (sc->st == S_RUN && sc->pc < sc->spec.n) {
		const struct sim_step *st = &sc->spec.steps[sc->pc];
		struct sim_mt *mt;

		switch (st->kind) {
		case STEP_DIALECT: sc->dia = st->dialect; break;
		case STEP_ENCODING: sc->mo.enc = st->enc; break;
		case STEP_GSM7_DC: sc->mo.gsm7_dc = st->u8; break;
		case STEP_TIMEOUT: sc->timeout_ms = st->ms; break;
		case STEP_EXPECT_ACK: break;	/* checked with its MO */
		case STEP_SLEEP:
			sc->st = S_SLEEP;
			arm(sc, st->ms);
			return;
		case STEP_MO_SMS:
		case STEP_MO_USSD:
			send_mo(sc, st);
			if (sc->st != S_RUN)
				return;
			continue;
		case STEP_EXPECT_SMS:
		case STEP_EXPECT_USSD:
			if ((mt = inbox_take(sc, st->from)) == NULL) {
				sc->st = S_WAIT_MT;
				arm(sc, sc->timeout_ms);
				return;
			}
			check(sc, st, mt);
			free(mt);
			break;
		}
		sc->pc++;
	}
	if (sc->st == S_RUN)
		settle(sc);
}

/* Reports what is left over and sets the exit code. */
static void
finalize(struct script *sc, const char *why)
{
	char line[SIM_MT_TEXT_MAX * 2 + 64];
	unsigned partial = sim_reasm_pending(sc->reasm);

	if (sc->st == S_DONE)
		return;
	sc->st = S_DONE;
	evtimer_del(sc->timer);
	while (sc->inbox != NULL) {
		struct inmt *it = sc->inbox;

		sc->inbox = it->next;
		mt_line(it->mt, line, sizeof line);
		printf("+ %s   # unexpected%s%s\n", line,
		    it->mt->why[0] ? ": " : "", it->mt->why);
		sc->unexpected++;
		free(it->mt);
		free(it);
	}
	if (partial > 0)
		printf("! %u concatenated MT(s) still missing parts\n", partial);
	if (why != NULL)
		printf("! %s\n", why);
	if (sc->fails == 0 && sc->unexpected == 0 && partial == 0 &&
	    why == NULL) {
		printf("PASS: %u checks\n", sc->spec.checks);
		sc->rc = SIM_EXIT_OK;
	} else {
		printf("FAIL: %u of %u checks differ, %u unexpected MT(s)",
		    sc->fails, sc->spec.checks, sc->unexpected);
		for (unsigned i = 0; i < sc->fails && i < FAILS_SHOWN; i++)
			printf("%s%u", i ? ", " : "; lines ", sc->fail_lines[i]);
		printf("\n");
		if (sc->rc == SIM_EXIT_OK)
			sc->rc = SIM_EXIT_FAIL;
	}
	fflush(stdout);
	sim_signals_free(sc->sig);
	sc->sig = NULL;
	sim_peer_shutdown(sc->peer);
}

static void
timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct script *sc = arg;
	const struct sim_step *st = &sc->spec.steps[sc->pc];

	(void)fd;
	(void)what;
	switch (sc->st) {
	case S_WAIT_BINDS:
		sc->rc = SIM_EXIT_USAGE;
		finalize(sc, "no bind from the peer; nothing was run");
		return;
	case S_WAIT_MT:
		printf("- %s\n+ (no MT within %u ms)   # line %u\n", st->src,
		    sc->timeout_ms, st->line);
		fail(sc, st->line);
		break;
	case S_SLEEP:
		break;
	case S_SETTLE:
		finalize(sc, NULL);
		return;
	default:
		return;
	}
	sc->pc++;
	sc->st = S_RUN;
	run(sc);
}

static void
on_binds(void *arg, unsigned mo, unsigned all)
{
	struct script *sc = arg;

	(void)all;
	if (sc->st == S_WAIT_BINDS && sim_peer_dead(sc->peer)) {
		sc->rc = SIM_EXIT_USAGE;
		finalize(sc, "no bind succeeded; nothing was run");
		return;
	}
	if (sc->st == S_WAIT_BINDS && mo >= sc->lo.binds) {
		evtimer_del(sc->timer);
		sc->st = S_RUN;
		run(sc);
	} else if (mo == 0 && sc->st != S_WAIT_BINDS && sc->st != S_DONE) {
		finalize(sc, "the peer unbound before the end");
	}
}

static void
on_signal(void *arg)
{
	finalize(arg, "interrupted");
}

static const struct sim_peer_cbs script_cbs = {
	.binds = on_binds,
	.mt = on_mt,
	.mo_done = on_done,
};

enum { OPT_SETTLE = SIM_OPT_FIRST_OWN, OPT_HELP };

static const struct option longopts[] = {
	SIM_LINK_LONGOPTS,
	{ "settle", 1, NULL, OPT_SETTLE },
	{ "help", 0, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void
help(void)
{
	printf("usage: numvert-smsc script FILE [options]\n"
	    "Runs scripted citizens and checks the MTs they get. Exit 0: "
	    "the transcript\nmatches; 1: it does not; 2: usage, I/O, or "
	    "no bind.\n\n"
	    "  --settle D          after the last line, wait D for unexpected "
	    "MTs (default 300ms)\n\n%s\n"
	    "script lines (docs/simulator.md):\n"
	    "  # comment | dialect NAME | encoding E | gsm7-dc N | timeout D "
	    "| sleep D\n"
	    "  > sms FROM TO TEXT         > ussd FROM *384# | ANSWER | "
	    "abort\n"
	    "  < sms FROM [~]TEXT         < ussd FROM continue|end|error "
	    "[~]TEXT\n"
	    "  < ack FROM STATUS\n", SIM_LINK_HELP);
}

static int
parse(struct script *sc, int argc, char **argv, const char **file)
{
	int c, r;

	sim_link_defaults(&sc->lo, 10);
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if ((r = sim_link_opt(&sc->lo, c, optarg, "script")) < 0)
			return -1;
		if (r > 0)
			continue;
		if (c == OPT_HELP) {
			help();
			exit(SIM_EXIT_OK);
		}
		if (c != OPT_SETTLE || sim_parse_duration(optarg,
		    &sc->settle_ms) != 0)
			return sim_usage_error("script", "bad option");
	}
	if (optind + 1 != argc)
		return sim_usage_error("script", "wants exactly one FILE");
	*file = argv[optind];
	return sim_link_finish(&sc->lo, "script");
}

static int
start(struct script *sc)
{
	struct sim_peer_opts po;
	const char *cause;
	char desc[SIM_HOST_MAX + 64];
	int port;

	sim_link_peer(&sc->lo, "sim=script", &po);
	sc->peer = sim_peer_new(sc->ctx, &po, &script_cbs, sc, &port, &cause);
	if (sc->peer == NULL) {
		fprintf(stderr, "numvert-smsc script: %s:%d: %s\n",
		    sc->lo.host, sc->lo.port, cause);
		return -1;
	}
	sim_link_describe(&sc->lo, port, desc, sizeof desc);
	fprintf(stderr, "script: %s, waiting for %u bind(s)\n", desc,
	    sc->lo.binds);
	if (sc->lo.port_file != NULL &&
	    sim_write_port_file(sc->lo.port_file, port) != 0) {
		fprintf(stderr, "numvert-smsc script: cannot write %s\n",
		    sc->lo.port_file);
		sim_peer_shutdown(sc->peer);
		return -1;
	}
	return 0;
}

int
sim_script_main(struct sim_ctx *ctx, int argc, char **argv)
{
	struct script sc;
	const char *file = NULL;
	char err[512];

	memset(&sc, 0, sizeof sc);
	sc.ctx = ctx;
	sc.dia = sim_dialect_default();
	sc.mo.enc = SIM_ENC_AUTO;
	sc.mo.gsm7_dc = SIM_DC_GSM7;
	sc.timeout_ms = 5000;
	sc.settle_ms = 300;
	sc.next_id = 42;
	if (parse(&sc, argc, argv, &file) != 0)
		return SIM_EXIT_USAGE;
	if (sim_spec_load(file, &sc.spec, err, sizeof err) != 0) {
		fprintf(stderr, "numvert-smsc script: %s\n", err);
		return SIM_EXIT_USAGE;
	}
	sc.reasm = sim_reasm_new();
	sc.timer = evtimer_new(ctx->base, timer_cb, &sc);
	sc.rc = SIM_EXIT_USAGE;
	if (start(&sc) == 0) {
		sc.rc = SIM_EXIT_OK;
		sc.sig = sim_signals_new(ctx->base, on_signal, &sc);
		arm(&sc, sc.lo.bind_wait_ms);
	} else {
		sc.st = S_DONE;
	}
	event_base_dispatch(ctx->base);
	sim_signals_free(sc.sig);
	sim_peer_free(sc.peer);
	event_free(sc.timer);
	sim_reasm_free(sc.reasm);
	sim_spec_free(&sc.spec);
	while (sc.hs != NULL) {
		struct handset *h = sc.hs;

		sc.hs = h->next;
		free(h);
	}
	return sc.rc;
}
