/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "fold.h"

#include <stdint.h>
#include <string.h>

#include "base/utf8.h"

/*
 * U+00C0..U+024F (Latin-1 Supplement letters, Latin Extended-A and -B)
 * and U+1E00..U+1EFF (Latin Extended Additional): the ASCII a letter
 * folds to. Generated from Python 3.11's unicodedata (Unicode 14.0):
 * the NFD decomposition without its combining marks, lower-cased; the
 * letters that have no decomposition were written by hand (ß ss, æ ae,
 * œ oe, ø o, đ d, ł l, ŋ ng, Ɲ ny, Ɣ gh, Ɛ e, Ɔ o, ...). "" means the
 * table has no ASCII for it: the letter is kept as it is.
 */
static const char latin_a[0x250 - 0xc0][3] = {
	/* U+00C0 */ "a", "a", "a", "a", "a", "a", "ae", "c",
	/* U+00C8 */ "e", "e", "e", "e", "i", "i", "i", "i",
	/* U+00D0 */ "d", "n", "o", "o", "o", "o", "o", "",
	/* U+00D8 */ "o", "u", "u", "u", "u", "y", "th", "ss",
	/* U+00E0 */ "a", "a", "a", "a", "a", "a", "ae", "c",
	/* U+00E8 */ "e", "e", "e", "e", "i", "i", "i", "i",
	/* U+00F0 */ "d", "n", "o", "o", "o", "o", "o", "",
	/* U+00F8 */ "o", "u", "u", "u", "u", "y", "th", "y",
	/* U+0100 */ "a", "a", "a", "a", "a", "a", "c", "c",
	/* U+0108 */ "c", "c", "c", "c", "c", "c", "d", "d",
	/* U+0110 */ "d", "d", "e", "e", "e", "e", "e", "e",
	/* U+0118 */ "e", "e", "e", "e", "g", "g", "g", "g",
	/* U+0120 */ "g", "g", "g", "g", "h", "h", "h", "h",
	/* U+0128 */ "i", "i", "i", "i", "i", "i", "i", "i",
	/* U+0130 */ "i", "i", "ij", "ij", "j", "j", "k", "k",
	/* U+0138 */ "k", "l", "l", "l", "l", "l", "l", "l",
	/* U+0140 */ "l", "l", "l", "n", "n", "n", "n", "n",
	/* U+0148 */ "n", "n", "ng", "ng", "o", "o", "o", "o",
	/* U+0150 */ "o", "o", "oe", "oe", "r", "r", "r", "r",
	/* U+0158 */ "r", "r", "s", "s", "s", "s", "s", "s",
	/* U+0160 */ "s", "s", "t", "t", "t", "t", "t", "t",
	/* U+0168 */ "u", "u", "u", "u", "u", "u", "u", "u",
	/* U+0170 */ "u", "u", "u", "u", "w", "w", "y", "y",
	/* U+0178 */ "y", "z", "z", "z", "z", "z", "z", "s",
	/* U+0180 */ "b", "b", "", "", "", "", "o", "",
	/* U+0188 */ "", "d", "d", "", "", "", "e", "e",
	/* U+0190 */ "e", "f", "f", "g", "gh", "", "i", "i",
	/* U+0198 */ "k", "k", "l", "", "", "ny", "n", "o",
	/* U+01A0 */ "o", "o", "oi", "oi", "p", "p", "r", "",
	/* U+01A8 */ "", "sh", "", "t", "t", "t", "t", "u",
	/* U+01B0 */ "u", "u", "v", "y", "y", "z", "z", "z",
	/* U+01B8 */ "", "", "", "", "", "", "", "w",
	/* U+01C0 */ "", "", "", "", "dz", "dz", "dz", "lj",
	/* U+01C8 */ "lj", "lj", "nj", "nj", "nj", "a", "a", "i",
	/* U+01D0 */ "i", "o", "o", "u", "u", "u", "u", "u",
	/* U+01D8 */ "u", "u", "u", "u", "u", "e", "a", "a",
	/* U+01E0 */ "a", "a", "", "", "g", "g", "g", "g",
	/* U+01E8 */ "k", "k", "o", "o", "o", "o", "", "",
	/* U+01F0 */ "j", "dz", "dz", "dz", "g", "g", "hv", "w",
	/* U+01F8 */ "n", "n", "a", "a", "", "", "", "",
	/* U+0200 */ "a", "a", "a", "a", "e", "e", "e", "e",
	/* U+0208 */ "i", "i", "i", "i", "o", "o", "o", "o",
	/* U+0210 */ "r", "r", "r", "r", "u", "u", "u", "u",
	/* U+0218 */ "s", "s", "t", "t", "y", "y", "h", "h",
	/* U+0220 */ "n", "", "ou", "ou", "z", "z", "a", "a",
	/* U+0228 */ "e", "e", "o", "o", "o", "o", "o", "o",
	/* U+0230 */ "o", "o", "y", "y", "", "", "", "",
	/* U+0238 */ "", "", "a", "c", "c", "l", "t", "",
	/* U+0240 */ "", "", "", "b", "u", "", "e", "e",
	/* U+0248 */ "j", "j", "", "", "r", "r", "y", "y",
};

static const char latin_add[0x100][3] = {
	/* U+1E00 */ "a", "a", "b", "b", "b", "b", "b", "b",
	/* U+1E08 */ "c", "c", "d", "d", "d", "d", "d", "d",
	/* U+1E10 */ "d", "d", "d", "d", "e", "e", "e", "e",
	/* U+1E18 */ "e", "e", "e", "e", "e", "e", "f", "f",
	/* U+1E20 */ "g", "g", "h", "h", "h", "h", "h", "h",
	/* U+1E28 */ "h", "h", "h", "h", "i", "i", "i", "i",
	/* U+1E30 */ "k", "k", "k", "k", "k", "k", "l", "l",
	/* U+1E38 */ "l", "l", "l", "l", "l", "l", "m", "m",
	/* U+1E40 */ "m", "m", "m", "m", "n", "n", "n", "n",
	/* U+1E48 */ "n", "n", "n", "n", "o", "o", "o", "o",
	/* U+1E50 */ "o", "o", "o", "o", "p", "p", "p", "p",
	/* U+1E58 */ "r", "r", "r", "r", "r", "r", "r", "r",
	/* U+1E60 */ "s", "s", "s", "s", "s", "s", "s", "s",
	/* U+1E68 */ "s", "s", "t", "t", "t", "t", "t", "t",
	/* U+1E70 */ "t", "t", "u", "u", "u", "u", "u", "u",
	/* U+1E78 */ "u", "u", "u", "u", "v", "v", "v", "v",
	/* U+1E80 */ "w", "w", "w", "w", "w", "w", "w", "w",
	/* U+1E88 */ "w", "w", "x", "x", "x", "x", "y", "y",
	/* U+1E90 */ "z", "z", "z", "z", "z", "z", "h", "t",
	/* U+1E98 */ "w", "y", "", "", "", "", "", "",
	/* U+1EA0 */ "a", "a", "a", "a", "a", "a", "a", "a",
	/* U+1EA8 */ "a", "a", "a", "a", "a", "a", "a", "a",
	/* U+1EB0 */ "a", "a", "a", "a", "a", "a", "a", "a",
	/* U+1EB8 */ "e", "e", "e", "e", "e", "e", "e", "e",
	/* U+1EC0 */ "e", "e", "e", "e", "e", "e", "e", "e",
	/* U+1EC8 */ "i", "i", "i", "i", "o", "o", "o", "o",
	/* U+1ED0 */ "o", "o", "o", "o", "o", "o", "o", "o",
	/* U+1ED8 */ "o", "o", "o", "o", "o", "o", "o", "o",
	/* U+1EE0 */ "o", "o", "o", "o", "u", "u", "u", "u",
	/* U+1EE8 */ "u", "u", "u", "u", "u", "u", "u", "u",
	/* U+1EF0 */ "u", "u", "y", "y", "y", "y", "y", "y",
	/* U+1EF8 */ "y", "y", "", "", "", "", "", "",
};

/* Letters of the IPA block used by the national languages' orthographies. */
static const char *
ipa_letter(uint32_t cp)
{
	switch (cp) {
	case 0x0253: return "b";	/* ɓ Fulfulde */
	case 0x0254: return "o";	/* ɔ Bambara, Songhai */
	case 0x0257: return "d";	/* ɗ Fulfulde */
	case 0x0259: return "e";	/* ə Tamasheq */
	case 0x025b: return "e";	/* ɛ Bambara, Songhai */
	case 0x0263: return "gh";	/* ɣ Tamasheq */
	case 0x0272: return "ny";	/* ɲ Bambara, Songhai */
	case 0x0283: return "sh";	/* ʃ older Tamasheq spellings */
	case 0x0292: return "j";	/* ʒ as the GSM-7 fallback table has ž */
	default: return NULL;
	}
}

/*
 * What a code point folds to: a letter sequence (returned), a separator
 * (*sep set), or nothing at all (combining marks: NULL, *sep clear).
 * *keep is set when the character stays as it is.
 */
static const char *
fold_cp(uint32_t cp, char ascii[2], int *sep, int *keep)
{
	*sep = *keep = 0;
	if (cp < 0x80) {
		if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
			ascii[0] = (char)cp;
			ascii[1] = '\0';
			return ascii;
		}
		if (cp >= 'A' && cp <= 'Z') {
			ascii[0] = (char)(cp - 'A' + 'a');
			ascii[1] = '\0';
			return ascii;
		}
		*sep = 1;
		return NULL;
	}
	if (cp == 0xf1 || cp == 0xd1)
		return "ny";	/* ñ: Fulfulde's spelling of ɲ */
	if (cp >= 0xc0 && cp < 0x250 && latin_a[cp - 0xc0][0] != '\0')
		return latin_a[cp - 0xc0];
	if (cp >= 0x1e00 && cp < 0x1f00 && latin_add[cp - 0x1e00][0] != '\0')
		return latin_add[cp - 0x1e00];
	if (ipa_letter(cp) != NULL)
		return ipa_letter(cp);
	if (cp >= 0x300 && cp < 0x370)
		return NULL;	/* combining marks: decomposed accents */
	/* Latin-1 punctuation and signs (incl. NBSP, « », ×, ÷), general
	 * punctuation (’ dashes, thin spaces), U+FFFD from a bad octet. */
	if (cp < 0xc0 || cp == 0xd7 || cp == 0xf7 ||
	    (cp >= 0x2000 && cp < 0x2070) || cp == 0x3000 ||
	    cp == UTF8_REPLACEMENT) {
		*sep = 1;
		return NULL;
	}
	*keep = 1;
	return NULL;
}

/* Appends n octets; 0 when they do not fit (room for the NUL kept). */
static int
put(char *out, size_t size, size_t *o, const char *s, size_t n)
{
	if (*o + n + 1 > size)
		return 0;
	memcpy(out + *o, s, n);
	*o += n;
	return 1;
}

size_t
fold_text(const char *s, size_t len, char *out, size_t size)
{
	size_t off = 0, o = 0, k, word = 0;
	int pending = 0, sep, keep;	/* pending: a separator before the next word */
	uint32_t cp;
	char ascii[2];

	if (size == 0)
		return 0;
	while ((k = utf8_next(s + off, len - off, &cp, NULL)) > 0) {
		const char *f = fold_cp(cp, ascii, &sep, &keep);
		const char *piece = keep ? s + off : f;
		size_t n = keep ? k : f != NULL ? strlen(f) : 0;

		off += k;
		if (sep) {
			pending = o > 0;
			continue;
		}
		if (n == 0)
			continue;
		if (pending) {
			word = o;
			if (!put(out, size, &o, " ", 1))
				goto cut;
			pending = 0;
		}
		if (!put(out, size, &o, piece, n))
			goto cut;
	}
	out[o] = '\0';
	return o;
cut:
	/* A cut word could match a shorter name: drop it whole. */
	o = word;
	out[o] = '\0';
	return o;
}
