/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include "base/limits.h"
#include "base/log.h"
#include "base/xmalloc.h"
#include "dialog.h"
#include "escalate.h"
#include "intake.h"
#include "outbox.h"
#include "profile.h"
#include "store.h"

/* The report row keeps every queue routing chose: none may be cut. */
_Static_assert(STORE_QUEUES_MAX == ROUTE_QUEUES_MAX,
    "gateway/store.h STORE_QUEUES_MAX must equal routing ROUTE_QUEUES_MAX");

/* Pause before a failed write with nobody waiting is tried again. */
#define RETRY_MS 1000

/* Writes tried again per callback. */
#define RETRY_PER_CB 256u

/* A report on its way to the database. */
struct app_job {
	TAILQ_ENTRY(app_job) q;		/* while waiting to be tried again */
	struct app *a;
	struct link *link;
	int answer;			/* the carrier waits for req's answer */
	struct conn_req req;
	int has_dedup, has_key, incomplete;
	uint8_t dedup[DB_HASH_LEN], msg_key[DB_HASH_LEN];
	struct mt_addr to;
	int routed;			/* res holds intake's decision */
	struct intake_res res;
	size_t len;
	char text[];			/* the narrative */
};

TAILQ_HEAD(job_list, app_job);

struct app {
	struct logger *log;
	const struct fallback *fb;
	struct store *s;
	struct outbox *ob;
	struct intake *in;
	struct escalate *esc;
	struct dialog *dlg;
	struct job_list retry;
	unsigned nretry;
	struct event *retry_ev;
	int closing;
	struct app_stats st;
};

static void
job_free(struct app_job *j)
{
	explicit_bzero(j->text, j->len);
	explicit_bzero(&j->to, sizeof j->to);
	explicit_bzero(&j->res, sizeof j->res);
	free(j);
}

static void submit(struct app_job *j);

static void
retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct app *a = arg;
	struct app_job *j;
	unsigned n = 0;

	(void)fd;
	(void)what;
	while (n++ < RETRY_PER_CB && (j = TAILQ_FIRST(&a->retry)) != NULL) {
		TAILQ_REMOVE(&a->retry, j, q);
		a->nretry--;
		a->st.retried++;
		submit(j);
	}
	if (a->nretry > 0)
		event_active(a->retry_ev, EV_TIMEOUT, 0);
}

/*
 * Nobody waits for this report (a concatenated SMS, answered part by
 * part): it is written again later. Its parts are in the database, so
 * past the bound the oldest is left to the next start.
 */
static void
retry_later(struct app *a, struct app_job *j)
{
	struct timeval tv = { RETRY_MS / 1000, (RETRY_MS % 1000) * 1000 };
	struct app_job *old;

	if (a->nretry >= NV_APP_RETRY_MAX) {
		old = TAILQ_FIRST(&a->retry);
		TAILQ_REMOVE(&a->retry, old, q);
		a->nretry--;
		a->st.deferred++;
		log_msg(a->log, LOG_ERROR, NULL, "report_deferred",
		    "why=retry_list_full pending=%u", a->nretry);
		job_free(old);
	}
	TAILQ_INSERT_TAIL(&a->retry, j, q);
	a->nretry++;
	if (!evtimer_pending(a->retry_ev, NULL))
		evtimer_add(a->retry_ev, &tv);
}

static void
report_done(void *arg, enum store_result r, int64_t report_id, int64_t mt_id)
{
	struct app_job *j = arg;
	struct app *a = j->a;

	/* STORE_CASE_TAKEN cannot come here (these reports carry no case
	 * code); like a failure, it wrote nothing. */
	if (r != STORE_OK && r != STORE_DUPLICATE) {
		a->st.write_failures++;
		if (j->answer) {
			link_respond(j->link, j->req, SMPP_RX_T_APPN);
		} else if (!a->closing) {
			retry_later(a, j);
			return;
		}
	} else {
		if (j->answer)
			link_respond(j->link, j->req, SMPP_ROK);
		if (r == STORE_DUPLICATE) {
			a->st.duplicates++;
		} else {
			a->st.sms++;
			if (mt_id > 0)
				outbox_send(a->ob, j->link, mt_id, &j->to,
				    APP_ACK_SMS, "fr");
			if (j->routed && a->esc != NULL)
				esc_watch(a->esc, report_id, &j->res.route);
		}
	}
	job_free(j);
}

/* Once per report (a retried write keeps its first decision). */
static void
route(struct app *a, struct app_job *j)
{
	if (a->in == NULL || j->routed)
		return;
	if (intake_report(a->in, &j->to, APP_CATEGORY_UNSORTED, j->text,
	    time(NULL), &j->res) != 0) {
		log_msg(a->log, LOG_ERROR, NULL, "report_unrouted",
		    "category=%s why=unknown_category", APP_CATEGORY_UNSORTED);
		return;
	}
	j->routed = 1;
	if (j->res.flags[0] != '\0')
		a->st.over_limit++;
}

static void
submit(struct app_job *j)
{
	struct store_route rt = { 0 };
	struct store_report r = {
		.link = link_name(j->link), .channel = "sms",
		.category = APP_CATEGORY_UNSORTED, .text = j->text,
		.len = j->len, .incomplete = j->incomplete,
		.dedup = j->has_dedup ? j->dedup : NULL,
		.msg_key = j->has_key ? j->msg_key : NULL,
	};
	struct store_mt reply = {
		.link = link_name(j->link), .to = j->to, .text = APP_ACK_SMS,
		.lang = "fr",
	};
	int answer = 1;

	route(j->a, j);
	if (j->routed) {
		rt.region = j->res.region;
		rt.cercle = j->res.cercle;
		rt.commune = j->res.commune;
		rt.axis = j->res.axis;
		for (unsigned i = 0; i < j->res.route.n && i < STORE_QUEUES_MAX;
		    i++)
			rt.queues[rt.nqueues++] = j->res.route.queues[i];
		rt.urgent = j->res.route.urgent;
		rt.flags = j->res.flags;
		rt.mark = j->res.has_mark ? j->res.mark : NULL;
		rt.epoch = j->res.epoch;
		r.route = &rt;
		answer = j->res.reply;
	}
	store_report(j->a->s, &r, answer ? &reply : NULL, report_done, j);
}

static void
ussd(struct app *a, struct link *l, const struct mo_msg *m)
{
	struct smpp_tlvs tlv;
	struct mt_req r = {
		.to = &m->reply, .kind = MT_USSD, .text = APP_ACK_USSD,
		.lang = "fr", .ussd = &tlv,
	};

	if (a->in != NULL)
		intake_message(a->in, &m->reply, time(NULL));
	prof_reply_tlvs(prof_get((unsigned)link_cfg(l)->ussd_profile),
	    &m->ussd, 1, &tlv);
	if (mt_send(l, a->log, a->fb, &r, NULL) == MT_QUEUE_FULL) {
		a->st.refused++;
		link_respond(l, m->req, SMPP_RX_T_APPN);
		return;
	}
	a->st.ussd++;
	link_respond(l, m->req, SMPP_ROK);
}

void
app_message(void *arg, struct link *l, const struct mo_msg *m)
{
	struct app *a = arg;
	struct app_job *j;

	if (m->kind == MO_USSD && m->ussd_event == PROF_ABORT && a->dlg == NULL) {
		link_respond(l, m->req, SMPP_ROK);
		return;
	}
	if (m->kind == MO_USSD) {
		if (a->dlg != NULL)
			dialog_ussd(a->dlg, l, m);
		else
			ussd(a, l, m);
		return;
	}
	/* Replies pile up in memory: the carrier keeps the MO for now. */
	if (m->answer && (a->closing ||
	    outbox_parked(a->ob) >= NV_OUTBOX_PARKED_MAX)) {
		a->st.refused++;
		link_respond(l, m->req, SMPP_RX_T_APPN);
		return;
	}
	if (a->dlg != NULL && !a->closing && dialog_sms(a->dlg, l, m) == 0)
		return;
	j = xcalloc(1, sizeof *j + m->len + 1);
	j->a = a;
	j->link = l;
	j->answer = m->answer;
	j->req = m->req;
	if ((j->has_dedup = m->dedup != NULL))
		memcpy(j->dedup, m->dedup, DB_HASH_LEN);
	if ((j->has_key = m->msg_key != NULL))
		memcpy(j->msg_key, m->msg_key, DB_HASH_LEN);
	j->incomplete = m->incomplete;
	j->to = m->reply;
	j->len = m->len;
	memcpy(j->text, m->text, m->len);
	submit(j);
}

struct app *
app_new(struct event_base *base, struct logger *log,
    const struct fallback *fb, struct store *s, struct outbox *ob,
    struct intake *in, struct escalate *esc, struct dialog *dlg)
{
	struct app *a = xcalloc(1, sizeof *a);

	a->dlg = dlg;
	a->in = in;
	a->esc = esc;
	a->log = log;
	a->fb = fb;
	a->s = s;
	a->ob = ob;
	TAILQ_INIT(&a->retry);
	a->retry_ev = evtimer_new(base, retry_cb, a);
	return a;
}

void
app_close(struct app *a)
{
	a->closing = 1;
}

/* Reports still waiting to be written are in the database as parts. */
void
app_free(struct app *a)
{
	struct app_job *j;

	if (a == NULL)
		return;
	while ((j = TAILQ_FIRST(&a->retry)) != NULL) {
		TAILQ_REMOVE(&a->retry, j, q);
		job_free(j);
	}
	event_free(a->retry_ev);
	free(a);
}

const struct app_stats *
app_stats(const struct app *a)
{
	return &a->st;
}
