/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The simulator's side of the SMPP links: a set of smpp_conn sessions
 * in one role. As an SMSC it listens (or connects and waits for the
 * bind), accepts binds, delivers MOs as deliver_sm to receiver or
 * transceiver binds and answers every submit_sm/data_sm (an MT). As an
 * ESME it opens K binds, submits MOs as submit_sm and answers every
 * deliver_sm (an MT). MOs are spread round robin over the binds whose
 * window has room.
 */
#ifndef NV_SIM_PEER_H
#define NV_SIM_PEER_H

#include <stdint.h>

#include "smpp_conn.h"

struct sim_ctx;
struct sim_peer;

struct sim_peer_opts {
	enum conn_role role;	/* CONN_SMSC: we are the carrier's SMSC */
	int connect;		/* 1: we open the TCP connections */
	const char *host;
	int port;
	const char *system_id;	/* SMSC: required (NULL: any); ESME: ours */
	const char *password;
	const char *system_type;
	unsigned binds;		/* connect: binds to open (pairs if pairs) */
	int pairs;		/* connect as ESME: TX+RX pairs, not TRX */
	unsigned window;	/* our outstanding MOs per bind */
	unsigned response_ms;
	unsigned enquire_ms;
	unsigned reconnect_ms;	/* connect: 0 = do not reconnect */
	const char *tag;	/* log prefix, "sim=load" */
};

struct sim_peer_cbs {
	/* Binds or connections changed: mo = binds that can take an MO,
	 * all = bound. */
	void (*binds)(void *arg, unsigned mo, unsigned all);
	/*
	 * An MT arrived (submit_sm/data_sm as SMSC, deliver_sm as ESME).
	 * message_id is the id we answer with ("" as ESME). Returns the
	 * command_status of the response.
	 */
	uint32_t (*mt)(void *arg, const struct smpp_pdu *pdu,
	    const char *message_id);
	/* The outcome of an MO sent with sim_peer_send(). */
	void (*mo_done)(void *arg, void *ctx, uint32_t status);
};

/*
 * Starts listening (*bound gets the port) or connecting. Returns NULL
 * with *cause on failure.
 */
struct sim_peer *sim_peer_new(struct sim_ctx *ctx,
    const struct sim_peer_opts *o, const struct sim_peer_cbs *cbs,
    void *arg, int *bound, const char **cause);

/* Results of sim_peer_send(). */
#define SIM_SENT 0
#define SIM_BUSY 1		/* no bind with room: retry after mo_done */
#define SIM_INVALID (-1)	/* cannot be encoded */

/*
 * Sends one MO. The command_id is set here (deliver_sm as SMSC,
 * submit_sm as ESME); the rest of pdu is the caller's. ctx comes back
 * in mo_done, never from inside this call.
 */
int sim_peer_send(struct sim_peer *p, struct smpp_pdu *pdu, void *ctx);

/*
 * The same on one connection (a slot from sim_peer_mo_slots()), for
 * peers whose dialogue ids are per link: every MO of a dialogue must
 * reach the same link. SIM_BUSY also when that connection is gone.
 */
int sim_peer_send_on(struct sim_peer *p, size_t slot, struct smpp_pdu *pdu,
    void *ctx);
/* 1 if sim_peer_send_on(slot) would find room: before building an MO. */
int sim_peer_room_on(const struct sim_peer *p, size_t slot);

/*
 * Writes the slots of the connections bound to take MOs (at most max)
 * to out; returns how many. A slot stays valid while its connection
 * lives.
 */
size_t sim_peer_mo_slots(const struct sim_peer *p, size_t *out, size_t max);

/* Binds that can take an MO now or later. */
unsigned sim_peer_mo_binds(const struct sim_peer *p);

/* 1 when we connect, do not reconnect, and every connection is gone. */
int sim_peer_dead(const struct sim_peer *p);

/*
 * Stops listening and reconnecting and unbinds every session; sessions
 * that do not answer are closed after the response deadline. The loop
 * then runs dry by itself.
 */
void sim_peer_shutdown(struct sim_peer *p);

/* Frees what is left; call after the loop has ended. */
void sim_peer_free(struct sim_peer *p);

#endif
