/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The subcommands of numvert-smsc. Each takes the process context and
 * its own argv (argv[0] is the subcommand's name) and returns the exit
 * code: 0 success, 1 failure (a transcript mismatch, lost MOs), 2 usage
 * or I/O error.
 */
#ifndef NV_SIM_CMDS_H
#define NV_SIM_CMDS_H

struct sim_ctx;

int sim_serve_main(struct sim_ctx *ctx, int argc, char **argv);
int sim_phone_main(struct sim_ctx *ctx, int argc, char **argv);
int sim_script_main(struct sim_ctx *ctx, int argc, char **argv);
int sim_load_main(struct sim_ctx *ctx, int argc, char **argv);
int sim_echo_main(struct sim_ctx *ctx, int argc, char **argv);
int sim_crash_main(struct sim_ctx *ctx, int argc, char **argv);

#endif
