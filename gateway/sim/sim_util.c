/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "sim/sim_util.h"

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/xmalloc.h"

int
sim_parse_hostport(const char *s, char *host, size_t hostsz, int *port)
{
	const char *colon, *h = s;
	size_t hlen;
	unsigned long p;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL || close[1] != ':')
			return -1;
		h = s + 1;
		hlen = (size_t)(close - h);
		colon = close + 1;
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			return -1;
		hlen = (size_t)(colon - s);
	}
	if (hlen == 0 || hlen >= hostsz || hlen >= SIM_HOST_MAX)
		return -1;
	if (sim_parse_uint(colon + 1, 0, 65535, &p) != 0)
		return -1;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	*port = (int)p;
	return 0;
}

int
sim_parse_uint(const char *s, unsigned long min, unsigned long max,
    unsigned long *out)
{
	char *end;
	unsigned long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
sim_parse_duration(const char *s, unsigned *ms)
{
	char *end;
	double v, mult = 1000.0;

	if (s == NULL || ((*s < '0' || *s > '9') && *s != '.'))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || v < 0)
		return -1;
	if (strcmp(end, "ms") == 0)
		mult = 1.0;
	else if (strcmp(end, "m") == 0)
		mult = 60000.0;
	else if (strcmp(end, "s") != 0 && *end != '\0')
		return -1;
	v *= mult;
	/* A day is more than any test or hold needs. */
	if (v > 86400000.0)
		return -1;
	*ms = (unsigned)(v + 0.5);
	return 0;
}

int
sim_status_parse(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	for (uint32_t st = 0; st < 0x100; st++) {
		if (strcmp(smpp_status_name(st), s) == 0) {
			*out = st;
			return 0;
		}
	}
	errno = 0;
	v = strtoul(s, &end, 0);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 ||
	    v > 0xffffffffu)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int
sim_valid_addr(const char *s)
{
	size_t n = s[0] == '+';

	for (; s[n] != '\0'; n++)
		if (s[n] < '0' || s[n] > '9' || n >= SIM_ADDR_MAX)
			return 0;
	return n > (size_t)(s[0] == '+');
}

int
sim_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "numvert-smsc %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see numvert-smsc %s --help)\n", cmd);
	return SIM_EXIT_USAGE;
}

struct evconnlistener *
sim_listen(struct event_base *base, const char *host, int port,
    evconnlistener_cb cb, void *arg, int *bound, const char **cause)
{
	struct addrinfo hints, *ai = NULL;
	struct evconnlistener *l;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	char pstr[16];
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	snprintf(pstr, sizeof pstr, "%d", port);
	if ((rc = getaddrinfo(host, pstr, &hints, &ai)) != 0) {
		*cause = gai_strerror(rc);
		return NULL;
	}
	l = evconnlistener_new_bind(base, cb, arg,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 1024, ai->ai_addr,
	    (int)ai->ai_addrlen);
	freeaddrinfo(ai);
	if (l == NULL) {
		*cause = strerror(errno);
		return NULL;
	}
	*bound = port;
	if (getsockname(evconnlistener_get_fd(l), (struct sockaddr *)&ss,
	    &sl) == 0) {
		if (ss.ss_family == AF_INET)
			*bound = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		else if (ss.ss_family == AF_INET6)
			*bound = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	}
	return l;
}

int
sim_write_port_file(const char *path, int port)
{
	char *tmp = xasprintf("%s.tmp%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	int rc = -1;

	if (f == NULL)
		goto fail;
	if (fprintf(f, "%d\n", port) < 0) {
		fclose(f);
		goto fail;
	}
	if (fclose(f) != 0)
		goto fail;
	/* A reader polling for the file never sees it half written. */
	if (rename(tmp, path) != 0)
		goto fail;
	rc = 0;
fail:
	if (rc != 0)
		(void)unlink(tmp);
	free(tmp);
	return rc;
}

uint64_t
sim_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

struct timeval
sim_tv(unsigned ms)
{
	struct timeval tv;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (long)(ms % 1000) * 1000;
	return tv;
}

void
sim_escape(const char *in, size_t len, char *out, size_t outsz)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (outsz == 0)
		return;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		char e[5];
		size_t n = 0;

		if (c == '\n' || c == '\r' || c == '\t' || c == '\\') {
			e[n++] = '\\';
			e[n++] = c == '\n' ? 'n' : c == '\r' ? 'r' :
			    c == '\t' ? 't' : '\\';
		} else if (c < 0x20 || c == 0x7f) {
			e[n++] = '\\';
			e[n++] = 'x';
			e[n++] = hex[c >> 4];
			e[n++] = hex[c & 15];
		} else {
			e[n++] = (char)c;
		}
		if (o + n + 4 > outsz) {
			/* Cut, and say so. */
			if (outsz >= 4) {
				o = o < outsz - 4 ? o : outsz - 4;
				memcpy(out + o, "...", 3);
				o += 3;
			}
			break;
		}
		memcpy(out + o, e, n);
		o += n;
	}
	out[o < outsz ? o : outsz - 1] = '\0';
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
sim_unescape(const char *in, char *out, size_t outsz, size_t *outlen)
{
	size_t o = 0;

	for (const char *p = in; *p != '\0'; p++) {
		char c = *p;

		if (c == '\\') {
			p++;
			switch (*p) {
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case '\\': c = '\\'; break;
			case '~': c = '~'; break;
			case 'x':
				if (hexval(p[1]) < 0 || hexval(p[2]) < 0)
					return -1;
				c = (char)(hexval(p[1]) << 4 | hexval(p[2]));
				p += 2;
				break;
			default:
				return -1;
			}
		}
		if (o + 1 >= outsz)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	*outlen = o;
	return 0;
}

struct sim_signals {
	struct event *ev[2];
	void (*cb)(void *);
	void *arg;
};

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct sim_signals *s = arg;

	(void)sig;
	(void)what;
	s->cb(s->arg);
}

struct sim_signals *
sim_signals_new(struct event_base *base, void (*cb)(void *), void *arg)
{
	struct sim_signals *s = xcalloc(1, sizeof *s);
	static const int sigs[2] = { SIGINT, SIGTERM };

	s->cb = cb;
	s->arg = arg;
	for (int i = 0; i < 2; i++) {
		s->ev[i] = evsignal_new(base, sigs[i], signal_cb, s);
		if (s->ev[i] == NULL || event_add(s->ev[i], NULL) != 0) {
			sim_signals_free(s);
			return NULL;
		}
	}
	return s;
}

void
sim_signals_free(struct sim_signals *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < 2; i++)
		if (s->ev[i] != NULL)
			event_free(s->ev[i]);
	free(s);
}

void
sim_raise_nofile(unsigned long want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = want < rl.rlim_max ? want : rl.rlim_max;
	(void)setrlimit(RLIMIT_NOFILE, &rl);
}
