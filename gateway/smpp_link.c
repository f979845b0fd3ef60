/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "smpp_link.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/random.h>
#include <time.h>

#include <event2/event.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/xmalloc.h"

/* The longest throttle pause is throttle_backoff << THROTTLE_STEPS. */
#define THROTTLE_STEPS 6

/* Retry delay of the n-th temporary failure: 1 s << n, at most 64 s. */
#define RETRY_BASE_MS 1000u
#define RETRY_STEPS 6

/* The system_id numvertd gives in its bind_resp (SMSC role). */
#define OUR_SYSTEM_ID "numvert"

struct mt_item {
	TAILQ_ENTRY(mt_item) q;
	uint64_t order;		/* keeps requeued messages in sending order */
	uint64_t due_ms;	/* retry list: not before */
	unsigned attempts;	/* temporary failures so far */
	struct link_mt mt;
	uint8_t payload[];	/* the message_payload, if any */
};

TAILQ_HEAD(mt_list, mt_item);

/* Client mode: a connection the link keeps up. */
struct slot {
	struct link *link;
	enum conn_bind bind;
	struct smpp_conn *conn;
	unsigned attempt;	/* failed connects since the last bind */
	struct event *retry;
};

struct link {
	struct conn_env *env;
	struct cfg_link cfg;
	const struct link_cbs *cbs;
	void *arg;
	char prefix[48];

	struct smpp_conn **conns;	/* every live connection */
	unsigned nconns, cap;
	struct slot slots[2];		/* client mode */
	unsigned nslots;
	unsigned rr;			/* round robin over conns */
	int up;				/* some connection may transmit */

	struct mt_list queue;		/* ready, in order */
	struct mt_list retry;		/* waiting for due_ms, by due time */
	unsigned nqueued;		/* queue + retry + in flight */
	uint64_t next_order;
	struct event *pump_ev;
	double tokens;
	uint64_t tokens_ms;
	uint64_t paused_until;
	unsigned throttle_level;

	int shutting_down;
	uint64_t rng;
	uint64_t next_msgid;
	uint16_t next_ref;
	struct event *stats_ev;
	struct link_stats st;
};

#define LLOG(l, lvl, ev, ...) \
	log_msg((l)->env->log, lvl, (l)->prefix, ev, __VA_ARGS__)

static void link_bound_cb(struct smpp_conn *, void *);
static uint32_t link_bind_request_cb(struct smpp_conn *,
    const struct smpp_pdu *, void *);
static void link_request_cb(struct smpp_conn *, const struct smpp_pdu *,
    struct conn_req, void *);
static void link_response_cb(struct smpp_conn *, void *, uint32_t,
    const struct smpp_pdu *, void *);
static void link_closed_cb(struct smpp_conn *, enum conn_end, uint32_t,
    void *);
static void pump(struct link *);
static void pump_cb(evutil_socket_t, short, void *);
static void stats_cb(evutil_socket_t, short, void *);

static const struct conn_cbs link_conn_cbs = {
	.bind_request = link_bind_request_cb,
	.bound = link_bound_cb,
	.request = link_request_cb,
	.response = link_response_cb,
	.closed = link_closed_cb,
};

/* xorshift64*: jitter needs no cryptographic quality, only spread. */
static uint64_t
rnd(struct link *l)
{
	l->rng ^= l->rng >> 12;
	l->rng ^= l->rng << 25;
	l->rng ^= l->rng >> 27;
	return l->rng * 0x2545f4914f6cdd1dull;
}

static void
ms_to_tv(uint64_t ms, struct timeval *tv)
{
	tv->tv_sec = (time_t)(ms / 1000);
	tv->tv_usec = (suseconds_t)(ms % 1000) * 1000;
}

static struct conn_params
params_for(const struct link *l, enum conn_bind bind)
{
	struct conn_params p = {
		.role = cfg_link_role(&l->cfg) == LINK_ROLE_SMSC ? CONN_SMSC :
		    CONN_ESME,
		.bind = bind,
		.system_id = l->cfg.system_id,
		.password = l->cfg.password,
		.system_type = l->cfg.system_type,
		.window = l->cfg.window,
		.enquire_ms = l->cfg.enquire_ms,
		.response_ms = l->cfg.response_ms,
		.bind_timeout_ms = l->cfg.bind_timeout_ms,
	};

	if (p.role == CONN_SMSC)
		p.system_id = OUR_SYSTEM_ID;
	return p;
}

static void
conns_add(struct link *l, struct smpp_conn *c)
{
	if (l->nconns == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		l->conns = xreallocarray(l->conns, l->cap, sizeof *l->conns);
	}
	l->conns[l->nconns++] = c;
}

static void
conns_remove(struct link *l, struct smpp_conn *c)
{
	for (unsigned i = 0; i < l->nconns; i++) {
		if (l->conns[i] == c) {
			l->conns[i] = l->conns[--l->nconns];
			return;
		}
	}
}

static struct smpp_conn *
conn_by_id(const struct link *l, uint64_t id)
{
	for (unsigned i = 0; i < l->nconns; i++)
		if (conn_id(l->conns[i]) == id)
			return l->conns[i];
	return NULL;
}

/* Logs link_up / link_down when the ability to transmit changes. */
static void
update_up(struct link *l)
{
	int up = 0;

	for (unsigned i = 0; i < l->nconns && !up; i++)
		up = conn_can_transmit(l->conns[i]);
	if (up == l->up)
		return;
	l->up = up;
	LLOG(l, up ? LOG_INFO : LOG_WARN, up ? "link_up" : "link_down",
	    "binds=%u queued=%u", link_binds(l), l->nqueued);
}

static void
slot_connect(struct slot *s)
{
	struct link *l = s->link;
	struct conn_params p = params_for(l, s->bind);

	s->conn = conn_connect(l->env, l->cfg.host, (int)l->cfg.port, &p,
	    &link_conn_cbs, l, l->prefix);
	if (s->conn != NULL)
		conns_add(l, s->conn);
	else
		LLOG(l, LOG_ERROR, "connect_failed", "reason=no_socket");
}

static void
slot_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	slot_connect(arg);
}

/* Exponential backoff with "equal jitter": half fixed, half random. */
static uint64_t
backoff_ms(struct link *l, unsigned attempt)
{
	uint64_t d = l->cfg.reconnect_min_ms;

	for (unsigned i = 0; i < attempt && d < l->cfg.reconnect_max_ms; i++)
		d *= 2;
	if (d > l->cfg.reconnect_max_ms)
		d = l->cfg.reconnect_max_ms;
	return d / 2 + rnd(l) % (d / 2 + 1);
}

static void
slot_closed(struct link *l, struct slot *s, enum conn_end why,
    uint32_t status)
{
	struct timeval tv;
	uint64_t delay;

	s->conn = NULL;
	if (l->shutting_down)
		return;
	delay = backoff_ms(l, s->attempt++);
	/* Refused credentials will not improve by hammering the SMSC. */
	if (why == CONN_END_BIND_REJECTED && (status == SMPP_RINVPASWD ||
	    status == SMPP_RINVSYSID))
		delay = l->cfg.reconnect_max_ms;
	LLOG(l, LOG_INFO, "reconnect_scheduled", "bind=%s delay_ms=%llu "
	    "attempt=%u", s->bind == CONN_BIND_RX ? "receiver" :
	    s->bind == CONN_BIND_TX ? "transmitter" : "transceiver",
	    (unsigned long long)delay, s->attempt);
	ms_to_tv(delay, &tv);
	event_add(s->retry, &tv);
}

struct link *
link_new(struct conn_env *env, const struct cfg_link *cfg, unsigned stats_ms,
    const struct link_cbs *cbs, void *arg)
{
	struct link *l = xcalloc(1, sizeof *l);
	struct timeval tv;

	l->env = env;
	l->cfg = *cfg;
	l->cbs = cbs;
	l->arg = arg;
	snprintf(l->prefix, sizeof l->prefix, "link=%s", cfg->name);
	TAILQ_INIT(&l->queue);
	TAILQ_INIT(&l->retry);
	if (getrandom(&l->rng, sizeof l->rng, 0) != sizeof l->rng)
		l->rng = (uint64_t)time(NULL) ^ (uintptr_t)l;
	l->rng |= 1;
	l->next_msgid = (rnd(l) & 0xffffffffu) << 24;
	l->next_ref = (uint16_t)rnd(l);
	l->pump_ev = evtimer_new(env->base, pump_cb, l);
	if (stats_ms > 0) {
		l->stats_ev = event_new(env->base, -1, EV_PERSIST, stats_cb, l);
		ms_to_tv(stats_ms, &tv);
		event_add(l->stats_ev, &tv);
	}
	if (cfg->mode == LINK_MODE_CLIENT && cfg_link_role(cfg) ==
	    LINK_ROLE_ESME) {
		l->nslots = cfg->bind == LINK_BIND_TX_RX ? 2 : 1;
		l->slots[0].bind = l->nslots == 2 ? CONN_BIND_TX : CONN_BIND_TRX;
		l->slots[1].bind = CONN_BIND_RX;
	} else if (cfg->mode == LINK_MODE_CLIENT) {
		/* We connect but the peer binds to us (role smsc). */
		l->nslots = 1;
		l->slots[0].bind = CONN_BIND_TRX;
	}
	for (unsigned i = 0; i < l->nslots; i++) {
		l->slots[i].link = l;
		l->slots[i].retry = evtimer_new(env->base, slot_retry_cb,
		    &l->slots[i]);
		slot_connect(&l->slots[i]);
	}
	LLOG(l, LOG_INFO, "link_configured", "mode=%s role=%s bind=%s "
	    "window=%u throughput=%u", cfg_mode_name(cfg->mode),
	    cfg_role_name(cfg_link_role(cfg)), cfg_bind_name(cfg->bind),
	    cfg->window, cfg->throughput);
	return l;
}

/* --- the queue ------------------------------------------------------ */

/* Puts an item back in order among the ready ones (it was sent before). */
static void
queue_ordered(struct link *l, struct mt_item *it)
{
	struct mt_item *at;

	TAILQ_FOREACH(at, &l->queue, q) {
		if (at->order > it->order) {
			TAILQ_INSERT_BEFORE(at, it, q);
			return;
		}
	}
	TAILQ_INSERT_TAIL(&l->queue, it, q);
}

static void
retry_later(struct link *l, struct mt_item *it, uint64_t delay)
{
	struct mt_item *at;

	it->due_ms = clock_ms() + delay;
	TAILQ_FOREACH(at, &l->retry, q) {
		if (at->due_ms > it->due_ms) {
			TAILQ_INSERT_BEFORE(at, it, q);
			return;
		}
	}
	TAILQ_INSERT_TAIL(&l->retry, it, q);
}

/* Tells the message's owner how it ended, and frees it. */
static void
mt_end(struct link *l, struct mt_item *it, enum link_mt_end end,
    uint32_t status, const char *why)
{
	if (it->mt.owner != NULL && l->cbs->mt_done != NULL)
		l->cbs->mt_done(l, it->mt.owner, end, status, it->attempts, why,
		    l->arg);
	free(it);
}

static void
give_up(struct link *l, struct mt_item *it, uint32_t status, const char *why)
{
	LLOG(l, LOG_ERROR, "mt_given_up", "status=0x%x name=%s attempts=%u "
	    "why=%s", status, smpp_status_name(status), it->attempts, why);
	l->st.mt_failed++;
	l->nqueued--;
	mt_end(l, it, LINK_MT_FAILED, status, why);
}

int
link_queue_mt(struct link *l, const struct link_mt *mt)
{
	struct mt_item *it;
	size_t plen;

	if (l->nqueued >= NV_LINK_QUEUE_MAX) {
		LLOG(l, LOG_WARN, "mt_queue_full", "queued=%u", l->nqueued);
		return -1;
	}
	plen = (mt->tlv.have & SMPP_HAVE_MESSAGE_PAYLOAD) ?
	    mt->tlv.message_payload_len : 0;
	it = xcalloc(1, sizeof *it + plen);
	it->mt = *mt;
	if (plen > 0)
		memcpy(it->payload, mt->tlv.message_payload, plen);
	it->mt.tlv.message_payload = plen > 0 ? it->payload : NULL;
	it->order = ++l->next_order;
	it->attempts = mt->attempts;
	if (mt->delay_ms > 0)
		retry_later(l, it, mt->delay_ms);
	else
		TAILQ_INSERT_TAIL(&l->queue, it, q);
	l->nqueued++;
	l->st.mt_queued++;
	/*
	 * Send from the loop, not from here: the MO's response, written
	 * by the caller right after, then precedes the reply (synchronous
	 * peers like Net::SMPP discard a PDU that comes before the response
	 * they wait for), and replies to a burst of MOs go out together.
	 */
	event_active(l->pump_ev, EV_TIMEOUT, 0);
	return 0;
}

static void
fill_pdu(const struct link *l, const struct link_mt *mt, struct smpp_pdu *p)
{
	int smsc = cfg_link_role(&l->cfg) == LINK_ROLE_SMSC;

	smpp_pdu_init(p, smsc ? SMPP_DELIVER_SM : SMPP_SUBMIT_SM, 0);
	snprintf(p->service_type, sizeof p->service_type, "%s",
	    mt->service_type);
	snprintf(p->source_addr, sizeof p->source_addr, "%s", mt->from);
	p->source_addr_ton = mt->from_ton;
	p->source_addr_npi = mt->from_npi;
	snprintf(p->destination_addr, 21, "%s", mt->to);
	p->dest_addr_ton = mt->to_ton;
	p->dest_addr_npi = mt->to_npi;
	p->data_coding = mt->data_coding;
	p->esm_class = mt->esm_class;
	p->registered_delivery = smsc ? 0 : mt->registered_delivery;
	p->sm_length = mt->sm_length;
	memcpy(p->short_message, mt->short_message, mt->sm_length);
	p->tlv = mt->tlv;
}

/* The next connection that may take a message, round robin. */
static struct smpp_conn *
pick_conn(struct link *l)
{
	for (unsigned i = 0; i < l->nconns; i++) {
		struct smpp_conn *c = l->conns[(l->rr + i) % l->nconns];

		if (conn_can_send(c)) {
			l->rr = (l->rr + i + 1) % l->nconns;
			return c;
		}
	}
	return NULL;
}

/* Token bucket: throughput per second, bursts up to one window. */
static double
refill(struct link *l, uint64_t now)
{
	double cap = l->cfg.window > 1 ? l->cfg.window : 1;

	l->tokens += (double)(now - l->tokens_ms) * l->cfg.throughput / 1000.0;
	if (l->tokens > cap)
		l->tokens = cap;
	l->tokens_ms = now;
	return l->tokens;
}

/* Why pump() stopped: how long until it can go on (0 = on an event). */
static uint64_t
pump_wait(struct link *l, uint64_t now)
{
	if (now < l->paused_until)
		return l->paused_until - now;
	if (l->cfg.throughput > 0 && refill(l, now) < 1.0)
		return (uint64_t)((1.0 - l->tokens) * 1000.0 /
		    l->cfg.throughput) + 1;
	return 0;
}

static void
pump(struct link *l)
{
	uint64_t now = clock_ms(), wait = 0;
	struct mt_item *it;
	struct smpp_pdu pdu;
	struct smpp_conn *c;

	while ((it = TAILQ_FIRST(&l->retry)) != NULL && it->due_ms <= now) {
		TAILQ_REMOVE(&l->retry, it, q);
		queue_ordered(l, it);
	}
	while ((it = TAILQ_FIRST(&l->queue)) != NULL && !l->shutting_down) {
		if ((wait = pump_wait(l, now)) > 0)
			break;
		if ((c = pick_conn(l)) == NULL)
			break;	/* bound or response callbacks pump again */
		fill_pdu(l, &it->mt, &pdu);
		switch (conn_send(c, &pdu, it)) {
		case CONN_BUSY:
			goto out;
		case CONN_INVALID:
			TAILQ_REMOVE(&l->queue, it, q);
			give_up(l, it, 0, "not_encodable");
			continue;
		case CONN_SENT:
			TAILQ_REMOVE(&l->queue, it, q);
			l->st.mt_sent++;
			if (l->cfg.throughput > 0)
				l->tokens -= 1.0;
			break;
		}
	}
out:
	if (wait == 0 && (it = TAILQ_FIRST(&l->retry)) != NULL)
		wait = it->due_ms > now ? it->due_ms - now : 1;
	if (wait > 0) {
		struct timeval tv;

		ms_to_tv(wait, &tv);
		event_add(l->pump_ev, &tv);
	}
}

static void
pump_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	pump(arg);
}

/* Temporary failures are retried; everything else is final. */
static int
is_temporary(uint32_t status)
{
	return status == CONN_ST_TIMEOUT || status == SMPP_RX_T_APPN ||
	    status == SMPP_RSYSERR || status == SMPP_RSUBMITFAIL ||
	    (status >= 0x400 && status <= 0x4ff);
}

static void
throttled(struct link *l)
{
	uint64_t now = clock_ms(), pause;
	unsigned step = l->throttle_level < THROTTLE_STEPS ?
	    l->throttle_level : THROTTLE_STEPS;

	/* Responses to one burst must not escalate the pause together. */
	if (now < l->paused_until)
		return;
	pause = (uint64_t)l->cfg.throttle_backoff_ms << step;
	l->throttle_level++;
	l->paused_until = now + pause;
	LLOG(l, LOG_WARN, "throttled", "pause_ms=%llu level=%u queued=%u",
	    (unsigned long long)pause, l->throttle_level, l->nqueued);
}

/* --- connection callbacks ------------------------------------------- */

static void
link_response_cb(struct smpp_conn *c, void *ctx, uint32_t status,
    const struct smpp_pdu *resp, void *arg)
{
	struct link *l = arg;
	struct mt_item *it = ctx;
	uint64_t delay;

	(void)c;
	(void)resp;
	if (status == SMPP_ROK) {
		l->st.mt_ok++;
		l->nqueued--;
		l->throttle_level = 0;
		mt_end(l, it, LINK_MT_OK, SMPP_ROK, "accepted");
	} else if (status == SMPP_RTHROTTLED || status == SMPP_RMSGQFUL) {
		l->st.mt_throttled++;
		queue_ordered(l, it);
		throttled(l);
	} else if (status == CONN_ST_CLOSED) {
		/* Not the message's fault: it goes out on the next bind. */
		queue_ordered(l, it);
	} else if (is_temporary(status) && ++it->attempts < NV_MT_ATTEMPTS_MAX) {
		l->st.mt_retried++;
		delay = (uint64_t)RETRY_BASE_MS << (it->attempts < RETRY_STEPS ?
		    it->attempts - 1 : RETRY_STEPS);
		LLOG(l, LOG_WARN, "mt_retry", "status=0x%x name=%s attempt=%u "
		    "delay_ms=%llu", status, status == CONN_ST_TIMEOUT ?
		    "timeout" : smpp_status_name(status), it->attempts,
		    (unsigned long long)delay);
		if (it->mt.owner != NULL && l->cbs->mt_retry != NULL)
			l->cbs->mt_retry(l, it->mt.owner, status, it->attempts,
			    delay, l->arg);
		retry_later(l, it, delay);
	} else {
		give_up(l, it, status, is_temporary(status) ? "too_many_attempts" :
		    "refused");
	}
	pump(l);
}

static void
link_request_cb(struct smpp_conn *c, const struct smpp_pdu *pdu,
    struct conn_req req, void *arg)
{
	struct link *l = arg;

	(void)c;
	l->st.mo++;
	l->cbs->mo(l, pdu, req, l->arg);
}

static void
link_bound_cb(struct smpp_conn *c, void *arg)
{
	struct link *l = arg;

	for (unsigned i = 0; i < l->nslots; i++)
		if (l->slots[i].conn == c)
			l->slots[i].attempt = 0;
	l->st.binds++;
	LLOG(l, LOG_INFO, "bound", "peer=%s", conn_peer(c));
	update_up(l);
	pump(l);
}

static void
link_closed_cb(struct smpp_conn *c, enum conn_end why, uint32_t status,
    void *arg)
{
	struct link *l = arg;

	conns_remove(l, c);
	l->st.disconnects++;
	if (why == CONN_END_BIND_REJECTED || why == CONN_END_BIND_TIMEOUT)
		l->st.bind_failures++;
	LLOG(l, why == CONN_END_LOCAL || why == CONN_END_UNBOUND ? LOG_INFO :
	    LOG_WARN, "disconnected", "why=%s status=0x%x peer=%s",
	    conn_end_name(why), status, conn_peer(c));
	for (unsigned i = 0; i < l->nslots; i++)
		if (l->slots[i].conn == c)
			slot_closed(l, &l->slots[i], why, status);
	update_up(l);
	pump(l);
}

/* Client mode with role smsc: the SMSC we connected to binds to us. */
static uint32_t
link_bind_request_cb(struct smpp_conn *c, const struct smpp_pdu *pdu,
    void *arg)
{
	struct link *l = arg;

	(void)c;
	return link_check_bind(l, pdu, 0, NULL);
}

/* --- server mode ---------------------------------------------------- */

/* Compares secrets without leaking their length or content by timing. */
static int
secret_equal(const char *a, const char *b, size_t size)
{
	unsigned char d = 0;

	for (size_t i = 0; i < size; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* The leading digits of a code or address, up to the first '*' after them. */
static void
code_digits(const char *s, char *out, size_t size)
{
	size_t n = 0;

	while (*s == '*' || *s == '#' || *s == '+')
		s++;
	for (; *s >= '0' && *s <= '9' && n + 1 < size; s++)
		out[n++] = *s;
	out[n] = '\0';
}

int
link_serves(const struct link *l, const char *dest)
{
	char d[24], c[24];

	if (l->cfg.nshort == 0)
		return 1;
	code_digits(dest, d, sizeof d);
	for (unsigned i = 0; i < l->cfg.nshort; i++) {
		code_digits(l->cfg.short_codes[i], c, sizeof c);
		if (*c != '\0' && strcmp(c, d) == 0)
			return 1;
	}
	return 0;
}

uint32_t
link_check_bind(const struct link *l, const struct smpp_pdu *bind,
    int family, const void *addr)
{
	char pw[sizeof l->cfg.password] = { 0 };

	if (strcmp(bind->system_id, l->cfg.system_id) != 0)
		return SMPP_RINVSYSID;
	snprintf(pw, sizeof pw, "%s", bind->password);
	if (!secret_equal(pw, l->cfg.password, sizeof pw))
		return SMPP_RINVPASWD;
	if (addr != NULL && !cfg_link_allows(&l->cfg, family, addr))
		return SMPP_RBINDFAIL;
	if (l->cfg.mode == LINK_MODE_SERVER && (l->shutting_down ||
	    l->nconns >= l->cfg.max_binds))
		return SMPP_RBINDFAIL;
	return SMPP_ROK;
}

void
link_adopt(struct link *l, struct smpp_conn *c)
{
	struct conn_params p = params_for(l, CONN_BIND_TRX);

	conn_attach(c, &p, &link_conn_cbs, l, l->prefix);
	conns_add(l, c);
}

void
link_respond(struct link *l, struct conn_req req, uint32_t status)
{
	struct smpp_conn *c = conn_by_id(l, req.conn_id);
	char id[24];

	if (c == NULL) {
		LLOG(l, LOG_INFO, "response_dropped", "cmd=%s seq=%u "
		    "why=connection_closed", smpp_cmd_name(req.command_id),
		    req.sequence_number);
		return;
	}
	snprintf(id, sizeof id, "%llx", (unsigned long long)++l->next_msgid);
	conn_respond(c, req, status, id);
}

/* --- life cycle and accessors ---------------------------------------- */

void
link_shutdown(struct link *l)
{
	struct smpp_conn **copy;
	unsigned n = l->nconns;

	l->shutting_down = 1;
	for (unsigned i = 0; i < l->nslots; i++)
		event_del(l->slots[i].retry);
	event_del(l->pump_ev);
	if (l->nqueued > 0)
		LLOG(l, LOG_WARN, "mt_unsent_at_shutdown", "count=%u",
		    l->nqueued);
	if (n == 0)
		return;
	/* Callbacks edit l->conns while we walk it. */
	copy = xreallocarray(NULL, n, sizeof *copy);
	memcpy(copy, l->conns, n * sizeof *copy);
	for (unsigned i = 0; i < n; i++)
		conn_unbind(copy[i]);
	free(copy);
}

int
link_idle(const struct link *l)
{
	return l->nconns == 0;
}

static void
free_list(struct link *l, struct mt_list *list)
{
	struct mt_item *it;

	while ((it = TAILQ_FIRST(list)) != NULL) {
		TAILQ_REMOVE(list, it, q);
		mt_end(l, it, LINK_MT_ABANDONED, 0, "shutdown");
	}
}

/* Connections still open are closed first (their callbacks need l). */
void
link_free(struct link *l)
{
	if (l == NULL)
		return;
	l->shutting_down = 1;
	while (l->nconns > 0)
		conn_close(l->conns[0]);
	for (unsigned i = 0; i < l->nslots; i++)
		event_free(l->slots[i].retry);
	free_list(l, &l->queue);
	free_list(l, &l->retry);
	event_free(l->pump_ev);
	if (l->stats_ev != NULL)
		event_free(l->stats_ev);
	free(l->conns);
	free(l);
}

const char *
link_name(const struct link *l)
{
	return l->cfg.name;
}

const struct cfg_link *
link_cfg(const struct link *l)
{
	return &l->cfg;
}

const struct link_stats *
link_stats(const struct link *l)
{
	return &l->st;
}

unsigned
link_binds(const struct link *l)
{
	unsigned n = 0;

	for (unsigned i = 0; i < l->nconns; i++)
		n += conn_is_bound(l->conns[i]);
	return n;
}

unsigned
link_queued(const struct link *l)
{
	return l->nqueued;
}

unsigned
link_queue_room(const struct link *l)
{
	return NV_LINK_QUEUE_MAX - l->nqueued;
}

uint16_t
link_next_ref(struct link *l)
{
	return ++l->next_ref;
}

void
link_log_stats(struct link *l)
{
	const struct link_stats *s = &l->st;

	LLOG(l, LOG_INFO, "link_stats", "binds=%u queued=%u mo=%llu "
	    "mt_sent=%llu mt_ok=%llu mt_throttled=%llu mt_retried=%llu "
	    "mt_failed=%llu bind_failures=%llu disconnects=%llu",
	    link_binds(l), l->nqueued, (unsigned long long)s->mo,
	    (unsigned long long)s->mt_sent, (unsigned long long)s->mt_ok,
	    (unsigned long long)s->mt_throttled,
	    (unsigned long long)s->mt_retried,
	    (unsigned long long)s->mt_failed,
	    (unsigned long long)s->bind_failures,
	    (unsigned long long)s->disconnects);
}

static void
stats_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	link_log_stats(arg);
}
