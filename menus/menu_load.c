/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reading a menu file (menus/default.yaml; docs/menus.md). The loader
 * refuses what would break a session: a reference to no node, a choice
 * without options, a value the routing cannot file, a GSM-7 rendering
 * that is not GSM-7. What only a translator can fix (a missing text, a
 * screen that is too long) is the lint's (menu_lint.c): a session falls
 * back on the first language and pages long screens.
 */
#include "menu_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fallback.h"
#include "base/text.h"
#include "base/utf8.h"
#include "base/xmalloc.h"
#include "base/yamldoc.h"
#include "routing/fold.h"

struct ld {
	struct menu *m;
	struct ydoc *d;
	const char *path;
	char *cause;
};

static const char *const common_keys[MC__N] = {
	"exit", "back", "more", "yes", "other_region", "dont_know", "skip",
	"invalid", "bye", "busy", "expired", "failed", "locked", "bad_code",
	"unknown_code",
};

static const char *const field_keys[MF__N] = {
	"category", "region", "cercle", "commune", "axis", "weapon", "count",
	"involved", "mode",
};

static const struct {
	const char *name;
	enum mnode_type type;
} node_types[] = {
	{ "language", MN_LANGUAGE }, { "choice", MN_CHOICE },
	{ "region", MN_REGION }, { "cercle", MN_CERCLE },
	{ "commune", MN_COMMUNE }, { "axis", MN_AXIS }, { "text", MN_TEXT },
	{ "case", MN_CASE }, { "end", MN_END },
};

/* Records the first fault only: later ones are usually its echo. */
static int __attribute__((format(printf, 3, 4)))
fail(struct ld *l, ynode n, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (l->cause != NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	l->cause = xasprintf("%s:%u: %s", l->path, ydoc_line(l->d, n), msg);
	return -1;
}

static const char *
scalar(struct ld *l, ynode map, const char *key, int required)
{
	ynode v = ydoc_get(l->d, map, key);
	const char *s;

	if (v == 0) {
		if (required)
			fail(l, map, "missing `%s`", key);
		return NULL;
	}
	if ((s = ydoc_scalar(l->d, v, NULL)) == NULL)
		fail(l, v, "`%s` must be a single value", key);
	return s;
}

static int
lang_index(const struct menu *m, const char *code, size_t len)
{
	for (unsigned i = 0; i < m->nlang; i++)
		if (strlen(m->lang[i]) == len &&
		    memcmp(m->lang[i], code, len) == 0)
			return (int)i;
	return -1;
}

static int
check_string(struct ld *l, ynode n, const char *s, size_t len)
{
	if (len == 0 || len > NV_MENU_STRING_MAX)
		return fail(l, n, "a text must have 1 to %u octets",
		    NV_MENU_STRING_MAX);
	if (!utf8_valid(s, len))
		return fail(l, n, "a text is not valid UTF-8");
	return 0;
}

/* GSM-7 renderings the file leaves out come from the fallback table. */
static void
fill_gsm7(struct menu *m, struct mtext *t)
{
	for (unsigned i = 0; i < m->nlang; i++)
		if (t->s[i] != NULL && t->g[i] == NULL)
			t->g[i] = fb_apply(m->fb, m->lang[i], t->s[i],
			    strlen(t->s[i]), NULL);
}

/* A text: {fr: "...", bm: "...", bm.gsm7: "..."}. */
static int
load_text(struct ld *l, ynode n, struct mtext *t)
{
	t->line = ydoc_line(l->d, n);
	if (ydoc_kind(l->d, n) != Y_MAP)
		return fail(l, n, "a text is a map of languages ({fr: ...})");
	for (size_t i = 0; i < ydoc_count(l->d, n); i++) {
		const char *k = ydoc_scalar(l->d, ydoc_key(l->d, n, i), NULL);
		ynode vn = ydoc_value(l->d, n, i);
		size_t vlen;
		const char *v = ydoc_scalar(l->d, vn, &vlen);
		const char *dot = k != NULL ? strchr(k, '.') : NULL;
		int gsm = dot != NULL && strcmp(dot, ".gsm7") == 0;
		int li = k == NULL ? -1 : lang_index(l->m, k,
		    dot != NULL ? (size_t)(dot - k) : strlen(k));

		if (li < 0 || (dot != NULL && !gsm))
			return fail(l, vn, "`%s` is not a language of the "
			    "file (or LANG.gsm7)", k != NULL ? k : "?");
		if (v == NULL)
			return fail(l, vn, "a text must be a string");
		if (check_string(l, vn, v, vlen) != 0)
			return -1;
		if (gsm && text_units(v, vlen, TEXT_GSM7) < 0)
			return fail(l, vn, "`%s` has letters GSM-7 lacks", k);
		if ((gsm ? t->g[li] : t->s[li]) != NULL)
			return fail(l, vn, "`%s` given twice", k);
		if (gsm)
			t->g[li] = xstrdup(v);
		else
			t->s[li] = xstrdup(v);
	}
	if (t->s[0] == NULL)
		return fail(l, n, "a text needs at least `%s`", l->m->lang[0]);
	for (unsigned i = 0; i < l->m->nlang; i++)
		if (t->g[i] != NULL && t->s[i] == NULL)
			return fail(l, n, "`%s.gsm7` without `%s`",
			    l->m->lang[i], l->m->lang[i]);
	fill_gsm7(l->m, t);
	return 0;
}

static int
load_text_key(struct ld *l, ynode map, const char *key, struct mtext *t,
    int required)
{
	ynode n = ydoc_get(l->d, map, key);

	if (n == 0)
		return required ? fail(l, map, "missing `%s`", key) : 0;
	return load_text(l, n, t);
}

static int
load_languages(struct ld *l, ynode root)
{
	ynode seq = ydoc_get(l->d, root, "languages");
	struct menu *m = l->m;

	if (seq == 0 || ydoc_kind(l->d, seq) != Y_SEQ || ydoc_count(l->d,
	    seq) == 0 || ydoc_count(l->d, seq) > NV_MENU_LANGS_MAX)
		return fail(l, seq ? seq : root, "`languages` must list 1 to "
		    "%u languages", NV_MENU_LANGS_MAX);
	for (size_t i = 0; i < ydoc_count(l->d, seq); i++) {
		ynode it = ydoc_item(l->d, seq, i);
		const char *code = scalar(l, it, "code", 1);
		const char *name = scalar(l, it, "name", 1);
		const char *st = scalar(l, it, "status", 1);

		if (code == NULL || name == NULL || st == NULL)
			return -1;
		if (lang_index(m, code, strlen(code)) >= 0 ||
		    strchr(code, '.') != NULL || strlen(code) > 8)
			return fail(l, it, "language `%s` repeated or "
			    "malformed", code);
		if (check_string(l, it, name, strlen(name)) != 0)
			return -1;
		m->lang[m->nlang] = xstrdup(code);
		m->lang_status[m->nlang] = xstrdup(st);
		m->lang_name.s[m->nlang] = xstrdup(name);
		m->nlang++;
	}
	/* A language's name is shown in its own spelling, its own
	 * GSM-7 rendering. */
	for (unsigned i = 0; i < m->nlang; i++)
		m->lang_name.g[i] = fb_apply(m->fb, m->lang[i],
		    m->lang_name.s[i], strlen(m->lang_name.s[i]), NULL);
	return 0;
}

static int
load_common(struct ld *l, ynode root)
{
	ynode map = ydoc_get(l->d, root, "common");

	if (map == 0)
		return fail(l, root, "missing `common`");
	for (unsigned i = 0; i < MC__N; i++)
		if (load_text_key(l, map, common_keys[i], &l->m->common[i],
		    1) != 0)
			return -1;
	return 0;
}

/* statuses: and referrals: are maps id -> text. */
static int
load_named(struct ld *l, ynode root, const char *key, struct mstatus **out,
    unsigned *n)
{
	ynode map = ydoc_get(l->d, root, key);

	if (map == 0 || ydoc_kind(l->d, map) != Y_MAP)
		return fail(l, map ? map : root, "`%s` must be a map", key);
	*out = xcalloc(ydoc_count(l->d, map), sizeof **out);
	for (size_t i = 0; i < ydoc_count(l->d, map); i++) {
		const char *id = ydoc_scalar(l->d, ydoc_key(l->d, map, i),
		    NULL);

		if (id == NULL)
			return fail(l, map, "`%s`: keys must be names", key);
		(*out)[*n].id = xstrdup(id);
		if (load_text(l, ydoc_value(l->d, map, i), &(*out)[(*n)++].text)
		    != 0)
			return -1;
	}
	return 0;
}

static uint16_t
intern(struct menu *m, int field, const char *v)
{
	for (unsigned i = 0; i < m->nvalues[field]; i++)
		if (strcmp(m->values[field][i], v) == 0)
			return (uint16_t)(i + 1);
	m->values[field] = xreallocarray(m->values[field],
	    m->nvalues[field] + 1, sizeof *m->values[field]);
	m->values[field][m->nvalues[field]++] = xstrdup(v);
	return (uint16_t)m->nvalues[field];
}

/* keywords: {fr: [ARME, ...], bm: [...]}, folded as the SMS will be. */
static int
load_keywords(struct ld *l, ynode map, char *kw[][NV_MENU_KEYWORDS_MAX],
    unsigned *nkw)
{
	if (ydoc_kind(l->d, map) != Y_MAP)
		return fail(l, map, "keywords: a map of languages to lists");
	for (size_t i = 0; i < ydoc_count(l->d, map); i++) {
		const char *k = ydoc_scalar(l->d, ydoc_key(l->d, map, i), NULL);
		ynode seq = ydoc_value(l->d, map, i);
		int li = k != NULL ? lang_index(l->m, k, strlen(k)) : -1;

		/* nkw[li] too: a language may be written twice in the
		 * map, and its words go to the same array. */
		if (li < 0 || ydoc_kind(l->d, seq) != Y_SEQ ||
		    nkw[li] + ydoc_count(l->d, seq) > NV_MENU_KEYWORDS_MAX)
			return fail(l, seq, "keywords: a language of the file "
			    "and a list of at most %u words",
			    NV_MENU_KEYWORDS_MAX);
		for (size_t j = 0; j < ydoc_count(l->d, seq); j++) {
			size_t len;
			const char *w = ydoc_scalar(l->d, ydoc_item(l->d, seq,
			    j), &len);
			char f[64];

			if (w == NULL || len == 0 || len >= sizeof f ||
			    fold_text(w, len, f, sizeof f) == 0 ||
			    strchr(f, ' ') != NULL)
				return fail(l, seq, "a keyword is one word");
			kw[li][nkw[li]++] = xstrdup(f);
		}
	}
	return 0;
}

static int
load_categories(struct ld *l, ynode root)
{
	struct menu *m = l->m;
	ynode seq = ydoc_get(l->d, root, "categories"), kw;

	if (seq == 0 || ydoc_kind(l->d, seq) != Y_SEQ)
		return fail(l, root, "`categories` must be a list");
	m->cat = xcalloc(ydoc_count(l->d, seq) + 1, sizeof *m->cat);
	for (size_t i = 0; i < ydoc_count(l->d, seq); i++) {
		ynode it = ydoc_item(l->d, seq, i);
		const char *id = scalar(l, it, "id", 1);
		const char *p = scalar(l, it, "partial", 0);
		const char *g = scalar(l, it, "gbv", 0);
		struct mcat *c;

		if (id == NULL)
			return -1;
		if (m->nvalues[MF_CATEGORY] != i ||
		    intern(m, MF_CATEGORY, id) != i + 1)
			return fail(l, it, "category `%s` repeated", id);
		c = &m->cat[i];
		c->id = m->values[MF_CATEGORY][i];
		c->partial = p != NULL && strcmp(p, "true") == 0;
		c->gbv = g != NULL && strcmp(g, "true") == 0;
		c->filed = -1;
		if ((p = scalar(l, it, "filed", 0)) != NULL)
			c->filed_id = xstrdup(p);
		if ((kw = ydoc_get(l->d, it, "keywords")) != 0 &&
		    load_keywords(l, kw, c->kw, c->nkw) != 0)
			return -1;
	}
	if ((kw = ydoc_get(l->d, root, "follow_keywords")) != 0 &&
	    load_keywords(l, kw, m->follow_kw, m->nfollow_kw) != 0)
		return -1;
	return 0;
}

static int
node_ref(struct ld *l, ynode map, const char *key, int required)
{
	const char *id = scalar(l, map, key, required);

	if (id == NULL)
		return -1;
	for (unsigned i = 0; i < l->m->nnode; i++)
		if (strcmp(l->m->node[i].id, id) == 0)
			return (int)i;
	fail(l, map, "`%s: %s` names no node", key, id);
	return -1;
}

static enum mact
action(struct ld *l, ynode map)
{
	const char *a = scalar(l, map, "action", 0);

	if (a == NULL)
		return MA_NONE;
	if (strcmp(a, "submit") == 0)
		return MA_SUBMIT;
	if (strcmp(a, "exit") == 0)
		return MA_EXIT;
	if (strcmp(a, "case_add") == 0)
		return MA_CASE_ADD;
	fail(l, map, "unknown action `%s` (submit, exit, case_add)", a);
	return MA_NONE;
}

static int
load_set(struct ld *l, ynode set, struct mopt *o)
{
	const char *k, *v;

	if (ydoc_kind(l->d, set) != Y_MAP || ydoc_count(l->d, set) != 1)
		return fail(l, set, "`set` names one field: {category: ied}");
	k = ydoc_scalar(l->d, ydoc_key(l->d, set, 0), NULL);
	v = ydoc_scalar(l->d, ydoc_value(l->d, set, 0), NULL);
	for (int f = 0; f < MF__N && k != NULL && v != NULL; f++) {
		if (strcmp(field_keys[f], k) != 0)
			continue;
		if (f != MF_CATEGORY && f != MF_WEAPON && f != MF_COUNT &&
		    f != MF_INVOLVED)
			break;
		if (f == MF_CATEGORY) {
			unsigned n = l->m->nvalues[MF_CATEGORY];

			if ((o->value = intern(l->m, f, v)) > n)
				return fail(l, set, "category `%s` is not in "
				    "`categories`", v);
		} else {
			o->value = intern(l->m, f, v);
		}
		o->field = f;
		return 0;
	}
	return fail(l, set, "`set` takes category, weapon, count or "
	    "involved, with a value");
}

static int
load_options(struct ld *l, ynode nmap, struct mnode *n)
{
	ynode seq = ydoc_get(l->d, nmap, "options"), set;

	if (seq == 0)
		return n->type == MN_CHOICE ? fail(l, nmap, "a choice needs "
		    "`options`") : 0;
	if (n->type != MN_CHOICE)
		return fail(l, seq, "only a choice has options");
	if (ydoc_kind(l->d, seq) != Y_SEQ || ydoc_count(l->d, seq) == 0 ||
	    ydoc_count(l->d, seq) > NV_MENU_OPTIONS_MAX)
		return fail(l, seq, "1 to %u options", NV_MENU_OPTIONS_MAX);
	n->nopts = (unsigned)ydoc_count(l->d, seq);
	n->opts = xcalloc(n->nopts, sizeof *n->opts);
	for (unsigned i = 0; i < n->nopts; i++) {
		ynode it = ydoc_item(l->d, seq, i);
		struct mopt *o = &n->opts[i];

		o->field = -1;
		o->next = o->filed = -1;
		if (load_text_key(l, it, "text", &o->text, 1) != 0)
			return -1;
		if ((set = ydoc_get(l->d, it, "set")) != 0 &&
		    load_set(l, set, o) != 0)
			return -1;
		o->action = action(l, it);
		if (o->action == MA_CASE_ADD)
			return fail(l, it, "case_add belongs to a text node");
		if (ydoc_get(l->d, it, "next") != 0)
			o->next = node_ref(l, it, "next", 1);
		if (o->action == MA_SUBMIT)
			o->filed = node_ref(l, it, "filed", 1);
		if (l->cause != NULL)
			return -1;
		if (o->action == MA_NONE && o->next < 0)
			return fail(l, it, "an option needs `next` or `action`");
	}
	return 0;
}

static int
load_node(struct ld *l, ynode nmap, struct mnode *n)
{
	const char *t = scalar(l, nmap, "type", 1), *v;
	unsigned i;

	n->line = ydoc_line(l->d, nmap);
	n->next = n->found = n->done = -1;
	for (i = 0; t != NULL && i < ARRAY_SIZE(node_types); i++)
		if (strcmp(node_types[i].name, t) == 0)
			break;
	if (t == NULL || i == ARRAY_SIZE(node_types))
		return fail(l, nmap, "node `%s`: unknown type `%s`", n->id,
		    t != NULL ? t : "?");
	n->type = node_types[i].type;
	v = scalar(l, nmap, "exit_first", 0);
	n->exit_first = v != NULL && strcmp(v, "true") == 0;
	v = scalar(l, nmap, "required", 0);
	n->required = v != NULL && strcmp(v, "true") == 0;
	if (load_text_key(l, nmap, "text", &n->text, 1) != 0 ||
	    load_text_key(l, nmap, "preset", &n->preset,
	    n->type == MN_REGION) != 0 || load_options(l, nmap, n) != 0)
		return -1;
	n->action = action(l, nmap);
	if (n->action != MA_NONE && (n->type != MN_TEXT ||
	    n->action != MA_CASE_ADD))
		return fail(l, nmap, "only a text node has an action "
		    "(case_add)");
	if (n->type != MN_CHOICE && n->type != MN_END && n->type != MN_CASE &&
	    n->action == MA_NONE)
		n->next = node_ref(l, nmap, "next", 1);
	if (n->type == MN_CASE)
		n->found = node_ref(l, nmap, "found", 1);
	if (n->action == MA_CASE_ADD)
		n->done = node_ref(l, nmap, "done", 1);
	/* "1" skips a text to its `next`, which a case_add has not. */
	if (n->action == MA_CASE_ADD && !n->required)
		return fail(l, nmap, "a case_add text node must be required "
		    "(`required: true`)");
	return l->cause != NULL ? -1 : 0;
}

static int
load_nodes(struct ld *l, ynode root)
{
	ynode map = ydoc_get(l->d, root, "nodes");
	struct menu *m = l->m;

	if (map == 0 || ydoc_kind(l->d, map) != Y_MAP ||
	    ydoc_count(l->d, map) == 0 ||
	    ydoc_count(l->d, map) > NV_MENU_NODES_MAX)
		return fail(l, map ? map : root, "`nodes` must map 1 to %u "
		    "node ids to nodes", NV_MENU_NODES_MAX);
	m->nnode = (unsigned)ydoc_count(l->d, map);
	m->node = xcalloc(m->nnode, sizeof *m->node);
	/* Ids first: a node may name one written after it. */
	for (unsigned i = 0; i < m->nnode; i++) {
		const char *id = ydoc_scalar(l->d, ydoc_key(l->d, map, i),
		    NULL);

		if (id == NULL)
			return fail(l, map, "node ids are names");
		for (unsigned j = 0; j < i; j++)
			if (strcmp(m->node[j].id, id) == 0)
				return fail(l, ydoc_value(l->d, map, i),
				    "node `%s` repeated", id);
		m->node[i].id = xstrdup(id);
	}
	for (unsigned i = 0; i < m->nnode; i++)
		if (load_node(l, ydoc_value(l->d, map, i), &m->node[i]) != 0)
			return -1;
	/* Types are known only now. menu_added shows `done` as the final
	 * screen, and only an end node is one. */
	for (unsigned i = 0; i < m->nnode; i++) {
		if (m->node[i].action == MA_CASE_ADD &&
		    m->node[m->node[i].done].type != MN_END)
			return fail(l, ydoc_value(l->d, map, i), "node `%s`: "
			    "`done` must name an end node", m->node[i].id);
		for (unsigned j = 0; j < m->node[i].nopts; j++)
			if (m->node[i].opts[j].action == MA_SUBMIT &&
			    m->node[m->node[i].opts[j].filed].type != MN_END)
				return fail(l, ydoc_value(l->d, map, i),
				    "node `%s` option %u: `filed` must name "
				    "an end node", m->node[i].id, j + 1);
	}
	return 0;
}

/* Nodes the engine enters by itself, named at the top of the file or by
 * their usual ids. */
static int
root_node(struct ld *l, ynode root, const char *key, const char *dflt,
    enum mnode_type type)
{
	const char *id = scalar(l, root, key, 0);
	int idx = -1;

	if (id == NULL)
		id = dflt;
	for (unsigned i = 0; i < l->m->nnode; i++)
		if (strcmp(l->m->node[i].id, id) == 0)
			idx = (int)i;
	if (idx < 0 || l->m->node[idx].type != type)
		fail(l, root, "`%s`: node `%s` of type %s needed", key, id,
		    node_types[type].name);
	return idx;
}

static int
load_all(struct ld *l)
{
	struct menu *m = l->m;
	ynode root = ydoc_root(l->d);
	const char *name;

	if (ydoc_kind(l->d, root) != Y_MAP)
		return fail(l, root, "the file must be a map");
	if ((name = scalar(l, root, "name", 1)) == NULL)
		return -1;
	m->name = xstrdup(name);
	if (load_languages(l, root) != 0 || load_common(l, root) != 0 ||
	    load_named(l, root, "statuses", &m->status, &m->nstatus) != 0 ||
	    load_named(l, root, "referrals", &m->referral,
	    &m->nreferral) != 0 || load_categories(l, root) != 0 ||
	    load_nodes(l, root) != 0)
		return -1;
	m->start = node_ref(l, root, "start", 1);
	for (unsigned i = 0; i < m->nvalues[MF_CATEGORY]; i++) {
		struct mcat *c = &m->cat[i];

		for (unsigned j = 0; c->filed_id != NULL && j < m->nnode; j++)
			if (strcmp(m->node[j].id, c->filed_id) == 0 &&
			    m->node[j].type == MN_END)
				c->filed = (int)j;
		if (c->filed_id != NULL && c->filed < 0)
			return fail(l, root, "category `%s`: `filed: %s` names "
			    "no end node", c->id, c->filed_id);
	}
	m->home = root_node(l, root, "home", "home", MN_CHOICE);
	m->region = root_node(l, root, "region_node", "region", MN_REGION);
	m->filed = root_node(l, root, "filed", "filed", MN_END);
	m->filed_gbv = root_node(l, root, "filed_gbv", "gbv_filed", MN_END);
	m->case_node = root_node(l, root, "case", "case", MN_CASE);
	return l->cause != NULL ? -1 : 0;
}

struct menu *
menu_load(const char *path, const struct geo *geo, const struct fallback *fb,
    char **cause)
{
	struct ld l = { .path = path };

	l.m = xcalloc(1, sizeof *l.m);
	l.m->refs = 1;
	l.m->geo = geo;
	l.m->fb = fb;
	if ((l.d = ydoc_load(path, cause)) == NULL) {
		menu_unref(l.m);
		return NULL;
	}
	if (load_all(&l) != 0) {
		*cause = l.cause;
		ydoc_free(l.d);
		menu_unref(l.m);
		return NULL;
	}
	ydoc_free(l.d);
	return l.m;
}

struct menu *
menu_ref(struct menu *m)
{
	m->refs++;
	return m;
}

static void
text_free(struct mtext *t)
{
	for (unsigned i = 0; i < NV_MENU_LANGS_MAX; i++) {
		free(t->s[i]);
		free(t->g[i]);
	}
}

static void
named_free(struct mstatus *s, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		free(s[i].id);
		text_free(&s[i].text);
	}
	free(s);
}

void
menu_unref(struct menu *m)
{
	if (m == NULL || --m->refs > 0)
		return;
	for (unsigned i = 0; i < m->nnode; i++) {
		struct mnode *n = &m->node[i];

		for (unsigned j = 0; j < n->nopts; j++)
			text_free(&n->opts[j].text);
		free(n->opts);
		text_free(&n->text);
		text_free(&n->preset);
		free(n->id);
	}
	free(m->node);
	for (unsigned f = 0; f < MF__N; f++) {
		for (unsigned i = 0; i < m->nvalues[f]; i++)
			free(m->values[f][i]);
		free(m->values[f]);
	}
	for (unsigned i = 0; m->cat != NULL && i < NV_MENU_LANGS_MAX; i++)
		for (unsigned c = 0; c < m->nvalues[MF_CATEGORY]; c++)
			for (unsigned k = 0; k < m->cat[c].nkw[i]; k++)
				free(m->cat[c].kw[i][k]);
	for (unsigned c = 0; m->cat != NULL && c < m->nvalues[MF_CATEGORY]; c++)
		free(m->cat[c].filed_id);
	free(m->cat);
	for (unsigned i = 0; i < NV_MENU_LANGS_MAX; i++) {
		for (unsigned k = 0; k < m->nfollow_kw[i]; k++)
			free(m->follow_kw[i][k]);
		free(m->lang[i]);
		free(m->lang_status[i]);
	}
	text_free(&m->lang_name);
	for (unsigned i = 0; i < MC__N; i++)
		text_free(&m->common[i]);
	named_free(m->status, m->nstatus);
	named_free(m->referral, m->nreferral);
	free(m->name);
	free(m);
}
