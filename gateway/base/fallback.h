/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * GSM-7 fallback renderings: per language, how to write a letter the GSM
 * 03.38 alphabet lacks with letters it has (the older Malian spellings:
 * ɛ as è, ɔ as ò, ɲ as ny). The table is a YAML file translators read
 * and change (menus/gsm7-fallback.yaml); every rendering in it must
 * itself be GSM-7, which loading checks.
 */
#ifndef NV_FALLBACK_H
#define NV_FALLBACK_H

#include <stddef.h>

struct fallback;

/* Loads the table. Returns NULL with *cause (caller frees) naming the
 * file, the line and the fault. */
struct fallback *fb_load(const char *path, char **cause);
void fb_free(struct fallback *fb);

/* The review status the file records ("draft" until native speakers
 * have checked it). */
const char *fb_status(const struct fallback *fb);

/*
 * Rewrites utf8 for GSM-7 with the rules of lang, then the default
 * rules; characters GSM-7 has stay as they are, others without a rule
 * become '?', counted in *unmapped (if not NULL). fb may be NULL (only
 * '?'). Returns an allocated string the caller frees.
 */
char *fb_apply(const struct fallback *fb, const char *lang, const char *utf8,
    size_t len, unsigned *unmapped);

#endif
