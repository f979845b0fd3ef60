/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include "base/limits.h"
#include "base/log.h"
#include "base/xmalloc.h"
#include "store.h"

/* Parked rows tried per callback: a long backlog cannot stall the loop. */
#define PARKED_PER_CB 256u

/* How often parked rows are tried when no message ended meanwhile. */
#define PARKED_RETRY_MS 500

/* One outbox row on its way: the parts the link holds for it. */
struct ob_msg {
	TAILQ_ENTRY(ob_msg) q;		/* while parked */
	struct outbox *ob;
	struct link *link;
	int64_t id;
	unsigned left;			/* parts not ended yet */
	int failed, abandoned;
	uint32_t status;
	unsigned attempts;		/* temporary failures, all parts */
	uint32_t delay_ms;		/* a resumed row: not before */
	char why[32];
	struct mt_addr to;		/* kept while parked only */
	char lang[16];
	char *text;
};

TAILQ_HEAD(ob_list, ob_msg);

struct outbox {
	struct logger *log;
	const struct fallback *fb;
	struct store *s;
	struct link **links;
	unsigned nlinks;
	struct ob_list parked;
	unsigned nparked;
	struct event *retry_ev;
	struct outbox_stats st;
};

static void
msg_free(struct ob_msg *m)
{
	if (m->text != NULL) {
		explicit_bzero(m->text, strlen(m->text));
		free(m->text);
	}
	explicit_bzero(&m->to, sizeof m->to);
	free(m);
}

/* Records a row's end (the row stays queued if it was abandoned). */
static void
finish(struct outbox *ob, struct ob_msg *m)
{
	char prefix[48];

	snprintf(prefix, sizeof prefix, "link=%s", link_name(m->link));
	if (!m->abandoned) {
		store_mt_final(ob->s, m->id, !m->failed, m->status, m->attempts,
		    m->why);
		if (m->failed) {
			ob->st.failed++;
			log_msg(ob->log, LOG_WARN, prefix, "outbox_failed",
			    "id=%lld status=0x%x attempts=%u why=%s",
			    (long long)m->id, m->status, m->attempts, m->why);
		} else {
			ob->st.done++;
		}
	}
	msg_free(m);
}

/* Queues m's parts on its link: 1 done (queued or failed), 0 no room. */
static int
try_send(struct outbox *ob, struct ob_msg *m)
{
	struct mt_req r = {
		.to = &m->to, .kind = MT_SMS, .text = m->text,
		.lang = m->lang, .owner = m, .attempts = m->attempts,
		.delay_ms = m->delay_ms,
	};
	enum mt_result res;
	unsigned parts = 0;

	res = mt_send(m->link, ob->log, ob->fb, &r, &parts);
	if (res == MT_QUEUE_FULL)
		return 0;
	if (res != MT_QUEUED) {
		m->failed = 1;
		snprintf(m->why, sizeof m->why, "%s", res == MT_TOO_LONG ?
		    "too_long" : "bad_text");
		finish(ob, m);
		return 1;
	}
	ob->st.sent++;
	m->left = parts;
	/* The text and address now live in the link's queue only. */
	explicit_bzero(m->text, strlen(m->text));
	free(m->text);
	m->text = NULL;
	explicit_bzero(&m->to, sizeof m->to);
	return 1;
}

static void
park(struct outbox *ob, struct ob_msg *m)
{
	TAILQ_INSERT_TAIL(&ob->parked, m, q);
	ob->nparked++;
	ob->st.parked++;
	if (!evtimer_pending(ob->retry_ev, NULL)) {
		struct timeval tv = { 0, PARKED_RETRY_MS * 1000 };

		evtimer_add(ob->retry_ev, &tv);
	}
}

/* Whether l is among the links found full in this round. */
static int
blocked(struct link *const *full, unsigned n, const struct link *l)
{
	for (unsigned i = 0; i < n; i++)
		if (full[i] == l)
			return 1;
	return 0;
}

static void
retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct outbox *ob = arg;
	struct ob_msg *m, *next;
	struct timeval tv = { 0, PARKED_RETRY_MS * 1000 };
	struct link *full[8];
	unsigned n = 0, nfull = 0;

	(void)fd;
	(void)what;
	/* In order per link; a full link does not hold back the others. */
	for (m = TAILQ_FIRST(&ob->parked); m != NULL && n < PARKED_PER_CB;
	    m = next) {
		next = TAILQ_NEXT(m, q);
		n++;
		if (blocked(full, nfull, m->link))
			continue;
		TAILQ_REMOVE(&ob->parked, m, q);
		ob->nparked--;
		if (try_send(ob, m))
			continue;
		if (next != NULL)
			TAILQ_INSERT_BEFORE(next, m, q);
		else
			TAILQ_INSERT_TAIL(&ob->parked, m, q);
		ob->nparked++;
		if (nfull == sizeof full / sizeof full[0])
			break;
		full[nfull++] = m->link;
	}
	if (ob->nparked > 0)
		evtimer_add(ob->retry_ev, &tv);
}

static struct ob_msg *
msg_new(struct outbox *ob, struct link *l, int64_t id,
    const struct mt_addr *to, const char *text, const char *lang)
{
	struct ob_msg *m = xcalloc(1, sizeof *m);

	m->ob = ob;
	m->link = l;
	m->id = id;
	m->to = *to;
	snprintf(m->lang, sizeof m->lang, "%s", lang != NULL ? lang : "");
	m->text = xstrdup(text);
	return m;
}

/* Behind the parked ones: replies leave in the order committed. */
static void
enqueue(struct outbox *ob, struct ob_msg *m)
{
	if (ob->nparked > 0 || !try_send(ob, m))
		park(ob, m);
}

void
outbox_send(struct outbox *ob, struct link *l, int64_t id,
    const struct mt_addr *to, const char *text, const char *lang)
{
	enqueue(ob, msg_new(ob, l, id, to, text, lang));
}

void
outbox_resume(struct outbox *ob, int64_t id, const struct store_mt *sm)
{
	struct link *l = NULL;
	struct ob_msg *m;
	int64_t now = time(NULL);

	for (unsigned i = 0; i < ob->nlinks && l == NULL; i++)
		if (strcmp(link_name(ob->links[i]), sm->link) == 0)
			l = ob->links[i];
	ob->st.resumed++;
	if (l == NULL) {
		char q[LOG_QBUF];

		log_msg(ob->log, LOG_WARN, NULL, "outbox_failed", "id=%lld "
		    "why=no_such_link link=%s", (long long)id,
		    log_qs(q, sizeof q, sm->link));
		store_mt_final(ob->s, id, 0, 0, 0, "no_such_link");
		ob->st.failed++;
		return;
	}
	m = msg_new(ob, l, id, &sm->to, sm->text, sm->lang);
	m->attempts = sm->attempts;
	if (sm->next_attempt > now)	/* a day at most: a clock gone wrong */
		m->delay_ms = (uint32_t)(sm->next_attempt - now < 86400 ?
		    sm->next_attempt - now : 86400) * 1000u;
	enqueue(ob, m);
}

void
outbox_mt_retry(struct outbox *ob, void *owner, uint32_t status,
    unsigned attempts, uint64_t delay_ms)
{
	struct ob_msg *m = owner;

	/* Parts fail on their own: the row keeps the most tried one. */
	if (attempts <= m->attempts)
		return;
	m->attempts = attempts;
	store_mt_retry(ob->s, m->id, attempts, delay_ms, status);
}

void
outbox_mt_done(struct outbox *ob, void *owner, enum link_mt_end end,
    uint32_t status, unsigned attempts, const char *why)
{
	struct ob_msg *m = owner;

	if (attempts > m->attempts)
		m->attempts = attempts;
	if (end == LINK_MT_ABANDONED) {
		m->abandoned = 1;
	} else if (end == LINK_MT_FAILED && !m->failed) {
		m->failed = 1;
		m->status = status;
		snprintf(m->why, sizeof m->why, "%s", why);
	} else if (end == LINK_MT_OK && !m->failed) {
		m->status = status;
		snprintf(m->why, sizeof m->why, "%s", why);
	}
	if (--m->left > 0)
		return;
	finish(ob, m);
	/* Room in a queue: the parked rows need not wait for the timer. */
	if (ob->nparked > 0 && end != LINK_MT_ABANDONED)
		event_active(ob->retry_ev, EV_TIMEOUT, 0);
}

struct outbox *
outbox_new(struct event_base *base, struct logger *log,
    const struct fallback *fb, struct store *s, struct link **links,
    unsigned nlinks)
{
	struct outbox *ob = xcalloc(1, sizeof *ob);

	ob->log = log;
	ob->fb = fb;
	ob->s = s;
	ob->links = links;
	ob->nlinks = nlinks;
	TAILQ_INIT(&ob->parked);
	ob->retry_ev = evtimer_new(base, retry_cb, ob);
	return ob;
}

/* Parked rows stay queued in the database: they go out at next start. */
void
outbox_free(struct outbox *ob)
{
	struct ob_msg *m;

	if (ob == NULL)
		return;
	while ((m = TAILQ_FIRST(&ob->parked)) != NULL) {
		TAILQ_REMOVE(&ob->parked, m, q);
		msg_free(m);
	}
	event_free(ob->retry_ev);
	free(ob);
}

unsigned
outbox_parked(const struct outbox *ob)
{
	return ob->nparked;
}

const struct outbox_stats *
outbox_stats(const struct outbox *ob)
{
	return &ob->st;
}
