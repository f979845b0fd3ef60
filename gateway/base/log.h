/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Logging: one key=value line per event, written with a single write(2)
 * so lines from several threads never interleave.
 *
 *   ts=2026-11-23T01:36:53.123Z level=info link=orange conn=3 event=bound ...
 *
 * Untrusted bytes (anything a peer sent) go through log_q(), which quotes
 * and escapes them and masks digit runs that could be a phone number.
 * Every line is also passed through a last filter that escapes control
 * and non-ASCII octets, so no value can split or forge a line.
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
