/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Logging: one key=value line per event, written with a single write(2)
 * so lines from several threads never interleave.
 *
 *   ts=2026-11-23T01:36:53.123Z level=info link=orange conn=3 event=bound ...
 *
 * Untrusted bytes (anything a peer sent) go through log_q(), which quotes
 * and escapes them and masks digit runs that could be a phone number.
 * Every line is also passed through a last filter, after formatting,
 * that escapes control and non-ASCII octets, so no value can split or
 * forge a line, and that keeps phone numbers out even when a caller
 * forgot log_q() or formatted a number by mistake.
 *
 * The phone rule of the last filter (everything but the leading ts
 * field, which the logger writes itself): a number as written, that is
 * an optional '+', then digits, then any number of (one separator,
 * digits), where a separator is one space, tab, '.', '-' or '/' or one
 * UTF-8 no-break, narrow no-break or thin space, becomes "<redacted>"
 * when it counts 8 or more digits. Mali's numbers have 8 digits, 11
 * with 223 and 13 with 0022, so "+223 70 00 00 41", "70-00-00-41",
 * "0022370000041", "22370000041" and "70000041" all go, wherever they
 * sit (quoted, after '=', next to letters, at the end of the line).
 * Two shapes are kept because operators need them and nobody writes a
 * phone number that way:
 *   - a hex literal starting a token, "0x80000004" (command_status and
 *     command_id are logged as 0x%08x);
 *   - an IPv4 address as inet_ntop writes it (groups 0..255 without
 *     leading zeros) with a three-digit group or a ":port" after it;
 *     "76.12.34.56" alone is how a number is written, and goes.
 *
 * Trade-offs: any decimal value of 8 digits or more is lost, as are
 * two or more numbers in one value separated by single spaces or
 * dots when they add up to 8 digits ("1234 5678"). Today that means
 * counters, sequence numbers (seq=) and row ids (id=) from 10,000,000
 * on, byte counts from 10 MB, Unix times (10 digits: log ISO times
 * with 'T' and ':' instead, as ts is), dates written "2026-11-23"
 * outside ts, IPv4 addresses of four groups below 100 without a port
 * ("10.20.30.40"), and digits inside hexadecimal digests. Counters
 * below 10^7, ports, durations in ms and ts itself are untouched.
 * Callers that need to correlate larger values should log them in hex
 * (0x...) or as pseudonyms (routing/pseudo.h), never in decimal.
 *
 * Not caught: digits separated by anything else (two spaces, commas,
 * parentheses, letters: "70 00 00 41" with double spaces, "7O00OO41"),
 * digits written in other scripts, or text in UCS-2 passed as bytes to
 * log_q(). Those are why log_q() exists and values from outside must
 * still go through it.
 *
 * Cost: one pass over the formatted line with a look-ahead over each
 * number (every octet is read at most twice), no allocation.
 */
#ifndef NV_LOG_H
#define NV_LOG_H

#include <stddef.h>

#include "limits.h"

enum log_level {
	LOG_DEBUG,
	LOG_INFO,
	LOG_WARN,
	LOG_ERROR,
};

struct logger;

/* Size of a buffer that holds any log_q() result. */
#define LOG_QBUF (NV_LOG_VALUE_MAX * 4u + 16u)

/* Creates a logger writing to fd (not closed by log_free). */
struct logger *log_new(int fd, enum log_level min);
void log_free(struct logger *lg);
void log_set_level(struct logger *lg, enum log_level min);
int log_enabled(const struct logger *lg, enum log_level lvl);

/* Parses "debug", "info", "warn" or "error". Returns 0 or -1. */
int log_level_parse(const char *s, enum log_level *out);
const char *log_level_name(enum log_level lvl);

/*
 * Writes one line: ts, level, the prefix (already key=value, may be
 * NULL), event=<event>, then the formatted key=value pairs (fmt may be
 * NULL). Values in fmt that came from outside must be passed through
 * log_q().
 */
void log_msg(struct logger *lg, enum log_level lvl, const char *prefix,
    const char *event, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/*
 * Quotes len untrusted octets into buf (size >= LOG_QBUF is enough for
 * any input): "..." with \" \\ and \xNN escapes, cut after
 * NV_LOG_VALUE_MAX octets with a trailing "...", and every run of 7 or
 * more digits replaced by "<redacted>" so that a phone number cannot reach
 * a log through a value. Returns buf.
 */
const char *log_q(char *buf, size_t size, const void *bytes, size_t len);

/* log_q() of a NUL-terminated string. */
const char *log_qs(char *buf, size_t size, const char *s);

#endif
