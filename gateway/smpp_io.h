/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A stream of SMPP frames over one TCP socket: the transport under an
 * SMPP session (smpp_conn). It connects or wraps an accepted socket with
 * TCP_NODELAY, cuts the input into whole PDUs by their command_length
 * (refusing lengths outside 16..NV_SMPP_PDU_MAX before buffering them),
 * hands over at most NV_CONN_PDUS_PER_CB PDUs per turn of the event loop,
 * and closes with or without flushing what is queued.
 */
#ifndef NV_SMPP_IO_H
#define NV_SMPP_IO_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

struct evdns_base;
struct smpp_io;

enum sio_event {
	SIO_CONNECTED,	/* an outbound connection is up */
	SIO_EOF,	/* the peer closed */
	SIO_ERROR,	/* socket or name resolution error (msg says which) */
	SIO_FRAMING,	/* impossible command_length; seq of that header or 0 */
	SIO_DRAINED,	/* queued output fell below half of NV_CONN_OUTBUF_MAX */
};

struct sio_cbs {
	/* One whole PDU; buf is valid during the call only. */
	void (*frame)(void *arg, const uint8_t *buf, size_t len);
	void (*event)(void *arg, enum sio_event ev, const char *msg,
	    uint32_t seq);
	/* Every whole PDU received so far has been handed over. */
	void (*idle)(void *arg);
};

/* Connects to host:port (see conn_connect() about names). NULL on failure. */
struct smpp_io *sio_connect(struct event_base *base, struct evdns_base *dns,
    const char *host, int port, const struct sio_cbs *cbs, void *arg);
/* Wraps an accepted socket; takes fd, also on failure (NULL). */
struct smpp_io *sio_accept(struct event_base *base, evutil_socket_t fd,
    const struct sio_cbs *cbs, void *arg);

void sio_write(struct smpp_io *io, const void *buf, size_t len);
size_t sio_outbuf(const struct smpp_io *io);
/* Stops (1) or resumes (0) reading; PDUs already buffered wait too. */
void sio_pause(struct smpp_io *io, int paused);
/* "address:port" of the peer (as configured for outbound connections). */
const char *sio_peer(const struct smpp_io *io);

/*
 * No callback is called after this. With flush, what is queued is sent
 * first, for at most two seconds. The object frees itself from the event
 * loop, never from inside one of its own callbacks.
 */
void sio_close(struct smpp_io *io, int flush);

#endif
