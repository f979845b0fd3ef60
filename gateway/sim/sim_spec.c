/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "sim/sim_spec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "smpp_codec.h"
#include "sim/sim_util.h"

/* Longest script line; longer is an error, not a silent cut. */
#define SPEC_LINE_MAX 8192u

/* Steps of one script, at most. */
#define SPEC_STEPS_MAX 100000u

/* Cuts the next blank-separated word off *s; NULL at the end. */
static char *
word(char **s)
{
	char *w = *s, *e;

	while (*w == ' ' || *w == '\t')
		w++;
	if (*w == '\0')
		return NULL;
	for (e = w; *e != '\0' && *e != ' ' && *e != '\t'; e++)
		;
	if (*e != '\0')
		*e++ = '\0';
	*s = e;
	return w;
}

static char *
skip_blank(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Unescapes the rest of a line as a text (with an optional ~). */
static int
take_text(char *rest, int allow_prefix, struct sim_step *st, const char **e)
{
	char buf[SPEC_LINE_MAX];
	size_t n;

	rest = skip_blank(rest);
	if (allow_prefix && rest[0] == '~') {
		st->prefix = 1;
		rest++;
	}
	if (sim_unescape(rest, buf, sizeof buf, &n) != 0) {
		*e = "bad escape in the text (use \\n \\t \\\\ \\xNN \\~)";
		return -1;
	}
	if (n != strlen(buf) || !sim_utf8_valid(buf, n)) {
		*e = "the text is not valid UTF-8";
		return -1;
	}
	st->text = xstrdup(buf);
	return 0;
}

static int
take_addr(char **rest, char *out, const char **e)
{
	char *w = word(rest);

	if (w == NULL || !sim_valid_addr(w)) {
		*e = "expected a number of 1 to 20 digits";
		return -1;
	}
	snprintf(out, 21, "%s", w);
	return 0;
}

static int
parse_mo(char *rest, struct sim_step *st, const char **e)
{
	char *kind = word(&rest);

	if (kind == NULL || (strcmp(kind, "sms") && strcmp(kind, "ussd"))) {
		*e = "'>' wants sms or ussd";
		return -1;
	}
	if (take_addr(&rest, st->from, e) != 0)
		return -1;
	st->kind = strcmp(kind, "sms") == 0 ? STEP_MO_SMS : STEP_MO_USSD;
	if (st->kind == STEP_MO_SMS && take_addr(&rest, st->to, e) != 0)
		return -1;
	if (take_text(rest, 0, st, e) != 0)
		return -1;
	if (st->kind == STEP_MO_USSD && st->text[0] == '\0') {
		*e = "'> ussd' wants a string to dial, an answer or abort";
		return -1;
	}
	st->status = 0;		/* ESME_ROK unless an "< ack" says */
	return 0;
}

static int
parse_expect(char *rest, struct sim_step *st, const char **e)
{
	char *kind = word(&rest), *w;

	if (kind == NULL || (strcmp(kind, "sms") && strcmp(kind, "ussd") &&
	    strcmp(kind, "ack"))) {
		*e = "'<' wants sms, ussd or ack";
		return -1;
	}
	if (take_addr(&rest, st->from, e) != 0)
		return -1;
	if (strcmp(kind, "ack") == 0) {
		st->kind = STEP_EXPECT_ACK;
		if ((w = word(&rest)) == NULL ||
		    sim_status_parse(w, &st->status) != 0) {
			*e = "'< ack' wants a status (ESME_ROK, 0x58, ...)";
			return -1;
		}
		return 0;
	}
	if (strcmp(kind, "ussd") == 0) {
		st->kind = STEP_EXPECT_USSD;
		w = word(&rest);
		if (w == NULL || (strcmp(w, "continue") && strcmp(w, "end") &&
		    strcmp(w, "error"))) {
			*e = "'< ussd' wants continue, end or error";
			return -1;
		}
		st->verdict = strcmp(w, "continue") == 0 ? SIM_MT_CONTINUE :
		    strcmp(w, "end") == 0 ? SIM_MT_END : SIM_MT_ERROR;
	} else {
		st->kind = STEP_EXPECT_SMS;
	}
	return take_text(rest, 1, st, e);
}

static int
parse_setting(const char *kw, char *rest, struct sim_step *st,
    const char **e)
{
	char *w = word(&rest);
	unsigned long v;

	if (w == NULL || word(&rest) != NULL) {
		*e = "a setting takes exactly one value";
		return -1;
	}
	if (strcmp(kw, "dialect") == 0) {
		st->kind = STEP_DIALECT;
		if ((st->dialect = sim_dialect_find(w)) == NULL)
			return *e = "unknown dialect", -1;
	} else if (strcmp(kw, "encoding") == 0) {
		st->kind = STEP_ENCODING;
		if (sim_enc_parse(w, &st->enc) != 0)
			return *e = "encoding wants auto, gsm7, latin1 or "
			    "ucs2", -1;
	} else if (strcmp(kw, "gsm7-dc") == 0) {
		st->kind = STEP_GSM7_DC;
		if (sim_parse_uint(w, 0, 255, &v) != 0)
			return *e = "gsm7-dc wants 0..255", -1;
		st->u8 = (uint8_t)v;
	} else {
		st->kind = strcmp(kw, "timeout") == 0 ? STEP_TIMEOUT :
		    STEP_SLEEP;
		if (sim_parse_duration(w, &st->ms) != 0)
			return *e = "expected a duration such as 5s or 200ms",
			    -1;
	}
	return 0;
}

static int
parse_line(char *line, struct sim_step *st, const char **e)
{
	char *rest = skip_blank(line), *kw;

	if (rest[0] == '>')
		return parse_mo(rest + 1, st, e);
	if (rest[0] == '<')
		return parse_expect(rest + 1, st, e);
	kw = word(&rest);
	if (strcmp(kw, "dialect") == 0 || strcmp(kw, "encoding") == 0 ||
	    strcmp(kw, "gsm7-dc") == 0 || strcmp(kw, "timeout") == 0 ||
	    strcmp(kw, "sleep") == 0)
		return parse_setting(kw, rest, st, e);
	*e = "expected '>', '<', '#', dialect, encoding, gsm7-dc, timeout or "
	    "sleep";
	return -1;
}

/* Folds each "< ack" into the latest MO from the same number. */
static int
fold_acks(struct sim_spec *spec, unsigned *bad)
{
	for (size_t i = 0; i < spec->n; i++) {
		struct sim_step *a = &spec->steps[i];
		size_t j = i;

		if (a->kind != STEP_EXPECT_ACK)
			continue;
		while (j-- > 0) {
			struct sim_step *m = &spec->steps[j];

			if ((m->kind == STEP_MO_SMS || m->kind ==
			    STEP_MO_USSD) && strcmp(m->from, a->from) == 0)
				break;
		}
		if (j == (size_t)-1 || spec->steps[j].status_line != 0) {
			*bad = a->line;
			return -1;
		}
		spec->steps[j].status = a->status;
		spec->steps[j].status_line = (int)a->line;
	}
	return 0;
}

static int
is_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == '\0' || *s == '#';
}

static void
chomp(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' ||
	    s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
}

int
sim_spec_load(const char *path, struct sim_spec *spec, char *err,
    size_t errsz)
{
	FILE *f = fopen(path, "r");
	char *line = xmalloc(SPEC_LINE_MAX + 2);
	size_t cap = 0;
	unsigned lno = 0, bad;
	const char *e = NULL;
	int rc = -1;

	memset(spec, 0, sizeof *spec);
	if (f == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		free(line);
		return -1;
	}
	while (fgets(line, (int)SPEC_LINE_MAX + 2, f) != NULL) {
		struct sim_step st;

		lno++;
		if (strlen(line) > SPEC_LINE_MAX) {
			e = "line too long";
			goto fail;
		}
		chomp(line);
		if (is_blank(line))
			continue;
		memset(&st, 0, sizeof st);
		st.line = lno;
		st.src = xstrdup(skip_blank(line));
		if (parse_line(line, &st, &e) != 0) {
			free(st.src);
			free(st.text);
			goto fail;
		}
		if (spec->n == cap) {
			if (cap >= SPEC_STEPS_MAX) {
				e = "too many lines";
				goto fail;
			}
			cap = cap ? cap * 2 : 64;
			spec->steps = xreallocarray(spec->steps, cap,
			    sizeof *spec->steps);
		}
		spec->steps[spec->n++] = st;
		if (st.kind >= STEP_EXPECT_SMS)
			spec->checks++;
	}
	if (ferror(f)) {
		snprintf(err, errsz, "%s: read error", path);
		goto out;
	}
	if (fold_acks(spec, &bad) != 0) {
		snprintf(err, errsz, "%s:%u: '< ack' without an MO from that "
		    "number before it (or a second ack for one MO)", path, bad);
		goto out;
	}
	rc = 0;
	goto out;
fail:
	snprintf(err, errsz, "%s:%u: %s", path, lno, e);
out:
	fclose(f);
	free(line);
	if (rc != 0)
		sim_spec_free(spec);
	return rc;
}

void
sim_spec_free(struct sim_spec *spec)
{
	for (size_t i = 0; i < spec->n; i++) {
		free(spec->steps[i].text);
		free(spec->steps[i].src);
	}
	free(spec->steps);
	memset(spec, 0, sizeof *spec);
}
