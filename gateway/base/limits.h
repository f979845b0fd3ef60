/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Every hard limit of numvert, in one place, each with its reason.
 * A limit here is a security decision: it bounds what one peer can make
 * us allocate, buffer or compute. Defaults that an operator may change
 * live in the configuration table (gateway/config.c), bounded by these.
 */
#ifndef NV_LIMITS_H
#define NV_LIMITS_H

/* --- SMPP framing -------------------------------------------------- */

/* A PDU is at least its 16-octet header (SMPP 3.4 §3.2). */
#define NV_SMPP_PDU_MIN 16u

/*
 * Largest PDU we read. Kannel stops at 7,424 octets and node-smpp at
 * 16,384; 16,384 holds a message_payload of 16,000 octets (about 100
 * concatenated SMS parts), far more than a report needs, while bounding
 * what one peer can make us buffer per PDU. A larger command_length is a
 * framing error: we cannot resynchronise, so the connection is closed.
 */
#define NV_SMPP_PDU_MAX 16384u

/*
 * TLVs per PDU. Real traffic carries fewer than ten. libsmpp34 corrupts
 * memory from 29 TLVs and crashes from 66 (domain/feasibility.md §2.2),
 * and we never hand it any TLV, but the bound also caps the work one PDU
 * costs our own scanner.
 */
#define NV_SMPP_TLV_MAX 32u

/* short_message is at most 254 octets (SMPP 3.4 §5.2.22). */
#define NV_SMPP_SM_MAX 254u

/*
 * libsmpp34's packer refuses sm_length 254 (an off-by-one), so the
 * longest short_message we emit is 253 octets; longer text goes into
 * message_payload, which the codec writes itself.
 */
#define NV_SMPP_SM_OUT_MAX 253u

/* --- SMPP sessions ------------------------------------------------- */

/*
 * Outstanding requests per connection (the send window). Carriers
 * allow 1..100; 1,000 leaves room for a loopback benchmark while
 * bounding the table of pending requests and their timers.
 */
#define NV_SMPP_WINDOW_MAX 1000u

/*
 * Inbound requests awaiting our response on one connection. Past this
 * we stop reading from that peer until responses drain: a peer that
 * ignores its own window cannot make us queue without bound. Our
 * responses may wait for a database commit, hence the margin above a
 * typical carrier window of 10.
 */
#define NV_CONN_INBOUND_MAX 256u

/*
 * Octets queued for a peer that does not read. Past this we stop
 * reading from it (we could not answer anyway) until it drains.
 */
#define NV_CONN_OUTBUF_MAX (1024u * 1024u)

/*
 * PDUs handled per read callback before yielding to the event loop,
 * so one busy link cannot starve the others (memcached's
 * reqs_per_event).
 */
#define NV_CONN_PDUS_PER_CB 64u

/*
 * Consecutive response timeouts after which a peer is considered dead
 * and the connection is closed and re-established.
 */
#define NV_CONN_TIMEOUTS_DEAD 3u

/* --- carrier links ------------------------------------------------- */

/* Configured links. 1,000 bound links are measured (README); 4,096
 * bounds the configuration a typo or a generator can produce. */
#define NV_LINKS_MAX 4096u

/*
 * Messages waiting in memory for a link's send window. Each is also a
 * row of the durable outbox; when the queue is full the MO that would
 * need a reply is answered with a temporary error so the carrier
 * retries it, and rows found at start wait in the outbox for room.
 */
#define NV_LINK_QUEUE_MAX 10000u

/* Send attempts of one MT before it is given up and the reason logged. */
#define NV_MT_ATTEMPTS_MAX 10u

/* Binds one server-mode link accepts at once (config max_binds). */
#define NV_LINK_BINDS_MAX 4096u

/*
 * Accepted TCP connections that have not bound yet, per listener. An
 * unauthenticated peer holds at most this many sockets (and each for at
 * most bind_timeout).
 */
#define NV_LISTENER_UNBOUND_MAX 64u

/* --- storage ------------------------------------------------------- */

/*
 * Committed outbox rows waiting in memory for room in their link's queue
 * (a burst committed while the queue filled). Past this, new MOs that
 * need a reply are refused with a temporary error: the carrier retries.
 */
#define NV_OUTBOX_PARKED_MAX 10000u

/*
 * Reports with no carrier waiting for them (a completed concatenated
 * SMS) whose write failed, kept in memory to write again. Past this the
 * oldest is left to the next start: its parts are in the database.
 */
#define NV_APP_RETRY_MAX 4096u

/* Jobs the database writer commits in one group. */
#define NV_DB_GROUP_MAX 256u

/*
 * Urgent reports re-armed for escalation at start. More waiting than
 * this means nobody triages at all: the rest are escalated by the next
 * start, and the count is logged.
 */
#define NV_URGENT_PENDING_MAX 4096u

/*
 * Shortest escalate_after a queue may have (seconds). Minutes are usual;
 * a second is allowed so that tests need not wait.
 */
#define NV_ROUTE_ESCALATE_MIN_S 1u

/*
 * Counted-once marks held in memory (24 octets each, tables at most half
 * full: 48 MiB at the bound): distinct senders x statistics cells in one
 * pseudonym epoch. Beyond it a report is counted without a mark (an
 * over-count, store_stats marks_full), never refused.
 */
#define NV_MARKS_MAX (1u << 20)

/* Urgent reports whose escalation timer runs at once (memory bound). */
#define NV_ESCALATIONS_MAX 65536u

/*
 * A GBV survivor's reply path lives at most 7 days, even opted in
 * (reporting-anchors.md B.2: the opt-in expires).
 */
#define NV_VAULT_GBV_MAX_S (7 * 86400)

/*
 * Octets of one SMS conversation's state, as the menus serialise it
 * (sealed into conversations.state, gateway/store_case.c). Where a
 * citizen stands and what they answered takes under 100 octets
 * (NV_SESS_ANSWERS_MAX answers); 2,048 leaves room for free text sent
 * along the way (about 13 SMS parts) while bounding what one sender can
 * make us seal and write at every step, and what the conversations read
 * back at start hold in memory. A larger state is refused, not cut.
 */
#define NV_CONV_STATE_MAX 2048u

/* --- text ---------------------------------------------------------- */

/*
 * Parts of one concatenated MO: the 8-bit counters of the user data
 * header (TS 23.040 §9.2.3.24.1) allow 255; the default keeps 16.
 */
#define NV_CONCAT_PARTS_MAX 255u

/* Incomplete concatenated messages one sender may have at once. */
#define NV_CONCAT_PENDING_MAX 64u

/* Octets held for incomplete concatenated messages, all senders. */
#define NV_CONCAT_BYTES_MAX (64u * 1024u * 1024u)

/* SMS parts one reply may take; beyond this it is refused, not cut. */
#define NV_MT_PARTS_MAX 16u

/* --- logging ------------------------------------------------------- */

/* One log line, after escaping; longer lines are cut and marked. */
#define NV_LOG_LINE_MAX 2048u

/* Octets of one untrusted value shown in a log line. */
#define NV_LOG_VALUE_MAX 64u

/* --- pseudonyms and rate limits ----------------------------------- */

/*
 * Shortest pseudonym epoch: one day. Rate limits count per pseudonym,
 * and the daily limit (reporting-anchors §C.2 item 6) means nothing if
 * pseudonyms change more often than its window.
 */
#define NV_PSEUDO_EPOCH_MIN_S 86400

/*
 * Longest pseudonym epoch: 92 days, a quarter (reporting-anchors §C.2
 * item 2). A key kept longer links more of one person's reports, and
 * is what a seizure of the running server hands over.
 */
#define NV_PSEUDO_EPOCH_MAX_S (92 * 86400)

/*
 * Pseudonyms the rate limiter tracks at once. A day's distinct senders
 * on the hotline are expected in the thousands; 65,536 leaves an order
 * of magnitude for a crisis at about 9 MB with a daily limit of 10.
 * Past it the least recently seen pseudonym is forgotten (its counters
 * start again): resetting someone's limits that way takes 65,536
 * distinct SIMs within their window.
 */
#define NV_RL_TRACKED_MAX 65536u

/*
 * Highest per-hour or per-day report limit per pseudonym. Sensible
 * limits are single digits (3 an hour, 10 a day); each tracked
 * pseudonym keeps the times of its last reports up to this many, so it
 * bounds the limiter's memory (65,536 x 32 x 8 octets at most).
 */
#define NV_RL_LIMIT_MAX 32u

/*
 * Regions the flood detector counts separately. Mali has 19 regions and
 * the Bamako district; beyond 64 distinct names, the rest share one
 * counter, so a caller passing unexpected names cannot grow the table.
 */
#define NV_RL_REGIONS_MAX 64u

/* Octets of a region name kept by the flood detector (longer: cut). */
#define NV_RL_REGION_LEN 32u

/* --- case codes (routing/casecode.c) ------------------------------- */

/*
 * Pseudonyms whose wrong case codes are counted at once. Wrong codes are
 * rarer than reports (a citizen mostly types the code they were given),
 * so the rate limiter's 65,536 leaves the same margin, at about 3.5 MB.
 * Past it the least recently seen pseudonym is forgotten (its count
 * starts again): unlocking someone that way takes 65,536 other
 * pseudonyms entering wrong codes the same day.
 */
#define NV_CC_TRACKED_MAX 65536u

/*
 * Highest number of wrong case codes a pseudonym may enter per day.
 * Each one is a free guess at every live case: with 10,000 open cases
 * among 10^8 codes, 1 in 10,000. reporting-anchors §C.2 item 9 locks
 * after 5; 10 leaves a deployment room for clumsy fingers and no more.
 */
#define NV_CC_WRONG_MAX 10u

/*
 * Octets of input cc_parse reads. Nine digits with a space between each
 * and a '*' and '#' around them take 19 octets; Arabic-Indic digits with
 * narrow no-break spaces, 44. A longer text is a message that mentions a
 * code, not a code, and the menus treat it as text.
 */
#define NV_CC_INPUT_MAX 64u

/* --- menus (menus/menu.c) --------------------------------------- */

/*
 * Screens a session can step back through with "00". The deepest report
 * path (language, category, two detail screens, who, region, cercle,
 * commune, details, confirmation) is 11 screens; 16 leaves room for the
 * safety screens and pages while keeping struct menu_state at 122
 * octets. Deeper, the oldest step is forgotten (00 stops there).
 */
#define NV_MENU_DEPTH_MAX 16u

/*
 * Octets of one rendered screen (UTF-8). The largest budget is an SMS
 * conversation step of 3 parts (459 GSM-7 septets, 201 UCS-2 units);
 * GSM-7 letters take at most 3 octets in UTF-8 (the euro sign), UCS-2
 * units at most 3 (a surrogate pair is 4 octets for 2 units).
 */
#define NV_MENU_SCREEN_MAX 1400u

/* Nodes of a menu file: the default menu has about 40. */
#define NV_MENU_NODES_MAX 512u

/* Options of a choice screen: beyond 9 a keypad user loses track. */
#define NV_MENU_OPTIONS_MAX 12u

/* Languages of a menu file: five today, room for Dogon, Soninké... */
#define NV_MENU_LANGS_MAX 8u

/*
 * Entries of a list screen (regions, cercles of a region, communes of a
 * cercle, road axes). The 2023 geography has 19 regions + Bamako and no
 * cercle with more than 40 communes listed; longer lists are cut, and
 * the lint says so.
 */
#define NV_MENU_LIST_MAX 128u

/*
 * Octets of free text one session keeps (the details a citizen types,
 * or what is added to a case): three SMS parts' worth. USSD answers
 * are at most 182 characters; an SMS conversation may send several.
 */
#define NV_MENU_TEXT_MAX 1024u

/* Octets of one text in a menu file (after placeholders). */
#define NV_MENU_STRING_MAX 400u

/* Keywords per category and language (SMS reports). */
#define NV_MENU_KEYWORDS_MAX 16u

/*
 * SMS conversations (the menus by SMS) open at once, in memory, each
 * with its sealed row in the database. A conversation lives an hour by
 * default and takes a few SMS a minute: 65,536 is far beyond one
 * country's hotline. Past it an SMS that would open one is handled as
 * a report on its own (nothing is lost).
 */
#define NV_CONV_MAX 65536u

/*
 * Seconds an ended SMS conversation is remembered (its last step's MO
 * hash only), so that an SMSC resending that MO after a crash (its
 * response lost) does not open a new one. SMSCs resend within minutes.
 */
#define NV_CONV_TOMB_S 600

/* Conversations expired per timer callback (cf. NV_SESS_EXPIRE_PER_CB). */
#define NV_CONV_EXPIRE_PER_CB 256u

/* --- USSD sessions (gateway/session.c) ---------------------------- */

/*
 * Open USSD dialogues held at once. DESIGN §8 asks for 10,000 concurrent
 * sessions at speed and 100,000 under 256 MiB; 131,072 (a power of two)
 * leaves a margin over the latter. A slot with its share of the hash
 * table is about 200 octets (test_session measures it), so the whole
 * table is at most about 26 MiB, and its pages are touched only as
 * sessions use them. Past it a new dialogue is answered "busy".
 */
#define NV_SESS_MAX 131072u

/*
 * Octets of a dialogue key: its_session_info and user_message_reference
 * give 1 or 2, followed by the subscriber's 16-octet pseudonym (dialogue
 * ids are per subscriber); a subscriber-keyed dialect the pseudonym only.
 */
#define NV_SESS_KEY_MAX 18u

/*
 * Distinct guard durations in use at once: each has its own FIFO list
 * and timer. One per USSD profile or link setting; 16 is far above the
 * carriers of one country and keeps the scan for a duration trivial.
 */
#define NV_SESS_GUARDS_MAX 16u

/*
 * Longest guard (1 h). Carrier gateways give up on a silent dialogue
 * within minutes; a longer guard only holds a reply address longer.
 */
#define NV_SESS_GUARD_MAX_MS 3600000u

/*
 * Sessions expired per timer callback before yielding to the event
 * loop, so that a burst of expiries (a carrier outage drops 10,000
 * dialogues at once) cannot starve the links (cf. NV_CONN_PDUS_PER_CB).
 */
#define NV_SESS_EXPIRE_PER_CB 256u

/* --- configuration ------------------------------------------------- */

/* Length of a configuration value (host names, lists of short codes). */
#define NV_CFG_VALUE_MAX 1024u

/* Entries in a list option (short codes, allowlist networks). */
#define NV_CFG_LIST_MAX 64u

/* --- places and routing (routing/geo.c, routing/route.c) ------------ */

/*
 * Places in one geography file. Mali has about 60 cercles and 703
 * communes (seed 002:459); 8,192 leaves room for villages and
 * neighbourhoods people name, while bounding what a generated or
 * corrupted file can make us allocate and index.
 */
#define NV_GEO_PLACES_MAX 8192u

/* Names and aliases of one place: a handful of spellings each. */
#define NV_GEO_ALIASES_MAX 32u

/*
 * Octets of one name or alias. The longest Malian names ("Zirakoro
 * Dounfing", "Nioro du Sahel") are under 30; 64 bounds every key the
 * matcher compares.
 */
#define NV_GEO_NAME_MAX 64u

/* Words of one name: each word of an SMS is compared with names of up
 * to this many words, so it bounds the matcher's work per word. */
#define NV_GEO_WORDS_MAX 6u

/* Octets of an SMS the place matcher reads: a message_payload as large
 * as the largest PDU we accept. */
#define NV_GEO_TEXT_MAX NV_SMPP_PDU_MAX

/*
 * Named road axes in one geography file. The seeds name five (seed
 * 002:3598-3610); 64 leaves room for the roads an office adds while
 * bounding the axis index and the routing table (categories x axes x 2).
 */
#define NV_GEO_AXES_MAX 64u

/*
 * Regions one axis may cross. The longest axis of the seeds crosses
 * three (Douentza-Gao: Mopti or Douentza, Tombouctou, Gao); four allows
 * a longer road (Bamako-Kayes in the 2023 set). An axis report reaches
 * every crossed region's queue plus what its rule adds (national-eod for
 * an IED), and the whole must fit ROUTE_QUEUES_MAX (routing/route.h):
 * 4 regions + 1 national queue = 5 of 6.
 */
#define NV_GEO_AXIS_REGIONS_MAX 4u

/* Towns named along one axis: a road of a few hundred km has a handful
 * of them; the bound caps the matcher's per-axis comparisons. */
#define NV_GEO_AXIS_TOWNS_MAX 16u

/* Routing rules, queue declarations and inbound numbers in routing.yaml:
 * far above the few dozen a deployment writes. */
#define NV_ROUTE_RULES_MAX 256u
#define NV_ROUTE_NUMBERS_MAX 256u
#define NV_ROUTE_CATEGORIES_MAX 64u

/* Queues after expanding templates over the regions (a few templates
 * times at most a few dozen regions). */
#define NV_ROUTE_QUEUES_MAX 1024u

/* Octets of an id (region, queue, category) or a phone number. */
#define NV_ROUTE_ID_MAX 64u

#endif
