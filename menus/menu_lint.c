/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `numvert menu lint` and `numvert menu render LANG` (menu.h): what the
 * loader lets through but a translator or an editor must fix before a
 * menu goes live, and every screen as a phone shows it.
 */
#include "menu_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "routing/geo.h"

/* A report path may show at most this many screens (pages included)
 * after the language before its category is chosen (seeds-brief §10
 * item 5: every category within three menu levels). */
#define CATEGORY_SCREENS_MAX 3u

struct lint {
	const struct menu *m;
	void (*print)(void *arg, const char *line);
	void *arg;
	unsigned errors;
};

static void __attribute__((format(printf, 2, 3)))
say(struct lint *l, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	l->print(l->arg, line);
}

#define ERR(l, ...) do { (l)->errors++; say((l), "error: " __VA_ARGS__); } \
	while (0)

static void
check_text(struct lint *l, const struct mtext *t, const char *what)
{
	for (unsigned i = 0; i < l->m->nlang; i++)
		if (t->s[i] == NULL)
			ERR(l, "line %u: %s: no text in %s", t->line, what,
			    l->m->lang[i]);
}

static void
check_texts(struct lint *l)
{
	const struct menu *m = l->m;
	char what[160];

	for (unsigned i = 0; i < MC__N; i++)
		check_text(l, &m->common[i], "common");
	for (unsigned i = 0; i < m->nstatus; i++)
		check_text(l, &m->status[i].text, "statuses");
	for (unsigned i = 0; i < m->nreferral; i++)
		check_text(l, &m->referral[i].text, "referrals");
	for (unsigned i = 0; i < m->nnode; i++) {
		const struct mnode *n = &m->node[i];

		snprintf(what, sizeof what, "node %s", n->id);
		check_text(l, &n->text, what);
		if (n->type == MN_REGION)
			check_text(l, &n->preset, what);
		for (unsigned j = 0; j < n->nopts; j++) {
			snprintf(what, sizeof what, "node %s option %u", n->id,
			    j + 1);
			check_text(l, &n->opts[j].text, what);
		}
	}
}

/* --- screens that must fit ------------------------------------------ */

/* Renders every page; reports the first that does not fit. */
static int
try_render(struct lint *l, struct menu_state *st, const struct menu_fmt *f,
    const struct mctx *ctx, const char *profile, const char *where)
{
	const struct mnode *n = &l->m->node[st->node];
	struct menu_out *out = xcalloc(1, sizeof *out);
	unsigned pages;
	int rc = mi_render(l->m, st, f, ctx, out, &pages);

	if (rc != 0)
		ERR(l, "line %u: node %s (%s) in %s, %s, %s: a line does not "
		    "fit the screen (%u GSM-7 / %u UCS-2)", n->line, n->id,
		    where, l->m->lang[st->lang - 1], f->unicode ? "unicode" :
		    "gsm7", profile, f->budget_gsm7, f->budget_ucs2);
	free(out);
	return rc;
}

static int
has_placeholder(const struct mnode *n)
{
	for (unsigned i = 0; i < NV_MENU_LANGS_MAX; i++)
		if ((n->text.s[i] != NULL && strchr(n->text.s[i], '{')) ||
		    (n->preset.s[i] != NULL && strchr(n->preset.s[i], '{')))
			return 1;
	return 0;
}

/* Every context a node can be shown in: each region, each cercle. */
static void
node_fits(struct lint *l, unsigned idx, struct menu_state *st,
    const struct menu_fmt *f, const char *profile)
{
	const struct menu *m = l->m;
	const struct mnode *n = &m->node[idx];
	struct mctx ctx = { .code = "123456789", .status = "unverified",
	    .question = "" };
	unsigned nreg = geo_region_count(m->geo);
	/* `statuses: {}` is allowed: the screens are rendered once then. */
	unsigned nst = m->nstatus > 0 ? m->nstatus : 1;
	struct geo_place p;
	char where[96];

	st->node = (uint16_t)idx;
	st->depth = idx == (unsigned)m->start ? 0 : 1;
	st->flags = 0;
	if (n->type == MN_COMMUNE) {
		for (unsigned i = 0; geo_at(m->geo, GEO_CERCLE, i, &p) == 0;
		    i++) {
			st->field[MF_REGION] = (uint16_t)(1 + 0);
			for (unsigned r = 0; r < nreg; r++) {
				struct geo_place rp;

				if (geo_region_at(m->geo, r, &rp) == 0 &&
				    strcmp(rp.id, p.region) == 0)
					st->field[MF_REGION] = (uint16_t)(r + 1);
			}
			st->field[MF_CERCLE] = (uint16_t)(i + 1);
			snprintf(where, sizeof where, "cercle %s", p.id);
			if (try_render(l, st, f, &ctx, profile, where) != 0)
				return;
		}
		return;
	}
	if (n->type == MN_REGION) {
		st->field[MF_REGION] = 0;
		if (try_render(l, st, f, &ctx, profile, "list") != 0)
			return;
	}
	if (n->type == MN_REGION || n->type == MN_CERCLE ||
	    n->type == MN_AXIS || has_placeholder(n)) {
		for (unsigned r = 0; r < nreg; r++) {
			st->field[MF_REGION] = (uint16_t)(r + 1);
			geo_region_at(m->geo, r, &p);
			snprintf(where, sizeof where, "region %s", p.id);
			for (unsigned s = 0; s < nst; s++) {
				ctx.status = m->nstatus > 0 ?
				    m->status[s].id : NULL;
				if (try_render(l, st, f, &ctx, profile,
				    where) != 0)
					return;
			}
		}
		return;
	}
	st->field[MF_REGION] = 0;
	(void)try_render(l, st, f, &ctx, profile, "");
}

static void
check_fits(struct lint *l, const struct menu_lint_budget *b, unsigned nb)
{
	const struct menu *m = l->m;
	struct menu_state st;

	for (unsigned k = 0; k < nb; k++)
		for (int uni = 0; uni <= 1; uni++) {
			struct menu_fmt f = { uni, b[k].gsm7, b[k].ucs2, NULL };

			for (unsigned li = 0; li < m->nlang; li++) {
				memset(&st, 0, sizeof st);
				st.lang = (uint8_t)(li + 1);
				for (unsigned i = 0; i < m->nnode; i++)
					node_fits(l, i, &st, &f, b[k].name);
			}
		}
}

/* --- reachability and digit-only paths ------------------------------ */

/* The nodes one answer of digits can lead to from n (-1 ends). */
static unsigned
successors(const struct menu *m, const struct mnode *n, int *out,
    int digits_only)
{
	unsigned k = 0;

	switch (n->type) {
	case MN_CHOICE:
		for (unsigned i = 0; i < n->nopts; i++)
			out[k++] = n->opts[i].action == MA_SUBMIT ?
			    n->opts[i].filed : n->opts[i].next;
		break;
	case MN_TEXT:
		if (n->required && digits_only)
			break;
		out[k++] = n->action == MA_CASE_ADD ? n->done : n->next;
		break;
	case MN_CASE:
		if (!digits_only)
			out[k++] = n->found;
		break;
	case MN_END:
		break;
	default:
		out[k++] = n->next;
		break;
	}
	(void)m;
	return k;
}

static void
check_reach(struct lint *l)
{
	const struct menu *m = l->m;
	char *seen = xcalloc(m->nnode, 1);
	/* Each node pushes its successors once, plus the roots: the nodes
	 * named at the top of the file and one per category. */
	int *stack = xcalloc(m->nnode * (NV_MENU_OPTIONS_MAX + 1) + 6 +
	    m->nvalues[MF_CATEGORY], sizeof *stack);
	int succ[NV_MENU_OPTIONS_MAX + 1];
	unsigned sp = 0;

	stack[sp++] = m->start;
	stack[sp++] = m->home;
	stack[sp++] = m->region;
	stack[sp++] = m->case_node;
	for (unsigned c = 0; c < m->nvalues[MF_CATEGORY]; c++)
		if (m->cat[c].filed >= 0)
			stack[sp++] = m->cat[c].filed;
	stack[sp++] = m->filed;
	stack[sp++] = m->filed_gbv;
	while (sp > 0) {
		int i = stack[--sp];

		if (i < 0 || seen[i])
			continue;
		seen[i] = 1;
		for (unsigned k = successors(m, &m->node[i], succ, 0); k > 0;
		    k--)
			stack[sp++] = succ[k - 1];
	}
	for (unsigned i = 0; i < m->nnode; i++)
		if (!seen[i])
			ERR(l, "line %u: node %s is never shown",
			    m->node[i].line, m->node[i].id);
	free(stack);
	free(seen);
}

/*
 * A category is fileable with digits only when some path of options,
 * list entries and skips leads from the start to a submit after the
 * category was set. Also measures how many screens (pages counted)
 * precede the choice of each category, which must stay within three.
 */
struct walk {
	struct lint *l;
	const struct menu_fmt *f;
	unsigned li;
	unsigned *depth;	/* per category: fewest screens, or ~0 */
	char *filable;		/* per category */
	unsigned *best;		/* per node and category (0 none): fewest
				 * screens it was walked with, or ~0 */
};

static unsigned
option_page(const struct walk *w, unsigned node, unsigned opt)
{
	struct menu_state st = { .node = (uint16_t)node,
	    .lang = (uint8_t)(w->li + 1), .depth = 1 };
	struct menu_out *out = xcalloc(1, sizeof *out);
	char want[16];
	unsigned pages, p = 0;

	/* At the start of a line: "1 " is also in "police 11 14". */
	snprintf(want, sizeof want, "\n%u ", opt + 1);
	for (p = 0; ; p++) {
		st.page = (uint8_t)p;
		mi_render(w->l->m, &st, w->f, NULL, out, &pages);
		if (p + 1 >= pages || strncmp(out->text, want + 1,
		    strlen(want + 1)) == 0 || strstr(out->text, want) != NULL)
			break;
	}
	free(out);
	return p;
}

static void
walk(struct walk *w, int node, uint16_t cat, unsigned screens,
    unsigned hops)
{
	const struct menu *m = w->l->m;
	const struct mnode *n;
	int succ[NV_MENU_OPTIONS_MAX + 1];
	unsigned *best;

	if (node < 0 || hops > 2 * NV_MENU_DEPTH_MAX)
		return;
	/* Reached again with the same category and no fewer screens, a
	 * node has nothing new to show: without this, choices that lead
	 * back to each other are walked once per path, exponentially
	 * many (12 options, 32 hops). */
	best = &w->best[(size_t)node * (m->nvalues[MF_CATEGORY] + 1) + cat];
	if (screens >= *best)
		return;
	*best = screens;
	n = &m->node[node];
	if (n->type == MN_CHOICE) {
		for (unsigned i = 0; i < n->nopts; i++) {
			const struct mopt *o = &n->opts[i];
			uint16_t c = cat;
			unsigned s = screens;

			if (cat == 0)
				s += option_page(w, (unsigned)node, i) + 1;
			if (o->field == MF_CATEGORY) {
				c = o->value;
				if (s < w->depth[c - 1])
					w->depth[c - 1] = s;
			}
			if (o->action == MA_SUBMIT && c != 0)
				w->filable[c - 1] = 1;
			else if (o->next >= 0)
				walk(w, o->next, c, s, hops + 1);
		}
		return;
	}
	for (unsigned k = successors(m, n, succ, 1); k > 0; k--)
		walk(w, succ[k - 1], cat, screens + (cat == 0), hops + 1);
}

/*
 * Too many screens before a category: an error with the GSM-7
 * renderings (what USSD links use by default); with the official
 * spellings a UCS-2 screen holds 80 letters, half as many, and a
 * translation may not manage three screens there: a warning, so that a
 * deployment choosing menu_text = unicode knows.
 */
static void
too_deep(struct lint *l, const char *cat, unsigned screens, const char *lang,
    int unicode, const char *profile)
{
	if (unicode) {
		say(l, "warning: category %s takes %u screens after the "
		    "language in %s, unicode, %s (at most %u)", cat, screens,
		    lang, profile, CATEGORY_SCREENS_MAX);
		return;
	}
	ERR(l, "category %s takes %u screens after the language in %s, gsm7, "
	    "%s (at most %u)", cat, screens, lang, profile,
	    CATEGORY_SCREENS_MAX);
}

static void
check_paths(struct lint *l, const struct menu_lint_budget *b, unsigned nb)
{
	const struct menu *m = l->m;
	unsigned nc = m->nvalues[MF_CATEGORY];
	struct walk w = { .l = l };
	int first = m->node[m->start].type == MN_LANGUAGE ?
	    m->node[m->start].next : m->start;

	w.depth = xcalloc(nc + 1, sizeof *w.depth);
	w.filable = xcalloc(nc + 1, 1);
	w.best = xcalloc((size_t)m->nnode * (nc + 1), sizeof *w.best);
	for (unsigned k = 0; k < nb; k++)
		for (int uni = 0; uni <= 1; uni++) {
			struct menu_fmt f = { uni, b[k].gsm7, b[k].ucs2, NULL };

			w.f = &f;
			for (w.li = 0; w.li < m->nlang; w.li++) {
				for (unsigned c = 0; c < nc; c++)
					w.depth[c] = ~0u;
				for (size_t i = 0; i < (size_t)m->nnode *
				    (nc + 1); i++)
					w.best[i] = ~0u;
				walk(&w, first, 0, 0, 0);
				for (unsigned c = 0; c < nc; c++)
					if (w.depth[c] != ~0u &&
					    w.depth[c] > CATEGORY_SCREENS_MAX)
						too_deep(l, m->cat[c].id,
						    w.depth[c], m->lang[w.li],
						    uni, b[k].name);
			}
		}
	for (unsigned c = 0; c < nc; c++)
		if (!w.filable[c])
			ERR(l, "category %s: no path files it with digits "
			    "only", m->cat[c].id);
	free(w.depth);
	free(w.filable);
	free(w.best);
}

unsigned
menu_lint(const struct menu *m, const struct menu_lint_budget *b,
    unsigned nb, void (*print)(void *arg, const char *line), void *arg)
{
	struct lint l = { .m = m, .print = print, .arg = arg };

	check_texts(&l);
	check_fits(&l, b, nb);
	check_reach(&l);
	check_paths(&l, b, nb);
	for (unsigned i = 0; i < m->nlang; i++)
		say(&l, "language %s (%s): %s", m->lang[i], m->lang_name.s[i],
		    m->lang_status[i]);
	say(&l, "menu %s: %u nodes, %u languages, %u categories, %u error%s",
	    m->name, m->nnode, m->nlang, m->nvalues[MF_CATEGORY], l.errors,
	    l.errors == 1 ? "" : "s");
	return l.errors;
}

/* --- render --------------------------------------------------------- */

static void
print_pages(const struct menu *m, struct menu_state *st,
    const struct menu_fmt *f, void (*print)(void *, const char *), void *arg)
{
	struct mctx ctx = { .code = "123456789", .status = "unverified",
	    .question = "" };
	struct menu_out *out = xcalloc(1, sizeof *out);
	unsigned pages = 1;

	for (unsigned p = 0; p < pages; p++) {
		st->page = (uint8_t)p;
		mi_render(m, st, f, &ctx, out, &pages);
		if (pages > 1) {
			char h[32];

			snprintf(h, sizeof h, "-- page %u/%u", p + 1, pages);
			print(arg, h);
		}
		print(arg, out->text);
	}
	free(out);
}

int
menu_render_all(const struct menu *m, const char *lang,
    const struct menu_fmt *f, void (*print)(void *arg, const char *line),
    void *arg)
{
	static const char *const tn[] = { "language", "choice", "region",
	    "cercle", "commune", "axis", "text", "case", "end" };
	int li = menu_lang_find(m, lang);
	struct menu_state st;
	struct geo_place p;
	char h[160];

	if (li < 0)
		return -1;
	for (unsigned i = 0; i < m->nnode; i++) {
		const struct mnode *n = &m->node[i];

		memset(&st, 0, sizeof st);
		st.lang = (uint8_t)(li + 1);
		st.node = (uint16_t)i;
		st.depth = (int)i == m->start ? 0 : 1;
		/* Lists are shown for the first region (and its first
		 * cercle with communes). */
		st.field[MF_REGION] = 1;
		for (unsigned c = 0; n->type == MN_COMMUNE &&
		    geo_at(m->geo, GEO_CERCLE, c, &p) == 0; c++) {
			st.field[MF_CERCLE] = (uint16_t)(c + 1);
			if (mi_list_count(m, &st, n) > 0)
				break;
		}
		snprintf(h, sizeof h, "== %s (%s)", n->id, tn[n->type]);
		print(arg, h);
		print_pages(m, &st, f, print, arg);
		if (n->type == MN_REGION) {
			st.flags |= MENU_ST_LIST;
			print(arg, "-- list");
			print_pages(m, &st, f, print, arg);
		}
	}
	return 0;
}
