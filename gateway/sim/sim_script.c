/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include "sim/sim_cmds.h"
#include "sim/sim_util.h"
int
sim_script_main(struct sim_ctx *ctx, int argc, char **argv)
{
	(void)ctx; (void)argc; (void)argv;
	fprintf(stderr, "not yet\n");
	return 2;
}
