/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "fallback.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gsm7.h"
#include "utf8.h"
#include "xmalloc.h"
#include "yamldoc.h"

/* A rendering: a handful of GSM-7 letters ("ny", "gh", "..."). */
#define FB_OUT_MAX 8

struct rule {
	uint32_t cp;
	char out[FB_OUT_MAX + 1];
};

struct rules {
	char lang[16];
	struct rule *r;		/* sorted by cp */
	size_t n;
};

struct fallback {
	char status[32];
	struct rules *langs;	/* langs[0] is "default" */
	size_t nlangs;
};

static int
rule_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct rule *)a)->cp, y = ((const struct rule *)b)->cp;

	return x < y ? -1 : x > y;
}

/* One "letter: rendering" pair; returns 0 or -1 with *cause. */
static int
load_rule(const struct ydoc *d, ynode k, ynode v, const char *path,
    struct rule *out, char **cause)
{
	size_t klen, vlen;
	const char *ks = ydoc_scalar(d, k, &klen), *vs = ydoc_scalar(d, v, &vlen);
	uint8_t sept[2];
	uint32_t cp;

	if (ks == NULL || vs == NULL) {
		*cause = xasprintf("%s:%u: expected letter: rendering", path,
		    ydoc_line(d, k));
		return -1;
	}
	if (!utf8_valid(ks, klen) || utf8_next(ks, klen, &cp, NULL) != klen) {
		*cause = xasprintf("%s:%u: '%s' is not one letter", path,
		    ydoc_line(d, k), ks);
		return -1;
	}
	if (gsm7_from_ucs(cp, sept) != 0) {
		*cause = xasprintf("%s:%u: '%s' is already in GSM-7: a rule "
		    "for it would never apply", path, ydoc_line(d, k), ks);
		return -1;
	}
	if (vlen > FB_OUT_MAX || gsm7_count(vs, vlen) < 0) {
		*cause = xasprintf("%s:%u: the rendering of '%s' must be at "
		    "most %u GSM-7 characters (got '%s')", path,
		    ydoc_line(d, v), ks, FB_OUT_MAX, vs);
		return -1;
	}
	out->cp = cp;
	memcpy(out->out, vs, vlen + 1);
	return 0;
}

static int
load_lang(const struct ydoc *d, ynode key, ynode map, const char *path,
    struct rules *rs, char **cause)
{
	const char *name = ydoc_scalar(d, key, NULL);
	size_t n = ydoc_count(d, map);

	if (name == NULL || strlen(name) >= sizeof rs->lang ||
	    ydoc_kind(d, map) != Y_MAP) {
		*cause = xasprintf("%s:%u: expected a language code and a "
		    "mapping of letter: rendering", path, ydoc_line(d, key));
		return -1;
	}
	snprintf(rs->lang, sizeof rs->lang, "%s", name);
	rs->r = xcalloc(n ? n : 1, sizeof *rs->r);
	for (size_t i = 0; i < n; i++)
		if (load_rule(d, ydoc_key(d, map, i), ydoc_value(d, map, i),
		    path, &rs->r[rs->n++], cause) != 0)
			return -1;
	qsort(rs->r, rs->n, sizeof *rs->r, rule_cmp);
	for (size_t i = 1; i < rs->n; i++) {
		if (rs->r[i].cp == rs->r[i - 1].cp) {
			*cause = xasprintf("%s: [%s] has two rules for U+%04X",
			    path, rs->lang, (unsigned)rs->r[i].cp);
			return -1;
		}
	}
	return 0;
}

struct fallback *
fb_load(const char *path, char **cause)
{
	struct ydoc *d = ydoc_load(path, cause);
	struct fallback *fb;
	ynode root, status;
	size_t n;

	if (d == NULL)
		return NULL;
	fb = xcalloc(1, sizeof *fb);
	root = ydoc_root(d);
	status = ydoc_get(d, root, "status");
	if (ydoc_kind(d, root) != Y_MAP || ydoc_kind(d,
	    ydoc_get(d, root, "default")) != Y_MAP || status == 0) {
		*cause = xasprintf("%s: expected a mapping with 'status', "
		    "'default' and one mapping per language", path);
		goto fail;
	}
	snprintf(fb->status, sizeof fb->status, "%s",
	    ydoc_scalar(d, status, NULL) ? ydoc_scalar(d, status, NULL) : "");
	n = ydoc_count(d, root);
	fb->langs = xcalloc(n, sizeof *fb->langs);
	/* "default" first: fb_apply falls back to langs[0]. */
	for (size_t pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			const char *k = ydoc_scalar(d, ydoc_key(d, root, i), NULL);

			if (k == NULL || strcmp(k, "status") == 0 ||
			    (strcmp(k, "default") == 0) != (pass == 0))
				continue;
			if (load_lang(d, ydoc_key(d, root, i),
			    ydoc_value(d, root, i), path,
			    &fb->langs[fb->nlangs++], cause) != 0)
				goto fail;
		}
	}
	ydoc_free(d);
	return fb;
fail:
	ydoc_free(d);
	fb_free(fb);
	return NULL;
}

void
fb_free(struct fallback *fb)
{
	if (fb == NULL)
		return;
	for (size_t i = 0; i < fb->nlangs; i++)
		free(fb->langs[i].r);
	free(fb->langs);
	free(fb);
}

const char *
fb_status(const struct fallback *fb)
{
	return fb->status;
}

static const char *
find(const struct rules *rs, uint32_t cp)
{
	struct rule key = { .cp = cp };
	const struct rule *r;

	if (rs == NULL || rs->n == 0)
		return NULL;
	r = bsearch(&key, rs->r, rs->n, sizeof *rs->r, rule_cmp);
	return r != NULL ? r->out : NULL;
}

static const struct rules *
lang_rules(const struct fallback *fb, const char *lang)
{
	for (size_t i = 1; fb != NULL && lang != NULL && i < fb->nlangs; i++)
		if (strcmp(fb->langs[i].lang, lang) == 0)
			return &fb->langs[i];
	return NULL;
}

char *
fb_apply(const struct fallback *fb, const char *lang, const char *utf8,
    size_t len, unsigned *unmapped)
{
	const struct rules *lr = lang_rules(fb, lang);
	const struct rules *dr = fb != NULL && fb->nlangs > 0 ? &fb->langs[0] :
	    NULL;
	/* Each character becomes at most FB_OUT_MAX octets. */
	char *out = xreallocarray(NULL, len + 1, FB_OUT_MAX), u[4];
	size_t off = 0, o = 0, k;
	unsigned dummy = 0;
	uint8_t sept[2];
	uint32_t cp;

	if (unmapped == NULL)
		unmapped = &dummy;
	while ((k = utf8_next(utf8 + off, len - off, &cp, NULL)) > 0) {
		const char *r = NULL;

		off += k;
		if (gsm7_from_ucs(cp, sept) != 0) {
			size_t w = utf8_put(cp, u);

			memcpy(out + o, u, w);
			o += w;
			continue;
		}
		if ((r = find(lr, cp)) == NULL)
			r = find(dr, cp);
		if (r == NULL) {
			(*unmapped)++;
			r = "?";
		}
		memcpy(out + o, r, strlen(r));
		o += strlen(r);
	}
	out[o] = '\0';
	return out;
}
