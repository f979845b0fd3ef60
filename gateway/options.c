/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "options.h"

#include "base/limits.h"
#include "base/xmalloc.h"
#include "config.h"

#define M(f) offsetof(struct cfg, f), sizeof(((struct cfg *)0)->f)
#define L(f) offsetof(struct cfg_link, f), sizeof(((struct cfg_link *)0)->f)

const struct opt opts[] = {
	{ SEC_MAIN, "log_level", T_LEVEL, M(log_level), 0, 0, NULL, ANY,
	    "info", NULL,
	    "Least severe log level written to stderr: debug, info, warn or\n"
	    "error. Log lines are key=value and never contain a phone number." },
	{ SEC_MAIN, "stats_interval", T_MS, M(stats_interval_ms), 0,
	    86400000, NULL, ANY, "60s", NULL,
	    "How often each link logs its counters (event=link_stats); 0 = never." },
	{ SEC_MAIN, "shutdown_grace", T_MS, M(shutdown_grace_ms), 0, 60000,
	    NULL, ANY, "5s", NULL,
	    "On SIGTERM or SIGINT, time allowed for unbinds and in-flight\n"
	    "responses before the process exits." },
	{ SEC_MAIN, "db_path", T_STR, M(db_path), 0, 0, NULL, ANY, "numvert.db",
	    NULL,
	    "The SQLite database: reports, the outbox, operators, the audit\n"
	    "log. Created mode 0600. Put it on a local disk (e.g.\n"
	    "/var/lib/numvert/numvert.db); it holds no key and no phone\n"
	    "number in clear." },
	{ SEC_MAIN, "key_file", T_STR, M(key_file), 0, 0, NULL, ANY,
	    "numvert.keys", NULL,
	    "The keys that seal what the database holds. numvertd makes it\n"
	    "on its very first start (no database yet), else `numvert keygen`\n"
	    "does. Keep a copy apart from the database's backups: without it\n"
	    "they cannot be read. numvertd refuses a key file other users\n"
	    "can read, and a database without its key file." },
	{ SEC_MAIN, "db_synchronous", T_ENUM, M(db_synchronous), 0, 0,
	    "full|normal", ANY, "full", NULL,
	    "full: every commit reaches the disk before a carrier or citizen\n"
	    "is answered. normal survives a crash of numvertd but not a power\n"
	    "cut: for benchmarks only." },
	{ SEC_MAIN, "report_time_rounding", T_MS, M(report_rounding_ms), 1000,
	    86400000, NULL, ANY, "1h", NULL,
	    "Reports store their received time rounded down to this, so that\n"
	    "carrier records cannot be matched to a report by the minute." },
	{ SEC_MAIN, "dedup_window", T_MS, M(dedup_window_ms), 1000, 86400000,
	    NULL, ANY, "10m", NULL,
	    "An MO identical to one received within this window (same link,\n"
	    "sender, destination and content) is a carrier's retransmission\n"
	    "after a lost response: acknowledged, not stored twice." },
	{ SEC_MAIN, "gsm7_fallback", T_STR, M(gsm7_fallback), 0, 0, NULL, ANY,
	    "menus/gsm7-fallback.yaml", NULL,
	    "The table of GSM-7 renderings of letters GSM-7 lacks (è for ɛ,\n"
	    "ny for ɲ, ...), per language; translators edit it. A relative\n"
	    "path is from the working directory." },
	{ SEC_MAIN, "menu_file", T_STR, M(menu_file), 0, 0, NULL, ANY,
	    "menus/default.yaml", NULL,
	    "The menus in every language (docs/menus.md). Read again on\n"
	    "SIGHUP; dialogues under way finish with the menus they began\n"
	    "with. Check an edit with `numvert menu lint` first." },
	{ SEC_MAIN, "sms_screen", T_UINT, M(sms_screen), 70, 459, NULL, ANY,
	    "306", NULL,
	    "GSM-7 letters one menu message of an SMS conversation may use\n"
	    "(306 = 2 parts); longer lists are paged (99)." },
	{ SEC_MAIN, "sms_screen_ucs2", T_UINT, M(sms_screen_ucs2), 30, 201,
	    NULL, ANY, "134", NULL,
	    "The same in UCS-2 letters (134 = 2 parts)." },
	{ SEC_MAIN, "sms_conversation_timeout", T_MS, M(sms_conv_ms), 5000,
	    7u * 86400000u, NULL, ANY, "1h", NULL,
	    "An SMS conversation (the menus by SMS) unanswered this long is\n"
	    "over; what the citizen wrote is filed as it stands, unless it\n"
	    "was about gender-based violence." },
	{ SEC_MAIN, "case_wrong_per_day", T_UINT, M(case_wrong_per_day), 1,
	    NV_CC_WRONG_MAX, NULL, ANY, "5", NULL,
	    "Wrong case codes a sender may enter in a day before following a\n"
	    "case is locked for them until midnight (UTC, Mali's time)." },
	{ SEC_MAIN, "concat_timeout", T_MS, M(concat_timeout_ms), 1000,
	    86400000, NULL, ANY, "10m", NULL,
	    "How long the parts of a concatenated SMS are awaited; then what\n"
	    "arrived is handled, marked incomplete." },
	{ SEC_MAIN, "concat_max_parts", T_UINT, M(concat_max_parts), 2,
	    NV_CONCAT_PARTS_MAX, NULL, ANY, "16", NULL,
	    "Parts a concatenated SMS may announce; a part of a longer one is\n"
	    "handled alone." },
	{ SEC_MAIN, "concat_max_pending", T_UINT, M(concat_max_pending), 1,
	    NV_CONCAT_PENDING_MAX, NULL, ANY, "8", NULL,
	    "Incomplete concatenated SMS one sender may have; a further one\n"
	    "makes the oldest be handled as it is." },
	{ SEC_MAIN, "concat_max_bytes", T_UINT, M(concat_max_bytes), 1024,
	    NV_CONCAT_BYTES_MAX, NULL, ANY, "4194304", NULL,
	    "Octets held for incomplete concatenated SMS in all; beyond, the\n"
	    "oldest are handled as they are. Nothing is dropped." },
	{ SEC_MAIN, "region_data", T_STR, M(region_data), 0, 0, NULL, ANY,
	    "data/geo/mali-2016.yaml", NULL,
	    "Regions, cercles and communes with their names and spellings:\n"
	    "data/geo/mali-2016.yaml (the 10 regions and Bamako of the source\n"
	    "documents) or data/geo/mali-2023.yaml (today's 19 and Bamako).\n"
	    "Switching needs no code change (docs/routing.md)." },
	{ SEC_MAIN, "routing_file", T_STR, M(routing_file), 0, 0, NULL, ANY,
	    "data/routing.yaml", NULL,
	    "Queues, the number dialled -> region table, and the rules\n"
	    "(category, region) -> queues. Checked against region_data." },
	{ SEC_MAIN, "epoch_key_file", T_STR, M(epoch_key_file), 0, 0, NULL,
	    ANY, "numvert.epoch", NULL,
	    "The pseudonym key of the current epoch (random, replaced at each\n"
	    "epoch's end: nothing links a sender across epochs). Mode 0600;\n"
	    "made by numvertd. Never back it up." },
	{ SEC_MAIN, "pseudonym_epoch", T_MS, M(pseudonym_epoch_ms),
	    NV_PSEUDO_EPOCH_MIN_S * 1000u, 30u * 86400000u, NULL, ANY, "7d", NULL,
	    "How long a pseudonym lives: rate limits, the counted-once rule\n"
	    "of the statistics and SMS conversations use it within an epoch." },
	{ SEC_MAIN, "vault_file", T_STR, M(vault_file), 0, 0, NULL, ANY,
	    "numvert.vault", NULL,
	    "The key store of reply paths: one key per case that has one.\n"
	    "Shredding a key ends that path for good. Mode 0600; `numvert\n"
	    "backup` never copies it: do not back it up either." },
	{ SEC_MAIN, "rate_per_hour", T_UINT, M(rate_per_hour), 1,
	    NV_RL_LIMIT_MAX,
	    NULL, ANY, "3", NULL,
	    "Reports one sender (pseudonym) may make per hour before they are\n"
	    "stored flagged over_limit and not answered (never dropped)." },
	{ SEC_MAIN, "rate_per_day", T_UINT, M(rate_per_day), 1,
	    NV_RL_LIMIT_MAX,
	    NULL, ANY, "10", NULL, "The same, per day." },
	{ SEC_MAIN, "flood_sender_per_hour", T_UINT,
	    M(flood_sender_per_hour), 1, 1000000, NULL, ANY, "30", NULL,
	    "Messages (reports and USSD steps) from one sender in an hour that\n"
	    "raise a flood alert (event=flood_alert kind=sender), once." },
	{ SEC_MAIN, "flood_region_per_hour", T_UINT,
	    M(flood_region_per_hour), 1, 1000000, NULL, ANY, "200", NULL,
	    "Reports about one region in an hour that raise a flood alert\n"
	    "(event=flood_alert kind=region), once per hour." },
	{ SEC_MAIN, "alert_link", T_STR, M(alert_link), 0, 0, NULL, ANY, "",
	    NULL,
	    "The link escalation SMS leave on (to the on-duty officer of a\n"
	    "queue, routing_file); empty: the first link." },
	{ SEC_MAIN, "retention_days", T_UINT, M(retention_days), 0, 36500,
	    NULL, ANY, "90", NULL,
	    "Narratives and event texts of reports closed this many days ago\n"
	    "are erased (the report, its category, region and week stay for\n"
	    "the statistics)." },
	{ SEC_MAIN, "audit_retention_days", T_UINT, M(audit_retention_days),
	    0, 36500, NULL, ANY, "365", NULL,
	    "Details of audit entries older than this are erased; the entries\n"
	    "and their hash chain stay." },
	{ SEC_MAIN, "vault_days_after_close", T_UINT,
	    M(vault_days_after_close), 0, 3650, NULL, ANY, "30", NULL,
	    "A case's reply path is shredded this many days after the case is\n"
	    "closed (at once for GBV unless the survivor opted in, and then\n"
	    "after 7 days at most)." },
	{ SEC_MAIN, "purge_interval", T_MS, M(purge_interval_ms), 1000,
	    86400000, NULL, ANY, "1h", NULL,
	    "How often retention and shredding run (also at start)." },

	{ SEC_LINK, "mode", T_ENUM, L(mode), 0, 0, "client|server", ANY,
	    NULL, "client",
	    "client: numvertd connects and binds to the carrier's SMSC.\n"
	    "server: the carrier's USSD gateway or an aggregator connects to\n"
	    "numvertd (see listen, allow)." },
	{ SEC_LINK, "role", T_ENUM, L(role), 0, 0, "auto|esme|smsc", ANY,
	    "auto", NULL,
	    "SMPP role numvertd plays on this link, independent of who\n"
	    "connects. auto: esme in client mode, smsc in server mode. A\n"
	    "server link with role esme waits for the peer's outbind, then\n"
	    "binds (gateways that connect in and keep the SMSC role)." },
	{ SEC_LINK, "host", T_STR, L(host), 0, 0, NULL, CLIENT, NULL,
	    "10.20.30.40", "Client mode: the carrier's SMSC, a name or an address." },
	{ SEC_LINK, "port", T_UINT, L(port), 1, 65535, NULL, CLIENT, NULL,
	    "2775", "Client mode: the SMSC's TCP port." },
	{ SEC_LINK, "listen", T_LISTEN, L(listen_host), 0, 0, NULL, SERVER,
	    NULL, "0.0.0.0:2775",
	    "Server mode: address:port to accept the peer on (port 0 picks a\n"
	    "free port and logs it). Links may share a listen address; binds\n"
	    "are told apart by system_id." },
	{ SEC_LINK, "allow", T_NETS, L(allow), 0, 0, NULL, SERVER,
	    "127.0.0.1/32", NULL,
	    "Server mode: addresses the peer may connect from, comma-separated\n"
	    "address[/prefix] entries. Others are refused before any PDU is\n"
	    "read." },
	{ SEC_LINK, "max_binds", T_UINT, L(max_binds), 1, NV_LINK_BINDS_MAX,
	    NULL, SERVER, "8", NULL,
	    "Server mode: binds this peer may hold at once." },
	{ SEC_LINK, "system_id", T_STR, L(system_id), 0, 0, NULL, ANY, NULL,
	    "numvert",
	    "Client mode: the system_id numvertd binds with. Server mode: the\n"
	    "system_id the peer must bind with. At most 15 characters." },
	{ SEC_LINK, "password", T_SECRET, L(password), 0, 0, NULL, ANY, NULL,
	    "CHANGEME",
	    "The bind password (at most 8 characters, an SMPP 3.4 limit).\n"
	    "Keep this file readable by the numvert user only." },
	{ SEC_LINK, "system_type", T_STR, L(system_type), 0, 0, NULL, ANY, "",
	    NULL, "system_type sent in the bind (client mode); often empty." },
	{ SEC_LINK, "bind", T_ENUM, L(bind), 0, 0,
	    "transceiver|transmitter+receiver", CLIENT, "transceiver", NULL,
	    "Client mode: one transceiver bind, or a transmitter and a receiver\n"
	    "bind on two connections (replies go out on the transmitter)." },
	{ SEC_LINK, "window", T_UINT, L(window), 1, NV_SMPP_WINDOW_MAX, NULL,
	    ANY, "10", NULL,
	    "Requests numvertd keeps outstanding per bind before waiting for\n"
	    "responses." },
	{ SEC_LINK, "throughput", T_UINT, L(throughput), 0, 100000, NULL, ANY,
	    "0", NULL,
	    "Messages per second numvertd sends on this link (all binds\n"
	    "together), as the carrier's contract allows; 0 = no limit. On\n"
	    "ESME_RTHROTTLED or ESME_RMSGQFUL the link pauses and retries; no\n"
	    "message is dropped." },
	{ SEC_LINK, "throttle_backoff", T_MS, L(throttle_backoff_ms), 10,
	    60000, NULL, ANY, "1s", NULL,
	    "First pause after a throttling response; it doubles while the\n"
	    "carrier keeps throttling, up to 64 times this value." },
	{ SEC_LINK, "enquire_link_interval", T_MS, L(enquire_ms), 1000,
	    3600000, NULL, ANY, "30s", NULL,
	    "Idle time after which numvertd sends enquire_link. A peer that\n"
	    "does not answer within response_timeout is dropped and rebound." },
	{ SEC_LINK, "response_timeout", T_MS, L(response_ms), 100, 300000,
	    NULL, ANY, "10s", NULL,
	    "Time allowed for any response. A message whose response does not\n"
	    "come is sent again (the carrier may then see it twice); three\n"
	    "timeouts in a row drop the connection." },
	{ SEC_LINK, "bind_timeout", T_MS, L(bind_timeout_ms), 100, 300000,
	    NULL, ANY, "10s", NULL,
	    "Time from TCP connect (or accept) to a completed bind." },
	{ SEC_LINK, "reconnect_min", T_MS, L(reconnect_min_ms), 10, 3600000,
	    NULL, CLIENT, "1s", NULL,
	    "Client mode: first delay before reconnecting. Delays double per\n"
	    "failed attempt up to reconnect_max, each with random jitter; a\n"
	    "refused password waits reconnect_max." },
	{ SEC_LINK, "reconnect_max", T_MS, L(reconnect_max_ms), 10, 3600000,
	    NULL, CLIENT, "60s", NULL,
	    "Client mode: longest delay between reconnection attempts." },
	{ SEC_LINK, "ussd_profile", T_PROFILE, L(ussd_profile), 0, 0, NULL,
	    ANY, "its_session_info", NULL,
	    "The carrier's USSD dialect: its_session_info, user_message_reference\n"
	    "or sixdee (see docs/carriers.md for their op codes)." },
	{ SEC_LINK, "short_codes", T_CODES, L(short_codes), 0, 0, NULL, ANY,
	    "", "36123, *384#",
	    "Short codes and USSD codes served on this link, comma-separated\n"
	    "(empty: any destination). Codes match by their digits: *384#\n"
	    "serves 384, *384# and *384*1#. An MO to another destination is\n"
	    "refused with ESME_RINVDSTADR." },
	{ SEC_LINK, "dcs0", T_ENUM, L(dcs0), 0, 0, "gsm7|latin1", ANY, "gsm7",
	    NULL,
	    "What data_coding 0 (\"SMSC default\") means on this link: the GSM\n"
	    "03.38 alphabet, or Latin-1 as some SMSCs use. With latin1,\n"
	    "numvertd also sends GSM-7 text as Latin-1 with data_coding 0." },
	{ SEC_LINK, "dcs1", T_ENUM, L(dcs1), 0, 0, "ascii|gsm7", ANY, "ascii",
	    NULL,
	    "What data_coding 1 means: IA5/ASCII as SMPP says, or GSM 03.38\n"
	    "code points as SMSC simulators built on node-smpp send." },
	{ SEC_LINK, "dcs_scheme", T_ENUM, L(dcs_scheme), 0, 0, "smpp|cbs", ANY,
	    "smpp", NULL,
	    "smpp: data_coding as SMPP 3.4 and TS 23.038 §4 (SMS) define it.\n"
	    "cbs: as the cell broadcast scheme of TS 23.038 §5, which some USSD\n"
	    "gateways use (0x11 is then UCS-2 behind a language prefix, not\n"
	    "GSM-7 class 1)." },
	{ SEC_LINK, "gsm7_packed", T_ENUM, L(gsm7_packed), 0, 0, "no|yes", ANY,
	    "no", NULL,
	    "Whether GSM-7 text arrives packed (8 septets in 7 octets). SMPP\n"
	    "carries one septet per octet; a few USSD gateways pack." },
	{ SEC_LINK, "gsm7_dcs", T_ENUM, L(gsm7_dcs), 0, 0, "0|15", ANY, "0",
	    NULL,
	    "data_coding numvertd sends with GSM-7 text: 0, or 15 (0x0f,\n"
	    "\"GSM-7, language unspecified\") as some USSD gateways want." },
	{ SEC_LINK, "mt_coding", T_ENUM, L(mt_coding), 0, 0, "auto|gsm7|ucs2",
	    ANY, "auto", NULL,
	    "Coding of what numvertd sends: auto picks GSM-7 when every\n"
	    "character fits and UCS-2 otherwise; gsm7 writes letters GSM-7\n"
	    "lacks with the fallback table (gsm7_fallback); ucs2 always." },
	{ SEC_LINK, "long_sms", T_ENUM, L(long_sms), 0, 0,
	    "udh8|udh16|sar|payload", ANY, "udh8", NULL,
	    "How a reply longer than one SMS goes out: parts with a user data\n"
	    "header (8- or 16-bit reference, 153/152 GSM-7 or 67/66 UCS-2\n"
	    "characters each), parts with SAR TLVs, or one message_payload." },
	{ SEC_LINK, "max_parts", T_UINT, L(max_parts), 1, NV_MT_PARTS_MAX, NULL,
	    ANY, "6", NULL,
	    "Most SMS parts one reply may take; a longer reply is refused and\n"
	    "logged rather than cut." },
	{ SEC_LINK, "ussd_screen", T_UINT, L(ussd_screen), 20, 182, NULL, ANY,
	    "160", NULL,
	    "GSM-7 characters a USSD screen may use on this link (at most 182;\n"
	    "extension characters count two). 160 leaves room for gateways\n"
	    "that cap lower." },
	{ SEC_LINK, "ussd_screen_ucs2", T_UINT, L(ussd_screen_ucs2), 10, 80,
	    NULL, ANY, "80", NULL,
	    "UCS-2 characters a USSD screen may use (at most 80)." },
	{ SEC_LINK, "menu_text", T_ENUM, L(menu_unicode), 0, 0, "gsm7|unicode",
	    ANY, "gsm7", NULL,
	    "How menus are written on this link: gsm7 uses the GSM-7\n"
	    "renderings (è for ɛ, ny for ɲ: every phone shows them, a USSD\n"
	    "screen holds 160 letters); unicode the official spellings, sent\n"
	    "as UCS-2 when a screen needs it (80 letters a screen; only where\n"
	    "phones are known to show ɛ ɔ ɲ ŋ)." },
	{ SEC_LINK, "ussd_timeout", T_MS, L(ussd_timeout_ms), 5000,
	    NV_SESS_GUARD_MAX_MS, NULL, ANY, "180s", NULL,
	    "A USSD dialogue silent this long is over (the carrier's gateway\n"
	    "has given up on it): an IED or attack report broken off after\n"
	    "its region is kept as a partial report, anything else dropped." },
};

/* config.c marks the options a section set in a 128-bit mask. */
_Static_assert(ARRAY_SIZE(opts) <= 128, "one bit per option");
const size_t nopts = ARRAY_SIZE(opts);
