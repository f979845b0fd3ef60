/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "markset.h"

#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "xmalloc.h"

struct slot {
	uint8_t mark[MS_MARK_LEN];
	int64_t epoch;			/* 0: empty */
};

struct markset {
	struct slot *s;
	size_t cap, n;			/* cap a power of two */
};

#define MS_INITIAL 1024u

struct markset *
ms_new(void)
{
	struct markset *m = xcalloc(1, sizeof *m);

	m->cap = MS_INITIAL;
	m->s = xcalloc(m->cap, sizeof *m->s);
	return m;
}

void
ms_free(struct markset *m)
{
	if (m == NULL)
		return;
	explicit_bzero(m->s, m->cap * sizeof *m->s);
	free(m->s);
	free(m);
}

static size_t
home(const struct markset *m, const uint8_t mark[MS_MARK_LEN])
{
	uint64_t h;

	memcpy(&h, mark, sizeof h);	/* a keyed hash: already uniform */
	return (size_t)h & (m->cap - 1);
}

/* The slot holding mark, or the empty slot where it would go. */
static struct slot *
find(const struct markset *m, const uint8_t mark[MS_MARK_LEN])
{
	size_t i = home(m, mark);

	while (m->s[i].epoch != 0 &&
	    memcmp(m->s[i].mark, mark, MS_MARK_LEN) != 0)
		i = (i + 1) & (m->cap - 1);
	return &m->s[i];
}

int
ms_has(const struct markset *m, const uint8_t mark[MS_MARK_LEN])
{
	return find(m, mark)->epoch != 0;
}

/* Rebuilds the table at cap slots, keeping entries of epoch >= keep. */
static void
rehash(struct markset *m, size_t cap, int64_t keep)
{
	struct slot *old = m->s;
	size_t oldcap = m->cap;

	m->s = xcalloc(cap, sizeof *m->s);
	m->cap = cap;
	m->n = 0;
	for (size_t i = 0; i < oldcap; i++) {
		if (old[i].epoch == 0 || old[i].epoch < keep)
			continue;
		*find(m, old[i].mark) = old[i];
		m->n++;
	}
	explicit_bzero(old, oldcap * sizeof *old);
	free(old);
}

int
ms_add(struct markset *m, const uint8_t mark[MS_MARK_LEN], int64_t epoch)
{
	struct slot *s = find(m, mark);

	if (s->epoch != 0)
		return 0;
	if (m->n + 1 > NV_MARKS_MAX)
		return -1;
	/* At most half full: probes stay short. */
	if (2 * (m->n + 1) > m->cap) {
		rehash(m, m->cap * 2, 0);
		s = find(m, mark);
	}
	memcpy(s->mark, mark, MS_MARK_LEN);
	s->epoch = epoch > 0 ? epoch : 1;
	m->n++;
	return 1;
}

void
ms_expire(struct markset *m, int64_t epoch)
{
	size_t cap = m->cap;

	/* Linear probing has no tombstones: rebuild, shrinking if empty. */
	while (cap > MS_INITIAL && cap / 4 > m->n)
		cap /= 2;
	rehash(m, cap, epoch);
}

size_t
ms_count(const struct markset *m)
{
	return m->n;
}
