/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The requests a connection has sent and waits for, each with its
 * response deadline. Its capacity is the send window plus the control
 * requests (bind, unbind, enquire_link) that may be out at the same time.
 */
#ifndef NV_SMPP_WINDOW_H
#define NV_SMPP_WINDOW_H

#include <stdint.h>

struct smpp_window;

struct win_entry {
	uint32_t seq;
	uint32_t cmd;
	void *ctx;
	uint64_t deadline;	/* ms, CLOCK_MONOTONIC */
};

struct smpp_window *win_new(unsigned cap);
void win_free(struct smpp_window *w);
/* Grows the capacity (never shrinks: entries may be outstanding). */
void win_reserve(struct smpp_window *w, unsigned cap);
/* Returns 0, or -1 when full. */
int win_add(struct smpp_window *w, const struct win_entry *e);
/* Removes the entry of seq into *out. Returns 0, or -1 if none. */
int win_take(struct smpp_window *w, uint32_t seq, struct win_entry *out);
/* Removes one entry whose deadline is <= now. Returns 0, or -1 if none. */
int win_take_expired(struct smpp_window *w, uint64_t now,
    struct win_entry *out);
/* Removes any entry (to fail them all at close). Returns 0, or -1. */
int win_take_any(struct smpp_window *w, struct win_entry *out);
unsigned win_count(const struct smpp_window *w);

#endif
