/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Folding text for place-name matching: "Ségou", "SEGOU", "Segou" and
 * "ségou" are one name; "Gourma-Rharous", "Gourma Rharous" and
 * "Gourma'Rharous" too. Citizens type on phones without accents, with
 * GSM-7's few accented capitals, or with the national languages' letters
 * (ɛ ɔ ɲ ŋ ...); place files are written with accents. Both sides go
 * through the same fold, so neither has to guess the other's spelling.
 *
 * The result is lower-case ASCII words separated by one space, without
 * leading or trailing space:
 * - Latin letters lose their diacritics (é è ê ë -> e, ç -> c, ï -> i,
 *   also decomposed input: e + U+0301 -> e);
 * - letters without a decomposition get their usual Malian rendering:
 *   ɛ -> e, ɔ -> o, ɲ -> ny, ñ -> ny (Fulfulde writes ɲ as ñ), ŋ -> ng,
 *   ɣ -> gh, ə/ǝ -> e, ɓ -> b, ɗ -> d, ƴ -> y, ß -> ss, æ -> ae, œ -> oe;
 * - every other ASCII character that is not a letter or a digit, and
 *   punctuation and spaces outside ASCII (’ « » non-breaking spaces,
 *   dashes), separate words: hyphen, apostrophe and space are one;
 * - any other character (another script, a letter we do not know) is
 *   kept as it is and belongs to its word: it can only match itself;
 * - an invalid UTF-8 octet separates words.
 */
#ifndef NV_FOLD_H
#define NV_FOLD_H

#include <stddef.h>

/*
 * Folds s[0..len) into out. The fold never makes a text longer than
 * len + 1 octets, so size >= len + 1 always holds the whole result.
 * Returns the length written (without the NUL); a smaller buffer cuts
 * the result at a word boundary and out stays NUL-terminated.
 */
size_t fold_text(const char *s, size_t len, char *out, size_t size);

#endif
