/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The loaded menu, shared by menu_load.c, menu.c and menu_lint.c only. */
#ifndef NV_MENU_INT_H
#define NV_MENU_INT_H

#include "menu.h"

enum mnode_type {
	MN_LANGUAGE,	/* the languages by their own names */
	MN_CHOICE,	/* text and options */
	MN_REGION,	/* "Region of X? 1 Yes 2 Other", or the list */
	MN_CERCLE,	/* the cercles of the region, "don't know" first */
	MN_COMMUNE,	/* the communes of the cercle */
	MN_AXIS,	/* the road axes crossing the region */
	MN_TEXT,	/* free text, "1" skips unless required */
	MN_CASE,	/* a case code */
	MN_END,		/* a final screen */
};

enum mact {
	MA_NONE,
	MA_SUBMIT,	/* file the report, then the option's `filed` node */
	MA_EXIT,	/* the "bye" screen */
	MA_CASE_ADD,	/* a text node: add it to the case, then `done` */
};

/* One text in every language: s[] as written, g[] with GSM-7 letters
 * only (the file's LANG.gsm7, else made with the fallback table). A
 * missing translation is NULL (the lint says so; screens use the first
 * language's). */
struct mtext {
	char *s[NV_MENU_LANGS_MAX];
	char *g[NV_MENU_LANGS_MAX];
	unsigned line;
};

struct mopt {
	struct mtext text;
	int next;		/* node index, -1 none */
	int field;		/* enum menu_field, -1 none */
	uint16_t value;		/* value id + 1 */
	enum mact action;
	int filed;		/* MA_SUBMIT: end node */
};

struct mnode {
	char *id;
	enum mnode_type type;
	unsigned line;
	struct mtext text, preset;
	int next, found, done;	/* node indexes, -1 none */
	enum mact action;	/* MN_TEXT */
	int required;		/* MN_TEXT: no skip */
	int exit_first;
	struct mopt *opts;
	unsigned nopts;
};

enum mcommon {
	MC_EXIT, MC_BACK, MC_MORE, MC_YES, MC_OTHER_REGION, MC_DONT_KNOW,
	MC_SKIP, MC_INVALID, MC_BYE, MC_BUSY, MC_EXPIRED, MC_FAILED,
	MC_LOCKED, MC_BAD_CODE, MC_UNKNOWN_CODE,
	MC__N
};

struct mcat {
	char *id;
	int partial, gbv;
	char *filed_id;
	int filed;		/* end node after filing, -1: the option's */
	/* keywords[lang][i], folded (routing/fold.h) */
	char *kw[NV_MENU_LANGS_MAX][NV_MENU_KEYWORDS_MAX];
	unsigned nkw[NV_MENU_LANGS_MAX];
};

struct mstatus {
	char *id;
	struct mtext text;
};

struct menu {
	int refs;
	char *name;
	const struct geo *geo;
	const struct fallback *fb;
	unsigned nlang;
	char *lang[NV_MENU_LANGS_MAX];
	char *lang_status[NV_MENU_LANGS_MAX];
	struct mtext lang_name;	/* lang_name.s[i]: language i's own name */
	struct mtext common[MC__N];
	struct mstatus *status;
	unsigned nstatus;
	struct mstatus *referral;	/* id: region id or "default" */
	unsigned nreferral;
	/* Values the options set, per field (MF_CATEGORY: category ids). */
	char **values[MF__N];
	unsigned nvalues[MF__N];
	struct mcat *cat;		/* parallel to values[MF_CATEGORY] */
	char *follow_kw[NV_MENU_LANGS_MAX][NV_MENU_KEYWORDS_MAX];
	unsigned nfollow_kw[NV_MENU_LANGS_MAX];
	struct mnode *node;
	unsigned nnode;
	int start;		/* the language screen, or the first node */
	int home;		/* where a direct SMS asks its category */
	int region;		/* ... and its region */
	int filed, filed_gbv;	/* ... and what it ends on */
	int case_node;		/* the case-code screen */
};

/* Indexes into the geography's lists for a session (menu.c). */
const char *mi_region_id(const struct menu *m, uint16_t v);
const char *mi_cercle_id(const struct menu *m, uint16_t v);
const char *mi_commune_id(const struct menu *m, uint16_t v);
const char *mi_axis_id(const struct menu *m, uint16_t v);

/* The text of t in language li (falls back to language 0). */
const char *mi_text(const struct menu *m, const struct mtext *t,
    unsigned li, int gsm);

/* A category's record from its value (id + 1), or NULL. */
const struct mcat *mi_cat(const struct menu *m, uint16_t v);

/*
 * Renders the screen of st's node and page for the lint and render-all:
 * ctx gives placeholder values. Returns 0, or -1 when some page does not
 * fit (the text is rendered anyway, cut). *pages gets the page count.
 */
struct mctx {
	const char *code, *status, *question;
	const char *prefix;	/* "invalid" and the like, or NULL */
};
int mi_render(const struct menu *m, const struct menu_state *st,
    const struct menu_fmt *f, const struct mctx *ctx, struct menu_out *out,
    unsigned *pages);

/* Renders st's screen into out; the page kept within the page count. */
void mi_show(const struct menu *m, struct menu_state *st,
    const struct menu_fmt *f, const struct mctx *ctx, struct menu_out *out);

/* Enters a node (or what follows it) and renders it, as an answer
 * would; pushes where we were for 00 (menu.c). */
void mi_go(const struct menu *m, struct menu_state *st, int idx,
    const struct menu_fmt *f, struct menu_out *out);
void mi_push(struct menu_state *st, int field);
/* The end node a report is filed on: its category's, the option's
 * (opt_filed >= 0), or the default one. */
int mi_filed_node(const struct menu *m, const struct menu_state *st,
    int opt_filed);
/* A final screen of one common sentence. */
void mi_final(const struct menu *m, const struct menu_state *st,
    enum mcommon c, const struct menu_fmt *f, struct menu_out *out);

/* The field value of entry v (1-based) of a list node's screen: 0, or
 * -1 when there is no such entry. */
int mi_list_pick(const struct menu *m, const struct menu_state *st,
    const struct mnode *n, const struct menu_fmt *f, unsigned v,
    uint16_t *val);

/* Entries a list node shows in st (regions, cercles, ...), and the field
 * value of entry i (0-based). */
unsigned mi_list_count(const struct menu *m, const struct menu_state *st,
    const struct mnode *n);

#endif
