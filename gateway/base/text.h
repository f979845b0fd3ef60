/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Text on the wire: what a data_coding value means on a given link, user
 * data headers, decoding to UTF-8, encoding from UTF-8 (GSM-7 when every
 * character fits, otherwise UCS-2), splitting an MT into SMS parts, and
 * how many characters a USSD screen holds. See 3GPP TS 23.038 §4
 * (SMS data coding), §5 (cell broadcast coding, used by some USSD
 * links) and SMPP 3.4 §5.2.19.
 *
 * Decoding never fails on bad input: what cannot be read becomes U+FFFD
 * and is counted, so a garbled part of a report is visible, not lost.
 */
#ifndef NV_TEXT_H
#define NV_TEXT_H

#include <stddef.h>
#include <stdint.h>

struct fallback;

enum text_coding {
	TEXT_GSM7,		/* GSM 03.38 default alphabet */
	TEXT_ASCII,		/* IA5 */
	TEXT_LATIN1,		/* ISO-8859-1 */
	TEXT_UCS2,		/* UTF-16BE; surrogate pairs accepted */
	TEXT_BINARY,		/* 8-bit data: not text */
};

/* How one link reads and writes data_coding (from its configuration). */
struct text_link {
	int dcs0_latin1;	/* data_coding 0 is Latin-1 here, not GSM-7 */
	int dcs1_gsm7;		/* data_coding 1 carries GSM-7 (node-smpp) */
	int gsm7_packed;	/* GSM-7 arrives packed (seldom over SMPP) */
	int cbs_scheme;		/* USSD link: data_coding is a CBS DCS (§5) */
	uint8_t gsm7_dcs;	/* data_coding we send for GSM-7 (0 or 0x0f) */
};

/* Room for the UTF-8 of n octets of user data in any coding, with NUL. */
#define TEXT_UTF8_MAX(n) (3u * (n) + 4u)

/*
 * What data_coding means on this link. For a CBS 0x11 (UCS-2 preceded by
 * a two-character language), *lang_prefix is set to 1.
 */
enum text_coding text_coding_of(uint8_t dcs, const struct text_link *lk,
    int *lang_prefix);
const char *text_coding_name(enum text_coding c);

/* A user data header (TS 23.040 §9.2.3.24), as far as numvert needs it. */
struct text_udh {
	size_t len;		/* octets of the header with its length octet */
	int concat;		/* a concatenation element was present */
	uint16_t ref;
	int ref16;		/* IEI 0x08 (16-bit reference) rather than 0x00 */
	uint8_t total;
	uint8_t seq;
};

/*
 * Reads the header at the start of ud[0..len) (esm_class had UDHI set).
 * Returns 0, or -1 when the header or one of its elements runs past the
 * end. The last concatenation element wins if there are several.
 */
int text_udh_parse(const uint8_t *ud, size_t len, struct text_udh *udh);

/*
 * Decodes user data (without its header; for packed GSM-7 after a header
 * of udh_len octets, the fill bits are derived from it) to UTF-8 into out
 * (size >= TEXT_UTF8_MAX(len) never truncates). Returns the UTF-8 length;
 * *bad (if not NULL) counts the characters replaced by U+FFFD. Binary
 * data is rendered as nothing and counted bad.
 */
size_t text_decode(uint8_t dcs, const struct text_link *lk, const uint8_t *ud,
    size_t len, size_t udh_len, char *out, size_t size, unsigned *bad);

enum text_force {
	TEXT_AUTO,		/* GSM-7 if it all fits, else UCS-2 */
	TEXT_FORCE_GSM7,	/* fallback renderings, then '?' */
	TEXT_FORCE_UCS2,
};

/* An encoded text, ready to be split into parts. */
struct text_enc {
	enum text_coding coding;	/* GSM7, UCS2, or LATIN1 (dc 0 links) */
	uint8_t dcs;
	uint8_t *data;			/* septets (unpacked) or UTF-16BE */
	size_t len;			/* octets */
	unsigned replaced;		/* characters that became '?' */
};

/*
 * Encodes UTF-8 for the wire. fb and lang (either may be NULL) give the
 * GSM-7 renderings used under TEXT_FORCE_GSM7. On a link where data_coding
 * 0 means Latin-1, GSM-7 text goes out as Latin-1 octets with dc 0 (the
 * SMSC converts it). Returns 0, or -1 when the input is not valid UTF-8.
 * enc->data is allocated: text_enc_free().
 */
int text_encode(const char *utf8, size_t len, enum text_force force,
    const struct text_link *lk, const struct fallback *fb,
    const char *lang, struct text_enc *enc);
void text_enc_free(struct text_enc *enc);

/* Characters a text takes in a coding: GSM-7 septets (extension
 * characters count two) or UTF-16 units; -1 if GSM-7 cannot carry it. */
long text_units(const char *utf8, size_t len, enum text_coding c);

enum text_split {
	TEXT_SPLIT_UDH8,	/* 153 septets / 67 UCS-2 per part */
	TEXT_SPLIT_UDH16,	/* 152 / 66 */
	TEXT_SPLIT_SAR,		/* 153 / 67, the reference in SAR TLVs */
	TEXT_SPLIT_PAYLOAD,	/* one message_payload, no split */
};

/* One SMS part. With a UDH method, data starts with the header. */
struct text_part {
	uint8_t data[160];	/* 6..7 octets of UDH + 153 septets at most */
	size_t len;
	int udh;		/* data starts with a UDH (set esm_class 0x40) */
	uint8_t seq, total;	/* 1-based; total 1 for a single part */
	uint16_t ref;
};

/*
 * Splits an encoded text into SMS parts: one part without a header when
 * it fits (160 septets, 70 UCS-2 units), otherwise parts of the sizes
 * above, never cutting an escape sequence or a surrogate pair. Returns
 * the number of parts, or -1 when more than max_parts (or nparts) would
 * be needed. TEXT_SPLIT_PAYLOAD returns 0: the caller sends enc whole.
 */
int text_segment(const struct text_enc *enc, enum text_split how,
    uint16_t ref, unsigned max_parts, struct text_part *parts, size_t nparts);

/*
 * Whether a USSD screen holds the text in a coding with the link's
 * limits (182 GSM-7 septets, 80 UCS-2 characters by default, or a lower
 * budget). Returns the characters used, or -1 when it does not fit.
 */
long text_screen_fit(const char *utf8, size_t len, enum text_coding c,
    unsigned limit);

#endif
