/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "sim/sim_opts.h"

#include <stdio.h>
#include <string.h>

#include "base/limits.h"

void
sim_link_defaults(struct sim_link_opts *o, unsigned window)
{
	memset(o, 0, sizeof *o);
	snprintf(o->host, sizeof o->host, "127.0.0.1");
	o->port = 2775;
	o->role = CONN_SMSC;
	o->binds = 1;
	o->window = window;
	o->response_ms = 10000;
	o->enquire_ms = 30000;
	o->bind_wait_ms = 30000;
}

static int
dur(const char *arg, unsigned *ms, const char *name, const char *cmd)
{
	if (sim_parse_duration(arg, ms) != 0 || *ms == 0)
		return sim_usage_error(cmd, "%s wants a duration such as 5s, "
		    "not '%s'", name, arg), -1;
	return 1;
}

int
sim_link_opt(struct sim_link_opts *o, int opt, const char *arg,
    const char *cmd)
{
	unsigned long v;

	switch (opt) {
	case SIM_OPT_LISTEN:
	case SIM_OPT_CONNECT:
		if (sim_parse_hostport(arg, o->host, sizeof o->host,
		    &o->port) != 0)
			return sim_usage_error(cmd, "expected HOST:PORT, not "
			    "'%s'", arg), -1;
		o->connect = opt == SIM_OPT_CONNECT;
		return 1;
	case SIM_OPT_ESME:
	case SIM_OPT_SMSC:
		o->role = opt == SIM_OPT_ESME ? CONN_ESME : CONN_SMSC;
		o->role_set = 1;
		return 1;
	case SIM_OPT_SYSTEM_ID:
		if (strlen(arg) > 15)
			return sim_usage_error(cmd, "a system_id has at most "
			    "15 characters"), -1;
		o->system_id = arg;
		return 1;
	case SIM_OPT_PASSWORD:
		if (strlen(arg) > 8)
			return sim_usage_error(cmd, "a password has at most "
			    "8 characters"), -1;
		o->password = arg;
		return 1;
	case SIM_OPT_SYSTEM_TYPE:
		if (strlen(arg) > 12)
			return sim_usage_error(cmd, "a system_type has at "
			    "most 12 characters"), -1;
		o->system_type = arg;
		return 1;
	case SIM_OPT_BINDS:
		if (sim_parse_uint(arg, 1, 10000, &v) != 0)
			return sim_usage_error(cmd, "--binds wants 1..10000"),
			    -1;
		o->binds = (unsigned)v;
		return 1;
	case SIM_OPT_BIND:
		if (strcmp(arg, "trx") != 0 && strcmp(arg, "txrx") != 0)
			return sim_usage_error(cmd, "--bind wants trx or "
			    "txrx"), -1;
		o->pairs = strcmp(arg, "txrx") == 0;
		return 1;
	case SIM_OPT_WINDOW:
		if (sim_parse_uint(arg, 1, NV_SMPP_WINDOW_MAX, &v) != 0)
			return sim_usage_error(cmd, "--window wants 1..%u",
			    NV_SMPP_WINDOW_MAX), -1;
		o->window = (unsigned)v;
		return 1;
	case SIM_OPT_RESPONSE_TIMEOUT:
		return dur(arg, &o->response_ms, "--response-timeout", cmd);
	case SIM_OPT_ENQUIRE:
		return dur(arg, &o->enquire_ms, "--enquire-interval", cmd);
	case SIM_OPT_BIND_WAIT:
		return dur(arg, &o->bind_wait_ms, "--bind-wait", cmd);
	case SIM_OPT_PORT_FILE:
		o->port_file = arg;
		return 1;
	default:
		return 0;
	}
}

int
sim_link_finish(struct sim_link_opts *o, const char *cmd)
{
	if (!o->role_set)
		o->role = o->connect ? CONN_ESME : CONN_SMSC;
	if (o->role == CONN_ESME && !o->connect) {
		sim_usage_error(cmd, "--esme needs --connect HOST:PORT "
		    "(numvertd's server-mode listener)");
		return -1;
	}
	if (o->pairs && o->role != CONN_ESME) {
		sim_usage_error(cmd, "--bind txrx is for the ESME role; as "
		    "SMSC numvertd chooses");
		return -1;
	}
	if (o->connect && o->port == 0) {
		sim_usage_error(cmd, "--connect needs a port");
		return -1;
	}
	return 0;
}

void
sim_link_peer(const struct sim_link_opts *o, const char *tag,
    struct sim_peer_opts *po)
{
	memset(po, 0, sizeof *po);
	po->role = o->role;
	po->connect = o->connect;
	po->host = o->host;
	po->port = o->port;
	po->system_id = o->system_id;
	po->password = o->password;
	po->system_type = o->system_type;
	po->binds = o->binds;
	po->pairs = o->pairs;
	po->window = o->window;
	po->response_ms = o->response_ms;
	po->enquire_ms = o->enquire_ms;
	po->tag = tag;
}

void
sim_link_describe(const struct sim_link_opts *o, int port, char *out,
    size_t size)
{
	snprintf(out, size, "%s %s %s:%d", o->role == CONN_SMSC ? "smsc" :
	    "esme", o->connect ? "connecting to" : "listening on", o->host,
	    port);
}
