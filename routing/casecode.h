/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Case codes: what a citizen gets at the end of a report and types again
 * (a menu entry, or *code# on USSD) to read its status and an operator's
 * question, and to answer or add details. No phone number is needed for
 * that (DESIGN.md §4; reporting-anchors.md §C.2 items 9 and 10).
 *
 * A code is 8 uniformly random digits and a Verhoeff check digit: 9
 * digits, keypad-only. The check digit catches every single-digit
 * substitution and every swap of two adjacent digits, the usual slips on
 * a keypad, before the code costs the citizen one of the day's attempts.
 * The database never holds a code: only cc_hash(), a keyed BLAKE2b under
 * a key outside the database, so that a copy of the database cannot be
 * matched against the 10^8 possible codes (an unkeyed or merely slow hash
 * of 10^8 values falls in seconds to hours).
 *
 * The module is pure: no database, no clock. The integrator stores the
 * hash in reports.case_hash (UNIQUE) and, as with any 10^8 space, must
 * draw a new code when that insert finds the hash taken: by the birthday
 * bound two of 10,000 cases share a code with probability about 0.4.
 *
 * Wrong codes are counted per pseudonym and calendar day (cc_guard): a
 * few per day, then the path is locked until 00:00 UTC. Only a
 * well-formed code (CC_OK) that matches no case is a wrong code; input
 * the parser rejects is a typo, not a guess (anybody can compute a
 * check digit, so it reveals nothing), and must not be counted.
 *
 * A code is a bearer secret: never log it (the logger's digit filter
 * would redact it anyway) and wipe buffers that held one (cry_wipe).
 */
#ifndef NV_CASECODE_H
#define NV_CASECODE_H

#include <stddef.h>
#include <stdint.h>

#define CC_RANDOM_DIGITS 8	/* uniformly random digits */
#define CC_LEN 9		/* with the check digit, which is last */
#define CC_HASH_LEN 32		/* octets of cc_hash(), reports.case_hash */
#define CC_KEY_LEN 32

/* A new code: CC_LEN ASCII digits and a NUL. cry_init() first. */
void cc_new(char out[CC_LEN + 1]);

/*
 * The Verhoeff check digit ('0'..'9') of n ASCII digits, or -1 if one
 * is not a digit. Exposed for the tests and the menu lint.
 */
int cc_check_digit(const char *digits, size_t n);

enum cc_result {
	CC_OK = 0,		/* out holds the 9 digits */
	CC_NOT_A_CODE = -1,	/* not 9 digits: "that is not a case code" */
	CC_BAD_CHECK = -2,	/* 9 digits, check fails: "check and retype" */
};

/*
 * Reads a code as a citizen types it on a keypad or in an SMS: ASCII or
 * Arabic-Indic digits (phones set to Arabic, in the north), separated
 * anywhere by spaces, tabs, line breaks, '-', '.', or a no-break, narrow
 * no-break or thin space; one '*' or '#' may come first and one last
 * ("*123456789#", "123 456 789", "123-456-789"), and white space around
 * it all. Anything else, more than NV_CC_INPUT_MAX octets, or other than
 * 9 digits is CC_NOT_A_CODE. Both failures leave out empty ("").
 * Every result < 0 is a failure, so callers may test for 0 / -1.
 */
enum cc_result cc_parse(const char *in, char out[CC_LEN + 1]);

/*
 * The same reading for a code followed by words ("123 456 789 ils sont
 * partis"): what follows the ninth digit (after separators and one
 * mark) is not read; the code may take at most NV_CC_INPUT_MAX octets
 * (a tenth digit makes it no code). *rest points after it (and
 * the white space after it) when 9 digits were read (CC_OK or
 * CC_BAD_CHECK), else at in.
 */
enum cc_result cc_parse_lead(const char *in, char out[CC_LEN + 1],
    const char **rest);

/*
 * The keyed hash stored for a code: BLAKE2b-256 under key, context
 * "numvert-case-code" (domain-separated from every other hash under the
 * same key). The key must outlive every open case, so it comes from the
 * key store, never from the pseudonym epoch. Returns 0, or -1 (out
 * zeroed) when code is not 9 digits with a valid check digit.
 */
int cc_hash(const uint8_t key[CC_KEY_LEN], const char code[CC_LEN + 1],
    uint8_t out[CC_HASH_LEN]);

/*
 * The daily lockout for wrong codes, per pseudonym (routing/pseudo.h).
 *
 * A day is a calendar day in UTC, which is Mali's civil time: Africa/
 * Bamako is UTC+0 all year and has no daylight saving time (tzdata:
 * "GMT" since 1960), so "locked for the day" means until 00:00 UTC, the
 * citizen's midnight, with no zone arithmetic to get wrong. A locked
 * pseudonym stays locked even if the clock goes back a day; a count
 * from an earlier day is forgotten once the day changes.
 *
 * A right code does not reset the count: otherwise anybody holding one
 * valid code (their own report's) could interleave it between guesses
 * and guess without limit. The count also lives no longer than the
 * pseudonym: a new pseudonym epoch starts from zero (epochs last at
 * least a day).
 *
 * Memory is bounded: at most NV_CC_TRACKED_MAX pseudonyms, allocated
 * whole in cc_guard_new (about 3.5 MB); past it the least recently seen
 * is forgotten, its count starting again. Only a wrong code adds a
 * pseudonym, so forgetting a locked one takes that many other
 * pseudonyms entering wrong codes after its last attempt: many SIMs,
 * each of which has its own attempts anyway. Every call is O(1).
 * Pseudonyms are keyed hashes: nobody can choose them to collide.
 *
 * In memory only (a restart forgets the counts: no number-linked state
 * on disk). Not thread-safe: one guard per thread, or the caller's lock.
 */
struct cc_guard;

/* NULL unless 1 <= max_wrong_per_day <= NV_CC_WRONG_MAX. */
struct cc_guard *cc_guard_new(unsigned max_wrong_per_day);
void cc_guard_free(struct cc_guard *g);	/* wipes what it held; NULL ok */

/* 1 if pn may not try a code today (ask before prompting), else 0. */
int cc_guard_locked(struct cc_guard *g, const uint8_t pn[16], int64_t now);

/*
 * Records a wrong code (a CC_OK code matching no case). Returns 1 when
 * pn is locked after it (this was the last attempt of the day, or it
 * was locked already), else 0.
 */
int cc_guard_wrong(struct cc_guard *g, const uint8_t pn[16], int64_t now);

/*
 * Records a right code: the count stays (see above); the pseudonym is
 * only marked as recently seen. One call per outcome keeps that rule
 * here rather than in every menu.
 */
void cc_guard_ok(struct cc_guard *g, const uint8_t pn[16]);

/* Pseudonyms tracked now (at most NV_CC_TRACKED_MAX). */
size_t cc_guard_tracked(const struct cc_guard *g);

#endif
