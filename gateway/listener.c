/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <event2/listener.h>

#include "base/limits.h"
#include "base/log.h"
#include "base/xmalloc.h"

/* A connection that has not bound yet, and where it came from. */
struct pending_conn {
	struct smpp_conn *conn;
	int family;
	uint8_t addr[16];
};

struct listener {
	struct conn_env *env;
	struct evconnlistener *evl;
	int role;
	char name[96];
	unsigned port;
	struct link **links;
	unsigned nlinks;
	struct pending_conn pend[NV_LISTENER_UNBOUND_MAX];
	unsigned npend;
	uint64_t refused;		/* since the last connection_refused line */
	time_t refused_logged;
};

static uint32_t lsn_bind_request_cb(struct smpp_conn *,
    const struct smpp_pdu *, void *);
static void lsn_bound_cb(struct smpp_conn *, void *);
static void lsn_request_cb(struct smpp_conn *, const struct smpp_pdu *,
    struct conn_req, void *);
static void lsn_response_cb(struct smpp_conn *, void *, uint32_t,
    const struct smpp_pdu *, void *);
static void lsn_closed_cb(struct smpp_conn *, enum conn_end, uint32_t,
    void *);

static const struct conn_cbs lsn_conn_cbs = {
	.bind_request = lsn_bind_request_cb,
	.bound = lsn_bound_cb,
	.request = lsn_request_cb,
	.response = lsn_response_cb,
	.closed = lsn_closed_cb,
};

#define SLOG(ls, lvl, ev, ...) \
	log_msg((ls)->env->log, lvl, (ls)->name, ev, __VA_ARGS__)

static int
addr_of(const struct sockaddr *sa, int *family, uint8_t addr[16])
{
	if (sa->sa_family == AF_INET) {
		*family = AF_INET;
		memcpy(addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a6 =
		    &((const struct sockaddr_in6 *)sa)->sin6_addr;

		/* An IPv4 peer on a dual-stack socket is checked as IPv4. */
		if (IN6_IS_ADDR_V4MAPPED(a6)) {
			*family = AF_INET;
			memcpy(addr, &a6->s6_addr[12], 4);
		} else {
			*family = AF_INET6;
			memcpy(addr, a6, 16);
		}
		return 0;
	}
	return -1;
}

static int
allowed(const struct listener *ls, int family, const uint8_t *addr)
{
	for (unsigned i = 0; i < ls->nlinks; i++)
		if (cfg_link_allows(link_cfg(ls->links[i]), family, addr))
			return 1;
	return 0;
}

/* Until a bind names its link, the strictest timers of the links apply. */
static struct conn_params
pre_bind_params(const struct listener *ls)
{
	struct conn_params p = {
		.role = ls->role == LINK_ROLE_SMSC ? CONN_SMSC : CONN_ESME,
		.system_id = "numvert",
		.window = 1,
		.enquire_ms = 30000,
		.response_ms = 10000,
		.bind_timeout_ms = 10000,
	};

	for (unsigned i = 0; i < ls->nlinks; i++) {
		const struct cfg_link *c = link_cfg(ls->links[i]);

		if (c->bind_timeout_ms < p.bind_timeout_ms)
			p.bind_timeout_ms = c->bind_timeout_ms;
		if (c->response_ms < p.response_ms)
			p.response_ms = c->response_ms;
	}
	return p;
}

static void
accept_cb(struct evconnlistener *evl, evutil_socket_t fd,
    struct sockaddr *sa, int socklen, void *arg)
{
	struct listener *ls = arg;
	struct pending_conn *pc;
	struct conn_params p = pre_bind_params(ls);
	char host[INET6_ADDRSTRLEN] = "?";
	int family;
	uint8_t addr[16];

	(void)evl;
	(void)socklen;
	if (addr_of(sa, &family, addr) == 0)
		inet_ntop(family, addr, host, sizeof host);
	if (addr_of(sa, &family, addr) != 0 || !allowed(ls, family, addr)) {
		SLOG(ls, LOG_WARN, "connection_refused", "peer=%s "
		    "why=not_in_allowlist", host);
		evutil_closesocket(fd);
		return;
	}
	if (ls->npend >= NV_LISTENER_UNBOUND_MAX) {
		/* A flood gets one line per second, not one per socket. */
		ls->refused++;
		if (time(NULL) != ls->refused_logged) {
			SLOG(ls, LOG_WARN, "connection_refused", "peer=%s "
			    "why=too_many_unbound unbound=%u count=%llu", host,
			    ls->npend, (unsigned long long)ls->refused);
			ls->refused = 0;
			ls->refused_logged = time(NULL);
		}
		evutil_closesocket(fd);
		return;
	}
	pc = &ls->pend[ls->npend];
	pc->family = family;
	memcpy(pc->addr, addr, sizeof pc->addr);
	pc->conn = conn_accept(ls->env, fd, &p, &lsn_conn_cbs, ls, ls->name);
	if (pc->conn != NULL)
		ls->npend++;
}

static struct pending_conn *
pend_find(struct listener *ls, struct smpp_conn *c)
{
	for (unsigned i = 0; i < ls->npend; i++)
		if (ls->pend[i].conn == c)
			return &ls->pend[i];
	return NULL;
}

static void
pend_remove(struct listener *ls, struct smpp_conn *c)
{
	struct pending_conn *pc = pend_find(ls, c);

	if (pc != NULL)
		*pc = ls->pend[--ls->npend];
}

/* Finds the link whose credentials the bind carries. */
static uint32_t
lsn_bind_request_cb(struct smpp_conn *c, const struct smpp_pdu *pdu,
    void *arg)
{
	struct listener *ls = arg;
	struct pending_conn *pc = pend_find(ls, c);
	char q[LOG_QBUF];
	uint32_t st = SMPP_RINVSYSID;

	for (unsigned i = 0; pc != NULL && i < ls->nlinks; i++) {
		st = link_check_bind(ls->links[i], pdu, pc->family, pc->addr);
		if (st == SMPP_ROK) {
			pend_remove(ls, c);
			link_adopt(ls->links[i], c);
			return SMPP_ROK;
		}
		if (st != SMPP_RINVSYSID)
			break;	/* the system_id matched: that is the verdict */
	}
	/* Never the password: only who tried and why it failed. */
	SLOG(ls, LOG_WARN, "bind_refused", "peer=%s cmd=%s system_id=%s "
	    "status=%s", conn_peer(c), smpp_cmd_name(pdu->command_id),
	    log_qs(q, sizeof q, pdu->system_id), smpp_status_name(st));
	return st;
}

static void
lsn_bound_cb(struct smpp_conn *c, void *arg)
{
	(void)c;
	(void)arg;	/* bound connections belong to a link by now */
}

static void
lsn_request_cb(struct smpp_conn *c, const struct smpp_pdu *pdu,
    struct conn_req req, void *arg)
{
	(void)pdu;
	(void)arg;
	conn_respond(c, req, SMPP_RINVBNDSTS, NULL);
}

static void
lsn_response_cb(struct smpp_conn *c, void *ctx, uint32_t status,
    const struct smpp_pdu *resp, void *arg)
{
	(void)c;
	(void)ctx;
	(void)status;
	(void)resp;
	(void)arg;	/* the listener sends no request */
}

static void
lsn_closed_cb(struct smpp_conn *c, enum conn_end why, uint32_t status,
    void *arg)
{
	(void)why;
	(void)status;
	pend_remove(arg, c);
}

static int
sockaddr_of(const char *host, unsigned port, struct sockaddr_storage *ss,
    int *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof *ss);
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		*len = sizeof *sin;
		return 0;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		*len = sizeof *sin6;
		return 0;
	}
	return -1;
}

struct listener *
lsn_new(struct conn_env *env, const char *host, unsigned port, int role,
    char **cause)
{
	struct listener *ls = xcalloc(1, sizeof *ls);
	struct sockaddr_storage ss;
	int sslen;
	char spec[96];

	snprintf(spec, sizeof spec, strchr(host, ':') ? "[%s]:%u" : "%s:%u",
	    host, port);
	if (sockaddr_of(host, port, &ss, &sslen) != 0) {
		*cause = xasprintf("listen %s: not an IPv4 or IPv6 address", spec);
		goto fail;
	}
	ls->env = env;
	ls->role = role;
	ls->evl = evconnlistener_new_bind(env->base, accept_cb, ls,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
	    128, (struct sockaddr *)&ss, sslen);
	if (ls->evl == NULL) {
		*cause = xasprintf("listen %s: %s", spec,
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
		goto fail;
	}
	sslen = sizeof ss;
	getsockname(evconnlistener_get_fd(ls->evl), (struct sockaddr *)&ss,
	    (socklen_t *)&sslen);
	ls->port = ntohs(ss.ss_family == AF_INET6 ?
	    ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
	snprintf(ls->name, sizeof ls->name, strchr(host, ':') ?
	    "listener=[%s]:%u" : "listener=%s:%u", host, ls->port);
	SLOG(ls, LOG_INFO, "listening", "port=%u role=%s", ls->port,
	    cfg_role_name(role));
	return ls;
fail:
	free(ls);
	return NULL;
}

void
lsn_add_link(struct listener *ls, struct link *l)
{
	ls->links = xreallocarray(ls->links, ls->nlinks + 1, sizeof *ls->links);
	ls->links[ls->nlinks++] = l;
}

unsigned
lsn_port(const struct listener *ls)
{
	return ls->port;
}

const char *
lsn_name(const struct listener *ls)
{
	return ls->name;
}

void
lsn_free(struct listener *ls)
{
	if (ls == NULL)
		return;
	evconnlistener_free(ls->evl);
	while (ls->npend > 0)
		conn_close(ls->pend[0].conn);	/* closed_cb removes it */
	free(ls->links);
	free(ls);
}
