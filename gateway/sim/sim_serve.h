/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Options of the serve subcommand, shared with its control port
 * (sim_ctl.c).
 */
#ifndef NV_SIM_SERVE_H
#define NV_SIM_SERVE_H

#include <stdint.h>

#include "sim/sim_msg.h"
#include "sim/sim_opts.h"

/* control_port values besides a port number. */
#define SIM_CTL_DEFAULT (-1)	/* the SMPP port + 1 */
#define SIM_CTL_OFF (-2)

struct sim_serve_opts {
	char control_host[SIM_HOST_MAX];
	int control_port;
	const char *control_port_file;
	const struct sim_dialect *dialect;
	struct sim_mo_opts mo;
	unsigned ussd_timeout_ms;	/* the network's guard timer */
	int dlr;			/* send delivery receipts */
	uint32_t mt_status;		/* answer every Nth MT with this */
	unsigned long mt_status_every;
};

/* Parses serve's argv. Returns 0, or -1 after a usage message. */
int sim_serve_parse(struct sim_link_opts *lo, struct sim_serve_opts *so,
    int argc, char **argv);

#endif
