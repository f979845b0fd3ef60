/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * crash: a carrier that keeps its promises while numvertd is killed and
 * restarted under it. As the SMSC it takes any number of binds, one
 * after another or at once, and sends SMS MOs ("crash RUN-i" from
 * 22370000000 + i) as fast as the windows allow. An MO whose response
 * does not come (connection lost, response deadline) or comes with a
 * temporary error is sent again later, unchanged, until it is
 * acknowledged: numvertd must deduplicate it. Each acknowledged MO's
 * token goes to --ack-log as one line written with write(2), so the
 * file holds exactly what the gateway promised to keep. Every MT is
 * answered ESME_ROK and counted per MO by its destination.
 *
 * Memory: two octets of state per MO, in an array sized by --count, or
 * grown by doubling from CRASH_CHUNK up to CRASH_MAX (the 2237xxxxxxx
 * numbers); at the cap the run drains by itself. MOs waiting for a
 * retransmission sit in a ring of eight octets each, also doubling,
 * never more entries than MOs.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/xmalloc.h"
#include "sim/sim_cmds.h"
#include "sim/sim_msg.h"
#include "sim/sim_opts.h"

#define CRASH_BASE 22370000000ull	/* the fixtures' test range */
#define CRASH_MAX 10000000ul		/* distinct 2237xxxxxxx numbers */
#define CRASH_CHUNK 65536ul		/* first size without --count */
#define CRASH_RUN_MAX 24		/* --run-id characters */
#define CRASH_TICK_MS 50u
#define CRASH_KINDS 8			/* statuses counted by name */

/* Per-MO state (index i = number - CRASH_BASE). 0: not sent yet. */
enum { MO_INFLIGHT = 1, MO_RETRY, MO_ACKED, MO_REFUSED };

struct mo_st {
	uint8_t state;
	uint8_t replies;	/* MTs to its number, saturating at 255 */
};

/* An MO due for a retransmission at `due` ms after the start. */
struct retry {
	uint32_t i;
	uint32_t due;
};

struct tally {
	struct {
		uint32_t status;
		unsigned long n;
	} k[CRASH_KINDS];
	unsigned nk;
	unsigned long total, other;
};

struct crash {
	struct sim_ctx *ctx;
	struct sim_peer *peer;
	struct sim_signals *sig;
	struct sim_link_opts lo;
	char run[CRASH_RUN_MAX + 1];
	const char *ack_path;
	int ack_fd, json;
	unsigned long count;		/* 0: until drained */
	unsigned retry_ms, drain_ms, duration_ms, idle_ms;

	struct mo_st *mo;
	unsigned long cap, next;	/* next: MOs sent (distinct) */
	struct retry *ring;
	size_t rcap, rhead, rlen;
	struct sim_mo tmpl;

	unsigned long acked, refused, inflight, retrans, timeouts, closed;
	unsigned long replies, with_reply, dup_replies, unmatched, binds;
	unsigned long ack_errors;
	struct tally temp, perm;
	unsigned prev_all;
	uint64_t t0, t_bound, t_alldone, t_lastmt;
	int started, draining, finished, timers_on;
	struct event *tick, *bindwait, *usr1;
};

enum { OPT_COUNT = SIM_OPT_FIRST_OWN, OPT_RUN, OPT_ACK, OPT_RETRY,
	OPT_DRAIN, OPT_DURATION, OPT_IDLE, OPT_JSON, OPT_HELP };

static const struct option longopts[] = {
	SIM_LINK_LONGOPTS,
	{ "count", 1, NULL, OPT_COUNT },
	{ "run-id", 1, NULL, OPT_RUN },
	{ "ack-log", 1, NULL, OPT_ACK },
	{ "retry-delay", 1, NULL, OPT_RETRY },
	{ "drain-after", 1, NULL, OPT_DRAIN },
	{ "duration", 1, NULL, OPT_DURATION },
	{ "idle-exit", 1, NULL, OPT_IDLE },
	{ "json", 0, NULL, OPT_JSON },
	{ "help", 0, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void
help(void)
{
	printf("usage: numvert-smsc crash --ack-log FILE [options]\n"
	    "An SMSC that retransmits every unacknowledged MO while numvertd "
	    "is killed\nand restarted; see docs/simulator.md.\n\n"
	    "  --ack-log FILE      append \"crash RUN-i\" for each MO "
	    "acknowledged ESME_ROK\n"
	    "  --run-id RUN        tag of the MO texts (default: our pid)\n"
	    "  --count N           MOs to send, then drain (default: until "
	    "drained)\n"
	    "  --retry-delay D     wait before a retransmission (default "
	    "500ms)\n"
	    "  --drain-after D     drain D after the first bind (SIGUSR1 "
	    "too)\n"
	    "  --duration D        stop D after the first bind (SIGTERM "
	    "too)\n"
	    "  --idle-exit D       once drained and every MO acknowledged, "
	    "exit after D\n"
	    "                      without an MT (default 3s; 0: wait for "
	    "a signal)\n"
	    "  --json              print the result as one JSON object\n\n%s",
	    SIM_LINK_HELP);
}

static uint32_t
ms_since(uint64_t t)
{
	return (uint32_t)((sim_now_us() - t) / 1000u);
}

static void
tally_add(struct tally *t, uint32_t status)
{
	t->total++;
	for (unsigned i = 0; i < t->nk; i++) {
		if (t->k[i].status == status) {
			t->k[i].n++;
			return;
		}
	}
	if (t->nk == CRASH_KINDS) {
		t->other++;
		return;
	}
	t->k[t->nk].status = status;
	t->k[t->nk++].n = 1;
}

static int
is_temporary(uint32_t status)
{
	return status == SMPP_RX_T_APPN || status == SMPP_RTHROTTLED ||
	    status == SMPP_RMSGQFUL || status == SMPP_RSYSERR;
}

/* Room for MO index c->next; returns -1 at the cap. */
static int
mo_room(struct crash *c)
{
	unsigned long ncap;

	if (c->next < c->cap)
		return 0;
	if (c->cap >= CRASH_MAX)
		return -1;
	ncap = c->cap * 2 < CRASH_MAX ? c->cap * 2 : CRASH_MAX;
	c->mo = xreallocarray(c->mo, ncap, sizeof *c->mo);
	memset(c->mo + c->cap, 0, (ncap - c->cap) * sizeof *c->mo);
	c->cap = ncap;
	return 0;
}

static void
ring_push(struct crash *c, unsigned long i)
{
	if (c->rlen == c->rcap) {
		size_t ncap = c->rcap ? c->rcap * 2 : 1024;
		struct retry *n = xreallocarray(NULL, ncap, sizeof *n);

		for (size_t k = 0; k < c->rlen; k++)
			n[k] = c->ring[(c->rhead + k) % c->rcap];
		free(c->ring);
		c->ring = n;
		c->rcap = ncap;
		c->rhead = 0;
	}
	c->ring[(c->rhead + c->rlen) % c->rcap] = (struct retry){
		(uint32_t)i, ms_since(c->t0) + c->retry_ms };
	c->rlen++;
	c->mo[i].state = MO_RETRY;
}

/* The token of MO i: its text and its ack-log line. */
static int
token(const struct crash *c, unsigned long i, char *buf, size_t size)
{
	return snprintf(buf, size, "crash %s-%lu", c->run, i);
}

/* Sends MO i (first time or again). Returns SIM_SENT, SIM_BUSY, ... */
static int
send_mo(struct crash *c, unsigned long i)
{
	struct sim_mo_opts mo = { SIM_ENC_GSM7, SIM_DC_GSM7 };
	char from[24], text[64];
	const char *err;
	int rc;

	snprintf(from, sizeof from, "%llu", CRASH_BASE + i);
	token(c, i, text, sizeof text);
	if (sim_mo_sms(&c->tmpl, &mo, from, "36123", text, &err) != 0) {
		log_msg(c->ctx->log, LOG_ERROR, "sim=crash", "mo_invalid",
		    "why=%s", err);
		return SIM_INVALID;
	}
	rc = sim_peer_send(c->peer, sim_mo_pdu(&c->tmpl),
	    (void *)(uintptr_t)(i + 1));
	if (rc == SIM_SENT) {
		c->mo[i].state = MO_INFLIGHT;
		c->inflight++;
	}
	return rc;
}

static void
drain(struct crash *c, const char *why)
{
	if (c->draining)
		return;
	c->draining = 1;
	log_msg(c->ctx->log, LOG_INFO, "sim=crash", "drain",
	    "why=%s mo_sent=%lu unacked=%lu", why, c->next,
	    c->next - c->acked - c->refused);
}

static int
may_send_new(struct crash *c)
{
	if (c->draining)
		return 0;
	if ((c->count > 0 && c->next >= c->count) || mo_room(c) != 0) {
		drain(c, c->count > 0 && c->next >= c->count ? "count" :
		    "cap");
		return 0;
	}
	return 1;
}

/* Sends due retransmissions first, then new MOs, while a window has room. */
static void
pump(struct crash *c)
{
	while (!c->finished) {
		int rc;

		if (c->rlen > 0 && c->ring[c->rhead].due <= ms_since(c->t0)) {
			unsigned long i = c->ring[c->rhead].i;

			if ((rc = send_mo(c, i)) == SIM_BUSY)
				return;
			c->rhead = (c->rhead + 1) % c->rcap;
			c->rlen--;
			if (rc == SIM_SENT) {
				c->retrans++;
				continue;
			}
			c->mo[i].state = MO_REFUSED;
			c->refused++;
		} else if (may_send_new(c)) {
			if ((rc = send_mo(c, c->next)) == SIM_BUSY)
				return;
			if (rc != SIM_SENT) {
				c->mo[c->next].state = MO_REFUSED;
				c->refused++;
			}
			c->next++;
		} else {
			return;
		}
	}
}

/* Appends MO i's token to the ack log: one write(2) per line. */
static void
ack_log(struct crash *c, unsigned long i)
{
	char line[64];
	int n = token(c, i, line, sizeof line - 1);
	size_t off = 0;

	line[n++] = '\n';
	while (off < (size_t)n) {
		ssize_t w = write(c->ack_fd, line + off, (size_t)n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (c->ack_errors++ == 0)
				log_msg(c->ctx->log, LOG_ERROR, "sim=crash",
				    "ack_log_failed", "errno=%d", errno);
			return;
		}
		off += (size_t)w;
	}
}

static void
on_done(void *arg, void *ctx, uint32_t status)
{
	struct crash *c = arg;
	unsigned long i = (unsigned long)(uintptr_t)ctx - 1;

	if (c->finished)
		return;
	c->inflight--;
	if (status == SMPP_ROK) {
		c->mo[i].state = MO_ACKED;
		c->acked++;
		ack_log(c, i);
	} else if (status == CONN_ST_TIMEOUT || status == CONN_ST_CLOSED ||
	    is_temporary(status)) {
		if (status == CONN_ST_TIMEOUT)
			c->timeouts++;
		else if (status == CONN_ST_CLOSED)
			c->closed++;
		else
			tally_add(&c->temp, status);
		ring_push(c, i);
	} else {
		log_msg(c->ctx->log, LOG_WARN, "sim=crash", "mo_refused",
		    "status=%s", smpp_status_name(status));
		tally_add(&c->perm, status);
		c->mo[i].state = MO_REFUSED;
		c->refused++;
	}
	pump(c);
}

/* MO index of an MT's destination, or -1. */
static long
mt_index(const struct crash *c, const char *dest)
{
	unsigned long long n = 0;

	for (const char *s = dest; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || n > 100000000000ull)
			return -1;
		n = n * 10 + (unsigned)(*s - '0');
	}
	if (n < CRASH_BASE || n - CRASH_BASE >= c->next)
		return -1;
	return (long)(n - CRASH_BASE);
}

static uint32_t
on_mt(void *arg, const struct smpp_pdu *pdu, const char *msgid)
{
	struct crash *c = arg;
	long i = mt_index(c, pdu->destination_addr);

	(void)msgid;
	if (c->finished)
		return SMPP_ROK;
	c->t_lastmt = sim_now_us();
	c->replies++;
	if (i < 0) {
		c->unmatched++;
		return SMPP_ROK;
	}
	if (c->mo[i].replies == 0)
		c->with_reply++;
	else
		c->dup_replies++;
	if (c->mo[i].replies < UINT8_MAX)
		c->mo[i].replies++;
	return SMPP_ROK;
}

static void
on_binds(void *arg, unsigned mo, unsigned all)
{
	struct crash *c = arg;

	if (all > c->prev_all)
		c->binds += all - c->prev_all;
	c->prev_all = all;
	if (c->finished)
		return;
	log_msg(c->ctx->log, LOG_INFO, "sim=crash", "binds",
	    "mo=%u all=%u seen=%lu", mo, all, c->binds);
	if (!c->started && mo > 0) {
		c->started = 1;
		c->t_bound = sim_now_us();
		event_del(c->bindwait);
	}
	pump(c);
}

static void
stop(struct crash *c)
{
	sim_signals_free(c->sig);
	c->sig = NULL;
	event_del(c->tick);
	event_del(c->bindwait);
	event_del(c->usr1);
	sim_peer_shutdown(c->peer);
}

static void print_result(struct crash *c, FILE *f);

static void
finish(struct crash *c)
{
	if (c->finished)
		return;
	c->finished = 1;
	log_msg(c->ctx->log, LOG_INFO, "sim=crash", "finish",
	    "mo_sent=%lu mo_acked=%lu", c->next, c->acked);
	print_result(c, stdout);
	fflush(stdout);
	stop(c);
}

/* Drain and stop timers, and the idle exit once every MO has its answer. */
static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct crash *c = arg;
	uint64_t last;

	(void)fd;
	(void)what;
	if (c->finished)
		return;
	if (c->started && c->duration_ms > 0 &&
	    ms_since(c->t_bound) >= c->duration_ms) {
		finish(c);
		return;
	}
	if (c->started && c->drain_ms > 0 &&
	    ms_since(c->t_bound) >= c->drain_ms)
		drain(c, "timer");
	pump(c);
	if (!c->draining || c->inflight > 0 || c->rlen > 0 || c->finished)
		return;
	if (c->t_alldone == 0) {
		c->t_alldone = sim_now_us();
		log_msg(c->ctx->log, LOG_INFO, "sim=crash", "all_acked",
		    "mo_sent=%lu mo_acked=%lu refused=%lu", c->next, c->acked,
		    c->refused);
	}
	last = c->t_lastmt > c->t_alldone ? c->t_lastmt : c->t_alldone;
	if (c->idle_ms > 0 && ms_since(last) >= c->idle_ms)
		finish(c);
}

static void
usr1_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	drain(arg, "signal");
}

static void
bindwait_cb(evutil_socket_t fd, short what, void *arg)
{
	struct crash *c = arg;

	(void)fd;
	(void)what;
	fprintf(stderr, "numvert-smsc crash: no bind after %u ms\n",
	    c->lo.bind_wait_ms);
	c->finished = 1;
	stop(c);
}

static void
on_signal(void *arg)
{
	finish(arg);
}

static const struct sim_peer_cbs crash_cbs = {
	.binds = on_binds,
	.mt = on_mt,
	.mo_done = on_done,
};

/* MOs acknowledged that never got a reply (a pass over the array). */
static unsigned long
acked_without_reply(const struct crash *c)
{
	unsigned long n = 0;

	for (unsigned long i = 0; i < c->next; i++)
		n += c->mo[i].state == MO_ACKED && c->mo[i].replies == 0;
	return n;
}

static void
print_tally(const struct tally *t, int json, FILE *f)
{
	for (unsigned i = 0; i < t->nk; i++) {
		const char *name = smpp_status_name(t->k[i].status);

		if (json)
			fprintf(f, "%s\"%s\":%lu", i ? "," : "", name,
			    t->k[i].n);
		else
			fprintf(f, "  %-20s %lu\n", name, t->k[i].n);
	}
	if (t->other > 0) {
		if (json)
			fprintf(f, "%s\"other\":%lu", t->nk ? "," : "",
			    t->other);
		else
			fprintf(f, "  %-20s %lu\n", "other", t->other);
	}
}

static void
print_result(struct crash *c, FILE *f)
{
	const char *k[] = { "mo_sent", "mo_acked", "retransmissions",
	    "temp_errors", "perm_errors", "timeouts", "closed", "unanswered",
	    "replies", "mos_with_reply", "mos_without_reply",
	    "acked_without_reply", "duplicate_replies", "binds",
	    "mts_unmatched", "ack_log_errors" };
	unsigned long v[] = { c->next, c->acked, c->retrans, c->temp.total,
	    c->perm.total, c->timeouts, c->closed,
	    c->next - c->acked - c->refused, c->replies, c->with_reply,
	    c->next - c->with_reply, acked_without_reply(c), c->dup_replies,
	    c->binds, c->unmatched, c->ack_errors };

	if (!c->json)
		fprintf(f, "crash: run=%s window=%u count=%lu\n", c->run,
		    c->lo.window, c->count);
	else
		fprintf(f, "{\"run\":\"%s\",\"window\":%u,\"count\":%lu",
		    c->run, c->lo.window, c->count);
	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
		if (c->json)
			fprintf(f, ",\"%s\":%lu", k[i], v[i]);
		else
			fprintf(f, "%-20s %lu\n", k[i], v[i]);
		if (strcmp(k[i], "temp_errors") == 0 && !c->json)
			print_tally(&c->temp, 0, f);
		if (strcmp(k[i], "perm_errors") == 0 && !c->json)
			print_tally(&c->perm, 0, f);
	}
	if (c->json) {
		fprintf(f, ",\"temp_by_status\":{");
		print_tally(&c->temp, 1, f);
		fprintf(f, "},\"perm_by_status\":{");
		print_tally(&c->perm, 1, f);
		fprintf(f, "}}\n");
	}
}

static int
parse_dur(const char *arg, unsigned *ms)
{
	if (sim_parse_duration(arg, ms) != 0)
		return sim_usage_error("crash", "bad duration '%s'", arg), -1;
	return 0;
}

static int
parse_run(struct crash *c, const char *arg)
{
	size_t n = strlen(arg);

	if (n == 0 || n > CRASH_RUN_MAX ||
	    strspn(arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789.") != n)
		return sim_usage_error("crash", "--run-id wants 1..%d letters, "
		    "digits or dots", CRASH_RUN_MAX), -1;
	memcpy(c->run, arg, n + 1);
	return 0;
}

static int
parse_own(struct crash *c, int opt, const char *arg)
{
	switch (opt) {
	case OPT_COUNT:
		if (sim_parse_uint(arg, 0, CRASH_MAX, &c->count) != 0)
			return sim_usage_error("crash", "--count wants 0..%lu",
			    CRASH_MAX), -1;
		return 0;
	case OPT_RUN: return parse_run(c, arg);
	case OPT_ACK: c->ack_path = arg; return 0;
	case OPT_RETRY: return parse_dur(arg, &c->retry_ms);
	case OPT_DRAIN: return parse_dur(arg, &c->drain_ms);
	case OPT_DURATION: return parse_dur(arg, &c->duration_ms);
	case OPT_IDLE: return parse_dur(arg, &c->idle_ms);
	case OPT_JSON: c->json = 1; return 0;
	case OPT_HELP: help(); exit(SIM_EXIT_OK);
	default:
		return sim_usage_error("crash", "bad option"), -1;
	}
}

static int
crash_parse(struct crash *c, int argc, char **argv)
{
	int opt, r;

	sim_link_defaults(&c->lo, 10);
	c->lo.response_ms = 5000;
	c->retry_ms = 500;
	c->idle_ms = 3000;
	snprintf(c->run, sizeof c->run, "%ld", (long)getpid());
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if ((r = sim_link_opt(&c->lo, opt, optarg, "crash")) < 0)
			return -1;
		if (r == 0 && parse_own(c, opt, optarg) != 0)
			return -1;
	}
	if (optind != argc)
		return sim_usage_error("crash", "unexpected '%s'",
		    argv[optind]), -1;
	if (c->ack_path == NULL)
		return sim_usage_error("crash", "--ack-log FILE is required"),
		    -1;
	if (sim_link_finish(&c->lo, "crash") != 0)
		return -1;
	if (c->lo.role != CONN_SMSC || c->lo.connect)
		return sim_usage_error("crash", "crash is an SMSC: use "
		    "--listen"), -1;
	return 0;
}

/* Opens the ack log, the state array and the events. Returns 0 or -1. */
static int
crash_open(struct crash *c)
{
	struct timeval tick = sim_tv(CRASH_TICK_MS);
	struct timeval wait = sim_tv(c->lo.bind_wait_ms);
	struct event_base *base = c->ctx->base;

	c->ack_fd = open(c->ack_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND |
	    O_CLOEXEC, 0644);
	if (c->ack_fd < 0) {
		fprintf(stderr, "numvert-smsc crash: cannot open %s: %s\n",
		    c->ack_path, strerror(errno));
		return -1;
	}
	c->cap = c->count > 0 ? c->count : CRASH_CHUNK;
	c->mo = xcalloc(c->cap, sizeof *c->mo);
	c->t0 = sim_now_us();
	c->tick = event_new(base, -1, EV_PERSIST, tick_cb, c);
	c->bindwait = evtimer_new(base, bindwait_cb, c);
	c->usr1 = evsignal_new(base, SIGUSR1, usr1_cb, c);
	c->sig = sim_signals_new(base, on_signal, c);
	if (c->tick == NULL || c->bindwait == NULL || c->usr1 == NULL ||
	    c->sig == NULL || event_add(c->tick, &tick) != 0 ||
	    event_add(c->bindwait, &wait) != 0 || event_add(c->usr1, NULL) != 0)
		return -1;
	return 0;
}

static void
crash_free(struct crash *c)
{
	sim_signals_free(c->sig);
	if (c->tick != NULL)
		event_free(c->tick);
	if (c->bindwait != NULL)
		event_free(c->bindwait);
	if (c->usr1 != NULL)
		event_free(c->usr1);
	sim_peer_free(c->peer);
	if (c->ack_fd >= 0)
		close(c->ack_fd);
	free(c->mo);
	free(c->ring);
}

int
sim_crash_main(struct sim_ctx *ctx, int argc, char **argv)
{
	struct crash c;
	struct sim_peer_opts po;
	const char *cause;
	char desc[SIM_HOST_MAX + 64];
	int port, rc = SIM_EXIT_USAGE;

	memset(&c, 0, sizeof c);
	c.ctx = ctx;
	c.ack_fd = -1;
	if (crash_parse(&c, argc, argv) != 0)
		return SIM_EXIT_USAGE;
	if (crash_open(&c) != 0)
		goto out;
	sim_link_peer(&c.lo, "sim=crash", &po);
	c.peer = sim_peer_new(ctx, &po, &crash_cbs, &c, &port, &cause);
	if (c.peer == NULL) {
		fprintf(stderr, "numvert-smsc crash: %s\n", cause);
		goto out;
	}
	sim_link_describe(&c.lo, port, desc, sizeof desc);
	fprintf(stderr, "crash: %s run=%s\n", desc, c.run);
	if (c.lo.port_file != NULL &&
	    sim_write_port_file(c.lo.port_file, port) != 0) {
		fprintf(stderr, "numvert-smsc crash: cannot write %s\n",
		    c.lo.port_file);
		stop(&c);
		event_base_dispatch(ctx->base);
		goto out;
	}
	event_base_dispatch(ctx->base);
	rc = !c.started ? SIM_EXIT_USAGE :
	    c.acked == c.next && c.perm.total == 0 && c.ack_errors == 0 ?
	    SIM_EXIT_OK : SIM_EXIT_FAIL;
out:
	crash_free(&c);
	return rc;
}
