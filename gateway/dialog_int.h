/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by dialog.c (USSD), dialog_file.c (reports, cases) and
 * dialog_sms.c (SMS) only. */
#ifndef NV_DIALOG_INT_H
#define NV_DIALOG_INT_H

#include "dialog.h"
#include "intake.h"
#include "menus/menu.h"
#include "routing/casecode.h"
#include "session.h"
#include "smpp_link.h"
#include "store.h"

struct dlg_sms;

struct dialog {
	struct dialog_deps dp;
	struct logger *log;
	const struct fallback *fb;
	struct intake *in;
	struct menu *menu;		/* for new sessions */
	struct sess_table *sess;
	struct cc_guard *guard;
	uint8_t case_key[CC_KEY_LEN];
	struct dlg_sms *sms;
	int closing;
	struct dialog_stats st;
};

struct menu_fmt dlg_fmt_ussd(const struct cfg_link *c);
/* An SMS step's format on link l; code: the case code its report will
 * get, or NULL. */
struct menu_fmt dlg_fmt_sms(const struct dialog *d, struct link *l,
    const char *code);
uint16_t dlg_link_index(const struct dialog *d, const struct link *l);
struct link *dlg_link_of(struct dialog *d, uint16_t index);
void dlg_text_keep(char **text, uint16_t *len, const char *in);

/*
 * A report on its way to the database: routed once, given a case code
 * (a new one if the hash is taken), written with its SMS reply if any;
 * done then gets the code (NULL: not written).
 */
struct dlg_file {
	struct dialog *d;
	struct menu *menu;		/* a reference */
	struct menu_state ms;
	struct link *l;
	struct mt_addr to;
	int partial;
	int sms;			/* channel: reply in the outbox */
	int has_place;			/* route to place, not the menus' */
	struct intake_place place;	/* ids of the geography */
	const char *category;		/* instead of the menu's (static) */
	int answer;			/* SMS: the carrier waits */
	struct conn_req req;
	int has_dedup;
	uint8_t dedup[DB_HASH_LEN];
	int has_conv;
	uint8_t conv[32];
	uint8_t *conv_state;		/* the conversation's tombstone, or
					 * NULL (its row is deleted) */
	size_t conv_len;
	int64_t conv_expires;
	unsigned attempts;
	int routed;
	struct intake_res res;
	char code[CC_LEN + 1];
	char reserved[CC_LEN + 1];	/* the code shown already, or "" */
	char *reply;			/* SMS: the final screen sent */
	char lang[8];
	void (*done)(void *arg, const char *code);
	void *arg;
	size_t len;
	char *text;
};

/* Copies text; the caller sets partial, done/arg, sms fields. */
struct dlg_file *dlg_file_new(struct dialog *d, struct menu *m,
    const struct menu_state *ms, struct link *l, const struct mt_addr *to,
    const char *text, size_t len);
void dlg_file(struct dlg_file *f);

/* A case as the store found it. */
struct dlg_case {
	int64_t report_id;
	const char *status;
	const char *question;
	const char *lang;	/* the report's language, or NULL */
};
/*
 * Parses and checks the code, refuses it when pn entered too many wrong
 * ones today, else looks it up (a well-formed code of no case counts as
 * a wrong one). fn may run before this returns.
 */
void dlg_case_find(struct dialog *d, const uint8_t *pn, const char *input,
    void (*fn)(void *arg, enum menu_case_result r, const struct dlg_case *c),
    void *arg);
/* answer: the case had an operator's question (event kind "answer",
 * else "added"). */
void dlg_case_add(struct dialog *d, int64_t report_id, int answer,
    const char *text, size_t len, void (*fn)(void *arg, int ok), void *arg);
int dlg_case_key(struct dialog *d, char **cause);

/* SMS conversations (dialog_conv.c). */
int dlg_conv_claim(struct dialog *d, struct link *l, const struct mo_msg *m,
    const uint8_t *pn);
/* How a conversation opens: menu_begin's arguments (or the case-code
 * screen when code is set), the first answer given with the opening
 * SMS (a case code, "0"), and the text to keep as what was written. */
struct dlg_conv_start {
	enum menu_mode mode;
	const char *lang, *region, *category;
	const char *code;	/* non-NULL: begin at the case screen */
	const char *answer;	/* NULL, or the first answer */
	const char *text;	/* NULL, or the report's first words */
};
int dlg_conv_begin(struct dialog *d, struct link *l, const struct mo_msg *m,
    const uint8_t *pn, const struct dlg_conv_start *st);
size_t dlg_conv_count(const struct dialog *d);

int dlg_sms_init(struct dialog *d, char **cause);
void dlg_sms_free(struct dialog *d);

#endif
