/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * serve's control port: "phones" attach over TCP and speak a line
 * protocol (docs/simulator.md). The control side keeps each phone's
 * USSD dialogue (session id, sequence, the network's guard timer) and
 * turns lines into MOs, which the owner sends; MTs for an attached
 * number go back to its phone as lines.
 */
#ifndef NV_SIM_CTL_H
#define NV_SIM_CTL_H

#include "sim/sim_msg.h"
#include "sim/sim_serve.h"

struct sim_ctx;
struct sim_ctl;

/* Sends an MO for msisdn. Returns 0, or -1 when the queue is full. */
typedef int (*sim_ctl_mo_fn)(void *arg, const struct sim_mo *mo,
    const char *msisdn, int ussd);

/* Listens on so->control_host:port; *bound gets the port. */
struct sim_ctl *sim_ctl_new(struct sim_ctx *ctx,
    const struct sim_serve_opts *so, sim_ctl_mo_fn mo, void *arg,
    int *bound, const char **cause);

/* Closes the listener and every phone. ctl may be NULL. */
void sim_ctl_free(struct sim_ctl *ctl);

/* Sends one line to the phone attached to msisdn, if any. */
void sim_ctl_tell(struct sim_ctl *ctl, const char *msisdn, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

/* Routes an MT to its phone and moves its USSD dialogue on. */
void sim_ctl_mt(struct sim_ctl *ctl, const struct sim_mt *mt);

/* A USSD MO of msisdn was refused: its dialogue is over. */
void sim_ctl_ussd_failed(struct sim_ctl *ctl, const char *msisdn);

#endif
