/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * numvert-smsc: a carrier simulator for numvert. One binary, one
 * subcommand per job; see docs/simulator.md.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "base/log.h"
#include "sim/sim_cmds.h"
#include "sim/sim_util.h"

static const struct {
	const char *name;
	int (*run)(struct sim_ctx *, int, char **);
	const char *what;
} cmds[] = {
	{ "serve", sim_serve_main,
	    "an SMSC for numvertd, with a control port for phones" },
	{ "phone", sim_phone_main,
	    "a terminal phone attached to a serve's control port" },
	{ "script", sim_script_main,
	    "scripted citizens checked as a transcript" },
	{ "load", sim_load_main, "a load generator (MO/s, latencies)" },
	{ "echo-esme", sim_echo_main,
	    "an ESME that answers every MO (test peer)" },
	{ "crash", sim_crash_main,
	    "an SMSC that retransmits MOs across numvertd crashes" },
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: numvert-smsc <command> [options]\n\n"
	    "commands:\n");
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].what);
	fprintf(f, "\nglobal options (anywhere on the line):\n"
	    "  --log-level debug|info|warn|error   log to stderr (default "
	    "warn)\n\n"
	    "numvert-smsc <command> --help describes a command; "
	    "docs/simulator.md has the details.\n");
}

/* Takes --log-level out of argv; returns -1 on a bad value. */
static int
take_log_level(int *argc, char **argv, enum log_level *lvl)
{
	int o = 1;

	for (int i = 1; i < *argc; i++) {
		const char *v = NULL;

		if (strcmp(argv[i], "--log-level") == 0) {
			if (i + 1 >= *argc)
				return -1;
			v = argv[++i];
		} else if (strncmp(argv[i], "--log-level=", 12) == 0) {
			v = argv[i] + 12;
		} else {
			argv[o++] = argv[i];
			continue;
		}
		if (log_level_parse(v, lvl) != 0)
			return -1;
	}
	*argc = o;
	argv[o] = NULL;
	return 0;
}

int
main(int argc, char **argv)
{
	struct sim_ctx ctx;
	enum log_level lvl = LOG_WARN;
	int rc;

	if (take_log_level(&argc, argv, &lvl) != 0) {
		fprintf(stderr, "numvert-smsc: --log-level wants debug, info, "
		    "warn or error\n");
		return SIM_EXIT_USAGE;
	}
	if (argc < 2) {
		usage(stderr);
		return SIM_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return SIM_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		if (strcmp(argv[1], cmds[i].name) != 0)
			continue;
		/* A peer that goes away must not kill us with SIGPIPE. */
		signal(SIGPIPE, SIG_IGN);
		memset(&ctx, 0, sizeof ctx);
		ctx.prog = argv[0];
		ctx.log = log_new(2, lvl);
		ctx.base = event_base_new();
		if (ctx.base == NULL) {
			fprintf(stderr, "numvert-smsc: event_base_new failed\n");
			log_free(ctx.log);
			return SIM_EXIT_USAGE;
		}
		ctx.env.base = ctx.base;
		ctx.env.dns = NULL;	/* numeric hosts; names resolve blocking */
		ctx.env.log = ctx.log;
		rc = cmds[i].run(&ctx, argc - 1, argv + 1);
		fflush(stdout);
		event_base_free(ctx.base);
		log_free(ctx.log);
		return rc;
	}
	fprintf(stderr, "numvert-smsc: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return SIM_EXIT_USAGE;
}
