/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "sim/sim_ctl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>

#include "base/log.h"
#include "base/xmalloc.h"
#include "sim/sim_util.h"

/* Longest control line; a client that sends more is dropped. */
#define CTL_LINE_MAX 4096u

/* Output queued for a client that does not read; past it, dropped. */
#define CTL_OUT_MAX (1024u * 1024u)

struct client;

/* One attached number and its USSD dialogue. */
struct phone {
	struct sim_ctl *ctl;
	struct client *cl;
	char msisdn[21];
	char service[21];	/* the dialogue's service code */
	struct sim_ussd_sess s;
	struct event *guard;	/* the network's dialogue timer */
	struct phone *next;
};

struct client {
	struct sim_ctl *ctl;
	struct bufferevent *bev;
	struct client *next;
};

struct sim_ctl {
	struct sim_ctx *ctx;
	const struct sim_serve_opts *so;
	struct evconnlistener *lst;
	sim_ctl_mo_fn mo;
	void *arg;
	struct client *clients;
	struct phone *phones;
	uint16_t next_id;
};

static void guard_cb(evutil_socket_t, short, void *);

static struct phone *
phone_find(struct sim_ctl *ctl, const char *msisdn)
{
	for (struct phone *p = ctl->phones; p != NULL; p = p->next)
		if (strcmp(p->msisdn, msisdn) == 0)
			return p;
	return NULL;
}

/* Finds or creates the phone for msisdn and attaches it to cl. */
static struct phone *
phone_attach(struct sim_ctl *ctl, struct client *cl, const char *msisdn)
{
	struct phone *p = phone_find(ctl, msisdn);

	if (p == NULL) {
		p = xcalloc(1, sizeof *p);
		p->ctl = ctl;
		snprintf(p->msisdn, sizeof p->msisdn, "%s", msisdn);
		p->guard = evtimer_new(ctl->ctx->base, guard_cb, p);
		p->next = ctl->phones;
		ctl->phones = p;
	}
	p->cl = cl;
	return p;
}

static void
client_write(struct client *cl, const char *line)
{
	struct evbuffer *out = bufferevent_get_output(cl->bev);

	if (evbuffer_get_length(out) > CTL_OUT_MAX)
		return;	/* a phone that does not read loses lines */
	evbuffer_add_printf(out, "%s\n", line);
}

static void
vtell(struct phone *p, const char *fmt, va_list ap)
{
	char line[SIM_MT_TEXT_MAX * 2 + 128];

	if (p == NULL || p->cl == NULL)
		return;
	vsnprintf(line, sizeof line, fmt, ap);
	client_write(p->cl, line);
}

void
sim_ctl_tell(struct sim_ctl *ctl, const char *msisdn, const char *fmt, ...)
{
	va_list ap;

	if (ctl == NULL)
		return;
	va_start(ap, fmt);
	vtell(phone_find(ctl, msisdn), fmt, ap);
	va_end(ap);
}

static void
tell(struct phone *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
tell(struct phone *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vtell(p, fmt, ap);
	va_end(ap);
}

static void
ussd_close(struct phone *p)
{
	p->s.open = 0;
	evtimer_del(p->guard);
}

static void
ussd_arm(struct phone *p)
{
	struct timeval tv = sim_tv(p->ctl->so->ussd_timeout_ms);

	evtimer_add(p->guard, &tv);
}

/* Builds and hands over one USSD step. Returns 0 or -1 (told). */
static int
ussd_send(struct phone *p, enum sim_ussd_step step, const char *text)
{
	struct sim_ctl *ctl = p->ctl;
	struct sim_mo mo;
	const char *err;

	if (sim_mo_ussd(&mo, &ctl->so->mo, ctl->so->dialect, &p->s, step,
	    p->msisdn, p->service, text, &err) != 0) {
		tell(p, "err ussd %s %s", p->msisdn, err);
		return -1;
	}
	if (ctl->mo(ctl->arg, &mo, p->msisdn, 1) != 0) {
		tell(p, "err ussd %s busy: too many MOs waiting", p->msisdn);
		return -1;
	}
	return 0;
}

static void
guard_cb(evutil_socket_t fd, short what, void *arg)
{
	struct phone *p = arg;

	(void)fd;
	(void)what;
	if (!p->s.open)
		return;
	/* The network gives up and tells the application so. */
	(void)ussd_send(p, SIM_USSD_ABORT, "");
	ussd_close(p);
	tell(p, "info ussd %s timeout: the network ended the dialogue",
	    p->msisdn);
}

static void
do_ussd(struct sim_ctl *ctl, struct phone *p, const char *text)
{
	if (strcmp(text, "abort") == 0) {
		if (!p->s.open) {
			tell(p, "err ussd %s no open dialogue", p->msisdn);
			return;
		}
		(void)ussd_send(p, SIM_USSD_ABORT, "");
		ussd_close(p);
		return;
	}
	if (p->s.open) {
		if (ussd_send(p, SIM_USSD_CONTINUE, text) == 0)
			ussd_arm(p);
		return;
	}
	if (sim_ussd_service(text, p->service, sizeof p->service) != 0) {
		tell(p, "err ussd %s no open dialogue: dial a string such as "
		    "*384#", p->msisdn);
		return;
	}
	p->s.id = ctl->next_id;
	ctl->next_id = (uint16_t)((ctl->next_id + 1u) %
	    ((unsigned)sim_dialect_max_id(ctl->so->dialect) + 1u));
	p->s.open = 1;
	if (ussd_send(p, SIM_USSD_BEGIN, text) == 0)
		ussd_arm(p);
	else
		p->s.open = 0;
}

static void
do_sms(struct sim_ctl *ctl, struct phone *p, const char *to,
    const char *text)
{
	struct sim_mo mo;
	const char *err;

	if (sim_mo_sms(&mo, &ctl->so->mo, p->msisdn, to, text, &err) != 0)
		tell(p, "err sms %s %s", p->msisdn, err);
	else if (ctl->mo(ctl->arg, &mo, p->msisdn, 0) != 0)
		tell(p, "err sms %s busy: too many MOs waiting", p->msisdn);
}

/* Cuts the next space-separated word off *s. */
static char *
word(char **s)
{
	char *w = *s, *e;

	while (*w == ' ')
		w++;
	if (*w == '\0')
		return NULL;
	e = strchr(w, ' ');
	if (e != NULL) {
		*e = '\0';
		*s = e + 1;
	} else {
		*s = w + strlen(w);
	}
	return w;
}

static void
help_lines(struct client *cl)
{
	client_write(cl, "info commands: attach MSISDN | sms FROM TO TEXT | "
	    "ussd FROM *CODE# | ussd FROM ANSWER | ussd FROM abort | quit");
}

/* Handles one line. Returns -1 when the client is to be closed. */
static int
handle_line(struct client *cl, char *line)
{
	struct sim_ctl *ctl = cl->ctl;
	char *rest = line, *cmd = word(&rest), *from, *to = NULL;
	char text[CTL_LINE_MAX];
	size_t tlen;
	struct phone *p;

	if (cmd == NULL || cmd[0] == '#')
		return 0;
	if (strcmp(cmd, "quit") == 0)
		return -1;
	if (strcmp(cmd, "help") == 0) {
		help_lines(cl);
		return 0;
	}
	if (strcmp(cmd, "attach") && strcmp(cmd, "sms") && strcmp(cmd, "ussd")) {
		client_write(cl, "err unknown command (try help)");
		return 0;
	}
	from = word(&rest);
	if (from == NULL || !sim_valid_addr(from)) {
		client_write(cl, "err the number must be 1 to 20 digits");
		return 0;
	}
	if (strcmp(cmd, "sms") == 0 &&
	    ((to = word(&rest)) == NULL || !sim_valid_addr(to))) {
		client_write(cl, "err sms wants FROM TO TEXT");
		return 0;
	}
	if (sim_unescape(rest, text, sizeof text, &tlen) != 0 ||
	    tlen != strlen(text) || !sim_utf8_valid(text, tlen)) {
		client_write(cl, "err the text is not valid escaped UTF-8");
		return 0;
	}
	p = phone_attach(ctl, cl, from);
	if (strcmp(cmd, "attach") == 0)
		tell(p, "ok attach %s", from);
	else if (strcmp(cmd, "sms") == 0)
		do_sms(ctl, p, to, text);
	else
		do_ussd(ctl, p, text);
	return 0;
}

static void
client_close(struct client *cl)
{
	struct sim_ctl *ctl = cl->ctl;

	for (struct client **pp = &ctl->clients; *pp != NULL;
	    pp = &(*pp)->next) {
		if (*pp == cl) {
			*pp = cl->next;
			break;
		}
	}
	/* A phone that hangs up mid-dialogue aborts it. */
	for (struct phone *p = ctl->phones; p != NULL; p = p->next) {
		if (p->cl != cl)
			continue;
		p->cl = NULL;
		if (p->s.open) {
			(void)ussd_send(p, SIM_USSD_ABORT, "");
			ussd_close(p);
		}
	}
	bufferevent_free(cl->bev);
	free(cl);
}

static void
client_read_cb(struct bufferevent *bev, void *arg)
{
	struct client *cl = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	char *line;
	size_t n;

	while ((line = evbuffer_readln(in, &n, EVBUFFER_EOL_CRLF)) != NULL) {
		int rc = n < CTL_LINE_MAX ? handle_line(cl, line) : -1;

		free(line);
		if (rc != 0) {
			client_close(cl);
			return;
		}
	}
	if (evbuffer_get_length(in) > CTL_LINE_MAX)
		client_close(cl);
}

static void
client_event_cb(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		client_close(arg);
}

static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct sim_ctl *ctl = arg;
	struct client *cl = xcalloc(1, sizeof *cl);

	(void)l;
	(void)sa;
	(void)salen;
	cl->ctl = ctl;
	cl->bev = bufferevent_socket_new(ctl->ctx->base, fd,
	    BEV_OPT_CLOSE_ON_FREE);
	if (cl->bev == NULL) {
		evutil_closesocket(fd);
		free(cl);
		return;
	}
	bufferevent_setcb(cl->bev, client_read_cb, NULL, client_event_cb, cl);
	bufferevent_enable(cl->bev, EV_READ | EV_WRITE);
	cl->next = ctl->clients;
	ctl->clients = cl;
}

struct sim_ctl *
sim_ctl_new(struct sim_ctx *ctx, const struct sim_serve_opts *so,
    sim_ctl_mo_fn mo, void *arg, int *bound, const char **cause)
{
	struct sim_ctl *ctl = xcalloc(1, sizeof *ctl);

	ctl->ctx = ctx;
	ctl->so = so;
	ctl->mo = mo;
	ctl->arg = arg;
	/* Sessions start at 42, like the fixtures: easy to spot. */
	ctl->next_id = 42;
	ctl->lst = sim_listen(ctx->base, so->control_host, so->control_port,
	    accept_cb, ctl, bound, cause);
	if (ctl->lst == NULL) {
		free(ctl);
		return NULL;
	}
	return ctl;
}

void
sim_ctl_free(struct sim_ctl *ctl)
{
	if (ctl == NULL)
		return;
	evconnlistener_free(ctl->lst);
	while (ctl->clients != NULL) {
		struct client *cl = ctl->clients;

		ctl->clients = cl->next;
		bufferevent_free(cl->bev);
		free(cl);
	}
	while (ctl->phones != NULL) {
		struct phone *p = ctl->phones;

		ctl->phones = p->next;
		event_free(p->guard);
		free(p);
	}
	free(ctl);
}

/* Replaces spaces so a reason stays one word on the line. */
static void
one_word(char *s)
{
	for (; *s != '\0'; s++)
		if (*s == ' ')
			*s = '_';
}

void
sim_ctl_mt(struct sim_ctl *ctl, const struct sim_mt *mt)
{
	struct phone *p;
	char esc[SIM_MT_TEXT_MAX * 2], why[128];
	enum sim_verdict v = mt->verdict;

	if (ctl == NULL || (p = phone_find(ctl, mt->to)) == NULL)
		return;
	sim_escape(mt->text, strlen(mt->text), esc, sizeof esc);
	snprintf(why, sizeof why, "%s", mt->why);
	if (!mt->ussd) {
		tell(p, "mt sms %s %s %s", p->msisdn, mt->from, esc);
		if (why[0] != '\0')
			tell(p, "info sms %s decoding: %s", p->msisdn, why);
		return;
	}
	if (v != SIM_MT_ERROR && !p->s.open) {
		v = SIM_MT_ERROR;
		snprintf(why, sizeof why, "no open dialogue");
	} else if (v != SIM_MT_ERROR && mt->sess_id != (long)p->s.id) {
		v = SIM_MT_ERROR;
		snprintf(why, sizeof why, "session %ld, expected %u",
		    mt->sess_id, p->s.id);
	}
	if (v == SIM_MT_END)
		ussd_close(p);
	else if (v == SIM_MT_CONTINUE)
		ussd_arm(p);
	one_word(why);
	tell(p, "mt ussd %s %s%s%s %s", p->msisdn, sim_verdict_name(v),
	    v == SIM_MT_ERROR ? ":" : "", v == SIM_MT_ERROR ? why : "", esc);
}

void
sim_ctl_ussd_failed(struct sim_ctl *ctl, const char *msisdn)
{
	struct phone *p;

	if (ctl != NULL && (p = phone_find(ctl, msisdn)) != NULL &&
	    p->s.open) {
		ussd_close(p);
		tell(p, "info ussd %s the dialogue ended: the MO was refused",
		    msisdn);
	}
}
