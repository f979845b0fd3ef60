/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * USSD dialects, from the sources cited in shared/domain/smpp-anchors.md
 * §B.1 and §B.3 and shared/fixtures/smpp/README.md. Every op code is
 * written in hex with its decimal value beside it: the hex-versus-
 * decimal confusion (vumi PR #882, the "17" traps in the fixtures) is a
 * known failure of USSD integrations.
 */
#include "sim/sim_dialect.h"

#include <stdio.h>
#include <string.h>

/* ussd_service_op values (SMPP 3.4/5.0 table, anchors §B.1). */
#define OP_PSSR_IND 0x01	/* 1: PSSR indication, MO begin */
#define OP_USSR_REQ 0x02	/* 2: USSR request, MT "continue" */
#define OP_PSSR_RESP 0x11	/* 17: PSSR response, MT "end" */
#define OP_USSR_CONF 0x12	/* 18: USSR confirm, MO answer */
#define OP_USSREL 0x81		/* 129: vendor "USSREL indication", abort */

/* its_session_info octet 2, bit 0: end-of-session indicator. */
#define ITS_END_BIT 0x01

struct sim_dialect {
	const char *name;
	enum sim_key key;
	uint8_t op_begin;
	uint8_t op_continue;
	uint8_t op_abort;
	int abort_end_bit;	/* abort also sets the its end bit */
	uint8_t op_reply_continue;
	uint8_t op_reply_end;
	const char *source;
};

static const struct sim_dialect dialects[] = {
	{
		/*
		 * NowSMS's de-facto pattern and vumi's default processor
		 * (anchors §B.3 first row); the fixtures *-ussd-op01/op12/
		 * op11-*: octet 1 session 42, octet 2 = seq << 1 | end.
		 * The handset aborts by setting the end bit on an answer.
		 */
		.name = "its_session_info",
		.key = SIM_KEY_ITS,
		.op_begin = OP_PSSR_IND,	/* 0x01 = 1 */
		.op_continue = OP_USSR_CONF,	/* 0x12 = 18 */
		.op_abort = OP_USSR_CONF,	/* 0x12 = 18, with end bit */
		.abort_end_bit = 1,
		.op_reply_continue = OP_USSR_REQ,	/* 0x02 = 2 */
		.op_reply_end = OP_PSSR_RESP,	/* 0x11 = 17 */
		.source = "vumi client.py update_ussd_pdu; NowSMS",
	},
	{
		/* Mica (vumi processors/mica.py, PR #882): session id in
		 * user_message_reference (0x0204). */
		.name = "user_message_reference",
		.key = SIM_KEY_UMR,
		.op_begin = OP_PSSR_IND,	/* 0x01 = 1 */
		.op_continue = OP_USSR_CONF,	/* 0x12 = 18 */
		.op_abort = OP_USSREL,		/* 0x81 = 129 */
		.abort_end_bit = 0,
		.op_reply_continue = OP_USSR_REQ,	/* 0x02 = 2 */
		.op_reply_end = OP_PSSR_RESP,	/* 0x11 = 17 */
		.source = "vumi processors/mica.py (Mica)",
	},
	{
		/* 6D Technologies (vumi processors/sixdee.py): "first 15
		 * bits dialog id, last bit end session". */
		.name = "sixdee",
		.key = SIM_KEY_ITS15,
		.op_begin = OP_PSSR_IND,	/* 0x01 = 1 */
		.op_continue = OP_USSR_CONF,	/* 0x12 = 18 */
		.op_abort = OP_USSREL,		/* 0x81 = 129 */
		.abort_end_bit = 1,
		.op_reply_continue = OP_USSR_REQ,	/* 0x02 = 2 */
		.op_reply_end = OP_PSSR_RESP,	/* 0x11 = 17 */
		.source = "vumi processors/sixdee.py (6D)",
	},
};

/* Aliases people will type. */
static const struct {
	const char *alias;
	const char *name;
} aliases[] = {
	{ "its", "its_session_info" },
	{ "default", "its_session_info" },
	{ "umr", "user_message_reference" },
	{ "mica", "user_message_reference" },
	{ "6d", "sixdee" },
};

const struct sim_dialect *
sim_dialect_find(const char *name)
{
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (strcmp(name, aliases[i].alias) == 0)
			name = aliases[i].name;
	for (size_t i = 0; i < sizeof dialects / sizeof dialects[0]; i++)
		if (strcmp(name, dialects[i].name) == 0)
			return &dialects[i];
	return NULL;
}

const struct sim_dialect *
sim_dialect_default(void)
{
	return &dialects[0];
}

const char *
sim_dialect_name(const struct sim_dialect *d)
{
	return d->name;
}

void
sim_dialect_list(char *out, size_t size)
{
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof dialects / sizeof dialects[0]; i++) {
		int n = snprintf(out + o, size - o, "%s%s", i ? ", " : "",
		    dialects[i].name);

		if (n < 0 || (size_t)n >= size - o)
			return;
		o += (size_t)n;
	}
}

uint16_t
sim_dialect_max_id(const struct sim_dialect *d)
{
	switch (d->key) {
	case SIM_KEY_ITS:
		return 0xff;		/* 255: one octet */
	case SIM_KEY_ITS15:
		return 0x7fff;		/* 32767: 15 bits */
	default:
		return 0xffff;		/* 65535: two octets */
	}
}

void
sim_dialect_mo(const struct sim_dialect *d, struct sim_ussd_sess *s,
    enum sim_ussd_step step, struct smpp_tlvs *tlv)
{
	int end = step == SIM_USSD_ABORT && d->abort_end_bit;

	tlv->have |= SMPP_HAVE_USSD_SERVICE_OP;
	tlv->ussd_service_op = step == SIM_USSD_BEGIN ? d->op_begin :
	    step == SIM_USSD_CONTINUE ? d->op_continue : d->op_abort;
	if (step == SIM_USSD_BEGIN)
		s->seq = 0;
	switch (d->key) {
	case SIM_KEY_ITS:
		tlv->have |= SMPP_HAVE_ITS_SESSION_INFO;
		tlv->its_session_info[0] = (uint8_t)s->id;
		tlv->its_session_info[1] = (uint8_t)((s->seq & 0x7f) << 1 |
		    (end ? ITS_END_BIT : 0));
		s->seq = (uint8_t)((s->seq + 1) & 0x7f);
		break;
	case SIM_KEY_ITS15: {
		uint16_t v = (uint16_t)((s->id & 0x7fff) << 1 |
		    (end ? ITS_END_BIT : 0));

		tlv->have |= SMPP_HAVE_ITS_SESSION_INFO;
		tlv->its_session_info[0] = (uint8_t)(v >> 8);
		tlv->its_session_info[1] = (uint8_t)v;
		break;
	}
	case SIM_KEY_UMR:
		tlv->have |= SMPP_HAVE_USER_MESSAGE_REFERENCE;
		tlv->user_message_reference = s->id;
		break;
	}
}

/* Reads the session key and the end bit. Returns 0 or -1 (TLV missing). */
static int
mt_key(const struct sim_dialect *d, const struct smpp_tlvs *tlv, long *id,
    int *end)
{
	*end = 0;
	*id = -1;
	if (d->key == SIM_KEY_UMR) {
		if (!(tlv->have & SMPP_HAVE_USER_MESSAGE_REFERENCE))
			return -1;
		*id = tlv->user_message_reference;
		return 0;
	}
	if (!(tlv->have & SMPP_HAVE_ITS_SESSION_INFO))
		return -1;
	*end = tlv->its_session_info[1] & ITS_END_BIT;
	if (d->key == SIM_KEY_ITS)
		*id = tlv->its_session_info[0];
	else
		*id = ((long)tlv->its_session_info[0] << 8 |
		    tlv->its_session_info[1]) >> 1;
	return 0;
}

enum sim_verdict
sim_dialect_classify(const struct sim_dialect *d, const struct smpp_tlvs *tlv,
    long *id, char *why, size_t whysz)
{
	int end;
	uint8_t op = tlv->ussd_service_op;

	why[0] = '\0';
	if (!(tlv->have & SMPP_HAVE_USSD_SERVICE_OP)) {
		snprintf(why, whysz, "no ussd_service_op");
		return SIM_MT_ERROR;
	}
	if (mt_key(d, tlv, id, &end) != 0) {
		snprintf(why, whysz, "no %s", d->key == SIM_KEY_UMR ?
		    "user_message_reference" : "its_session_info");
		return SIM_MT_ERROR;
	}
	if (op == d->op_reply_end)
		return SIM_MT_END;
	if (op == d->op_reply_continue)
		return end ? SIM_MT_END : SIM_MT_CONTINUE;
	/* 0x17 (23) where 0x11 (17) was meant, 0x0c for "12", ... */
	snprintf(why, whysz, "ussd_service_op=0x%02x(%u)", op, op);
	return SIM_MT_ERROR;
}

void
sim_dialect_echo(const struct smpp_tlvs *mo, int end, struct smpp_tlvs *reply)
{
	reply->have |= SMPP_HAVE_USSD_SERVICE_OP;
	reply->ussd_service_op = end ? OP_PSSR_RESP : OP_USSR_REQ;
	if (mo->have & SMPP_HAVE_ITS_SESSION_INFO) {
		reply->have |= SMPP_HAVE_ITS_SESSION_INFO;
		reply->its_session_info[0] = mo->its_session_info[0];
		reply->its_session_info[1] = (uint8_t)(
		    (mo->its_session_info[1] & ~ITS_END_BIT) |
		    (end ? ITS_END_BIT : 0));
	}
	if (mo->have & SMPP_HAVE_USER_MESSAGE_REFERENCE) {
		reply->have |= SMPP_HAVE_USER_MESSAGE_REFERENCE;
		reply->user_message_reference = mo->user_message_reference;
	}
}

const char *
sim_verdict_name(enum sim_verdict v)
{
	return v == SIM_MT_CONTINUE ? "continue" : v == SIM_MT_END ? "end" :
	    "error";
}
