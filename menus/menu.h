/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The menu engine: pure functions over a menu loaded from data
 * (menus/default.yaml): state + input -> next state + screen. No clock,
 * no I/O, no session table: the caller (gateway/dialog.c) keeps the
 * state, sends the screen, and performs the actions the engine asks for
 * (file the report, look up a case code, add to a case), then hands the
 * outcome back to get the next screen.
 *
 * Conventions every screen follows (DESIGN §4): options are numbered
 * from 1; "0" exits, "00" goes back, "99" or "#" shows the next page.
 * GBV screens list the exit first. A screen that does not fit the
 * link's budget is split into pages by the engine; `numvert menu lint`
 * proves that every page of every screen fits in every language and
 * encoding, that no text is missing, that every node is reachable and
 * that every path can finish with digits only.
 *
 * A struct menu is read-only once loaded: any number of sessions (and
 * threads) may use it. A reload builds a new one; a session keeps the
 * menu it began with (menu_ref / menu_unref), so SIGHUP drops nobody.
 */
#ifndef NV_MENU_H
#define NV_MENU_H

#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"

struct fallback;
struct geo;
struct menu;

/* What a session answered: each field holds a value id + 1, 0 unset. */
enum menu_field {
	MF_CATEGORY,
	MF_REGION,	/* region index in the geography + 1 */
	MF_CERCLE,	/* cercle index + 1, MENU_UNKNOWN "don't know" */
	MF_COMMUNE,	/* commune index + 1, MENU_UNKNOWN */
	MF_AXIS,	/* road axis index + 1, MENU_UNKNOWN */
	MF_WEAPON,
	MF_COUNT,
	MF_INVOLVED,
	MF_MODE,	/* how the session started (enum menu_mode) */
	MF__N
};

#define MENU_UNKNOWN 0xFFFFu

enum menu_mode {
	MENU_MODE_USSD = 1,	/* step by step, every screen shown */
	MENU_MODE_SMS = 2,	/* a conversation by SMS */
	MENU_MODE_DIRECT = 3,	/* an SMS that named its category: ask
				 * only what is missing, then file */
};

/* One step back (00): where we were and the field the step changed. */
struct menu_back {
	uint16_t node;
	uint16_t old;		/* the field's value before the step */
	uint8_t page;
	uint8_t field;		/* enum menu_field, or 0xFF none */
};

/*
 * A session's place in the menu: fixed size, no pointers, so it can be
 * kept in a session slot and sealed into an SMS conversation row as is.
 * Zeroed means "not begun".
 */
struct menu_state {
	uint16_t node;
	uint8_t lang;		/* language index + 1; 0 not chosen yet */
	uint8_t page;
	uint8_t depth;		/* entries used in back[] */
	uint8_t flags;		/* MENU_ST_* */
	uint8_t steps;		/* screens answered, saturating */
	uint8_t pad;
	uint16_t field[MF__N];
	struct menu_back back[NV_MENU_DEPTH_MAX];
};

#define MENU_ST_LIST 0x01	/* a region screen shows the full list */
#define MENU_ST_TEXT 0x02	/* the caller holds free text for it */
#define MENU_ST_GBV 0x80	/* a GBV session: the exit comes first */

/* How a link shows screens (gateway: link options and profile). */
struct menu_fmt {
	int unicode;		/* 1: official spellings (UCS-2 when needed);
				 * 0: the GSM-7 renderings */
	unsigned budget_gsm7;	/* septets per screen (escapes count 2) */
	unsigned budget_ucs2;	/* UTF-16 units per screen */
	/* The case code the session's report will get, shown where a
	 * screen says {code} before anything is filed (IED and attack:
	 * a dialogue broken off later is kept and can be resumed with
	 * it); NULL: none reserved. */
	const char *code;
};

enum menu_kind {
	MENU_SCREEN,	/* show text, wait for the answer */
	MENU_END,	/* show text, the dialogue is over */
	MENU_SUBMIT,	/* file the report (menu_report), then menu_filed */
	MENU_CASE_FIND,	/* look up the code in out->input, then menu_case */
	MENU_CASE_ADD,	/* add the text kept to the case, then menu_added */
};

struct menu_out {
	enum menu_kind kind;
	/* MENU_SCREEN / MENU_END: the screen, rendered for the fmt. */
	char text[NV_MENU_SCREEN_MAX];
	size_t len;
	/* The answer was free text the caller must keep (the narrative or
	 * what is added to a case): it is in the input it passed. */
	int keep_text;
	/* MENU_CASE_FIND: the citizen's answer (the code as typed). */
	char input[NV_CC_INPUT_MAX + 1];
};

/* What the engine knows of a report when it asks to file it. */
struct menu_report {
	const char *category;		/* routing category id */
	const char *region, *cercle, *commune, *axis;	/* geo ids or NULL */
	const char *weapon, *count, *involved;	/* menu value ids or NULL */
	const char *lang;		/* "fr", "bm", ... */
	int gbv;			/* no confirmation SMS, no partial */
	int keep_partial;		/* a broken-off dialogue is kept */
	int sms_ack;			/* an SMS confirmation may be sent */
};

/* A case as the caller found it (MENU_CASE_FIND). */
enum menu_case_result {
	MENU_CASE_FOUND,
	MENU_CASE_NOT_A_CODE,	/* not 9 digits */
	MENU_CASE_BAD_CHECK,	/* check digit wrong: a typo */
	MENU_CASE_UNKNOWN,	/* a well-formed code of no case */
	MENU_CASE_LOCKED,	/* too many wrong codes today */
	MENU_CASE_FAILED,	/* the lookup failed: try later */
};

struct menu_case {
	enum menu_case_result result;
	const char *status;	/* "unverified", "closed", ... */
	const char *question;	/* the operator's question, or NULL */
};

/*
 * Loads a menu file against a geography (region, cercle and commune
 * lists) and the fallback table (GSM-7 renderings where the file gives
 * none). geo and fb are borrowed and must outlive the menu. NULL with
 * *cause (caller frees) naming file:line.
 */
struct menu *menu_load(const char *path, const struct geo *geo,
    const struct fallback *fb, char **cause);
/* A loaded menu is reference-counted (reloads): new ones hold 1. */
struct menu *menu_ref(struct menu *m);
void menu_unref(struct menu *m);

const char *menu_name(const struct menu *m);
unsigned menu_lang_count(const struct menu *m);
const char *menu_lang_code(const struct menu *m, unsigned i);
const char *menu_lang_status(const struct menu *m, unsigned i);
/* Language index of a code, or -1. */
int menu_lang_find(const struct menu *m, const char *code);
/* Category ids the menu can file (for checking against the routing
 * data at load). */
unsigned menu_category_count(const struct menu *m);
const char *menu_category_at(const struct menu *m, unsigned i);

/*
 * Starts a session. region: a geo id the number dialled stands for, or
 * NULL (then the region is asked). lang: a language code already known
 * (an SMS keyword's language), or NULL (the first screen asks). mode:
 * enum menu_mode. category: for MENU_MODE_DIRECT, the category an SMS
 * keyword named.
 */
void menu_begin(const struct menu *m, struct menu_state *st,
    enum menu_mode mode, const char *lang, const char *region,
    const char *category, const struct menu_fmt *f, struct menu_out *out);
/* Starts at the case-code screen (a dialled *code# or an SMS "SUIVI"). */
void menu_begin_case(const struct menu *m, struct menu_state *st,
    enum menu_mode mode, const char *lang, const struct menu_fmt *f,
    struct menu_out *out);

/* The id of the node st is at, or NULL when st does not fit this menu
 * (a state saved under another version of the file). */
const char *menu_node_id(const struct menu *m, const struct menu_state *st);

/* Files what is known now (a direct SMS that named a category but no
 * place): menu_filed then shows the category's final screen. */
void menu_file_now(const struct menu *m, struct menu_state *st);

/* One answer (UTF-8 as the citizen sent it; NUL-terminated). */
void menu_step(const struct menu *m, struct menu_state *st,
    const char *input, const struct menu_fmt *f, struct menu_out *out);

/* The report of a session that asked MENU_SUBMIT, or that broke off. */
void menu_report(const struct menu *m, const struct menu_state *st,
    struct menu_report *r);
/* 1 if a dialogue that broke off here is kept as a partial report
 * (an IED or an attack in progress whose region is known, DESIGN §4). */
int menu_keep_partial(const struct menu *m, const struct menu_state *st);

/*
 * After MENU_SUBMIT: code is the new case code (9 digits), or NULL when
 * the report could not be filed (a "try again" screen). The screen is
 * final.
 */
void menu_filed(const struct menu *m, struct menu_state *st,
    const char *code, const struct menu_fmt *f, struct menu_out *out);
/* After MENU_CASE_FIND. */
void menu_case(const struct menu *m, struct menu_state *st,
    const struct menu_case *c, const struct menu_fmt *f,
    struct menu_out *out);
/* After MENU_CASE_ADD: ok 1 written, 0 failed. The screen is final. */
void menu_added(const struct menu *m, struct menu_state *st, int ok,
    const struct menu_fmt *f, struct menu_out *out);
/* The final screen of a session the system ends (busy, timeout over
 * SMS, a rate limit): kind is "busy" or "expired". */
void menu_notice(const struct menu *m, const struct menu_state *st,
    const char *kind, const struct menu_fmt *f, struct menu_out *out);

/*
 * What an SMS's words say: a category keyword (ARME, EEI, VBG and their
 * equivalents in every language, whole words, without case or accents)
 * and its language, or a follow-up keyword as the first word ("SUIVI
 * 123456789"): rest then points at what follows it in text.
 */
struct menu_sms {
	const char *category;	/* NULL: no keyword */
	const char *lang;	/* the keyword's language, or NULL */
	int follow;
	const char *rest;
};
void menu_sms_parse(const struct menu *m, const char *text, size_t len,
    struct menu_sms *out);

/*
 * Lint: checks what menu_load does not (it refuses only what would
 * break a session): every page of every screen in every language and
 * both renderings against the budgets, missing texts, unreachable
 * nodes, paths that cannot finish with digits only, categories deeper
 * than three screens after the language. Prints findings and the
 * review status of each language to out; returns the number of errors.
 */
struct menu_lint_budget {
	const char *name;	/* carrier profile */
	unsigned gsm7, ucs2;
};
unsigned menu_lint(const struct menu *m, const struct menu_lint_budget *b,
    unsigned nb, void (*print)(void *arg, const char *line), void *arg);

/*
 * Renders every screen of one language as a phone would show it, one
 * after the other, with the node ids: `numvert menu render LANG`.
 * Returns 0, or -1 for an unknown language.
 */
int menu_render_all(const struct menu *m, const char *lang,
    const struct menu_fmt *f, void (*print)(void *arg, const char *line),
    void *arg);

#endif
