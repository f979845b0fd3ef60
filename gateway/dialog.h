/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The dialogue driver: what a citizen meets. It runs the menu engine
 * (menus/menu.h) over USSD sessions (gateway/session.h) and over SMS,
 * and does what the engine asks: a report is routed (intake.h), given a
 * case code (routing/casecode.h; only its keyed hash is written) and
 * written (store.h) before its final screen; a case is looked up and
 * added to; wrong codes are counted per pseudonym and day.
 *
 * USSD: a begin opens a session keyed as the carrier's profile says,
 * each continue is one menu step answered from memory, an abort or the
 * guard timer ends it; an IED or attack report broken off after its
 * region is kept as a partial urgent report (DESIGN §4), anything else
 * is dropped. SMS: one message with a category keyword and a place is a
 * report at once; with a keyword only, the region is asked; a case code
 * ("SUIVI 123456789", or the code alone) shows the case. No phone
 * number is logged or written; sessions hold the reply address only
 * while they are open.
 */
#ifndef NV_DIALOG_H
#define NV_DIALOG_H

#include <event2/event.h>

#include "mo.h"

struct cfg;
struct dialog;
struct escalate;
struct fallback;
struct intake;
struct keys;
struct logger;
struct menu;
struct outbox;
struct store;

struct dialog_deps {
	struct event_base *base;
	struct logger *log;
	const struct fallback *fb;
	struct store *s;
	struct outbox *ob;
	struct intake *in;
	struct escalate *esc;		/* may be NULL */
	const struct keys *ks;
	const struct cfg *cfg;
	struct link **links;		/* the cfg's links, in its order */
};

/* deps are borrowed; m gets a reference of the dialog's own. */
struct dialog *dialog_new(const struct dialog_deps *deps, struct menu *m,
    char **cause);
/* A reloaded menu for new sessions (open ones keep theirs). */
void dialog_set_menu(struct dialog *d, struct menu *m);
void dialog_ussd(struct dialog *d, struct link *l, const struct mo_msg *m);
/*
 * An SMS: a step of its sender's open conversation, a case code, a
 * category keyword, or a menu answer that opens a conversation.
 * Returns 0, or -1 when it is none of these (or no conversation can be
 * opened): the caller files it as an unsorted report (gateway/app.c).
 */
int dialog_sms(struct dialog *d, struct link *l, const struct mo_msg *m);
/* A conversation saved before a restart (store_resume.conv). */
void dialog_conv_resume(struct dialog *d, const uint8_t *key,
    const void *state, size_t len, int64_t expires);
/* Stops starting writes (shutdown); writes under way complete. */
void dialog_close(struct dialog *d);
void dialog_free(struct dialog *d);

struct dialog_stats {
	unsigned long long begun, steps, filed, partial, dropped, busy,
	    expired_steps, case_found, case_wrong, case_locked, case_added,
	    failures, sms_direct, resent_steps;
};
const struct dialog_stats *dialog_stats(const struct dialog *d);
size_t dialog_sessions(const struct dialog *d);
void dialog_log_stats(struct dialog *d);

#endif
