/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * menus/: the loader's refusals (file:line), every category of the
 * default menu filed by digits only, GBV sessions (exit first, no SMS),
 * a region the number stands for, back, exit, paging and wrapping,
 * invalid answers, GSM-7 screens, text and case nodes, direct SMS
 * sessions, partial reports, SMS keywords, the lint and render-all, and
 * random answers that must never leave the state's bounds or a screen's
 * budget. The real menus/default.yaml is loaded against
 * data/geo/mali-2016.yaml and menus/gsm7-fallback.yaml; small menus are
 * written to temporary files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fallback.h"
#include "base/limits.h"
#include "base/text.h"
#include "base/xmalloc.h"
#include "menus/menu_int.h"
#include "routing/geo.h"

static struct fallback *fb;
static struct geo *geo;
static struct menu *menu;	/* menus/default.yaml */

static const struct menu_fmt U160 = { 1, 160, 80, NULL };
static const struct menu_fmt G160 = { 0, 160, 80, NULL };
static const struct menu_fmt U60 = { 1, 60, 30, NULL };
static const struct menu_fmt G60 = { 0, 60, 30, NULL };
/* An SMS conversation step (the lint's "sms" budget). */
static const struct menu_fmt SMS = { 1, 306, 134, NULL };

static const char *
top(void)
{
	const char *t = getenv("NV_TOP");

	return t != NULL && *t != '\0' ? t : ".";
}

static char *
data_path(const char *rel)
{
	return xasprintf("%s/%s", top(), rel);
}

/* ------------------------------------------------------------------ */
/* Helpers                                                            */

/* Units of a screen where the link shows it; -1 beyond the budget
 * (as menu.c's fits(): GSM-7 when it can, else UCS-2 unless gsm7). */
static int
fits(const char *s, size_t len, const struct menu_fmt *f)
{
	long u = text_units(s, len, TEXT_GSM7);

	if (u >= 0)
		return (unsigned long)u <= f->budget_gsm7;
	if (!f->unicode)
		return 0;
	u = text_units(s, len, TEXT_UCS2);
	return u >= 0 && (unsigned long)u <= f->budget_ucs2;
}

static int
node_index(const struct menu *m, const char *id)
{
	for (unsigned i = 0; i < m->nnode; i++)
		if (strcmp(m->node[i].id, id) == 0)
			return (int)i;
	fail_msg("no node %s", id);
	return -1;
}

static const char *
node_id(const struct menu *m, const struct menu_state *st)
{
	return st->node < m->nnode ? m->node[st->node].id : "?";
}

/* What holds after every call, whatever the answer. budget: the
 * screen must fit f (the default menu fits 160/80 everywhere). */
static void
check_out(const struct menu *m, const struct menu_state *st,
    const struct menu_out *o, const struct menu_fmt *f, int budget)
{
	assert_true(st->node < m->nnode);
	assert_true(st->depth <= NV_MENU_DEPTH_MAX);
	assert_true(st->lang <= m->nlang);
	assert_int_equal(o->len, strlen(o->text));
	if (o->kind == MENU_SCREEN || o->kind == MENU_END)
		assert_true(o->len > 0);
	else
		assert_int_equal(o->len, 0);
	if (o->kind != MENU_SCREEN && o->kind != MENU_END)
		assert_int_equal(m->node[st->node].type,
		    o->kind == MENU_CASE_FIND ? MN_CASE : MN_END);
	if (!f->unicode && text_units(o->text, o->len, TEXT_GSM7) < 0)
		fail_msg("not GSM-7: \"%s\"", o->text);
	if (budget && !fits(o->text, o->len, f))
		fail_msg("over %u/%u at %s: \"%s\"", f->budget_gsm7,
		    f->budget_ucs2, node_id(m, st), o->text);
}

static void
begin(struct menu_state *st, enum menu_mode mode, const char *lang,
    const char *region, const char *cat, const struct menu_fmt *f,
    struct menu_out *o)
{
	menu_begin(menu, st, mode, lang, region, cat, f, o);
	check_out(menu, st, o, f, 1);
}

/* The entries of all pages of the current screen, by number. */
struct entries {
	unsigned n, pages;
	char text[NV_MENU_LIST_MAX + NV_MENU_OPTIONS_MAX + 2][128];
	unsigned seen[NV_MENU_LIST_MAX + NV_MENU_OPTIONS_MAX + 2];
};

static int
is_chrome(const struct menu *m, const char *line)
{
	static const enum mcommon w[] = { MC_EXIT, MC_BACK, MC_MORE };

	for (unsigned i = 0; i < 3; i++)
		for (int g = 0; g <= 1; g++) {
			const char *s = mi_text(m, &m->common[w[i]], 0, g);
			const char *sp = strchr(line, ' ');

			if (sp != NULL && strcmp(sp + 1, s) == 0 &&
			    (sp - line == 1 ? line[0] == '0' : sp - line == 2 &&
			    (strncmp(line, "00", 2) == 0 ||
			    strncmp(line, "99", 2) == 0)))
				return 1;
		}
	return 0;
}

/* Renders every page of st's screen (white box: mi_render), checks
 * each fits, or holds one entry at most when the engine says some page
 * could not fit (a line too long: the lint's), and gathers the "N text"
 * lines. */
static int
all_pages(const struct menu *m, const struct menu_state *st0,
    const struct menu_fmt *f, struct entries *e)
{
	struct menu_state st = *st0;
	struct menu_out *o = xcalloc(1, sizeof *o);
	unsigned pages = 1;
	int rc = 0;

	memset(e, 0, sizeof *e);
	for (unsigned p = 0; p < pages; p++) {
		char *save, *line, *copy;
		unsigned here = 0;
		int r;

		st.page = (uint8_t)p;
		r = mi_render(m, &st, f, NULL, o, &pages);
		assert_true(pages >= 1 && pages <= NV_MENU_LIST_MAX + 13);
		if (r != 0)
			rc = -1;
		if (!f->unicode)
			assert_true(text_units(o->text, o->len,
			    TEXT_GSM7) >= 0);
		copy = xstrdup(o->text);
		for (line = strtok_r(copy, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save)) {
			char *end;
			unsigned long v = strtoul(line, &end, 10);

			if (line[0] < '1' || line[0] > '9' || *end != ' ' ||
			    is_chrome(m, line))
				continue;
			assert_true(v >= 1 && v < ARRAY_SIZE(e->text));
			e->seen[v]++;
			here++;
			snprintf(e->text[v], sizeof e->text[v], "%s", end + 1);
			if (v > e->n)
				e->n = (unsigned)v;
		}
		free(copy);
		if (!fits(o->text, o->len, f) && (r == 0 || here > 1))
			fail_msg("page %u of %s over budget (%u entries, "
			    "engine %d): \"%s\"", p + 1, node_id(m, &st),
			    here, r, o->text);
	}
	e->pages = pages;
	free(o);
	return rc;
}

/* The number of an entry of st's screen by its text (any page). */
static const char *
number_of(const struct menu_state *st, const struct menu_fmt *f,
    const char *label)
{
	static char buf[8];
	struct entries *e = xcalloc(1, sizeof *e);

	all_pages(menu, st, f, e);
	for (unsigned i = 1; i <= e->n; i++)
		if (strcmp(e->text[i], label) == 0) {
			snprintf(buf, sizeof buf, "%u", i);
			free(e);
			return buf;
		}
	fail_msg("no \"%s\" at %s", label, node_id(menu, st));
	free(e);
	return NULL;
}

/* One answer; "@label" answers the number of that entry. */
static void
answer(struct menu_state *st, const char *in, const struct menu_fmt *f,
    struct menu_out *o)
{
	if (in[0] == '@')
		in = number_of(st, f, in + 1);
	menu_step(menu, st, in, f, o);
	check_out(menu, st, o, f, 1);
}

static void
answers(struct menu_state *st, const char *const *in,
    const struct menu_fmt *f, struct menu_out *o)
{
	for (; *in != NULL; in++) {
		assert_int_equal(o->kind, MENU_SCREEN);
		answer(st, *in, f, o);
	}
}

static int
first_line_is_exit(const char *text)
{
	return strncmp(text, "0 Quitter\n", 10) == 0;
}

static void
str_eq_or_null(const char *got, const char *want)
{
	if (want == NULL)
		assert_null(got);
	else {
		assert_non_null(got);
		assert_string_equal(got, want);
	}
}

/* ------------------------------------------------------------------ */
/* Small menus in temporary files                                     */

/* A complete small menu: two languages, short words, every node type. */
static const char mini_yaml[] =
    "name: mini\n"
    "start: lang\n"
    "languages:\n"
    "  - {code: fr, name: \"Fran\xc3\xa7" "ais\", status: draft}\n"
    "  - {code: bm, name: \"Bamanankan\", status: draft}\n"
    "common:\n"
    "  exit: {fr: \"Q\", bm: \"Q\"}\n"
    "  back: {fr: \"R\", bm: \"R\"}\n"
    "  more: {fr: \"S\", bm: \"S\"}\n"
    "  yes: {fr: \"Oui\", bm: \"Aw\xc3\xb2\"}\n"
    "  other_region: {fr: \"Autre\", bm: \"W\xc9\x9br\xc9\x9b\"}\n"
    "  dont_know: {fr: \"?\", bm: \"?\"}\n"
    "  skip: {fr: \"Passer\", bm: \"Passer\"}\n"
    "  invalid: {fr: \"Non valable.\", bm: \"Ayi.\"}\n"
    "  bye: {fr: \"Au revoir.\", bm: \"K'an b\xc9\x9bn.\"}\n"
    "  busy: {fr: \"Occupe.\", bm: \"Occupe.\"}\n"
    "  expired: {fr: \"Delai.\", bm: \"Delai.\"}\n"
    "  failed: {fr: \"Erreur.\", bm: \"Erreur.\"}\n"
    "  locked: {fr: \"Bloque.\", bm: \"Bloque.\"}\n"
    "  bad_code: {fr: \"Code faux.\", bm: \"Code faux.\"}\n"
    "  unknown_code: {fr: \"Inconnu.\", bm: \"Inconnu.\"}\n"
    "statuses:\n"
    "  default: {fr: \"recu\", bm: \"recu\"}\n"
    "referrals:\n"
    "  default: {fr: \"Aide 80333\", bm: \"Aide 80333\"}\n"
    "categories:\n"
    "  - {id: ied, partial: true, keywords: {fr: [EEI], bm: [BOMBE]}}\n"
    "  - {id: gbv, gbv: true, keywords: {fr: [VBG]}}\n"
    "follow_keywords: {fr: [SUIVI]}\n"
    "nodes:\n"
    "  lang: {type: language, text: {fr: \"Langue:\", bm: \"Kan:\"}, "
    "next: home}\n"
    "  home:\n"
    "    type: choice\n"
    "    text: {fr: \"Quoi?\", bm: \"Mun?\"}\n"
    "    options:\n"
    "      - {text: {fr: \"Bombe\", bm: \"B\xc9\x94mbu\"}, "
    "set: {category: ied}, next: region}\n"
    "      - {text: {fr: \"VBG\", bm: \"VBG\"}, set: {category: gbv}, "
    "next: region}\n"
    "      - {text: {fr: \"Suivi\", bm: \"Suivi\"}, next: case}\n"
    "  region: {type: region, text: {fr: \"Region?\", bm: \"Mara?\"}, "
    "preset: {fr: \"{region}?\", bm: \"{region}?\"}, next: cercle}\n"
    "  cercle: {type: cercle, text: {fr: \"Cercle?\", bm: \"Cercle?\"}, "
    "next: commune}\n"
    "  commune: {type: commune, text: {fr: \"Commune?\", "
    "bm: \"Commune?\"}, next: details}\n"
    "  details: {type: text, text: {fr: \"Details?\", bm: \"Details?\"}, "
    "next: confirm}\n"
    "  confirm:\n"
    "    type: choice\n"
    "    text: {fr: \"Envoyer?\", bm: \"Ci?\"}\n"
    "    options:\n"
    "      - {text: {fr: \"Oui\", bm: \"Aw\xc3\xb2\"}, action: submit, "
    "filed: filed}\n"
    "      - {text: {fr: \"Non\", bm: \"Ayi\"}, action: exit}\n"
    "  filed: {type: end, text: {fr: \"Code {code}\", "
    "bm: \"Code {code}\"}}\n"
    "  gbv_filed: {type: end, text: {fr: \"{code} {referral}\", "
    "bm: \"{code} {referral}\"}}\n"
    "  case: {type: case, text: {fr: \"Code?\", bm: \"Code?\"}, "
    "found: case_status}\n"
    "  case_status:\n"
    "    type: choice\n"
    "    text: {fr: \"{status} {question}\", bm: \"{status} {question}\"}\n"
    "    options:\n"
    "      - {text: {fr: \"Ajouter\", bm: \"Ajouter\"}, next: case_text}\n"
    "  case_text: {type: text, required: true, text: {fr: \"Texte?\", "
    "bm: \"Texte?\"}, action: case_add, done: case_added}\n"
    "  case_added: {type: end, text: {fr: \"Ajoute.\", bm: \"Ajoute.\"}}\n";

/* s with the first `from` replaced by `to` (which must be there). */
static char *
with(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);

	if (p == NULL)
		fail_msg("\"%s\" is not in the menu", from);
	return xasprintf("%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
}

/* 1-based line of the first `needle` in s. */
static unsigned
line_of(const char *s, const char *needle)
{
	const char *p = strstr(s, needle);
	unsigned line = 1;

	if (p == NULL)
		fail_msg("\"%s\" is not in the menu", needle);
	for (const char *q = s; q < p; q++)
		line += *q == '\n';
	return line;
}

static char *
write_temp(const char *yaml)
{
	char *path = xstrdup("/tmp/nv-menu-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, yaml, strlen(yaml)), (ssize_t)strlen(yaml));
	close(fd);
	return path;
}

static struct menu *
load_yaml(const char *yaml, char **cause, char **path_out)
{
	char *path = write_temp(yaml);
	struct menu *m;

	*cause = NULL;
	m = menu_load(path, geo, fb, cause);
	unlink(path);
	if (path_out != NULL)
		*path_out = path;
	else
		free(path);
	return m;
}

/* Loads yaml (freed) and expects a refusal naming path:line and want. */
static void
bad_menu(char *yaml, unsigned line, const char *want)
{
	char *path, *cause, *where;
	struct menu *m = load_yaml(yaml, &cause, &path);

	if (m != NULL)
		fail_msg("accepted; wanted \"%s\"", want);
	assert_non_null(cause);
	where = xasprintf("%s:%u: ", path, line);
	if (strstr(cause, where) == NULL || strstr(cause, want) == NULL)
		fail_msg("message \"%s\" lacks \"%s\" or \"%s\"", cause, where,
		    want);
	free(where);
	free(cause);
	free(path);
	free(yaml);
}

static void
print_count(void *arg, const char *line)
{
	(void)line;
	(*(unsigned *)arg)++;
}

/* Collects printed lines into one string (for the lint's findings). */
struct printed {
	char *s;
	unsigned lines;
};

static void
print_keep(void *arg, const char *line)
{
	struct printed *p = arg;
	char *n = xasprintf("%s%s\n", p->s != NULL ? p->s : "", line);

	free(p->s);
	p->s = n;
	p->lines++;
}

/* ------------------------------------------------------------------ */
/* Loading                                                            */

static void
test_load_default(void **state)
{
	(void)state;
	assert_string_equal(menu_name(menu), "default");
	assert_int_equal(menu_lang_count(menu), 5);
	assert_string_equal(menu_lang_code(menu, 0), "fr");
	assert_string_equal(menu_lang_code(menu, 4), "taq");
	assert_null(menu_lang_code(menu, 5));
	assert_string_equal(menu_lang_status(menu, 0), "draft");
	assert_int_equal(menu_lang_find(menu, "fr"), 0);
	assert_int_equal(menu_lang_find(menu, "bm"), 1);
	assert_int_equal(menu_lang_find(menu, "dyu"), -1);
	assert_int_equal(menu_category_count(menu), 9);
	assert_string_equal(menu_category_at(menu, 0), "arms_seen");
	assert_string_equal(menu_category_at(menu, 8), "intercommunity");
	assert_null(menu_category_at(menu, 9));
	/* A reload keeps the old menu alive for its sessions. */
	assert_ptr_equal(menu_ref(menu), menu);
	menu_unref(menu);
	assert_string_equal(menu_name(menu), "default");
}

static void
test_load_mini(void **state)
{
	char *cause;
	struct menu *m = load_yaml(mini_yaml, &cause, NULL);

	(void)state;
	if (m == NULL)
		fail_msg("%s", cause);
	assert_int_equal(menu_lang_count(m), 2);
	assert_int_equal(menu_lang_find(m, "bm"), 1);
	/* bm.gsm7 made from the fallback table: ɛ -> è. */
	assert_string_equal(mi_text(m, &m->common[MC_OTHER_REGION], 1, 1),
	    "W\xc3\xa8r\xc3\xa8");
	menu_unref(m);
}

static void
test_load_refusals(void **state)
{
	const char *y = mini_yaml;
	char *s, *cause;

	(void)state;
	/* A reference to no node. */
	s = with(y, "next: case}", "next: nowhere}");
	bad_menu(s, line_of(s, "nowhere"), "`next: nowhere` names no node");
	s = with(y, "found: case_status}", "found: gone}");
	bad_menu(s, line_of(s, "gone}"), "`found: gone` names no node");
	s = with(y, "start: lang", "start: nope");
	bad_menu(s, 1, "`start: nope` names no node");
	/* A choice without options, or with none listed. */
	s = with(y, "  case_added:", "  bare: {type: choice, text: {fr: \"X\"}}"
	    "\n  case_added:");
	bad_menu(s, line_of(s, "bare:"), "a choice needs `options`");
	s = with(y, "  case_added:", "  bare: {type: choice, text: {fr: \"X\"}, "
	    "options: []}\n  case_added:");
	bad_menu(s, line_of(s, "options: []"), "1 to 12 options");
	/* An option that leads nowhere. */
	s = with(y, "{text: {fr: \"Suivi\", bm: \"Suivi\"}, next: case}",
	    "{text: {fr: \"Suivi\", bm: \"Suivi\"}}");
	bad_menu(s, line_of(s, "\"Suivi\"}}"),
	    "an option needs `next` or `action`");
	/* `set` of a category `categories` does not list. */
	s = with(y, "set: {category: gbv}", "set: {category: theft}");
	bad_menu(s, line_of(s, "theft"), "category `theft` is not in "
	    "`categories`");
	s = with(y, "set: {category: gbv}", "set: {region: gao}");
	bad_menu(s, line_of(s, "{region: gao}"), "`set` takes category");
	/* A GSM-7 rendering that is not GSM-7 (ɛ). */
	s = with(y, "bm: \"Mara?\"}", "bm: \"Mara?\", bm.gsm7: \"M\xc9\x9b?\"}");
	bad_menu(s, line_of(s, "bm.gsm7"), "`bm.gsm7` has letters GSM-7 "
	    "lacks");
	s = with(y, "bm: \"Mara?\"}", "bm.gsm7: \"Mara?\"}");
	bad_menu(s, line_of(s, "bm.gsm7"), "`bm.gsm7` without `bm`");
	/* A node id twice. */
	s = with(y, "  case_added:", "  details: {type: end, text: {fr: \"X\"}}"
	    "\n  case_added:");
	bad_menu(s, line_of(s, "details: {type: end"), "node `details` "
	    "repeated");
	/* A submit filed on a node that is not an end node. */
	s = with(y, "filed: filed}", "filed: home}");
	bad_menu(s, line_of(s, "  confirm:") + 1, "node `confirm` option 1: "
	    "`filed` must name an end node");
	s = with(y, "  - {id: ied, partial: true,",
	    "  - {id: ied, filed: home, partial: true,");
	bad_menu(s, 1, "category `ied`: `filed: home` names no end node");
	/* A language the file does not list. */
	s = with(y, "text: {fr: \"Quoi?\", bm: \"Mun?\"}",
	    "text: {fr: \"Quoi?\", ff: \"Ko?\"}");
	bad_menu(s, line_of(s, "Ko?"), "`ff` is not a language of the file");
	s = with(y, "text: {fr: \"Quoi?\", bm: \"Mun?\"}",
	    "text: {fr: \"Quoi?\", bm.utf8: \"Mun?\"}");
	bad_menu(s, line_of(s, "bm.utf8"), "`bm.utf8` is not a language");
	s = with(y, "text: {fr: \"Quoi?\", bm: \"Mun?\"}",
	    "text: {bm: \"Mun?\"}");
	bad_menu(s, line_of(s, "{bm: \"Mun?\"}"), "a text needs at least "
	    "`fr`");
	/* And a few more of what would break a session. */
	s = with(y, "type: choice\n    text: {fr: \"Quoi?\"",
	    "type: menu\n    text: {fr: \"Quoi?\"");
	bad_menu(s, line_of(s, "type: menu"), "node `home`: unknown type "
	    "`menu`");
	s = with(y, "action: exit}", "action: explode}");
	bad_menu(s, line_of(s, "explode"), "unknown action `explode`");
	s = with(y, "action: case_add, done: case_added}",
	    "action: case_add, done: home}");
	bad_menu(s, line_of(s, "done: home"), "`done` must name an end node");
	s = with(y, "required: true, text: {fr: \"Texte?\"",
	    "text: {fr: \"Texte?\"");
	bad_menu(s, line_of(s, "case_text:") , "case_add text node must be "
	    "required");
	s = with(y, "  region: {type: region, text: {fr: \"Region?\", "
	    "bm: \"Mara?\"}, preset: {fr: \"{region}?\", bm: \"{region}?\"},",
	    "  region: {type: region, text: {fr: \"Region?\", "
	    "bm: \"Mara?\"},");
	bad_menu(s, line_of(s, "  region:"), "missing `preset`");
	s = with(y, "keywords: {fr: [EEI], bm: [BOMBE]}",
	    "keywords: {fr: [A, B, C, D, E, F, G, H, I], "
	    "fr: [J, K, L, M, N, O, P, Q, R]}");
	bad_menu(s, line_of(s, "[J, K"), "at most 16 words");
	s = with(y, "keywords: {fr: [EEI]", "keywords: {fr: [\"deux mots\"]");
	bad_menu(s, line_of(s, "deux mots"), "a keyword is one word");
	s = with(y, "  case: {type: case,", "  case: {type: text,");
	bad_menu(s, line_of(s, "  case: {type: text"), "missing `next`");
	s = with(y, "  gbv_filed:", "  gbv_done:");
	bad_menu(s, 1, "`filed_gbv`: node `gbv_filed` of type end needed");
	s = with(y, "  - {code: bm,", "  - {code: fr,");
	bad_menu(s, line_of(s, "  - {code: fr, name: \"Bam"),
	    "language `fr` repeated");
	s = with(y, "  unknown_code: {fr: \"Inconnu.\", bm: \"Inconnu.\"}\n",
	    "");
	bad_menu(s, line_of(s, "  exit:"), "missing `unknown_code`");
	/* Not YAML at all, and no file. */
	bad_menu(xstrdup("nodes: [\n"), 2, "");
	assert_null(menu_load("/nonexistent/menu.yaml", geo, fb, &cause));
	assert_non_null(strstr(cause, "/nonexistent/menu.yaml"));
	free(cause);
}

/* ------------------------------------------------------------------ */
/* Every category by digits only                                       */

struct path_case {
	const char *cat;
	const char *in[16];	/* answers after the language; "@" labels */
	const char *region, *cercle, *commune, *axis;
	const char *weapon, *count, *involved;
};

static const struct path_case paths[] = {
	{ "arms_seen", { "1", "2", "3", "1", "@Gao", "@Ansongo", "1", "1",
	    "1", NULL }, "gao", "gao.ansongo", NULL, NULL, "war", "6-20",
	    "armed_group" },
	{ "ied", { "2", "1", "@Gao", "@Gao-Kidal", "@Bourem", "1", "1", "1",
	    NULL }, "gao", "gao.bourem", NULL, "axis.gao-kidal", NULL, NULL,
	    NULL },
	{ "attack", { "3", "1", "@Mopti", "2", "@Je ne sais pas", "1", "1",
	    NULL }, "mopti", NULL, NULL, NULL, NULL, NULL,
	    "security_forces" },
	{ "gbv", { "4", "1", "@Kidal", "1", NULL }, "kidal", NULL, NULL,
	    NULL, NULL, NULL, NULL },
	{ "arms_cache", { "5", "1", "5", "5", "4", "@Bamako", "1", "1", "1",
	    NULL }, "bamako", NULL, NULL, NULL, "unknown", "unknown",
	    "unknown" },
	{ "trafficking", { "5", "2", "1", "4", "3", "@Kayes", "@Kayes", "1",
	    "1", NULL }, "kayes", "kayes.kayes", NULL, NULL,
	    "artisanal", "21+", "civilians" },
	{ "manufacture", { "5", "3", "3", "1", "2", "@Sikasso", "1", "1",
	    "1", NULL }, "sikasso", NULL, NULL, NULL, "blade", "1",
	    "security_forces" },
	{ "extremism", { "6", "1", "1", "@Tombouctou", "1", "1", "1", NULL },
	    "tombouctou", NULL, NULL, NULL, NULL, NULL, "armed_group" },
	{ "intercommunity", { "6", "2", "3", "@S\xc3\xa9gou", "1", "1", "1",
	    NULL }, "segou", NULL, NULL, NULL, NULL, NULL, "civilians" },
};

static void
run_path(const struct path_case *c, const struct menu_fmt *f)
{
	struct menu_state st;
	struct menu_out o;
	struct menu_report r;

	begin(&st, MENU_MODE_USSD, NULL, NULL, NULL, f, &o);
	assert_string_equal(node_id(menu, &st), "lang");
	answer(&st, "1", f, &o);
	assert_string_equal(node_id(menu, &st), "home");
	assert_int_equal(st.lang, 1);
	for (unsigned i = 0; c->in[i] != NULL; i++) {
		if (o.kind != MENU_SCREEN)
			fail_msg("%s: answer %u: kind %d", c->cat, i, o.kind);
		if (strcmp(c->cat, "gbv") == 0 && i > 0 &&
		    !first_line_is_exit(o.text))
			fail_msg("GBV screen without the exit first: \"%s\"",
			    o.text);
		answer(&st, c->in[i], f, &o);
	}
	if (o.kind != MENU_SUBMIT)
		fail_msg("%s: ended on %s, kind %d: \"%s\"", c->cat,
		    node_id(menu, &st), o.kind, o.text);
	menu_report(menu, &st, &r);
	assert_string_equal(r.category, c->cat);
	str_eq_or_null(r.region, c->region);
	str_eq_or_null(r.cercle, c->cercle);
	str_eq_or_null(r.commune, c->commune);
	str_eq_or_null(r.axis, c->axis);
	str_eq_or_null(r.weapon, c->weapon);
	str_eq_or_null(r.count, c->count);
	str_eq_or_null(r.involved, c->involved);
	assert_string_equal(r.lang, "fr");
	assert_int_equal(r.gbv, strcmp(c->cat, "gbv") == 0);
	assert_int_equal(r.sms_ack, strcmp(c->cat, "gbv") != 0);
	menu_filed(menu, &st, "123456789", f, &o);
	check_out(menu, &st, &o, f, 1);
	assert_int_equal(o.kind, MENU_END);
	assert_non_null(strstr(o.text, "123456789"));
	if (r.gbv)	/* the referral contacts come with the code */
		assert_non_null(strstr(o.text, "Police VBG 80333"));
	/* The dialogue is over: any answer now says goodbye. */
	answer(&st, "1", f, &o);
	assert_int_equal(o.kind, MENU_END);
}

static void
test_paths(void **state)
{
	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(paths); i++) {
		run_path(&paths[i], &U160);
		run_path(&paths[i], &G160);
		run_path(&paths[i], &SMS);
	}
	/* Every category of the menu has its path above. */
	for (unsigned c = 0; c < menu_category_count(menu); c++) {
		unsigned i;

		for (i = 0; i < ARRAY_SIZE(paths); i++)
			if (strcmp(paths[i].cat, menu_category_at(menu, c)) == 0)
				break;
		assert_true(i < ARRAY_SIZE(paths));
	}
}

/* A report that could not be filed: the screen says so, still final. */
static void
test_filed_failed(void **state)
{
	struct menu_state st;
	struct menu_out o;
	static const char *const in[] = { "2", "1", "@Gao", "1", "1", "1",
	    "1", NULL };

	(void)state;
	begin(&st, MENU_MODE_USSD, "fr", NULL, NULL, &U160, &o);
	answers(&st, in, &U160, &o);
	assert_int_equal(o.kind, MENU_SUBMIT);
	menu_filed(menu, &st, NULL, &U160, &o);
	check_out(menu, &st, &o, &U160, 1);
	assert_int_equal(o.kind, MENU_END);
	assert_string_equal(o.text, "Erreur technique: rien n'a \xc3\xa9t\xc3\xa9 "
	    "enregistr\xc3\xa9. R\xc3\xa9" "essayez.");
}

static void
test_gbv(void **state)
{
	struct menu_state st, s2;
	struct menu_out o;
	struct menu_report r;

	(void)state;
	begin(&st, MENU_MODE_USSD, "fr", "gao", NULL, &U160, &o);
	answer(&st, "4", &U160, &o);
	assert_string_equal(node_id(menu, &st), "gbv_intro");
	assert_true(st.flags & MENU_ST_GBV);
	assert_true(first_line_is_exit(o.text));
	/* Invalid answers, pages and back keep the exit first. */
	answer(&st, "9", &U160, &o);
	assert_true(first_line_is_exit(o.text));
	assert_non_null(strstr(o.text, "\nChoix non valable.\n"));
	answer(&st, "1", &U160, &o);
	assert_string_equal(node_id(menu, &st), "gbv_region");
	assert_true(first_line_is_exit(o.text));
	assert_non_null(strstr(o.text, "R\xc3\xa9gion de Gao?\n1 Oui\n"));
	answer(&st, "2", &U160, &o);	/* the list */
	for (unsigned i = 0; i < 3; i++) {
		assert_true(first_line_is_exit(o.text));
		answer(&st, "99", &U160, &o);
	}
	answer(&st, "xyz", &U160, &o);
	assert_true(first_line_is_exit(o.text));
	answer(&st, "@Kidal", &U160, &o);
	assert_string_equal(node_id(menu, &st), "gbv_confirm");
	assert_true(first_line_is_exit(o.text));
	assert_int_equal(menu_keep_partial(menu, &st), 0);
	menu_report(menu, &st, &r);
	assert_string_equal(r.category, "gbv");
	assert_string_equal(r.region, "kidal");
	assert_int_equal(r.gbv, 1);
	assert_int_equal(r.sms_ack, 0);
	assert_int_equal(r.keep_partial, 0);
	/* The help contacts: a final screen, the referral. */
	s2 = st;
	answer(&s2, "00", &U160, &o);	/* the list */
	assert_true(s2.flags & MENU_ST_LIST);
	assert_true(first_line_is_exit(o.text));
	answer(&s2, "00", &U160, &o);	/* the question */
	assert_false(s2.flags & MENU_ST_LIST);
	assert_true(first_line_is_exit(o.text));
	answer(&s2, "00", &U160, &o);
	assert_string_equal(node_id(menu, &s2), "gbv_intro");
	answer(&s2, "2", &U160, &o);
	assert_int_equal(o.kind, MENU_END);
	assert_string_equal(o.text, "Police VBG 80333 ou 80001132 (gratuit). "
	    "Centre de sant\xc3\xa9 le plus proche.");
	/* Back to the home screen: no longer a GBV session. */
	s2 = st;
	for (unsigned i = 0; i < 5; i++)
		answer(&s2, "00", &U160, &o);
	assert_string_equal(node_id(menu, &s2), "home");
	assert_false(s2.flags & MENU_ST_GBV);
	assert_false(first_line_is_exit(o.text));
	/* Cancel. */
	s2 = st;
	answer(&s2, "2", &U160, &o);
	assert_int_equal(o.kind, MENU_END);
	assert_string_equal(o.text, "Merci. Au revoir.");
	answer(&st, "1", &U160, &o);
	assert_int_equal(o.kind, MENU_SUBMIT);
	assert_string_equal(node_id(menu, &st), "gbv_filed");
}

/* ------------------------------------------------------------------ */
/* A region the number dialled stands for                             */

static void
test_region_preset(void **state)
{
	struct menu_state st, s2;
	struct menu_out o;
	struct menu_report r;
	static const char *const to_region[] = { "1", "1", "1", "1", NULL };
	int cercle = node_index(menu, "cercle");
	struct geo_place p;

	(void)state;
	begin(&st, MENU_MODE_USSD, "fr", "gao", NULL, &U160, &o);
	assert_string_equal(node_id(menu, &st), "home");
	answers(&st, to_region, &U160, &o);
	assert_string_equal(node_id(menu, &st), "region");
	assert_string_equal(o.text, "R\xc3\xa9gion de Gao?\n1 Oui\n"
	    "2 Autre r\xc3\xa9gion\n00 Retour\n0 Quitter");
	/* 1: Gao it is. */
	s2 = st;
	answer(&s2, "1", &U160, &o);
	assert_string_equal(node_id(menu, &s2), "cercle");
	assert_non_null(strstr(o.text, "\n2 Ansongo\n"));
	menu_report(menu, &s2, &r);
	assert_string_equal(r.region, "gao");
	/* An answer beyond "Other region" is not valid. */
	s2 = st;
	answer(&s2, "3", &U160, &o);
	assert_true(strncmp(o.text, "Choix non valable.\nR\xc3\xa9gion de Gao?",
	    29) == 0);
	/* 2: the list. */
	answer(&st, "2", &U160, &o);
	assert_string_equal(node_id(menu, &st), "region");
	assert_true(st.flags & MENU_ST_LIST);
	assert_true(strncmp(o.text, "Dans quelle r\xc3\xa9gion?\n1 Kayes\n",
	    29) == 0);
	assert_non_null(strstr(o.text, "\n7 Gao\n"));
	/* 00 from the list: the question again. */
	s2 = st;
	answer(&s2, "00", &U160, &o);
	assert_string_equal(node_id(menu, &s2), "region");
	assert_false(s2.flags & MENU_ST_LIST);
	assert_non_null(strstr(o.text, "R\xc3\xa9gion de Gao?\n1 Oui\n"));
	/* Another region: cercle and commune said for Gao are cleared
	 * (set by hand: no path of the default menu asks them first). */
	assert_int_equal(geo_find_id(geo, "gao.ansongo", &p), 0);
	for (unsigned i = 0; geo_at(geo, GEO_CERCLE, i, &p) == 0; i++)
		if (strcmp(p.id, "gao.ansongo") == 0)
			st.field[MF_CERCLE] = (uint16_t)(i + 1);
	st.field[MF_COMMUNE] = 1;
	st.field[MF_AXIS] = 1;
	answer(&st, "@Mopti", &U160, &o);
	assert_int_equal(st.node, cercle);
	menu_report(menu, &st, &r);
	assert_string_equal(r.region, "mopti");
	assert_null(r.cercle);
	assert_null(r.commune);
	assert_null(r.axis);
	assert_non_null(strstr(o.text, "\n2 Bandiagara\n"));
	/* 00 from the cercles: the list again, Gao back. */
	answer(&st, "00", &U160, &o);
	assert_string_equal(node_id(menu, &st), "region");
	assert_true(st.flags & MENU_ST_LIST);
	assert_non_null(strstr(o.text, "Dans quelle r\xc3\xa9gion?"));
	menu_report(menu, &st, &r);
	assert_string_equal(r.region, "gao");
	answer(&st, "00", &U160, &o);
	assert_non_null(strstr(o.text, "R\xc3\xa9gion de Gao?\n1 Oui\n"));
	answer(&st, "00", &U160, &o);
	assert_string_equal(node_id(menu, &st), "involved");
	/* An unknown region id is no region. */
	begin(&st, MENU_MODE_USSD, "fr", "atlantis", NULL, &U160, &o);
	assert_int_equal(st.field[MF_REGION], 0);
}

/* ------------------------------------------------------------------ */
/* Back, exit, pages, invalid answers                                 */

static void
test_back(void **state)
{
	struct menu_state st;
	struct menu_out o, o0;
	struct menu_report r;
	char home[NV_MENU_SCREEN_MAX];

	(void)state;
	begin(&st, MENU_MODE_USSD, NULL, NULL, NULL, &U160, &o0);
	/* 00 at depth 0 shows the same screen again. */
	answer(&st, "00", &U160, &o);
	assert_int_equal(st.depth, 0);
	assert_string_equal(o.text, o0.text);
	assert_null(strstr(o.text, "00 Retour"));
	/* 00 after the language: no language, its screen. */
	answer(&st, "1", &U160, &o);
	assert_int_equal(st.lang, 1);
	memcpy(home, o.text, sizeof home);
	answer(&st, "00", &U160, &o);
	assert_int_equal(st.lang, 0);
	assert_string_equal(node_id(menu, &st), "lang");
	assert_string_equal(o.text, o0.text);
	answer(&st, "1", &U160, &o);
	assert_string_equal(o.text, home);
	/* A category, 00, another: the report has the second. */
	answer(&st, "1", &U160, &o);
	menu_report(menu, &st, &r);
	assert_string_equal(r.category, "arms_seen");
	answer(&st, "00", &U160, &o);
	assert_string_equal(node_id(menu, &st), "home");
	assert_string_equal(o.text, home);
	menu_report(menu, &st, &r);
	assert_null(r.category);
	answer(&st, "3", &U160, &o);
	menu_report(menu, &st, &r);
	assert_string_equal(r.category, "attack");
	/* Each 00 undoes one field. */
	answer(&st, "1", &U160, &o);
	answer(&st, "@Gao", &U160, &o);
	answer(&st, "2", &U160, &o);
	menu_report(menu, &st, &r);
	assert_string_equal(r.involved, "security_forces");
	answer(&st, "00", &U160, &o);
	menu_report(menu, &st, &r);
	assert_null(r.involved);
	assert_string_equal(r.region, "gao");
	answer(&st, "00", &U160, &o);
	menu_report(menu, &st, &r);
	assert_null(r.region);
	assert_string_equal(node_id(menu, &st), "attack_region");
	/* A page is restored too: home from its second page. */
	begin(&st, MENU_MODE_USSD, "fr", NULL, NULL, &U160, &o);
	answer(&st, "99", &U160, &o);
	assert_int_equal(st.page, 1);
	memcpy(home, o.text, sizeof home);
	answer(&st, "3", &U160, &o);
	assert_int_equal(st.page, 0);
	answer(&st, "00", &U160, &o);
	assert_int_equal(st.page, 1);
	assert_string_equal(o.text, home);
}

/* More answers than NV_MENU_DEPTH_MAX: the oldest steps are forgotten. */
static void
test_back_deep(void **state)
{
	struct menu_state st;
	struct menu_out o;

	(void)state;
	begin(&st, MENU_MODE_USSD, NULL, NULL, NULL, &U160, &o);
	answer(&st, "1", &U160, &o);
	for (unsigned i = 0; i < 2 * NV_MENU_DEPTH_MAX; i++) {
		answer(&st, "7", &U160, &o);	/* info */
		answer(&st, "00", &U160, &o);
		answer(&st, "5", &U160, &o);	/* arms_more */
		answer(&st, "00", &U160, &o);
		answer(&st, "8", &U160, &o);	/* case */
		answer(&st, "00", &U160, &o);
	}
	assert_int_equal(st.depth, 1);
	/* The language screen is not forgotten by the detours above; a
	 * long path is: 00 stops at the oldest step kept. */
	for (unsigned i = 0; i < NV_MENU_DEPTH_MAX + 4; i++) {
		answer(&st, "6", &U160, &o);	/* other_more */
		assert_string_equal(node_id(menu, &st), "other_more");
		answer(&st, "00", &U160, &o);
		answer(&st, "99", &U160, &o);	/* push nothing */
	}
	assert_true(st.depth <= NV_MENU_DEPTH_MAX);
}

/* 0 ends the dialogue on every kind of screen. */
static void
exit_here(const struct menu_state *st0, const char *want_node,
    enum mnode_type want_type)
{
	struct menu_state st = *st0;
	struct menu_out o;

	assert_string_equal(node_id(menu, &st), want_node);
	assert_int_equal(menu->node[st.node].type, want_type);
	answer(&st, "0", &U160, &o);
	assert_int_equal(o.kind, MENU_END);
	assert_string_equal(o.text, "Merci. Au revoir.");
	/* With white space around it too. */
	st = *st0;
	answer(&st, " 0\r\n", &U160, &o);
	assert_int_equal(o.kind, MENU_END);
}

static void
test_exit(void **state)
{
	struct menu_state st, s2;
	struct menu_out o;
	static const char *const to_ied[] = { "2", "1", NULL };
	static const char *const to_region[] = { "1", "1", "1", "1", NULL };

	(void)state;
	begin(&st, MENU_MODE_USSD, NULL, NULL, NULL, &U160, &o);
	exit_here(&st, "lang", MN_LANGUAGE);
	answer(&st, "1", &U160, &o);
	exit_here(&st, "home", MN_CHOICE);
	s2 = st;
	answer(&s2, "8", &U160, &o);
	exit_here(&s2, "case", MN_CASE);
	answers(&st, to_ied, &U160, &o);
	exit_here(&st, "ied_region", MN_REGION);
	answer(&st, "@Gao", &U160, &o);
	exit_here(&st, "ied_axis", MN_AXIS);
	answer(&st, "1", &U160, &o);
	exit_here(&st, "cercle", MN_CERCLE);
	answer(&st, "@Ansongo", &U160, &o);
	exit_here(&st, "commune", MN_COMMUNE);
	answer(&st, "1", &U160, &o);
	exit_here(&st, "details", MN_TEXT);
	answer(&st, "1", &U160, &o);
	exit_here(&st, "confirm", MN_CHOICE);
	/* "Annuler" is an exit too. */
	answer(&st, "2", &U160, &o);
	assert_int_equal(o.kind, MENU_END);
	assert_string_equal(o.text, "Merci. Au revoir.");
	/* The region question and its list. */
	begin(&st, MENU_MODE_USSD, "fr", "gao", NULL, &U160, &o);
	answers(&st, to_region, &U160, &o);
	exit_here(&st, "region", MN_REGION);
	answer(&st, "2", &U160, &o);
	assert_true(st.flags & MENU_ST_LIST);
	exit_here(&st, "region", MN_REGION);
}

/* 99 and # show the next page and wrap; numbers work from any page. */
static void
test_pages(void **state)
{
	struct menu_state st, s2;
	struct menu_out o;
	char first[NV_MENU_SCREEN_MAX], seen[8][NV_MENU_SCREEN_MAX];
	unsigned pages;

	(void)state;
	begin(&st, MENU_MODE_USSD, "fr", NULL, NULL, &G160, &o);
	assert_string_equal(node_id(menu, &st), "home");
	memcpy(first, o.text, sizeof first);
	assert_non_null(strstr(o.text, "\n99 Suite\n"));
	/* Home at 160 septets: three pages, then the first again. */
	for (pages = 1; pages < 8; pages++) {
		memcpy(seen[pages - 1], o.text, sizeof seen[0]);
		answer(&st, pages % 2 ? "99" : "#", &G160, &o);
		if (strcmp(o.text, first) == 0)
			break;
		assert_string_not_equal(o.text, seen[pages - 1]);
	}
	assert_int_equal(pages, 3);
	assert_null(strstr(seen[2], "99 Suite"));
	assert_non_null(strstr(seen[2], "8 Suivre un signalement"));
	/* Paging is not a step: nothing to go back to. */
	assert_int_equal(st.depth, 0);
	/* 8 is on the third page; answered from the first. */
	s2 = st;
	answer(&s2, "8", &G160, &o);
	assert_string_equal(node_id(menu, &s2), "case");
	/* ... and 1 from the third. */
	s2 = st;
	answer(&s2, "99", &G160, &o);
	answer(&s2, "99", &G160, &o);
	assert_string_equal(o.text, seen[2]);
	answer(&s2, "1", &G160, &o);
	assert_string_equal(node_id(menu, &s2), "weapon");
	/* The page keeps cycling however often 99 is pressed. */
	s2 = st;
	for (unsigned i = 1; i <= 700; i++) {
		answer(&s2, "99", &G160, &o);
		if (strcmp(o.text, seen[i % 3]) != 0)
			fail_msg("99 pressed %u times: page %u expected, got "
			    "\"%s\"", i, i % 3 + 1, o.text);
	}
	/* An invalid answer keeps the page. */
	answer(&st, "99", &G160, &o);
	answer(&st, "42", &G160, &o);
	assert_true(strncmp(o.text, "Choix non valable.\n3 ", 21) == 0);
}

static void
test_invalid(void **state)
{
	struct menu_state st, s2;
	struct menu_out o, home;
	static const char *const bad[] = { "", "   ", "9", "10", "0000",
	    "01", "-1", "1a", "abc", "1 2", "999", "12345", "\xff\xfe", "*",
	    "+1" };

	(void)state;
	begin(&st, MENU_MODE_USSD, "fr", NULL, NULL, &U160, &home);
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		s2 = st;
		answer(&s2, bad[i], &U160, &o);
		assert_int_equal(o.kind, MENU_SCREEN);
		assert_int_equal(s2.node, st.node);
		assert_int_equal(s2.depth, st.depth);
		if (strncmp(o.text, "Choix non valable.\n", 19) != 0 ||
		    strcmp(o.text + 19, home.text) != 0)
			fail_msg("answer \"%s\": \"%s\"", bad[i], o.text);
	}
	/* White space around a valid answer is fine. */
	s2 = st;
	answer(&s2, " \t2 \r\n", &U160, &o);
	assert_string_equal(node_id(menu, &s2), "ied_safety");
	/* The language screen: only its languages. */
	begin(&st, MENU_MODE_USSD, NULL, NULL, NULL, &U160, &o);
	answer(&st, "6", &U160, &o);
	assert_string_equal(node_id(menu, &st), "lang");
	assert_true(strncmp(o.text, "Choix non valable.\nNumero vert", 30) == 0);
	assert_int_equal(st.lang, 0);
	/* A list: beyond its end. */
	begin(&st, MENU_MODE_USSD, "fr", NULL, NULL, &U160, &o);
	answer(&st, "2", &U160, &o);
	answer(&st, "1", &U160, &o);
	answer(&st, "12", &U160, &o);
	/* The IED region screen shows the session's code first ({code}:
	 * none reserved here). */
	assert_true(strncmp(o.text, "Choix non valable.\nVotre code: . Dans "
	    "quelle", 44) == 0);
	/* Bamako has no axis: that list is skipped, and 00 comes back to
	 * the regions. */
	answer(&st, "11", &U160, &o);
	assert_string_equal(node_id(menu, &st), "cercle");
	assert_non_null(strstr(o.text, "\n2 Commune I\n"));
	answer(&st, "00", &U160, &o);
	assert_string_equal(node_id(menu, &st), "ied_region");
}

/* ------------------------------------------------------------------ */
/* Paging: every page fits, every entry once                          */

/* Checks one screen's pages in fmt f; returns the engine's verdict. */
static int
check_screen(const struct menu *m, const struct menu_state *st,
    const struct menu_fmt *f, const char *const *want, unsigned nwant)
{
	struct entries *e = xcalloc(1, sizeof *e);
	int rc = all_pages(m, st, f, e);

	if (want != NULL) {
		if (e->n != nwant)
			fail_msg("%s: %u entries, %u expected", node_id(m, st),
			    e->n, nwant);
		for (unsigned i = 1; i <= nwant; i++) {
			const char *w = want[i - 1];
			char *g = f->unicode ? NULL : fb_apply(fb, "fr", w,
			    strlen(w), NULL);

			if (e->seen[i] != 1 || strcmp(e->text[i], g != NULL ?
			    g : w) != 0)
				fail_msg("%s: entry %u \"%s\" seen %u times as "
				    "\"%s\"", node_id(m, st), i, w, e->seen[i],
				    e->text[i]);
			free(g);
		}
	}
	free(e);
	return rc;
}

/* Every list and choice screen of m for every region and cercle;
 * returns how many screens the engine could not fit. */
static unsigned
check_lists(const struct menu *m, const struct menu_fmt *f)
{
	const char *want[NV_MENU_LIST_MAX + 1];
	const char *dk = mi_text(m, &m->common[MC_DONT_KNOW], 0, 0);
	unsigned nreg = geo_region_count(geo), bad = 0;
	struct geo_place p, rp;
	struct geo_axis a;
	struct menu_state st;

	for (unsigned i = 0; i < m->nnode; i++) {
		const struct mnode *n = &m->node[i];
		unsigned k = 0;

		memset(&st, 0, sizeof st);
		st.lang = 1;
		st.node = (uint16_t)i;
		st.depth = 1;
		switch (n->type) {
		case MN_CHOICE:
			for (unsigned j = 0; j < n->nopts; j++)
				want[k++] = mi_text(m, &n->opts[j].text, 0, 0);
			bad += check_screen(m, &st, f, want, k) != 0;
			break;
		case MN_REGION:
			for (unsigned r = 0; geo_region_at(geo, r, &p) == 0; r++)
				want[k++] = p.name;
			bad += check_screen(m, &st, f, want, k) != 0;
			st.flags = MENU_ST_LIST;
			st.field[MF_REGION] = 1;
			bad += check_screen(m, &st, f, want, k) != 0;
			break;
		case MN_CERCLE:
		case MN_AXIS:
			for (unsigned r = 0; r < nreg; r++) {
				assert_int_equal(geo_region_at(geo, r, &rp), 0);
				st.field[MF_REGION] = (uint16_t)(r + 1);
				k = 0;
				want[k++] = dk;
				for (unsigned c = 0; n->type == MN_CERCLE &&
				    geo_at(geo, GEO_CERCLE, c, &p) == 0; c++)
					if (strcmp(p.region, rp.id) == 0)
						want[k++] = geo_display_name(
						    geo, p.id, "fr");
				for (unsigned x = 0; n->type == MN_AXIS &&
				    geo_axis_at(geo, x, &a) == 0; x++)
					for (unsigned y = 0; y < a.nregions; y++)
						if (strcmp(a.regions[y],
						    rp.id) == 0)
							want[k++] = a.name;
				/* "Don't know" alone: the node is skipped. */
				if (k == 1)
					k = 0;
				assert_int_equal(mi_list_count(m, &st, n), k);
				bad += check_screen(m, &st, f, want, k) != 0;
			}
			break;
		case MN_COMMUNE:
			for (unsigned c = 0; geo_at(geo, GEO_CERCLE, c, &p) == 0;
			    c++) {
				struct geo_place q;
				unsigned r;

				for (r = 0; geo_region_at(geo, r, &rp) == 0 &&
				    strcmp(rp.id, p.region) != 0; r++)
					;
				st.field[MF_REGION] = (uint16_t)(r + 1);
				st.field[MF_CERCLE] = (uint16_t)(c + 1);
				k = 0;
				want[k++] = dk;
				for (unsigned x = 0; geo_at(geo, GEO_COMMUNE, x,
				    &q) == 0; x++)
					if (q.cercle != NULL &&
					    strcmp(q.cercle, p.id) == 0)
						want[k++] = geo_display_name(
						    geo, q.id, "fr");
				if (k == 1)
					k = 0;
				assert_int_equal(mi_list_count(m, &st, n), k);
				bad += check_screen(m, &st, f, want, k) != 0;
			}
			break;
		default:
			bad += check_screen(m, &st, f, NULL, 0) != 0;
			break;
		}
	}
	return bad;
}

static void
test_paging(void **state)
{
	static const struct menu_fmt *const big[] = { &U160, &G160, &SMS };
	static const struct menu_fmt *const small[] = { &U60, &G60 };
	char *cause;
	struct menu *mini = load_yaml(mini_yaml, &cause, NULL);

	(void)state;
	assert_non_null(mini);
	/* The default menu fits 160/80 everywhere... */
	for (unsigned i = 0; i < ARRAY_SIZE(big); i++)
		assert_int_equal(check_lists(menu, big[i]), 0);
	/* ... not 60/30 (its safety advice alone is longer): every page
	 * the engine says fits does, the others are the lint's, and
	 * every entry is still shown once. */
	for (unsigned i = 0; i < ARRAY_SIZE(small); i++)
		assert_true(check_lists(menu, small[i]) > 0);
	/* Short words fit 60 septets with the real geography: lists of
	 * up to 12 entries in pages of a few. */
	assert_int_equal(check_lists(mini, &G60), 0);
	menu_unref(mini);
}

/* ------------------------------------------------------------------ */
/* GSM-7                                                              */

static void
test_gsm7(void **state)
{
	struct menu_state st;
	struct menu_out o;
	struct menu_case c = { MENU_CASE_FOUND, "in_progress",
	    "O\xc3\xb9 \xc3\xaates-vous? \xc9\x9b" };
	/* The question in UCS-2 must leave room for the rest. */
	struct menu_case cu = { MENU_CASE_FOUND, "closed", "O\xc3\xb9? "
	    "\xc9\x9b" };
	struct geo_place p;
	static const char *const to_region[] = { "1", "1", "1", "1", NULL };

	(void)state;
	/* Every region's name in its question, and its cercles. */
	for (unsigned r = 0; geo_region_at(geo, r, &p) == 0; r++) {
		begin(&st, MENU_MODE_USSD, "fr", p.id, NULL, &G160, &o);
		answers(&st, to_region, &G160, &o);
		assert_string_equal(node_id(menu, &st), "region");
		assert_non_null(strstr(o.text, "R\xc3\xa9gion de "));
		answer(&st, "1", &G160, &o);
	}
	/* Taoudéni's cercles include Boû-Djébéha (û is not GSM-7). */
	begin(&st, MENU_MODE_USSD, "fr", "taoudeni", NULL, &G160, &o);
	answers(&st, to_region, &G160, &o);
	answer(&st, "1", &G160, &o);
	assert_string_equal(node_id(menu, &st), "cercle");
	assert_non_null(strstr(o.text, "Bou-Dj\xc3\xa9" "b\xc3\xa9ha"));
	/* The language's own name (ç) and a non-GSM-7 question. */
	begin(&st, MENU_MODE_USSD, NULL, NULL, NULL, &G160, &o);
	assert_non_null(strstr(o.text, "1 Francais"));
	answer(&st, "1", &G160, &o);
	answer(&st, "8", &G160, &o);
	answer(&st, "123456789", &G160, &o);
	assert_int_equal(o.kind, MENU_CASE_FIND);
	menu_case(menu, &st, &c, &G160, &o);
	check_out(menu, &st, &o, &G160, 1);
	assert_non_null(strstr(o.text, "O\xc3\xb9 etes-vous? \xc3\xa8"));
	/* ... and in unicode, the question as written. */
	begin(&st, MENU_MODE_USSD, "fr", NULL, NULL, &U160, &o);
	answer(&st, "8", &U160, &o);
	answer(&st, "123456789", &U160, &o);
	menu_case(menu, &st, &cu, &U160, &o);
	check_out(menu, &st, &o, &U160, 1);
	assert_non_null(strstr(o.text, cu.question));
	/* "dépôt" is shown "dépot" in GSM-7. */
	begin(&st, MENU_MODE_USSD, "fr", NULL, NULL, &G160, &o);
	answer(&st, "5", &G160, &o);
	assert_non_null(strstr(o.text, "1 Cache ou d\xc3\xa9pot d'armes"));
	/* Final sentences. */
	menu_notice(menu, &st, "busy", &G160, &o);
	check_out(menu, &st, &o, &G160, 1);
	assert_int_equal(o.kind, MENU_END);
	assert_string_equal(o.text, "Service occup\xc3\xa9. Rappelez dans "
	    "quelques minutes.");
	menu_notice(menu, &st, "expired", &G160, &o);
	check_out(menu, &st, &o, &G160, 1);
	assert_true(strncmp(o.text, "D\xc3\xa9lai d\xc3\xa9pass\xc3\xa9.",
	    16) == 0);
}

/* ------------------------------------------------------------------ */
/* Text and case nodes                                                */

static void
test_text_node(void **state)
{
	struct menu_state st, s2;
	struct menu_out o;
	static const char *const to_details[] = { "2", "1", "@Gao", "1", "1",
	    NULL };

	(void)state;
	begin(&st, MENU_MODE_USSD, "fr", NULL, NULL, &U160, &o);
	answers(&st, to_details, &U160, &o);
	assert_string_equal(node_id(menu, &st), "details");
	assert_non_null(strstr(o.text, "\n1 Passer\n"));
	/* 1 skips: nothing kept. */
	s2 = st;
	answer(&s2, "1", &U160, &o);
	assert_string_equal(node_id(menu, &s2), "confirm");
	assert_int_equal(o.keep_text, 0);
	assert_false(s2.flags & MENU_ST_TEXT);
	/* Anything else is the narrative. */
	s2 = st;
	answer(&s2, "Deux hommes arm\xc3\xa9s sur la route, 1 moto", &U160,
	    &o);
	assert_string_equal(node_id(menu, &s2), "confirm");
	assert_int_equal(o.keep_text, 1);
	assert_true(s2.flags & MENU_ST_TEXT);
	/* The next answer, in the same menu_out, is not text to keep. */
	answer(&s2, "1", &U160, &o);
	assert_int_equal(o.kind, MENU_SUBMIT);
	assert_int_equal(o.keep_text, 0);
	assert_int_equal(o.len, 0);
	assert_string_equal(o.text, "");
	/* "2", "99" and "00" at a text screen. */
	s2 = st;
	answer(&s2, "2", &U160, &o);
	assert_int_equal(o.keep_text, 1);
	s2 = st;
	answer(&s2, "00", &U160, &o);
	assert_int_equal(o.keep_text, 0);
	assert_string_equal(node_id(menu, &s2), "cercle");	/* no commune */
	/* Empty: invalid, nothing kept. */
	s2 = st;
	answer(&s2, "  ", &U160, &o);
	assert_int_equal(o.keep_text, 0);
	assert_string_equal(node_id(menu, &s2), "details");
	assert_true(strncmp(o.text, "Choix non valable.\n", 19) == 0);
}

static void
to_case(struct menu_state *st, struct menu_out *o)
{
	begin(st, MENU_MODE_USSD, "fr", NULL, NULL, &U160, o);
	answer(st, "8", &U160, o);
	assert_string_equal(node_id(menu, st), "case");
	answer(st, " 123 456 789 ", &U160, o);
	assert_int_equal(o->kind, MENU_CASE_FIND);
	assert_string_equal(o->input, "123 456 789");
}

static void
test_case_node(void **state)
{
	struct menu_state st, s2;
	struct menu_out o;
	struct menu_case c = { MENU_CASE_FOUND, "closed",
	    "Avez-vous vu le camion?" };
	char long_in[NV_CC_INPUT_MAX + 2];

	(void)state;
	to_case(&st, &o);
	/* Found: its status and the operator's question. */
	s2 = st;
	menu_case(menu, &s2, &c, &U160, &o);
	check_out(menu, &s2, &o, &U160, 1);
	assert_int_equal(o.kind, MENU_SCREEN);
	assert_string_equal(node_id(menu, &s2), "case_status");
	assert_true(strncmp(o.text, "Dossier trait\xc3\xa9 et clos. Avez-vous "
	    "vu le camion?\n1 R\xc3\xa9pondre ou ajouter\n", 62) == 0);
	/* An unknown status reads as the default one; no question. */
	c.status = "archived";
	c.question = NULL;
	s2 = st;
	menu_case(menu, &s2, &c, &U160, &o);
	assert_true(strncmp(o.text, "Dossier re\xc3\xa7u.\n", 15) == 0);
	/* Not a code, a typo: the case screen again, saying so. */
	for (int r = MENU_CASE_NOT_A_CODE; r <= MENU_CASE_BAD_CHECK; r++) {
		s2 = st;
		c.result = (enum menu_case_result)r;
		menu_case(menu, &s2, &c, &U160, &o);
		check_out(menu, &s2, &o, &U160, 1);
		assert_int_equal(o.kind, MENU_SCREEN);
		assert_string_equal(node_id(menu, &s2), "case");
		assert_true(strncmp(o.text, "Ce code n'est pas valable. "
		    "V\xc3\xa9rifiez et retapez.\nTapez votre code", 62) == 0);
		answer(&s2, "987654321", &U160, &o);
		assert_int_equal(o.kind, MENU_CASE_FIND);
	}
	s2 = st;
	c.result = MENU_CASE_UNKNOWN;
	menu_case(menu, &s2, &c, &U160, &o);
	check_out(menu, &s2, &o, &U160, 1);
	assert_int_equal(o.kind, MENU_SCREEN);
	assert_true(strncmp(o.text, "Aucun dossier avec ce code.\nTapez", 33) ==
	    0);
	s2 = st;
	c.result = MENU_CASE_LOCKED;
	menu_case(menu, &s2, &c, &U160, &o);
	check_out(menu, &s2, &o, &U160, 1);
	assert_int_equal(o.kind, MENU_END);
	assert_string_equal(o.text, "Trop de codes faux aujourd'hui. "
	    "R\xc3\xa9" "essayez demain.");
	s2 = st;
	c.result = MENU_CASE_FAILED;
	menu_case(menu, &s2, &c, &U160, &o);
	check_out(menu, &s2, &o, &U160, 1);
	assert_int_equal(o.kind, MENU_END);
	assert_true(strncmp(o.text, "Erreur technique", 16) == 0);
	/* Found, then 1, then a text: add it. */
	c = (struct menu_case){ MENU_CASE_FOUND, "verified", NULL };
	menu_case(menu, &st, &c, &U160, &o);
	s2 = st;
	answer(&s2, "00", &U160, &o);
	assert_string_equal(node_id(menu, &s2), "case");
	answer(&st, "1", &U160, &o);
	assert_string_equal(node_id(menu, &st), "case_text");
	assert_null(strstr(o.text, "Passer"));
	s2 = st;
	answer(&s2, "1", &U160, &o);	/* required: "1" is the text */
	assert_int_equal(o.kind, MENU_CASE_ADD);
	answer(&st, "Le camion est reparti vers Gao.", &U160, &o);
	assert_int_equal(o.kind, MENU_CASE_ADD);
	assert_int_equal(o.keep_text, 1);
	s2 = st;
	menu_added(menu, &s2, 1, &U160, &o);
	check_out(menu, &s2, &o, &U160, 1);
	assert_int_equal(o.kind, MENU_END);
	assert_int_equal(o.keep_text, 0);
	assert_string_equal(o.text, "Merci, c'est ajout\xc3\xa9 au dossier.");
	s2 = st;
	menu_added(menu, &s2, 0, &U160, &o);
	check_out(menu, &s2, &o, &U160, 1);
	assert_int_equal(o.kind, MENU_END);
	assert_true(strncmp(o.text, "Erreur technique", 16) == 0);
	/* Too long for a code, or empty: asked again. */
	to_case(&st, &o);
	memset(long_in, '1', sizeof long_in - 1);
	long_in[sizeof long_in - 1] = '\0';
	s2 = st;
	menu_begin_case(menu, &s2, MENU_MODE_SMS, NULL, &U160, &o);
	check_out(menu, &s2, &o, &U160, 1);
	assert_string_equal(node_id(menu, &s2), "case");
	assert_int_equal(s2.lang, 1);
	answer(&s2, long_in, &U160, &o);
	assert_int_equal(o.kind, MENU_SCREEN);
	assert_true(strncmp(o.text, "Choix non valable.\n", 19) == 0);
	answer(&s2, "", &U160, &o);
	assert_int_equal(o.kind, MENU_SCREEN);
	long_in[NV_CC_INPUT_MAX] = '\0';
	answer(&s2, long_in, &U160, &o);
	assert_int_equal(o.kind, MENU_CASE_FIND);
	assert_string_equal(o.input, long_in);
}

/* ------------------------------------------------------------------ */
/* Direct SMS sessions, partial reports                               */

static void
test_direct(void **state)
{
	struct menu_state st;
	struct menu_out o;
	struct menu_report r;

	(void)state;
	/* A category: only the region is asked. */
	begin(&st, MENU_MODE_DIRECT, "fr", NULL, "ied", &U160, &o);
	assert_int_equal(o.kind, MENU_SCREEN);
	assert_int_equal(menu->node[st.node].type, MN_REGION);
	assert_non_null(strstr(o.text, "Dans quelle r\xc3\xa9gion?\n1 Kayes"));
	answer(&st, "@Gao", &U160, &o);
	assert_int_equal(o.kind, MENU_SUBMIT);
	menu_report(menu, &st, &r);
	assert_string_equal(r.category, "ied");
	assert_string_equal(r.region, "gao");
	assert_null(r.cercle);
	menu_filed(menu, &st, "111111111", &U160, &o);
	check_out(menu, &st, &o, &U160, 1);
	assert_int_equal(o.kind, MENU_END);
	/* An IED's final screen: its code and the safety advice. */
	assert_non_null(strstr(o.text, "Code: 111111111. N'approchez pas"));
	/* Category and region: filed at once. */
	begin(&st, MENU_MODE_DIRECT, "fr", "mopti", "attack", &U160, &o);
	assert_int_equal(o.kind, MENU_SUBMIT);
	menu_report(menu, &st, &r);
	assert_string_equal(r.category, "attack");
	assert_string_equal(r.region, "mopti");
	/* GBV: its own final screen, exit first on the region list. */
	begin(&st, MENU_MODE_DIRECT, "fr", NULL, "gbv", &U160, &o);
	assert_true(first_line_is_exit(o.text));
	answer(&st, "@Kidal", &U160, &o);
	assert_int_equal(o.kind, MENU_SUBMIT);
	assert_string_equal(node_id(menu, &st), "gbv_filed");
	menu_filed(menu, &st, "222222222", &U160, &o);
	assert_non_null(strstr(o.text, "Code: 222222222. Police VBG"));
	/* No category (or one the menu does not have): the home screen;
	 * choosing one asks the region, then files. */
	begin(&st, MENU_MODE_DIRECT, "fr", NULL, NULL, &U160, &o);
	assert_string_equal(node_id(menu, &st), "home");
	begin(&st, MENU_MODE_DIRECT, "fr", NULL, "theft", &U160, &o);
	assert_string_equal(node_id(menu, &st), "home");
	answer(&st, "5", &U160, &o);	/* no category yet */
	assert_string_equal(node_id(menu, &st), "arms_more");
	answer(&st, "2", &U160, &o);
	assert_int_equal(menu->node[st.node].type, MN_REGION);
	/* 00 undoes the category: home's sub-screen again. */
	answer(&st, "00", &U160, &o);
	assert_string_equal(node_id(menu, &st), "arms_more");
	answer(&st, "3", &U160, &o);
	answer(&st, "@Kayes", &U160, &o);
	assert_int_equal(o.kind, MENU_SUBMIT);
	menu_report(menu, &st, &r);
	assert_string_equal(r.category, "manufacture");
	assert_string_equal(r.region, "kayes");
	assert_null(r.weapon);
	/* No language yet: it is asked first. */
	begin(&st, MENU_MODE_DIRECT, NULL, "gao", "ied", &U160, &o);
	assert_string_equal(node_id(menu, &st), "lang");
	answer(&st, "1", &U160, &o);
	assert_int_equal(o.kind, MENU_SUBMIT);
	/* An unknown language is no language. */
	begin(&st, MENU_MODE_SMS, "xx", NULL, NULL, &U160, &o);
	assert_string_equal(node_id(menu, &st), "lang");
}

static void
test_keep_partial(void **state)
{
	struct menu_state st;
	struct menu_out o;
	struct menu_report r;

	(void)state;
	begin(&st, MENU_MODE_USSD, "fr", "gao", NULL, &U160, &o);
	assert_int_equal(menu_keep_partial(menu, &st), 0);
	answer(&st, "2", &U160, &o);	/* ied */
	assert_int_equal(menu_keep_partial(menu, &st), 1);
	menu_report(menu, &st, &r);
	assert_int_equal(r.keep_partial, 1);
	answer(&st, "00", &U160, &o);
	answer(&st, "3", &U160, &o);	/* attack */
	assert_int_equal(menu_keep_partial(menu, &st), 1);
	answer(&st, "00", &U160, &o);
	answer(&st, "4", &U160, &o);	/* gbv */
	assert_int_equal(menu_keep_partial(menu, &st), 0);
	answer(&st, "00", &U160, &o);
	answer(&st, "1", &U160, &o);	/* arms_seen */
	assert_int_equal(menu_keep_partial(menu, &st), 0);
	/* No region: nothing to route a partial report to, until one is
	 * chosen. */
	begin(&st, MENU_MODE_USSD, "fr", NULL, NULL, &U160, &o);
	answer(&st, "2", &U160, &o);
	assert_int_equal(menu_keep_partial(menu, &st), 0);
	menu_report(menu, &st, &r);
	assert_int_equal(r.keep_partial, 0);
	answer(&st, "1", &U160, &o);
	answer(&st, "@Gao", &U160, &o);
	assert_int_equal(menu_keep_partial(menu, &st), 1);
	menu_report(menu, &st, &r);
	assert_int_equal(r.keep_partial, 1);
}

/* ------------------------------------------------------------------ */
/* SMS keywords                                                       */

static void
parse(const char *text, struct menu_sms *s)
{
	menu_sms_parse(menu, text, strlen(text), s);
}

static void
test_sms_parse(void **state)
{
	struct menu_sms s;
	static const char suivi[] = "SUIVI 123456789";

	(void)state;
	parse("ARME Ansongo deux hommes arm\xc3\xa9s au march\xc3\xa9", &s);
	assert_string_equal(s.category, "arms_seen");
	assert_string_equal(s.lang, "fr");
	assert_int_equal(s.follow, 0);
	parse("armes", &s);
	assert_string_equal(s.category, "arms_seen");
	parse("j'ai vu une bombe pr\xc3\xa8s du pont", &s);
	assert_string_equal(s.category, "ied");
	parse("ATTAQU\xc3\x89 ce matin", &s);	/* "ATTAQUÉ" folds to attaque */
	assert_string_equal(s.category, "attack");
	parse("  Viol.", &s);
	assert_string_equal(s.category, "gbv");
	parse("Extr\xc3\xa9misme", &s);
	assert_string_equal(s.category, "extremism");
	/* Whole words only. */
	parse("armement", &s);
	assert_null(s.category);
	parse("desarmes", &s);
	assert_null(s.category);
	parse(suivi, &s);
	assert_int_equal(s.follow, 1);
	assert_string_equal(s.lang, "fr");
	assert_null(s.category);
	assert_ptr_equal(s.rest, suivi + 5);
	assert_string_equal(s.rest, " 123456789");
	parse("  suivi   123456789", &s);
	assert_int_equal(s.follow, 1);
	assert_string_equal(s.rest, "   123456789");
	/* The code right after punctuation. */
	parse("SUIVI:123456789", &s);
	assert_int_equal(s.follow, 1);
	assert_string_equal(s.rest, ":123456789");
	parse("Code-123456789", &s);
	assert_int_equal(s.follow, 1);
	assert_string_equal(s.rest, "-123456789");
	parse("SUIVI", &s);
	assert_int_equal(s.follow, 1);
	assert_string_equal(s.rest, "");
	/* Only as the first word. */
	parse("mon code 123456789", &s);
	assert_int_equal(s.follow, 0);
	parse("suivie 123", &s);
	assert_int_equal(s.follow, 0);
	parse("Bonjour, il y a des hommes au march\xc3\xa9", &s);
	assert_null(s.category);
	assert_null(s.lang);
	assert_int_equal(s.follow, 0);
	parse("", &s);
	assert_null(s.category);
	menu_sms_parse(menu, "ARME", 0, &s);
	assert_null(s.category);
	/* len bounds what is read. */
	menu_sms_parse(menu, "VIOL ARME", 4, &s);
	assert_string_equal(s.category, "gbv");
}

/* ------------------------------------------------------------------ */
/* Lint and render                                                    */

static void
test_lint(void **state)
{
	static const struct menu_lint_budget b[] = {
		{ "its_session_info", 160, 80 }, { "sms", 306, 134 },
	};
	struct printed out = { 0 };
	char *s, *s2, *s3, *cause;
	struct menu *m;

	(void)state;
	assert_int_equal(menu_lint(menu, b, ARRAY_SIZE(b), print_keep, &out),
	    0);
	assert_non_null(strstr(out.s, "language fr (Fran\xc3\xa7" "ais): draft"));
	assert_non_null(strstr(out.s, "menu default: 34 nodes, 5 languages, 9 "
	    "categories, 0 errors"));
	free(out.s);
	out = (struct printed){ 0 };
	/* The small menu is clean too. */
	m = load_yaml(mini_yaml, &cause, NULL);
	assert_non_null(m);
	assert_int_equal(menu_lint(m, b, ARRAY_SIZE(b), print_keep, &out), 0);
	menu_unref(m);
	free(out.s);
	out = (struct printed){ 0 };
	/* An unreachable node, a missing translation, an option too long
	 * for a screen. */
	s = with(mini_yaml, "  case_added:", "  lost: {type: end, text: {fr: "
	    "\"Perdu\", bm: \"Perdu\"}}\n  case_added:");
	s2 = with(s, "{text: {fr: \"VBG\", bm: \"VBG\"}",
	    "{text: {fr: \"VBG\"}");
	free(s);
	s3 = with(s2, "{text: {fr: \"Suivi\", bm: \"Suivi\"}",
	    "{text: {fr: \"Suivi xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxx\", bm: \"Suivi\"}");
	free(s2);
	m = load_yaml(s3, &cause, NULL);
	if (m == NULL)
		fail_msg("%s", cause);
	assert_true(menu_lint(m, b, ARRAY_SIZE(b), print_keep, &out) >= 3);
	assert_non_null(strstr(out.s, "error: line"));
	assert_non_null(strstr(out.s, "node lost is never shown"));
	assert_non_null(strstr(out.s, "node home option 2: no text in bm"));
	assert_non_null(strstr(out.s, "node home (") != NULL ?
	    strstr(out.s, "a line does not fit the screen") : NULL);
	menu_unref(m);
	free(out.s);
	free(s3);
	out = (struct printed){ 0 };
	/* A choice that leads back to itself, many ways: the lint ends
	 * (and says the category behind it cannot be filed). */
	s = with(mini_yaml, "      - {text: {fr: \"Suivi\", bm: \"Suivi\"}, "
	    "next: case}\n",
	    "      - {text: {fr: \"Suivi\", bm: \"Suivi\"}, next: case}\n"
	    "      - {text: {fr: \"Boucle\", bm: \"Boucle\"}, next: loop}\n"
	    "  loop:\n    type: choice\n    text: {fr: \"L\", bm: \"L\"}\n"
	    "    options:\n"
	    "      - {text: {fr: \"a\", bm: \"a\"}, next: loop}\n"
	    "      - {text: {fr: \"b\", bm: \"b\"}, next: loop}\n"
	    "      - {text: {fr: \"c\", bm: \"c\"}, next: loop}\n"
	    "      - {text: {fr: \"d\", bm: \"d\"}, next: loop}\n"
	    "      - {text: {fr: \"e\", bm: \"e\"}, next: home}\n"
	    "      - {text: {fr: \"f\", bm: \"f\"}, set: {category: gbv}, "
	    "next: loop}\n");
	m = load_yaml(s, &cause, NULL);
	if (m == NULL)
		fail_msg("%s", cause);
	alarm(60);
	assert_int_equal(menu_lint(m, b, ARRAY_SIZE(b), print_keep, &out), 0);
	alarm(0);
	menu_unref(m);
	free(out.s);
	free(s);
	out = (struct printed){ 0 };
	/* Without statuses, a region question too long for the screen
	 * (even on a page of its own) is still found. */
	s = with(mini_yaml, "  default: {fr: \"recu\", bm: \"recu\"}\n", "");
	s2 = with(s, "statuses:\n", "statuses: {}\n");
	free(s);
	s = with(s2, "preset: {fr: \"{region}?\"", "preset: {fr: \"{region}? "
	    "Tapez 1 si c'est bien la region ou vous etes, 2 pour en choisir "
	    "une autre dans la liste des regions du Mali, 0 pour quitter "
	    "le service, 00 pour revenir a l'ecran d'avant.\"");
	free(s2);
	m = load_yaml(s, &cause, NULL);
	if (m == NULL)
		fail_msg("%s", cause);
	if (menu_lint(m, b, ARRAY_SIZE(b), print_keep, &out) == 0)
		fail_msg("%s", out.s);
	assert_non_null(strstr(out.s, "node region (region "));
	menu_unref(m);
	free(out.s);
	free(s);
	out = (struct printed){ 0 };
	/* Many categories filed on their own end node (one lint root
	 * each). */
	s = xstrdup("  - {id: gbv, gbv: true, keywords: {fr: [VBG]}}\n");
	for (unsigned i = 0; i < 600; i++) {
		s2 = xasprintf("%s  - {id: c%u, filed: filed}\n", s, i);
		free(s);
		s = s2;
	}
	s2 = with(mini_yaml, "  - {id: gbv, gbv: true, keywords: {fr: [VBG]}}\n",
	    s);
	free(s);
	m = load_yaml(s2, &cause, NULL);
	if (m == NULL)
		fail_msg("%s", cause);
	/* None of the 600 can be filed: 600 errors, no overrun. */
	assert_int_equal(menu_lint(m, b, ARRAY_SIZE(b), print_keep, &out),
	    600);
	menu_unref(m);
	free(out.s);
	free(s2);
}

static void
test_render_all(void **state)
{
	unsigned lines = 0;

	(void)state;
	assert_int_equal(menu_render_all(menu, "fr", &G160, print_count,
	    &lines), 0);
	assert_true(lines > 2 * menu->nnode);
	lines = 0;
	assert_int_equal(menu_render_all(menu, "xx", &G160, print_count,
	    &lines), -1);
	assert_int_equal(lines, 0);
	/* Small screens: long texts are cut, never overrun. */
	assert_int_equal(menu_render_all(menu, "fr", &U60, print_count,
	    &lines), 0);
}

/* ------------------------------------------------------------------ */
/* Random answers                                                     */

static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Answers a random session; after a final screen or a request the
 * caller's part is done with a random outcome and a new session begins. */
static unsigned kinds[MENU_CASE_ADD + 1];

static void
random_walk(const struct menu *m, uint32_t *seed, unsigned n,
    const struct menu_fmt *f, int budget)
{
	static const char *const pool[] = { "0", "00", "99", "#", "1", "2",
	    "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "", " ",
	    "abc", "123456789", "  2 ", "000", "1000", "\xc9\x9b", "Du texte "
	    "libre, assez long pour une vraie d\xc3\xa9position." };
	static const char *const regions[] = { NULL, "gao", "kidal",
	    "bamako", "nowhere" };
	static const char *const cats[] = { NULL, "ied", "gbv", "attack",
	    "theft" };
	static const char *const langs[] = { NULL, "fr", "bm", "xx" };
	struct menu_state st;
	struct menu_out o;
	struct menu_report r;

	/* Whatever the caller's out held before does not matter. */
	memset(&o, 0x5a, sizeof o);
	o.text[sizeof o.text - 1] = '\0';
	menu_begin(m, &st, (enum menu_mode)(1 + rnd(seed) % 3),
	    langs[rnd(seed) % 4], regions[rnd(seed) % 5], cats[rnd(seed) % 5],
	    f, &o);
	check_out(m, &st, &o, f, budget);
	for (unsigned i = 0; i < n; i++) {
		switch (o.kind) {
		case MENU_SCREEN:
			menu_step(m, &st, pool[rnd(seed) % ARRAY_SIZE(pool)], f,
			    &o);
			break;
		case MENU_SUBMIT:
			menu_report(m, &st, &r);
			assert_non_null(r.category);
			assert_non_null(r.lang);
			assert_int_equal(r.sms_ack, !r.gbv);
			menu_filed(m, &st, rnd(seed) % 4 ? "123456789" : NULL,
			    f, &o);
			assert_int_equal(o.kind, MENU_END);
			break;
		case MENU_CASE_FIND: {
			struct menu_case c = { (enum menu_case_result)(rnd(
			    seed) % 6), "in_progress", rnd(seed) % 2 ?
			    "Quand?" : NULL };

			menu_case(m, &st, &c, f, &o);
			break;
		}
		case MENU_CASE_ADD:
			menu_added(m, &st, (int)(rnd(seed) % 2), f, &o);
			assert_int_equal(o.kind, MENU_END);
			break;
		case MENU_END:
			/* Answered anyway: an end node says goodbye again
			 * (a sentence like "bye" leaves the state where it
			 * was: the caller drops it). */
			if (rnd(seed) % 4 == 0 &&
			    m->node[st.node].type == MN_END) {
				menu_step(m, &st, "1", f, &o);
				check_out(m, &st, &o, f, budget);
				assert_int_equal(o.kind, MENU_END);
			}
			menu_begin(m, &st, (enum menu_mode)(1 + rnd(seed) % 3),
			    langs[rnd(seed) % 4], regions[rnd(seed) % 5],
			    cats[rnd(seed) % 5], f, &o);
			break;
		}
		check_out(m, &st, &o, f, budget);
		assert_true(o.kind <= MENU_CASE_ADD);
		kinds[o.kind]++;
		assert_true(menu_keep_partial(m, &st) == 0 ||
		    st.field[MF_REGION] != 0);
	}
}

static void
test_random(void **state)
{
	static const struct menu_fmt *const fmts[] = { &U160, &G160, &SMS };
	char *cause;
	struct menu *mini = load_yaml(mini_yaml, &cause, NULL);
	uint32_t seed = 20240611u;

	(void)state;
	assert_non_null(mini);
	for (unsigned i = 0; i < 1000; i++)
		random_walk(menu, &seed, 40, fmts[i % 3], 1);
	/* The walks filed reports, looked up and added to cases. */
	for (unsigned k = 0; k <= MENU_CASE_ADD; k++)
		if (kinds[k] < 10)
			fail_msg("kind %u seen %u times", k, kinds[k]);
	/* Small screens: never out of bounds (not always in budget). */
	for (unsigned i = 0; i < 200; i++)
		random_walk(menu, &seed, 40, i % 2 ? &U60 : &G60, 0);
	for (unsigned i = 0; i < 300; i++)
		random_walk(mini, &seed, 40, i % 2 ? &U160 : &G60, i % 2);
	menu_unref(mini);
}

/* A state that does not belong to the menu (a reload, a sealed SMS
 * conversation row from another version) ends the dialogue cleanly. */
static void
test_foreign_state(void **state)
{
	struct menu_state st, s2;
	struct menu_out o;

	(void)state;
	begin(&st, MENU_MODE_USSD, "fr", NULL, NULL, &U160, &o);
	answer(&st, "1", &U160, &o);
	s2 = st;
	s2.node = (uint16_t)menu->nnode;
	menu_step(menu, &s2, "1", &U160, &o);
	assert_int_equal(o.kind, MENU_END);
	assert_true(strncmp(o.text, "Erreur technique", 16) == 0);
	s2 = st;
	s2.lang = 9;
	menu_step(menu, &s2, "1", &U160, &o);
	assert_int_equal(o.kind, MENU_END);
	s2 = st;
	s2.depth = NV_MENU_DEPTH_MAX + 1;
	menu_step(menu, &s2, "00", &U160, &o);
	assert_int_equal(o.kind, MENU_END);
	s2 = st;
	s2.back[0].node = 999;
	menu_step(menu, &s2, "00", &U160, &o);
	assert_int_equal(o.kind, MENU_END);
	s2 = st;
	s2.back[0].field = MF__N;
	menu_step(menu, &s2, "00", &U160, &o);
	assert_int_equal(o.kind, MENU_END);
	/* Field values out of range read as unknown. */
	s2 = st;
	s2.field[MF_REGION] = 999;
	s2.field[MF_CATEGORY] = 999;
	s2.field[MF_WEAPON] = 999;
	{
		struct menu_report r;

		menu_report(menu, &s2, &r);
		assert_null(r.region);
		assert_null(r.category);
		assert_null(r.weapon);
	}
}

/* ------------------------------------------------------------------ */

static int
setup(void **state)
{
	char *p, *cause = NULL;

	(void)state;
	p = data_path("menus/gsm7-fallback.yaml");
	fb = fb_load(p, &cause);
	free(p);
	if (fb == NULL)
		fail_msg("%s", cause);
	p = data_path("data/geo/mali-2016.yaml");
	geo = geo_load(p, &cause);
	free(p);
	if (geo == NULL)
		fail_msg("%s", cause);
	p = data_path("menus/default.yaml");
	menu = menu_load(p, geo, fb, &cause);
	free(p);
	if (menu == NULL)
		fail_msg("%s", cause);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	menu_unref(menu);
	geo_free(geo);
	fb_free(fb);
	return 0;
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_default),
		cmocka_unit_test(test_load_mini),
		cmocka_unit_test(test_load_refusals),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_filed_failed),
		cmocka_unit_test(test_gbv),
		cmocka_unit_test(test_region_preset),
		cmocka_unit_test(test_back),
		cmocka_unit_test(test_back_deep),
		cmocka_unit_test(test_exit),
		cmocka_unit_test(test_pages),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_paging),
		cmocka_unit_test(test_gsm7),
		cmocka_unit_test(test_text_node),
		cmocka_unit_test(test_case_node),
		cmocka_unit_test(test_direct),
		cmocka_unit_test(test_keep_partial),
		cmocka_unit_test(test_sms_parse),
		cmocka_unit_test(test_lint),
		cmocka_unit_test(test_render_all),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_foreign_state),
	};

	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("menu", tests, setup, teardown) != 0;
}
