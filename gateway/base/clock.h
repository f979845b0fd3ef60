/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Monotonic time for deadlines and timers (never the wall clock). */
#ifndef NV_CLOCK_H
#define NV_CLOCK_H

#include <stdint.h>

/* Milliseconds of CLOCK_MONOTONIC. */
uint64_t clock_ms(void);

#endif
