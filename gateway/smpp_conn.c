/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "smpp_conn.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/xmalloc.h"
#include "smpp_io.h"
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

struct smpp_conn {
	struct conn_env *env;
	uint64_t id;
	struct smpp_io *io;
	struct event *tick;		/* deadlines, enquire_link, bind timeout */
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
	uint64_t opened_ms, last_rx_ms;
};

static void conn_frame_cb(void *, const uint8_t *, size_t);
static void conn_io_event_cb(void *, enum sio_event, const char *, uint32_t);
static void conn_idle_cb(void *);
static void conn_tick_cb(evutil_socket_t, short, void *);
static void conn_end(struct smpp_conn *, enum conn_end, uint32_t, int);

static const struct sio_cbs conn_io_cbs = {
	.frame = conn_frame_cb,
	.event = conn_io_event_cb,
	.idle = conn_idle_cb,
};

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
	c->opened_ms = c->last_rx_ms = clock_ms();
	return c;
}

/* Frees a connection whose transport could not be created. */
static void
conn_abandon(struct smpp_conn *c)
{
	event_free(c->tick);
	win_free(c->win);
	free(c);
}

struct smpp_conn *
conn_connect(struct conn_env *env, const char *host, int port,
    const struct conn_params *p, const struct conn_cbs *cbs, void *arg,
    const char *log_prefix)
{
	struct smpp_conn *c = conn_new(env, p, cbs, arg, log_prefix);

	c->state = CONN_CONNECTING;
	c->io = sio_connect(env->base, env->dns, host, port, &conn_io_cbs, c);
	if (c->io == NULL) {
		conn_abandon(c);
		return NULL;
	}
	snprintf(c->peer, sizeof c->peer, "%s", sio_peer(c->io));
	arm_tick(c);
	return c;
}

struct smpp_conn *
conn_accept(struct conn_env *env, evutil_socket_t fd,
    const struct conn_params *p, const struct conn_cbs *cbs, void *arg,
    const char *log_prefix)
{
	struct smpp_conn *c = conn_new(env, p, cbs, arg, log_prefix);

	c->state = CONN_OPEN;
	if ((c->io = sio_accept(env->base, fd, &conn_io_cbs, c)) == NULL) {
		conn_abandon(c);
		return NULL;
	}
	snprintf(c->peer, sizeof c->peer, "%s", sio_peer(c->io));
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
	sio_write(c->io, buf, (size_t)n);
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
	size_t out;
	int block;

	if (c->state == CONN_CLOSED)
		return;
	out = sio_outbuf(c->io);
	block = c->inbound >= NV_CONN_INBOUND_MAX || out >= NV_CONN_OUTBUF_MAX;
	if (block == c->read_blocked)
		return;
	c->read_blocked = block;
	sio_pause(c->io, block);
	if (block)
		CLOG(c, LOG_WARN, "backpressure", "inbound=%u outbuf=%zu",
		    c->inbound, out);
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

static void
conn_frame_cb(void *arg, const uint8_t *buf, size_t len)
{
	handle_pdu(arg, buf, len);
}

/* Every PDU read: a peer that unbound can be let go now. */
static void
conn_idle_cb(void *arg)
{
	struct smpp_conn *c = arg;

	if (c->peer_unbound && c->state != CONN_CLOSED)
		conn_end(c, CONN_END_UNBOUND, 0, 1);
}

static void
conn_io_event_cb(void *arg, enum sio_event ev, const char *msg, uint32_t seq)
{
	struct smpp_conn *c = arg;

	switch (ev) {
	case SIO_CONNECTED:
		conn_set_state(c, CONN_OPEN, "connected");
		c->opened_ms = c->last_rx_ms = clock_ms();
		if (c->p.role == CONN_ESME)
			send_bind(c);
		break;
	case SIO_EOF:
		conn_end(c, CONN_END_EOF, 0, 0);
		break;
	case SIO_ERROR:
		CLOG(c, LOG_WARN, "conn_error", "peer=%s error=\"%s\"", c->peer,
		    msg);
		conn_end(c, CONN_END_IO, 0, 0);
		break;
	case SIO_FRAMING:
		/* No resynchronisation is possible: answer once and close. */
		CLOG(c, LOG_WARN, "framing_error", "seq=%u", seq);
		send_simple(c, SMPP_GENERIC_NACK, seq, SMPP_RINVCMDLEN);
		conn_end(c, CONN_END_FRAMING, SMPP_RINVCMDLEN, 1);
		break;
	case SIO_DRAINED:
		flow_check(c);
		break;
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

/* Runs from the loop, never inside a callback of this connection. */
static void
conn_free_cb(evutil_socket_t fd, short what, void *arg)
{
	struct smpp_conn *c = arg;

	(void)fd;
	(void)what;
	event_free(c->tick);
	win_free(c->win);
	free(c);
}

static void
conn_end(struct smpp_conn *c, enum conn_end why, uint32_t status, int flush)
{
	static const struct timeval zero = { 0, 0 };
	struct win_entry e;

	if (c->state == CONN_CLOSED)
		return;
	conn_set_state(c, CONN_CLOSED, end_names[why]);
	event_del(c->tick);
	/* With flush, a last response (unbind_resp, a nack) still leaves. */
	sio_close(c->io, flush);
	/* Outstanding requests go back to the owner to be sent again. */
	while (win_take_any(c->win, &e) == 0) {
		if (is_user_cmd(e.cmd)) {
			c->nuser--;
			c->cbs->response(c, e.ctx, CONN_ST_CLOSED, NULL, c->arg);
		}
	}
	c->cbs->closed(c, why, status, c->arg);
	event_base_once(c->env->base, -1, EV_TIMEOUT, conn_free_cb, c, &zero);
}
