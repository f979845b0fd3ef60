/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "smpp_window.h"

#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"

/*
 * A plain array: windows are small (10 by default, 1,000 at most) and
 * responses mostly come back in order, so a scan from the oldest slot
 * finds them at once.
 */
struct smpp_window {
	struct win_entry *e;
	unsigned char *used;
	unsigned cap;
	unsigned count;
};

struct smpp_window *
win_new(unsigned cap)
{
	struct smpp_window *w = xcalloc(1, sizeof *w);

	win_reserve(w, cap);
	return w;
}

void
win_free(struct smpp_window *w)
{
	if (w == NULL)
		return;
	free(w->e);
	free(w->used);
	free(w);
}

void
win_reserve(struct smpp_window *w, unsigned cap)
{
	if (cap <= w->cap)
		return;
	w->e = xreallocarray(w->e, cap, sizeof *w->e);
	w->used = xreallocarray(w->used, cap, 1);
	memset(w->used + w->cap, 0, cap - w->cap);
	w->cap = cap;
}

int
win_add(struct smpp_window *w, const struct win_entry *e)
{
	for (unsigned i = 0; i < w->cap; i++) {
		if (!w->used[i]) {
			w->used[i] = 1;
			w->e[i] = *e;
			w->count++;
			return 0;
		}
	}
	return -1;
}

static void
take(struct smpp_window *w, unsigned i, struct win_entry *out)
{
	*out = w->e[i];
	w->used[i] = 0;
	w->count--;
}

int
win_take(struct smpp_window *w, uint32_t seq, struct win_entry *out)
{
	for (unsigned i = 0; i < w->cap && w->count > 0; i++) {
		if (w->used[i] && w->e[i].seq == seq) {
			take(w, i, out);
			return 0;
		}
	}
	return -1;
}

int
win_take_expired(struct smpp_window *w, uint64_t now, struct win_entry *out)
{
	for (unsigned i = 0; i < w->cap && w->count > 0; i++) {
		if (w->used[i] && w->e[i].deadline <= now) {
			take(w, i, out);
			return 0;
		}
	}
	return -1;
}

int
win_take_any(struct smpp_window *w, struct win_entry *out)
{
	for (unsigned i = 0; i < w->cap && w->count > 0; i++) {
		if (w->used[i]) {
			take(w, i, out);
			return 0;
		}
	}
	return -1;
}

unsigned
win_count(const struct smpp_window *w)
{
	return w->count;
}
