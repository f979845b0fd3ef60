/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What numvertd does with a message, until the menus exist: every SMS
 * (however many parts it came in) becomes a report, written with its
 * acknowledgement in the outbox in one commit; only then is the carrier
 * answered and the acknowledgement sent. A carrier's retransmission of
 * an SMS already written is answered without a second report. A USSD
 * dialogue gets a final screen in the carrier's dialect at once (nothing
 * is written: a USSD report is the menus' work). No phone number is
 * logged.
 *
 * Before it is written, intake (intake.h) routes a report to its region's
 * queues and applies the sender's rate limit; an urgent one is watched
 * for escalation (escalate.h) once committed.
 */
#ifndef NV_APP_H
#define NV_APP_H

#include <event2/event.h>

#include "mo.h"

struct app;
struct dialog;
struct escalate;
struct fallback;
struct intake;
struct logger;
struct outbox;
struct store;

/* The acknowledgement texts. */
#define APP_ACK_SMS "numvert: message bien arrivé. Merci."
#define APP_ACK_USSD "numvert: votre appel est bien arrivé. Merci."

/* The category of a report whose category nobody chose yet. */
#define APP_CATEGORY_UNSORTED "unsorted"

struct app_stats {
	unsigned long long sms, ussd, refused, duplicates, write_failures,
	    retried, deferred, over_limit;
};

/* fb (may be NULL), s, ob, in, esc and dlg are borrowed: they must
 * outlive the app. in, esc and dlg may be NULL (no routing, no menus:
 * tests of the store). With dlg, USSD goes through the menus and so do
 * SMS the dialogue wants (a category keyword, a case code). */
struct app *app_new(struct event_base *base, struct logger *log,
    const struct fallback *fb, struct store *s, struct outbox *ob,
    struct intake *in, struct escalate *esc, struct dialog *dlg);
/* Stops writing (shutting down); the writes under way still complete. */
void app_close(struct app *a);
void app_free(struct app *a);

/* The mo_handler; arg is the struct app. */
void app_message(void *arg, struct link *l, const struct mo_msg *m);

const struct app_stats *app_stats(const struct app *a);

#endif
