/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * SMPP codec: our bounded scanner in front of libsmpp34. See the header
 * for the division of work. libsmpp34 is not thread-safe (its error log
 * is a global), so the codec runs on the event-loop thread only.
 */
#include "smpp_codec.h"

#include <arpa/inet.h>
#include <string.h>

#include <smpp34.h>
#include <smpp34_structs.h>
#include <smpp34_params.h>

#include "base/limits.h"
#include "base/xmalloc.h"

/* Kinds of mandatory field. */
enum fkind {
	FK_U8,
	FK_CSTR,	/* C-octet string, max octets including the NUL */
	FK_SM,		/* sm_length octet followed by short_message */
};

/* What the sanitised copy for libsmpp34 gets instead of the raw value. */
enum fsan {
	SAN_NONE,
	SAN_TON,	/* libsmpp34 rejects TON > 6 */
	SAN_NPI,	/* ... and NPI values outside its list */
	SAN_IFVER,	/* ... and interface_version other than 0x34 */
	SAN_EMPTY,	/* deliver_sm times: libsmpp34 wants them empty */
};

struct field {
	enum fkind kind;
	uint8_t max;		/* FK_CSTR: octets with NUL */
	enum fsan san;
	uint16_t pdu_off;	/* the member of struct smpp_pdu */
	uint32_t status;	/* status of the *_resp when it is bad */
	const char *cause;
};

struct cmd {
	uint32_t id;
	const char *name;
	const struct field *fields;
	size_t nfields;
	int tlvs;		/* 1 if a TLV section may follow */
	int optional_body;	/* resp whose fields may be absent */
};

/* Table shorthands: an octet, a C-octet string, the short_message. */
#define U8(m, san) { FK_U8, 0, san, offsetof(struct smpp_pdu, m), 0, NULL }
#define STR(m, max, san, st, why) \
	{ FK_CSTR, max, san, offsetof(struct smpp_pdu, m), st, why }
#define SM() { FK_SM, 0, SAN_NONE, offsetof(struct smpp_pdu, sm_length), \
	SMPP_RINVMSGLEN, "sm_length_past_end" }

static const struct field bind_fields[] = {
	STR(system_id, 16, SAN_NONE, SMPP_RINVSYSID, "system_id_too_long"),
	STR(password, 9, SAN_NONE, SMPP_RINVPASWD, "password_too_long"),
	STR(system_type, 13, SAN_NONE, SMPP_RINVSYSTYP, "system_type_too_long"),
	U8(interface_version, SAN_IFVER),
	U8(addr_ton, SAN_TON),
	U8(addr_npi, SAN_NPI),
	STR(address_range, 41, SAN_NONE, SMPP_RBINDFAIL,
	    "address_range_too_long"),
};

static const struct field bind_resp_fields[] = {
	STR(system_id, 16, SAN_NONE, SMPP_RINVSYSID, "system_id_too_long"),
};

static const struct field outbind_fields[] = {
	STR(system_id, 16, SAN_NONE, SMPP_RINVSYSID, "system_id_too_long"),
	STR(password, 9, SAN_NONE, SMPP_RINVPASWD, "password_too_long"),
};

/* submit_sm and deliver_sm share a layout; deliver_sm's times are empty. */
#define SM_FIELDS(times)						\
	STR(service_type, 6, SAN_NONE, SMPP_RINVSERTYP,			\
	    "service_type_too_long"),					\
	U8(source_addr_ton, SAN_TON),					\
	U8(source_addr_npi, SAN_NPI),					\
	STR(source_addr, 21, SAN_NONE, SMPP_RINVSRCADR,			\
	    "source_addr_too_long"),					\
	U8(dest_addr_ton, SAN_TON),					\
	U8(dest_addr_npi, SAN_NPI),					\
	STR(destination_addr, 21, SAN_NONE, SMPP_RINVDSTADR,		\
	    "destination_addr_too_long"),				\
	U8(esm_class, SAN_NONE),					\
	U8(protocol_id, SAN_NONE),					\
	U8(priority_flag, SAN_NONE),					\
	STR(schedule_delivery_time, 17, times, SMPP_RINVSCHED,		\
	    "schedule_too_long"),					\
	STR(validity_period, 17, times, SMPP_RINVEXPIRY,		\
	    "validity_too_long"),					\
	U8(registered_delivery, SAN_NONE),				\
	U8(replace_if_present_flag, SAN_NONE),				\
	U8(data_coding, SAN_NONE),					\
	U8(sm_default_msg_id, SAN_NONE),				\
	SM()

static const struct field submit_fields[] = { SM_FIELDS(SAN_NONE) };
static const struct field deliver_fields[] = { SM_FIELDS(SAN_EMPTY) };

static const struct field data_sm_fields[] = {
	STR(service_type, 6, SAN_NONE, SMPP_RINVSERTYP,
	    "service_type_too_long"),
	U8(source_addr_ton, SAN_TON),
	U8(source_addr_npi, SAN_NPI),
	STR(source_addr, 21, SAN_NONE, SMPP_RINVSRCADR, "source_addr_too_long"),
	U8(dest_addr_ton, SAN_TON),
	U8(dest_addr_npi, SAN_NPI),
	STR(destination_addr, 65, SAN_NONE, SMPP_RINVDSTADR,
	    "destination_addr_too_long"),
	U8(esm_class, SAN_NONE),
	U8(registered_delivery, SAN_NONE),
	U8(data_coding, SAN_NONE),
};

static const struct field msgid_fields[] = {
	STR(message_id, 65, SAN_NONE, SMPP_RINVCMDLEN, "message_id_too_long"),
};

/* deliver_sm_resp's message_id is unused and must be empty. */
static const struct field deliver_resp_fields[] = {
	STR(message_id, 65, SAN_EMPTY, SMPP_RINVCMDLEN, "message_id_too_long"),
};

#define CMD(id, nm, f, t, o) { id, nm, f, ARRAY_SIZE(f), t, o }
#define CMD0(id, nm) { id, nm, NULL, 0, 0, 0 }

static const struct cmd cmds[] = {
	CMD0(SMPP_GENERIC_NACK, "generic_nack"),
	CMD(SMPP_BIND_RECEIVER, "bind_receiver", bind_fields, 0, 0),
	CMD(SMPP_BIND_RECEIVER_RESP, "bind_receiver_resp", bind_resp_fields, 1, 1),
	CMD(SMPP_BIND_TRANSMITTER, "bind_transmitter", bind_fields, 0, 0),
	CMD(SMPP_BIND_TRANSMITTER_RESP, "bind_transmitter_resp",
	    bind_resp_fields, 1, 1),
	CMD(SMPP_SUBMIT_SM, "submit_sm", submit_fields, 1, 0),
	CMD(SMPP_SUBMIT_SM_RESP, "submit_sm_resp", msgid_fields, 0, 1),
	CMD(SMPP_DELIVER_SM, "deliver_sm", deliver_fields, 1, 0),
	CMD(SMPP_DELIVER_SM_RESP, "deliver_sm_resp", deliver_resp_fields, 0, 1),
	CMD0(SMPP_UNBIND, "unbind"),
	CMD0(SMPP_UNBIND_RESP, "unbind_resp"),
	CMD(SMPP_BIND_TRANSCEIVER, "bind_transceiver", bind_fields, 0, 0),
	CMD(SMPP_BIND_TRANSCEIVER_RESP, "bind_transceiver_resp",
	    bind_resp_fields, 1, 1),
	CMD(SMPP_OUTBIND, "outbind", outbind_fields, 0, 0),
	CMD0(SMPP_ENQUIRE_LINK, "enquire_link"),
	CMD0(SMPP_ENQUIRE_LINK_RESP, "enquire_link_resp"),
	CMD(SMPP_DATA_SM, "data_sm", data_sm_fields, 1, 0),
	CMD(SMPP_DATA_SM_RESP, "data_sm_resp", msgid_fields, 1, 1),
};

static const struct {
	uint32_t status;
	const char *name;
} status_names[] = {
	{ SMPP_ROK, "ESME_ROK" },
	{ SMPP_RINVMSGLEN, "ESME_RINVMSGLEN" },
	{ SMPP_RINVCMDLEN, "ESME_RINVCMDLEN" },
	{ SMPP_RINVCMDID, "ESME_RINVCMDID" },
	{ SMPP_RINVBNDSTS, "ESME_RINVBNDSTS" },
	{ SMPP_RALYBND, "ESME_RALYBND" },
	{ SMPP_RSYSERR, "ESME_RSYSERR" },
	{ SMPP_RINVSRCADR, "ESME_RINVSRCADR" },
	{ SMPP_RINVDSTADR, "ESME_RINVDSTADR" },
	{ SMPP_RBINDFAIL, "ESME_RBINDFAIL" },
	{ SMPP_RINVPASWD, "ESME_RINVPASWD" },
	{ SMPP_RINVSYSID, "ESME_RINVSYSID" },
	{ SMPP_RMSGQFUL, "ESME_RMSGQFUL" },
	{ SMPP_RINVSERTYP, "ESME_RINVSERTYP" },
	{ SMPP_RINVESMCLASS, "ESME_RINVESMCLASS" },
	{ SMPP_RSUBMITFAIL, "ESME_RSUBMITFAIL" },
	{ SMPP_RINVSYSTYP, "ESME_RINVSYSTYP" },
	{ SMPP_RTHROTTLED, "ESME_RTHROTTLED" },
	{ SMPP_RINVSCHED, "ESME_RINVSCHED" },
	{ SMPP_RINVEXPIRY, "ESME_RINVEXPIRY" },
	{ SMPP_RX_T_APPN, "ESME_RX_T_APPN" },
	{ SMPP_RX_P_APPN, "ESME_RX_P_APPN" },
	{ SMPP_RINVOPTPARSTREAM, "ESME_RINVOPTPARSTREAM" },
	{ SMPP_ROPTPARNOTALLWD, "ESME_ROPTPARNOTALLWD" },
	{ SMPP_RINVPARLEN, "ESME_RINVPARLEN" },
	{ SMPP_RMISSINGOPTPARAM, "ESME_RMISSINGOPTPARAM" },
	{ SMPP_RINVOPTPARAMVAL, "ESME_RINVOPTPARAMVAL" },
	{ SMPP_RUNKNOWNERR, "ESME_RUNKNOWNERR" },
};

/* Where the scanner found each mandatory field. */
struct span {
	const uint8_t *p;
	uint32_t len;		/* FK_CSTR: without the NUL; FK_SM: sm_length */
	uint8_t u8;
	int present;
};

#define MAX_FIELDS 17	/* submit_sm and deliver_sm */

/*
 * Largest sanitised copy: header plus the longest mandatory part (TLVs
 * are stripped), plus slack for libsmpp34's strict "<" buffer checks.
 */
#define SAN_BUF 640

static const struct cmd *
cmd_find(uint32_t id)
{
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		if (cmds[i].id == id)
			return &cmds[i];
	return NULL;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static int
npi_known(uint8_t npi)
{
	static const uint8_t ok[] = { 0, 1, 3, 4, 6, 8, 9, 10, 14, 18 };

	for (size_t i = 0; i < sizeof ok; i++)
		if (ok[i] == npi)
			return 1;
	return 0;
}

int
smpp_frame_len(const uint8_t hdr[4], uint32_t *len)
{
	uint32_t n = get32(hdr);

	if (n < NV_SMPP_PDU_MIN || n > NV_SMPP_PDU_MAX)
		return -1;
	*len = n;
	return 0;
}

void
smpp_pdu_init(struct smpp_pdu *pdu, uint32_t command_id,
    uint32_t sequence_number)
{
	memset(pdu, 0, sizeof *pdu);
	pdu->command_id = command_id;
	pdu->sequence_number = sequence_number;
}

uint32_t
smpp_resp_of(uint32_t command_id)
{
	if (command_id & SMPP_RESP_BIT || command_id == SMPP_OUTBIND)
		return 0;
	return command_id | SMPP_RESP_BIT;
}

const char *
smpp_cmd_name(uint32_t command_id)
{
	const struct cmd *c = cmd_find(command_id);

	return c != NULL ? c->name : "unknown";
}

const char *
smpp_status_name(uint32_t status)
{
	for (size_t i = 0; i < ARRAY_SIZE(status_names); i++)
		if (status_names[i].status == status)
			return status_names[i].name;
	if (status >= 0x400 && status <= 0x4ff)
		return "vendor";
	return "other";
}

/*
 * Walks the mandatory fields of body[0..len). Returns the offset where
 * the TLV section starts, or -1 with the status of the *_resp and a
 * cause.
 */
static long
scan_fields(const struct cmd *c, const uint8_t *body, size_t len,
    struct span *sp, uint32_t *status, const char **cause)
{
	size_t off = 0;

	for (size_t i = 0; i < c->nfields; i++) {
		const struct field *f = &c->fields[i];
		size_t left = len - off;
		const uint8_t *nul;

		memset(&sp[i], 0, sizeof sp[i]);
		if (left == 0 && c->optional_body)
			continue;
		*status = SMPP_RINVCMDLEN;
		*cause = "short_body";
		switch (f->kind) {
		case FK_U8:
			if (left < 1)
				return -1;
			sp[i].p = body + off;
			sp[i].u8 = body[off++];
			break;
		case FK_CSTR:
			nul = memchr(body + off, 0, left < f->max ? left : f->max);
			if (nul == NULL) {
				/* Ran out of PDU first: a short body. */
				if (left >= f->max) {
					*status = f->status;
					*cause = f->cause;
				}
				return -1;
			}
			sp[i].p = body + off;
			sp[i].len = (uint32_t)(nul - (body + off));
			off += sp[i].len + 1u;
			break;
		case FK_SM:
			if (left < 1)
				return -1;
			*status = SMPP_RINVMSGLEN;
			*cause = "sm_length_past_end";
			if (body[off] > NV_SMPP_SM_MAX || body[off] > left - 1)
				return -1;
			sp[i].len = body[off];
			sp[i].p = body + off + 1;
			off += 1u + sp[i].len;
			break;
		}
		sp[i].present = 1;
	}
	return (long)off;
}

/*
 * Writes the sanitised mandatory part for libsmpp34 into out (header
 * included) and returns its length.
 */
static size_t
build_sanitised(const struct cmd *c, const struct span *sp, uint8_t *out)
{
	size_t off = 16;

	put32(out + 4, c->id);
	put32(out + 8, 0);		/* vendor status codes are rejected */
	put32(out + 12, 1);		/* ... and so is sequence 0 */
	for (size_t i = 0; i < c->nfields; i++) {
		const struct field *f = &c->fields[i];
		uint8_t v;

		switch (f->kind) {
		case FK_U8:
			v = sp[i].u8;
			if (f->san == SAN_TON && v > 6)
				v = 0;
			else if (f->san == SAN_NPI && !npi_known(v))
				v = 0;
			else if (f->san == SAN_IFVER)
				v = 0x34;
			out[off++] = v;
			break;
		case FK_CSTR:
			if (sp[i].present && f->san != SAN_EMPTY) {
				memcpy(out + off, sp[i].p, sp[i].len);
				off += sp[i].len;
			}
			out[off++] = 0;
			break;
		case FK_SM:
			out[off++] = (uint8_t)sp[i].len;
			memcpy(out + off, sp[i].p, sp[i].len);
			off += sp[i].len;
			break;
		}
	}
	put32(out, (uint32_t)off);
	/* libsmpp34 1.14.1 must see a NUL after the buffer (smpp-anchors E.4). */
	out[off] = 0;
	return off;
}

/* The libsmpp34 structures we unpack into and pack from. */
union lib_pdu {
	bind_transmitter_t bind;	/* the three binds share a layout */
	bind_transmitter_resp_t bind_resp;
	outbind_t outbind;
	submit_sm_t submit;
	submit_sm_resp_t submit_resp;
	deliver_sm_t deliver;
	deliver_sm_resp_t deliver_resp;
	data_sm_t data;
	data_sm_resp_t data_resp;
	enquire_link_t hdr;
};

static void
cpy(char *dst, size_t size, const uint8_t *src)
{
	size_t n = strnlen((const char *)src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int
is_bind(uint32_t id)
{
	return id == SMPP_BIND_RECEIVER || id == SMPP_BIND_TRANSMITTER ||
	    id == SMPP_BIND_TRANSCEIVER;
}

static int
is_bind_resp(uint32_t id)
{
	return (id & SMPP_RESP_BIT) && is_bind(id & ~SMPP_RESP_BIT);
}

/* Copies what libsmpp34 unpacked into our flat PDU. */
static void
from_lib(const union lib_pdu *u, struct smpp_pdu *p)
{
	uint32_t id = p->command_id;

	if (is_bind(id)) {
		cpy(p->system_id, sizeof p->system_id, u->bind.system_id);
		cpy(p->password, sizeof p->password, u->bind.password);
		cpy(p->system_type, sizeof p->system_type, u->bind.system_type);
		cpy(p->address_range, sizeof p->address_range,
		    u->bind.address_range);
	} else if (is_bind_resp(id)) {
		cpy(p->system_id, sizeof p->system_id, u->bind_resp.system_id);
	} else if (id == SMPP_OUTBIND) {
		cpy(p->system_id, sizeof p->system_id, u->outbind.system_id);
		cpy(p->password, sizeof p->password, u->outbind.password);
	} else if (id == SMPP_SUBMIT_SM || id == SMPP_DELIVER_SM) {
		/* deliver_sm's fields are a prefix-compatible subset. */
		const submit_sm_t *s = &u->submit;
		const deliver_sm_t *d = &u->deliver;
		int sub = id == SMPP_SUBMIT_SM;

		cpy(p->service_type, sizeof p->service_type,
		    sub ? s->service_type : d->service_type);
		cpy(p->source_addr, sizeof p->source_addr,
		    sub ? s->source_addr : d->source_addr);
		cpy(p->destination_addr, 21,
		    sub ? s->destination_addr : d->destination_addr);
		p->esm_class = sub ? s->esm_class : d->esm_class;
		p->protocol_id = sub ? s->protocol_id : d->protocol_id;
		p->priority_flag = sub ? s->priority_flag : d->priority_flag;
		if (sub) {
			cpy(p->schedule_delivery_time, 17,
			    s->schedule_delivery_time);
			cpy(p->validity_period, 17, s->validity_period);
		}
		p->registered_delivery = sub ? s->registered_delivery :
		    d->registered_delivery;
		p->replace_if_present_flag = sub ?
		    s->replace_if_present_flag : d->replace_if_present_flag;
		p->data_coding = sub ? s->data_coding : d->data_coding;
		p->sm_default_msg_id = sub ? s->sm_default_msg_id :
		    d->sm_default_msg_id;
		p->sm_length = sub ? s->sm_length : d->sm_length;
		memcpy(p->short_message, sub ? s->short_message :
		    d->short_message, p->sm_length);
	} else if (id == SMPP_DATA_SM) {
		cpy(p->service_type, sizeof p->service_type,
		    u->data.service_type);
		cpy(p->source_addr, sizeof p->source_addr, u->data.source_addr);
		cpy(p->destination_addr, sizeof p->destination_addr,
		    u->data.destination_addr);
		p->esm_class = u->data.esm_class;
		p->registered_delivery = u->data.registered_delivery;
		p->data_coding = u->data.data_coding;
	} else if (id == SMPP_SUBMIT_SM_RESP) {
		cpy(p->message_id, sizeof p->message_id,
		    u->submit_resp.message_id);
	} else if (id == SMPP_DATA_SM_RESP) {
		cpy(p->message_id, sizeof p->message_id,
		    u->data_resp.message_id);
	}
}

/* Puts back the raw values libsmpp34 could not be shown. */
static void
restore_raw(const struct cmd *c, const struct span *sp, struct smpp_pdu *p)
{
	for (size_t i = 0; i < c->nfields; i++)
		if (c->fields[i].kind == FK_U8 && c->fields[i].san != SAN_NONE)
			((uint8_t *)p)[c->fields[i].pdu_off] = sp[i].u8;
}

/* Runs libsmpp34 over the sanitised copy. Returns 0 or -1. */
static int
lib_unpack(const struct cmd *c, const struct span *sp, struct smpp_pdu *p)
{
	uint8_t san[SAN_BUF];
	union lib_pdu u;
	size_t n;
	int rc;

	n = build_sanitised(c, sp, san);
	memset(&u, 0, sizeof u);
	rc = smpp34_unpack(c->id, &u, san, (int)n);
	/* On failure TLVs already parsed stay linked; there are none here,
	 * but free whatever the library may have attached. */
	if (c->tlvs && c->id == SMPP_SUBMIT_SM)
		destroy_tlv(u.submit.tlv);
	else if (c->tlvs && c->id == SMPP_DELIVER_SM)
		destroy_tlv(u.deliver.tlv);
	else if (c->tlvs && c->id == SMPP_DATA_SM)
		destroy_tlv(u.data.tlv);
	else if (c->tlvs && is_bind_resp(c->id))
		destroy_tlv(u.bind_resp.tlv);
	if (rc != 0)
		return -1;
	from_lib(&u, p);
	restore_raw(c, sp, p);
	return 0;
}

static void
read_header(const uint8_t *buf, size_t len, struct smpp_pdu *pdu)
{
	memset(pdu, 0, sizeof *pdu);
	if (len < 16)
		return;
	pdu->command_length = get32(buf);
	pdu->command_id = get32(buf + 4);
	pdu->command_status = get32(buf + 8);
	pdu->sequence_number = get32(buf + 12);
}

enum smpp_dec
smpp_decode(const uint8_t *buf, size_t len, struct smpp_pdu *pdu,
    uint32_t *status, const char **cause)
{
	struct span sp[MAX_FIELDS];
	const struct cmd *c;
	const char *why = "";
	uint32_t st = SMPP_ROK;
	enum smpp_dec dec = SMPP_DEC_OK;
	int resp;
	long off;

	read_header(buf, len, pdu);
	if (len < NV_SMPP_PDU_MIN || len > NV_SMPP_PDU_MAX ||
	    pdu->command_length != len) {
		st = SMPP_RINVCMDLEN;
		why = "bad_command_length";
		dec = SMPP_DEC_BAD_LENGTH;
		goto out;
	}
	if ((c = cmd_find(pdu->command_id)) == NULL) {
		st = SMPP_RINVCMDID;
		why = "unknown_command_id";
		dec = SMPP_DEC_UNKNOWN;
		goto out;
	}
	resp = (c->id & SMPP_RESP_BIT) != 0;
	/* Error responses and generic_nack: the header says it all, and
	 * their bodies differ between peers (node-smpp sends none). */
	if (resp && (pdu->command_status != SMPP_ROK ||
	    c->id == SMPP_GENERIC_NACK))
		goto out;
	off = scan_fields(c, buf + 16, len - 16, sp, &st, &why);
	if (off < 0)
		goto bad;
	/* Octets after the fields of a command without TLVs are ignored. */
	if (c->tlvs && (st = tlv_scan(buf + 16 + off, len - 16 - (size_t)off,
	    &pdu->tlv, &why)) != SMPP_ROK)
		goto bad;
	if (c->nfields > 0 && c->fields[c->nfields - 1].kind == FK_SM &&
	    sp[c->nfields - 1].len > 0 &&
	    (pdu->tlv.have & SMPP_HAVE_MESSAGE_PAYLOAD)) {
		/* SMPP 3.4 §5.3.2.32: never both short_message and payload. */
		st = SMPP_ROPTPARNOTALLWD;
		why = "short_message_and_message_payload";
		goto bad;
	}
	if (lib_unpack(c, sp, pdu) != 0) {
		st = SMPP_RSYSERR;
		why = "libsmpp34_rejected";
		goto bad;
	}
	st = SMPP_ROK;
	why = "";
	goto out;
bad:
	memset(&pdu->tlv, 0, sizeof pdu->tlv);
	dec = resp ? SMPP_DEC_BAD_RESP : SMPP_DEC_BAD_BODY;
out:
	if (status != NULL)
		*status = st;
	if (cause != NULL)
		*cause = why;
	return dec;
}

static void
put_str(uint8_t *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = 0;
}

static uint8_t
san_u8(enum fsan san, uint8_t v)
{
	if ((san == SAN_TON && v > 6) || (san == SAN_NPI && !npi_known(v)))
		return 0;
	if (san == SAN_IFVER)
		return 0x34;
	return v;
}

/* Fills the libsmpp34 structure for pdu; u is zeroed by the caller. */
static void
to_lib(const struct smpp_pdu *p, union lib_pdu *u)
{
	uint32_t id = p->command_id;

	if (is_bind(id)) {
		put_str(u->bind.system_id, 16, p->system_id);
		put_str(u->bind.password, 9, p->password);
		put_str(u->bind.system_type, 13, p->system_type);
		u->bind.interface_version = 0x34;
		u->bind.addr_ton = san_u8(SAN_TON, p->addr_ton);
		u->bind.addr_npi = san_u8(SAN_NPI, p->addr_npi);
		put_str(u->bind.address_range, 41, p->address_range);
	} else if (is_bind_resp(id)) {
		put_str(u->bind_resp.system_id, 16, p->system_id);
	} else if (id == SMPP_OUTBIND) {
		put_str(u->outbind.system_id, 16, p->system_id);
		put_str(u->outbind.password, 9, p->password);
	} else if (id == SMPP_SUBMIT_SM) {
		submit_sm_t *s = &u->submit;

		put_str(s->service_type, 6, p->service_type);
		s->source_addr_ton = san_u8(SAN_TON, p->source_addr_ton);
		s->source_addr_npi = san_u8(SAN_NPI, p->source_addr_npi);
		put_str(s->source_addr, 21, p->source_addr);
		s->dest_addr_ton = san_u8(SAN_TON, p->dest_addr_ton);
		s->dest_addr_npi = san_u8(SAN_NPI, p->dest_addr_npi);
		put_str(s->destination_addr, 21, p->destination_addr);
		s->esm_class = p->esm_class;
		s->protocol_id = p->protocol_id;
		s->priority_flag = p->priority_flag;
		put_str(s->schedule_delivery_time, 17,
		    p->schedule_delivery_time);
		put_str(s->validity_period, 17, p->validity_period);
		s->registered_delivery = p->registered_delivery;
		s->replace_if_present_flag = p->replace_if_present_flag;
		s->data_coding = p->data_coding;
		s->sm_default_msg_id = p->sm_default_msg_id;
		s->sm_length = p->sm_length;
		memcpy(s->short_message, p->short_message, p->sm_length);
	} else if (id == SMPP_DELIVER_SM) {
		deliver_sm_t *d = &u->deliver;

		put_str(d->service_type, 6, p->service_type);
		d->source_addr_ton = san_u8(SAN_TON, p->source_addr_ton);
		d->source_addr_npi = san_u8(SAN_NPI, p->source_addr_npi);
		put_str(d->source_addr, 21, p->source_addr);
		d->dest_addr_ton = san_u8(SAN_TON, p->dest_addr_ton);
		d->dest_addr_npi = san_u8(SAN_NPI, p->dest_addr_npi);
		put_str(d->destination_addr, 21, p->destination_addr);
		d->esm_class = p->esm_class;
		d->protocol_id = p->protocol_id;
		d->priority_flag = p->priority_flag;
		d->registered_delivery = p->registered_delivery;
		d->replace_if_present_flag = p->replace_if_present_flag;
		d->data_coding = p->data_coding;
		d->sm_default_msg_id = p->sm_default_msg_id;
		d->sm_length = p->sm_length;
		memcpy(d->short_message, p->short_message, p->sm_length);
	} else if (id == SMPP_DATA_SM) {
		data_sm_t *d = &u->data;

		put_str(d->service_type, 6, p->service_type);
		d->source_addr_ton = san_u8(SAN_TON, p->source_addr_ton);
		d->source_addr_npi = san_u8(SAN_NPI, p->source_addr_npi);
		put_str(d->source_addr, 21, p->source_addr);
		d->dest_addr_ton = san_u8(SAN_TON, p->dest_addr_ton);
		d->dest_addr_npi = san_u8(SAN_NPI, p->dest_addr_npi);
		put_str(d->destination_addr, 65, p->destination_addr);
		d->esm_class = p->esm_class;
		d->registered_delivery = p->registered_delivery;
		d->data_coding = p->data_coding;
	} else if (id == SMPP_SUBMIT_SM_RESP) {
		put_str(u->submit_resp.message_id, 65, p->message_id);
	} else if (id == SMPP_DATA_SM_RESP) {
		put_str(u->data_resp.message_id, 65, p->message_id);
	}
	u->hdr.command_id = id;
	u->hdr.command_status = 0;	/* libsmpp34 refuses vendor codes */
	u->hdr.sequence_number = 1;	/* ... and sequence 0 */
}

/* Refuses strings that do not fit their field: we never truncate. */
static int
check_fields(const struct cmd *c, const struct smpp_pdu *p,
    const char **cause)
{
	for (size_t i = 0; i < c->nfields; i++) {
		const struct field *f = &c->fields[i];
		const char *s = (const char *)p + f->pdu_off;

		if (f->kind == FK_CSTR && f->san != SAN_EMPTY &&
		    strnlen(s, f->max) >= f->max) {
			*cause = f->cause;
			return -1;
		}
		if (f->kind == FK_SM && p->sm_length > NV_SMPP_SM_OUT_MAX) {
			*cause = "short_message_too_long";
			return -1;
		}
		/* Our decoder refuses both together; so must the encoder. */
		if (f->kind == FK_SM && p->sm_length > 0 &&
		    (p->tlv.have & SMPP_HAVE_MESSAGE_PAYLOAD)) {
			*cause = "short_message_and_message_payload";
			return -1;
		}
	}
	return 0;
}

/* Writes the raw octets libsmpp34 could not pack into the packed body. */
static void
patch_raw(const struct cmd *c, const struct smpp_pdu *p, uint8_t *buf,
    size_t len)
{
	struct span sp[MAX_FIELDS];
	uint32_t st;
	const char *why;

	if (scan_fields(c, buf + 16, len - 16, sp, &st, &why) < 0)
		return;
	for (size_t i = 0; i < c->nfields; i++)
		if (c->fields[i].kind == FK_U8 && c->fields[i].san != SAN_NONE)
			buf[sp[i].p - buf] = ((const uint8_t *)p)[
			    c->fields[i].pdu_off];
}

int
smpp_encode(const struct smpp_pdu *pdu, uint8_t *buf, size_t size,
    const char **cause)
{
	uint8_t tmp[SAN_BUF];
	const struct cmd *c;
	union lib_pdu u;
	int n = 0;
	size_t off;
	const char *dummy;

	if (cause == NULL)
		cause = &dummy;
	*cause = "";
	if ((c = cmd_find(pdu->command_id)) == NULL) {
		*cause = "unknown_command_id";
		return -1;
	}
	if (size < 16) {
		*cause = "buffer_too_small";
		return -1;
	}
	if ((c->id & SMPP_RESP_BIT) && (pdu->command_status != SMPP_ROK ||
	    c->id == SMPP_GENERIC_NACK)) {
		off = 16;	/* an error response carries no body */
		goto header;
	}
	if (check_fields(c, pdu, cause) != 0)
		return -1;
	if ((pdu->tlv.have & SMPP_HAVE_MESSAGE_PAYLOAD) &&
	    pdu->tlv.message_payload_len > NV_SMPP_PDU_MAX) {
		*cause = "message_payload_too_long";
		return -1;
	}
	memset(&u, 0, sizeof u);
	to_lib(pdu, &u);
	if (smpp34_pack(c->id, tmp, sizeof tmp, &n, &u) != 0 || n < 16) {
		*cause = "libsmpp34_pack_failed";
		return -1;
	}
	if ((size_t)n > size) {
		*cause = "buffer_too_small";
		return -1;
	}
	memcpy(buf, tmp, (size_t)n);
	off = (size_t)n;
	patch_raw(c, pdu, buf, off);
	if (c->tlvs && tlv_write(&pdu->tlv, buf, size, &off) != 0) {
		*cause = "buffer_too_small";
		return -1;
	}
	if (off > NV_SMPP_PDU_MAX) {
		*cause = "pdu_too_long";
		return -1;
	}
header:
	put32(buf, (uint32_t)off);
	put32(buf + 4, pdu->command_id);
	put32(buf + 8, pdu->command_status);
	put32(buf + 12, pdu->sequence_number);
	return (int)off;
}
