/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Open USSD dialogues by handset number, for a peer that answers with
 * a continue screen until a dialogue's Nth step (echo-esme
 * --ussd-steps). Keyed by the sender, not the session TLV, because
 * the peer need not know the dialect, and a handset has one dialogue
 * at a time. Open addressing, 24 octets a slot, grown by doubling up
 * to SIM_DLGTAB_MAX dialogues.
 */
#ifndef NV_SIM_DLGTAB_H
#define NV_SIM_DLGTAB_H

#include <stddef.h>

/* Open dialogues at most (the slots stay under half full). */
#define SIM_DLGTAB_MAX 1048576u

struct sim_dlgtab;

struct sim_dlgtab *sim_dlgtab_new(void);
void sim_dlgtab_free(struct sim_dlgtab *t);

/*
 * Counts an MO from addr and returns its step in the dialogue: 1 for
 * a begin (a dialogue already open from addr starts over), n + 1 for
 * the next answer (2 if no dialogue was open: the peer saw its begin
 * before we did). 0 when the table is full and addr has no dialogue:
 * the caller ends it at once.
 */
unsigned sim_dlgtab_step(struct sim_dlgtab *t, const char *addr, int begin);

/* Forgets addr's dialogue (its final screen, or an abort). */
void sim_dlgtab_end(struct sim_dlgtab *t, const char *addr);

size_t sim_dlgtab_count(const struct sim_dlgtab *t);

#endif
