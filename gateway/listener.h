/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Server mode: accepts TCP connections for the links that share one
 * listen address. A connection is refused before any PDU is read when
 * its address is in no link's allowlist or when too many connections
 * have not bound yet. Its bind (or, for an ESME-role listener, the
 * peer's outbind) is matched to a link by system_id and password; the
 * link then takes the connection over.
 */
#ifndef NV_LISTENER_H
#define NV_LISTENER_H

#include "smpp_conn.h"
#include "smpp_link.h"

struct listener;

/*
 * Listens on host:port (port 0: any free port) for links of the given
 * role (enum link_role, resolved). Returns NULL with *cause on failure.
 */
struct listener *lsn_new(struct conn_env *env, const char *host,
    unsigned port, int role, char **cause);
void lsn_add_link(struct listener *ls, struct link *l);
/* The bound port (useful with port 0). */
unsigned lsn_port(const struct listener *ls);
const char *lsn_name(const struct listener *ls);
/* Stops accepting and closes connections that have not bound. */
void lsn_free(struct listener *ls);

#endif
