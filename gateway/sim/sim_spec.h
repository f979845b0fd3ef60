/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The script format of "numvert-smsc script" (docs/simulator.md):
 *
 *   # a comment
 *   dialect its_session_info        settings for the lines below
 *   encoding auto | gsm7 | latin1 | ucs2
 *   timeout 5s                      how long each "<" line waits
 *   sleep 500ms
 *   > sms FROM TO TEXT              an MO
 *   > ussd FROM *384#               dial; then answers; "abort" hangs up
 *   < sms FROM TEXT                 the next MT to FROM (~TEXT: prefix)
 *   < ussd FROM continue|end|error TEXT
 *   < ack FROM STATUS               status of FROM's previous MO
 *
 * Texts take the escapes \n \t \\ \xNN and \~ (a leading literal ~).
 */
#ifndef NV_SIM_SPEC_H
#define NV_SIM_SPEC_H

#include <stddef.h>
#include <stdint.h>

#include "sim/sim_dialect.h"
#include "sim/sim_text.h"

enum sim_step_kind {
	STEP_DIALECT,
	STEP_ENCODING,
	STEP_GSM7_DC,
	STEP_TIMEOUT,
	STEP_SLEEP,
	STEP_MO_SMS,
	STEP_MO_USSD,
	STEP_EXPECT_SMS,
	STEP_EXPECT_USSD,
	STEP_EXPECT_ACK,	/* folded into the MO it follows */
};

struct sim_step {
	enum sim_step_kind kind;
	unsigned line;
	char from[21];
	char to[21];			/* MO_SMS */
	char *text;			/* unescaped UTF-8 (owned) */
	int prefix;			/* expect: ~ prefix match */
	enum sim_verdict verdict;	/* EXPECT_USSD */
	uint32_t status;		/* MO: expected response status */
	int status_line;		/* MO: line of its "< ack", or 0 */
	unsigned ms;			/* TIMEOUT, SLEEP */
	const struct sim_dialect *dialect;
	enum sim_enc enc;
	uint8_t u8;			/* GSM7_DC */
	char *src;			/* the line as written (owned) */
};

struct sim_spec {
	struct sim_step *steps;
	size_t n;
	unsigned checks;		/* "<" lines, acks included */
};

/*
 * Reads a script. Returns 0, or -1 with a message "FILE:LINE: ..." in
 * err.
 */
int sim_spec_load(const char *path, struct sim_spec *spec, char *err,
    size_t errsz);

void sim_spec_free(struct sim_spec *spec);

#endif
