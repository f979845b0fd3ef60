/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * USSD sessions through the menus (dialog.h). A session moves through
 * these states; every change goes through set_state(), which logs it:
 *
 *   open --step--> open --submit/case--> waiting --done--> (ended)
 *   open --end/abort/timeout--> (ended)
 */
#include "dialog_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/xmalloc.h"
#include "config.h"
#include "profile.h"
#include "routing/crypto.h"

static const char *const state_name[] = { "open", "waiting" };

/* Logs every change of a session's state, by serial number only. */
static void
set_state(struct dialog *d, struct sess *s, unsigned to, const char *why)
{
	struct sess_state *ss = sess_state(s);

	log_msg(d->log, LOG_DEBUG, NULL, "session",
	    "serial=%u from=%s to=%s why=%s node=%u", sess_serial(s),
	    state_name[ss->waiting], state_name[to], why, ss->ms.node);
	ss->waiting = (uint8_t)to;
}

_Static_assert(sizeof ((struct sess_state *)0)->code == CC_LEN + 1,
    "a session holds one case code");

struct menu_fmt
dlg_fmt_ussd(const struct cfg_link *c)
{
	return (struct menu_fmt){ c->menu_unicode, c->ussd_screen,
	    c->ussd_screen_ucs2, NULL };
}

/* The link's format, with the code the session's report will get. */
static struct menu_fmt
sess_fmt(struct link *l, struct sess *s)
{
	struct menu_fmt f = dlg_fmt_ussd(link_cfg(l));

	f.code = sess_state(s)->code;
	return f;
}

/* Sends a USSD screen in the dialogue of tlv; final ends it. */
static int
send_screen(struct dialog *d, struct link *l, const struct mt_addr *to,
    const struct smpp_tlvs *mo_tlv, const struct menu_out *out, int final,
    const char *lang)
{
	struct smpp_tlvs tlv;
	struct mt_req r = {
		.to = to, .kind = MT_USSD, .text = out->text, .lang = lang,
		.ussd = &tlv,
	};
	enum mt_result res;

	prof_reply_tlvs(prof_get((unsigned)link_cfg(l)->ussd_profile), mo_tlv,
	    final, &tlv);
	if ((res = mt_send(l, d->log, d->fb, &r, NULL)) != MT_QUEUED) {
		log_msg(d->log, LOG_WARN, NULL, "screen_unsent",
		    "link=%s why=%s", link_name(l), res == MT_QUEUE_FULL ?
		    "queue_full" : res == MT_TOO_LONG ? "too_long" :
		    "bad_text");
		return -1;
	}
	return 0;
}

static void
text_drop(struct sess_state *ss)
{
	if (ss->text != NULL) {
		cry_wipe(ss->text, ss->text_len);
		free(ss->text);
	}
	ss->text = NULL;
	ss->text_len = 0;
}

/* Appends what the citizen typed (a second text adds a line). */
void
dlg_text_keep(char **text, uint16_t *len, const char *in)
{
	size_t n = strlen(in), old = *len, add = n + (old > 0);
	char *t;

	if (n == 0 || old + add > NV_MENU_TEXT_MAX)
		return;
	t = xmalloc(old + add + 1);
	if (old > 0) {
		memcpy(t, *text, old);
		t[old] = '\n';
		cry_wipe(*text, old);
		free(*text);
	}
	memcpy(t + old + (old > 0), in, n);
	t[old + add] = '\0';
	*text = t;
	*len = (uint16_t)(old + add);
}

/* Ends a session the engine ended (done) or the citizen left. */
static void
end_session(struct dialog *d, struct sess *s, enum sess_reason why)
{
	struct sess_state *ss = sess_state(s);

	text_drop(ss);
	menu_unref(ss->menu);
	ss->menu = NULL;
	sess_end(d->sess, s, why);
}

/* A broken-off IED or attack report: written, nobody to answer. */
static void
keep_partial(struct dialog *d, struct sess *s, struct link *l)
{
	struct sess_state *ss = sess_state(s);
	struct dlg_file *f;

	if (d->closing || ss->waiting || !menu_keep_partial(ss->menu, &ss->ms)) {
		d->st.dropped++;
		return;
	}
	f = dlg_file_new(d, ss->menu, &ss->ms, l, sess_reply(s), ss->text,
	    ss->text_len);
	memcpy(f->reserved, ss->code, sizeof f->reserved);
	f->partial = 1;
	d->st.partial++;
	dlg_file(f);
}

/* The guard fired, a new begin replaced it, or shutdown. */
static void
expired(void *arg, struct sess *s, enum sess_reason why)
{
	struct dialog *d = arg;
	struct sess_state *ss = sess_state(s);

	struct link *l = dlg_link_of(d, sess_key(s)->link);

	if (why != SESS_SHUTDOWN && ss->menu != NULL && l != NULL)
		keep_partial(d, s, l);
	text_drop(ss);
	menu_unref(ss->menu);
	ss->menu = NULL;
}

static void
sess_final(struct dialog *d, struct link *l, struct sess *s,
    const struct smpp_tlvs *tlv, const struct menu_out *out)
{
	struct sess_state *ss = sess_state(s);

	(void)send_screen(d, l, sess_reply(s), tlv, out, 1,
	    menu_lang_code(ss->menu, ss->ms.lang > 0 ? ss->ms.lang - 1u : 0));
	end_session(d, s, SESS_DONE);
}

/* --- what the engine asks for ---------------------------------------- */

struct ussd_job {
	struct dialog *d;
	struct link *l;
	struct sess_key key;
	uint32_t serial;
	struct smpp_tlvs tlv;
};

/* The session a job was for, if it is still the same one. */
static struct sess *
job_session(struct ussd_job *j)
{
	struct sess *s = sess_find(j->d->sess, &j->key);

	if (s == NULL || sess_serial(s) != j->serial)
		return NULL;
	return s;
}

/* The job's session, still open and back to "open" (why: the log), and
 * the link's screen format; NULL when the session ended meanwhile. */
static struct sess *
job_resume(struct ussd_job *j, const char *why, struct menu_fmt *f)
{
	struct sess *s = job_session(j);

	if (s != NULL) {
		set_state(j->d, s, 0, why);
		*f = sess_fmt(j->l, s);
	}
	return s;
}

static void
case_found(void *arg, enum menu_case_result r, const struct dlg_case *c)
{
	struct ussd_job *j = arg;
	struct menu_case mc = { .result = r };
	struct sess_state *ss;
	struct menu_out out;
	struct menu_fmt f;
	struct sess *s;

	if ((s = job_resume(j, "case_found", &f)) == NULL)
		goto done;
	ss = sess_state(s);
	if (r == MENU_CASE_FOUND) {
		int li = c->lang != NULL ? menu_lang_find(ss->menu, c->lang) : -1;

		/* Dialled with the code (no language screen yet): answer in
		 * the language the report was made in. */
		if (ss->ms.depth == 0 && li >= 0)
			ss->ms.lang = (uint8_t)(li + 1);
		ss->case_id = c->report_id;
		ss->case_question = c->question != NULL;
		mc.status = c->status;
		mc.question = c->question;
	}
	menu_case(ss->menu, &ss->ms, &mc, &f, &out);
	if (out.kind == MENU_END) {
		sess_final(j->d, j->l, s, &j->tlv, &out);
		goto done;
	}
	(void)send_screen(j->d, j->l, sess_reply(s), &j->tlv, &out, 0,
	    menu_lang_code(ss->menu, ss->ms.lang - 1u));
	(void)sess_touch(s, link_cfg(j->l)->ussd_timeout_ms);
done:
	free(j);
}

static void
case_added(void *arg, int ok)
{
	struct ussd_job *j = arg;
	struct menu_out out;
	struct menu_fmt f;
	struct sess *s;

	if ((s = job_resume(j, "case_added", &f)) != NULL) {
		menu_added(sess_state(s)->menu, &sess_state(s)->ms, ok, &f,
		    &out);
		sess_final(j->d, j->l, s, &j->tlv, &out);
	}
	free(j);
}

/* After the report's commit: the final screen with the case code. */
static void
filed(void *arg, const char *code)
{
	struct ussd_job *j = arg;
	struct menu_out out;
	struct menu_fmt f;
	struct sess *s;

	if ((s = job_resume(j, code != NULL ? "filed" : "file_failed",
	    &f)) != NULL) {
		menu_filed(sess_state(s)->menu, &sess_state(s)->ms, code, &f,
		    &out);
		sess_final(j->d, j->l, s, &j->tlv, &out);
	}
	free(j);
}

static struct ussd_job *
ussd_job(struct dialog *d, struct link *l, struct sess *s,
    const struct smpp_tlvs *tlv)
{
	struct ussd_job *j = xcalloc(1, sizeof *j);

	j->d = d;
	j->l = l;
	j->key = *sess_key(s);
	j->serial = sess_serial(s);
	j->tlv = *tlv;
	j->tlv.message_payload = NULL;
	return j;
}

/* Acts on what menu_step or menu_begin returned. */
static void
act(struct dialog *d, struct link *l, struct sess *s,
    const struct smpp_tlvs *tlv, const char *input, struct menu_out *out)
{
	struct sess_state *ss = sess_state(s);
	struct dlg_file *f;

	if (out->keep_text)
		dlg_text_keep(&ss->text, &ss->text_len, input);
	switch (out->kind) {
	case MENU_SCREEN:
		if (send_screen(d, l, sess_reply(s), tlv, out, 0,
		    menu_lang_code(ss->menu, ss->ms.lang > 0 ?
		    ss->ms.lang - 1u : 0)) != 0)
			end_session(d, s, SESS_DONE);
		else
			(void)sess_touch(s, link_cfg(l)->ussd_timeout_ms);
		return;
	case MENU_END:
		sess_final(d, l, s, tlv, out);
		return;
	case MENU_SUBMIT:
		set_state(d, s, 1, "submit");
		f = dlg_file_new(d, ss->menu, &ss->ms, l, sess_reply(s),
		    ss->text, ss->text_len);
		memcpy(f->reserved, ss->code, sizeof f->reserved);
		f->done = filed;
		f->arg = ussd_job(d, l, s, tlv);
		dlg_file(f);
		return;
	case MENU_CASE_FIND:
		set_state(d, s, 1, "case_find");
		dlg_case_find(d, sess_pseudonym(s), out->input, case_found,
		    ussd_job(d, l, s, tlv));
		return;
	case MENU_CASE_ADD:
		set_state(d, s, 1, "case_add");
		dlg_case_add(d, ss->case_id, ss->case_question, ss->text,
		    ss->text_len, case_added,
		    ussd_job(d, l, s, tlv));
		text_drop(ss);
		return;
	}
}

/*
 * What the citizen dialled after the service code: "*384*123456789#"
 * asks for a case at once.
 */
static const char *
dialled_code(const char *dialled, char *buf, size_t size)
{
	const char *p = dialled[0] == '*' ? strchr(dialled + 1, '*') : NULL;
	size_t n;

	if (p == NULL)
		return NULL;
	n = strcspn(p + 1, "#");
	if (n == 0 || n >= size)
		return NULL;
	memcpy(buf, p + 1, n);
	buf[n] = '\0';
	return buf;
}

static void
begin(struct dialog *d, struct link *l, const struct mo_msg *m,
    const struct sess_key *key, const uint8_t pn[SESS_PSEUDO_LEN])
{
	const struct cfg_link *c = link_cfg(l);
	struct menu_fmt f = dlg_fmt_ussd(c);
	const char *dialled = prof_get((unsigned)c->ussd_profile)->dialled ==
	    PROF_DIALLED_TEXT ? m->text : m->reply.from;
	char code[NV_CC_INPUT_MAX + 1];
	struct sess_state *ss;
	struct menu_out out;
	struct sess *s;

	s = sess_begin(d->sess, key, pn, &m->reply, c->ussd_timeout_ms);
	if (s == NULL) {
		struct menu_state tmp = { 0 };

		d->st.busy++;
		menu_notice(d->menu, &tmp, "busy", &f, &out);
		(void)send_screen(d, l, &m->reply, &m->ussd, &out, 1, NULL);
		return;
	}
	d->st.begun++;
	ss = sess_state(s);
	ss->menu = menu_ref(d->menu);
	cc_new(ss->code);	/* shown early where the menu says {code} */
	f = sess_fmt(l, s);
	if (dialled_code(dialled, code, sizeof code) != NULL) {
		menu_begin_case(ss->menu, &ss->ms, MENU_MODE_USSD, NULL, &f,
		    &out);
		menu_step(ss->menu, &ss->ms, code, &f, &out);
	} else {
		menu_begin(ss->menu, &ss->ms, MENU_MODE_USSD, NULL,
		    intake_dialled_region(d->in, &m->reply), NULL, &f, &out);
	}
	log_msg(d->log, LOG_DEBUG, NULL, "session", "serial=%u from=none "
	    "to=open why=begin link=%s", sess_serial(s), link_name(l));
	act(d, l, s, &m->ussd, code, &out);
}

void
dialog_ussd(struct dialog *d, struct link *l, const struct mo_msg *m)
{
	const struct cfg_link *c = link_cfg(l);
	const struct ussd_profile *p = prof_get((unsigned)c->ussd_profile);
	uint8_t pn[SESS_PSEUDO_LEN] = { 0 };
	struct sess_key key;
	struct menu_out out;
	struct menu_fmt f = dlg_fmt_ussd(c);
	struct sess *s;

	/* No room for its screen: the carrier delivers the step again
	 * (a screen queued and lost would leave the citizen hanging). */
	if (link_queue_room(l) == 0) {
		d->st.busy++;
		link_respond(l, m->req, SMPP_RX_T_APPN);
		return;
	}
	link_respond(l, m->req, SMPP_ROK);
	if (intake_pseudonym(d->in, &m->reply, pn) == 0)
		intake_message_pn(d->in, pn, time(NULL));
	if (sess_key_make(&key, dlg_link_index(d, l), p, &m->ussd, pn) != 0) {
		log_msg(d->log, LOG_WARN, NULL, "ussd_unkeyed", "link=%s "
		    "profile=%s", link_name(l), p->name);
		goto out;
	}
	s = sess_find(d->sess, &key);
	if (m->ussd_event == PROF_UNKNOWN) {
		/* An op code the link's profile does not list: 11 written
		 * for 0x11, or the wrong profile. Nothing is guessed. */
		log_msg(d->log, LOG_WARN, NULL, "ussd_unknown_op", "link=%s "
		    "profile=%s op=0x%02x", link_name(l), p->name,
		    m->ussd.ussd_service_op);
	} else if (m->ussd_event == PROF_BEGIN) {
		begin(d, l, m, &key, pn);
	} else if (m->ussd_event == PROF_ABORT) {
		if (s != NULL) {
			keep_partial(d, s, l);
			end_session(d, s, SESS_ABORT);
		}
	} else if (s == NULL) {
		/* The guard ended it first, or a restart: say so. */
		struct menu_state tmp = { 0 };

		d->st.expired_steps++;
		menu_notice(d->menu, &tmp, "expired", &f, &out);
		(void)send_screen(d, l, &m->reply, &m->ussd, &out, 1, NULL);
	} else if (!sess_state(s)->waiting && !d->closing) {
		struct sess_state *ss = sess_state(s);

		d->st.steps++;
		f = sess_fmt(l, s);
		menu_step(ss->menu, &ss->ms, m->text, &f, &out);
		act(d, l, s, &m->ussd, m->text, &out);
	}
out:
	cry_wipe(pn, sizeof pn);
}

/* --- life -------------------------------------------------------------- */

struct dialog *
dialog_new(const struct dialog_deps *deps, struct menu *m, char **cause)
{
	struct dialog *d = xcalloc(1, sizeof *d);

	d->dp = *deps;
	d->log = deps->log;
	d->fb = deps->fb;
	d->in = deps->in;
	d->menu = menu_ref(m);
	d->sess = sess_new(deps->base, deps->log, NV_SESS_MAX, expired, d);
	d->guard = cc_guard_new(deps->cfg->case_wrong_per_day);
	if (d->sess == NULL || d->guard == NULL ||
	    dlg_case_key(d, cause) != 0 || dlg_sms_init(d, cause) != 0) {
		if (*cause == NULL)
			*cause = xstrdup("cannot make the session table");
		dialog_free(d);
		return NULL;
	}
	return d;
}

void
dialog_set_menu(struct dialog *d, struct menu *m)
{
	menu_unref(d->menu);
	d->menu = menu_ref(m);
}

void
dialog_close(struct dialog *d)
{
	d->closing = 1;
}

void
dialog_free(struct dialog *d)
{
	if (d == NULL)
		return;
	d->closing = 1;
	sess_free(d->sess);
	dlg_sms_free(d);
	cc_guard_free(d->guard);
	cry_wipe(d->case_key, sizeof d->case_key);
	menu_unref(d->menu);
	free(d);
}

const struct dialog_stats *
dialog_stats(const struct dialog *d)
{
	return &d->st;
}

size_t
dialog_sessions(const struct dialog *d)
{
	return sess_count(d->sess);
}

void
dialog_log_stats(struct dialog *d)
{
	const struct dialog_stats *s = &d->st;

	log_msg(d->log, LOG_INFO, NULL, "dialog_stats", "open=%zu begun=%llu "
	    "steps=%llu filed=%llu partial=%llu dropped=%llu busy=%llu "
	    "expired_steps=%llu case_found=%llu case_wrong=%llu "
	    "case_locked=%llu case_added=%llu failures=%llu sms_direct=%llu "
	    "resent_steps=%llu",
	    sess_count(d->sess), s->begun, s->steps, s->filed, s->partial,
	    s->dropped, s->busy, s->expired_steps, s->case_found,
	    s->case_wrong, s->case_locked, s->case_added, s->failures,
	    s->sms_direct, s->resent_steps);
}
