/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Small helpers shared by the simulator's subcommands: the process
 * context, address and duration parsing, listeners, line escaping and
 * the clock. Nothing here keeps state of its own.
 */
#ifndef NV_SIM_UTIL_H
#define NV_SIM_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "smpp_conn.h"

struct logger;

/* What main() owns and every subcommand borrows. */
struct sim_ctx {
	struct event_base *base;
	struct conn_env env;		/* base, dns, log for smpp_conn */
	struct logger *log;
	const char *prog;		/* argv[0] */
};

/* Exit codes of every subcommand. */
#define SIM_EXIT_OK 0
#define SIM_EXIT_FAIL 1
#define SIM_EXIT_USAGE 2

/* Longest host part of HOST:PORT. */
#define SIM_HOST_MAX 256

/* Longest MSISDN or short code (source_addr holds 20 octets). */
#define SIM_ADDR_MAX 20

/* Parses "HOST:PORT" or "[V6]:PORT" (port 0..65535). Returns 0 or -1. */
int sim_parse_hostport(const char *s, char *host, size_t hostsz, int *port);

/*
 * Parses a duration: "250ms", "5s", "1.5s", "2m", or a bare number of
 * seconds. Returns 0 and milliseconds, or -1.
 */
int sim_parse_duration(const char *s, unsigned *ms);

/* Parses a decimal unsigned in [min, max]. Returns 0 or -1. */
int sim_parse_uint(const char *s, unsigned long min, unsigned long max,
    unsigned long *out);

/* Parses a status: "ESME_RTHROTTLED" or a number ("0x58", "88"). */
int sim_status_parse(const char *s, uint32_t *out);

/* 1 if s is 1..SIM_ADDR_MAX decimal digits, maybe after a '+'. */
int sim_valid_addr(const char *s);

/* Prints "prog cmd: msg" to stderr for a usage error; returns exit 2. */
int sim_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Binds a listener on host:port (port 0: any). Writes the bound port
 * to *bound. Returns NULL with *cause set (static string or errno text).
 */
struct evconnlistener *sim_listen(struct event_base *base, const char *host,
    int port, evconnlistener_cb cb, void *arg, int *bound,
    const char **cause);

/* Writes "PORT\n" to path (atomically via a temporary). Returns 0 or -1. */
int sim_write_port_file(const char *path, int port);

/* Monotonic clock in microseconds. */
uint64_t sim_now_us(void);

/* A struct timeval for ms milliseconds. */
struct timeval sim_tv(unsigned ms);

/*
 * Escapes UTF-8 text for one output line: \n \r \t \\ and \xNN for
 * other control octets; other octets pass. Always NUL-terminates; cuts
 * with "..." when out is too small.
 */
void sim_escape(const char *in, size_t len, char *out, size_t outsz);

/*
 * Reverses sim_escape() (also accepts \~ for a literal ~). Returns 0 and
 * the length, or -1 for a malformed escape or too long a result.
 */
int sim_unescape(const char *in, char *out, size_t outsz, size_t *outlen);

/*
 * Runs cb once on SIGINT or SIGTERM. Returns the two signal events
 * (free with sim_signals_free) or -1 on failure.
 */
struct sim_signals;
struct sim_signals *sim_signals_new(struct event_base *base,
    void (*cb)(void *), void *arg);
void sim_signals_free(struct sim_signals *s);

/* Raises RLIMIT_NOFILE to at least want (up to the hard limit). */
void sim_raise_nofile(unsigned long want);

#endif
