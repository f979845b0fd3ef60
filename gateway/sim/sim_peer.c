/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "sim/sim_peer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/listener.h>

#include "base/log.h"
#include "base/xmalloc.h"
#include "sim/sim_util.h"

/* One TCP connection slot; stable address for smpp_conn callbacks. */
struct pconn {
	struct sim_peer *peer;
	struct smpp_conn *c;		/* NULL while closed */
	enum conn_bind bind;		/* connect as ESME: what we bind as */
	struct event *retry;		/* connect: reconnect timer */
	int bound;
	size_t idx;
};

struct sim_peer {
	struct sim_ctx *ctx;
	struct sim_peer_opts o;
	char host[SIM_HOST_MAX], sysid[16], pass[9], systype[13], tag[64];
	const struct sim_peer_cbs *cbs;
	void *arg;
	struct evconnlistener *lst;
	struct pconn **pc;		/* slots; NULL = free (listen mode) */
	size_t npc, cap;
	size_t rr;			/* round-robin cursor */
	size_t hint;			/* a slot that just got a response */
	unsigned nmo, nall, nopen;
	uint64_t next_msgid;
	int shutting;
	struct event *failsafe;		/* closes sessions that never unbind */
};

static uint32_t pc_bind_request(struct smpp_conn *, const struct smpp_pdu *,
    void *);
static void pc_bound(struct smpp_conn *, void *);
static void pc_request(struct smpp_conn *, const struct smpp_pdu *,
    struct conn_req, void *);
static void pc_response(struct smpp_conn *, void *, uint32_t,
    const struct smpp_pdu *, void *);
static void pc_closed(struct smpp_conn *, enum conn_end, uint32_t, void *);

static const struct conn_cbs pc_cbs = {
	.bind_request = pc_bind_request,
	.bound = pc_bound,
	.request = pc_request,
	.response = pc_response,
	.closed = pc_closed,
};

static void
conn_params_of(const struct sim_peer *p, enum conn_bind bind,
    struct conn_params *cp)
{
	memset(cp, 0, sizeof *cp);
	cp->role = p->o.role;
	cp->bind = bind;
	/* As SMSC our system_id goes into bind_resp. */
	cp->system_id = p->o.role == CONN_ESME ? p->sysid : "numvertsmsc";
	cp->password = p->pass;
	cp->system_type = p->systype;
	cp->window = p->o.window;
	cp->enquire_ms = p->o.enquire_ms;
	cp->response_ms = p->o.response_ms;
	cp->bind_timeout_ms = p->o.role == CONN_SMSC && !p->o.connect ?
	    60000u : p->o.response_ms + 5000u;
}

static struct pconn *
slot_new(struct sim_peer *p)
{
	struct pconn *pc = xcalloc(1, sizeof *pc);

	pc->peer = p;
	for (size_t i = 0; i < p->npc; i++) {
		if (p->pc[i] == NULL) {
			pc->idx = i;
			p->pc[i] = pc;
			return pc;
		}
	}
	if (p->npc == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->pc = xreallocarray(p->pc, p->cap, sizeof *p->pc);
	}
	pc->idx = p->npc;
	p->pc[p->npc++] = pc;
	return pc;
}

static void
slot_free(struct pconn *pc)
{
	pc->peer->pc[pc->idx] = NULL;
	if (pc->retry != NULL)
		event_free(pc->retry);
	free(pc);
}

static void
log_prefix(const struct sim_peer *p, char *buf, size_t size)
{
	snprintf(buf, size, "%s", p->tag);
}

static void
pc_connect(struct pconn *pc)
{
	struct sim_peer *p = pc->peer;
	struct conn_params cp;
	char pre[80];

	conn_params_of(p, pc->bind, &cp);
	log_prefix(p, pre, sizeof pre);
	pc->c = conn_connect(&p->ctx->env, p->host, p->o.port, &cp, &pc_cbs,
	    pc, pre);
	if (pc->c != NULL)
		p->nopen++;
}

static void
retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pconn *pc = arg;

	(void)fd;
	(void)what;
	if (!pc->peer->shutting)
		pc_connect(pc);
}

static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct sim_peer *p = arg;
	struct pconn *pc;
	struct conn_params cp;
	char pre[80];

	(void)l;
	(void)sa;
	(void)salen;
	if (p->shutting) {
		evutil_closesocket(fd);
		return;
	}
	pc = slot_new(p);
	conn_params_of(p, CONN_BIND_TRX, &cp);
	log_prefix(p, pre, sizeof pre);
	pc->c = conn_accept(&p->ctx->env, fd, &cp, &pc_cbs, pc, pre);
	if (pc->c == NULL) {
		slot_free(pc);
		return;
	}
	p->nopen++;
}

static int
start_connects(struct sim_peer *p)
{
	unsigned per = p->o.role == CONN_ESME && p->o.pairs ? 2 : 1;

	for (unsigned i = 0; i < p->o.binds * per; i++) {
		struct pconn *pc = slot_new(p);

		pc->bind = per == 1 ? CONN_BIND_TRX :
		    i % 2 == 0 ? CONN_BIND_TX : CONN_BIND_RX;
		pc->retry = evtimer_new(p->ctx->base, retry_cb, pc);
		pc_connect(pc);
		if (pc->c == NULL)
			return -1;
	}
	return 0;
}

static void
failsafe_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sim_peer *p = arg;

	(void)fd;
	(void)what;
	for (size_t i = 0; i < p->npc; i++)
		if (p->pc[i] != NULL && p->pc[i]->c != NULL)
			conn_close(p->pc[i]->c);
}

struct sim_peer *
sim_peer_new(struct sim_ctx *ctx, const struct sim_peer_opts *o,
    const struct sim_peer_cbs *cbs, void *arg, int *bound, const char **cause)
{
	struct sim_peer *p = xcalloc(1, sizeof *p);

	p->ctx = ctx;
	p->o = *o;
	snprintf(p->host, sizeof p->host, "%s", o->host);
	snprintf(p->sysid, sizeof p->sysid, "%s", o->system_id ? o->system_id :
	    "");
	snprintf(p->pass, sizeof p->pass, "%s", o->password ? o->password : "");
	snprintf(p->systype, sizeof p->systype, "%s",
	    o->system_type ? o->system_type : "");
	snprintf(p->tag, sizeof p->tag, "%s", o->tag ? o->tag : "sim=peer");
	p->o.system_id = o->system_id ? p->sysid : NULL;
	p->o.password = o->password ? p->pass : NULL;
	p->cbs = cbs;
	p->arg = arg;
	p->failsafe = evtimer_new(ctx->base, failsafe_cb, p);
	*bound = o->port;
	if (o->connect) {
		if (start_connects(p) != 0) {
			*cause = "cannot create a socket";
			goto fail;
		}
		return p;
	}
	p->lst = sim_listen(ctx->base, o->host, o->port, accept_cb, p, bound,
	    cause);
	if (p->lst == NULL)
		goto fail;
	return p;
fail:
	p->shutting = 1;
	for (size_t i = 0; i < p->npc; i++)
		if (p->pc[i] != NULL && p->pc[i]->c != NULL)
			conn_close(p->pc[i]->c);	/* reaped by the loop */
	sim_peer_free(p);
	return NULL;
}

static uint32_t
pc_bind_request(struct smpp_conn *c, const struct smpp_pdu *pdu, void *arg)
{
	struct pconn *pc = arg;
	struct sim_peer *p = pc->peer;
	char q[LOG_QBUF];

	(void)c;
	if (p->shutting)
		return SMPP_RBINDFAIL;
	if (p->o.system_id != NULL && strcmp(pdu->system_id, p->sysid) != 0) {
		log_msg(p->ctx->log, LOG_WARN, p->tag, "bind_refused",
		    "why=system_id system_id=%s",
		    log_qs(q, sizeof q, pdu->system_id));
		return SMPP_RINVSYSID;
	}
	if (p->o.password != NULL && strcmp(pdu->password, p->pass) != 0) {
		log_msg(p->ctx->log, LOG_WARN, p->tag, "bind_refused",
		    "why=password system_id=%s",
		    log_qs(q, sizeof q, pdu->system_id));
		return SMPP_RINVPASWD;
	}
	return SMPP_ROK;
}

static void
recount(struct sim_peer *p)
{
	unsigned mo = 0, all = 0;

	for (size_t i = 0; i < p->npc; i++) {
		struct pconn *pc = p->pc[i];

		if (pc == NULL || pc->c == NULL || !pc->bound)
			continue;
		all++;
		if (conn_can_transmit(pc->c))
			mo++;
	}
	p->nmo = mo;
	p->nall = all;
	if (p->cbs->binds != NULL && !p->shutting)
		p->cbs->binds(p->arg, mo, all);
}

static void
pc_bound(struct smpp_conn *c, void *arg)
{
	struct pconn *pc = arg;

	(void)c;
	pc->bound = 1;
	recount(pc->peer);
}

static void
pc_request(struct smpp_conn *c, const struct smpp_pdu *pdu,
    struct conn_req req, void *arg)
{
	struct pconn *pc = arg;
	struct sim_peer *p = pc->peer;
	char msgid[16] = "";
	uint32_t st;

	if (pdu->command_id != SMPP_DELIVER_SM)
		snprintf(msgid, sizeof msgid, "%08llX",
		    (unsigned long long)++p->next_msgid);
	st = p->cbs->mt(p->arg, pdu, msgid);
	conn_respond(c, req, st, msgid[0] ? msgid : NULL);
}

static void
pc_response(struct smpp_conn *c, void *ctx, uint32_t status,
    const struct smpp_pdu *resp, void *arg)
{
	struct pconn *pc = arg;

	(void)c;
	(void)resp;
	pc->peer->hint = pc->idx;
	pc->peer->cbs->mo_done(pc->peer->arg, ctx, status);
}

static void
pc_closed(struct smpp_conn *c, enum conn_end why, uint32_t status, void *arg)
{
	struct pconn *pc = arg;
	struct sim_peer *p = pc->peer;
	int was_bound = pc->bound;

	(void)c;
	log_msg(p->ctx->log, p->shutting ? LOG_DEBUG : LOG_INFO, p->tag,
	    "session_closed", "why=%s status=%s", conn_end_name(why),
	    smpp_status_name(status));
	pc->c = NULL;
	pc->bound = 0;
	p->nopen--;
	/* Also after a refused bind, so owners can see nothing is left. */
	(void)was_bound;
	recount(p);
	if (p->shutting) {
		if (p->nopen == 0)
			event_del(p->failsafe);
		return;
	}
	if (!p->o.connect) {
		slot_free(pc);
	} else if (p->o.reconnect_ms > 0) {
		struct timeval tv = sim_tv(p->o.reconnect_ms);

		evtimer_add(pc->retry, &tv);
	}
}

static int
send_result(enum conn_send_result r)
{
	return r == CONN_SENT ? SIM_SENT : r == CONN_INVALID ? SIM_INVALID :
	    SIM_BUSY;
}

int
sim_peer_room_on(const struct sim_peer *p, size_t slot)
{
	const struct pconn *pc = slot < p->npc ? p->pc[slot] : NULL;

	return !p->shutting && pc != NULL && pc->c != NULL && pc->bound &&
	    conn_can_send(pc->c);
}

int
sim_peer_send_on(struct sim_peer *p, size_t slot, struct smpp_pdu *pdu,
    void *ctx)
{
	struct pconn *pc = slot < p->npc ? p->pc[slot] : NULL;

	if (!sim_peer_room_on(p, slot))
		return SIM_BUSY;
	pdu->command_id = p->o.role == CONN_SMSC ? SMPP_DELIVER_SM :
	    SMPP_SUBMIT_SM;
	return send_result(conn_send(pc->c, pdu, ctx));
}

size_t
sim_peer_mo_slots(const struct sim_peer *p, size_t *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < p->npc && n < max; i++) {
		struct pconn *pc = p->pc[i];

		if (pc != NULL && pc->c != NULL && pc->bound &&
		    conn_can_transmit(pc->c))
			out[n++] = i;
	}
	return n;
}

/* Finds a bind with room, starting at the hint, then round robin. */
int
sim_peer_send(struct sim_peer *p, struct smpp_pdu *pdu, void *ctx)
{
	size_t n = p->npc;

	if (p->shutting || n == 0 || p->nmo == 0)
		return SIM_BUSY;
	pdu->command_id = p->o.role == CONN_SMSC ? SMPP_DELIVER_SM :
	    SMPP_SUBMIT_SM;
	for (size_t k = 0; k <= n; k++) {
		size_t i = k == 0 ? p->hint : (p->rr + k) % n;
		struct pconn *pc = i < n ? p->pc[i] : NULL;

		if (pc == NULL || pc->c == NULL || !conn_can_send(pc->c))
			continue;
		switch (conn_send(pc->c, pdu, ctx)) {
		case CONN_SENT:
			if (k > 0)
				p->rr = i;
			return SIM_SENT;
		case CONN_INVALID:
			return SIM_INVALID;
		case CONN_BUSY:
			break;
		}
	}
	return SIM_BUSY;
}

unsigned
sim_peer_mo_binds(const struct sim_peer *p)
{
	return p->nmo;
}

int
sim_peer_dead(const struct sim_peer *p)
{
	return p->o.connect && p->o.reconnect_ms == 0 && p->nopen == 0;
}

void
sim_peer_shutdown(struct sim_peer *p)
{
	struct timeval tv = sim_tv(p->o.response_ms + 500u);

	if (p->shutting)
		return;
	p->shutting = 1;
	if (p->lst != NULL) {
		evconnlistener_free(p->lst);
		p->lst = NULL;
	}
	for (size_t i = 0; i < p->npc; i++) {
		struct pconn *pc = p->pc[i];

		if (pc == NULL)
			continue;
		if (pc->retry != NULL)
			evtimer_del(pc->retry);
		/* May close at once and call pc_closed() right here. */
		if (pc->c != NULL)
			conn_unbind(pc->c);
	}
	if (p->nopen > 0)
		evtimer_add(p->failsafe, &tv);
}

void
sim_peer_free(struct sim_peer *p)
{
	if (p == NULL)
		return;
	if (p->lst != NULL)
		evconnlistener_free(p->lst);
	for (size_t i = 0; i < p->npc; i++)
		if (p->pc[i] != NULL)
			slot_free(p->pc[i]);
	free(p->pc);
	event_free(p->failsafe);
	free(p);
}
