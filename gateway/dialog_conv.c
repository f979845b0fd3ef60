/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * SMS conversations: the menus by SMS, one conversation per sender,
 * keyed by store_conv_key(pseudonym) so that neither memory nor the
 * database holds the number. Every step is written (state sealed, the
 * MO's retransmission marker, the reply in the outbox) before the
 * carrier is answered (DESIGN §6), so a crash loses no step and a
 * restart resumes every conversation. A retransmitted step changes
 * nothing. A conversation silent for sms_conversation_timeout ends;
 * what its sender wrote is filed as a report unless it was about GBV.
 */
#include "dialog_int.h"

#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include "base/log.h"
#include "base/xmalloc.h"
#include "config.h"
#include "outbox.h"
#include "routing/crypto.h"

#define CONV_BUCKETS 4096u
#define BLOB_VERSION 2

struct conv {
	uint8_t key[STORE_CONV_KEY_LEN];
	struct menu *menu;
	struct menu_state ms;
	int64_t case_id;
	int case_question;	/* the case had an operator's question */
	char *text;
	uint16_t text_len;
	int64_t expires;
	int waiting;
	int resumed;		/* read back at start, no step since */
	int ended;		/* kept only to know its last step again */
	int has_last;
	uint8_t last[DB_HASH_LEN];	/* the last step's MO (store_dedup) */
	uint16_t link;		/* the link of its last step */
	char code[CC_LEN + 1];	/* the code its report will get */
	TAILQ_ENTRY(conv) age;	/* by expiry: one timeout for all */
	struct conv *hnext;
};

TAILQ_HEAD(conv_list, conv);

struct dlg_sms {
	struct conv *bucket[CONV_BUCKETS];
	struct conv_list age;
	unsigned n;
	struct event *timer;
};

/* What is sealed into the row: the state, where it is (checked against
 * the menu at replay), the case followed, the text kept. */
struct blob {
	uint8_t version;
	uint8_t has_last;
	uint16_t text_len;
	uint8_t ended;
	uint8_t case_question;
	char code[CC_LEN + 1];
	uint8_t last[DB_HASH_LEN];
	char node[48];
	int64_t case_id;
	struct menu_state ms;
};

static unsigned
bucket_of(const uint8_t *key)
{
	return ((unsigned)key[0] << 8 | key[1]) % CONV_BUCKETS;
}

static struct conv *
conv_find(struct dlg_sms *t, const uint8_t *key)
{
	struct conv *c = t->bucket[bucket_of(key)];

	while (c != NULL && memcmp(c->key, key, sizeof c->key) != 0)
		c = c->hnext;
	return c;
}

static void
arm(struct dialog *d)
{
	struct conv *c = TAILQ_FIRST(&d->sms->age);
	int64_t now = time(NULL);
	struct timeval tv = { 0, 0 };

	if (c == NULL)
		return;
	tv.tv_sec = c->expires > now ? (time_t)(c->expires - now) : 0;
	evtimer_add(d->sms->timer, &tv);
}

static void
conv_remove(struct dialog *d, struct conv *c)
{
	struct dlg_sms *t = d->sms;
	struct conv **p = &t->bucket[bucket_of(c->key)];

	while (*p != c)
		p = &(*p)->hnext;
	*p = c->hnext;
	TAILQ_REMOVE(&t->age, c, age);
	t->n--;
	if (c->text != NULL) {
		cry_wipe(c->text, c->text_len);
		free(c->text);
	}
	menu_unref(c->menu);
	cry_wipe(c, sizeof *c);
	free(c);
}

static struct conv *
conv_add(struct dialog *d, const uint8_t *key, struct menu *m,
    int64_t expires)
{
	struct dlg_sms *t = d->sms;
	struct conv *c;

	if (t->n >= NV_CONV_MAX)
		return NULL;
	c = xcalloc(1, sizeof *c);
	memcpy(c->key, key, sizeof c->key);
	cc_new(c->code);
	c->menu = menu_ref(m);
	c->expires = expires;
	c->hnext = t->bucket[bucket_of(key)];
	t->bucket[bucket_of(key)] = c;
	TAILQ_INSERT_TAIL(&t->age, c, age);
	t->n++;
	if (t->n == 1)
		arm(d);
	return c;
}

/* A step keeps the conversation alive: it goes to the end of the line. */
static void
conv_touch(struct dialog *d, struct conv *c)
{
	c->expires = time(NULL) + d->dp.cfg->sms_conv_ms / 1000;
	TAILQ_REMOVE(&d->sms->age, c, age);
	TAILQ_INSERT_TAIL(&d->sms->age, c, age);
}

static uint8_t *
blob_make(const struct conv *c, size_t *len)
{
	struct blob b = { .version = BLOB_VERSION, .text_len = c->text_len,
	    .case_id = c->case_id, .ms = c->ms,
	    .has_last = (uint8_t)c->has_last, .ended = (uint8_t)c->ended,
	    .case_question = (uint8_t)c->case_question };
	const char *id = menu_node_id(c->menu, &c->ms);
	uint8_t *out;

	snprintf(b.node, sizeof b.node, "%s", id != NULL ? id : "");
	memcpy(b.last, c->last, sizeof b.last);
	memcpy(b.code, c->code, sizeof b.code);
	*len = sizeof b + c->text_len;
	out = xmalloc(*len);
	memcpy(out, &b, sizeof b);
	if (c->text_len > 0)
		memcpy(out + sizeof b, c->text, c->text_len);
	cry_wipe(&b, sizeof b);
	return out;
}

/* --- one step written ------------------------------------------------- */

struct step {
	struct dialog *d;
	struct conv *c;
	struct link *l;
	struct conn_req req;
	int answer;
	struct mt_addr to;
	struct menu_state prev;	/* restored if the step is not written */
	int prev_has_last, prev_ended;
	int64_t prev_expires;
	uint8_t prev_last[DB_HASH_LEN];
	uint16_t prev_len;
	int64_t prev_case;
	int prev_case_question;
	int ended;		/* the reply was the last screen */
	int first;		/* it opened the conversation */
	int lang_free;		/* opened by a code alone: a case found
				 * answers in its report's language */
	char lang[8];
	char *reply;
	uint8_t dedup[DB_HASH_LEN];
	int has_dedup;
	uint8_t pn[SESS_PSEUDO_LEN];
};

static void
step_free(struct step *s)
{
	cry_wipe(&s->to, sizeof s->to);
	cry_wipe(s->pn, sizeof s->pn);
	if (s->reply != NULL) {
		cry_wipe(s->reply, strlen(s->reply));
		free(s->reply);
	}
	free(s);
}

static void
restore(struct step *s)
{
	struct conv *c = s->c;

	c->ms = s->prev;
	c->case_id = s->prev_case;
	c->case_question = s->prev_case_question;
	c->has_last = s->prev_has_last;
	memcpy(c->last, s->prev_last, sizeof c->last);
	c->ended = s->prev_ended;
	c->expires = s->prev_expires;
	if (c->text != NULL && c->text_len > s->prev_len) {
		cry_wipe(c->text + s->prev_len, c->text_len - s->prev_len);
		c->text[s->prev_len] = '\0';
	}
	c->text_len = s->prev_len;
}

static void
step_written(void *arg, enum store_result r, int64_t report_id,
    int64_t mt_id)
{
	struct step *s = arg;
	struct dialog *d = s->d;

	(void)report_id;
	s->c->waiting = 0;
	if (r == STORE_OK && mt_id > 0)
		outbox_send(d->dp.ob, s->l, mt_id, &s->to, s->reply, s->lang);
	if (r != STORE_OK)
		restore(s);	/* a retransmission, or not written */
	if (r == STORE_FAILED)
		d->st.failures++;
	if (s->answer)
		link_respond(s->l, s->req, r == STORE_FAILED ? SMPP_RX_T_APPN :
		    SMPP_ROK);
	/* An opening step not written opens no conversation. */
	if (r != STORE_OK && s->first)
		conv_remove(d, s->c);
	step_free(s);
}

static struct menu_fmt
fmt(const struct dialog *d, struct link *l, const struct conv *c)
{
	return dlg_fmt_sms(d, l, c->code);
}

/*
 * An ended conversation stays a while, holding only its last step's MO
 * hash, so that the SMSC's resending of that MO after a crash (its
 * response lost) is recognised instead of opening a new conversation.
 */
static void
tombstone(struct dialog *d, struct conv *c)
{
	c->ended = 1;
	c->expires = time(NULL) + NV_CONV_TOMB_S;
	TAILQ_REMOVE(&d->sms->age, c, age);
	TAILQ_INSERT_TAIL(&d->sms->age, c, age);
}

/* Writes the step with its screen; an ended conversation is written as
 * a tombstone (see tombstone()). */
static void
write_step(struct step *s, const struct menu_out *out)
{
	struct conv *c = s->c;
	struct store_mt m = { .link = link_name(s->l), .to = s->to };
	size_t len;
	uint8_t *blob;

	s->ended = out->kind == MENU_END;
	conv_touch(s->d, c);
	if (s->ended)
		tombstone(s->d, c);
	s->reply = xstrdup(out->text);
	snprintf(s->lang, sizeof s->lang, "%s", menu_lang_code(c->menu,
	    c->ms.lang > 0 ? c->ms.lang - 1u : 0));
	m.text = s->reply;
	m.lang = s->lang;
	if (s->has_dedup) {
		c->has_last = 1;
		memcpy(c->last, s->dedup, sizeof c->last);
	}
	blob = blob_make(c, &len);
	c->waiting = 1;
	store_conv_put(s->d->dp.s, c->key, blob, len, c->expires, NULL, &m,
	    step_written, s);
	cry_wipe(blob, len);
	free(blob);
}

static void
case_found(void *arg, enum menu_case_result r, const struct dlg_case *dc)
{
	struct step *s = arg;
	struct conv *c = s->c;
	struct menu_case mc = { .result = r };
	struct menu_fmt f = fmt(s->d, s->l, s->c);
	struct menu_out out;

	if (r == MENU_CASE_FOUND) {
		int li = s->lang_free && dc->lang != NULL ?
		    menu_lang_find(c->menu, dc->lang) : -1;

		/* As a USSD dialogue dialled with the code. */
		if (li >= 0)
			c->ms.lang = (uint8_t)(li + 1);
		c->case_id = dc->report_id;
		c->case_question = dc->question != NULL;
		mc.status = dc->status;
		mc.question = dc->question;
	}
	menu_case(c->menu, &c->ms, &mc, &f, &out);
	write_step(s, &out);
}

/*
 * The state an ended conversation keeps: its last step's MO hash (this
 * step's), written with the report in one transaction, so that no
 * moment exists when the report is there and the tombstone is not.
 */
static uint8_t *
tomb_blob(struct step *s, size_t *len, int64_t *expires)
{
	struct conv *c = s->c, saved = *c;
	uint8_t *blob;

	c->ended = 1;
	c->expires = time(NULL) + NV_CONV_TOMB_S;
	if (s->has_dedup) {
		c->has_last = 1;
		memcpy(c->last, s->dedup, sizeof c->last);
	}
	*expires = c->expires;
	blob = blob_make(c, len);
	c->ended = saved.ended;
	c->expires = saved.expires;
	c->has_last = saved.has_last;
	memcpy(c->last, saved.last, sizeof c->last);
	cry_wipe(&saved, sizeof saved);
	return blob;
}

/* The report, its final screen and the conversation's tombstone are
 * committed together: the carrier hears only then. */
static void
filed(void *arg, const char *code)
{
	struct step *s = arg;
	struct conv *c = s->c;

	c->waiting = 0;
	if (code == NULL) {
		if (s->answer)
			link_respond(s->l, s->req, SMPP_RX_T_APPN);
		if (s->first)
			conv_remove(s->d, c);
		else
			restore(s);
		step_free(s);
		return;
	}
	if (s->has_dedup) {
		c->has_last = 1;
		memcpy(c->last, s->dedup, sizeof c->last);
	}
	tombstone(s->d, c);
	if (s->answer)
		link_respond(s->l, s->req, SMPP_ROK);
	step_free(s);
}

static void
added(void *arg, int ok)
{
	struct step *s = arg;
	struct menu_fmt f = fmt(s->d, s->l, s->c);
	struct menu_out out;

	s->c->waiting = 0;
	if (!ok) {
		restore(s);
		if (s->answer)
			link_respond(s->l, s->req, SMPP_RX_T_APPN);
		step_free(s);
		return;
	}
	menu_added(s->c->menu, &s->c->ms, 1, &f, &out);
	write_step(s, &out);
}

static void
act(struct step *s, const char *input, struct menu_out *out)
{
	struct dialog *d = s->d;
	struct conv *c = s->c;
	struct dlg_file *f;

	if (out->keep_text)
		dlg_text_keep(&c->text, &c->text_len, input);
	switch (out->kind) {
	case MENU_SCREEN:
	case MENU_END:
		write_step(s, out);
		return;
	case MENU_SUBMIT:
		c->waiting = 1;
		f = dlg_file_new(d, c->menu, &c->ms, s->l, &s->to, c->text,
		    c->text_len);
		f->sms = 1;
		f->answer = 0;	/* filed() answers, after the tombstone */
		memcpy(f->reserved, c->code, sizeof f->reserved);
		f->has_conv = 1;
		memcpy(f->conv, c->key, sizeof f->conv);
		f->conv_state = tomb_blob(s, &f->conv_len, &f->conv_expires);
		f->done = filed;
		f->arg = s;
		dlg_file(f);
		return;
	case MENU_CASE_FIND:
		c->waiting = 1;
		dlg_case_find(d, s->pn, out->input, case_found, s);
		return;
	case MENU_CASE_ADD:
		c->waiting = 1;
		dlg_case_add(d, c->case_id, c->case_question, c->text,
		    c->text_len, added, s);
		return;
	}
}

static struct step *
step_new(struct dialog *d, struct conv *c, struct link *l,
    const struct mo_msg *m, const uint8_t *pn)
{
	struct step *s = xcalloc(1, sizeof *s);

	s->d = d;
	s->c = c;
	s->l = l;
	c->link = dlg_link_index(d, l);
	s->req = m->req;
	s->answer = m->answer;
	s->to = m->reply;
	s->prev = c->ms;
	s->prev_len = c->text_len;
	s->prev_case = c->case_id;
	s->prev_case_question = c->case_question;
	/*
	 * No retransmission marker in the database for a step: the same
	 * answer ("1") from the same phone minutes apart is the usual case
	 * in a menu, and only the text would tell it from a carrier's
	 * retransmission. The step's MO hash is kept with the conversation
	 * instead, for the one case where a retransmission is certain
	 * enough: the first MO after a restart equal to the last step
	 * written before it (dlg_conv_claim).
	 */
	s->prev_has_last = c->has_last;
	memcpy(s->prev_last, c->last, sizeof s->prev_last);
	s->prev_ended = c->ended;
	s->prev_expires = c->expires;
	if ((s->has_dedup = m->dedup != NULL))
		memcpy(s->dedup, m->dedup, sizeof s->dedup);
	memcpy(s->pn, pn, sizeof s->pn);
	return s;
}

/* --- entry points (dialog_sms.c) -------------------------------------- */

/*
 * An SMS of pn and its conversation: 1 when handled here (a step, or
 * the SMSC's resending of the last one after a restart), 0 when pn has
 * no conversation open (a tombstone the SMS does not match is forgotten
 * and the caller decides, as for a first SMS).
 */
int
dlg_conv_claim(struct dialog *d, struct link *l, const struct mo_msg *m,
    const uint8_t *pn)
{
	uint8_t key[STORE_CONV_KEY_LEN];
	struct menu_fmt f;
	struct menu_out out;
	struct conv *c;
	struct step *s;

	store_conv_key(d->dp.s, pn, key);
	c = conv_find(d->sms, key);
	cry_wipe(key, sizeof key);
	if (c == NULL)
		return 0;
	if (c->waiting) {
		/* A step while the previous one is written: the carrier
		 * delivers it again. */
		if (m->answer)
			link_respond(l, m->req, SMPP_RX_T_APPN);
		return 1;
	}
	/*
	 * Killed after a step's commit but before its deliver_sm_resp left,
	 * numvertd gets the MO again from the SMSC once restarted: answered,
	 * not taken for a second answer (its screen is in the outbox).
	 */
	if (c->resumed && c->has_last && m->dedup != NULL &&
	    memcmp(m->dedup, c->last, sizeof c->last) == 0) {
		c->resumed = 0;
		d->st.resent_steps++;
		if (m->answer)
			link_respond(l, m->req, SMPP_ROK);
		return 1;
	}
	c->resumed = 0;
	if (c->ended) {
		conv_remove(d, c);	/* its row: replaced or expired */
		return 0;
	}
	s = step_new(d, c, l, m, pn);
	d->st.steps++;
	f = fmt(d, l, c);
	menu_step(c->menu, &c->ms, m->text, &f, &out);
	act(s, m->text, &out);
	return 1;
}

/*
 * Opens a conversation with its first screen. mode, lang, region and
 * category as menu_begin; text (may be NULL) is kept as what the sender
 * wrote. Returns -1 when no conversation can be opened (the caller
 * files the SMS on its own).
 */
int
dlg_conv_begin(struct dialog *d, struct link *l, const struct mo_msg *m,
    const uint8_t *pn, const struct dlg_conv_start *st)
{
	uint8_t key[STORE_CONV_KEY_LEN];
	struct menu_fmt f;
	struct menu_out out;
	struct conv *c;
	struct step *s;

	store_conv_key(d->dp.s, pn, key);
	c = conv_add(d, key, d->menu, time(NULL) +
	    d->dp.cfg->sms_conv_ms / 1000);
	cry_wipe(key, sizeof key);
	if (c == NULL)
		return -1;
	d->st.begun++;
	f = fmt(d, l, c);
	if (st->text != NULL)
		dlg_text_keep(&c->text, &c->text_len, st->text);
	s = step_new(d, c, l, m, pn);
	s->first = 1;
	s->prev_len = 0;
	s->lang_free = st->code != NULL && st->lang == NULL;
	if (st->code != NULL)
		menu_begin_case(c->menu, &c->ms, st->mode, st->lang, &f, &out);
	else
		menu_begin(c->menu, &c->ms, st->mode, st->lang, st->region,
		    st->category, &f, &out);
	s->prev = c->ms;
	/* The first answer may come with it: a code, or "0". */
	if (st->answer != NULL && out.kind == MENU_SCREEN)
		menu_step(c->menu, &c->ms, st->answer, &f, &out);
	/* A first step that is not written leaves no conversation. */
	act(s, st->answer != NULL ? st->answer : "", &out);
	return 0;
}

/* --- expiry and restart ------------------------------------------------ */

static void
dropped(void *arg, enum store_result r, int64_t report_id, int64_t mt_id)
{
	(void)arg;
	(void)r;
	(void)report_id;
	(void)mt_id;
}

/* What the sender wrote is filed; a GBV conversation is not. */
static void
expire_one(struct dialog *d, struct conv *c)
{
	struct menu_report mr;
	struct dlg_file *f;
	struct link *l = dlg_link_of(d, c->link);

	menu_report(c->menu, &c->ms, &mr);
	if (c->text_len > 0 && !c->ended && !mr.gbv && l != NULL &&
	    !d->closing) {
		struct mt_addr none = { 0 };

		f = dlg_file_new(d, c->menu, &c->ms, l, &none, c->text,
		    c->text_len);
		f->sms = 1;
		f->partial = 1;
		/* No region chosen yet: the place the words name, if any. */
		if (mr.region == NULL && mr.axis == NULL)
			f->has_place = intake_text_region(d->in, c->text,
			    &f->place) != NULL;
		f->category = mr.category != NULL ? NULL : "unsorted";
		f->has_conv = 1;
		memcpy(f->conv, c->key, sizeof f->conv);
		d->st.partial++;
		dlg_file(f);
	} else {
		d->st.dropped++;
		store_conv_drop(d->dp.s, c->key, dropped, NULL);
	}
	conv_remove(d, c);
}

static void
expire_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dialog *d = arg;
	int64_t now = time(NULL);
	unsigned n = 0;
	struct conv *c, *next;

	(void)fd;
	(void)what;
	for (c = TAILQ_FIRST(&d->sms->age); c != NULL && c->expires <= now &&
	    n < NV_CONV_EXPIRE_PER_CB; c = next) {
		next = TAILQ_NEXT(c, age);
		if (c->waiting)
			continue;
		expire_one(d, c);
		n++;
	}
	arm(d);
}

void
dialog_conv_resume(struct dialog *d, const uint8_t *key, const void *state,
    size_t len, int64_t expires)
{
	struct blob b;
	struct conv *c;
	const char *id;

	if (len < sizeof b || len - sizeof b > NV_MENU_TEXT_MAX)
		goto bad;
	memcpy(&b, state, sizeof b);
	b.node[sizeof b.node - 1] = '\0';
	id = menu_node_id(d->menu, &b.ms);
	if (b.version != BLOB_VERSION || b.text_len != len - sizeof b ||
	    id == NULL || strcmp(id, b.node) != 0 ||
	    conv_find(d->sms, key) != NULL)
		goto bad;
	if ((c = conv_add(d, key, d->menu, expires)) == NULL)
		goto bad;
	c->ms = b.ms;
	c->case_id = b.case_id;
	c->case_question = b.case_question;
	c->resumed = 1;
	c->ended = b.ended;
	memcpy(c->code, b.code, sizeof c->code);
	c->code[CC_LEN] = '\0';
	c->has_last = b.has_last;
	memcpy(c->last, b.last, sizeof c->last);
	if (b.text_len > 0) {
		c->text = xmalloc(b.text_len + 1u);
		memcpy(c->text, (const uint8_t *)state + sizeof b, b.text_len);
		c->text[b.text_len] = '\0';
		c->text_len = b.text_len;
	}
	cry_wipe(&b, sizeof b);
	return;
bad:
	/* Saved under another menu file: the step cannot go on. */
	log_msg(d->log, LOG_WARN, NULL, "conversation_dropped",
	    "why=menu_changed");
	cry_wipe(&b, sizeof b);
	store_conv_drop(d->dp.s, key, dropped, NULL);
}

int
dlg_sms_init(struct dialog *d, char **cause)
{
	(void)cause;
	d->sms = xcalloc(1, sizeof *d->sms);
	TAILQ_INIT(&d->sms->age);
	d->sms->timer = evtimer_new(d->dp.base, expire_cb, d);
	return 0;
}

void
dlg_sms_free(struct dialog *d)
{
	struct conv *c;

	if (d->sms == NULL)
		return;
	while ((c = TAILQ_FIRST(&d->sms->age)) != NULL)
		conv_remove(d, c);
	if (d->sms->timer != NULL)
		event_free(d->sms->timer);
	free(d->sms);
	d->sms = NULL;
}

size_t
dlg_conv_count(const struct dialog *d)
{
	return d->sms != NULL ? d->sms->n : 0;
}
