/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "sim/sim_msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/xmalloc.h"
#include "sim/sim_util.h"

/* TON/NPI as the fixtures' carriers send them: the handset's number is
 * international ISDN (1/1), the short code unknown (0/0). */
#define TON_INTL 1
#define NPI_ISDN 1

/* UDH information elements (3GPP TS 23.040 §9.2.3.24). */
#define IEI_CONCAT8 0x00	/* 8-bit reference: ref, total, seq */
#define IEI_CONCAT16 0x08	/* 16-bit reference: ref(2), total, seq */

/* Partial concatenated messages kept at once; more is a peer bug. */
#define REASM_MAX 256u

struct partial {
	char to[65], from[21];
	uint32_t ref;		/* kind << 16 | reference */
	unsigned total, got;
	char *part[256];	/* decoded UTF-8 per part */
	char why[96];
};

struct sim_reasm {
	struct partial *p[REASM_MAX];
};

static int
set_text(struct sim_mo *mo, const struct sim_mo_opts *o, const char *utf8,
    const char **err)
{
	uint8_t buf[SIM_MO_MAX];
	size_t len;
	uint8_t dc;

	if (sim_text_encode(o->enc, o->gsm7_dc, utf8, buf, sizeof buf, &len,
	    &dc, err) != 0)
		return -1;
	mo->pdu.data_coding = dc;
	if (len <= NV_SMPP_SM_OUT_MAX) {
		memcpy(mo->pdu.short_message, buf, len);
		mo->pdu.sm_length = (uint8_t)len;
		return 0;
	}
	/* Longer than a short_message: carry it in message_payload. */
	memcpy(mo->payload, buf, len);
	mo->payload_len = (uint32_t)len;
	mo->pdu.tlv.have |= SMPP_HAVE_MESSAGE_PAYLOAD;
	return 0;
}

static int
set_addrs(struct sim_mo *mo, const char *from, const char *to,
    const char **err)
{
	if (!sim_valid_addr(from)) {
		*err = "the handset's number must be 1 to 20 digits";
		return -1;
	}
	if (!sim_valid_addr(to)) {
		*err = "the destination must be 1 to 20 digits";
		return -1;
	}
	smpp_pdu_init(&mo->pdu, 0, 0);
	mo->payload_len = 0;
	/*
	 * The forms carriers deliver a sender in: "+223..." or "223..."
	 * international, "00223..." unknown, 8 digits national (Mali).
	 */
	mo->pdu.source_addr_ton = from[0] == '0' && from[1] == '0' ? 0 :
	    strlen(from) == 8 ? 2 : TON_INTL;
	mo->pdu.source_addr_npi = NPI_ISDN;
	snprintf(mo->pdu.source_addr, sizeof mo->pdu.source_addr, "%s", from);
	snprintf(mo->pdu.destination_addr, 21, "%s", to);
	return 0;
}

int
sim_mo_sms(struct sim_mo *mo, const struct sim_mo_opts *o, const char *from,
    const char *to, const char *utf8, const char **err)
{
	if (set_addrs(mo, from, to, err) != 0)
		return -1;
	return set_text(mo, o, utf8, err);
}

int
sim_mo_ussd(struct sim_mo *mo, const struct sim_mo_opts *o,
    const struct sim_dialect *d, struct sim_ussd_sess *s,
    enum sim_ussd_step step, const char *from, const char *service,
    const char *utf8, const char **err)
{
	if (set_addrs(mo, from, service, err) != 0)
		return -1;
	snprintf(mo->pdu.service_type, sizeof mo->pdu.service_type, "USSD");
	if (set_text(mo, o, utf8, err) != 0)
		return -1;
	if (mo->payload_len > 0) {
		*err = "a USSD string holds at most 253 octets";
		return -1;
	}
	sim_dialect_mo(d, s, step, &mo->pdu.tlv);
	return 0;
}

struct smpp_pdu *
sim_mo_pdu(struct sim_mo *mo)
{
	if (mo->pdu.tlv.have & SMPP_HAVE_MESSAGE_PAYLOAD) {
		mo->pdu.tlv.message_payload = mo->payload;
		mo->pdu.tlv.message_payload_len = mo->payload_len;
	}
	return &mo->pdu;
}

int
sim_is_ussd_string(const char *s)
{
	size_t n = strlen(s);

	return n >= 2 && s[0] == '*' && s[n - 1] == '#';
}

int
sim_ussd_service(const char *s, char *out, size_t size)
{
	size_t n = 0;

	if (!sim_is_ussd_string(s))
		return -1;
	for (s++; *s >= '0' && *s <= '9'; s++) {
		if (n + 1 >= size)
			return -1;
		out[n++] = *s;
	}
	out[n] = '\0';
	return n > 0 && (*s == '*' || *s == '#') ? 0 : -1;
}

struct sim_reasm *
sim_reasm_new(void)
{
	return xcalloc(1, sizeof(struct sim_reasm));
}

static void
partial_free(struct partial *pt)
{
	for (unsigned i = 0; i < 256; i++)
		free(pt->part[i]);
	free(pt);
}

void
sim_reasm_free(struct sim_reasm *r)
{
	if (r == NULL)
		return;
	for (unsigned i = 0; i < REASM_MAX; i++)
		if (r->p[i] != NULL)
			partial_free(r->p[i]);
	free(r);
}

unsigned
sim_reasm_pending(const struct sim_reasm *r)
{
	unsigned n = 0;

	for (unsigned i = 0; i < REASM_MAX; i++)
		n += r->p[i] != NULL;
	return n;
}

/* Concatenation info of one part: 0 none, 1 found, -1 malformed UDH. */
struct cinfo {
	uint32_t ref;
	unsigned total, seq;
	size_t skip;		/* UDH octets before the text */
};

static int
read_udh(const uint8_t *b, size_t len, struct cinfo *ci)
{
	size_t udhl, off = 1;
	int found = 0;

	if (len < 1 || (udhl = b[0]) + 1 > len)
		return -1;
	ci->skip = udhl + 1;
	while (off + 2 <= udhl + 1) {
		uint8_t iei = b[off], iel = b[off + 1];

		if (off + 2 + iel > udhl + 1)
			return -1;
		if (iei == IEI_CONCAT8 && iel == 3) {
			ci->ref = b[off + 2];
			ci->total = b[off + 3];
			ci->seq = b[off + 4];
			found = 1;
		} else if (iei == IEI_CONCAT16 && iel == 4) {
			ci->ref = 1u << 16 | (uint32_t)b[off + 2] << 8 |
			    b[off + 3];
			ci->total = b[off + 4];
			ci->seq = b[off + 5];
			found = 1;
		}
		off += 2u + iel;
	}
	return found;
}

/* The text octets of a PDU and its concatenation info. */
static int
split_pdu(const struct smpp_pdu *pdu, const uint8_t **txt, size_t *len,
    struct cinfo *ci)
{
	const struct smpp_tlvs *t = &pdu->tlv;
	int rc = 0;

	memset(ci, 0, sizeof *ci);
	*txt = pdu->short_message;
	*len = pdu->sm_length;
	if (t->have & SMPP_HAVE_MESSAGE_PAYLOAD) {
		*txt = t->message_payload;
		*len = t->message_payload_len;
	}
	if (pdu->esm_class & SMPP_ESM_UDHI) {
		rc = read_udh(*txt, *len, ci);
		if (rc < 0)
			return -1;
		*txt += ci->skip;
		*len -= ci->skip;
	} else if ((t->have & SMPP_HAVE_SAR_MSG_REF_NUM) &&
	    (t->have & SMPP_HAVE_SAR_TOTAL_SEGMENTS) &&
	    (t->have & SMPP_HAVE_SAR_SEGMENT_SEQNUM)) {
		ci->ref = 2u << 16 | t->sar_msg_ref_num;
		ci->total = t->sar_total_segments;
		ci->seq = t->sar_segment_seqnum;
		rc = 1;
	}
	if (rc == 1 && (ci->total == 0 || ci->seq == 0 || ci->seq > ci->total))
		return -1;
	/* A "1 of 1" concatenation is a whole message. */
	return rc == 1 && ci->total > 1 ? 1 : 0;
}

static void
fill_head(const struct smpp_pdu *pdu, struct sim_mt *mt)
{
	memset(mt, 0, offsetof(struct sim_mt, text));
	mt->text[0] = '\0';
	snprintf(mt->to, sizeof mt->to, "%s", pdu->destination_addr);
	snprintf(mt->from, sizeof mt->from, "%s", pdu->source_addr);
	mt->dc = pdu->data_coding;
	mt->sess_id = -1;
	mt->parts = 1;
}

static struct partial *
partial_get(struct sim_reasm *r, const struct sim_mt *mt,
    const struct cinfo *ci)
{
	struct partial **slot = NULL;

	for (unsigned i = 0; i < REASM_MAX; i++) {
		struct partial *pt = r->p[i];

		if (pt == NULL) {
			if (slot == NULL)
				slot = &r->p[i];
			continue;
		}
		if (pt->ref == ci->ref && pt->total == ci->total &&
		    strcmp(pt->to, mt->to) == 0 &&
		    strcmp(pt->from, mt->from) == 0)
			return pt;
	}
	if (slot == NULL)
		return NULL;
	*slot = xcalloc(1, sizeof **slot);
	(*slot)->ref = ci->ref;
	(*slot)->total = ci->total;
	snprintf((*slot)->to, sizeof (*slot)->to, "%s", mt->to);
	snprintf((*slot)->from, sizeof (*slot)->from, "%s", mt->from);
	return *slot;
}

/* Joins a complete message into mt and frees the partial. */
static void
partial_join(struct sim_reasm *r, struct partial *pt, struct sim_mt *mt)
{
	size_t o = 0;

	for (unsigned i = 0; i < pt->total; i++) {
		size_t n = strlen(pt->part[i]);

		if (o + n >= sizeof mt->text) {
			snprintf(mt->why, sizeof mt->why, "joined text too long");
			break;
		}
		memcpy(mt->text + o, pt->part[i], n);
		o += n;
	}
	mt->text[o] = '\0';
	mt->parts = pt->total;
	if (pt->why[0] != '\0' && mt->why[0] == '\0')
		snprintf(mt->why, sizeof mt->why, "%s", pt->why);
	for (unsigned i = 0; i < REASM_MAX; i++)
		if (r->p[i] == pt)
			r->p[i] = NULL;
	partial_free(pt);
}

static int
read_part(struct sim_reasm *r, const struct smpp_pdu *pdu,
    const struct cinfo *ci, const uint8_t *txt, size_t len, struct sim_mt *mt)
{
	struct partial *pt = partial_get(r, mt, ci);
	char *buf;
	const char *err;

	if (pt == NULL) {
		snprintf(mt->why, sizeof mt->why, "too many partial messages");
		return 1;
	}
	if (pt->part[ci->seq - 1] != NULL) {
		snprintf(mt->why, sizeof mt->why, "part %u of %u repeated",
		    ci->seq, ci->total);
		return 1;
	}
	buf = xmalloc(SIM_MO_MAX * 4);
	if (sim_text_decode(pdu->data_coding, txt, len, buf, SIM_MO_MAX * 4,
	    &err) != 0 && pt->why[0] == '\0')
		snprintf(pt->why, sizeof pt->why, "part %u of %u: %s (dc=0x%02x)",
		    ci->seq, ci->total, err, pdu->data_coding);
	pt->part[ci->seq - 1] = buf;
	if (++pt->got < pt->total)
		return 0;
	partial_join(r, pt, mt);
	return 1;
}

int
sim_mt_read(struct sim_reasm *r, const struct sim_dialect *d,
    const struct smpp_pdu *pdu, struct sim_mt *mt)
{
	const uint8_t *txt;
	size_t len;
	struct cinfo ci;
	const char *err;
	int c;

	fill_head(pdu, mt);
	c = split_pdu(pdu, &txt, &len, &ci);
	if (c < 0) {
		snprintf(mt->why, sizeof mt->why, "malformed UDH or SAR");
		return 1;
	}
	if (pdu->tlv.have & SMPP_HAVE_USSD_SERVICE_OP) {
		mt->ussd = 1;
		mt->op = pdu->tlv.ussd_service_op;
		mt->verdict = sim_dialect_classify(d, &pdu->tlv, &mt->sess_id,
		    mt->why, sizeof mt->why);
	}
	if (c == 1 && !mt->ussd)
		return read_part(r, pdu, &ci, txt, len, mt);
	if (sim_text_decode(pdu->data_coding, txt, len, mt->text,
	    sizeof mt->text, &err) != 0 && mt->why[0] == '\0')
		snprintf(mt->why, sizeof mt->why, "%s (dc=0x%02x)", err,
		    pdu->data_coding);
	return 1;
}
