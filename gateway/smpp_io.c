/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "smpp_io.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/dns.h>

#include "base/limits.h"
#include "base/xmalloc.h"
#include "smpp_codec.h"

/* Time allowed to flush the last PDUs (an unbind_resp, a nack) on close. */
#define FLUSH_MS 2000u

struct smpp_io {
	struct event_base *base;
	struct bufferevent *bev;
	struct event *resume;		/* more input after the work budget */
	struct event *flush_timer;
	const struct sio_cbs *cbs;
	void *arg;
	char peer[80];
	int paused;
	int closed;
	int flush;
};

static void sio_read_cb(struct bufferevent *, void *);
static void sio_write_cb(struct bufferevent *, void *);
static void sio_event_cb(struct bufferevent *, short, void *);
static void sio_resume_cb(evutil_socket_t, short, void *);

static void
set_nodelay(evutil_socket_t fd)
{
	int one = 1;

	/* Small PDUs must not wait for Nagle (osmo-msc OS#5568). */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static struct smpp_io *
sio_new(struct event_base *base, evutil_socket_t fd, const struct sio_cbs *cbs,
    void *arg)
{
	struct smpp_io *io = xcalloc(1, sizeof *io);

	io->base = base;
	io->cbs = cbs;
	io->arg = arg;
	io->bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (io->bev == NULL) {
		free(io);
		return NULL;
	}
	io->resume = event_new(base, -1, 0, sio_resume_cb, io);
	bufferevent_setcb(io->bev, sio_read_cb, sio_write_cb, sio_event_cb, io);
	/* The write callback then means "below half full": see sio_event. */
	bufferevent_setwatermark(io->bev, EV_WRITE, NV_CONN_OUTBUF_MAX / 2, 0);
	bufferevent_enable(io->bev, EV_READ | EV_WRITE);
	return io;
}

struct smpp_io *
sio_connect(struct event_base *base, struct evdns_base *dns, const char *host,
    int port, const struct sio_cbs *cbs, void *arg)
{
	struct smpp_io *io = sio_new(base, -1, cbs, arg);

	if (io == NULL)
		return NULL;
	snprintf(io->peer, sizeof io->peer, "%s:%d", host, port);
	/* A failure, even an immediate one, arrives in sio_event_cb. */
	(void)bufferevent_socket_connect_hostname(io->bev, dns, AF_UNSPEC, host,
	    port);
	return io;
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

struct smpp_io *
sio_accept(struct event_base *base, evutil_socket_t fd,
    const struct sio_cbs *cbs, void *arg)
{
	struct smpp_io *io;

	evutil_make_socket_nonblocking(fd);
	set_nodelay(fd);
	if ((io = sio_new(base, fd, cbs, arg)) == NULL) {
		evutil_closesocket(fd);
		return NULL;
	}
	peer_name(fd, io->peer, sizeof io->peer);
	return io;
}

void
sio_write(struct smpp_io *io, const void *buf, size_t len)
{
	evbuffer_add(bufferevent_get_output(io->bev), buf, len);
}

size_t
sio_outbuf(const struct smpp_io *io)
{
	return evbuffer_get_length(bufferevent_get_output(io->bev));
}

void
sio_pause(struct smpp_io *io, int paused)
{
	if (io->closed || paused == io->paused)
		return;
	io->paused = paused;
	if (paused) {
		bufferevent_disable(io->bev, EV_READ);
	} else {
		bufferevent_enable(io->bev, EV_READ);
		/* Whole PDUs may already sit in the input buffer. */
		event_active(io->resume, EV_TIMEOUT, 0);
	}
}

const char *
sio_peer(const struct smpp_io *io)
{
	return io->peer;
}

/* Reads the sequence number of a header whose length is impossible. */
static uint32_t
bad_header_seq(struct evbuffer *in)
{
	uint8_t hdr[16];

	if (evbuffer_copyout(in, hdr, sizeof hdr) != (ev_ssize_t)sizeof hdr)
		return 0;
	return (uint32_t)hdr[12] << 24 | (uint32_t)hdr[13] << 16 |
	    (uint32_t)hdr[14] << 8 | hdr[15];
}

static void
process(struct smpp_io *io)
{
	struct evbuffer *in = bufferevent_get_input(io->bev);
	unsigned budget = NV_CONN_PDUS_PER_CB;
	uint8_t hdr[4];
	uint32_t len;

	while (!io->closed && !io->paused) {
		if (evbuffer_copyout(in, hdr, 4) != 4)
			break;
		if (smpp_frame_len(hdr, &len) != 0) {
			/* No resynchronisation is possible: the owner closes. */
			uint32_t seq = bad_header_seq(in);

			evbuffer_drain(in, evbuffer_get_length(in));
			io->cbs->event(io->arg, SIO_FRAMING, NULL, seq);
			return;
		}
		if (evbuffer_get_length(in) < len)
			break;
		if (budget-- == 0) {
			/* Let other links run; continue on the next turn. */
			event_active(io->resume, EV_TIMEOUT, 0);
			return;
		}
		io->cbs->frame(io->arg, evbuffer_pullup(in, len), len);
		evbuffer_drain(in, len);
	}
	if (!io->closed)
		io->cbs->idle(io->arg);
}

static void
sio_read_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	process(arg);
}

static void
sio_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	process(arg);
}

static void
sio_write_cb(struct bufferevent *bev, void *arg)
{
	struct smpp_io *io = arg;

	(void)bev;
	if (!io->closed)
		io->cbs->event(io->arg, SIO_DRAINED, NULL, 0);
}

static void
sio_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct smpp_io *io = arg;
	int dns;

	if (io->closed)
		return;
	if (what & BEV_EVENT_CONNECTED) {
		set_nodelay(bufferevent_getfd(bev));
		io->cbs->event(io->arg, SIO_CONNECTED, NULL, 0);
	} else if (what & BEV_EVENT_EOF) {
		io->cbs->event(io->arg, SIO_EOF, NULL, 0);
	} else if (what & BEV_EVENT_ERROR) {
		dns = bufferevent_socket_get_dns_error(bev);
		io->cbs->event(io->arg, SIO_ERROR, dns ? evutil_gai_strerror(dns) :
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()), 0);
	}
}

static void
sio_destroy(struct smpp_io *io)
{
	bufferevent_free(io->bev);
	event_free(io->resume);
	if (io->flush_timer != NULL)
		event_free(io->flush_timer);
	free(io);
}

static void
flushed_cb(struct bufferevent *bev, void *arg)
{
	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		sio_destroy(arg);
}

static void
flush_failed_cb(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)what;
	sio_destroy(arg);
}

static void
flush_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	sio_destroy(arg);
}

/* Runs from the loop, never inside one of this object's callbacks. */
static void
reap_cb(evutil_socket_t fd, short what, void *arg)
{
	struct smpp_io *io = arg;
	struct timeval tv = { FLUSH_MS / 1000, (FLUSH_MS % 1000) * 1000 };

	(void)fd;
	(void)what;
	if (!io->flush || sio_outbuf(io) == 0) {
		sio_destroy(io);
		return;
	}
	bufferevent_setwatermark(io->bev, EV_WRITE, 0, 0);
	bufferevent_setcb(io->bev, NULL, flushed_cb, flush_failed_cb, io);
	bufferevent_enable(io->bev, EV_WRITE);
	io->flush_timer = evtimer_new(io->base, flush_timeout_cb, io);
	event_add(io->flush_timer, &tv);
}

void
sio_close(struct smpp_io *io, int flush)
{
	static const struct timeval zero = { 0, 0 };

	if (io->closed)
		return;
	io->closed = 1;
	io->flush = flush;
	event_del(io->resume);
	bufferevent_disable(io->bev, EV_READ);
	event_base_once(io->base, -1, EV_TIMEOUT, reap_cb, io, &zero);
}
