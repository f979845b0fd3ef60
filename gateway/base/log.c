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

/* Appends s to the line, escaping what could split or forge a line. */
static size_t
put_escaped(char *line, size_t off, size_t size, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	for (; *s != '\0' && off + 5 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c >= 0x7f) {
			line[off++] = '\\';
			line[off++] = 'x';
			line[off++] = hex[c >> 4];
			line[off++] = hex[c & 15];
		} else {
			line[off++] = (char)c;
		}
	}
	if (*s != '\0' && size >= 5) {
		off = size - 5;
		memcpy(line + off, "...", 3);
		off += 3;
	}
	return off;
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

/* snprintf that never moves off past the end of line. */
static size_t __attribute__((format(printf, 4, 5)))
put_fmt(char *line, size_t off, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (off + 1 >= size)
		return off;
	va_start(ap, fmt);
	n = vsnprintf(line + off, size - off, fmt, ap);
	va_end(ap);
	if (n < 0)
		return off;
	return (size_t)n < size - off ? off + (size_t)n : size - 1;
}

void
log_msg(struct logger *lg, enum log_level lvl, const char *prefix,
    const char *event, const char *fmt, ...)
{
	char line[NV_LOG_LINE_MAX], rest[NV_LOG_LINE_MAX];
	size_t off, size = sizeof line;	/* put_* stop one short: the newline */
	va_list ap;

	if (!log_enabled(lg, lvl))
		return;
	off = put_ts(line, size);
	off = put_fmt(line, off, size, " level=%s", log_level_name(lvl));
	if (prefix != NULL && *prefix != '\0') {
		off = put_fmt(line, off, size, " ");
		off = put_escaped(line, off, size, prefix);
	}
	off = put_fmt(line, off, size, " event=");
	off = put_escaped(line, off, size, event);
	if (fmt != NULL && *fmt != '\0') {
		va_start(ap, fmt);
		vsnprintf(rest, sizeof rest, fmt, ap);
		va_end(ap);
		off = put_fmt(line, off, size, " ");
		off = put_escaped(line, off, size, rest);
	}
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
