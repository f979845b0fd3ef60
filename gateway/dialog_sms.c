/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * SMS through the menus (dialog.h): a message naming a category
 * ("ARME Ansongo deux hommes armés au marché", keywords in every
 * language of the menu file) is a report at once, routed by the place
 * it names (or the number dialled; else the national triage queue),
 * answered with the category's final screen and its case code through
 * the outbox, in the same commit. "SUIVI 123456789" (or the code alone)
 * answers the case's status and the operator's question; "SUIVI
 * 123456789 text" adds the text to the case. Anything else is handled
 * as before (gateway/app.c: an unsorted report).
 */
#include "dialog_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/xmalloc.h"
#include "config.h"
#include "outbox.h"
#include "routing/crypto.h"

/* An SMS answer that is not a report: outbox first, then the carrier. */
struct sms_job {
	struct dialog *d;
	struct link *l;
	struct conn_req req;
	int answer;
	struct mt_addr to;
	struct menu_state ms;
	struct menu *menu;
	char lang[8];
	int lang_free;		/* no keyword: the report's language */
	char *text;		/* SUIVI code text: what to add */
	size_t len;
	char *reply;
};

static void
job_free(struct sms_job *j)
{
	cry_wipe(&j->to, sizeof j->to);
	if (j->text != NULL)
		cry_wipe(j->text, j->len);
	free(j->text);
	free(j->reply);
	menu_unref(j->menu);
	free(j);
}

static void
reply_queued(void *arg, int64_t mt_id)
{
	struct sms_job *j = arg;

	if (mt_id > 0)
		outbox_send(j->d->dp.ob, j->l, mt_id, &j->to, j->reply,
		    j->lang);
	if (j->answer)
		link_respond(j->l, j->req, mt_id > 0 ? SMPP_ROK :
		    SMPP_RX_T_APPN);
	job_free(j);
}

static void
reply(struct sms_job *j, const struct menu_out *out)
{
	struct store_mt m = {
		.link = link_name(j->l), .to = j->to, .lang = j->lang,
	};

	j->reply = xstrdup(out->text);
	m.text = j->reply;
	store_send(j->d->dp.s, &m, reply_queued, j);
}

static void
added(void *arg, int ok)
{
	struct sms_job *j = arg;
	struct menu_fmt f = dlg_fmt_sms(j->d, j->l, NULL);
	struct menu_out out;

	menu_added(j->menu, &j->ms, ok, &f, &out);
	reply(j, &out);
}

static void
found(void *arg, enum menu_case_result r, const struct dlg_case *c)
{
	struct sms_job *j = arg;
	struct menu_case mc = { .result = r };
	struct menu_fmt f = dlg_fmt_sms(j->d, j->l, NULL);
	struct menu_out out;
	int li = r == MENU_CASE_FOUND && j->lang_free && c->lang != NULL ?
	    menu_lang_find(j->menu, c->lang) : -1;

	/* The code without a keyword: as a USSD dialogue dialled with it. */
	if (li >= 0) {
		j->ms.lang = (uint8_t)(li + 1);
		snprintf(j->lang, sizeof j->lang, "%s", c->lang);
	}
	if (r == MENU_CASE_FOUND && j->len > 0) {
		/* The case_text node's "done" screen answers. */
		menu_case(j->menu, &j->ms, &(struct menu_case){
		    .result = r, .status = c->status }, &f, &out);
		menu_step(j->menu, &j->ms, "1", &f, &out);
		menu_step(j->menu, &j->ms, j->text, &f, &out);
		dlg_case_add(j->d, c->report_id, c->question != NULL, j->text,
		    j->len, added, j);
		return;
	}
	if (r == MENU_CASE_FOUND) {
		mc.status = c->status;
		mc.question = c->question;
	}
	menu_case(j->menu, &j->ms, &mc, &f, &out);
	reply(j, &out);
}

/*
 * "SUIVI 123456789 [words]" answered at once: the status, or the words
 * added. rest: the text after the keyword; pn: the sender's pseudonym
 * (zero when the sender has none).
 */
static void
follow(struct dialog *d, struct link *l, const struct mo_msg *m,
    const char *lang, const char *rest, const uint8_t *pn)
{
	struct sms_job *j = xcalloc(1, sizeof *j);
	struct menu_fmt f = dlg_fmt_sms(d, l, NULL);
	char code[CC_LEN + 1];
	struct menu_out out;
	const char *words;

	j->d = d;
	j->l = l;
	j->req = m->req;
	j->answer = m->answer;
	j->to = m->reply;
	j->menu = menu_ref(d->menu);
	j->lang_free = lang == NULL;
	menu_begin_case(j->menu, &j->ms, MENU_MODE_SMS, lang, &f, &out);
	snprintf(j->lang, sizeof j->lang, "%s", menu_lang_code(j->menu,
	    j->ms.lang - 1u));
	/* A code that does not read is looked up as typed: the answer
	 * says whether it was a typo or no code. */
	if (cc_parse_lead(rest, code, &words) == CC_OK && *words != '\0') {
		j->len = strlen(words) > NV_MENU_TEXT_MAX ? NV_MENU_TEXT_MAX :
		    strlen(words);
		j->text = xmalloc(j->len + 1);
		memcpy(j->text, words, j->len);
		j->text[j->len] = '\0';
	}
	dlg_case_find(d, pn, code[0] != '\0' ? code : rest, found, j);
	cry_wipe(code, sizeof code);
}

/*
 * A report at once: routed to the place the text names (at), else to
 * the region of the number dialled, else to national triage.
 */
static void
direct(struct dialog *d, struct link *l, const struct mo_msg *m,
    const struct menu_sms *ps, const struct intake_place *at)
{
	struct menu_fmt f = dlg_fmt_sms(d, l, NULL);
	struct menu_state ms;
	struct menu_out out;
	struct dlg_file *df;

	menu_begin(d->menu, &ms, MENU_MODE_DIRECT, ps->lang, at->region,
	    ps->category, &f, &out);
	if (out.kind != MENU_SUBMIT)
		menu_file_now(d->menu, &ms);
	df = dlg_file_new(d, d->menu, &ms, l, &m->reply, m->text, m->len);
	df->sms = 1;
	df->has_place = 1;
	df->place = *at;
	df->answer = m->answer;
	df->req = m->req;
	if ((df->has_dedup = m->dedup != NULL))
		memcpy(df->dedup, m->dedup, DB_HASH_LEN);
	d->st.sms_direct++;
	dlg_file(df);
}

/* "123456789 ils sont partis": words after the code. */
static int
has_words_after_code(const char *t)
{
	char code[CC_LEN + 1];
	const char *words;
	int r = cc_parse_lead(t, code, &words) != CC_NOT_A_CODE &&
	    *words != '\0';

	cry_wipe(code, sizeof code);
	return r;
}

/* A menu answer with no conversation open ("1", "#"): it opens one. */
static int
bare_answer(const char *t)
{
	size_t n;

	while (*t == ' ')
		t++;
	n = strspn(t, "0123456789");
	if (strcmp(t, "#") == 0)
		return 1;
	return n >= 1 && n <= 3 && t[n + strspn(t + n, " \r\n")] == '\0';
}

int
dialog_sms(struct dialog *d, struct link *l, const struct mo_msg *m)
{
	uint8_t pn[SESS_PSEUDO_LEN] = { 0 };
	int has_pn = intake_pseudonym(d->in, &m->reply, pn) == 0;
	char code[CC_LEN + 1];
	struct intake_place at;
	struct menu_sms ps;
	int rc = 0;

	menu_sms_parse(d->menu, m->text, m->len, &ps);
	if (has_pn && !d->closing && dlg_conv_claim(d, l, m, pn)) {
		/* a step of its conversation */
	} else if (ps.follow || cc_parse(m->text, code) != CC_NOT_A_CODE) {
		const char *rest = ps.follow ? ps.rest : m->text;

		/* The code alone: the status, then the citizen may answer
		 * in the conversation; with words after it, they are added
		 * at once. */
		if (!has_pn || d->closing || has_words_after_code(rest) ||
		    dlg_conv_begin(d, l, m, pn, &(struct dlg_conv_start){
		    .mode = MENU_MODE_SMS, .lang = ps.lang, .code = rest,
		    .answer = rest }) != 0)
			follow(d, l, m, ps.lang, rest, pn);
	} else if (ps.category != NULL) {
		/* Only what is missing is asked: the place. A road axis
		 * alone names no region: the axis routes the report. */
		if (intake_text_region(d->in, m->text, &at) == NULL)
			at.region = intake_dialled_region(d->in, &m->reply);
		if (at.region != NULL || at.axis != NULL || !has_pn ||
		    d->closing || dlg_conv_begin(d, l, m, pn,
		    &(struct dlg_conv_start){ .mode = MENU_MODE_DIRECT,
		    .lang = ps.lang, .category = ps.category,
		    .text = m->text }) != 0)
			direct(d, l, m, &ps, &at);
	} else if (has_pn && !d->closing && bare_answer(m->text)) {
		int exit = strcmp(m->text, "0") == 0 ||
		    strcmp(m->text, "00") == 0;

		rc = dlg_conv_begin(d, l, m, pn, &(struct dlg_conv_start){
		    .mode = MENU_MODE_SMS, .answer = exit ? "0" : NULL,
		    .region = intake_dialled_region(d->in, &m->reply) });
	} else {
		rc = -1;
	}
	cry_wipe(pn, sizeof pn);
	cry_wipe(code, sizeof code);
	return rc;
}
