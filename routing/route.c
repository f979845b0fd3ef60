/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "route.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/xmalloc.h"
#include "base/yamldoc.h"
#include "geo.h"
#include "route_int.h"

struct ld {
	const struct ydoc *d;
	const char *path;
	char **cause;
	unsigned escalate_default;
};

static int
fail_at(struct ld *l, ynode n, const char *what, const char *s)
{
	*l->cause = xasprintf("%s:%u: %s%s%s%s", l->path, ydoc_line(l->d, n),
	    what, s != NULL ? " '" : "", s != NULL ? s : "",
	    s != NULL ? "'" : "");
	return -1;
}

static const char *
scalar(struct ld *l, ynode map, const char *key)
{
	return ydoc_scalar(l->d, ydoc_get(l->d, map, key), NULL);
}

/* A boolean key: *out keeps def when absent; -1 for anything else but
 * true or false (a typo must not flip a safety attribute). */
static int
get_bool(struct ld *l, ynode map, const char *key, int *out)
{
	ynode n = ydoc_get(l->d, map, key);
	const char *s = ydoc_scalar(l->d, n, NULL);

	if (n == 0)
		return 0;
	if (s != NULL && strcmp(s, "true") == 0)
		*out = 1;
	else if (s != NULL && strcmp(s, "false") == 0)
		*out = 0;
	else
		return fail_at(l, n, "expected true or false for", key);
	return 0;
}

static int
get_uint(struct ld *l, ynode map, const char *key, unsigned lo,
    unsigned hi, unsigned *out)
{
	ynode n = ydoc_get(l->d, map, key);
	const char *s = ydoc_scalar(l->d, n, NULL);
	char *end = NULL;
	unsigned long v;

	if (n == 0)
		return 0;
	v = s != NULL ? strtoul(s, &end, 10) : 0;
	if (s == NULL || end == s || *end != '\0' || v < lo || v > hi) {
		*l->cause = xasprintf("%s:%u: %s: expected %u..%u", l->path,
		    ydoc_line(l->d, n), key, lo, hi);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

/* Keys an entry may have: a misspelt key ("urgnet") would silently be
 * ignored, so any other is refused. known is NULL-terminated. */
static int
keys_known(struct ld *l, ynode map, const char *const *known)
{
	if (ydoc_kind(l->d, map) != Y_MAP)
		return fail_at(l, map, "expected a mapping", NULL);
	for (size_t i = 0; i < ydoc_count(l->d, map); i++) {
		ynode k = ydoc_key(l->d, map, i);
		const char *s = ydoc_scalar(l->d, k, NULL);
		size_t j;

		for (j = 0; s != NULL && known[j] != NULL; j++)
			if (strcmp(s, known[j]) == 0)
				break;
		if (s == NULL || known[j] == NULL)
			return fail_at(l, k, "unknown key", s);
	}
	return 0;
}

static const char *const category_keys[] = { "id", "protected", "label",
    NULL };
static const char *const queue_keys[] = { "id", "kind", "region",
    "readers", "security_forces", "escalate_after", "on_duty", NULL };
static const char *const number_keys[] = { "number", "region", "note",
    NULL };
static const char *const rule_keys[] = { "category", "region",
    "accuses_security", "queues", "urgent", "why", NULL };

static int
id_ok(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n == 0 || n >= NV_ROUTE_ID_MAX)
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '.' || *s == '-' || *s == '_' || *s == '{' ||
		    *s == '}'))
			return 0;
	return 1;
}

static int
region_index(const struct routes *r, const char *id)
{
	for (unsigned i = 0; id != NULL && i < r->nregions; i++)
		if (strcmp(r->regions[i], id) == 0)
			return (int)i;
	return -1;
}

static int
queue_index(const struct routes *r, const char *id)
{
	for (unsigned i = 0; i < r->nq; i++)
		if (strcmp(r->q[i].id, id) == 0)
			return (int)i;
	return -1;
}

static int
category_index(const struct routes *r, const char *id)
{
	for (unsigned i = 0; id != NULL && i < r->ncat; i++)
		if (strcmp(r->cat[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* "{region}-gbv" for region "gao" is "gao-gbv"; a literal is itself. */
static char *
expand(const char *tmpl, const char *region)
{
	const char *t = strstr(tmpl, TEMPLATE);

	if (t == NULL)
		return xstrdup(tmpl);
	return xasprintf("%.*s%s%s", (int)(t - tmpl), tmpl, region,
	    t + strlen(TEMPLATE));
}

static int
load_categories(struct ld *l, struct routes *r, ynode root)
{
	ynode seq = ydoc_get(l->d, root, "categories");
	size_t n = ydoc_count(l->d, seq);

	if (ydoc_kind(l->d, seq) != Y_SEQ || n == 0 ||
	    n > NV_ROUTE_CATEGORIES_MAX)
		return fail_at(l, seq ? seq : root, "categories: expected a "
		    "list of at most NV_ROUTE_CATEGORIES_MAX", NULL);
	r->cat = xcalloc(n, sizeof *r->cat);
	for (size_t i = 0; i < n; i++) {
		ynode it = ydoc_item(l->d, seq, i);
		const char *id = scalar(l, it, "id");
		struct category *c = &r->cat[r->ncat];

		if (keys_known(l, it, category_keys) != 0)
			return -1;
		if (!id_ok(id) || strchr(id, '{') != NULL ||
		    strcmp(id, "*") == 0)
			return fail_at(l, it, "expected a category id", id);
		if (category_index(r, id) >= 0)
			return fail_at(l, it, "duplicate category", id);
		c->id = xstrdup(id);
		r->ncat++;
		if (get_bool(l, it, "protected", &c->protected_) != 0)
			return -1;
	}
	return 0;
}

/* on_duty: one number for every expansion, or region: number. */
static int
load_on_duty(struct ld *l, ynode qn, const char *region, char **out)
{
	ynode n = ydoc_get(l->d, qn, "on_duty");
	const char *s = ydoc_scalar(l->d, n, NULL);

	if (n != 0 && ydoc_kind(l->d, n) == Y_MAP)
		s = region != NULL ? scalar(l, n, region) : NULL;
	else if (n != 0 && s == NULL)
		return fail_at(l, n, "on_duty: expected a phone number or "
		    "region: number", NULL);
	if (s == NULL || *s == '\0')
		return 0;
	if (strlen(s) >= NV_ROUTE_ID_MAX || strspn(s, "+0123456789 ") !=
	    strlen(s))
		return fail_at(l, n, "on_duty: expected a phone number",
		    NULL);	/* the value itself is not repeated: a number */
	*out = xstrdup(s);
	return 0;
}

static int
check_on_duty_keys(struct ld *l, struct routes *r, ynode qn)
{
	ynode n = ydoc_get(l->d, qn, "on_duty");

	if (ydoc_kind(l->d, n) != Y_MAP)
		return 0;
	for (size_t i = 0; i < ydoc_count(l->d, n); i++) {
		ynode k = ydoc_key(l->d, n, i);

		if (region_index(r, ydoc_scalar(l->d, k, NULL)) < 0)
			return fail_at(l, k, "on_duty: not a region of the "
			    "geography:", ydoc_scalar(l->d, k, NULL));
	}
	return 0;
}

/* One queue (or, for a template, one per region). */
static int
add_queue(struct ld *l, struct routes *r, ynode qn, const char *tmpl,
    const char *region)
{
	static const char *const kinds[] = { "regional", "gbv", "eod",
	    "oversight", "national" };
	const char *kind = scalar(l, qn, "kind");
	const char *readers = scalar(l, qn, "readers");
	struct queue *q;
	char *id = expand(tmpl, region);
	size_t k;

	for (k = 0; kind != NULL && k < ARRAY_SIZE(kinds); k++)
		if (strcmp(kind, kinds[k]) == 0)
			break;
	if (kind == NULL || k == ARRAY_SIZE(kinds) || queue_index(r, id) >= 0 ||
	    r->nq == NV_ROUTE_QUEUES_MAX || ydoc_get(l->d, qn,
	    "security_forces") == 0) {
		fail_at(l, qn, "expected a queue with a new id, a kind "
		    "(regional gbv eod oversight national) and "
		    "security_forces:", id);
		free(id);
		return -1;
	}
	if (region == NULL && strcmp(kind, "regional") == 0) {
		free(id);
		return fail_at(l, qn, "a regional queue needs a region", NULL);
	}
	q = &r->q[r->nq++];
	q->id = id;
	q->kind = xstrdup(kind);
	q->region = region != NULL ? xstrdup(region) : NULL;
	q->readers = xstrdup(readers != NULL ? readers : "");
	q->escalate_after = l->escalate_default;
	if (get_bool(l, qn, "security_forces", &q->security_forces) != 0 ||
	    get_uint(l, qn, "escalate_after", NV_ROUTE_ESCALATE_MIN_S,
	    86400,
	    &q->escalate_after) != 0)
		return -1;
	/* What these kinds are for is that security forces do not read them. */
	if (q->security_forces && (strcmp(kind, "gbv") == 0 ||
	    strcmp(kind, "oversight") == 0))
		return fail_at(l, qn, "a gbv or oversight queue cannot have "
		    "security_forces: true:", q->id);
	return load_on_duty(l, qn, region, &q->on_duty);
}

static int
load_queue(struct ld *l, struct routes *r, ynode qn)
{
	const char *id = scalar(l, qn, "id"), *region = scalar(l, qn, "region");
	const char *t = id != NULL ? strstr(id, TEMPLATE) : NULL;

	if (keys_known(l, qn, queue_keys) != 0)
		return -1;
	if (!id_ok(id) || (t != NULL && strstr(t + 1, TEMPLATE) != NULL) ||
	    (t == NULL && strchr(id, '{') != NULL))
		return fail_at(l, qn, "expected a queue id, with at most one "
		    TEMPLATE, id);
	if (check_on_duty_keys(l, r, qn) != 0)
		return -1;
	if (t == NULL) {
		if (region != NULL && region_index(r, region) < 0)
			return fail_at(l, ydoc_get(l->d, qn, "region"), "not a "
			    "region of the geography:", region);
		return add_queue(l, r, qn, id, region);
	}
	if (region != NULL)
		return fail_at(l, qn, "a " TEMPLATE " queue takes no region:",
		    id);
	for (unsigned i = 0; i < r->nregions; i++)
		if (add_queue(l, r, qn, id, r->regions[i]) != 0)
			return -1;
	return 0;
}

static int
load_queues(struct ld *l, struct routes *r, ynode root)
{
	ynode def = ydoc_get(l->d, root, "defaults");
	ynode seq = ydoc_get(l->d, root, "queues");

	l->escalate_default = 900;
	if (def != 0 && get_uint(l, def, "escalate_after",
	    NV_ROUTE_ESCALATE_MIN_S, 86400,
	    &l->escalate_default) != 0)
		return -1;
	if (ydoc_kind(l->d, seq) != Y_SEQ || ydoc_count(l->d, seq) == 0)
		return fail_at(l, seq ? seq : root, "queues: expected a list",
		    NULL);
	r->q = xcalloc(NV_ROUTE_QUEUES_MAX, sizeof *r->q);
	for (size_t i = 0; i < ydoc_count(l->d, seq); i++)
		if (load_queue(l, r, ydoc_item(l->d, seq, i)) != 0)
			return -1;
	return 0;
}

/* The leading digits of a code or number, after any '*', '#', '+'
 * (as gateway/smpp_link.c reads short codes). */
static void
code_digits(const char *s, char *out, size_t size)
{
	size_t n = 0;

	while (*s == '*' || *s == '#' || *s == '+')
		s++;
	for (; *s >= '0' && *s <= '9' && n + 1 < size; s++)
		out[n++] = *s;
	out[n] = '\0';
}

static int
load_numbers(struct ld *l, struct routes *r, ynode root)
{
	ynode seq = ydoc_get(l->d, root, "numbers");
	size_t n = ydoc_count(l->d, seq);

	if ((seq != 0 && ydoc_kind(l->d, seq) != Y_SEQ) ||
	    n > NV_ROUTE_NUMBERS_MAX)
		return fail_at(l, seq, "numbers: expected a list of at most "
		    "NV_ROUTE_NUMBERS_MAX", NULL);
	r->num = xcalloc(n ? n : 1, sizeof *r->num);
	for (size_t i = 0; i < n; i++) {
		ynode it = ydoc_item(l->d, seq, i);
		const char *num = scalar(l, it, "number");
		const char *reg = scalar(l, it, "region");
		struct number *e = &r->num[r->nnum];
		int ri = region_index(r, reg);

		if (keys_known(l, it, number_keys) != 0)
			return -1;
		if (num == NULL || strlen(num) >= sizeof e->digits)
			return fail_at(l, it, "expected number: and region:",
			    NULL);
		code_digits(num, e->digits, sizeof e->digits);
		if (e->digits[0] == '\0')
			return fail_at(l, it, "number has no digits:", num);
		if (route_number_region(r, e->digits) != NULL)
			return fail_at(l, it, "number listed twice:", num);
		if (reg == NULL || (ri < 0 && strcmp(reg, "national") != 0))
			return fail_at(l, it, "region: expected a region of "
			    "the geography or national, not", reg);
		e->region = ri >= 0 ? r->regions[ri] : "national";
		r->nnum++;
	}
	return 0;
}

static int
load_rule(struct ld *l, struct routes *r, ynode it, struct rule *ru)
{
	const char *cat = scalar(l, it, "category");
	const char *reg = scalar(l, it, "region");
	ynode qs = ydoc_get(l->d, it, "queues");

	if (keys_known(l, it, rule_keys) != 0)
		return -1;
	ru->line = ydoc_line(l->d, it);
	ru->accuses = -1;
	ru->cat = cat == NULL || strcmp(cat, "*") == 0 ? -1 :
	    category_index(r, cat);
	if (cat != NULL && strcmp(cat, "*") != 0 && ru->cat < 0)
		return fail_at(l, ydoc_get(l->d, it, "category"), "not a "
		    "category of this file:", cat);
	ru->region = reg == NULL || strcmp(reg, "*") == 0 ? R_ANY :
	    strcmp(reg, "unknown") == 0 ? R_UNKNOWN : region_index(r, reg);
	if (ru->region == -1 && reg != NULL && strcmp(reg, "*") != 0)
		return fail_at(l, ydoc_get(l->d, it, "region"), "not a region "
		    "of the geography (nor * or unknown):", reg);
	if (get_bool(l, it, "accuses_security", &ru->accuses) != 0 ||
	    get_bool(l, it, "urgent", &ru->urgent) != 0)
		return -1;
	if (ydoc_kind(l->d, qs) != Y_SEQ || ydoc_count(l->d, qs) == 0 ||
	    ydoc_count(l->d, qs) > ROUTE_QUEUES_MAX)
		return fail_at(l, qs ? qs : it, "queues: expected a list of 1 "
		    "to ROUTE_QUEUES_MAX queues", NULL);
	for (size_t i = 0; i < ydoc_count(l->d, qs); i++) {
		ynode qn = ydoc_item(l->d, qs, i);
		const char *q = ydoc_scalar(l->d, qn, NULL);

		if (q == NULL || (strstr(q, TEMPLATE) == NULL &&
		    queue_index(r, q) < 0))
			return fail_at(l, qn, "not a queue of this file:", q);
		ru->q[ru->nq++] = xstrdup(q);
	}
	return 0;
}

static int
load_rules(struct ld *l, struct routes *r, ynode root)
{
	ynode seq = ydoc_get(l->d, root, "rules");
	size_t n = ydoc_count(l->d, seq);

	if (ydoc_kind(l->d, seq) != Y_SEQ || n == 0 || n > NV_ROUTE_RULES_MAX)
		return fail_at(l, seq ? seq : root, "rules: expected a list of "
		    "at most NV_ROUTE_RULES_MAX", NULL);
	r->rules = xcalloc(n, sizeof *r->rules);
	for (size_t i = 0; i < n; i++)
		if (load_rule(l, r, ydoc_item(l->d, seq, i),
		    &r->rules[r->nrules++]) != 0)
			return -1;
	return 0;
}

static const struct rule *
first_rule(const struct routes *r, int cat, int region, int accuses)
{
	for (unsigned i = 0; i < r->nrules; i++) {
		const struct rule *ru = &r->rules[i];

		if ((ru->cat < 0 || ru->cat == cat) &&
		    (ru->accuses < 0 || ru->accuses == accuses) &&
		    (ru->region == R_ANY || (ru->region == R_UNKNOWN &&
		    region < 0) || ru->region == region))
			return ru;
	}
	return NULL;
}

#define WHAT_MAX (3 * NV_ROUTE_ID_MAX)

/* "gbv reports from gao", for messages. */
static const char *
what(const struct routes *r, int cat, int region, int accuses,
    char buf[WHAT_MAX])
{
	snprintf(buf, WHAT_MAX, "%s reports %sfrom %s", r->cat[cat].id,
	    accuses ? "accusing security forces " : "", region >= 0 ?
	    r->regions[region] : "no known region");
	return buf;
}

/* Routes one combination through the rules and checks the outcome. */
static int
decide(struct ld *l, struct routes *r, int cat, int region, int accuses,
    struct decision *dc)
{
	struct rule *ru = (struct rule *)first_rule(r, cat, region, accuses);
	char w[WHAT_MAX];

	if (ru == NULL) {
		*l->cause = xasprintf("%s: no rule routes %s", l->path,
		    what(r, cat, region, accuses, w));
		return -1;
	}
	ru->used = 1;
	dc->urgent = ru->urgent;
	dc->line = ru->line;
	for (unsigned i = 0; i < ru->nq; i++) {
		char *id;
		int qi;

		if (region < 0 && strstr(ru->q[i], TEMPLATE) != NULL) {
			*l->cause = xasprintf("%s:%u: %s would go to %s; put "
			    "a rule with region: unknown before this one",
			    l->path, ru->line, what(r, cat, region, accuses, w),
			    ru->q[i]);
			return -1;
		}
		id = expand(ru->q[i], region >= 0 ? r->regions[region] : "");
		qi = queue_index(r, id);
		if (qi < 0) {
			*l->cause = xasprintf("%s:%u: no queue %s for %s",
			    l->path, ru->line, id, what(r, cat, region,
			    accuses, w));
			free(id);
			return -1;
		}
		free(id);
		if (r->q[qi].security_forces && (r->cat[cat].protected_ ||
		    accuses)) {
			*l->cause = xasprintf("%s:%u: %s would reach %s, which "
			    "security forces read (security_forces: true)",
			    l->path, ru->line, what(r, cat, region, accuses, w),
			    r->q[qi].id);
			return -1;
		}
		for (unsigned j = 0; j < dc->n; j++)
			if (dc->q[j] == (unsigned)qi)
				goto next;	/* named twice: once is enough */
		dc->q[dc->n++] = (unsigned)qi;
next:		;
	}
	return 0;
}

struct decision *
route_cell(const struct routes *r, int cat, int region, int accuses)
{
	unsigned ri = region >= 0 ? (unsigned)region : r->nregions;

	return &r->table[((size_t)cat * (r->nregions + 1) + ri) * 2 +
	    (accuses != 0)];
}

static int
build_table(struct ld *l, struct routes *r)
{
	r->table = xcalloc((size_t)r->ncat * (r->nregions + 1) * 2,
	    sizeof *r->table);
	for (unsigned c = 0; c < r->ncat; c++)
		for (int g = -1; g < (int)r->nregions; g++)
			for (int a = 0; a < 2; a++)
				if (decide(l, r, (int)c, g, a,
				    route_cell(r, (int)c, g, a)) != 0)
					return -1;
	for (unsigned i = 0; i < r->nrules; i++)
		if (!r->rules[i].used) {
			*l->cause = xasprintf("%s:%u: this rule never applies: "
			    "rules above it take every report it matches",
			    l->path, r->rules[i].line);
			return -1;
		}
	return 0;
}

struct routes *
route_load(const char *path, const struct geo *g, char **cause)
{
	struct ydoc *d = ydoc_load(path, cause);
	struct ld l = { .d = d, .path = path, .cause = cause };
	struct routes *r;
	ynode root;

	if (d == NULL)
		return NULL;
	r = xcalloc(1, sizeof *r);
	r->nregions = geo_region_count(g);
	r->regions = xcalloc(r->nregions + 1, sizeof *r->regions);
	for (unsigned i = 0; i < r->nregions; i++) {
		struct geo_place p;

		geo_region_at(g, i, &p);
		r->regions[i] = xstrdup(p.id);
	}
	root = ydoc_root(d);
	if (ydoc_kind(d, root) != Y_MAP) {
		fail_at(&l, root, "expected a mapping with categories, queues, "
		    "numbers and rules", NULL);
		goto fail;
	}
	if (load_categories(&l, r, root) != 0 || load_queues(&l, r, root) !=
	    0 || load_numbers(&l, r, root) != 0 || load_rules(&l, r, root) !=
	    0 || build_table(&l, r) != 0 ||
	    route_axes_build(r, g, path, cause) != 0)
		goto fail;
	ydoc_free(d);
	return r;
fail:
	ydoc_free(d);
	route_free(r);
	return NULL;
}

void
route_free(struct routes *r)
{
	if (r == NULL)
		return;
	for (unsigned i = 0; i < r->nregions; i++)
		free(r->regions[i]);
	for (unsigned i = 0; i < r->ncat; i++)
		free(r->cat[i].id);
	for (unsigned i = 0; i < r->nq; i++) {
		free(r->q[i].id);
		free(r->q[i].kind);
		free(r->q[i].region);
		free(r->q[i].on_duty);
		free(r->q[i].readers);
	}
	for (unsigned i = 0; i < r->nrules; i++)
		for (unsigned j = 0; j < r->rules[i].nq; j++)
			free(r->rules[i].q[j]);
	free(r->regions);
	free(r->cat);
	free(r->q);
	free(r->num);
	free(r->rules);
	free(r->table);
	route_axes_free(r);
	free(r);
}

int
route_report(const struct routes *r, const struct route_in *in,
    struct route_out *out)
{
	int c = category_index(r, in->category);
	const struct decision *dc;

	memset(out, 0, sizeof *out);
	if (c < 0)
		return -1;
	/* An axis the data knows wins over the region (docs/routing.md,
	 * "Road axes"): the report concerns the whole road. */
	dc = route_axis_cell(r, c, in->axis, in->accuses_security);
	if (dc == NULL)
		dc = route_cell(r, c, region_index(r, in->region),
		    in->accuses_security);
	for (unsigned i = 0; i < dc->n; i++)
		out->queues[i] = r->q[dc->q[i]].id;
	out->n = dc->n;
	out->urgent = dc->urgent;
	return 0;
}

const char *
route_number_region(const struct routes *r, const char *dialled)
{
	char d[NV_ROUTE_ID_MAX];

	if (dialled == NULL)
		return NULL;
	code_digits(dialled, d, sizeof d);
	if (d[0] == '\0')
		return NULL;
	for (unsigned i = 0; i < r->nnum; i++)
		if (strcmp(r->num[i].digits, d) == 0)
			return r->num[i].region;
	/* 223 is Mali's country code: 22380001101 is 80001101. */
	if (strncmp(d, "223", 3) == 0 && d[3] != '\0')
		for (unsigned i = 0; i < r->nnum; i++)
			if (strcmp(r->num[i].digits, d + 3) == 0)
				return r->num[i].region;
	return NULL;
}

static void
fill_queue(const struct queue *q, struct route_queue *out)
{
	out->id = q->id;
	out->kind = q->kind;
	out->region = q->region;
	out->security_forces = q->security_forces;
	out->escalate_after_s = q->escalate_after;
	out->on_duty = q->on_duty;
	out->readers = q->readers;
}

int
route_queue(const struct routes *r, const char *id, struct route_queue *out)
{
	int i = id != NULL ? queue_index(r, id) : -1;

	if (i < 0)
		return -1;
	fill_queue(&r->q[i], out);
	return 0;
}

unsigned
route_queue_count(const struct routes *r)
{
	return r->nq;
}

int
route_queue_at(const struct routes *r, unsigned i, struct route_queue *out)
{
	if (i >= r->nq)
		return -1;
	fill_queue(&r->q[i], out);
	return 0;
}

int
route_category_valid(const struct routes *r, const char *category)
{
	return category_index(r, category) >= 0;
}
