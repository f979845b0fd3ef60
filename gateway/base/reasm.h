/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reassembly of concatenated MO messages (UDH IEI 0x00 / 0x08 or the SAR
 * TLVs, both reduced to the same key by the caller). Parts may come in
 * any order and more than once; a duplicate is ignored. A message is
 * delivered through the callback when its last part arrives, when its
 * timeout expires (as what arrived, marked incomplete), or when a bound
 * forces it out early (also marked incomplete): nothing a citizen sent
 * is dropped, only delivered in pieces.
 *
 * Bounds: parts per message, pending messages per source, and octets
 * held in all. Time is passed in by the caller (milliseconds, monotonic;
 * a time earlier than one seen before counts as that one): the module
 * has no clock and no timer of its own. The first copy of a part wins.
 */
#ifndef NV_REASM_H
#define NV_REASM_H

#include <stddef.h>
#include <stdint.h>

struct reasm;

struct reasm_limits {
	unsigned max_parts;		/* a part announcing more is delivered alone */
	unsigned max_pending_per_source; /* more evicts that source's oldest */
	size_t max_bytes;		/* more evicts the oldest message overall */
	unsigned timeout_ms;		/* from the first part received */
};

/* What identifies one concatenated message. */
struct reasm_key {
	uint64_t link;			/* the link (or connection) it came on */
	char source[21];
	char dest[21];
	uint16_t ref;
	uint8_t ref16;			/* 1: 16-bit reference (IEI 0x08, SAR) */
	uint8_t total;
};

/* Octets the caller keeps with a message (the reply's addressing). */
#define REASM_META 16

struct reasm_part {
	struct reasm_key key;
	uint8_t seq;			/* 1..total */
	uint8_t dcs;			/* data_coding of this part */
	const uint8_t *data;		/* user data without the UDH */
	size_t len;
	uint8_t meta[REASM_META];	/* kept from the message's first part */
};

/* One piece of a delivered message, in sequence order. */
struct reasm_piece {
	uint8_t seq;
	uint8_t dcs;
	size_t off;			/* into reasm_msg.data */
	size_t len;
};

enum reasm_why {
	REASM_COMPLETE,
	REASM_TIMEOUT,			/* incomplete: timed out */
	REASM_EVICTED,			/* incomplete: a bound needed the room */
	REASM_TOO_MANY_PARTS,		/* a part of a message over max_parts, alone */
	REASM_FLUSHED,			/* incomplete: reasm_flush() */
};

struct reasm_msg {
	struct reasm_key key;
	enum reasm_why why;
	int incomplete;			/* some part never came */
	unsigned parts;			/* pieces present */
	const uint8_t *data;		/* the pieces' octets, back to back */
	size_t len;
	const struct reasm_piece *piece;
	unsigned npieces;
	uint8_t meta[REASM_META];	/* of its first part */
};

/*
 * Called for every delivered message; m and its buffers live during the
 * call. The callback must not call reasm_add, reasm_expire, reasm_flush
 * or reasm_free on the same reasm (that aborts); reasm_pending,
 * reasm_bytes and reasm_next_due are fine and already exclude m.
 */
typedef void (*reasm_deliver_fn)(void *arg, const struct reasm_msg *m);

enum reasm_result {
	REASM_ADDED,			/* stored, waiting for more parts */
	REASM_DELIVERED,		/* completed a message, or went out at once,
					 * alone or with its pending siblings */
	REASM_DUPLICATE,		/* that part was already there: ignored */
	REASM_INVALID,			/* seq 0, seq > total, total 0, an
					 * unterminated key string, len > 0
					 * with data NULL: rejected */
};

struct reasm *reasm_new(const struct reasm_limits *lim, reasm_deliver_fn fn,
    void *arg);
/* Delivers what is pending (as REASM_FLUSHED), then frees. */
void reasm_free(struct reasm *r);

/* Adds a copy of a part; may deliver (synchronously, before returning). */
enum reasm_result reasm_add(struct reasm *r, const struct reasm_part *p,
    uint64_t now_ms);

/* Delivers the messages whose timeout has passed. */
void reasm_expire(struct reasm *r, uint64_t now_ms);
/* When the next timeout is due (ms), or UINT64_MAX when nothing waits. */
uint64_t reasm_next_due(const struct reasm *r);
/* Delivers everything pending as REASM_FLUSHED. */
void reasm_flush(struct reasm *r);

unsigned reasm_pending(const struct reasm *r);
size_t reasm_bytes(const struct reasm *r);

#endif
