/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One SMPP session over one TCP connection, in either SMPP role.
 *
 * The connection frames and decodes PDUs, runs the bind state machine,
 * numbers requests, keeps the send window with a response deadline per
 * request, sends and answers enquire_link, and bounds what a peer can
 * make it buffer. It knows nothing of carriers, queues or retries: its
 * owner (a link) decides what to send and what to do when a request
 * fails.
 *
 * Lifetime: a connection closes itself on any error; it then fails every
 * outstanding request through the response callback, calls the closed
 * callback once, and frees itself from the event loop afterwards. The
 * owner must forget the pointer in its closed callback.
 */
#ifndef NV_SMPP_CONN_H
#define NV_SMPP_CONN_H

#include <stdint.h>

#include <event2/event.h>

#include "smpp_codec.h"

struct evdns_base;
struct logger;
struct smpp_conn;

/*
 * What every connection of a process shares: the loop, the resolver,
 * the logger and the source of connection ids. Owned by main.
 */
struct conn_env {
	struct event_base *base;
	struct evdns_base *dns;
	struct logger *log;
	uint64_t next_id;
};

enum conn_role {
	CONN_ESME,		/* we bind; the peer delivers MO with deliver_sm */
	CONN_SMSC,		/* the peer binds; it submits MO with submit_sm */
};

enum conn_bind {
	CONN_BIND_TRX,
	CONN_BIND_TX,
	CONN_BIND_RX,
};

/* Why a connection ended (closed callback). */
enum conn_end {
	CONN_END_LOCAL,			/* conn_close() or shutdown */
	CONN_END_UNBOUND,		/* unbind exchanged, either side */
	CONN_END_EOF,			/* peer closed the socket */
	CONN_END_IO,			/* socket error, connect failure */
	CONN_END_FRAMING,		/* command_length out of bounds */
	CONN_END_BIND_REJECTED,		/* bind_resp with an error status */
	CONN_END_BIND_TIMEOUT,		/* not bound within bind_timeout */
	CONN_END_NOT_ANSWERING,		/* responses or enquire_link timed out */
};

/* Pseudo-statuses of the response callback for requests that got none. */
#define CONN_ST_TIMEOUT 0xfffffff0u
#define CONN_ST_CLOSED 0xfffffff1u

struct conn_params {
	enum conn_role role;
	enum conn_bind bind;		/* ESME role: the bind we send */
	const char *system_id;		/* ESME role: our credentials */
	const char *password;
	const char *system_type;
	unsigned window;		/* outstanding requests, 1..NV_SMPP_WINDOW_MAX */
	unsigned enquire_ms;		/* idle time before an enquire_link */
	unsigned response_ms;		/* deadline of every request */
	unsigned bind_timeout_ms;	/* from TCP up to bound */
};

/*
 * Identifies an inbound request, to be answered later. Keep this, not the
 * connection pointer: the owner finds the connection again by conn_id
 * (a connection is freed soon after its closed callback), and a request
 * whose connection has gone cannot be answered; the peer resends it.
 */
struct conn_req {
	uint64_t conn_id;
	uint32_t command_id;
	uint32_t sequence_number;
};

struct conn_cbs {
	/*
	 * A bind_* (SMSC role) or an outbind (ESME role, accepted socket)
	 * arrived in the open state. Return ESME_ROK to accept it (the
	 * owner may call conn_attach() first) or the status to refuse it.
	 */
	uint32_t (*bind_request)(struct smpp_conn *, const struct smpp_pdu *,
	    void *arg);
	void (*bound)(struct smpp_conn *, void *arg);
	/*
	 * A submit_sm, deliver_sm or data_sm the role allows. The owner
	 * must answer it with conn_respond(), now or later.
	 */
	void (*request)(struct smpp_conn *, const struct smpp_pdu *,
	    struct conn_req req, void *arg);
	/*
	 * The outcome of a request sent with conn_send(): the peer's
	 * command_status (resp may be NULL for generic_nack), or
	 * CONN_ST_TIMEOUT / CONN_ST_CLOSED with resp NULL.
	 */
	void (*response)(struct smpp_conn *, void *ctx, uint32_t status,
	    const struct smpp_pdu *resp, void *arg);
	void (*closed)(struct smpp_conn *, enum conn_end why, uint32_t status,
	    void *arg);
};

/*
 * Starts an outbound connection. host may be a name when env->dns is set
 * (evdns resolves it without blocking); with env->dns NULL it must be a
 * numeric address, or libevent resolves it blocking the loop. The
 * strings in p are copied. Returns NULL only if
 * the socket cannot be created; a failed connect ends in closed().
 */
struct smpp_conn *conn_connect(struct conn_env *env, const char *host,
    int port, const struct conn_params *p, const struct conn_cbs *cbs,
    void *arg, const char *log_prefix);

/* Wraps an accepted socket; takes ownership of fd, also on failure. */
struct smpp_conn *conn_accept(struct conn_env *env, evutil_socket_t fd,
    const struct conn_params *p, const struct conn_cbs *cbs, void *arg,
    const char *log_prefix);

/* Hands the connection to a new owner (a link, once a bind matched). */
void conn_attach(struct smpp_conn *c, const struct conn_params *p,
    const struct conn_cbs *cbs, void *arg, const char *log_prefix);

enum conn_send_result {
	CONN_SENT,
	CONN_BUSY,		/* not bound for it, or window full: retry later */
	CONN_INVALID,		/* the PDU cannot be encoded: never retry */
};

/*
 * Sends a request (submit_sm, deliver_sm, data_sm). The connection
 * assigns the sequence number (written into pdu). ctx comes back in the
 * response callback, which is never called from inside conn_send().
 */
enum conn_send_result conn_send(struct smpp_conn *c, struct smpp_pdu *pdu,
    void *ctx);

/* Answers an inbound request. message_id may be NULL. */
void conn_respond(struct smpp_conn *c, struct conn_req req, uint32_t status,
    const char *message_id);

/* Sends unbind and closes when answered (or after the response deadline). */
void conn_unbind(struct smpp_conn *c);

/* Closes at once: outstanding requests fail with CONN_ST_CLOSED. */
void conn_close(struct smpp_conn *c);

int conn_can_send(const struct smpp_conn *c);	/* bound for requests, window free */
int conn_is_bound(const struct smpp_conn *c);
int conn_can_transmit(const struct smpp_conn *c); /* bound as TX or TRX */
int conn_can_receive(const struct smpp_conn *c);  /* bound as RX or TRX */
uint64_t conn_id(const struct smpp_conn *c);
unsigned conn_outstanding(const struct smpp_conn *c);
const char *conn_peer(const struct smpp_conn *c);	/* "a.b.c.d:port" */
const char *conn_end_name(enum conn_end why);

#endif
