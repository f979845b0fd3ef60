/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "profile.h"

#include <string.h>

#include "base/xmalloc.h"

/*
 * ussd_service_op values (SMPP 3.4 §5.3.2.44, v5.0 table quoted in
 * jsmpp#100): 0x01 (1) PSSR indication, 0x02 (2) USSR request, 0x11 (17)
 * PSSR response, 0x12 (18) USSR confirm; 0x81 (129) is vendor "USSREL"
 * (user release) at Mica and 6D.
 */
static const struct ussd_profile profiles[] = {
	{
		.name = "its_session_info",
		.source = "vumi default processor (update_ussd_pdu); NowSMS",
		.key = PROF_KEY_ITS_SESSION_INFO,
		.op_begin = 0x01,		/* 1 */
		.op_continue = 0x12,		/* 18 */
		.op_abort = 0,			/* end bit in an MO */
		.op_reply_continue = 0x02,	/* 2 */
		.op_reply_end = 0x11,		/* 17 */
		.end_bit = 1,
		.dialled = PROF_DIALLED_TEXT,
	},
	{
		.name = "user_message_reference",
		.source = "vumi processors/mica.py (vumi PR #882)",
		.key = PROF_KEY_USER_MESSAGE_REFERENCE,
		.op_begin = 0x01,		/* 1 */
		.op_continue = 0x12,		/* 18 */
		.op_abort = 0x81,		/* 129 */
		.op_reply_continue = 0x02,	/* 2 */
		.op_reply_end = 0x11,		/* 17 */
		.end_bit = 0,
		.dialled = PROF_DIALLED_TEXT,
	},
	{
		/*
		 * vumi's sixdee.py writes the end op as the hex string '17',
		 * which its encoder sends as octet 0x17 (23), a reserved
		 * value; the end bit is what ends a 6D dialogue, so we send
		 * the standard 0x11 with the end bit set.
		 */
		.name = "sixdee",
		.source = "vumi processors/sixdee.py (6D Technologies)",
		.key = PROF_KEY_ITS_SESSION_ID16,
		.op_begin = 0x01,		/* 1 */
		.op_continue = 0x12,		/* 18 */
		.op_abort = 0x81,		/* 129 */
		.op_reply_continue = 0x02,	/* 2 */
		.op_reply_end = 0x11,		/* 17 */
		.end_bit = 1,
		.dialled = PROF_DIALLED_TEXT,
	},
};

unsigned
prof_count(void)
{
	return ARRAY_SIZE(profiles);
}

const struct ussd_profile *
prof_get(unsigned idx)
{
	return idx < ARRAY_SIZE(profiles) ? &profiles[idx] : NULL;
}

int
prof_find(const char *name)
{
	for (unsigned i = 0; i < ARRAY_SIZE(profiles); i++)
		if (strcmp(profiles[i].name, name) == 0)
			return (int)i;
	return -1;
}

enum prof_event
prof_classify(const struct ussd_profile *p, const struct smpp_tlvs *t)
{
	if (!(t->have & SMPP_HAVE_USSD_SERVICE_OP))
		return PROF_NOT_USSD;
	if (p->end_bit && (t->have & SMPP_HAVE_ITS_SESSION_INFO) &&
	    (t->its_session_info[1] & 1))
		return PROF_ABORT;
	if (p->op_abort != 0 && t->ussd_service_op == p->op_abort)
		return PROF_ABORT;
	if (t->ussd_service_op == p->op_begin)
		return PROF_BEGIN;
	if (t->ussd_service_op == p->op_continue)
		return PROF_CONTINUE;
	return PROF_UNKNOWN;
}

void
prof_reply_tlvs(const struct ussd_profile *p, const struct smpp_tlvs *mo,
    int final, struct smpp_tlvs *out)
{
	memset(out, 0, sizeof *out);
	out->have = SMPP_HAVE_USSD_SERVICE_OP;
	out->ussd_service_op = final ? p->op_reply_end : p->op_reply_continue;
	if (mo->have & SMPP_HAVE_ITS_SESSION_INFO) {
		out->have |= SMPP_HAVE_ITS_SESSION_INFO;
		out->its_session_info[0] = mo->its_session_info[0];
		out->its_session_info[1] = (uint8_t)(mo->its_session_info[1] &
		    0xfe);
		if (final && p->end_bit)
			out->its_session_info[1] |= 1;
	}
	if (mo->have & SMPP_HAVE_USER_MESSAGE_REFERENCE) {
		out->have |= SMPP_HAVE_USER_MESSAGE_REFERENCE;
		out->user_message_reference = mo->user_message_reference;
	}
}
