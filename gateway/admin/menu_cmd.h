/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `numvert menu ...` (menu_cmd.c). */
#ifndef NV_MENU_CMD_H
#define NV_MENU_CMD_H

#include "config.h"

/* argv[0] is "lint" or "render". Returns the exit status. */
int menu_cmd(const struct cfg *c, int argc, char **argv);

#endif
