/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The framed transport (smpp_io) and the request window (smpp_window):
 * whole PDUs only, at most NV_CONN_PDUS_PER_CB per turn of the loop so
 * that other links get theirs, a framing error reported with the
 * sequence number of the bad header, pausing, and deadlines.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "base/limits.h"
#include "smpp_io.h"
#include "smpp_window.h"

struct rec {
	struct event_base *base;
	struct event *other;	/* another link's work, activated by frame 1 */
	unsigned frames;
	unsigned frames_when_other_ran;
	unsigned idles;
	int framing;
	uint32_t framing_seq;
	uint32_t last_seq;
};

static void
put_pdu(uint8_t *p, uint32_t len, uint32_t id, uint32_t seq)
{
	uint32_t v[4] = { htonl(len), htonl(id), 0, htonl(seq) };

	memcpy(p, v, sizeof v);
}

static void
frame_cb(void *arg, const uint8_t *buf, size_t len)
{
	struct rec *r = arg;

	assert_int_equal(len, 16);
	r->last_seq = (uint32_t)buf[12] << 24 | (uint32_t)buf[13] << 16 |
	    (uint32_t)buf[14] << 8 | buf[15];
	if (++r->frames == 1)
		event_active(r->other, EV_TIMEOUT, 0);
}

static void
event_cb(void *arg, enum sio_event ev, const char *msg, uint32_t seq)
{
	struct rec *r = arg;

	(void)msg;
	if (ev == SIO_FRAMING) {
		r->framing++;
		r->framing_seq = seq;
	}
}

static void
idle_cb(void *arg)
{
	((struct rec *)arg)->idles++;
}

static void
other_cb(evutil_socket_t fd, short what, void *arg)
{
	struct rec *r = arg;

	(void)fd;
	(void)what;
	r->frames_when_other_ran = r->frames;
}

static const struct sio_cbs cbs = { frame_cb, event_cb, idle_cb };

/* Runs the loop until nothing is left to do for a short while. */
static void
settle(struct event_base *base)
{
	struct timeval tv = { 0, 100000 };

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

static void
test_budget(void **state)
{
	enum { N = 200 };
	uint8_t *bytes = calloc(N, 16);
	struct rec r = { 0 };
	struct smpp_io *io;
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	r.base = event_base_new();
	r.other = event_new(r.base, -1, 0, other_cb, &r);
	for (unsigned i = 0; i < N; i++)
		put_pdu(bytes + 16 * i, 16, 0x15, i + 1);
	assert_int_equal(write(sv[1], bytes, N * 16), N * 16);
	io = sio_accept(r.base, sv[0], &cbs, &r);
	assert_non_null(io);
	settle(r.base);
	assert_int_equal(r.frames, N);
	assert_int_equal(r.last_seq, N);
	/* The other event ran after the first batch, not after all 200. */
	assert_int_equal(r.frames_when_other_ran, NV_CONN_PDUS_PER_CB);
	sio_close(io, 0);
	settle(r.base);
	close(sv[1]);
	event_free(r.other);
	event_base_free(r.base);
	free(bytes);
}

static void
test_partial_and_pause(void **state)
{
	uint8_t b[48];
	struct rec r = { 0 };
	struct smpp_io *io;
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	r.base = event_base_new();
	r.other = event_new(r.base, -1, 0, other_cb, &r);
	io = sio_accept(r.base, sv[0], &cbs, &r);
	put_pdu(b, 16, 0x15, 1);
	put_pdu(b + 16, 16, 0x15, 2);
	put_pdu(b + 32, 16, 0x15, 3);
	/* Half a PDU is not a PDU. */
	assert_int_equal(write(sv[1], b, 8), 8);
	settle(r.base);
	assert_int_equal(r.frames, 0);
	assert_int_equal(write(sv[1], b + 8, 8), 8);
	settle(r.base);
	assert_int_equal(r.frames, 1);
	/* Paused: buffered PDUs wait, and come once resumed. */
	sio_pause(io, 1);
	assert_int_equal(write(sv[1], b + 16, 32), 32);
	settle(r.base);
	assert_int_equal(r.frames, 1);
	sio_pause(io, 0);
	settle(r.base);
	assert_int_equal(r.frames, 3);
	assert_true(r.idles > 0);
	sio_close(io, 0);
	settle(r.base);
	close(sv[1]);
	event_free(r.other);
	event_base_free(r.base);
}

static void
test_framing(void **state)
{
	static const uint32_t bad[] = { 0, 15, NV_SMPP_PDU_MAX + 1, 0x80000000u };
	uint8_t b[16];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct rec r = { 0 };
		struct smpp_io *io;
		int sv[2];

		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		r.base = event_base_new();
		r.other = event_new(r.base, -1, 0, other_cb, &r);
		io = sio_accept(r.base, sv[0], &cbs, &r);
		put_pdu(b, bad[i], 0x04, 77);
		assert_int_equal(write(sv[1], b, 16), 16);
		settle(r.base);
		assert_int_equal(r.framing, 1);
		assert_int_equal(r.framing_seq, 77);
		assert_int_equal(r.frames, 0);
		sio_close(io, 1);
		settle(r.base);
		close(sv[1]);
		event_free(r.other);
		event_base_free(r.base);
	}
}

static void
test_window(void **state)
{
	struct smpp_window *w = win_new(3);
	struct win_entry e, out;

	(void)state;
	for (uint32_t s = 1; s <= 3; s++) {
		e = (struct win_entry){ s, 4, NULL, 100 * s };
		assert_int_equal(win_add(w, &e), 0);
	}
	e.seq = 4;
	assert_int_equal(win_add(w, &e), -1);	/* full */
	win_reserve(w, 5);
	assert_int_equal(win_add(w, &e), 0);
	assert_int_equal(win_count(w), 4);
	assert_int_equal(win_take(w, 2, &out), 0);
	assert_int_equal(out.seq, 2);
	assert_int_equal(win_take(w, 2, &out), -1);
	assert_int_equal(win_take_expired(w, 150, &out), 0);
	assert_int_equal(out.seq, 1);
	assert_int_equal(win_take_expired(w, 150, &out), -1);
	assert_int_equal(win_take_any(w, &out), 0);
	assert_int_equal(win_take_any(w, &out), 0);
	assert_int_equal(win_take_any(w, &out), -1);
	assert_int_equal(win_count(w), 0);
	win_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_partial_and_pause),
		cmocka_unit_test(test_framing),
		cmocka_unit_test(test_window),
	};

	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("io", tests, NULL, NULL) != 0;
}
