/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The simulator's own text coding: UTF-8 to and from the GSM 03.38
 * default alphabet (unpacked, one septet per octet, with the extension
 * table), Latin-1 and UCS-2. It is deliberately independent of the
 * daemon's coding in gateway/base, so a mistake there cannot cancel
 * itself out in a test.
 */
#ifndef NV_SIM_TEXT_H
#define NV_SIM_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* How an MO's text is encoded. */
enum sim_enc {
	SIM_ENC_AUTO,		/* GSM-7 if every character fits, else UCS-2 */
	SIM_ENC_GSM7,
	SIM_ENC_LATIN1,
	SIM_ENC_UCS2,
};

/* data_coding values (SMPP 3.4 §5.2.19). */
#define SIM_DC_GSM7 0x00	/* SMSC default alphabet (0) */
#define SIM_DC_IA5 0x01		/* IA5 / ASCII (1) */
#define SIM_DC_LATIN1 0x03	/* ISO-8859-1 (3) */
#define SIM_DC_UCS2 0x08	/* UCS-2 (8) */
#define SIM_DC_USSD_GSM7 0x0f	/* CBS DCS "GSM 7-bit, language unspecified" (15) */

/* Parses "auto", "gsm7", "latin1", "ucs2". Returns 0 or -1. */
int sim_enc_parse(const char *s, enum sim_enc *out);
const char *sim_enc_name(enum sim_enc e);

/*
 * Encodes NUL-terminated UTF-8 into out. gsm7_dc is the data_coding to
 * announce for GSM-7 (0x00 normally, 0x0f on some USSD links). Returns
 * 0 with *len and *dc, or -1 with *err (invalid UTF-8, a character the
 * encoding lacks, or out too small).
 */
int sim_text_encode(enum sim_enc enc, uint8_t gsm7_dc, const char *utf8,
    uint8_t *out, size_t outsz, size_t *len, uint8_t *dc, const char **err);

/*
 * Decodes len octets of data_coding dc into NUL-terminated UTF-8.
 * Returns 0, or -1 with *err when the octets are not valid in that
 * coding (an octet above 0x7f in GSM-7, a lone escape, an odd UCS-2
 * length, a lone surrogate, an unsupported dc); the output then holds
 * a best-effort text with U+FFFD for what could not be read.
 */
int sim_text_decode(uint8_t dc, const uint8_t *in, size_t len, char *out,
    size_t outsz, const char **err);

/* 1 if s is valid UTF-8 (no overlongs, no surrogates). */
int sim_utf8_valid(const char *s, size_t len);

#endif
