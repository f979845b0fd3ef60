/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Screens (menu_int.h): a node's text and lines in the session's
 * language, with the GSM-7 renderings or the official spellings as the
 * link wants, split into pages that fit its budget.
 */
#include "menu_int.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fallback.h"
#include "base/text.h"
#include "base/xmalloc.h"
#include "routing/geo.h"

/* Room for the pieces of one screen: every list entry and text of it,
 * each at most NV_MENU_STRING_MAX (GSM-7 renderings may grow a little). */
#define ARENA (NV_MENU_SCREEN_MAX * 8)
#define LINES_MAX (NV_MENU_LIST_MAX + NV_MENU_OPTIONS_MAX + 1)

struct screen {
	const struct menu *m;
	const struct menu_state *st;
	const struct menu_fmt *f;
	unsigned li;		/* language index */
	int gsm;
	char arena[ARENA];
	size_t used;
	const char *head;	/* the node's text, placeholders filled */
	const char *line[LINES_MAX];
	uint16_t val[LINES_MAX];	/* field value of a list entry */
	unsigned n;
	const char *w_exit, *w_back, *w_more;
};

const char *
mi_text(const struct menu *m, const struct mtext *t, unsigned li, int gsm)
{
	if (li >= m->nlang || t->s[li] == NULL)
		li = 0;
	return gsm ? t->g[li] : t->s[li];
}

const struct mcat *
mi_cat(const struct menu *m, uint16_t v)
{
	return v >= 1 && v <= m->nvalues[MF_CATEGORY] ? &m->cat[v - 1] : NULL;
}

static const char *
place_id(const struct menu *m, int level, uint16_t v)
{
	struct geo_place p;

	if (v == 0 || v == MENU_UNKNOWN)
		return NULL;
	if (level == GEO_REGION)
		return geo_region_at(m->geo, v - 1u, &p) == 0 ? p.id : NULL;
	return geo_at(m->geo, level, v - 1u, &p) == 0 ? p.id : NULL;
}

const char *
mi_region_id(const struct menu *m, uint16_t v)
{
	return place_id(m, GEO_REGION, v);
}

const char *
mi_cercle_id(const struct menu *m, uint16_t v)
{
	return place_id(m, GEO_CERCLE, v);
}

const char *
mi_commune_id(const struct menu *m, uint16_t v)
{
	return place_id(m, GEO_COMMUNE, v);
}

const char *
mi_axis_id(const struct menu *m, uint16_t v)
{
	struct geo_axis a;

	if (v == 0 || v == MENU_UNKNOWN)
		return NULL;
	return geo_axis_at(m->geo, v - 1u, &a) == 0 ? a.id : NULL;
}

/* Copies s into the arena, rewritten for GSM-7 when the link wants it;
 * "" when the arena is full (the lint's budgets never get there). */
static const char *
keep(struct screen *sc, const char *s, size_t len)
{
	char *fb = NULL, *out;

	/* Most pieces are GSM-7 already (the file's renderings): no copy. */
	if (sc->gsm && text_units(s, len, TEXT_GSM7) < 0) {
		fb = fb_apply(sc->m->fb, sc->m->lang[sc->li], s, len, NULL);
		s = fb;
		len = strlen(fb);
	}
	if (sc->used + len + 1 > sizeof sc->arena) {
		free(fb);
		return "";
	}
	out = memcpy(sc->arena + sc->used, s, len);
	out[len] = '\0';
	sc->used += len + 1;
	free(fb);
	return out;
}

static const char *
word(struct screen *sc, const struct mtext *t)
{
	const char *s = mi_text(sc->m, t, sc->li, sc->gsm);

	return keep(sc, s, strlen(s));
}

static const char *
named(const struct mstatus *v, unsigned n, const char *id, const char *dflt)
{
	for (unsigned i = 0; id != NULL && i < n; i++)
		if (strcmp(v[i].id, id) == 0)
			return v[i].id;
	return dflt;
}

static const struct mtext *
named_text(const struct mstatus *v, unsigned n, const char *id)
{
	for (unsigned i = 0; i < n; i++)
		if (strcmp(v[i].id, id) == 0)
			return &v[i].text;
	return NULL;
}

/* The node's text with {region}, {code}, {referral}, {status} and
 * {question} filled in. */
static const char *
fill(struct screen *sc, const struct mtext *t, const struct mctx *ctx)
{
	const struct menu *m = sc->m;
	const char *s = mi_text(m, t, sc->li, sc->gsm), *p, *v;
	const char *region = mi_region_id(m, sc->st->field[MF_REGION]);
	const struct mtext *nt;
	char buf[NV_MENU_SCREEN_MAX];
	size_t n = 0, vl;

	while ((p = strchr(s, '{')) != NULL) {
		const char *e = strchr(p, '}');

		if (e == NULL)
			break;
		v = NULL;
		vl = (size_t)(e - p - 1);
		if (vl == 6 && memcmp(p + 1, "region", 6) == 0)
			v = region != NULL ? geo_display_name(m->geo, region,
			    m->lang[sc->li]) : "";
		else if (vl == 4 && memcmp(p + 1, "code", 4) == 0)
			v = ctx != NULL && ctx->code != NULL ? ctx->code :
			    sc->f != NULL && sc->f->code != NULL ?
			    sc->f->code : "";
		else if (vl == 8 && memcmp(p + 1, "question", 8) == 0)
			v = ctx != NULL && ctx->question != NULL ?
			    ctx->question : "";
		else if (vl == 6 && memcmp(p + 1, "status", 6) == 0) {
			nt = named_text(m->status, m->nstatus, named(m->status,
			    m->nstatus, ctx != NULL ? ctx->status : NULL,
			    "default"));
			v = nt != NULL ? mi_text(m, nt, sc->li, sc->gsm) : "";
		} else if (vl == 8 && memcmp(p + 1, "referral", 8) == 0) {
			nt = named_text(m->referral, m->nreferral,
			    named(m->referral, m->nreferral, region,
			    "default"));
			v = nt != NULL ? mi_text(m, nt, sc->li, sc->gsm) : "";
		}
		if (v == NULL)
			v = "";
		if (n + (size_t)(p - s) + strlen(v) >= sizeof buf)
			break;
		memcpy(buf + n, s, (size_t)(p - s));
		n += (size_t)(p - s);
		memcpy(buf + n, v, strlen(v));
		n += strlen(v);
		s = e + 1;
	}
	if (n + strlen(s) < sizeof buf) {
		memcpy(buf + n, s, strlen(s));
		n += strlen(s);
	}
	while (n > 0 && buf[n - 1] == ' ')	/* an empty {question} */
		n--;
	return keep(sc, buf, n);
}

static void
add_line(struct screen *sc, const char *s, uint16_t val)
{
	if (sc->n >= LINES_MAX)
		return;
	sc->val[sc->n] = val;
	sc->line[sc->n++] = keep(sc, s, strlen(s));
}

/* Geography entries of a list node, "don't know" first. */
static void
list_places(struct screen *sc, const struct mnode *n)
{
	const struct menu *m = sc->m;
	const char *lang = m->lang[sc->li];
	const char *region = mi_region_id(m, sc->st->field[MF_REGION]);
	const char *cercle = mi_cercle_id(m, sc->st->field[MF_CERCLE]);
	int level = n->type == MN_CERCLE ? GEO_CERCLE : GEO_COMMUNE;
	struct geo_place p;
	struct geo_axis a;
	unsigned start = sc->n;

	add_line(sc, mi_text(m, &m->common[MC_DONT_KNOW], sc->li, sc->gsm),
	    MENU_UNKNOWN);
	if (n->type == MN_AXIS) {
		for (unsigned i = 0; region != NULL &&
		    geo_axis_at(m->geo, i, &a) == 0; i++)
			for (unsigned r = 0; r < a.nregions; r++)
				if (strcmp(a.regions[r], region) == 0) {
					add_line(sc, a.name, (uint16_t)(i + 1));
					break;
				}
	} else {
		for (unsigned i = 0; geo_at(m->geo, level, i, &p) == 0; i++) {
			if (level == GEO_CERCLE ? region == NULL ||
			    strcmp(p.region, region) != 0 : cercle == NULL ||
			    p.cercle == NULL || strcmp(p.cercle, cercle) != 0)
				continue;
			add_line(sc, geo_display_name(m->geo, p.id, lang),
			    (uint16_t)(i + 1));
		}
	}
	if (sc->n == start + 1)
		sc->n = start;	/* nothing to choose: the node is skipped */
}

/* The lines a node shows, into sc->line[] (numbered from 1). */
static void
lines(struct screen *sc, const struct mnode *n)
{
	const struct menu *m = sc->m;
	struct geo_place p;

	sc->n = 0;
	switch (n->type) {
	case MN_LANGUAGE:
		for (unsigned i = 0; i < m->nlang; i++)
			add_line(sc, sc->gsm ? m->lang_name.g[i] :
			    m->lang_name.s[i], 0);
		break;
	case MN_CHOICE:
		for (unsigned i = 0; i < n->nopts; i++)
			add_line(sc, mi_text(m, &n->opts[i].text, sc->li,
			    sc->gsm), 0);
		break;
	case MN_REGION:
		if (sc->st->field[MF_REGION] != 0 &&
		    !(sc->st->flags & MENU_ST_LIST)) {
			add_line(sc, mi_text(m, &m->common[MC_YES], sc->li,
			    sc->gsm), sc->st->field[MF_REGION]);
			add_line(sc, mi_text(m, &m->common[MC_OTHER_REGION],
			    sc->li, sc->gsm), 0);
			break;
		}
		for (unsigned i = 0; geo_region_at(m->geo, i, &p) == 0; i++)
			add_line(sc, geo_display_name(m->geo, p.id,
			    m->lang[sc->li]), (uint16_t)(i + 1));
		break;
	case MN_CERCLE:
	case MN_COMMUNE:
	case MN_AXIS:
		list_places(sc, n);
		break;
	case MN_TEXT:
		if (!n->required)
			add_line(sc, mi_text(m, &m->common[MC_SKIP], sc->li,
			    sc->gsm), 0);
		break;
	case MN_CASE:
	case MN_END:
		break;
	}
}

unsigned
mi_list_count(const struct menu *m, const struct menu_state *st,
    const struct mnode *n)
{
	struct screen scr, *sc = &scr;

	sc->m = m;
	sc->st = st;
	sc->f = NULL;
	sc->gsm = 0;
	sc->used = 0;
	sc->li = st->lang > 0 ? st->lang - 1u : 0;
	lines(sc, n);
	return sc->n;
}

/* Units the text takes where the link shows it; -1 beyond the budget. */
static int
fits(const struct screen *sc, const char *s, size_t len)
{
	long u = text_units(s, len, TEXT_GSM7);

	if (u >= 0)
		return (unsigned long)u <= sc->f->budget_gsm7;
	if (sc->gsm)
		return 0;
	u = text_units(s, len, TEXT_UCS2);
	return u >= 0 && (unsigned long)u <= sc->f->budget_ucs2;
}

static void
put(char *out, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (*len + n + 2 > NV_MENU_SCREEN_MAX)
		return;
	if (*len > 0)
		out[(*len)++] = '\n';
	memcpy(out + *len, s, n);
	*len += n;
	out[*len] = '\0';
}

/*
 * One page: [exit first] [prefix] [text] lines [from, from+k) [99 more]
 * [00 back] [0 exit]. Numbering is global, so an answer from any page
 * of the screen is understood.
 */
static size_t
compose(const struct screen *sc, const struct mnode *n, const char *prefix,
    int head, unsigned from, unsigned k, int more, char *out)
{
	int exit_first = n->exit_first || sc->st->flags & MENU_ST_GBV;
	char line[NV_MENU_STRING_MAX + 16];
	size_t len = 0;

	out[0] = '\0';
	if (n->type != MN_END && exit_first) {
		snprintf(line, sizeof line, "0 %s", sc->w_exit);
		put(out, &len, line);
	}
	if (prefix != NULL)
		put(out, &len, prefix);
	if (head && sc->head[0] != '\0')
		put(out, &len, sc->head);
	for (unsigned i = from; i < from + k; i++) {
		snprintf(line, sizeof line, "%u %s", i + 1, sc->line[i]);
		put(out, &len, line);
	}
	if (n->type == MN_END)
		return len;
	if (more) {
		snprintf(line, sizeof line, "99 %s", sc->w_more);
		put(out, &len, line);
	}
	/* A text on a page of its own (a UCS-2 screen holds 80 letters)
	 * shows only the way on; 0 and 00 still work there. */
	if (k == 0 && more && head)
		return len;
	if (sc->st->depth > 0) {
		snprintf(line, sizeof line, "00 %s", sc->w_back);
		put(out, &len, line);
	}
	if (!exit_first) {
		snprintf(line, sizeof line, "0 %s", sc->w_exit);
		put(out, &len, line);
	}
	return len;
}

/*
 * Splits the lines into pages and composes page `page` (wrapping) into
 * out. Returns 0, or -1 when some page could not fit even one line.
 * The prefix (an invalid answer) is on every page while splitting, so
 * that it is not the part left out of a full page; only when a page
 * cannot hold it with even one line is it dropped.
 */
static int paginate_with(struct screen *sc, const struct mnode *n,
    const char *prefix, unsigned page, struct menu_out *out,
    unsigned *npages);

/* With the prefix if every page can hold it, else without. */
static int
paginate(struct screen *sc, const struct mnode *n, const char *prefix,
    unsigned page, struct menu_out *out, unsigned *npages)
{
	if (prefix != NULL && paginate_with(sc, n, prefix, page, out,
	    npages) == 0)
		return 0;
	return paginate_with(sc, n, NULL, page, out, npages);
}

static int
paginate_with(struct screen *sc, const struct mnode *n, const char *prefix,
    unsigned page, struct menu_out *out, unsigned *npages)
{
	char tmp[NV_MENU_SCREEN_MAX];
	unsigned start[LINES_MAX + 1], cnt[LINES_MAX + 1], p = 0, from = 0;
	int rc = 0;

	if (sc->n == 0) {
		start[p] = 0;
		cnt[p++] = 0;
		if (!fits(sc, tmp, compose(sc, n, prefix, 1, 0, 0, 0, tmp)))
			rc = -1;
	}
	while (from < sc->n && p < LINES_MAX) {
		unsigned k = sc->n - from;
		size_t len = compose(sc, n, prefix, p == 0, from, k, 0, tmp);

		if (!fits(sc, tmp, len)) {
			/* Fewer lines and "99"; a screen without lines (an
			 * end, a case or a required text) has nothing to
			 * move to another page. */
			for (k = k > 0 ? k - 1 : 0; k > 0; k--) {
				len = compose(sc, n, prefix, p == 0, from, k,
				    1, tmp);
				if (fits(sc, tmp, len))
					break;
			}
			/* A long text may have its page to itself, the
			 * options following on the next. */
			if (k == 0 && !(p == 0 && sc->head[0] != '\0' &&
			    fits(sc, tmp, compose(sc, n, prefix, 1, 0, 0, 1,
			    tmp)))) {
				k = 1;
				rc = -1;
			}
		}
		start[p] = from;
		cnt[p++] = k;
		from += k;
	}
	page %= p;
	*npages = p;
	out->len = compose(sc, n, prefix, page == 0, start[page], cnt[page],
	    page + 1 < p, out->text);
	if (prefix != NULL && !fits(sc, out->text, out->len))
		out->len = compose(sc, n, NULL, page == 0, start[page],
		    cnt[page], page + 1 < p, out->text);
	return rc;
}

static void
screen_init(struct screen *sc, const struct menu *m,
    const struct menu_state *st, const struct menu_fmt *f)
{
	sc->m = m;
	sc->st = st;
	sc->f = f;
	sc->li = st->lang > 0 && st->lang <= m->nlang ? st->lang - 1u : 0;
	sc->gsm = !f->unicode;
	sc->used = 0;
	sc->w_exit = word(sc, &m->common[MC_EXIT]);
	sc->w_back = word(sc, &m->common[MC_BACK]);
	sc->w_more = word(sc, &m->common[MC_MORE]);
}

int
mi_render(const struct menu *m, const struct menu_state *st,
    const struct menu_fmt *f, const struct mctx *ctx, struct menu_out *out,
    unsigned *pages)
{
	struct screen scr, *sc = &scr;
	const struct mnode *n = &m->node[st->node];
	const char *prefix = NULL;
	int rc;

	screen_init(sc, m, st, f);
	if (n->type == MN_REGION && st->field[MF_REGION] != 0 &&
	    !(st->flags & MENU_ST_LIST))
		sc->head = fill(sc, &n->preset, ctx);
	else
		sc->head = fill(sc, &n->text, ctx);
	if (ctx != NULL && ctx->prefix != NULL)
		prefix = keep(sc, ctx->prefix, strlen(ctx->prefix));
	lines(sc, n);
	out->kind = n->type == MN_END ? MENU_END : MENU_SCREEN;
	rc = paginate(sc, n, prefix, st->page, out, pages);
	return rc;
}

/* A screen of one common sentence that ends the dialogue. */
void
mi_final(const struct menu *m, const struct menu_state *st, enum mcommon c,
    const struct menu_fmt *f, struct menu_out *out)
{
	struct screen scr, *sc = &scr;
	const char *s;

	screen_init(sc, m, st, f);
	s = word(sc, &m->common[c]);
	out->kind = MENU_END;
	out->len = strlen(s) < sizeof out->text ? strlen(s) : 0;
	memcpy(out->text, s, out->len);
	out->text[out->len] = '\0';
}

int
mi_list_pick(const struct menu *m, const struct menu_state *st,
    const struct mnode *n, const struct menu_fmt *f, unsigned v,
    uint16_t *val)
{
	struct screen scr, *sc = &scr;

	screen_init(sc, m, st, f);
	lines(sc, n);
	if (v < 1 || v > sc->n)
		return -1;
	*val = sc->val[v - 1];
	return 0;
}
