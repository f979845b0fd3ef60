/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The logger: log_q() quoting, escaping, truncation and masking of digit
 * runs that could be phone numbers; log_msg() writing exactly one
 * well-formed line per call, whatever its arguments hold; levels.
 * Lines are written to a memfd and read back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/limits.h"
#include "base/log.h"
#include "base/xmalloc.h"

/*
 * What a masked digit run becomes. log.h promises "#" marks; log.c
 * writes this. The tests pin the code's marker in one place and check
 * above all that no digit of a masked run survives.
 */
#define MASK "<redacted>"

static const char *
q(const char *s)
{
	static char buf[LOG_QBUF];

	return log_qs(buf, sizeof buf, s);
}

static const char *
qn(const void *s, size_t n)
{
	static char buf[LOG_QBUF];

	return log_q(buf, sizeof buf, s, n);
}

/* Longest run of ASCII digits in s. */
static size_t
longest_digit_run(const char *s)
{
	size_t best = 0, cur = 0;

	for (; *s != '\0'; s++) {
		cur = (*s >= '0' && *s <= '9') ? cur + 1 : 0;
		if (cur > best)
			best = cur;
	}
	return best;
}

static char *
repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* A memfd that log lines go to; read back with drain(). */
static int
log_fd(void)
{
	int fd = memfd_create("nvlog", 0);

	assert_true(fd >= 0);
	return fd;
}

static char *
drain(int fd, size_t *len)
{
	off_t end = lseek(fd, 0, SEEK_END);
	char *s;

	assert_true(end >= 0);
	s = malloc((size_t)end + 1);
	assert_non_null(s);
	assert_int_equal(pread(fd, s, (size_t)end, 0), end);
	s[end] = '\0';
	*len = (size_t)end;
	return s;
}

static size_t
count_char(const char *s, size_t n, char c)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += s[i] == c;
	return k;
}

static void
test_q_plain_and_escapes(void **state)
{
	(void)state;
	assert_string_equal(q(""), "\"\"");
	assert_string_equal(q("hello world"), "\"hello world\"");
	assert_string_equal(q("say \"hi\""), "\"say \\\"hi\\\"\"");
	assert_string_equal(q("a\\b"), "\"a\\\\b\"");
	assert_string_equal(q("\\\""), "\"\\\\\\\"\"");
	assert_string_equal(q("l1\nl2\r\t"), "\"l1\\x0al2\\x0d\\x09\"");
	assert_string_equal(q("\x01\x1f\x7f"), "\"\\x01\\x1f\\x7f\"");
	/* Non-ASCII octets, e.g. UTF-8 "é" and raw UCS-2. */
	assert_string_equal(q("caf\xc3\xa9"), "\"caf\\xc3\\xa9\"");
	assert_string_equal(qn("\x00\x53\x00\xe9", 4),
	    "\"\\x00S\\x00\\xe9\"");
	assert_string_equal(q("\xff"), "\"\\xff\"");
	assert_string_equal(q("key=value ~"), "\"key=value ~\"");
}

static void
test_q_truncation(void **state)
{
	char *s = repeat('a', 1000), want[LOG_QBUF];

	(void)state;
	/* Exactly NV_LOG_VALUE_MAX: whole, unmarked. */
	snprintf(want, sizeof want, "\"%.*s\"", (int)NV_LOG_VALUE_MAX, s);
	assert_string_equal(qn(s, NV_LOG_VALUE_MAX), want);
	/* One more: cut after NV_LOG_VALUE_MAX, marked with "...". */
	snprintf(want, sizeof want, "\"%.*s...\"", (int)NV_LOG_VALUE_MAX, s);
	assert_string_equal(qn(s, NV_LOG_VALUE_MAX + 1), want);
	assert_string_equal(qn(s, 1000), want);
	free(s);
}

/* The worst case fits LOG_QBUF: every shown octet escaped to 4. */
static void
test_q_worst_case_fits(void **state)
{
	char *s = repeat('\xff', 300), want[LOG_QBUF], *w = want;

	(void)state;
	*w++ = '"';
	for (size_t i = 0; i < NV_LOG_VALUE_MAX; i++)
		w += sprintf(w, "\\xff");
	strcpy(w, "...\"");
	assert_string_equal(q(s), want);
	assert_true(strlen(q(s)) < LOG_QBUF);
	free(s);
}

static void
test_q_masks_digit_runs(void **state)
{
	(void)state;
	assert_string_equal(q("22376123456"), "\"" MASK "\"");
	assert_string_equal(q("+22376123456"), "\"+" MASK "\"");
	assert_string_equal(q("1234567"), "\"" MASK "\"");
	assert_string_equal(q("msisdn=76123456;"), "\"msisdn=" MASK ";\"");
	assert_string_equal(q("1234567-7654321"), "\"" MASK "-" MASK "\"");
	assert_string_equal(q("\"22376123456\""), "\"\\\"" MASK "\\\"\"");
	/* Six digits are not a phone number: a PIN, a short code, a date. */
	assert_string_equal(q("123456"), "\"123456\"");
	assert_string_equal(q("*384*123456#"), "\"*384*123456#\"");
	assert_string_equal(q("36123 et 384"), "\"36123 et 384\"");
	/* Split runs are separate runs (7 digits in all, never 7 in a row). */
	assert_string_equal(q("223 761 2345"), "\"223 761 2345\"");
}

/* A run that straddles the NV_LOG_VALUE_MAX cut is still masked whole. */
static void
test_q_masks_across_cut(void **state)
{
	char in[128], want[LOG_QBUF];

	(void)state;
	for (size_t pre = NV_LOG_VALUE_MAX - 8; pre < NV_LOG_VALUE_MAX; pre++) {
		memset(in, 'x', pre);
		strcpy(in + pre, "22376123456");
		/* Some of the run is before the cut, the rest after it. */
		snprintf(want, sizeof want, "\"%.*s" MASK "...\"", (int)pre, in);
		assert_string_equal(q(in), want);
		assert_int_equal(longest_digit_run(q(in)), 0);
	}
	/* 63 x then 6 digits, cut after 1 digit: only 1 digit shown. */
	memset(in, 'x', 63);
	strcpy(in + 63, "123456");
	snprintf(want, sizeof want, "\"%.63s1...\"", in);
	assert_string_equal(q(in), want);
}

/* Whatever the buffer size, the result is terminated, fits, and leaks
 * no 7-digit run. */
static void
test_q_any_buffer_size(void **state)
{
	static const char *inputs[] = {
		"22376123456", "+22376123456 a", "\n\n\n\n\n\n\n\n1234567",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaa22376123456", "x1234567y7654321z9999999",
	};
	char buf[LOG_QBUF + 8];

	(void)state;
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		for (size_t size = 0; size <= sizeof buf; size++) {
			memset(buf, 'Z', sizeof buf);
			log_q(buf, size, inputs[i], strlen(inputs[i]));
			if (size == 0) {
				assert_int_equal(buf[0], 'Z');
				continue;
			}
			assert_true(strnlen(buf, size) < size);
			/* Nothing written past size. */
			for (size_t k = size; k < sizeof buf; k++)
				assert_int_equal(buf[k], 'Z');
			assert_true(longest_digit_run(buf) < 7);
			if (size >= 16) {
				assert_int_equal(buf[0], '"');
				assert_int_equal(buf[strlen(buf) - 1], '"');
			}
		}
	}
}

/* Splits a line "ts=... level=... k=v\n" and checks its frame. */
static void
check_line(const char *line, size_t len, const char *level)
{
	char want[32];

	assert_true(len > 0 && len <= NV_LOG_LINE_MAX);
	assert_int_equal(line[len - 1], '\n');
	assert_int_equal(count_char(line, len, '\n'), 1);
	/* ts=2026-11-23T01:36:53.123Z */
	assert_true(len > 28);
	assert_memory_equal(line, "ts=", 3);
	assert_int_equal(line[7], '-');
	assert_int_equal(line[10], '-');
	assert_int_equal(line[13], 'T');
	assert_int_equal(line[22], '.');
	assert_int_equal(line[26], 'Z');
	snprintf(want, sizeof want, " level=%s ", level);
	assert_memory_equal(line + 27, want, strlen(want));
}

static void
test_msg_one_line(void **state)
{
	char vq[LOG_QBUF], *out;
	int fd = log_fd();
	struct logger *lg = log_new(fd, LOG_DEBUG);
	size_t len;

	(void)state;
	log_msg(lg, LOG_INFO, "link=orange conn=3", "bound", "system_id=%s n=%d",
	    log_qs(vq, sizeof vq, "numvert"), 42);
	out = drain(fd, &len);
	check_line(out, len, "info");
	assert_non_null(strstr(out, " link=orange conn=3 event=bound "
	    "system_id=\"numvert\" n=42\n"));
	free(out);
	log_free(lg);
	close(fd);
}

static void
test_msg_escapes_newline(void **state)
{
	char *out;
	int fd = log_fd();
	struct logger *lg = log_new(fd, LOG_DEBUG);
	size_t len;

	(void)state;
	/* A value not passed through log_q: the last filter still holds. */
	log_msg(lg, LOG_WARN, NULL, "ev", "text=%s",
	    "a\nlevel=error event=forged\r\x1b[2J\xc3\xa9");
	out = drain(fd, &len);
	check_line(out, len, "warn");
	assert_non_null(strstr(out, " event=ev text=a\\x0alevel=error "
	    "event=forged\\x0d\\x1b[2J\\xc3\\xa9\n"));
	free(out);
	log_free(lg);
	close(fd);
}

/* Several calls: as many lines, each complete. */
static void
test_msg_line_per_call(void **state)
{
	char *out, *p;
	int fd = log_fd();
	struct logger *lg = log_new(fd, LOG_DEBUG);
	size_t len, lines = 0;

	(void)state;
	log_msg(lg, LOG_DEBUG, "", "a", NULL);
	log_msg(lg, LOG_INFO, NULL, "b", NULL);
	log_msg(lg, LOG_ERROR, "p=1", "c", "k=%s", "v");
	out = drain(fd, &len);
	assert_int_equal(count_char(out, len, '\n'), 3);
	for (p = out; *p != '\0'; lines++) {
		char *nl = strchr(p, '\n');
		static const char *const lv[] = { "debug", "info", "error" };

		assert_non_null(nl);
		check_line(p, (size_t)(nl - p + 1), lv[lines]);
		p = nl + 1;
	}
	assert_int_equal(lines, 3);
	assert_non_null(strstr(out, "level=debug event=a\n"));
	assert_non_null(strstr(out, "level=info event=b\n"));
	assert_non_null(strstr(out, "level=error p=1 event=c k=v\n"));
	free(out);
	log_free(lg);
	close(fd);
}

/* Values longer than a line are cut, marked, and the line stays one. */
static void
test_msg_long_values(void **state)
{
	char *big = repeat('v', 5000), *ctl = repeat('\n', 3000), *out;
	int fd = log_fd();
	struct logger *lg = log_new(fd, LOG_DEBUG);
	size_t len;

	(void)state;
	log_msg(lg, LOG_INFO, NULL, "big", "v=%s", big);
	out = drain(fd, &len);
	check_line(out, len, "info");
	assert_int_equal(len, NV_LOG_LINE_MAX - 1);
	assert_memory_equal(out + len - 4, "...\n", 4);
	free(out);
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	log_msg(lg, LOG_INFO, NULL, "ctl", "v=%s", ctl);
	out = drain(fd, &len);
	check_line(out, len, "info");
	free(out);
	free(big);
	free(ctl);
	log_free(lg);
	close(fd);
}

/*
 * A prefix that fills the line. Run in a child: an overrun of the line
 * buffer on the stack kills it under ASan, or shows as a line longer
 * than NV_LOG_LINE_MAX without it.
 */
static void
test_msg_long_prefix(void **state)
{
	int fd = log_fd(), st;
	pid_t pid;
	char *out, *p;
	size_t len, lines = 0;

	(void)state;
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct logger *lg = log_new(fd, LOG_DEBUG);

		for (size_t n = 1990; n < 2100; n++) {
			char *pre = repeat('p', n);

			log_msg(lg, LOG_INFO, pre, "e", "k=v");
			log_msg(lg, LOG_INFO, pre, "e", NULL);
			log_msg(lg, LOG_INFO, pre, "", NULL);
			log_msg(lg, LOG_INFO, pre, "", "k=v");
			free(pre);
		}
		log_free(lg);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("log_msg child died (status 0x%x): stack overrun",
		    (unsigned)st);
	out = drain(fd, &len);
	for (p = out; p < out + len; lines++) {
		char *nl = memchr(p, '\n', (size_t)(out + len - p));

		assert_non_null(nl);
		if ((size_t)(nl - p + 1) > NV_LOG_LINE_MAX)
			fail_msg("line %zu is %zu octets, max %u", lines,
			    (size_t)(nl - p + 1), NV_LOG_LINE_MAX);
		p = nl + 1;
	}
	assert_int_equal(lines, 4 * 110);
	free(out);
	close(fd);
}

/* The digits of s, in order, without anything between them. */
static void
digits_only(const char *s, char *out, size_t size)
{
	size_t n = 0;

	for (; *s != '\0' && n + 1 < size; s++)
		if (*s >= '0' && *s <= '9')
			out[n++] = *s;
	out[n] = '\0';
}

/* Logs one line into a fresh memfd and returns it (caller frees). */
static char *
one_line(enum log_level lvl, const char *prefix, const char *event,
    const char *fmt, const char *a, const char *b)
{
	int fd = log_fd();
	struct logger *lg = log_new(fd, LOG_DEBUG);
	char *out;
	size_t len;

	/* The formats are tables of cases, hence not literals here. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	log_msg(lg, lvl, prefix, event, fmt, a, b);
#pragma GCC diagnostic pop
	out = drain(fd, &len);
	check_line(out, len, log_level_name(lvl));
	log_free(lg);
	close(fd);
	return out;
}

/*
 * A deliberate attempt: numbers formatted straight into a line, without
 * log_q(), in every way people write them and wherever they can sit.
 * After ts, no digit may be left: every digit in these lines belongs to
 * a number.
 */
static void
test_msg_redacts_numbers(void **state)
{
	static const char *const forms[] = {
		"22370000041", "+22370000041", "+223 70 00 00 41",
		"223 70 00 00 41", "70 00 00 41", "70-00-00-41", "70.00.00.41",
		"7000/0041", "0022370000041", "00223 70 00 00 41", "70000041",
		"+223-70-00-00-41", "+223.7000.0041", "70\t00\t00\t41",
		"70\xc2\xa0" "00\xc2\xa0" "00\xc2\xa0" "41",
		"70\xe2\x80\xaf" "00\xe2\x80\xaf" "00\xe2\x80\xaf" "41",
		"76.12.34.56", "22376123456789",
	};
	static const char *const fmts[] = {
		"from=%s%s", "from=\"%s\"%s", "text=\"appelez le %s svp\"%s",
		"a=b to=%s%s", "%s=x%s", "n=abc%sdef%s", "x=%s;y=%s",
		"why=\"%s,%s\"", "k=[%s]%s", "k=(%s)%s",
	};
	char d[NV_LOG_LINE_MAX];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(forms); i++) {
		for (size_t j = 0; j < ARRAY_SIZE(fmts); j++) {
			const char *b = strstr(fmts[j], ";y=") != NULL ||
			    strstr(fmts[j], ",%s") != NULL ? forms[i] : "";
			char *out = one_line(LOG_WARN, NULL, "mo", fmts[j],
			    forms[i], b);

			digits_only(out + 27, d, sizeof d);
			if (d[0] != '\0')
				fail_msg("%s with %s: digits left in %s",
				    forms[i], fmts[j], out);
			assert_non_null(strstr(out, MASK));
			free(out);
		}
		/* In the prefix and in the event name too. */
		{
			char pre[64], *out;

			snprintf(pre, sizeof pre, "link=%s", forms[i]);
			out = one_line(LOG_INFO, pre, forms[i], "k=v%s", "",
			    NULL);
			digits_only(out + 27, d, sizeof d);
			if (d[0] != '\0')
				fail_msg("%s: digits left in %s", forms[i],
				    out);
			free(out);
		}
	}
}

/* The cases in the brief, exactly: what the line says after ts. */
static void
test_msg_redaction_exact(void **state)
{
	char *out;

	(void)state;
	out = one_line(LOG_INFO, NULL, "mo", "from=%s%s", "22370000041", "");
	assert_string_equal(out + 27, " level=info event=mo from=" MASK "\n");
	free(out);
	out = one_line(LOG_INFO, NULL, "mo", "text=\"%s, rappel\"%s",
	    "+223 70 00 00 41", "");
	assert_string_equal(out + 27,
	    " level=info event=mo text=\"" MASK ", rappel\"\n");
	free(out);
	/* A separator that does not join two digit groups stays. */
	out = one_line(LOG_INFO, NULL, "mo", "a=%s. b=%s", "70-00-00-41",
	    "-5");
	assert_string_equal(out + 27, " level=info event=mo a=" MASK
	    ". b=-5\n");
	free(out);
	/* Two separators in a row end a number: 4 + 4 digits stay. */
	out = one_line(LOG_INFO, NULL, "mo", "a=%s%s", "7000  0041", "");
	assert_string_equal(out + 27, " level=info event=mo a=7000  0041\n");
	free(out);
	/* The documented cost: 8 digits of anything go. */
	out = one_line(LOG_INFO, NULL, "e", "count=%s seq=%s", "12345678",
	    "1234567");
	assert_string_equal(out + 27, " level=info event=e count=" MASK
	    " seq=1234567\n");
	free(out);
	out = one_line(LOG_INFO, NULL, "e", "peer=%s%s", "10.20.30.40", "");
	assert_string_equal(out + 27, " level=info event=e peer=" MASK "\n");
	free(out);
	out = one_line(LOG_INFO, NULL, "e", "when=%s%s", "2026-11-23", "");
	assert_string_equal(out + 27, " level=info event=e when=" MASK "\n");
	free(out);
	/* "0x" inside a token is not a hex literal. */
	out = one_line(LOG_INFO, NULL, "e", "v=a0x%s%s", "12345678", "");
	assert_string_equal(out + 27, " level=info event=e v=a0x" MASK "\n");
	free(out);
}

/* What operators need stays byte for byte, ts included. */
static void
test_msg_legit_unchanged(void **state)
{
	static const char *const legit =
	    "port=2775 mo=1234567 delay_ms=64000 status=0x80000004 "
	    "command_id=0x00000004 peer=196.200.100.150:2775 "
	    "peer=10.20.30.40:2775 peer=::ffff:10.20.30.40:2775 "
	    "host=196.200.1.2 "
	    "peer=[2001:db8::1]:2775 seq=9999999 ms=0.18 octets=9999999 "
	    "short_code=36123 ussd=*384*1# pid=4194304 why=\"1 2 3 4 5 6 7\"";
	char *out, want[NV_LOG_LINE_MAX];
	time_t now = time(NULL);
	struct tm tm;
	char day[16];

	(void)state;
	out = one_line(LOG_INFO, "link=orange conn=3", "bound", "%s%s", legit,
	    "");
	snprintf(want, sizeof want, " level=info link=orange conn=3 "
	    "event=bound %s\n", legit);
	assert_string_equal(out + 27, want);
	/* ts keeps its digits: today's date, not a mask. */
	gmtime_r(&now, &tm);
	strftime(day, sizeof day, "ts=%Y-%m-%d", &tm);
	if (strncmp(out, day, strlen(day)) != 0) {
		/* The day may have turned between the two clocks. */
		now -= 1;
		gmtime_r(&now, &tm);
		strftime(day, sizeof day, "ts=%Y-%m-%d", &tm);
	}
	assert_memory_equal(out, day, strlen(day));
	free(out);
}

/*
 * Text cut by the line's limit may end inside a number. Masks shrink
 * what follows them, so the cut end can be shown: no digit of the cut
 * number may appear there.
 */
static void
test_msg_cut_inside_number(void **state)
{
	static const char unit[] = "+223 70 00 00 41;";
	char *v = malloc(NV_LOG_LINE_MAX * 2), d[NV_LOG_LINE_MAX];

	(void)state;
	assert_non_null(v);
	for (size_t pad = 0; pad < sizeof unit; pad++) {
		size_t n = 0;
		char *out;

		memset(v, 'a', pad);
		n = pad;
		while (n + sizeof unit < NV_LOG_LINE_MAX * 2 - 1) {
			memcpy(v + n, unit, sizeof unit - 1);
			n += sizeof unit - 1;
		}
		v[n] = '\0';
		out = one_line(LOG_INFO, NULL, "e", "v=%s%s", v, "");
		digits_only(out + 27, d, sizeof d);
		if (d[0] != '\0')
			fail_msg("pad %zu: digits left at the cut: %s", pad,
			    out + strlen(out) - 40);
		assert_memory_equal(out + strlen(out) - 4, "...\n", 4);
		free(out);
	}
	free(v);
}

static void
test_levels(void **state)
{
	char *out;
	int fd = log_fd();
	struct logger *lg = log_new(fd, LOG_WARN);
	enum log_level lv;
	size_t len;

	(void)state;
	assert_false(log_enabled(lg, LOG_DEBUG));
	assert_false(log_enabled(lg, LOG_INFO));
	assert_true(log_enabled(lg, LOG_WARN));
	assert_true(log_enabled(lg, LOG_ERROR));
	assert_false(log_enabled(NULL, LOG_ERROR));
	log_msg(lg, LOG_DEBUG, NULL, "d", NULL);
	log_msg(lg, LOG_INFO, NULL, "i", NULL);
	log_msg(lg, LOG_WARN, NULL, "w", NULL);
	log_msg(lg, LOG_ERROR, NULL, "e", NULL);
	log_msg(NULL, LOG_ERROR, NULL, "nobody", NULL);
	log_set_level(lg, LOG_DEBUG);
	log_msg(lg, LOG_DEBUG, NULL, "d2", NULL);
	out = drain(fd, &len);
	assert_int_equal(count_char(out, len, '\n'), 3);
	assert_null(strstr(out, "event=d\n"));
	assert_null(strstr(out, "event=i\n"));
	assert_non_null(strstr(out, "level=warn event=w\n"));
	assert_non_null(strstr(out, "level=error event=e\n"));
	assert_non_null(strstr(out, "level=debug event=d2\n"));
	free(out);

	assert_int_equal(log_level_parse("debug", &lv), 0);
	assert_int_equal(lv, LOG_DEBUG);
	assert_int_equal(log_level_parse("WARN", &lv), 0);
	assert_int_equal(lv, LOG_WARN);
	assert_int_equal(log_level_parse("Error", &lv), 0);
	assert_int_equal(lv, LOG_ERROR);
	lv = LOG_INFO;
	assert_int_equal(log_level_parse("warning", &lv), -1);
	assert_int_equal(log_level_parse("", &lv), -1);
	assert_int_equal(lv, LOG_INFO);
	assert_string_equal(log_level_name(LOG_INFO), "info");
	assert_string_equal(log_level_name((enum log_level)99), "?");
	log_free(lg);
	close(fd);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_q_plain_and_escapes),
		cmocka_unit_test(test_q_truncation),
		cmocka_unit_test(test_q_worst_case_fits),
		cmocka_unit_test(test_q_masks_digit_runs),
		cmocka_unit_test(test_q_masks_across_cut),
		cmocka_unit_test(test_q_any_buffer_size),
		cmocka_unit_test(test_msg_one_line),
		cmocka_unit_test(test_msg_escapes_newline),
		cmocka_unit_test(test_msg_line_per_call),
		cmocka_unit_test(test_msg_long_values),
		cmocka_unit_test(test_msg_long_prefix),
		cmocka_unit_test(test_msg_redacts_numbers),
		cmocka_unit_test(test_msg_redaction_exact),
		cmocka_unit_test(test_msg_legit_unchanged),
		cmocka_unit_test(test_msg_cut_inside_number),
		cmocka_unit_test(test_levels),
	};

	/* prove reads TAP; an explicit CMOCKA_MESSAGE_OUTPUT still wins. */
	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);

	return cmocka_run_group_tests_name("log", tests, NULL, NULL) != 0;
}
