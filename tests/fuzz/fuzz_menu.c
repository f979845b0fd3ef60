/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for the menu engine (make build/fuzz/fuzz_menu).
 *
 * Two header octets choose the session: the first the menu (the real
 * menus/default.yaml or a small two-language one built in), the mode,
 * the link's format and the language; the second the region the number
 * stands for, the category of a direct SMS and whether it starts at the
 * case-code screen. The rest, split on '\n', are the citizen's answers.
 * When the engine asks for something (file, look up a case, add to it)
 * it gets an outcome taken from the answer that led there, and after a
 * final screen a new session begins. After every call: the state's
 * indexes are in bounds, the screen is what its kind says, GSM-7 when
 * the link wants it, and within the budget (the menus fit 160/80).
 *
 * Data files are found from NV_TOP, else from the working directory or
 * one of its parents (the replay runs in the corpus directory), else
 * from the binary's place in build/fuzz. Seeds
 * (tests/fuzz/corpus/fuzz_menu/seed-*) were written by hand.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fallback.h"
#include "base/limits.h"
#include "base/text.h"
#include "menus/menu_int.h"
#include "routing/casecode.h"
#include "routing/geo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char mini_yaml[] =
    "name: mini\nstart: lang\n"
    "languages:\n"
    "  - {code: fr, name: \"Fran\xc3\xa7" "ais\", status: draft}\n"
    "  - {code: bm, name: \"Bamanankan\", status: draft}\n"
    "common:\n"
    "  exit: {fr: \"Quitter\", bm: \"Ka b\xc9\x94\"}\n"
    "  back: {fr: \"Retour\", bm: \"Segin\"}\n"
    "  more: {fr: \"Suite\", bm: \"A t\xc9\x94\"}\n"
    "  yes: {fr: \"Oui\", bm: \"Aw\xc9\x94\"}\n"
    "  other_region: {fr: \"Autre\", bm: \"W\xc9\x9br\xc9\x9b\"}\n"
    "  dont_know: {fr: \"Je ne sais pas\", bm: \"N m\xc9\x9bn t\xc9\x9b\"}\n"
    "  skip: {fr: \"Passer\", bm: \"T\xc9\x9bm\xc9\x9bn\"}\n"
    "  invalid: {fr: \"Non valable.\", bm: \"A t\xc9\x9b.\"}\n"
    "  bye: {fr: \"Au revoir.\", bm: \"K'an b\xc9\x9bn.\"}\n"
    "  busy: {fr: \"Occupe.\", bm: \"Occupe.\"}\n"
    "  expired: {fr: \"Delai.\", bm: \"Delai.\"}\n"
    "  failed: {fr: \"Erreur.\", bm: \"Fili.\"}\n"
    "  locked: {fr: \"Bloque.\", bm: \"Bloque.\"}\n"
    "  bad_code: {fr: \"Code faux.\", bm: \"Code fili.\"}\n"
    "  unknown_code: {fr: \"Inconnu.\", bm: \"Inconnu.\"}\n"
    "statuses:\n"
    "  default: {fr: \"recu\", bm: \"recu\"}\n"
    "  closed: {fr: \"clos\"}\n"
    "referrals:\n"
    "  default: {fr: \"Aide 80333\", bm: \"D\xc9\x9bm\xc9\x9bn 80333\"}\n"
    "  gao: {fr: \"Gao 80333\", bm: \"Gao 80333\"}\n"
    "categories:\n"
    "  - {id: ied, partial: true, keywords: {fr: [EEI], bm: [BOMBE]}}\n"
    "  - {id: gbv, gbv: true, keywords: {fr: [VBG]}}\n"
    "  - {id: attack, partial: true, filed: filed2}\n"
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
    "      - {text: {fr: \"VBG\"}, set: {category: gbv}, next: gbv}\n"
    "      - {text: {fr: \"Attaque\", bm: \"Binkanni\"}, "
    "set: {category: attack}, next: axis}\n"
    "      - {text: {fr: \"Suivi\", bm: \"Suivi\"}, next: case}\n"
    "      - {text: {fr: \"Boucle\", bm: \"Boucle\"}, next: home}\n"
    "  gbv: {type: region, exit_first: true, text: {fr: \"Region?\"}, "
    "preset: {fr: \"{region}?\"}, next: confirm}\n"
    "  region: {type: region, text: {fr: \"Region?\", bm: \"Mara?\"}, "
    "preset: {fr: \"{region}?\", bm: \"{region} wa?\"}, next: cercle}\n"
    "  axis: {type: axis, text: {fr: \"Route?\", bm: \"Sira?\"}, "
    "next: region}\n"
    "  cercle: {type: cercle, text: {fr: \"Cercle?\", bm: \"Cercle?\"}, "
    "next: commune}\n"
    "  commune: {type: commune, text: {fr: \"Commune?\", "
    "bm: \"Commune?\"}, next: details}\n"
    "  details: {type: text, text: {fr: \"Details?\", bm: \"Kibaru?\"}, "
    "next: confirm}\n"
    "  confirm:\n"
    "    type: choice\n"
    "    text: {fr: \"Envoyer?\", bm: \"Ci?\"}\n"
    "    options:\n"
    "      - {text: {fr: \"Oui\", bm: \"Aw\xc9\x94\"}, action: submit, "
    "filed: filed}\n"
    "      - {text: {fr: \"Non\", bm: \"Ayi\"}, action: exit}\n"
    "  filed: {type: end, text: {fr: \"Code {code}\", "
    "bm: \"Code {code}\"}}\n"
    "  filed2: {type: end, text: {fr: \"Attaque: {code} {region}\"}}\n"
    "  gbv_filed: {type: end, text: {fr: \"{code} {referral}\", "
    "bm: \"{code} {referral}\"}}\n"
    "  case: {type: case, text: {fr: \"Code?\", bm: \"Code?\"}, "
    "found: case_status}\n"
    "  case_status:\n"
    "    type: choice\n"
    "    text: {fr: \"{status} {question}\", bm: \"{status} {question}\"}\n"
    "    options:\n"
    "      - {text: {fr: \"Ajouter\", bm: \"Fara\"}, next: case_text}\n"
    "      - {text: {fr: \"Un autre\", bm: \"Wala\"}, next: case}\n"
    "  case_text: {type: text, required: true, text: {fr: \"Texte?\", "
    "bm: \"Texte?\"}, action: case_add, done: case_added}\n"
    "  case_added: {type: end, text: {fr: \"Ajoute.\", bm: \"A farala.\"}}\n";

static struct fallback *fb;
static struct geo *geo;
static struct menu *menus[2];

static const struct menu_fmt fmts[4] = {
	{ 1, 160, 80, "123456789" }, { 0, 160, 80, NULL },
	{ 1, 306, 134, NULL }, { 0, 60, 30, "987654321" },
};

static char *
find_top(void)
{
	static const char *const up[] = { ".", "..", "../..", "../../..",
	    "../../../.." };
	const char *t = getenv("NV_TOP");
	char exe[4096], *path, *slash;
	ssize_t n;

	if (t != NULL && *t != '\0')
		return strdup(t);
	for (size_t i = 0; i < sizeof up / sizeof *up; i++) {
		if (asprintf(&path, "%s/menus/default.yaml", up[i]) < 0)
			abort();
		if (access(path, R_OK) == 0) {
			free(path);
			return strdup(up[i]);
		}
		free(path);
	}
	/* TOP/build/fuzz/fuzz_menu */
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		abort();
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) != NULL)
		*slash = '\0';
	if (asprintf(&path, "%s/../..", exe) < 0)
		abort();
	return path;
}

static void
load(void)
{
	char *top = find_top(), *p, *cause = NULL, tmp[] =
	    "/tmp/nv-fuzz-menu-XXXXXX";
	int fd;

	if (asprintf(&p, "%s/menus/gsm7-fallback.yaml", top) < 0 ||
	    (fb = fb_load(p, &cause)) == NULL)
		goto fail;
	free(p);
	if (asprintf(&p, "%s/data/geo/mali-2016.yaml", top) < 0 ||
	    (geo = geo_load(p, &cause)) == NULL)
		goto fail;
	free(p);
	if (asprintf(&p, "%s/menus/default.yaml", top) < 0 ||
	    (menus[0] = menu_load(p, geo, fb, &cause)) == NULL)
		goto fail;
	free(p);
	if ((fd = mkstemp(tmp)) < 0 || write(fd, mini_yaml,
	    sizeof mini_yaml - 1) != (ssize_t)(sizeof mini_yaml - 1))
		abort();
	close(fd);
	menus[1] = menu_load(tmp, geo, fb, &cause);
	unlink(tmp);
	if (menus[1] == NULL) {
		p = NULL;
		goto fail;
	}
	free(top);
	return;
fail:
	fprintf(stderr, "fuzz_menu: %s: %s\n", p != NULL ? p : "mini",
	    cause != NULL ? cause : "?");
	abort();
}

struct run {
	const struct menu *m;
	const struct menu_fmt *f;
	int budget;		/* the screens must fit f */
	enum menu_mode mode;
	const char *lang, *region, *cat;
	int at_case;
	struct menu_state st;
	struct menu_out out;
};

static void
check(const struct run *r)
{
	const struct menu *m = r->m;
	const struct menu_state *st = &r->st;
	const struct menu_out *o = &r->out;
	long u;

	if (st->node >= m->nnode || st->depth > NV_MENU_DEPTH_MAX ||
	    st->lang > m->nlang || o->len != strlen(o->text) ||
	    o->len >= sizeof o->text)
		abort();
	for (unsigned i = 0; i < st->depth; i++)
		if (st->back[i].node >= m->nnode)
			abort();
	switch (o->kind) {
	case MENU_SCREEN:
	case MENU_END:
		if (o->len == 0)
			abort();
		break;
	case MENU_SUBMIT:
	case MENU_CASE_ADD:
		if (o->len != 0 || m->node[st->node].type != MN_END)
			abort();
		break;
	case MENU_CASE_FIND:
		if (o->len != 0 || m->node[st->node].type != MN_CASE ||
		    o->input[0] == '\0' || strlen(o->input) > NV_CC_INPUT_MAX)
			abort();
		break;
	default:
		abort();
	}
	if (o->kind != MENU_SCREEN && o->kind != MENU_END)
		return;
	u = text_units(o->text, o->len, TEXT_GSM7);
	if (!r->f->unicode && u < 0)
		abort();	/* GSM-7 asked, not given */
	if (!r->budget)
		return;
	if (u >= 0 ? (unsigned long)u > r->f->budget_gsm7 :
	    (u = text_units(o->text, o->len, TEXT_UCS2)) < 0 ||
	    (unsigned long)u > r->f->budget_ucs2)
		abort();	/* over the budget */
}

static void
begin(struct run *r)
{
	if (r->at_case)
		menu_begin_case(r->m, &r->st, r->mode, r->lang, r->f,
		    &r->out);
	else
		menu_begin(r->m, &r->st, r->mode, r->lang, r->region, r->cat,
		    r->f, &r->out);
	check(r);
}

/* Does what the engine asked, with an outcome taken from `how`. */
static void
outcome(struct run *r, unsigned how)
{
	struct menu_report rep;
	struct menu_case c = { (enum menu_case_result)(how % 6),
	    how & 8 ? "closed" : "nothing", how & 16 ? "Quand?" : NULL };

	switch (r->out.kind) {
	case MENU_SUBMIT:
		menu_report(r->m, &r->st, &rep);
		if (rep.category == NULL || rep.lang == NULL ||
		    rep.sms_ack == rep.gbv ||
		    rep.keep_partial != menu_keep_partial(r->m, &r->st))
			abort();
		menu_filed(r->m, &r->st, how & 1 ? "123456789" : NULL, r->f,
		    &r->out);
		if (r->out.kind != MENU_END)
			abort();
		break;
	case MENU_CASE_FIND:
		menu_case(r->m, &r->st, &c, r->f, &r->out);
		break;
	case MENU_CASE_ADD:
		menu_added(r->m, &r->st, (int)(how & 1), r->f, &r->out);
		if (r->out.kind != MENU_END)
			abort();
		break;
	default:
		return;
	}
	check(r);
}

/* Every line also as an SMS: its keywords and a case code at its
 * start (gateway/dialog_sms.c reads both from what a citizen sends). */
static void
sms_words(const struct menu *m, const char *in, size_t n)
{
	char code[CC_LEN + 1];
	struct menu_sms ps;
	const char *rest;
	enum cc_result cr;

	menu_sms_parse(m, in, n, &ps);
	if (ps.follow && (ps.rest < in || ps.rest > in + n))
		abort();
	if ((ps.category != NULL) != (ps.lang != NULL) && !ps.follow)
		abort();
	cr = cc_parse_lead(in, code, &rest);
	if (rest < in || rest > in + n)
		abort();
	if ((cr == CC_OK) != (strlen(code) == CC_LEN))
		abort();
	if (cr == CC_NOT_A_CODE && rest != in)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const langs[] = { NULL, "fr", "bm", "xx" };
	static const char *const regions[] = { NULL, "gao", "bamako",
	    "taoudeni", "nowhere" };
	static const char *const cats[] = { NULL, "ied", "gbv", "attack",
	    "arms_seen", "theft" };
	struct run *r;
	size_t i;

	if (menus[0] == NULL)
		load();
	if (size < 2)
		return 0;
	r = calloc(1, sizeof *r);
	if (r == NULL)
		abort();
	r->m = menus[data[0] & 1];
	r->mode = (enum menu_mode)(1 + (data[0] >> 1) % 3);
	r->f = &fmts[(data[0] >> 3) & 3];
	r->budget = r->f->budget_gsm7 >= 160;
	r->lang = langs[(data[0] >> 5) & 3];
	r->region = regions[data[1] % 5];
	r->cat = cats[(data[1] / 5) % 6];
	r->at_case = (data[1] & 0x80) != 0;
	begin(r);
	for (i = 2; i <= size; ) {
		size_t e = i;
		char in[NV_MENU_TEXT_MAX + 64];
		size_t n;

		while (e < size && data[e] != '\n')
			e++;
		n = e - i < sizeof in - 1 ? e - i : sizeof in - 1;
		memcpy(in, data + i, n);
		in[n] = '\0';
		i = e + 1;
		sms_words(r->m, in, n);
		if (r->out.kind == MENU_END) {
			/* Mostly a new session; sometimes an answer after
			 * the end, which an end node must take as one. */
			if (n > 0 && in[0] == '!' &&
			    r->m->node[r->st.node].type == MN_END) {
				menu_step(r->m, &r->st, in + 1, r->f, &r->out);
				check(r);
				if (r->out.kind != MENU_END)
					abort();
			}
			begin(r);
		}
		if (r->out.kind != MENU_SCREEN) {
			outcome(r, n > 0 ? (unsigned char)in[0] : 0);
			continue;
		}
		menu_step(r->m, &r->st, in, r->f, &r->out);
		check(r);
		if (menu_keep_partial(r->m, &r->st) &&
		    r->st.field[MF_REGION] == 0)
			abort();
	}
	free(r);
	return 0;
}
