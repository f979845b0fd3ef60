/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "smpp_conn.h"

#include <assert.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/dns.h>

#include "base/clock.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/xmalloc.h"
#include "smpp_window.h"

enum conn_state {
	CONN_CONNECTING,
	CONN_OPEN,		/* TCP up, not bound */
	CONN_BINDING,		/* ESME role: bind sent */
	CONN_BOUND,
	CONN_UNBINDING,		/* unbind sent */
	CONN_CLOSED,
};

#define S(x) (1u << (x))

/* Every state change goes through conn_set_state(), checked here. */
static const struct {
	const char *name;
	unsigned next;
} states[] = {
	[CONN_CONNECTING] = { "connecting", S(CONN_OPEN) | S(CONN_CLOSED) },
	[CONN_OPEN] = { "open", S(CONN_BINDING) | S(CONN_BOUND) |
	    S(CONN_CLOSED) },
	[CONN_BINDING] = { "binding", S(CONN_BOUND) | S(CONN_CLOSED) },
	[CONN_BOUND] = { "bound", S(CONN_UNBINDING) | S(CONN_CLOSED) },
	[CONN_UNBINDING] = { "unbinding", S(CONN_CLOSED) },
	[CONN_CLOSED] = { "closed", 0 },
};

static const char *const end_names[] = {
	[CONN_END_LOCAL] = "local",
	[CONN_END_UNBOUND] = "unbound",
	[CONN_END_EOF] = "peer_closed",
	[CONN_END_IO] = "io_error",
	[CONN_END_FRAMING] = "framing_error",
	[CONN_END_BIND_REJECTED] = "bind_rejected",
	[CONN_END_BIND_TIMEOUT] = "bind_timeout",
	[CONN_END_NOT_ANSWERING] = "peer_not_answering",
};

static const char *const bind_names[] = {
	[CONN_BIND_TRX] = "transceiver",
	[CONN_BIND_TX] = "transmitter",
	[CONN_BIND_RX] = "receiver",
};

/* Time allowed to flush the last PDUs (an unbind_resp) before closing. */
#define FLUSH_MS 2000u

struct smpp_conn {
	struct conn_env *env;
	uint64_t id;
	struct bufferevent *bev;
	struct event *tick;		/* deadlines, enquire_link, bind timeout */
	struct event *resume;		/* more input after the work budget */
	enum conn_state state;
	enum conn_bind bound_as;
	struct conn_params p;
	char system_id[16], password[9], system_type[13];
	const struct conn_cbs *cbs;
	void *arg;
	char prefix[128];
	char peer[80];

	uint32_t next_seq;
	struct smpp_window *win;	/* window + control requests */
	unsigned nuser;			/* user requests outstanding */
	unsigned inbound;		/* requests we have not answered */
	unsigned timeouts;		/* consecutive response timeouts */
	int enquire_out;
	int peer_unbound;		/* unbind received: close once read out */
	int read_blocked;
	int flush_on_close;
	uint64_t opened_ms, last_rx_ms;
};

static void conn_read_cb(struct bufferevent *, void *);
static void conn_write_cb(struct bufferevent *, void *);
static void conn_event_cb(struct bufferevent *, short, void *);
static void conn_tick_cb(evutil_socket_t, short, void *);
static void conn_resume_cb(evutil_socket_t, short, void *);
static void conn_end(struct smpp_conn *, enum conn_end, uint32_t, int);

#define CLOG(c, lvl, ev, ...) \
	log_msg((c)->env->log, lvl, (c)->prefix, ev, __VA_ARGS__)

const char *
conn_end_name(enum conn_end why)
{
	if ((size_t)why >= ARRAY_SIZE(end_names))
		return "?";
	return end_names[why];
}

static void
conn_set_state(struct smpp_conn *c, enum conn_state to, const char *why)
{
	enum conn_state from = c->state;

	assert((states[from].next & S(to)) != 0);
	c->state = to;
	CLOG(c, to == CONN_CLOSED || to == CONN_BOUND ? LOG_INFO : LOG_DEBUG,
	    "conn_state", "from=%s to=%s why=%s peer=%s", states[from].name,
	    states[to].name, why, c->peer);
}

static void
copy_params(struct smpp_conn *c, const struct conn_params *p)
{
	c->p = *p;
	snprintf(c->system_id, sizeof c->system_id, "%s",
	    p->system_id ? p->system_id : "");
	snprintf(c->password, sizeof c->password, "%s",
	    p->password ? p->password : "");
	snprintf(c->system_type, sizeof c->system_type, "%s",
	    p->system_type ? p->system_type : "");
	c->p.system_id = c->system_id;
	c->p.password = c->password;
	c->p.system_type = c->system_type;
	if (c->p.window == 0)
		c->p.window = 1;
	if (c->p.window > NV_SMPP_WINDOW_MAX)
		c->p.window = NV_SMPP_WINDOW_MAX;
	/* Bind, unbind and enquire_link may be out beside the window. */
	win_reserve(c->win, c->p.window + 3u);
}

/* Housekeeping runs often enough to honour the response deadline. */
static void
arm_tick(struct smpp_conn *c)
{
	unsigned ms = c->p.response_ms / 4;
	struct timeval tv;

	if (ms < 50)
		ms = 50;
	if (ms > 1000)
		ms = 1000;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	event_add(c->tick, &tv);
}

static struct smpp_conn *
conn_new(struct conn_env *env, const struct conn_params *p,
    const struct conn_cbs *cbs, void *arg, const char *log_prefix)
{
	struct smpp_conn *c = xcalloc(1, sizeof *c);

	c->env = env;
	c->id = ++env->next_id;
	c->cbs = cbs;
	c->arg = arg;
	c->next_seq = 1;
	c->win = win_new(4);
	copy_params(c, p);
	snprintf(c->prefix, sizeof c->prefix, "%s conn=%llu", log_prefix,
	    (unsigned long long)c->id);
	c->tick = event_new(env->base, -1, EV_PERSIST, conn_tick_cb, c);
	c->resume = event_new(env->base, -1, 0, conn_resume_cb, c);
	c->opened_ms = c->last_rx_ms = clock_ms();
	return c;
}

static void
set_nodelay(evutil_socket_t fd)
{
	int one = 1;

	/* Small PDUs must not wait for Nagle (osmo-msc OS#5568). */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void
setup_bev(struct smpp_conn *c)
{
	bufferevent_setcb(c->bev, conn_read_cb, conn_write_cb, conn_event_cb, c);
	bufferevent_setwatermark(c->bev, EV_WRITE, NV_CONN_OUTBUF_MAX / 2, 0);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

struct smpp_conn *
conn_connect(struct conn_env *env, const char *host, int port,
    const struct conn_params *p, const struct conn_cbs *cbs, void *arg,
    const char *log_prefix)
{
	struct smpp_conn *c = conn_new(env, p, cbs, arg, log_prefix);

	c->state = CONN_CONNECTING;
	snprintf(c->peer, sizeof c->peer, "%s:%d", host, port);
	c->bev = bufferevent_socket_new(env->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		event_free(c->tick);
		event_free(c->resume);
		win_free(c->win);
		free(c);
		return NULL;
	}
	setup_bev(c);
	arm_tick(c);
	/* A failure, even an immediate one, arrives in conn_event_cb. */
	(void)bufferevent_socket_connect_hostname(c->bev, env->dns, AF_UNSPEC,
	    host, port);
	return c;
}

static void
peer_name(evutil_socket_t fd, char *out, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	char host[64];
	int port = 0;

	snprintf(out, size, "?");
	if (getpeername(fd, (struct sockaddr *)&ss, &len) != 0)
		return;
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		evutil_inet_ntop(AF_INET, &sin->sin_addr, host, sizeof host);
		port = ntohs(sin->sin_port);
	} else if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		evutil_inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof host);
		port = ntohs(sin6->sin6_port);
	} else {
		return;
	}
	snprintf(out, size, "%s:%d", host, port);
}

struct smpp_conn *
conn_accept(struct conn_env *env, evutil_socket_t fd,
    const struct conn_params *p, const struct conn_cbs *cbs, void *arg,
    const char *log_prefix)
{
	struct smpp_conn *c;

	evutil_make_socket_nonblocking(fd);
	set_nodelay(fd);
	c = conn_new(env, p, cbs, arg, log_prefix);
	c->state = CONN_OPEN;
	peer_name(fd, c->peer, sizeof c->peer);
	c->bev = bufferevent_socket_new(env->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		evutil_closesocket(fd);
		event_free(c->tick);
		event_free(c->resume);
		win_free(c->win);
		free(c);
		return NULL;
	}
	setup_bev(c);
	arm_tick(c);
	CLOG(c, LOG_DEBUG, "conn_accepted", "peer=%s", c->peer);
	return c;
}

void
conn_attach(struct smpp_conn *c, const struct conn_params *p,
    const struct conn_cbs *cbs, void *arg, const char *log_prefix)
{
	copy_params(c, p);
	c->cbs = cbs;
	c->arg = arg;
	snprintf(c->prefix, sizeof c->prefix, "%s conn=%llu", log_prefix,
	    (unsigned long long)c->id);
	event_del(c->tick);
	arm_tick(c);
}

uint64_t
conn_id(const struct smpp_conn *c)
{
	return c->id;
}

unsigned
conn_outstanding(const struct smpp_conn *c)
{
	return c->nuser;
}

const char *
conn_peer(const struct smpp_conn *c)
{
	return c->peer;
}

int
conn_is_bound(const struct smpp_conn *c)
{
	return c->state == CONN_BOUND;
}

/*
 * In the ESME role we transmit when bound as TX or TRX; in the SMSC role
 * we "transmit" deliver_sm to a peer bound as RX or TRX.
 */
int
conn_can_transmit(const struct smpp_conn *c)
{
	if (c->state != CONN_BOUND)
		return 0;
	if (c->p.role == CONN_ESME)
		return c->bound_as != CONN_BIND_RX;
	return c->bound_as != CONN_BIND_TX;
}

int
conn_can_receive(const struct smpp_conn *c)
{
	if (c->state != CONN_BOUND)
		return 0;
	if (c->p.role == CONN_ESME)
		return c->bound_as != CONN_BIND_TX;
	return c->bound_as != CONN_BIND_RX;
}

int
conn_can_send(const struct smpp_conn *c)
{
	return conn_can_transmit(c) && c->nuser < c->p.window;
}

static uint32_t
take_seq(struct smpp_conn *c)
{
	uint32_t s = c->next_seq;

	/* SMPP 3.4 §3.2: 0x00000001 to 0x7FFFFFFF, then wrap. */
	c->next_seq = s >= 0x7fffffffu ? 1 : s + 1;
	return s;
}

/* Encodes and queues one PDU. Returns 0 or -1 (not encodable). */
static int
write_pdu(struct smpp_conn *c, const struct smpp_pdu *pdu)
{
	uint8_t buf[NV_SMPP_PDU_MAX];
	const char *cause;
	int n;

	n = smpp_encode(pdu, buf, sizeof buf, &cause);
	if (n < 0) {
		CLOG(c, LOG_ERROR, "encode_failed", "cmd=%s cause=%s",
		    smpp_cmd_name(pdu->command_id), cause);
		return -1;
	}
	CLOG(c, LOG_DEBUG, "pdu_tx", "cmd=%s seq=%u status=0x%x len=%d",
	    smpp_cmd_name(pdu->command_id), pdu->sequence_number,
	    pdu->command_status, n);
	evbuffer_add(bufferevent_get_output(c->bev), buf, (size_t)n);
	return 0;
}

static void
send_simple(struct smpp_conn *c, uint32_t cmd, uint32_t seq, uint32_t status)
{
	struct smpp_pdu pdu;

	smpp_pdu_init(&pdu, cmd, seq);
	pdu.command_status = status;
	(void)write_pdu(c, &pdu);
}

static int
pend_add(struct smpp_conn *c, uint32_t seq, uint32_t cmd, void *ctx)
{
	struct win_entry e = { seq, cmd, ctx, clock_ms() + c->p.response_ms };

	return win_add(c->win, &e);
}

static int
is_user_cmd(uint32_t cmd)
{
	return cmd == SMPP_SUBMIT_SM || cmd == SMPP_DELIVER_SM ||
	    cmd == SMPP_DATA_SM;
}

/* Sends a control request (bind, unbind, enquire_link). */
static void
send_control(struct smpp_conn *c, struct smpp_pdu *pdu)
{
	pdu->sequence_number = take_seq(c);
	if (pend_add(c, pdu->sequence_number, pdu->command_id, NULL) != 0)
		return;	/* three control slots: cannot happen */
	(void)write_pdu(c, pdu);
}

enum conn_send_result
conn_send(struct smpp_conn *c, struct smpp_pdu *pdu, void *ctx)
{
	struct win_entry e;

	if (!conn_can_send(c))
		return CONN_BUSY;
	if ((c->p.role == CONN_ESME && pdu->command_id == SMPP_DELIVER_SM) ||
	    (c->p.role == CONN_SMSC && pdu->command_id == SMPP_SUBMIT_SM) ||
	    !is_user_cmd(pdu->command_id))
		return CONN_INVALID;
	pdu->sequence_number = take_seq(c);
	if (pend_add(c, pdu->sequence_number, pdu->command_id, ctx) != 0)
		return CONN_BUSY;
	if (write_pdu(c, pdu) != 0) {
		(void)win_take(c->win, pdu->sequence_number, &e);
		return CONN_INVALID;
	}
	c->nuser++;
	return CONN_SENT;
}

/* Stops reading while the peer has too much unanswered or unread. */
static void
flow_check(struct smpp_conn *c)
{
	size_t out = evbuffer_get_length(bufferevent_get_output(c->bev));
	int block = c->inbound >= NV_CONN_INBOUND_MAX ||
	    out >= NV_CONN_OUTBUF_MAX;

	if (c->state == CONN_CLOSED || block == c->read_blocked)
		return;
	c->read_blocked = block;
	if (block) {
		bufferevent_disable(c->bev, EV_READ);
		CLOG(c, LOG_WARN, "backpressure", "inbound=%u outbuf=%zu",
		    c->inbound, out);
	} else {
		bufferevent_enable(c->bev, EV_READ);
		/* Whole PDUs may already sit in the input buffer. */
		event_active(c->resume, EV_TIMEOUT, 0);
	}
}

void
conn_respond(struct smpp_conn *c, struct conn_req req, uint32_t status,
    const char *message_id)
{
	struct smpp_pdu pdu;

	assert(req.conn_id == c->id);
	if (c->inbound > 0)
		c->inbound--;
	if (c->state == CONN_CLOSED)
		return;
	smpp_pdu_init(&pdu, smpp_resp_of(req.command_id), req.sequence_number);
	pdu.command_status = status;
	if (message_id != NULL && status == SMPP_ROK &&
	    req.command_id != SMPP_DELIVER_SM)
		snprintf(pdu.message_id, sizeof pdu.message_id, "%s",
		    message_id);
	(void)write_pdu(c, &pdu);
	flow_check(c);
}

static void
send_bind(struct smpp_conn *c)
{
	static const uint32_t cmd[] = {
		[CONN_BIND_TRX] = SMPP_BIND_TRANSCEIVER,
		[CONN_BIND_TX] = SMPP_BIND_TRANSMITTER,
		[CONN_BIND_RX] = SMPP_BIND_RECEIVER,
	};
	struct smpp_pdu pdu;

	smpp_pdu_init(&pdu, cmd[c->p.bind], 0);
	snprintf(pdu.system_id, sizeof pdu.system_id, "%s", c->system_id);
	snprintf(pdu.password, sizeof pdu.password, "%s", c->password);
	snprintf(pdu.system_type, sizeof pdu.system_type, "%s",
	    c->system_type);
	pdu.interface_version = 0x34;
	conn_set_state(c, CONN_BINDING, bind_names[c->p.bind]);
	send_control(c, &pdu);
}

static enum conn_bind
bind_kind(uint32_t cmd)
{
	cmd &= ~SMPP_RESP_BIT;
	if (cmd == SMPP_BIND_TRANSMITTER)
		return CONN_BIND_TX;
	if (cmd == SMPP_BIND_RECEIVER)
		return CONN_BIND_RX;
	return CONN_BIND_TRX;
}

static int
is_bind_cmd(uint32_t cmd)
{
	return cmd == SMPP_BIND_TRANSMITTER || cmd == SMPP_BIND_RECEIVER ||
	    cmd == SMPP_BIND_TRANSCEIVER;
}

/* SMSC role: a peer binds. The owner checks its credentials. */
static void
on_bind(struct smpp_conn *c, const struct smpp_pdu *pdu)
{
	struct smpp_pdu r;
	uint32_t st;

	if (c->p.role != CONN_SMSC)
		st = SMPP_RINVBNDSTS;
	else if (c->state != CONN_OPEN)
		st = SMPP_RALYBND;
	else
		st = c->cbs->bind_request(c, pdu, c->arg);
	if (c->state == CONN_CLOSED)
		return;
	smpp_pdu_init(&r, smpp_resp_of(pdu->command_id), pdu->sequence_number);
	r.command_status = st;
	snprintf(r.system_id, sizeof r.system_id, "%s", c->system_id);
	if (st == SMPP_ROK) {
		/* Tell a v5.0 or v3.3 peer which version we speak. */
		r.tlv.have = SMPP_HAVE_SC_INTERFACE_VERSION;
		r.tlv.sc_interface_version = 0x34;
		c->bound_as = bind_kind(pdu->command_id);
	}
	(void)write_pdu(c, &r);
	if (st == SMPP_ROK) {
		conn_set_state(c, CONN_BOUND, bind_names[c->bound_as]);
		c->cbs->bound(c, c->arg);
	} else if (c->state == CONN_OPEN) {
		/* No second guess on the same socket. */
		conn_end(c, CONN_END_BIND_REJECTED, st, 1);
	}
}

/* ESME role on an accepted socket: the SMSC announces itself. */
static void
on_outbind(struct smpp_conn *c, const struct smpp_pdu *pdu)
{
	uint32_t st;

	if (c->p.role != CONN_ESME || c->state != CONN_OPEN) {
		CLOG(c, LOG_WARN, "unexpected_outbind", "state=%s",
		    states[c->state].name);
		return;
	}
	st = c->cbs->bind_request(c, pdu, c->arg);
	if (c->state == CONN_CLOSED)
		return;
	if (st != SMPP_ROK) {
		conn_end(c, CONN_END_BIND_REJECTED, st, 0);
		return;
	}
	send_bind(c);
}

static void
on_request(struct smpp_conn *c, const struct smpp_pdu *pdu)
{
	struct conn_req req = { c->id, pdu->command_id, pdu->sequence_number };
	int ok;

	if (pdu->command_id == SMPP_SUBMIT_SM)
		ok = c->p.role == CONN_SMSC;
	else if (pdu->command_id == SMPP_DELIVER_SM)
		ok = c->p.role == CONN_ESME;
	else
		ok = 1;
	/* The peer may send us messages if its bind lets it. */
	ok = ok && c->state == CONN_BOUND && (c->p.role == CONN_ESME ?
	    c->bound_as != CONN_BIND_TX : c->bound_as != CONN_BIND_RX);
	c->inbound++;
	if (!ok) {
		conn_respond(c, req, SMPP_RINVBNDSTS, NULL);
		return;
	}
	c->cbs->request(c, pdu, req, c->arg);
	flow_check(c);
}

static void
on_control_resp(struct smpp_conn *c, uint32_t cmd, uint32_t status)
{
	if (is_bind_cmd(cmd)) {
		if (status != SMPP_ROK) {
			CLOG(c, LOG_WARN, "bind_failed", "status=0x%x name=%s",
			    status, smpp_status_name(status));
			conn_end(c, CONN_END_BIND_REJECTED, status, 0);
			return;
		}
		c->bound_as = bind_kind(cmd);
		conn_set_state(c, CONN_BOUND, bind_names[c->bound_as]);
		c->cbs->bound(c, c->arg);
	} else if (cmd == SMPP_UNBIND) {
		conn_end(c, CONN_END_UNBOUND, status, 0);
	} else if (cmd == SMPP_ENQUIRE_LINK) {
		c->enquire_out = 0;
	}
}

/* A response or generic_nack to something we sent. */
static void
on_response(struct smpp_conn *c, const struct smpp_pdu *pdu)
{
	struct win_entry e;
	int found;

	/* Kannel nacks with sequence 0: it matches nothing of ours. */
	found = pdu->sequence_number != 0 &&
	    win_take(c->win, pdu->sequence_number, &e) == 0;
	if (found && pdu->command_id != SMPP_GENERIC_NACK &&
	    smpp_resp_of(e.cmd) != pdu->command_id) {
		(void)win_add(c->win, &e);	/* not its answer: keep waiting */
		found = 0;
	}
	if (!found) {
		CLOG(c, LOG_WARN, "unexpected_response",
		    "cmd=%s seq=%u status=0x%x",
		    smpp_cmd_name(pdu->command_id), pdu->sequence_number,
		    pdu->command_status);
		return;
	}
	c->timeouts = 0;
	if (!is_user_cmd(e.cmd)) {
		on_control_resp(c, e.cmd, pdu->command_status);
		return;
	}
	c->nuser--;
	c->cbs->response(c, e.ctx, pdu->command_status,
	    pdu->command_id == SMPP_GENERIC_NACK ? NULL : pdu, c->arg);
}

static void
on_pdu(struct smpp_conn *c, const struct smpp_pdu *pdu)
{
	switch (pdu->command_id) {
	case SMPP_ENQUIRE_LINK:
		send_simple(c, SMPP_ENQUIRE_LINK_RESP, pdu->sequence_number, 0);
		break;
	case SMPP_UNBIND:
		send_simple(c, SMPP_UNBIND_RESP, pdu->sequence_number, 0);
		/*
		 * Responses the peer sent before its unbind may sit behind it
		 * in our buffer: read them before closing (process_input).
		 */
		c->peer_unbound = 1;
		if (c->state == CONN_BOUND)
			conn_set_state(c, CONN_UNBINDING, "peer");
		break;
	case SMPP_BIND_TRANSMITTER:
	case SMPP_BIND_RECEIVER:
	case SMPP_BIND_TRANSCEIVER:
		on_bind(c, pdu);
		break;
	case SMPP_OUTBIND:
		on_outbind(c, pdu);
		break;
	case SMPP_SUBMIT_SM:
	case SMPP_DELIVER_SM:
	case SMPP_DATA_SM:
		on_request(c, pdu);
		break;
	default:
		on_response(c, pdu);
		break;
	}
}

/* Decodes one whole PDU and acts on it or answers the fault. */
static void
handle_pdu(struct smpp_conn *c, const uint8_t *buf, size_t len)
{
	struct smpp_pdu pdu;
	const char *why;
	uint32_t st;
	enum smpp_dec d;

	d = smpp_decode(buf, len, &pdu, &st, &why);
	c->last_rx_ms = clock_ms();
	CLOG(c, LOG_DEBUG, "pdu_rx", "cmd=%s seq=%u status=0x%x len=%zu",
	    smpp_cmd_name(pdu.command_id), pdu.sequence_number,
	    pdu.command_status, len);
	switch (d) {
	case SMPP_DEC_OK:
		on_pdu(c, &pdu);
		break;
	case SMPP_DEC_BAD_BODY:
		CLOG(c, LOG_WARN, "bad_pdu", "cmd=%s seq=%u status=%s cause=%s",
		    smpp_cmd_name(pdu.command_id), pdu.sequence_number,
		    smpp_status_name(st), why);
		send_simple(c, smpp_resp_of(pdu.command_id),
		    pdu.sequence_number, st);
		/* A bad bind ends only a connection that is not bound yet. */
		if (is_bind_cmd(pdu.command_id) && c->state == CONN_OPEN)
			conn_end(c, CONN_END_BIND_REJECTED, st, 1);
		break;
	case SMPP_DEC_BAD_RESP:
		/* Header fields are sound: the outcome still counts. */
		CLOG(c, LOG_WARN, "bad_response_body", "cmd=%s seq=%u cause=%s",
		    smpp_cmd_name(pdu.command_id), pdu.sequence_number, why);
		memset(pdu.message_id, 0, sizeof pdu.message_id);
		on_response(c, &pdu);
		break;
	case SMPP_DEC_UNKNOWN:
	case SMPP_DEC_BAD_LENGTH:
		CLOG(c, LOG_WARN, "unknown_pdu", "command_id=0x%08x seq=%u",
		    pdu.command_id, pdu.sequence_number);
		/* A response we cannot place gets no nack (SMPP 3.4 §4.3). */
		if (!(pdu.command_id & SMPP_RESP_BIT))
			send_simple(c, SMPP_GENERIC_NACK, pdu.sequence_number,
			    st);
		break;
	}
}

/* An impossible command_length: answer once and close (no resync). */
static void
framing_error(struct smpp_conn *c, struct evbuffer *in)
{
	uint8_t hdr[16];
	uint32_t seq = 0;

	if (evbuffer_copyout(in, hdr, sizeof hdr) == (ev_ssize_t)sizeof hdr)
		seq = (uint32_t)hdr[12] << 24 | (uint32_t)hdr[13] << 16 |
		    (uint32_t)hdr[14] << 8 | hdr[15];
	CLOG(c, LOG_WARN, "framing_error", "command_length=%u",
	    (unsigned)((uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
	    (uint32_t)hdr[2] << 8 | hdr[3]));
	send_simple(c, SMPP_GENERIC_NACK, seq, SMPP_RINVCMDLEN);
	evbuffer_drain(in, evbuffer_get_length(in));
	conn_end(c, CONN_END_FRAMING, SMPP_RINVCMDLEN, 1);
}

static void
process_input(struct smpp_conn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	unsigned budget = NV_CONN_PDUS_PER_CB;
	uint8_t hdr[4];
	uint32_t len;
	int more = 0;

	while (c->state != CONN_CLOSED && !c->read_blocked) {
		if (evbuffer_copyout(in, hdr, 4) != 4)
			break;
		if (smpp_frame_len(hdr, &len) != 0) {
			framing_error(c, in);
			return;
		}
		if (evbuffer_get_length(in) < len)
			break;
		if (budget-- == 0) {
			/* Let other links run; continue on the next turn. */
			event_active(c->resume, EV_TIMEOUT, 0);
			more = 1;
			break;
		}
		handle_pdu(c, evbuffer_pullup(in, len), len);
		evbuffer_drain(in, len);
	}
	if (c->peer_unbound && c->state != CONN_CLOSED && !more)
		conn_end(c, CONN_END_UNBOUND, 0, 1);
}

static void
conn_read_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	process_input(arg);
}

static void
conn_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	process_input(arg);
}

static void
conn_write_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	flow_check(arg);
}

static void
conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct smpp_conn *c = arg;

	if (what & BEV_EVENT_CONNECTED) {
		set_nodelay(bufferevent_getfd(bev));
		conn_set_state(c, CONN_OPEN, "connected");
		c->opened_ms = c->last_rx_ms = clock_ms();
		if (c->p.role == CONN_ESME)
			send_bind(c);
		return;
	}
	if (what & BEV_EVENT_EOF) {
		conn_end(c, CONN_END_EOF, 0, 0);
	} else if (what & BEV_EVENT_ERROR) {
		int err = EVUTIL_SOCKET_ERROR();
		int dns = bufferevent_socket_get_dns_error(bev);

		CLOG(c, LOG_WARN, "conn_error", "peer=%s error=\"%s\"", c->peer,
		    dns ? evutil_gai_strerror(dns) :
		    evutil_socket_error_to_string(err));
		conn_end(c, CONN_END_IO, 0, 0);
	}
}

/* Expires requests past their deadline; returns -1 if c was closed. */
static int
expire(struct smpp_conn *c, uint64_t now)
{
	struct win_entry e;

	while (c->state != CONN_CLOSED &&
	    win_take_expired(c->win, now, &e) == 0) {
		CLOG(c, LOG_WARN, "response_timeout", "cmd=%s seq=%u",
		    smpp_cmd_name(e.cmd), e.seq);
		if (e.cmd == SMPP_ENQUIRE_LINK) {
			conn_end(c, CONN_END_NOT_ANSWERING, CONN_ST_TIMEOUT, 0);
		} else if (is_bind_cmd(e.cmd)) {
			conn_end(c, CONN_END_BIND_TIMEOUT, CONN_ST_TIMEOUT, 0);
		} else if (e.cmd == SMPP_UNBIND) {
			conn_end(c, CONN_END_UNBOUND, CONN_ST_TIMEOUT, 0);
		} else {
			c->nuser--;
			c->cbs->response(c, e.ctx, CONN_ST_TIMEOUT, NULL,
			    c->arg);
			if (++c->timeouts >= NV_CONN_TIMEOUTS_DEAD &&
			    c->state != CONN_CLOSED)
				conn_end(c, CONN_END_NOT_ANSWERING,
				    CONN_ST_TIMEOUT, 0);
		}
	}
	return c->state == CONN_CLOSED ? -1 : 0;
}

static void
conn_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct smpp_conn *c = arg;
	uint64_t now = clock_ms();
	struct smpp_pdu pdu;

	(void)fd;
	(void)what;
	if (expire(c, now) != 0)
		return;
	if (c->state != CONN_BOUND && c->state != CONN_UNBINDING &&
	    now - c->opened_ms >= c->p.bind_timeout_ms) {
		conn_end(c, CONN_END_BIND_TIMEOUT, 0, 0);
		return;
	}
	if (c->state == CONN_BOUND && !c->enquire_out &&
	    now - c->last_rx_ms >= c->p.enquire_ms) {
		smpp_pdu_init(&pdu, SMPP_ENQUIRE_LINK, 0);
		c->enquire_out = 1;
		send_control(c, &pdu);
	}
}

void
conn_unbind(struct smpp_conn *c)
{
	struct smpp_pdu pdu;

	if (c->state != CONN_BOUND) {
		conn_close(c);
		return;
	}
	conn_set_state(c, CONN_UNBINDING, "local");
	smpp_pdu_init(&pdu, SMPP_UNBIND, 0);
	send_control(c, &pdu);
}

void
conn_close(struct smpp_conn *c)
{
	conn_end(c, CONN_END_LOCAL, 0, 0);
}

static void
conn_destroy(struct smpp_conn *c)
{
	bufferevent_free(c->bev);
	event_free(c->tick);
	event_free(c->resume);
	win_free(c->win);
	free(c);
}

static void
conn_flush_cb(struct bufferevent *bev, void *arg)
{
	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		conn_destroy(arg);
}

static void
conn_flush_fail_cb(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)what;
	conn_destroy(arg);
}

static void
conn_flush_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	conn_destroy(arg);
}

/* Runs from the loop, never inside a callback of this connection. */
static void
conn_reap_cb(evutil_socket_t fd, short what, void *arg)
{
	struct smpp_conn *c = arg;
	struct timeval tv = { FLUSH_MS / 1000, (FLUSH_MS % 1000) * 1000 };

	(void)fd;
	(void)what;
	if (!c->flush_on_close ||
	    evbuffer_get_length(bufferevent_get_output(c->bev)) == 0) {
		conn_destroy(c);
		return;
	}
	/* Let a last response (unbind_resp, a nack) reach the peer. */
	bufferevent_setwatermark(c->bev, EV_WRITE, 0, 0);
	bufferevent_setcb(c->bev, NULL, conn_flush_cb, conn_flush_fail_cb, c);
	bufferevent_enable(c->bev, EV_WRITE);
	event_assign(c->tick, c->env->base, -1, 0, conn_flush_timeout_cb, c);
	event_add(c->tick, &tv);
}

static void
conn_end(struct smpp_conn *c, enum conn_end why, uint32_t status, int flush)
{
	static const struct timeval zero = { 0, 0 };
	struct win_entry e;

	if (c->state == CONN_CLOSED)
		return;
	conn_set_state(c, CONN_CLOSED, end_names[why]);
	c->flush_on_close = flush;
	event_del(c->tick);
	event_del(c->resume);
	bufferevent_disable(c->bev, EV_READ);
	/* Outstanding requests go back to the owner to be sent again. */
	while (win_take_any(c->win, &e) == 0) {
		if (is_user_cmd(e.cmd)) {
			c->nuser--;
			c->cbs->response(c, e.ctx, CONN_ST_CLOSED, NULL, c->arg);
		}
	}
	c->cbs->closed(c, why, status, c->arg);
	event_base_once(c->env->base, -1, EV_TIMEOUT, conn_reap_cb, c, &zero);
}
