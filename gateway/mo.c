/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/gsm7.h"
#include "base/log.h"
#include "base/reasm.h"
#include "base/xmalloc.h"
#include "config.h"
#include "store.h"

#define SAR_ALL (SMPP_HAVE_SAR_MSG_REF_NUM | SMPP_HAVE_SAR_TOTAL_SEGMENTS | \
	SMPP_HAVE_SAR_SEGMENT_SEQNUM)

struct mo {
	struct logger *log;
	struct store *s;
	mo_handler fn;
	void *arg;
	struct reasm *reasm;
	struct event *timer;	/* the next reassembly timeout */
	int closing;
	struct mo_stats st;
};

/* A part being written: the carrier is answered after the commit. */
struct part_job {
	struct mo *mo;
	struct link *link;
	struct conn_req req;
	struct reasm_part p;
	uint8_t data[];		/* p.data points here */
};

/* The addressing a reply needs, kept with a concatenated message. */
struct meta {
	uint8_t src_ton, src_npi, dst_ton, dst_npi;
	char service_type[6];
};

_Static_assert(sizeof(struct meta) <= sizeof(((struct reasm_part *)0)->meta),
    "reply addressing fits in a part's meta");

static void on_reasm(void *arg, const struct reasm_msg *m);

static void rearm(struct mo *mo);

static void
timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct mo *mo = arg;

	(void)fd;
	(void)what;
	reasm_expire(mo->reasm, clock_ms());
	rearm(mo);	/* for the messages due later */
}

/* One timer for all reassemblies: armed at the earliest deadline. */
static void
rearm(struct mo *mo)
{
	uint64_t due = reasm_next_due(mo->reasm), now = clock_ms();
	struct timeval tv;

	if (due == UINT64_MAX) {
		event_del(mo->timer);
		return;
	}
	due = due > now ? due - now : 0;
	tv.tv_sec = (time_t)(due / 1000);
	tv.tv_usec = (suseconds_t)(due % 1000) * 1000;
	event_add(mo->timer, &tv);
}

struct mo *
mo_new(struct event_base *base, struct logger *log, const struct cfg *cfg,
    struct store *s, mo_handler fn, void *arg)
{
	struct mo *mo = xcalloc(1, sizeof *mo);
	struct reasm_limits lim = {
		.max_parts = cfg->concat_max_parts,
		.max_pending_per_source = cfg->concat_max_pending,
		.max_bytes = cfg->concat_max_bytes,
		.timeout_ms = cfg->concat_timeout_ms,
	};

	mo->log = log;
	mo->s = s;
	mo->fn = fn;
	mo->arg = arg;
	mo->reasm = reasm_new(&lim, on_reasm, mo);
	mo->timer = evtimer_new(base, timer_cb, mo);
	return mo;
}

void
mo_close(struct mo *mo)
{
	mo->closing = 1;
}

void
mo_free(struct mo *mo)
{
	if (mo == NULL)
		return;
	mo->closing = 1;	/* the pending parts are in the database */
	reasm_free(mo->reasm);
	event_free(mo->timer);
	free(mo);
}

const struct mo_stats *
mo_stats(const struct mo *mo)
{
	return &mo->st;
}

/* Decodes to an allocated UTF-8 string. */
static char *
decode(struct mo *mo, uint8_t dcs, const struct text_link *tl,
    const uint8_t *ud, size_t len, size_t *out_len, unsigned *bad)
{
	size_t size = TEXT_UTF8_MAX(len);
	char *s = xmalloc(size);

	*out_len = text_decode(dcs, tl, ud, len, 0, s, size, bad);
	mo->st.undecodable_chars += *bad;
	return s;
}

static void
dispatch(struct mo *mo, struct link *l, struct mo_msg *m)
{
	char prefix[48];

	snprintf(prefix, sizeof prefix, "link=%s", link_name(l));
	mo->st.messages++;
	if (m->incomplete)
		mo->st.incomplete++;
	log_msg(mo->log, m->incomplete ? LOG_INFO : LOG_DEBUG, prefix,
	    m->incomplete ? "mo_incomplete" : "mo", "kind=%s coding=%s "
	    "parts=%u octets=%zu bad=%u", m->kind == MO_SMS ? "sms" : "ussd",
	    text_coding_name(m->coding), m->parts, m->len, m->bad);
	mo->fn(mo->arg, l, m);
}

static void
reply_addr(struct mt_addr *a, const char *src, const char *dst,
    const struct meta *mt)
{
	memset(a, 0, sizeof *a);
	snprintf(a->to, sizeof a->to, "%s", src);
	snprintf(a->from, sizeof a->from, "%.20s", dst);
	a->to_ton = mt->src_ton;
	a->to_npi = mt->src_npi;
	a->from_ton = mt->dst_ton;
	a->from_npi = mt->dst_npi;
	snprintf(a->service_type, sizeof a->service_type, "%s",
	    mt->service_type);
}

/* Joins the pieces' text: in one go when they share a coding (a pair
 * split across parts then still decodes), piece by piece otherwise. */
static char *
join_text(struct mo *mo, const struct reasm_msg *m, const struct text_link *tl,
    size_t *len, unsigned *bad)
{
	int same = 1;
	char *s;
	size_t off = 0;

	for (unsigned i = 1; i < m->npieces; i++)
		same = same && m->piece[i].dcs == m->piece[0].dcs;
	if (m->npieces == 0 || same)
		return decode(mo, m->npieces ? m->piece[0].dcs : 0, tl, m->data,
		    m->len, len, bad);
	s = xmalloc(TEXT_UTF8_MAX(m->len));
	for (unsigned i = 0; i < m->npieces; i++) {
		unsigned b = 0;

		off += text_decode(m->piece[i].dcs, tl, m->data +
		    m->piece[i].off, m->piece[i].len, 0, s + off,
		    TEXT_UTF8_MAX(m->len) - off, &b);
		*bad += b;
	}
	mo->st.undecodable_chars += *bad;
	*len = off;
	return s;
}

static void
on_reasm(void *arg, const struct reasm_msg *m)
{
	struct mo *mo = arg;
	struct link *l = (struct link *)(uintptr_t)m->key.link;
	struct text_link tl;
	struct mo_msg msg;
	struct meta mt;
	uint8_t key[DB_HASH_LEN];
	char *text;

	if (mo->closing)
		return;		/* its parts are in the database */
	cfg_text_link(link_cfg(l), &tl);
	tl.gsm7_packed = 0;	/* parts were unpacked when they came in */
	memcpy(&mt, m->meta, sizeof mt);
	memset(&msg, 0, sizeof msg);
	msg.kind = MO_SMS;
	msg.ussd_event = PROF_NOT_USSD;
	msg.parts = m->parts;
	msg.incomplete = m->incomplete;
	msg.coding = text_coding_of(m->npieces ? m->piece[0].dcs : 0, &tl,
	    NULL);
	text = join_text(mo, m, &tl, &msg.len, &msg.bad);
	msg.text = text;
	reply_addr(&msg.reply, m->key.source, m->key.dest, &mt);
	store_msg_key(mo->s, link_name(l), &m->key, key);
	msg.msg_key = key;
	dispatch(mo, l, &msg);
	free(text);
}

/* Packed GSM-7 is unpacked on arrival: parts then join septet by septet. */
static uint8_t *
unpack_if_packed(const struct text_link *tl, uint8_t dcs, size_t udh_len,
    const uint8_t **ud, size_t *len)
{
	uint8_t *sept;
	size_t n;

	if (!tl->gsm7_packed || text_coding_of(dcs, tl, NULL) != TEXT_GSM7)
		return NULL;
	sept = xmalloc(*len * 8 / 7 + 1);
	if (tl->cbs_scheme && udh_len == 0) {
		n = gsm7_unpack_ussd(*ud, *len, sept, *len * 8 / 7 + 1);
	} else {
		unsigned fill = (unsigned)((7 - (udh_len * 8) % 7) % 7);

		n = (*len * 8 - (*len ? fill : 0)) / 7;
		n = gsm7_unpack(*ud, *len, fill, n, sept);
	}
	*ud = sept;
	*len = n;
	return sept;
}

static void
fill_meta(const struct smpp_pdu *pdu, struct meta *mt)
{
	memset(mt, 0, sizeof *mt);
	mt->src_ton = pdu->source_addr_ton;
	mt->src_npi = pdu->source_addr_npi;
	mt->dst_ton = pdu->dest_addr_ton;
	mt->dst_npi = pdu->dest_addr_npi;
	snprintf(mt->service_type, sizeof mt->service_type, "%s",
	    pdu->service_type);
}

static void
single(struct mo *mo, struct link *l, const struct smpp_pdu *pdu,
    struct conn_req req, enum prof_event ev, const struct text_link *tl,
    const uint8_t *ud, size_t len)
{
	struct mo_msg msg;
	struct meta mt;
	uint8_t dedup[DB_HASH_LEN];
	char *text;

	memset(&msg, 0, sizeof msg);
	msg.answer = 1;
	msg.req = req;
	if (ev == PROF_NOT_USSD) {
		store_dedup(mo->s, link_name(l), pdu, dedup);
		msg.dedup = dedup;
	}
	msg.kind = ev == PROF_NOT_USSD ? MO_SMS : MO_USSD;
	msg.ussd_event = ev;
	msg.parts = 1;
	msg.coding = text_coding_of(pdu->data_coding, tl, NULL);
	msg.ussd = pdu->tlv;
	msg.ussd.message_payload = NULL;
	text = decode(mo, pdu->data_coding, tl, ud, len, &msg.len, &msg.bad);
	msg.text = text;
	fill_meta(pdu, &mt);
	reply_addr(&msg.reply, pdu->source_addr, pdu->destination_addr, &mt);
	dispatch(mo, l, &msg);
	free(text);
}

/* Runs after the part's commit: answer, then reassemble. */
static void
part_done(void *arg, enum store_result r, int64_t report_id, int64_t mt_id)
{
	struct part_job *j = arg;
	struct mo *mo = j->mo;

	(void)report_id;
	(void)mt_id;
	/* A part has no case code (STORE_CASE_TAKEN): anything but stored
	 * or stored before is a failure. */
	if (r != STORE_OK && r != STORE_DUPLICATE) {
		mo->st.part_failures++;
		link_respond(j->link, j->req, SMPP_RX_T_APPN);
	} else {
		link_respond(j->link, j->req, SMPP_ROK);
		/* A copy of a part already stored is not added again: its
		 * message may be complete and its parts deleted. */
		if (r == STORE_DUPLICATE)
			mo->st.part_duplicates++;
		else if (!mo->closing)
			mo_resume_part(mo, j->link, &j->p);
	}
	explicit_bzero(j->data, j->p.len);
	explicit_bzero(&j->p.key, sizeof j->p.key);
	free(j);
}

void
mo_resume_part(struct mo *mo, struct link *l, const struct reasm_part *p)
{
	struct reasm_part q = *p;
	char prefix[48];

	q.key.link = (uint64_t)(uintptr_t)l;
	if (reasm_add(mo->reasm, &q, clock_ms()) == REASM_INVALID) {
		snprintf(prefix, sizeof prefix, "link=%s", link_name(l));
		log_msg(mo->log, LOG_ERROR, prefix, "part_invalid", "seq=%u "
		    "total=%u", q.seq, q.key.total);
	}
	rearm(mo);
}

/*
 * A part of a concatenated SMS: written, then answered and reassembled.
 * Returns -1 if it is not a valid part (the caller handles it alone).
 */
static int
part(struct mo *mo, struct link *l, const struct smpp_pdu *pdu,
    struct conn_req req, const struct text_udh *udh, const uint8_t *ud,
    size_t len)
{
	struct part_job *j;
	struct meta mt;
	uint8_t dedup[DB_HASH_LEN];
	int sar = !udh->concat;
	uint8_t total = sar ? pdu->tlv.sar_total_segments : udh->total;
	uint8_t seq = sar ? pdu->tlv.sar_segment_seqnum : udh->seq;

	if (seq == 0 || seq > total)
		return -1;
	j = xcalloc(1, sizeof *j + len);
	j->mo = mo;
	j->link = l;
	j->req = req;
	j->p.key.link = (uint64_t)(uintptr_t)l;
	snprintf(j->p.key.source, sizeof j->p.key.source, "%s",
	    pdu->source_addr);
	snprintf(j->p.key.dest, sizeof j->p.key.dest, "%.20s",
	    pdu->destination_addr);
	j->p.key.ref = sar ? pdu->tlv.sar_msg_ref_num : udh->ref;
	j->p.key.ref16 = (uint8_t)(sar || udh->ref16);
	j->p.key.total = total;
	j->p.seq = seq;
	j->p.dcs = pdu->data_coding;
	memcpy(j->data, ud, len);
	j->p.data = j->data;
	j->p.len = len;
	fill_meta(pdu, &mt);
	memcpy(j->p.meta, &mt, sizeof mt);
	mo->st.parts++;
	store_dedup(mo->s, link_name(l), pdu, dedup);
	store_part(mo->s, dedup, link_name(l), &j->p, part_done, j);
	return 0;
}

/* Reads the concatenation of an SMS: 0, or the status to refuse it. */
static uint32_t
concat_info(struct mo *mo, const struct smpp_pdu *pdu, const uint8_t *ud,
    size_t len, struct text_udh *udh, int *concat)
{
	uint32_t sar = pdu->tlv.have & SAR_ALL;

	memset(udh, 0, sizeof *udh);
	if ((pdu->esm_class & SMPP_ESM_UDHI) &&
	    text_udh_parse(ud, len, udh) != 0) {
		mo->st.bad_udh++;
		return SMPP_RINVESMCLASS;
	}
	if (sar != 0 && sar != SAR_ALL)
		return SMPP_RMISSINGOPTPARAM;
	if (sar != 0 && udh->concat)
		return SMPP_ROPTPARNOTALLWD;	/* two references: which? */
	*concat = (udh->concat && udh->total > 1) ||
	    (sar && pdu->tlv.sar_total_segments > 1);
	return SMPP_ROK;
}

/* Answers without a message: receipts, releases, foreign codes. */
static int
not_a_message(struct mo *mo, struct link *l, const struct smpp_pdu *pdu,
    enum prof_event ev, uint32_t *status)
{
	char prefix[48], q[LOG_QBUF];

	snprintf(prefix, sizeof prefix, "link=%s", link_name(l));
	*status = SMPP_ROK;
	if (pdu->esm_class & SMPP_ESM_DELIVERY_RECEIPT) {
		mo->st.receipts++;
		log_msg(mo->log, LOG_DEBUG, prefix, "delivery_receipt",
		    "state=%u", pdu->tlv.message_state);
		return 1;
	}
	if (!link_serves(l, pdu->destination_addr)) {
		/* Not a code of ours: a routing error at the carrier. */
		mo->st.refused++;
		log_msg(mo->log, LOG_WARN, prefix, "mo_refused",
		    "why=not_our_code destination=%s", log_qs(q, sizeof q,
		    pdu->destination_addr));
		*status = SMPP_RINVDSTADR;
		return 1;
	}
	if (ev == PROF_ABORT) {
		/* Counted here; the dialogue driver ends the session. */
		mo->st.ussd_releases++;
		log_msg(mo->log, LOG_DEBUG, prefix, "ussd_release", "op=0x%02x",
		    pdu->tlv.ussd_service_op);
	}
	return 0;
}

void
mo_receive(struct link *l, const struct smpp_pdu *pdu, struct conn_req req,
    void *arg)
{
	struct mo *mo = arg;
	const struct cfg_link *c = link_cfg(l);
	enum prof_event ev = prof_classify(prof_get((unsigned)c->ussd_profile),
	    &pdu->tlv);
	const uint8_t *ud = pdu->short_message;
	size_t len = pdu->sm_length;
	struct text_link tl;
	struct text_udh udh;
	uint8_t *unpacked = NULL;
	uint32_t status;
	int concat = 0;

	if (not_a_message(mo, l, pdu, ev, &status))
		goto answer;
	if (pdu->tlv.have & SMPP_HAVE_MESSAGE_PAYLOAD) {
		ud = pdu->tlv.message_payload;
		len = pdu->tlv.message_payload_len;
	}
	if ((status = concat_info(mo, pdu, ud, len, &udh, &concat)) != SMPP_ROK)
		goto answer;
	cfg_text_link(c, &tl);
	ud += udh.len;
	len -= udh.len;
	unpacked = unpack_if_packed(&tl, pdu->data_coding, udh.len, &ud, &len);
	if (unpacked != NULL)
		tl.gsm7_packed = 0;
	/* The handler, or part_done after the commit, answers. */
	if (!concat || ev != PROF_NOT_USSD ||
	    part(mo, l, pdu, req, &udh, ud, len) != 0)
		single(mo, l, pdu, req, ev, &tl, ud, len);
	free(unpacked);
	return;
answer:
	link_respond(l, req, status);
}
