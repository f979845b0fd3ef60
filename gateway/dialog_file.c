/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the menus ask the dialogue driver to do: file a report with a
 * case code, look a case up, add to it (dialog_int.h).
 */
#include "dialog_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/xmalloc.h"
#include "config.h"
#include "escalate.h"
#include "outbox.h"
#include "routing/crypto.h"
#include "routing/keys.h"

/* A 10^8 space shared by every live case: a taken hash is rare (about
 * 1 in 10,000 with 10,000 cases), five in a row is a broken random
 * source or a full space. */
#define CODE_ATTEMPTS 5

uint16_t
dlg_link_index(const struct dialog *d, const struct link *l)
{
	/* By pointer: a link keeps a copy of its cfg, not a pointer into
	 * cfg->links, so the difference of the two was no index. */
	for (unsigned i = 0; i < d->dp.cfg->nlinks; i++)
		if (d->dp.links[i] == l)
			return (uint16_t)i;
	return UINT16_MAX;
}

struct menu_fmt
dlg_fmt_sms(const struct dialog *d, struct link *l, const char *code)
{
	return (struct menu_fmt){ link_cfg(l)->menu_unicode,
	    d->dp.cfg->sms_screen, d->dp.cfg->sms_screen_ucs2, code };
}

struct link *
dlg_link_of(struct dialog *d, uint16_t index)
{
	return index < d->dp.cfg->nlinks ? d->dp.links[index] : NULL;
}

/*
 * The case key: a keyed hash's key that lives as long as the cases, in
 * the key file (never in the database). The deduplication key is one;
 * cc_hash separates its uses by context.
 */
int
dlg_case_key(struct dialog *d, char **cause)
{
	uint32_t id;
	const uint8_t *k = keys_current(d->dp.ks, KEY_DEDUP, &id);

	if (k == NULL) {
		*cause = xstrdup("the key file has no dedup key");
		return -1;
	}
	memcpy(d->case_key, k, CC_KEY_LEN);
	return 0;
}

struct dlg_file *
dlg_file_new(struct dialog *d, struct menu *m, const struct menu_state *ms,
    struct link *l, const struct mt_addr *to, const char *text, size_t len)
{
	struct dlg_file *f = xcalloc(1, sizeof *f);

	f->d = d;
	f->menu = menu_ref(m);
	f->ms = *ms;
	f->l = l;
	f->to = *to;
	f->text = xmalloc(len + 1);
	if (len > 0)
		memcpy(f->text, text, len);
	f->text[len] = '\0';
	f->len = len;
	return f;
}

static void
file_free(struct dlg_file *f)
{
	cry_wipe(f->text, f->len);
	free(f->text);
	cry_wipe(&f->to, sizeof f->to);
	cry_wipe(f->code, sizeof f->code);
	cry_wipe(f->reserved, sizeof f->reserved);
	if (f->conv_state != NULL) {
		cry_wipe(f->conv_state, f->conv_len);
		free(f->conv_state);
	}
	if (f->reply != NULL) {
		cry_wipe(f->reply, strlen(f->reply));
		free(f->reply);
	}
	menu_unref(f->menu);
	free(f);
}

/* Routing once: a retried write keeps its first decision. */
static int
route(struct dlg_file *f, const struct menu_report *mr)
{
	struct intake_place at = {
		.region = mr->region, .cercle = mr->cercle,
		.commune = mr->commune, .axis = mr->axis,
		.accuses_security = mr->involved != NULL &&
		    strcmp(mr->involved, "security_forces") == 0,
	};

	if (f->routed)
		return 0;
	if (f->has_place) {
		at.region = f->place.region;
		at.cercle = f->place.cercle;
		at.commune = f->place.commune;
		at.axis = f->place.axis;
	}
	if (intake_report_at(f->d->in, f->partial ? NULL : &f->to,
	    mr->category, f->text, &at, time(NULL), &f->res) != 0) {
		log_msg(f->d->log, LOG_ERROR, NULL, "report_unrouted",
		    "category=%s why=unknown_category", mr->category);
		return -1;
	}
	f->routed = 1;
	return 0;
}

static void file_done(void *arg, enum store_result r, int64_t report_id,
    int64_t mt_id);

static void
submit(struct dlg_file *f)
{
	struct menu_report mr;
	struct store_route rt = { 0 };
	struct store_report r = { 0 };
	struct store_mt reply = { 0 };
	struct menu_fmt fmt;
	struct menu_out out;
	struct menu_state ms = f->ms;
	uint8_t hash[CC_HASH_LEN];

	menu_report(f->menu, &f->ms, &mr);
	if (f->category != NULL)
		mr.category = f->category;
	if (mr.category == NULL || route(f, &mr) != 0) {
		file_done(f, STORE_FAILED, 0, 0);
		return;
	}
	/* The code the citizen saw already, unless another case holds
	 * it (1 in 10,000 with 10,000 open cases): then a new one, shown
	 * on the final screen. */
	if (f->reserved[0] != '\0' && f->attempts == 0)
		memcpy(f->code, f->reserved, sizeof f->code);
	else
		cc_new(f->code);
	(void)cc_hash(f->d->case_key, f->code, hash);
	rt.region = f->res.region;
	rt.cercle = f->res.cercle;
	rt.commune = f->res.commune;
	rt.axis = f->res.axis;
	for (unsigned i = 0; i < f->res.route.n && i < STORE_QUEUES_MAX; i++)
		rt.queues[rt.nqueues++] = f->res.route.queues[i];
	rt.urgent = f->res.route.urgent || f->partial;
	rt.flags = f->res.flags;
	rt.mark = f->res.has_mark ? f->res.mark : NULL;
	rt.epoch = f->res.epoch;
	r.link = link_name(f->l);
	r.channel = f->sms ? "sms" : "ussd";
	r.category = mr.category;
	r.text = f->text;
	r.len = f->len;
	r.dedup = f->has_dedup ? f->dedup : NULL;
	r.route = &rt;
	r.lang = mr.lang;
	r.case_hash = hash;
	r.weapon = mr.weapon;
	r.weapon_count = mr.count;
	r.involved = mr.involved;
	r.partial = f->partial;
	r.conv_key = f->has_conv ? f->conv : NULL;
	r.conv_state = f->conv_state;
	r.conv_len = f->conv_len;
	r.conv_expires = f->conv_expires;
	/* An SMS's final screen goes in the outbox with the report. GBV
	 * included: it answers the survivor's own message, and carries
	 * the referral contacts (docs/menus.md). The routing's reply flag
	 * is about an unprompted confirmation (never for GBV); over the
	 * rate limit nobody gets an answer. */
	if (f->sms && !f->partial && (f->res.reply || (mr.gbv &&
	    strstr(f->res.flags, "over_limit") == NULL))) {
		fmt = dlg_fmt_sms(f->d, f->l, NULL);
		menu_filed(f->menu, &ms, f->code, &fmt, &out);
		free(f->reply);
		f->reply = xstrdup(out.text);
		snprintf(f->lang, sizeof f->lang, "%s", mr.lang);
		reply = (struct store_mt){ .link = link_name(f->l), .to = f->to,
		    .text = f->reply, .lang = f->lang };
	}
	store_report(f->d->dp.s, &r, reply.text != NULL ? &reply : NULL,
	    file_done, f);
	cry_wipe(hash, sizeof hash);
}

static void
file_done(void *arg, enum store_result r, int64_t report_id, int64_t mt_id)
{
	struct dlg_file *f = arg;
	struct dialog *d = f->d;

	if (r == STORE_CASE_TAKEN && ++f->attempts < CODE_ATTEMPTS) {
		submit(f);
		return;
	}
	if (r == STORE_OK || r == STORE_DUPLICATE) {
		if (f->answer)
			link_respond(f->l, f->req, SMPP_ROK);
		if (r == STORE_OK) {
			d->st.filed++;
			if (mt_id > 0)
				outbox_send(d->dp.ob, f->l, mt_id, &f->to,
				    f->reply, f->lang);
			if (d->dp.esc != NULL)
				esc_watch(d->dp.esc, report_id, &f->res.route);
			log_msg(d->log, LOG_INFO, NULL, "report_filed",
			    "report=%lld channel=%s partial=%d",
			    (long long)report_id, f->sms ? "sms" : "ussd",
			    f->partial);
		}
		if (f->done != NULL)
			f->done(f->arg, f->code);
	} else {
		d->st.failures++;
		if (f->answer)
			link_respond(f->l, f->req, SMPP_RX_T_APPN);
		if (f->done != NULL)
			f->done(f->arg, NULL);
	}
	file_free(f);
}

void
dlg_file(struct dlg_file *f)
{
	submit(f);
}

/* --- cases ----------------------------------------------------------- */

struct case_job {
	struct dialog *d;
	uint8_t pn[SESS_PSEUDO_LEN];
	int has_pn;
	void (*fn)(void *arg, enum menu_case_result r, const struct dlg_case *c);
	void *arg;
};

static void
case_read(void *arg, int status, const struct store_case *c)
{
	struct case_job *j = arg;
	struct dialog *d = j->d;
	struct dlg_case dc = { 0 };
	enum menu_case_result r = MENU_CASE_FAILED;

	if (status == 1) {
		d->st.case_found++;
		if (j->has_pn)
			cc_guard_ok(d->guard, j->pn);
		dc.report_id = c->report_id;
		dc.status = c->status;
		dc.question = c->question;
		dc.lang = c->lang;
		r = MENU_CASE_FOUND;
	} else if (status == 0) {
		d->st.case_wrong++;
		r = j->has_pn && cc_guard_wrong(d->guard, j->pn, time(NULL)) ?
		    MENU_CASE_LOCKED : MENU_CASE_UNKNOWN;
		if (r == MENU_CASE_LOCKED)
			d->st.case_locked++;
	}
	j->fn(j->arg, r, r == MENU_CASE_FOUND ? &dc : NULL);
	cry_wipe(j->pn, sizeof j->pn);
	free(j);
}

void
dlg_case_find(struct dialog *d, const uint8_t *pn, const char *input,
    void (*fn)(void *arg, enum menu_case_result r, const struct dlg_case *c),
    void *arg)
{
	static const uint8_t zero[SESS_PSEUDO_LEN];
	char code[CC_LEN + 1];
	uint8_t hash[CC_HASH_LEN];
	struct case_job *j;
	int has_pn = memcmp(pn, zero, sizeof zero) != 0;
	enum cc_result cr;

	if (has_pn && cc_guard_locked(d->guard, pn, time(NULL))) {
		d->st.case_locked++;
		fn(arg, MENU_CASE_LOCKED, NULL);
		return;
	}
	if ((cr = cc_parse(input, code)) != CC_OK) {
		fn(arg, cr == CC_BAD_CHECK ? MENU_CASE_BAD_CHECK :
		    MENU_CASE_NOT_A_CODE, NULL);
		return;
	}
	j = xcalloc(1, sizeof *j);
	j->d = d;
	j->has_pn = has_pn;
	memcpy(j->pn, pn, sizeof j->pn);
	j->fn = fn;
	j->arg = arg;
	(void)cc_hash(d->case_key, code, hash);
	cry_wipe(code, sizeof code);
	store_case_find(d->dp.s, hash, case_read, j);
	cry_wipe(hash, sizeof hash);
}

struct add_job {
	struct dialog *d;
	void (*fn)(void *arg, int ok);
	void *arg;
};

static void
case_written(void *arg, enum store_result r, int64_t report_id,
    int64_t mt_id)
{
	struct add_job *j = arg;

	(void)report_id;
	(void)mt_id;
	if (r == STORE_OK)
		j->d->st.case_added++;
	else if (r == STORE_FAILED)
		j->d->st.failures++;
	j->fn(j->arg, r != STORE_FAILED);
	free(j);
}

void
dlg_case_add(struct dialog *d, int64_t report_id, int answer,
    const char *text, size_t len, void (*fn)(void *arg, int ok), void *arg)
{
	struct add_job *j;

	if (report_id <= 0 || text == NULL || len == 0) {
		fn(arg, 0);
		return;
	}
	j = xcalloc(1, sizeof *j);
	j->d = d;
	j->fn = fn;
	j->arg = arg;
	store_case_add(d->dp.s, report_id, answer ? "answer" : "added", text,
	    len, NULL, NULL,
	    case_written, j);
}
