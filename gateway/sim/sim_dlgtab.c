/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "sim/sim_dlgtab.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"

#define ADDR_LEN 21		/* up to 20 characters and the NUL */

struct slot {
	char addr[ADDR_LEN];	/* "" = free */
	uint8_t pad;
	uint16_t step;
};

struct sim_dlgtab {
	struct slot *s;
	size_t mask;		/* slots - 1 */
	size_t n;
};

struct sim_dlgtab *
sim_dlgtab_new(void)
{
	struct sim_dlgtab *t = xcalloc(1, sizeof *t);

	t->mask = 1023;
	t->s = xcalloc(t->mask + 1, sizeof *t->s);
	return t;
}

void
sim_dlgtab_free(struct sim_dlgtab *t)
{
	if (t == NULL)
		return;
	free(t->s);
	free(t);
}

/* FNV-1a: the keys are our own test numbers, nobody aims at chains. */
static size_t
home(const struct sim_dlgtab *t, const char *addr)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *addr != '\0'; addr++)
		h = (h ^ (uint8_t)*addr) * 0x100000001b3ull;
	return (size_t)(h ^ h >> 32) & t->mask;
}

/* The slot holding addr, or the free slot where it would go. */
static size_t
find(const struct sim_dlgtab *t, const char *addr)
{
	size_t i = home(t, addr);

	while (t->s[i].addr[0] != '\0' && strcmp(t->s[i].addr, addr) != 0)
		i = (i + 1) & t->mask;
	return i;
}

static void
grow(struct sim_dlgtab *t)
{
	struct slot *old = t->s;
	size_t n = t->mask + 1;

	t->mask = n * 2 - 1;
	t->s = xcalloc(n * 2, sizeof *t->s);
	for (size_t i = 0; i < n; i++)
		if (old[i].addr[0] != '\0')
			t->s[find(t, old[i].addr)] = old[i];
	free(old);
}

unsigned
sim_dlgtab_step(struct sim_dlgtab *t, const char *addr, int begin)
{
	size_t i;
	struct slot *s;

	if (addr[0] == '\0' || strlen(addr) >= ADDR_LEN)
		return 0;
	i = find(t, addr);
	s = &t->s[i];
	if (s->addr[0] != '\0') {
		s->step = begin ? 1 : s->step < UINT16_MAX ? s->step + 1 :
		    UINT16_MAX;
		return s->step;
	}
	if (t->n >= SIM_DLGTAB_MAX)
		return 0;
	if ((t->n + 1) * 2 > t->mask + 1) {
		grow(t);
		s = &t->s[find(t, addr)];
	}
	memcpy(s->addr, addr, strlen(addr) + 1);
	s->step = begin ? 1 : 2;
	t->n++;
	return s->step;
}

void
sim_dlgtab_end(struct sim_dlgtab *t, const char *addr)
{
	size_t i, j;

	if (addr[0] == '\0' || strlen(addr) >= ADDR_LEN)
		return;
	i = find(t, addr);
	if (t->s[i].addr[0] == '\0')
		return;
	/* Backward-shift deletion: no tombstones, probes stay short. */
	for (j = (i + 1) & t->mask; t->s[j].addr[0] != '\0';
	    j = (j + 1) & t->mask) {
		size_t h = home(t, t->s[j].addr);

		/* Move j back to i unless its home lies in (i, j]. */
		if (((j - h) & t->mask) >= ((j - i) & t->mask)) {
			t->s[i] = t->s[j];
			i = j;
		}
	}
	memset(&t->s[i], 0, sizeof t->s[i]);
	t->n--;
}

size_t
sim_dlgtab_count(const struct sim_dlgtab *t)
{
	return t->n;
}
