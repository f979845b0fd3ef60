/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <ini.h>

#include "base/text.h"
#include "base/xmalloc.h"
#include "options.h"
#include "profile.h"

/* The configuration `make run` uses when numvertd gets no -c. */
static const char embedded[] =
	"[numvertd]\n"
	"log_level = info\n"
	"stats_interval = 30s\n"
	"db_path = build/run/numvert.db\n"
	"key_file = build/run/numvert.keys\n"
	"epoch_key_file = build/run/numvert.epoch\n"
	"vault_file = build/run/numvert.vault\n"
	"[link local]\n"
	"mode = client\n"
	"host = 127.0.0.1\n"
	"port = 2775\n"
	"system_id = numvert\n"
	"password = secret12\n"
	"short_codes = 36123, *384#\n";

struct parse {
	const char *file;
	struct cfg *cfg;
	char *err;
	unsigned line;
	int sec;		/* SEC_MAIN or SEC_LINK, -1 before any */
	int main_seen;
	struct cfg_link *link;
	uint64_t set[2];	/* bit per opts[] index set in this section */
	/* stream reader state */
	FILE *fp;
	const char *text;
};


static void __attribute__((format(printf, 2, 3)))
fail(struct parse *ps, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (ps->err != NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	ps->err = xasprintf("%s:%u: %s", ps->file, ps->line, msg);
}

static const char *
sec_label(struct parse *ps, char *buf, size_t size)
{
	if (ps->sec == SEC_LINK)
		snprintf(buf, size, "[link %s]", ps->link->name);
	else
		snprintf(buf, size, "[numvertd]");
	return buf;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int
parse_uint(const char *v, unsigned long long *out)
{
	char *end;

	if (!isdigit((unsigned char)*v))
		return -1;
	errno = 0;
	*out = strtoull(v, &end, 10);
	return errno != 0 || *end != '\0' ? -1 : 0;
}

/* "30s", "500ms", "2m", "1h"; a bare number is seconds. */
static int
parse_ms(const char *v, unsigned long long *ms)
{
	static const struct {
		const char *unit;
		unsigned long long mul;
	} units[] = { { "ms", 1 }, { "s", 1000 }, { "m", 60000 },
	    { "h", 3600000 }, { "d", 86400000 }, { "", 1000 } };
	char num[32];
	size_t n = strspn(v, "0123456789");
	unsigned long long x;

	if (n == 0 || n >= sizeof num)
		return -1;
	memcpy(num, v, n);
	num[n] = '\0';
	if (parse_uint(num, &x) != 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (strcmp(v + n, units[i].unit) == 0) {
			if (x > UINT32_MAX / units[i].mul)
				return -1;
			*ms = x * units[i].mul;
			return 0;
		}
	}
	return -1;
}

static int
parse_enum(const char *enums, const char *v)
{
	size_t len = strlen(v);
	int idx = 0;

	for (const char *p = enums; *p != '\0'; idx++) {
		size_t n = strcspn(p, "|");

		if (n == len && strncmp(p, v, n) == 0)
			return idx;
		p += n + (p[n] == '|');
	}
	return -1;
}

static int
parse_net(const char *v, struct cfg_net *net)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(v, '/');
	size_t n = slash ? (size_t)(slash - v) : strlen(v);
	unsigned long long prefix;

	if (n == 0 || n >= sizeof addr)
		return -1;
	memcpy(addr, v, n);
	addr[n] = '\0';
	memset(net, 0, sizeof *net);
	if (inet_pton(AF_INET, addr, net->addr) == 1) {
		net->family = AF_INET;
		net->prefix = 32;
	} else if (inet_pton(AF_INET6, addr, net->addr) == 1) {
		net->family = AF_INET6;
		net->prefix = 128;
	} else {
		return -1;
	}
	if (slash != NULL) {
		if (parse_uint(slash + 1, &prefix) != 0 || prefix > net->prefix)
			return -1;
		net->prefix = (unsigned)prefix;
	}
	return 0;
}

static int
valid_code(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < 22 && strspn(s, "0123456789*#+") == n;
}

/* Splits a comma list and calls fn on each trimmed item. */
static int
each_item(char *list, int (*fn)(const char *, void *, unsigned), void *dst,
    unsigned *count)
{
	*count = 0;
	for (char *save = NULL, *it = strtok_r(list, ",", &save); it != NULL;
	    it = strtok_r(NULL, ",", &save)) {
		it = trim(it);
		if (*it == '\0')
			continue;
		if (*count >= NV_CFG_LIST_MAX || fn(it, dst, *count) != 0)
			return -1;
		(*count)++;
	}
	return 0;
}

static int
put_net(const char *it, void *dst, unsigned i)
{
	return parse_net(it, &((struct cfg_net *)dst)[i]);
}

static int
put_code(const char *it, void *dst, unsigned i)
{
	if (!valid_code(it))
		return -1;
	snprintf(((char (*)[22])dst)[i], 22, "%s", it);
	return 0;
}

static int
parse_listen(const char *v, struct cfg_link *l)
{
	const char *colon = strrchr(v, ':');
	unsigned long long port;
	size_t n;

	if (colon == NULL || parse_uint(colon + 1, &port) != 0 || port > 65535)
		return -1;
	n = (size_t)(colon - v);
	if (n >= 2 && v[0] == '[' && v[n - 1] == ']') {
		v++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof l->listen_host)
		return -1;
	memcpy(l->listen_host, v, n);
	l->listen_host[n] = '\0';
	l->listen_port = (unsigned)port;
	return 0;
}

/* Stores one value; returns 0 or -1 with the reason in *why. */
static int
set_value(const struct opt *o, void *base, const char *value,
    const char **why)
{
	char buf[NV_CFG_VALUE_MAX];
	unsigned long long x;
	enum log_level lvl;
	void *dst = (char *)base + o->off;
	int idx;

	if (strlen(value) >= sizeof buf) {
		*why = "value too long";
		return -1;
	}
	snprintf(buf, sizeof buf, "%s", value);
	switch (o->type) {
	case T_STR:
	case T_SECRET:
		if (strlen(buf) >= o->size) {
			*why = "too long";
			return -1;
		}
		snprintf(dst, o->size, "%s", buf);
		return 0;
	case T_UINT:
	case T_MS:
		if ((o->type == T_UINT ? parse_uint(buf, &x) :
		    parse_ms(buf, &x)) != 0) {
			*why = o->type == T_UINT ? "not a number" :
			    "not a duration (e.g. 500ms, 30s, 2m)";
			return -1;
		}
		if (x < o->min || x > o->max) {
			*why = "out of range";
			return -1;
		}
		*(unsigned *)dst = (unsigned)x;
		return 0;
	case T_ENUM:
		if ((idx = parse_enum(o->enums, buf)) < 0) {
			*why = "not one of the allowed values";
			return -1;
		}
		*(int *)dst = idx;
		return 0;
	case T_LEVEL:
		if (log_level_parse(buf, &lvl) != 0) {
			*why = "not one of debug, info, warn, error";
			return -1;
		}
		*(int *)dst = (int)lvl;
		return 0;
	case T_PROFILE:
		if ((idx = prof_find(buf)) < 0) {
			*why = "no such USSD profile";
			return -1;
		}
		*(int *)dst = idx;
		return 0;
	case T_LISTEN:
		*why = "expected address:port";
		return parse_listen(buf, base);
	case T_NETS:
		*why = "expected address[/prefix], ...";
		return each_item(buf, put_net, dst,
		    &((struct cfg_link *)base)->nallow);
	case T_CODES:
		*why = "expected short codes of digits, * # +, comma-separated";
		return each_item(buf, put_code, dst,
		    &((struct cfg_link *)base)->nshort);
	}
	*why = "unknown type";
	return -1;
}

static void
apply_defaults(int section, void *base)
{
	const char *why;

	for (size_t i = 0; i < nopts; i++)
		if (opts[i].section == section && opts[i].def != NULL &&
		    set_value(&opts[i], base, opts[i].def, &why) != 0)
			abort();	/* a default the table itself rejects */
}

static int
applies(const struct opt *o, const struct cfg_link *l)
{
	return o->mode == ANY ||
	    (o->mode == CLIENT && l->mode == LINK_MODE_CLIENT) ||
	    (o->mode == SERVER && l->mode == LINK_MODE_SERVER);
}

/* Checks a finished [link] section: required options, mode fit. */
static void
finish_link(struct parse *ps)
{
	struct cfg_link *l = ps->link;
	unsigned saved = ps->line;

	ps->line = l->line;
	for (size_t i = 0; i < nopts; i++) {
		const struct opt *o = &opts[i];
		int set = (ps->set[i / 64] >> (i % 64)) & 1;

		if (o->section != SEC_LINK)
			continue;
		if (set && !applies(o, l))
			fail(ps, "[link %s] option '%s' applies to mode = %s only",
			    l->name, o->name, o->mode == CLIENT ? "client" :
			    "server");
		else if (!set && o->def == NULL && applies(o, l))
			fail(ps, "[link %s] mode = %s needs option '%s'",
			    l->name, cfg_mode_name(l->mode), o->name);
	}
	if (l->reconnect_min_ms > l->reconnect_max_ms)
		fail(ps, "[link %s] reconnect_min is above reconnect_max",
		    l->name);
	ps->line = saved;
}

static void
finish_section(struct parse *ps)
{
	if (ps->sec == SEC_LINK)
		finish_link(ps);
	ps->sec = -1;
	ps->link = NULL;
	ps->set[0] = ps->set[1] = 0;
}

static int
valid_name(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < 32 && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

static void
begin_section(struct parse *ps, char *name)
{
	struct cfg *cfg = ps->cfg;
	struct cfg_link *l;

	finish_section(ps);
	if (strcmp(name, "numvertd") == 0) {
		if (ps->main_seen++)
			fail(ps, "second [numvertd] section");
		ps->sec = SEC_MAIN;
		return;
	}
	if (strncmp(name, "link ", 5) != 0 || !valid_name(trim(name + 5))) {
		fail(ps, "unknown section [%s] (expected [numvertd] or "
		    "[link NAME], NAME of letters, digits, _ and -)", name);
		return;
	}
	name = trim(name + 5);
	for (unsigned i = 0; i < cfg->nlinks; i++)
		if (strcmp(cfg->links[i].name, name) == 0)
			fail(ps, "second [link %s] section", name);
	if (cfg->nlinks >= NV_LINKS_MAX) {
		fail(ps, "more than %u links", NV_LINKS_MAX);
		return;
	}
	cfg->links = xreallocarray(cfg->links, cfg->nlinks + 1, sizeof *l);
	l = &cfg->links[cfg->nlinks++];
	memset(l, 0, sizeof *l);
	snprintf(l->name, sizeof l->name, "%s", name);
	l->line = ps->line;
	apply_defaults(SEC_LINK, l);
	ps->sec = SEC_LINK;
	ps->link = l;
}

/* inih's line reader, wrapped to count lines and see section headers. */
static char *
reader(char *str, int num, void *stream)
{
	struct parse *ps = stream;
	char hdr[NV_CFG_VALUE_MAX];
	char *p, *end;

	if (ps->fp != NULL) {
		if (fgets(str, num, ps->fp) == NULL)
			return NULL;
	} else {
		size_t n = strcspn(ps->text, "\n");

		if (*ps->text == '\0')
			return NULL;
		if (n + 2 > (size_t)num)
			n = (size_t)num - 2;
		memcpy(str, ps->text, n);
		str[n] = '\n';
		str[n + 1] = '\0';
		ps->text += n + (ps->text[n] == '\n');
	}
	ps->line++;
	snprintf(hdr, sizeof hdr, "%s", str);
	p = trim(hdr);
	if (*p == '[' && (end = strchr(p, ']')) != NULL) {
		*end = '\0';
		begin_section(ps, trim(p + 1));
	}
	return str;
}

static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse *ps = user;
	char label[64];
	const char *why = "";
	void *base;

	(void)section;
	if (ps->err != NULL)
		return 0;
	if (ps->sec < 0) {
		fail(ps, "option '%s' outside any section", name);
		return 0;
	}
	base = ps->sec == SEC_LINK ? (void *)ps->link : (void *)ps->cfg;
	for (size_t i = 0; i < nopts; i++) {
		const struct opt *o = &opts[i];

		if (o->section != ps->sec || strcmp(o->name, name) != 0)
			continue;
		if ((ps->set[i / 64] >> (i % 64)) & 1) {
			fail(ps, "%s option '%s' given twice",
			    sec_label(ps, label, sizeof label), name);
			return 0;
		}
		ps->set[i / 64] |= 1ull << (i % 64);
		if (set_value(o, base, value, &why) != 0) {
			if (strcmp(why, "out of range") == 0)
				fail(ps, "%s option '%s': must be between %u and "
				    "%u%s (got '%s')", sec_label(ps, label,
				    sizeof label), name, o->min, o->max,
				    o->type == T_MS ? " ms" : "", value);
			else if (o->type == T_SECRET)
				fail(ps, "%s option '%s': %s", sec_label(ps,
				    label, sizeof label), name, why);
			else
				fail(ps, "%s option '%s': %s (got '%s')",
				    sec_label(ps, label, sizeof label), name,
				    why, value);
			return 0;
		}
		return 1;
	}
	fail(ps, "%s unknown option '%s'", sec_label(ps, label, sizeof label),
	    name);
	return 0;
}

static int
same_listener(const struct cfg_link *a, const struct cfg_link *b)
{
	return a->mode == LINK_MODE_SERVER && b->mode == LINK_MODE_SERVER &&
	    a->listen_port != 0 && a->listen_port == b->listen_port &&
	    strcmp(a->listen_host, b->listen_host) == 0;
}

/* Rules between links: one role and distinct system_ids per listener. */
static void
check_links(struct parse *ps)
{
	struct cfg *cfg = ps->cfg;

	if (cfg->nlinks == 0) {
		fail(ps, "no [link NAME] section: numvertd needs at least one "
		    "carrier link");
		return;
	}
	for (unsigned i = 0; i < cfg->nlinks; i++) {
		for (unsigned j = 0; j < i; j++) {
			const struct cfg_link *a = &cfg->links[j];
			const struct cfg_link *b = &cfg->links[i];

			if (!same_listener(a, b))
				continue;
			ps->line = b->line;
			if (cfg_link_role(a) != cfg_link_role(b))
				fail(ps, "[link %s] shares listen %s:%u with "
				    "[link %s] but not its role", b->name,
				    b->listen_host, b->listen_port, a->name);
			if (strcmp(a->system_id, b->system_id) == 0)
				fail(ps, "[link %s] shares listen %s:%u and "
				    "system_id with [link %s]: binds could not "
				    "be told apart", b->name, b->listen_host,
				    b->listen_port, a->name);
		}
	}
}

static int
load(struct parse *ps, struct cfg **out, char **cause)
{
	struct cfg *cfg = xcalloc(1, sizeof *cfg);
	int rc;

	snprintf(cfg->source, sizeof cfg->source, "%s", ps->file);
	apply_defaults(SEC_MAIN, cfg);
	ps->cfg = cfg;
	ps->sec = -1;
	rc = ini_parse_stream(reader, ps, handler, ps);
	if (rc < 0 && ps->err == NULL)
		ps->err = xasprintf("%s: cannot read: %s", ps->file,
		    strerror(errno));
	else if (rc > 0 && ps->err == NULL)
		ps->err = xasprintf("%s:%d: syntax error (expected [section] "
		    "or name = value)", ps->file, rc);
	if (ps->err == NULL) {
		finish_section(ps);
		check_links(ps);
	}
	if (ps->err != NULL) {
		cfg_free(cfg);
		if (cause != NULL)
			*cause = ps->err;
		else
			free(ps->err);
		return -1;
	}
	*out = cfg;
	return 0;
}

int
cfg_load(const char *path, struct cfg **out, char **cause)
{
	struct parse ps = { .file = path };
	int rc;

	if ((ps.fp = fopen(path, "r")) == NULL) {
		if (cause != NULL)
			*cause = xasprintf("%s: cannot open: %s", path,
			    strerror(errno));
		return -1;
	}
	rc = load(&ps, out, cause);
	fclose(ps.fp);
	return rc;
}

int
cfg_load_embedded(struct cfg **out, char **cause)
{
	struct parse ps = { .file = "embedded", .text = embedded };

	return load(&ps, out, cause);
}

void
cfg_free(struct cfg *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->links);
	free(cfg);
}

static void
write_help(FILE *fp, const char *help)
{
	while (*help != '\0') {
		size_t n = strcspn(help, "\n");

		fprintf(fp, "# %.*s\n", (int)n, help);
		help += n + (help[n] == '\n');
	}
}

static void
write_section(FILE *fp, int section)
{
	for (size_t i = 0; i < nopts; i++) {
		const struct opt *o = &opts[i];

		if (o->section != section)
			continue;
		fputc('\n', fp);
		write_help(fp, o->help);
		if (o->type == T_ENUM)
			fprintf(fp, "# One of: %s\n", o->enums);
		if (o->type == T_UINT || o->type == T_MS)
			fprintf(fp, "# Range: %u..%u%s\n", o->min, o->max,
			    o->type == T_MS ? " ms" : "");
		if (section == SEC_LINK && o->mode == SERVER)
			/* The example link is a client link. */
			fprintf(fp, "#%s = %s\n", o->name, o->def ? o->def :
			    o->example);
		else if (o->def == NULL)
			fprintf(fp, "%s = %s\n", o->name, o->example);
		else if (o->example != NULL)
			fprintf(fp, "# default: %s\n%s = %s\n", *o->def ?
			    o->def : "(empty)", o->name, o->example);
		else
			fprintf(fp, "#%s = %s\n", o->name, o->def);
	}
}

void
cfg_write_example(FILE *fp)
{
	fputs("# numvertd configuration: every option, with its default.\n"
	    "# Generated by `numvertd --print-example-config` from the option\n"
	    "# table in gateway/config.c; `make check` fails if it drifts.\n"
	    "# Check a file with `numvertd --check-config -c FILE`.\n"
	    "# Lines starting with # are comments; a commented option shows\n"
	    "# its default.\n\n[numvertd]\n", fp);
	write_section(fp, SEC_MAIN);
	fputs("\n# One [link NAME] section per carrier link. This one is a\n"
	    "# client link (numvertd binds to the carrier's SMSC). A server\n"
	    "# link (the carrier connects to numvertd) sets mode = server,\n"
	    "# listen and allow instead of host and port.\n\n[link orange]\n",
	    fp);
	write_section(fp, SEC_LINK);
}

const char *
cfg_mode_name(int mode)
{
	return mode == LINK_MODE_SERVER ? "server" : "client";
}

const char *
cfg_role_name(int role)
{
	static const char *const names[] = { "auto", "esme", "smsc" };

	return role >= 0 && role < 3 ? names[role] : "?";
}

const char *
cfg_bind_name(int bind)
{
	return bind == LINK_BIND_TX_RX ? "transmitter+receiver" : "transceiver";
}

int
cfg_link_role(const struct cfg_link *l)
{
	if (l->role != LINK_ROLE_AUTO)
		return l->role;
	return l->mode == LINK_MODE_CLIENT ? LINK_ROLE_ESME : LINK_ROLE_SMSC;
}

int
cfg_link_allows(const struct cfg_link *l, int family, const void *addr)
{
	const uint8_t *a = addr;

	for (unsigned i = 0; i < l->nallow; i++) {
		const struct cfg_net *n = &l->allow[i];
		unsigned full = n->prefix / 8, rest = n->prefix % 8;

		if (n->family != family)
			continue;
		if (memcmp(n->addr, a, full) != 0)
			continue;
		if (rest != 0 && ((n->addr[full] ^ a[full]) &
		    (uint8_t)(0xff << (8 - rest))) != 0)
			continue;
		return 1;
	}
	return 0;
}

void
cfg_text_link(const struct cfg_link *l, struct text_link *out)
{
	memset(out, 0, sizeof *out);
	out->dcs0_latin1 = l->dcs0 == 1;
	out->dcs1_gsm7 = l->dcs1 == 1;
	out->cbs_scheme = l->dcs_scheme == 1;
	out->gsm7_packed = l->gsm7_packed == 1;
	out->gsm7_dcs = l->gsm7_dcs == 1 ? 0x0f : 0x00;
}
