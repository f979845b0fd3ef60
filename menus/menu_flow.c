/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Where sessions start and how the engine takes back what the caller
 * did for it (a report filed, a case looked up or added to), and how an
 * SMS's keywords choose a category (menu.h).
 */
#include "menu_int.h"

#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "routing/fold.h"
#include "routing/geo.h"

static void
clear(struct menu_out *out)
{
	out->kind = MENU_SCREEN;
	out->text[0] = '\0';
	out->len = 0;
	out->keep_text = 0;
	out->input[0] = '\0';
}

static int
region_index(const struct menu *m, const char *id)
{
	struct geo_place p;

	for (unsigned i = 0; id != NULL && geo_region_at(m->geo, i, &p) == 0;
	    i++)
		if (strcmp(p.id, id) == 0)
			return (int)i;
	return -1;
}

static void
start(const struct menu *m, struct menu_state *st, enum menu_mode mode,
    const char *lang)
{
	int li = lang != NULL ? menu_lang_find(m, lang) : -1;

	memset(st, 0, sizeof *st);
	st->field[MF_MODE] = (uint16_t)mode;
	if (li >= 0)
		st->lang = (uint8_t)(li + 1);
	if (m->node[m->start].type != MN_LANGUAGE && st->lang == 0)
		st->lang = 1;
}

void
menu_begin(const struct menu *m, struct menu_state *st, enum menu_mode mode,
    const char *lang, const char *region, const char *category,
    const struct menu_fmt *f, struct menu_out *out)
{
	int r = region_index(m, region);
	int node = m->start;

	start(m, st, mode, lang);
	clear(out);
	if (r >= 0)
		st->field[MF_REGION] = (uint16_t)(r + 1);
	for (unsigned i = 0; category != NULL &&
	    i < m->nvalues[MF_CATEGORY]; i++)
		if (strcmp(m->values[MF_CATEGORY][i], category) == 0)
			st->field[MF_CATEGORY] = (uint16_t)(i + 1);
	if (m->node[node].type == MN_LANGUAGE && st->lang != 0)
		node = m->node[node].next;
	if (mode == MENU_MODE_DIRECT && st->field[MF_CATEGORY] == 0 &&
	    st->lang != 0)
		node = m->home;
	mi_go(m, st, node, f, out);
}

const char *
menu_node_id(const struct menu *m, const struct menu_state *st)
{
	if (st->node >= m->nnode || st->depth > NV_MENU_DEPTH_MAX ||
	    st->lang > m->nlang)
		return NULL;
	for (unsigned i = 0; i < st->depth; i++)
		if (st->back[i].node >= m->nnode)
			return NULL;
	return m->node[st->node].id;
}

void
menu_file_now(const struct menu *m, struct menu_state *st)
{
	st->node = (uint16_t)mi_filed_node(m, st, -1);
}

void
menu_begin_case(const struct menu *m, struct menu_state *st,
    enum menu_mode mode, const char *lang, const struct menu_fmt *f,
    struct menu_out *out)
{
	start(m, st, mode, lang);
	if (st->lang == 0)
		st->lang = 1;
	clear(out);
	mi_go(m, st, m->case_node, f, out);
}

void
menu_report(const struct menu *m, const struct menu_state *st,
    struct menu_report *r)
{
	const struct mcat *c = mi_cat(m, st->field[MF_CATEGORY]);
	const uint16_t *v = st->field;

	memset(r, 0, sizeof *r);
	r->category = c != NULL ? c->id : NULL;
	r->region = mi_region_id(m, v[MF_REGION]);
	r->cercle = mi_cercle_id(m, v[MF_CERCLE]);
	r->commune = mi_commune_id(m, v[MF_COMMUNE]);
	r->axis = mi_axis_id(m, v[MF_AXIS]);
	r->weapon = v[MF_WEAPON] >= 1 && v[MF_WEAPON] <= m->nvalues[MF_WEAPON] ?
	    m->values[MF_WEAPON][v[MF_WEAPON] - 1] : NULL;
	r->count = v[MF_COUNT] >= 1 && v[MF_COUNT] <= m->nvalues[MF_COUNT] ?
	    m->values[MF_COUNT][v[MF_COUNT] - 1] : NULL;
	r->involved = v[MF_INVOLVED] >= 1 &&
	    v[MF_INVOLVED] <= m->nvalues[MF_INVOLVED] ?
	    m->values[MF_INVOLVED][v[MF_INVOLVED] - 1] : NULL;
	r->lang = m->lang[st->lang > 0 && st->lang <= m->nlang ?
	    st->lang - 1u : 0];
	r->gbv = c != NULL && c->gbv;
	/* As menu_keep_partial: without a region there is no queue to
	 * send a partial report to. */
	r->keep_partial = menu_keep_partial(m, st);
	r->sms_ack = !r->gbv;
}

int
menu_keep_partial(const struct menu *m, const struct menu_state *st)
{
	const struct mcat *c = mi_cat(m, st->field[MF_CATEGORY]);

	return c != NULL && c->partial && !c->gbv &&
	    st->field[MF_REGION] != 0;
}

void
menu_filed(const struct menu *m, struct menu_state *st, const char *code,
    const struct menu_fmt *f, struct menu_out *out)
{
	struct mctx ctx = { .code = code };

	clear(out);
	if (code == NULL || m->node[st->node].type != MN_END) {
		mi_final(m, st, MC_FAILED, f, out);
		return;
	}
	mi_show(m, st, f, &ctx, out);
}

void
menu_case(const struct menu *m, struct menu_state *st,
    const struct menu_case *c, const struct menu_fmt *f,
    struct menu_out *out)
{
	struct mctx ctx = { .status = c->status, .question = c->question };
	/* The case node the code was typed at: a menu may have several,
	 * each with its own `found`. */
	int cn = st->node < m->nnode && m->node[st->node].type == MN_CASE ?
	    st->node : m->case_node;
	enum mcommon w;

	clear(out);
	switch (c->result) {
	case MENU_CASE_FOUND:
		mi_push(st, -1);
		st->node = (uint16_t)m->node[cn].found;
		st->page = 0;
		mi_show(m, st, f, &ctx, out);
		return;
	case MENU_CASE_NOT_A_CODE:
	case MENU_CASE_BAD_CHECK:
	case MENU_CASE_UNKNOWN:
		w = c->result == MENU_CASE_UNKNOWN ? MC_UNKNOWN_CODE :
		    MC_BAD_CODE;
		ctx = (struct mctx){ .prefix = mi_text(m, &m->common[w],
		    st->lang > 0 ? st->lang - 1u : 0, !f->unicode) };
		st->node = (uint16_t)cn;
		st->page = 0;
		mi_show(m, st, f, &ctx, out);
		return;
	case MENU_CASE_LOCKED:
		mi_final(m, st, MC_LOCKED, f, out);
		return;
	case MENU_CASE_FAILED:
		break;
	}
	mi_final(m, st, MC_FAILED, f, out);
}

void
menu_added(const struct menu *m, struct menu_state *st, int ok,
    const struct menu_fmt *f, struct menu_out *out)
{
	clear(out);
	if (!ok || m->node[st->node].type != MN_END) {
		mi_final(m, st, MC_FAILED, f, out);
		return;
	}
	mi_show(m, st, f, NULL, out);
}

void
menu_notice(const struct menu *m, const struct menu_state *st,
    const char *kind, const struct menu_fmt *f, struct menu_out *out)
{
	clear(out);
	mi_final(m, st, strcmp(kind, "busy") == 0 ? MC_BUSY : MC_EXPIRED, f,
	    out);
}

/* --- SMS keywords --------------------------------------------------- */

static int
has_word(char *const *kw, unsigned n, const char *w, size_t len)
{
	for (unsigned i = 0; i < n; i++)
		if (strlen(kw[i]) == len && memcmp(kw[i], w, len) == 0)
			return 1;
	return 0;
}

/* The category (and its language) of a folded word, or -1. */
static int
keyword(const struct menu *m, const char *w, size_t len, unsigned *lang)
{
	for (unsigned li = 0; li < m->nlang; li++)
		for (unsigned c = 0; c < m->nvalues[MF_CATEGORY]; c++)
			if (has_word(m->cat[c].kw[li], m->cat[c].nkw[li], w,
			    len)) {
				*lang = li;
				return (int)c;
			}
	return -1;
}

/* An octet of a word as fold_text cuts words: any ASCII other than
 * letters and digits separates them ("SUIVI:123456789" is two). */
static int
word_octet(char c)
{
	return (unsigned char)c >= 0x80 || (c >= '0' && c <= '9') ||
	    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* What follows the first word of text (what precedes it skipped). */
static const char *
after_word(const char *text, size_t len)
{
	size_t i = 0;

	while (i < len && !word_octet(text[i]))
		i++;
	while (i < len && word_octet(text[i]))
		i++;
	return text + i;
}

void
menu_sms_parse(const struct menu *m, const char *text, size_t len,
    struct menu_sms *out)
{
	char *f = xmalloc(len + 1);
	size_t n = fold_text(text, len, f, len + 1), i = 0;
	unsigned li;

	memset(out, 0, sizeof *out);
	while (i < n) {
		size_t e = i;
		int c;

		while (e < n && f[e] != ' ')
			e++;
		if (i == 0) {
			for (li = 0; li < m->nlang; li++)
				if (has_word(m->follow_kw[li],
				    m->nfollow_kw[li], f, e)) {
					out->follow = 1;
					out->lang = m->lang[li];
					out->rest = after_word(text, len);
					break;
				}
			if (out->follow)
				break;
		}
		if ((c = keyword(m, f + i, e - i, &li)) >= 0) {
			out->category = m->cat[c].id;
			out->lang = m->lang[li];
			break;
		}
		i = e + 1;
	}
	free(f);
}

/* --- accessors ------------------------------------------------------ */

const char *
menu_name(const struct menu *m)
{
	return m->name;
}

unsigned
menu_lang_count(const struct menu *m)
{
	return m->nlang;
}

const char *
menu_lang_code(const struct menu *m, unsigned i)
{
	return i < m->nlang ? m->lang[i] : NULL;
}

const char *
menu_lang_status(const struct menu *m, unsigned i)
{
	return i < m->nlang ? m->lang_status[i] : NULL;
}

int
menu_lang_find(const struct menu *m, const char *code)
{
	for (unsigned i = 0; i < m->nlang; i++)
		if (strcmp(m->lang[i], code) == 0)
			return (int)i;
	return -1;
}

unsigned
menu_category_count(const struct menu *m)
{
	return m->nvalues[MF_CATEGORY];
}

const char *
menu_category_at(const struct menu *m, unsigned i)
{
	return i < m->nvalues[MF_CATEGORY] ? m->values[MF_CATEGORY][i] : NULL;
}
