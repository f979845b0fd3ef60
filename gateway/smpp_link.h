/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A carrier link: one [link NAME] of the configuration, with its SMPP
 * connections, its queue of messages to send and its counters.
 *
 * Client mode: the link connects and binds (one transceiver, or a
 * transmitter and a receiver), and reconnects with exponential backoff
 * and jitter. Server mode: the listener hands it the connections whose
 * bind matched its credentials.
 *
 * Outgoing messages (MT) wait in a bounded queue and go out through any
 * connection that may transmit, within each connection's window and the
 * link's throughput limit. A throttling response pauses the link and
 * requeues the message; a temporary error retries it with backoff; a
 * lost connection requeues what was in flight. Nothing is dropped except
 * a message the carrier refuses for good or after NV_MT_ATTEMPTS_MAX
 * temporary failures, and that is logged.
 */
#ifndef NV_SMPP_LINK_H
#define NV_SMPP_LINK_H

#include <stdint.h>

#include "base/limits.h"
#include "config.h"
#include "smpp_conn.h"

struct link;

enum link_mt_end {
	LINK_MT_OK,		/* the carrier accepted it */
	LINK_MT_FAILED,		/* refused for good, or too many attempts */
	LINK_MT_ABANDONED,	/* the link was freed first */
};

struct link_cbs {
	/*
	 * A message from a subscriber: deliver_sm (ESME role), submit_sm
	 * (SMSC role) or data_sm. Answer with link_respond(), now or later.
	 */
	void (*mo)(struct link *, const struct smpp_pdu *, struct conn_req,
	    void *arg);
	/*
	 * A queued message whose owner (link_mt.owner) is not NULL ended:
	 * accepted, given up (status and why say why), or abandoned because
	 * the link is freed (it is still queued in the outbox). May be NULL.
	 */
	void (*mt_done)(struct link *, void *owner, enum link_mt_end end,
	    uint32_t status, unsigned attempts, const char *why, void *arg);
	/*
	 * A queued message with an owner failed for the attempts-th time
	 * with a temporary status and goes out again in delay_ms (so that
	 * the owner can record it). May be NULL.
	 */
	void (*mt_retry)(struct link *, void *owner, uint32_t status,
	    unsigned attempts, uint64_t delay_ms, void *arg);
};

/* A message to a subscriber. Sent as submit_sm (ESME) or deliver_sm (SMSC). */
struct link_mt {
	char to[21];
	uint8_t to_ton, to_npi;
	char from[21];
	uint8_t from_ton, from_npi;
	char service_type[6];
	uint8_t data_coding;
	uint8_t esm_class;
	uint8_t registered_delivery;
	uint8_t sm_length;
	uint8_t short_message[NV_SMPP_SM_OUT_MAX];
	/* With SMPP_HAVE_MESSAGE_PAYLOAD, tlv.message_payload is copied. */
	struct smpp_tlvs tlv;
	/* Passed to link_cbs.mt_done when the message ends; NULL for none. */
	void *owner;
	/*
	 * Temporary failures it already had (an outbox row sent again after
	 * a restart): they count toward NV_MT_ATTEMPTS_MAX. Not sent before
	 * delay_ms from now.
	 */
	unsigned attempts;
	uint32_t delay_ms;
};

struct link_stats {
	uint64_t mo;
	uint64_t mt_queued, mt_sent, mt_ok, mt_throttled, mt_retried,
	    mt_failed;
	uint64_t binds, bind_failures, disconnects;
};

/*
 * Creates a link from its configuration (copied). stats_ms: interval of
 * the link_stats log line, 0 for none. Client links start connecting at
 * once.
 */
struct link *link_new(struct conn_env *env, const struct cfg_link *cfg,
    unsigned stats_ms, const struct link_cbs *cbs, void *arg);
void link_free(struct link *l);

/* Unbinds every connection and stops reconnecting. */
void link_shutdown(struct link *l);
/* 1 once no connection is left (after link_shutdown). */
int link_idle(const struct link *l);

const char *link_name(const struct link *l);
const struct cfg_link *link_cfg(const struct link *l);
const struct link_stats *link_stats(const struct link *l);
unsigned link_binds(const struct link *l);	/* bound connections */
unsigned link_queued(const struct link *l);	/* waiting or in flight */
void link_log_stats(struct link *l);

/*
 * Server mode: whether a bind (or outbind) from addr may join this link:
 * ESME_ROK, or the status to refuse it with.
 */
uint32_t link_check_bind(const struct link *l, const struct smpp_pdu *bind,
    int family, const void *addr);
/* Server mode: the link takes over an accepted connection. */
void link_adopt(struct link *l, struct smpp_conn *c);

/*
 * Queues a message (copied, message_payload included). Returns 0, or -1
 * when the queue holds NV_LINK_QUEUE_MAX messages: the caller must then
 * refuse the MO that needed the reply with a temporary error.
 */
int link_queue_mt(struct link *l, const struct link_mt *mt);
/* Messages the queue can still take (a reply of n parts needs n). */
unsigned link_queue_room(const struct link *l);
/* The next reference number for a concatenated MT on this link. */
uint16_t link_next_ref(struct link *l);

/*
 * Whether this link serves an MO sent to dest (the destination_addr):
 * yes when short_codes is empty, or when dest and one code have the same
 * digits (so "*384#" matches "384", "*384#" and "*384*1#").
 */
int link_serves(const struct link *l, const char *dest);

/* Answers an MO. A response to a connection since closed is dropped:
 * the carrier delivers the MO again. */
void link_respond(struct link *l, struct conn_req req, uint32_t status);

#endif
