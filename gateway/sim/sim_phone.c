/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * phone: a handset in the terminal, attached to a serve's control port.
 * A line "*...#" dials USSD; while a dialogue is open every line is an
 * answer ("abort" hangs up); "sms SHORTCODE TEXT" sends an SMS. Lines
 * are taken one at a time: after a USSD step the phone waits for the
 * next screen, so a pipe can drive a whole dialogue.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "base/xmalloc.h"
#include "sim/sim_cmds.h"
#include "sim/sim_msg.h"
#include "sim/sim_util.h"

#define PHONE_LINE_MAX 4096u

enum pstate { P_CONNECTING, P_IDLE, P_WAIT_USSD, P_WAIT_ACK, P_DONE };

struct phone {
	struct sim_ctx *ctx;
	char host[SIM_HOST_MAX];
	int port;
	const char *from;
	unsigned wait_ms, linger_ms;
	struct bufferevent *ctl;
	struct bufferevent *in;		/* stdin as a pipe or tty */
	struct evbuffer *lines;		/* stdin not yet handled */
	struct event *timer;		/* wait for a screen, linger */
	struct sim_signals *sig;
	enum pstate st;
	int ussd_open, eof, tty, rc;
};

enum { OPT_CONTROL = 0x100, OPT_FROM, OPT_WAIT, OPT_LINGER, OPT_HELP };

static const struct option longopts[] = {
	{ "control", 1, NULL, OPT_CONTROL },
	{ "from", 1, NULL, OPT_FROM },
	{ "wait", 1, NULL, OPT_WAIT },
	{ "linger", 1, NULL, OPT_LINGER },
	{ "help", 0, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void
help(void)
{
	printf("usage: numvert-smsc phone [--control HOST:PORT] [--from "
	    "MSISDN]\n"
	    "A handset on a serve's control port; reads stdin:\n"
	    "  *384#               dial USSD; then each line answers the "
	    "screen\n"
	    "  abort               hang up an open USSD dialogue\n"
	    "  sms SHORTCODE TEXT  send an SMS\n"
	    "  quit                leave\n\n"
	    "  --control HOST:PORT serve's control port (default "
	    "127.0.0.1:2776)\n"
	    "  --from MSISDN       this phone's number (default "
	    "22370000001)\n"
	    "  --wait D            how long to wait for a USSD screen "
	    "(default 15s)\n"
	    "  --linger D          after the last input line, wait D for "
	    "SMS (default 2s)\n");
}

static void next_line(struct phone *ph);

static void
finish(struct phone *ph, int rc)
{
	if (ph->st == P_DONE)
		return;
	ph->st = P_DONE;
	ph->rc = rc;
	/* Freeing the events lets the loop run dry. */
	if (ph->ctl != NULL) {
		bufferevent_free(ph->ctl);
		ph->ctl = NULL;
	}
	if (ph->in != NULL) {
		bufferevent_free(ph->in);
		ph->in = NULL;
	}
	evtimer_del(ph->timer);
	sim_signals_free(ph->sig);
	ph->sig = NULL;
}

static void
prompt(struct phone *ph)
{
	if (ph->tty && ph->st == P_IDLE) {
		printf("%s", ph->ussd_open ? "answer> " : "phone> ");
		fflush(stdout);
	}
}

/* Prints a screen: each line of the text inside a box. */
static void
screen(const char *title, const char *text, const char *footer)
{
	printf(".--- %s\n", title);
	for (const char *p = text; ; ) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);

		printf("| %.*s\n", n, p);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	printf("'---%s%s\n", footer[0] ? " " : "", footer);
	fflush(stdout);
}

static void
arm(struct phone *ph, unsigned ms)
{
	struct timeval tv = sim_tv(ms);

	evtimer_add(ph->timer, &tv);
}

/* Sends "CMD FROM REST" to serve. */
static void
send_line(struct phone *ph, const char *cmd, const char *rest)
{
	evbuffer_add_printf(bufferevent_get_output(ph->ctl), "%s %s%s%s\n",
	    cmd, ph->from, rest[0] ? " " : "", rest);
}

/* Acts on one input line; returns 1 when it waits for an answer. */
static int
do_input(struct phone *ph, char *line)
{
	char esc[PHONE_LINE_MAX * 2];

	while (*line == ' ')
		line++;
	if (*line == '\0')
		return 0;
	if (strcmp(line, "quit") == 0) {
		finish(ph, SIM_EXIT_OK);
		return 1;
	}
	if (ph->ussd_open || sim_is_ussd_string(line) ||
	    strcmp(line, "abort") == 0) {
		sim_escape(line, strlen(line), esc, sizeof esc);
		send_line(ph, "ussd", esc);
		if (strcmp(line, "abort") == 0) {
			ph->ussd_open = 0;
			ph->st = P_WAIT_ACK;
		} else {
			ph->st = P_WAIT_USSD;
		}
		arm(ph, ph->wait_ms);
		return 1;
	}
	if (strncmp(line, "sms ", 4) == 0) {
		/* "sms SC TEXT": the text may hold escapes already. */
		send_line(ph, "sms", line + 4);
		ph->st = P_WAIT_ACK;
		arm(ph, ph->wait_ms);
		return 1;
	}
	printf("! dial a USSD string (*384#) or type: sms SHORTCODE TEXT\n");
	return 0;
}

/* Takes stdin lines while nothing is awaited. */
static void
next_line(struct phone *ph)
{
	char *line;
	size_t n;

	while (ph->st == P_IDLE) {
		line = evbuffer_readln(ph->lines, &n, EVBUFFER_EOL_CRLF);
		if (line == NULL && ph->eof && evbuffer_get_length(ph->lines)) {
			/* A last line without its newline. */
			n = evbuffer_get_length(ph->lines);
			line = xmalloc(n + 1);
			evbuffer_remove(ph->lines, line, n);
			line[n] = '\0';
		}
		if (line == NULL)
			break;
		if (do_input(ph, line) == 0)
			prompt(ph);
		free(line);
	}
	if (ph->st == P_IDLE && ph->eof) {
		ph->st = P_WAIT_ACK;	/* nothing more to send */
		if (ph->linger_ms == 0)
			finish(ph, SIM_EXIT_OK);
		else
			arm(ph, ph->linger_ms);
		ph->eof = 2;
	}
}

static void
idle(struct phone *ph)
{
	if (ph->st == P_DONE || ph->eof == 2)
		return;
	evtimer_del(ph->timer);
	ph->st = P_IDLE;
	prompt(ph);
	next_line(ph);
}

/* "mt ussd TO VERDICT TEXT" */
static void
on_ussd(struct phone *ph, char *rest)
{
	char *verdict = rest, *text = strchr(rest, ' ');
	char buf[PHONE_LINE_MAX];
	size_t n;

	if (text != NULL)
		*text++ = '\0';
	if (sim_unescape(text ? text : "", buf, sizeof buf, &n) != 0)
		snprintf(buf, sizeof buf, "%s", text ? text : "");
	if (strcmp(verdict, "continue") == 0) {
		ph->ussd_open = 1;
		screen("USSD", buf, "answer (or abort)");
	} else if (strcmp(verdict, "end") == 0) {
		ph->ussd_open = 0;
		screen("USSD", buf, "dialogue ended");
	} else {
		screen("USSD", buf, verdict);
		printf("! protocol error from the network side: %s\n",
		    verdict);
	}
	if (ph->st == P_WAIT_USSD)
		idle(ph);
}

/* "mt sms TO FROM TEXT" */
static void
on_sms(struct phone *ph, char *rest)
{
	char *from = rest, *text = strchr(rest, ' ');
	char buf[PHONE_LINE_MAX], title[64];
	size_t n;

	if (text != NULL)
		*text++ = '\0';
	if (sim_unescape(text ? text : "", buf, sizeof buf, &n) != 0)
		snprintf(buf, sizeof buf, "%s", text ? text : "");
	snprintf(title, sizeof title, "SMS from %.20s", from);
	screen(title, buf, "");
	(void)ph;
}

/* One line from serve. */
static void
on_ctl_line(struct phone *ph, char *line)
{
	char *sp = strchr(line, ' '), *rest;

	if (sp == NULL)
		return;
	rest = sp + 1;
	if (strncmp(line, "mt ussd ", 8) == 0 && (sp = strchr(line + 8, ' '))) {
		on_ussd(ph, sp + 1);
	} else if (strncmp(line, "mt sms ", 7) == 0 &&
	    (sp = strchr(line + 7, ' '))) {
		on_sms(ph, sp + 1);
	} else if (strncmp(line, "ack ", 4) == 0) {
		int ok = strstr(rest, " ESME_ROK") != NULL;

		if (!ok) {
			printf("! refused: %s\n", rest);
			if (strncmp(rest, "ussd ", 5) == 0)
				ph->ussd_open = 0;
		}
		if (ph->st == P_WAIT_ACK || (!ok && ph->st == P_WAIT_USSD))
			idle(ph);
	} else if (strncmp(line, "err ", 4) == 0) {
		printf("! %s\n", rest);
		if (strncmp(rest, "ussd ", 5) == 0 && strstr(rest, "no open"))
			ph->ussd_open = 0;
		if (ph->st == P_WAIT_ACK || ph->st == P_WAIT_USSD)
			idle(ph);
	} else if (strncmp(line, "info ", 5) == 0) {
		printf("* %s\n", rest);
		if (strstr(rest, " timeout") != NULL)
			ph->ussd_open = 0;
	}
	fflush(stdout);
}

static void
ctl_read_cb(struct bufferevent *bev, void *arg)
{
	struct phone *ph = arg;
	char *line;
	size_t n;

	while (ph->st != P_DONE && (line = evbuffer_readln(
	    bufferevent_get_input(bev), &n, EVBUFFER_EOL_CRLF)) != NULL) {
		on_ctl_line(ph, line);
		free(line);
	}
}

static void
in_read_cb(struct bufferevent *bev, void *arg)
{
	struct phone *ph = arg;

	evbuffer_add_buffer(ph->lines, bufferevent_get_input(bev));
	if (ph->st == P_IDLE)
		next_line(ph);
}

static void
in_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct phone *ph = arg;

	(void)bev;
	if (!(what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)))
		return;
	if (ph->in != NULL) {
		bufferevent_free(ph->in);
		ph->in = NULL;
	}
	if (ph->eof == 0)
		ph->eof = 1;
	if (ph->st == P_IDLE)
		next_line(ph);
}

/* stdin: read a regular file at once (epoll cannot watch one). */
static int
open_stdin(struct phone *ph)
{
	struct stat sb;

	ph->tty = isatty(0);
	if (fstat(0, &sb) == 0 && S_ISREG(sb.st_mode)) {
		while (evbuffer_read(ph->lines, 0, 65536) > 0)
			;
		ph->eof = 1;
		return 0;
	}
	ph->in = bufferevent_socket_new(ph->ctx->base, 0, 0);
	if (ph->in == NULL)
		return -1;
	bufferevent_setcb(ph->in, in_read_cb, NULL, in_event_cb, ph);
	bufferevent_enable(ph->in, EV_READ);
	return 0;
}

static void
ctl_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct phone *ph = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		send_line(ph, "attach", "");
		if (open_stdin(ph) != 0) {
			fprintf(stderr, "numvert-smsc phone: cannot read "
			    "stdin\n");
			finish(ph, SIM_EXIT_USAGE);
			return;
		}
		if (ph->tty)
			printf("phone %s: dial *384# or type sms 36123 TEXT; "
			    "quit to leave\n", ph->from);
		ph->st = P_IDLE;
		prompt(ph);
		next_line(ph);
		return;
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		fprintf(stderr, "numvert-smsc phone: %s %s:%d\n",
		    ph->st == P_CONNECTING ? "cannot connect to" :
		    "lost the control port", ph->host, ph->port);
		finish(ph, SIM_EXIT_FAIL);
	}
}

static void
timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct phone *ph = arg;

	(void)fd;
	(void)what;
	if (ph->eof == 2) {
		finish(ph, SIM_EXIT_OK);
		return;
	}
	printf("! no answer within %u ms\n", ph->wait_ms);
	fflush(stdout);
	idle(ph);
}

static void
on_signal(void *arg)
{
	finish(arg, SIM_EXIT_OK);
}

static int
parse(struct phone *ph, int argc, char **argv)
{
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_CONTROL:
			if (sim_parse_hostport(optarg, ph->host,
			    sizeof ph->host, &ph->port) != 0 || ph->port == 0)
				return sim_usage_error("phone", "--control "
				    "wants HOST:PORT");
			break;
		case OPT_FROM:
			if (!sim_valid_addr(optarg))
				return sim_usage_error("phone", "--from wants "
				    "1 to 20 digits");
			ph->from = optarg;
			break;
		case OPT_WAIT:
		case OPT_LINGER:
			if (sim_parse_duration(optarg, c == OPT_WAIT ?
			    &ph->wait_ms : &ph->linger_ms) != 0)
				return sim_usage_error("phone", "bad duration "
				    "'%s'", optarg);
			break;
		case OPT_HELP:
			help();
			exit(SIM_EXIT_OK);
		default:
			return sim_usage_error("phone", "bad option");
		}
	}
	if (optind != argc)
		return sim_usage_error("phone", "unexpected '%s'",
		    argv[optind]);
	if (ph->wait_ms == 0)
		ph->wait_ms = 1;
	return 0;
}

int
sim_phone_main(struct sim_ctx *ctx, int argc, char **argv)
{
	struct phone ph;

	memset(&ph, 0, sizeof ph);
	ph.ctx = ctx;
	snprintf(ph.host, sizeof ph.host, "127.0.0.1");
	ph.port = 2776;
	ph.from = "22370000001";
	ph.wait_ms = 15000;
	ph.linger_ms = 2000;
	if (parse(&ph, argc, argv) != 0)
		return SIM_EXIT_USAGE;
	ph.lines = evbuffer_new();
	ph.timer = evtimer_new(ctx->base, timer_cb, &ph);
	ph.ctl = bufferevent_socket_new(ctx->base, -1, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(ph.ctl, ctl_read_cb, NULL, ctl_event_cb, &ph);
	bufferevent_enable(ph.ctl, EV_READ | EV_WRITE);
	ph.sig = sim_signals_new(ctx->base, on_signal, &ph);
	if (bufferevent_socket_connect_hostname(ph.ctl, NULL, AF_UNSPEC,
	    ph.host, ph.port) != 0)
		finish(&ph, SIM_EXIT_FAIL);
	event_base_dispatch(ctx->base);
	finish(&ph, ph.rc);
	event_free(ph.timer);
	evbuffer_free(ph.lines);
	return ph.rc;
}
