/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The menu engine: state + answer -> next state + screen (menu.h). The
 * screens themselves are built by menu_screen.c.
 */
#include "menu_int.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
mi_show(const struct menu *m, struct menu_state *st, const struct menu_fmt *f,
    const struct mctx *ctx, struct menu_out *out)
{
	unsigned pages;

	(void)mi_render(m, st, f, ctx, out, &pages);
	/* The page shown, not the count of 99s: a uint8_t that wrapped
	 * at 256 would otherwise skip or repeat a page. */
	st->page = (uint8_t)(st->page % pages);
}

/* Remembers where we were, for 00; the oldest step goes when full. */
void
mi_push(struct menu_state *st, int field)
{
	struct menu_back *b;

	if (st->depth == NV_MENU_DEPTH_MAX) {
		memmove(&st->back[0], &st->back[1],
		    sizeof st->back[0] * (NV_MENU_DEPTH_MAX - 1));
		st->depth--;
	}
	b = &st->back[st->depth++];
	b->node = st->node;
	b->page = st->page;
	b->field = field >= 0 ? (uint8_t)field : 0xFF;
	b->old = field >= 0 ? st->field[field] : 0;
}

static int
is_gbv(const struct menu *m, const struct menu_state *st)
{
	const struct mcat *c = mi_cat(m, st->field[MF_CATEGORY]);

	return c != NULL && c->gbv;
}

/* The end node a report of this session is filed on. */
int
mi_filed_node(const struct menu *m, const struct menu_state *st, int opt_filed)
{
	const struct mcat *c = mi_cat(m, st->field[MF_CATEGORY]);

	if (c != NULL && c->filed >= 0)
		return c->filed;
	if (opt_filed >= 0)
		return opt_filed;
	return c != NULL && c->gbv ? m->filed_gbv : m->filed;
}

/*
 * Enters node idx (or what follows it when it has nothing to ask) and
 * renders it. In a direct SMS session, once the category and region
 * are known the report is filed without asking anything else.
 */
static void
go(const struct menu *m, struct menu_state *st, int idx,
    const struct menu_fmt *f, const struct mctx *ctx, struct menu_out *out)
{
	for (unsigned guard = 0; guard <= m->nnode; guard++) {
		const struct mnode *n = &m->node[idx];

		st->node = (uint16_t)idx;
		st->page = 0;
		st->flags &= (uint8_t)~MENU_ST_LIST;
		if (is_gbv(m, st))
			st->flags |= MENU_ST_GBV;
		if (st->field[MF_MODE] == MENU_MODE_DIRECT && st->lang != 0 &&
		    st->field[MF_CATEGORY] != 0) {
			if (st->field[MF_REGION] != 0) {
				st->node = (uint16_t)mi_filed_node(m, st, -1);
				out->kind = MENU_SUBMIT;
				return;
			}
			if (n->type != MN_REGION) {
				idx = m->region;
				continue;
			}
		}
		if ((n->type == MN_CERCLE || n->type == MN_COMMUNE ||
		    n->type == MN_AXIS) && mi_list_count(m, st, n) == 0) {
			idx = n->next;
			continue;
		}
		mi_show(m, st, f, ctx, out);
		return;
	}
	mi_final(m, st, MC_FAILED, f, out);	/* a loop of empty lists */
}

void
mi_go(const struct menu *m, struct menu_state *st, int idx,
    const struct menu_fmt *f, struct menu_out *out)
{
	go(m, st, idx, f, NULL, out);
}

static int
number(const char *s, unsigned *v)
{
	unsigned n = 0;

	if (s[0] < '1' || s[0] > '9' || strlen(s) > 3)
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		n = n * 10 + (unsigned)(*s - '0');
	}
	*v = n;
	return 0;
}

static void
invalid(const struct menu *m, struct menu_state *st,
    const struct menu_fmt *f, enum mcommon why, struct menu_out *out)
{
	const char *p = mi_text(m, &m->common[why], st->lang > 0 ?
	    st->lang - 1u : 0, !f->unicode);
	struct mctx ctx = { .prefix = p };

	mi_show(m, st, f, &ctx, out);
}

static void
choose(const struct menu *m, struct menu_state *st, const struct mnode *n,
    unsigned v, const struct menu_fmt *f, struct menu_out *out)
{
	const struct mopt *o = &n->opts[v - 1];

	if (o->action == MA_EXIT) {
		mi_final(m, st, MC_BYE, f, out);
		return;
	}
	mi_push(st, o->field);
	if (o->field >= 0)
		st->field[o->field] = o->value;
	if (o->action == MA_SUBMIT) {
		st->node = (uint16_t)mi_filed_node(m, st, o->filed);
		out->kind = MENU_SUBMIT;
		return;
	}
	go(m, st, o->next, f, NULL, out);
}

/* An answer to a list screen (regions, cercles, communes, axes). */
static void
pick(const struct menu *m, struct menu_state *st, const struct mnode *n,
    unsigned v, const struct menu_fmt *f, struct menu_out *out)
{
	int field = n->type == MN_REGION ? MF_REGION : n->type == MN_CERCLE ?
	    MF_CERCLE : n->type == MN_COMMUNE ? MF_COMMUNE : MF_AXIS;
	uint16_t val;

	if (mi_list_pick(m, st, n, f, v, &val) != 0) {
		invalid(m, st, f, MC_INVALID, out);
		return;
	}
	if (n->type == MN_REGION && val == 0) {	/* "other region" */
		/* A step of its own: 00 from the list asks the question
		 * again rather than undoing the screen before it. */
		mi_push(st, -1);
		st->flags |= MENU_ST_LIST;
		st->page = 0;
		mi_show(m, st, f, NULL, out);
		return;
	}
	mi_push(st, field);
	st->field[field] = val;
	if (field == MF_REGION)
		st->field[MF_CERCLE] = st->field[MF_COMMUNE] =
		    st->field[MF_AXIS] = 0;
	else if (field == MF_CERCLE)
		st->field[MF_COMMUNE] = 0;
	go(m, st, n->next, f, NULL, out);
}

static void
back(const struct menu *m, struct menu_state *st, const struct menu_fmt *f,
    struct menu_out *out)
{
	const struct menu_back *b;

	if (st->depth == 0) {
		mi_show(m, st, f, NULL, out);
		return;
	}
	b = &st->back[--st->depth];
	if (b->field != 0xFF)
		st->field[b->field] = b->old;
	else if (m->node[b->node].type == MN_LANGUAGE)
		st->lang = (uint8_t)b->old;
	st->node = b->node;
	st->page = b->page;
	st->flags &= (uint8_t)~MENU_ST_LIST;
	/* A region picked from the list goes back to the list: the step
	 * below it is then the same node's "other region". */
	if (b->field == MF_REGION && st->depth > 0 &&
	    st->back[st->depth - 1].node == b->node &&
	    st->back[st->depth - 1].field == 0xFF)
		st->flags |= MENU_ST_LIST;
	if (!is_gbv(m, st))
		st->flags &= (uint8_t)~MENU_ST_GBV;
	mi_show(m, st, f, NULL, out);
}

static void
answer_text(const struct menu *m, struct menu_state *st,
    const struct mnode *n, const char *in, const struct menu_fmt *f,
    struct menu_out *out)
{
	if (!n->required && strcmp(in, "1") == 0) {
		mi_push(st, -1);
		go(m, st, n->next, f, NULL, out);
		return;
	}
	out->keep_text = 1;
	if (n->action == MA_CASE_ADD) {
		st->node = (uint16_t)n->done;
		out->kind = MENU_CASE_ADD;
		return;
	}
	mi_push(st, -1);
	st->flags |= MENU_ST_TEXT;
	go(m, st, n->next, f, NULL, out);
}

/* Trims white space around the answer into buf. */
static const char *
trim(const char *in, char *buf, size_t size)
{
	size_t n;

	while (*in == ' ' || *in == '\t' || *in == '\r' || *in == '\n')
		in++;
	n = strnlen(in, size - 1);
	while (n > 0 && (in[n - 1] == ' ' || in[n - 1] == '\t' ||
	    in[n - 1] == '\r' || in[n - 1] == '\n'))
		n--;
	memcpy(buf, in, n);
	buf[n] = '\0';
	return buf;
}

/*
 * Whether st can be a state of this menu: a session's state comes back
 * from a session slot or a sealed SMS conversation row, which may hold
 * another menu's (a row written before a restart with an edited file),
 * and every index in it is used unchecked below.
 */
static int
state_ok(const struct menu *m, const struct menu_state *st)
{
	if (st->node >= m->nnode || st->lang > m->nlang ||
	    st->depth > NV_MENU_DEPTH_MAX)
		return 0;
	for (unsigned i = 0; i < st->depth; i++) {
		const struct menu_back *b = &st->back[i];

		if (b->node >= m->nnode || (b->field != 0xFF &&
		    b->field >= MF__N) || (b->field == 0xFF &&
		    m->node[b->node].type == MN_LANGUAGE && b->old > m->nlang))
			return 0;
	}
	return 1;
}

void
menu_step(const struct menu *m, struct menu_state *st, const char *input,
    const struct menu_fmt *f, struct menu_out *out)
{
	const struct mnode *n;
	char buf[NV_MENU_TEXT_MAX + 1];
	const char *in = trim(input, buf, sizeof buf);
	unsigned v;

	/* Every field: callers pass the out of their previous step, and a
	 * keep_text or len left from it would be taken for this one's. */
	out->kind = MENU_SCREEN;
	out->text[0] = '\0';
	out->len = 0;
	out->keep_text = 0;
	out->input[0] = '\0';
	if (!state_ok(m, st)) {
		mi_final(m, st, MC_FAILED, f, out);
		return;
	}
	n = &m->node[st->node];
	if (st->steps < 255)
		st->steps++;
	if (strcmp(in, "0") == 0 || n->type == MN_END) {
		mi_final(m, st, MC_BYE, f, out);
		return;
	}
	if (strcmp(in, "00") == 0) {
		back(m, st, f, out);
		return;
	}
	if (strcmp(in, "99") == 0 || strcmp(in, "#") == 0) {
		st->page++;
		mi_show(m, st, f, NULL, out);
		return;
	}
	switch (n->type) {
	case MN_TEXT:
		if (in[0] == '\0')
			break;
		answer_text(m, st, n, in, f, out);
		return;
	case MN_CASE:
		if (in[0] == '\0' || strlen(in) > NV_CC_INPUT_MAX)
			break;
		memcpy(out->input, in, strlen(in) + 1);
		out->kind = MENU_CASE_FIND;
		return;
	default:
		if (number(in, &v) != 0)
			break;
		if (n->type == MN_LANGUAGE && v <= m->nlang) {
			mi_push(st, -1);
			st->back[st->depth - 1].old = st->lang;
			st->lang = (uint8_t)v;
			go(m, st, n->next, f, NULL, out);
			return;
		}
		if (n->type == MN_CHOICE && v <= n->nopts) {
			choose(m, st, n, v, f, out);
			return;
		}
		if (n->type != MN_LANGUAGE && n->type != MN_CHOICE) {
			pick(m, st, n, v, f, out);
			return;
		}
		break;
	}
	invalid(m, st, f, MC_INVALID, out);
}
