/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The link options every subcommand that talks SMPP shares: where to
 * listen or connect, which SMPP role to play, credentials, binds and
 * window. Subcommands put SIM_LINK_LONGOPTS in their getopt_long table
 * and pass each option to sim_link_opt() first.
 */
#ifndef NV_SIM_OPTS_H
#define NV_SIM_OPTS_H

#include "smpp_conn.h"
#include "sim/sim_peer.h"
#include "sim/sim_util.h"

enum sim_link_optid {
	SIM_OPT_LISTEN = 0x100,
	SIM_OPT_CONNECT,
	SIM_OPT_ESME,
	SIM_OPT_SMSC,
	SIM_OPT_SYSTEM_ID,
	SIM_OPT_PASSWORD,
	SIM_OPT_SYSTEM_TYPE,
	SIM_OPT_BINDS,
	SIM_OPT_BIND,
	SIM_OPT_WINDOW,
	SIM_OPT_RESPONSE_TIMEOUT,
	SIM_OPT_ENQUIRE,
	SIM_OPT_BIND_WAIT,
	SIM_OPT_PORT_FILE,
	SIM_OPT_FIRST_OWN,		/* subcommands number theirs from here */
};

#define SIM_LINK_LONGOPTS						\
	{ "listen", 1, NULL, SIM_OPT_LISTEN },				\
	{ "connect", 1, NULL, SIM_OPT_CONNECT },			\
	{ "esme", 0, NULL, SIM_OPT_ESME },				\
	{ "smsc", 0, NULL, SIM_OPT_SMSC },				\
	{ "system-id", 1, NULL, SIM_OPT_SYSTEM_ID },			\
	{ "password", 1, NULL, SIM_OPT_PASSWORD },			\
	{ "system-type", 1, NULL, SIM_OPT_SYSTEM_TYPE },		\
	{ "binds", 1, NULL, SIM_OPT_BINDS },				\
	{ "bind", 1, NULL, SIM_OPT_BIND },				\
	{ "window", 1, NULL, SIM_OPT_WINDOW },				\
	{ "response-timeout", 1, NULL, SIM_OPT_RESPONSE_TIMEOUT },	\
	{ "enquire-interval", 1, NULL, SIM_OPT_ENQUIRE },		\
	{ "bind-wait", 1, NULL, SIM_OPT_BIND_WAIT },			\
	{ "port-file", 1, NULL, SIM_OPT_PORT_FILE }

/* Help text for the shared options. */
#define SIM_LINK_HELP							\
	"link options:\n"						\
	"  --listen HOST:PORT      be the SMSC numvertd binds to "	\
	"(default 127.0.0.1:2775;\n"					\
	"                          port 0 picks one and prints it)\n"	\
	"  --connect HOST:PORT     open the TCP connections ourselves;"	\
	" as ESME by default\n"						\
	"  --esme | --smsc         the SMPP role (default: SMSC when "	\
	"listening, ESME when\n"					\
	"                          connecting; --connect --smsc waits "	\
	"for numvertd's bind)\n"					\
	"  --system-id ID --password PW   ESME: our credentials; "	\
	"SMSC: required of binds\n"					\
	"  --system-type T         ESME: system_type of our binds\n"	\
	"  --binds K               binds to open (ESME) or wait for "	\
	"(SMSC) (default 1)\n"						\
	"  --bind trx|txrx         ESME: transceivers, or transmitter+"	\
	"receiver pairs\n"						\
	"  --window W              outstanding MOs per bind\n"		\
	"  --response-timeout D    deadline of each request (default "	\
	"10s)\n"							\
	"  --enquire-interval D    idle time before enquire_link "	\
	"(default 30s)\n"						\
	"  --bind-wait D           how long to wait for the binds "	\
	"(default 30s)\n"						\
	"  --port-file F           write the bound SMPP port to F\n"	\
	"durations: 250ms, 5s, 1.5s, 2m\n"

struct sim_link_opts {
	char host[SIM_HOST_MAX];
	int port;
	int connect;
	int role_set;
	enum conn_role role;
	const char *system_id;
	const char *password;
	const char *system_type;
	unsigned binds;
	int pairs;
	unsigned window;
	unsigned response_ms;
	unsigned enquire_ms;
	unsigned bind_wait_ms;
	const char *port_file;
};

void sim_link_defaults(struct sim_link_opts *o, unsigned window);

/*
 * Handles one option of the shared set. Returns 1 if it was one (0 if
 * not), or -1 after printing a usage error for a bad value.
 */
int sim_link_opt(struct sim_link_opts *o, int opt, const char *arg,
    const char *cmd);

/* Settles defaults after parsing. Returns 0 or -1 (message printed). */
int sim_link_finish(struct sim_link_opts *o, const char *cmd);

/* The peer options for these link options. */
void sim_link_peer(const struct sim_link_opts *o, const char *tag,
    struct sim_peer_opts *po);

/* Describes the link for a banner: "smsc listening on 127.0.0.1:2775". */
void sim_link_describe(const struct sim_link_opts *o, int port, char *out,
    size_t size);

#endif
