/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "xmalloc.h"

/* A digit run this long in an untrusted value could be a phone number
 * (Mali's national numbers have 8 digits, short forms 7). */
#define LOG_DIGIT_RUN 7

struct logger {
	int fd;
	enum log_level min;
};

static const char *const level_names[] = {
	[LOG_DEBUG] = "debug",
	[LOG_INFO] = "info",
	[LOG_WARN] = "warn",
	[LOG_ERROR] = "error",
};

struct logger *
log_new(int fd, enum log_level min)
{
	struct logger *lg = xcalloc(1, sizeof *lg);

	lg->fd = fd;
	lg->min = min;
	return lg;
}

void
log_free(struct logger *lg)
{
	free(lg);
}

void
log_set_level(struct logger *lg, enum log_level min)
{
	lg->min = min;
}

int
log_enabled(const struct logger *lg, enum log_level lvl)
{
	return lg != NULL && lvl >= lg->min;
}

int
log_level_parse(const char *s, enum log_level *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(level_names); i++) {
		if (strcasecmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

const char *
log_level_name(enum log_level lvl)
{
	if ((size_t)lvl >= ARRAY_SIZE(level_names))
		return "?";
	return level_names[lvl];
}

/*
 * The last filter. Every line but its ts field goes through it once,
 * after formatting, whatever the caller passed: it escapes what could
 * split or forge a line and replaces anything that could be a phone
 * number by "<redacted>" (the rule and its trade-offs are in log.h).
 */

/* A number, counting digits across single separators, this long goes. */
#define LOG_PHONE_DIGITS 8

/* Where the filter writes: stops at lim, leaving room for "\n". */
struct lout {
	char *line;
	size_t off, lim;
	int full;
};

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int
is_xdigit(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int
is_alnum(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * Length of a separator at p[0..n) that may sit between the digits of a
 * written phone number: one space, tab, dot, dash or slash, or one
 * UTF-8 no-break, narrow no-break or thin space (French typography
 * groups digits with them, and phones paste them). 0 if none.
 */
static size_t
sep_len(const unsigned char *p, size_t n)
{
	if (n >= 1 && (p[0] == ' ' || p[0] == '\t' || p[0] == '.' ||
	    p[0] == '-' || p[0] == '/'))
		return 1;
	if (n >= 2 && p[0] == 0xc2 && p[1] == 0xa0)
		return 2;	/* U+00A0 */
	if (n >= 3 && p[0] == 0xe2 && p[1] == 0x80 &&
	    (p[2] == 0xaf || p[2] == 0x89))
		return 3;	/* U+202F, U+2009 */
	return 0;
}

/*
 * A number as written at p[0..n): an optional '+', digits, then any
 * number of (one separator, digits). Returns its length (0 if p does
 * not start one) and its digit count in *digits. "0022370000041" counts
 * 13 digits: a leading "00" is digits like any other.
 */
static size_t
number_at(const unsigned char *p, size_t n, size_t *digits)
{
	size_t j = 0, s;

	*digits = 0;
	if (n >= 2 && p[0] == '+' && is_digit(p[1]))
		j = 1;
	else if (n == 0 || !is_digit(p[0]))
		return 0;
	for (;;) {
		while (j < n && is_digit(p[j])) {
			j++;
			(*digits)++;
		}
		s = sep_len(p + j, n - j);
		if (s == 0 || j + s >= n || !is_digit(p[j + s]))
			return j;
		j += s;
	}
}

/*
 * A hexadecimal literal "0x..." starting a token (command_status and
 * command_id are logged as 0x%08x: 0x80000004 is not a phone number).
 * Returns its length, or 0.
 */
static size_t
hex_at(const unsigned char *p, size_t n, int after_alnum)
{
	size_t j = 2;

	if (after_alnum || n < 3 || p[0] != '0' || (p[1] != 'x' &&
	    p[1] != 'X') || !is_xdigit(p[2]))
		return 0;
	while (j < n && is_xdigit(p[j]))
		j++;
	return j;
}

/*
 * An IPv4 address as inet_ntop writes it: four dot-separated groups
 * 0..255 without leading zeros, and either a group of three digits or
 * a ":port" after it. "70.00.00.41" (leading zeros) and "76.12.34.56"
 * (pairs, no port) are how people write Mali numbers, and go.
 */
static int
ipv4_at(const unsigned char *p, size_t n, const unsigned char *end,
    size_t after)
{
	size_t i = 0, groups = 0;
	int wide = 0;

	while (groups < 4) {
		size_t st = i;
		unsigned v = 0;

		while (i < n && is_digit(p[i]) && i - st < 4)
			v = v * 10 + (unsigned)(p[i++] - '0');
		if (i == st || i - st > 3 || v > 255 ||
		    (p[st] == '0' && i - st > 1))
			return 0;
		wide |= i - st == 3;
		groups++;
		if (groups < 4 && (i >= n || p[i++] != '.'))
			return 0;
	}
	if (i != n)
		return 0;
	return wide || (after >= 2 && end[0] == ':' && is_digit(end[1]));
}

static void
put_octet(struct lout *o, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	size_t k = (c < 0x20 || c >= 0x7f) ? 4 : 1;

	if (o->full || o->off + k > o->lim) {
		o->full = 1;
		return;
	}
	if (k == 4) {
		o->line[o->off++] = '\\';
		o->line[o->off++] = 'x';
		o->line[o->off++] = hex[c >> 4];
		o->line[o->off++] = hex[c & 15];
	} else {
		o->line[o->off++] = (char)c;
	}
}

/* All or nothing: a cut mask must not let digits through instead. */
static void
put_mask(struct lout *o)
{
	static const char mask[] = "<redacted>";

	if (o->full || o->off + sizeof mask - 1 > o->lim) {
		o->full = 1;
		return;
	}
	memcpy(o->line + o->off, mask, sizeof mask - 1);
	o->off += sizeof mask - 1;
}

/*
 * What vsnprintf cut may end inside a number: drop the tail that could
 * be part of one, so that its first digits do not show as a short run.
 */
static size_t
drop_cut_number(const unsigned char *p, size_t n)
{
	while (n > 0 && (is_digit(p[n - 1]) || p[n - 1] == '+' ||
	    p[n - 1] >= 0x80 || sep_len(p + n - 1, 1) == 1))
		n--;
	return n;
}

/*
 * Filters raw[0..len) into line from off; cut says the text was already
 * cut before it got here. Returns the new offset, at most size - 2, so
 * that the caller's newline fits.
 */
static size_t
put_filtered(char *line, size_t off, size_t size, const char *raw,
    size_t len, int cut)
{
	const unsigned char *p = (const unsigned char *)raw;
	struct lout o = { line, off, size - 2, 0 };

	if (cut)
		len = drop_cut_number(p, len);
	for (size_t i = 0; i < len && !o.full;) {
		size_t n, digits;

		n = hex_at(p + i, len - i, i > 0 && is_alnum(p[i - 1]));
		if (n == 0)
			n = number_at(p + i, len - i, &digits);
		else
			digits = 0;	/* a hex literal is shown as is */
		if (n == 0) {
			put_octet(&o, p[i++]);
			continue;
		}
		if (digits >= LOG_PHONE_DIGITS &&
		    !ipv4_at(p + i, n, p + i + n, len - i - n)) {
			put_mask(&o);
		} else {
			for (size_t k = 0; k < n; k++)
				put_octet(&o, p[i + k]);
		}
		i += n;
	}
	if (o.full || cut) {
		o.off = o.off < size - 5 ? o.off : size - 5;
		memcpy(line + o.off, "...", 3);
		o.off += 3;
	}
	return o.off;
}

static size_t
put_ts(char *line, size_t size)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(line, size, "ts=%Y-%m-%dT%H:%M:%S", &tm);
	n += (size_t)snprintf(line + n, size - n, ".%03ldZ",
	    ts.tv_nsec / 1000000);
	return n;
}

/*
 * vsnprintf at raw + *off; sets *cut when the text did not fit. The
 * offset never moves past the buffer's last octet.
 */
static void
raw_vfmt(char *raw, size_t *off, size_t size, int *cut, const char *fmt,
    va_list ap)
{
	int n;

	if (*off + 1 >= size) {
		*cut = 1;
		return;
	}
	n = vsnprintf(raw + *off, size - *off, fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n >= size - *off) {
		*cut = 1;
		*off = size - 1;
	} else {
		*off += (size_t)n;
	}
}

static void __attribute__((format(printf, 5, 6)))
raw_fmt(char *raw, size_t *off, size_t size, int *cut, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	raw_vfmt(raw, off, size, cut, fmt, ap);
	va_end(ap);
}

void
log_msg(struct logger *lg, enum log_level lvl, const char *prefix,
    const char *event, const char *fmt, ...)
{
	char line[NV_LOG_LINE_MAX], raw[NV_LOG_LINE_MAX];
	size_t off, rlen = 0;
	int cut = 0;
	va_list ap;

	if (!log_enabled(lg, lvl))
		return;
	/* Everything after ts is formatted first, then filtered as one. */
	raw_fmt(raw, &rlen, sizeof raw, &cut, " level=%s",
	    log_level_name(lvl));
	if (prefix != NULL && *prefix != '\0')
		raw_fmt(raw, &rlen, sizeof raw, &cut, " %s", prefix);
	raw_fmt(raw, &rlen, sizeof raw, &cut, " event=%s", event);
	if (fmt != NULL && *fmt != '\0') {
		raw_fmt(raw, &rlen, sizeof raw, &cut, " ");
		va_start(ap, fmt);
		raw_vfmt(raw, &rlen, sizeof raw, &cut, fmt, ap);
		va_end(ap);
	}
	off = put_ts(line, sizeof line);
	off = put_filtered(line, off, sizeof line, raw, rlen, cut);
	line[off++] = '\n';
	/* One write per line; a short write to a pipe or file is retried. */
	for (size_t done = 0; done < off;) {
		ssize_t n = write(lg->fd, line + done, off - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
}

static size_t
digit_run(const unsigned char *p, size_t len)
{
	size_t n = 0;

	while (n < len && p[n] >= '0' && p[n] <= '9')
		n++;
	return n;
}

const char *
log_q(char *buf, size_t size, const void *bytes, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = bytes;
	size_t shown = len < NV_LOG_VALUE_MAX ? len : NV_LOG_VALUE_MAX;
	size_t off = 0;

	if (size < 16) {
		if (size > 0)
			buf[0] = '\0';
		return buf;
	}
	buf[off++] = '"';
	for (size_t i = 0; i < shown && off + 12 < size; i++) {
		size_t run = digit_run(p + i, len - i);

		if (run >= LOG_DIGIT_RUN) {
			memcpy(buf + off, "<redacted>", 10);
			off += 10;
			i += run - 1;
			continue;
		}
		if (p[i] == '"' || p[i] == '\\') {
			buf[off++] = '\\';
			buf[off++] = (char)p[i];
		} else if (p[i] < 0x20 || p[i] >= 0x7f) {
			buf[off++] = '\\';
			buf[off++] = 'x';
			buf[off++] = hex[p[i] >> 4];
			buf[off++] = hex[p[i] & 15];
		} else {
			buf[off++] = (char)p[i];
		}
	}
	if (shown < len && off + 4 < size) {
		memcpy(buf + off, "...", 3);
		off += 3;
	}
	buf[off++] = '"';
	buf[off] = '\0';
	return buf;
}

const char *
log_qs(char *buf, size_t size, const char *s)
{
	return log_q(buf, size, s, strlen(s));
}
