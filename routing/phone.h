/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Phone numbers as carriers deliver them (source_addr with its TON and
 * NPI) and as people write them, brought to E.164 so that one sender is
 * one key. The only user of libphonenumber, and the project's only C++
 * (phone.cc); this header is plain C.
 *
 * It normalises, it does not validate: a Mali number is 8 digits after
 * +223 whatever its prefix, because Debian's libphonenumber 8.12.57 does
 * not know prefixes in service today (52, 53, 85) and a hotline must not
 * turn an informant away for that (docs/phone.md). Nothing here logs.
 */
#ifndef NV_PHONE_H
#define NV_PHONE_H

#ifdef __cplusplus
extern "C" {
#endif

#define PHONE_E164_MAX 17	/* "+" + 15 digits + NUL */

enum phone_kind {
	PHONE_MOBILE,
	PHONE_FIXED,
	PHONE_TOLL_FREE,
	PHONE_OTHER_ML,		/* 8 Mali digits of no known range */
	PHONE_FOREIGN,
};

/* Initialises libphonenumber once (its first call takes ms). 0 or -1. */
int phone_init(void);

/*
 * Normalises an address as a carrier delivered it (source_addr with its
 * TON and NPI; pass -1 for unknown) or as a person wrote it (+223 70 00
 * 00 41, 0022370000041, 22370000041, 70000041, "70 00 00 41",
 * dots/dashes/spaces, foreign numbers) to E.164 ("+22370000041") in out.
 * Returns 0, or -1 when addr cannot be a subscriber number (empty,
 * letters, a short code of fewer than 8 digits, too long); out is then
 * "". Never rejects a Mali number because the (old) metadata does not
 * know its prefix. kind may be NULL. Thread-safe.
 */
int phone_normalise(const char *addr, int ton, int npi,
    char out[PHONE_E164_MAX], enum phone_kind *kind);

/*
 * The Mali carrier a number's prefix was allocated to: "orange", "moov"
 * (Sotelma/Malitel) or "telecel" (Atel); NULL if unknown, foreign or not
 * a normalised Mali number ("+223" and 8 digits). A prefix is not proof:
 * a ported number keeps its prefix, so the link a message came in on is
 * the authority on its carrier.
 */
const char *phone_carrier(const char *e164);

#ifdef __cplusplus
}
#endif

#endif
