/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * numvertd configuration: an INI file read with inih. One table of
 * options (config.c) drives parsing, validation, defaults and the
 * annotated example file (numvertd --print-example-config).
 *
 *   [numvertd]          process-wide options
 *   [link NAME]         one per carrier link
 */
#ifndef NV_CONFIG_H
#define NV_CONFIG_H

#include <stdint.h>
#include <stdio.h>

#include "base/limits.h"
#include "base/log.h"

enum link_mode {
	LINK_MODE_CLIENT,	/* we connect to the carrier */
	LINK_MODE_SERVER,	/* the carrier connects to us */
};

enum link_role {
	LINK_ROLE_AUTO,		/* client: ESME; server: SMSC */
	LINK_ROLE_ESME,
	LINK_ROLE_SMSC,
};

enum link_bind {
	LINK_BIND_TRX,		/* one transceiver bind */
	LINK_BIND_TX_RX,	/* a transmitter and a receiver bind */
};

/* An address block of an allowlist. */
struct cfg_net {
	int family;		/* AF_INET or AF_INET6 */
	unsigned prefix;
	uint8_t addr[16];
};

struct cfg_link {
	char name[32];
	unsigned line;		/* of its [link NAME] header */
	int mode;		/* enum link_mode */
	int role;		/* enum link_role */
	int bind;		/* enum link_bind */
	char host[256];
	unsigned port;
	char listen_host[64];
	unsigned listen_port;
	struct cfg_net allow[NV_CFG_LIST_MAX];
	unsigned nallow;
	char system_id[16];
	char password[9];
	char system_type[13];
	unsigned window;
	unsigned throughput;	/* messages per second, 0 = unlimited */
	unsigned max_binds;
	unsigned enquire_ms;
	unsigned response_ms;
	unsigned bind_timeout_ms;
	unsigned reconnect_min_ms;
	unsigned reconnect_max_ms;
	unsigned throttle_backoff_ms;
	int ussd_profile;	/* index into the profile table */
	char short_codes[NV_CFG_LIST_MAX][22];
	unsigned nshort;
	int dcs0;		/* 0: data_coding 0 is GSM-7, 1: Latin-1 */
	int dcs1;		/* 0: data_coding 1 is IA5, 1: GSM-7 */
	int dcs_scheme;		/* 0: SMPP / SMS, 1: cell broadcast (USSD) */
	int gsm7_packed;	/* 0: no, 1: yes */
	int gsm7_dcs;		/* 0: send 0x00, 1: send 0x0f */
	int mt_coding;		/* enum text_force */
	int long_sms;		/* enum text_split */
	unsigned max_parts;
	unsigned ussd_screen;	/* GSM-7 septets a USSD screen may use */
	unsigned ussd_screen_ucs2;
	int menu_unicode;	/* menu_text: 0 gsm7, 1 unicode */
	unsigned ussd_timeout_ms;
};

struct cfg {
	char source[256];	/* file name, or "embedded" */
	int log_level;		/* enum log_level */
	unsigned stats_interval_ms;
	unsigned shutdown_grace_ms;
	char gsm7_fallback[256];
	char db_path[256];
	char key_file[256];
	int db_synchronous;	/* 0: full, 1: normal (benchmarks only) */
	unsigned report_rounding_ms;
	unsigned dedup_window_ms;
	unsigned concat_timeout_ms;
	unsigned concat_max_parts;
	unsigned concat_max_pending;
	unsigned concat_max_bytes;
	char region_data[256];
	char menu_file[256];
	unsigned sms_screen, sms_screen_ucs2;
	unsigned sms_conv_ms;
	unsigned case_wrong_per_day;
	char routing_file[256];
	char epoch_key_file[256];
	unsigned pseudonym_epoch_ms;
	char vault_file[256];
	unsigned rate_per_hour, rate_per_day;
	unsigned flood_sender_per_hour, flood_region_per_hour;
	char alert_link[32];
	unsigned retention_days, audit_retention_days, vault_days_after_close;
	unsigned purge_interval_ms;
	struct cfg_link *links;
	unsigned nlinks;
};

/*
 * Reads and validates a configuration file. On failure returns -1 and
 * *cause holds a message naming the file, the line and the option (the
 * caller frees it).
 */
int cfg_load(const char *path, struct cfg **out, char **cause);

/* The built-in configuration of `make run` (a client link to 127.0.0.1). */
int cfg_load_embedded(struct cfg **out, char **cause);

void cfg_free(struct cfg *cfg);

/* Writes the annotated example configuration, generated from the table. */
void cfg_write_example(FILE *fp);

/* Names for logs. */
const char *cfg_mode_name(int mode);
const char *cfg_role_name(int role);
const char *cfg_bind_name(int bind);

/* The role a link plays once its "auto" is resolved. */
int cfg_link_role(const struct cfg_link *l);

struct text_link;
/* How the link reads and writes data_coding, for the text module. */
void cfg_text_link(const struct cfg_link *l, struct text_link *out);

/* 1 if addr (AF_INET/AF_INET6 raw octets) is in the link's allowlist. */
int cfg_link_allows(const struct cfg_link *l, int family, const void *addr);

#endif
