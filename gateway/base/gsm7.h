/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The GSM 7-bit default alphabet and its extension table (3GPP TS 23.038
 * §6.2.1 and §6.2.1.1), septet packing (§6.1.2.1) and the USSD packing
 * rule for 8n-1 septets (§6.1.2.3.1).
 *
 * "Septets" here are unpacked: one septet per octet, values 0..127, as
 * SMPP carries GSM text. Packing is for the few links and the USSD
 * strings that carry packed septets.
 */
#ifndef NV_GSM7_H
#define NV_GSM7_H

#include <stddef.h>
#include <stdint.h>

#define GSM7_ESC 0x1bu

/*
 * The septets of one code point: returns 1 (default alphabet), 2 (ESC +
 * extension code) or 0 when cp has no GSM-7 form. out gets them.
 */
unsigned gsm7_from_ucs(uint32_t cp, uint8_t out[2]);

/*
 * Decodes n unpacked septets to UTF-8 into out (size octets, always
 * NUL-terminated, cut at a character boundary when too small). Returns
 * the octets written without the NUL. Invalid input never stops the
 * decoder: a value above 127 or an ESC at the very end becomes U+FFFD and
 * is counted in *bad (if not NULL); ESC before a code the extension
 * table lacks shows the default-alphabet character (§6.2.1.1), and
 * ESC ESC a space, as the specification asks.
 */
size_t gsm7_to_utf8(const uint8_t *sept, size_t n, char *out, size_t size,
    unsigned *bad);

/*
 * Encodes UTF-8 to unpacked septets. Returns the septets written, or -1
 * (nothing usable) when a character has no GSM-7 form or out is too
 * small; *unmappable (if not NULL) gets the first such code point.
 */
long gsm7_from_utf8(const char *s, size_t len, uint8_t *out, size_t size,
    uint32_t *unmappable);

/* Septets s needs in GSM-7 (extension characters count 2), or -1. */
long gsm7_count(const char *s, size_t len);

/*
 * Packs n septets into octets, after fill_bits (0..6) zero bits that align
 * the text behind a user data header. Returns the octets written, or 0
 * if out is too small.
 */
size_t gsm7_pack(const uint8_t *sept, size_t n, unsigned fill_bits,
    uint8_t *out, size_t size);

/*
 * Unpacks nsept septets from octets[0..len) after fill_bits. Returns the
 * septets written (fewer if len is short).
 */
size_t gsm7_unpack(const uint8_t *oct, size_t len, unsigned fill_bits,
    size_t nsept, uint8_t *sept);

/*
 * USSD: packs with the §6.1.2.3.1 rule (8n-1 septets get a CR in the
 * spare bits, and a text that ends in CR on an octet boundary gets a
 * second CR) and unpacks, dropping the padding CR of 8n-1 septets only:
 * the second CR after a wanted one stays, as the specification's
 * receiver "performs the carriage return function twice". USSD strings
 * carry no septet count: it is derived from the octet count.
 */
size_t gsm7_pack_ussd(const uint8_t *sept, size_t n, uint8_t *out,
    size_t size);
size_t gsm7_unpack_ussd(const uint8_t *oct, size_t len, uint8_t *sept,
    size_t max);

#endif
