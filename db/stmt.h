/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Every SQL statement the store runs, in one table indexed by an enum
 * (osmo-msc's db.c: stmt_idx and stmt_sql). All of them are prepared
 * once, right after the migrations, and kept for the connection's life;
 * none is ever built from strings. Parameters are named ($id, $link):
 * db_bind_* look them up by name, so a statement's text and its callers
 * cannot drift apart silently (a wrong name is an error, not a shift).
 *
 * Private to db/.
 */
#ifndef NV_DB_STMT_H
#define NV_DB_STMT_H

enum db_st {
	/* transactions */
	DB_ST_BEGIN,
	DB_ST_BEGIN_READ,
	DB_ST_COMMIT,
	DB_ST_ROLLBACK,
	DB_ST_SAVEPOINT,
	DB_ST_RELEASE,
	DB_ST_ROLLBACK_TO,
	/* inbound */
	DB_ST_INBOUND_SEEN,
	DB_ST_INBOUND_ADD,
	DB_ST_INBOUND_EXPIRE,
	/* reports and their events */
	DB_ST_REPORT_ADD,
	DB_ST_REPORT_GET,
	DB_ST_REPORT_COUNT,
	DB_ST_REPORT_EACH,
	DB_ST_REPORT_SET_STATUS,
	DB_ST_REPORT_SET_NARRATIVE,
	DB_ST_EVENT_ADD,
	/* parts */
	DB_ST_PART_ADD,
	DB_ST_PART_DELETE,
	DB_ST_PART_EACH,
	/* outbox */
	DB_ST_MT_ADD,
	DB_ST_MT_SET_SEALED,
	DB_ST_MT_RETRY,
	DB_ST_MT_FINAL,
	DB_ST_MT_EACH_QUEUED,
	DB_ST_MT_GET,
	DB_ST_MT_COUNT,
	/* users and the audit log */
	DB_ST_USER_ADD,
	DB_ST_USER_GET,
	DB_ST_AUDIT_APPEND,
	DB_ST_AUDIT_HEAD,
	/* a read snapshot for the backup */
	DB_ST_SNAPSHOT,

	DB_ST_REPORT_QUEUE_ADD,
	DB_ST_REPORT_QUEUES,
	DB_ST_REPORT_ACK,
	DB_ST_REPORT_ESCALATE,
	DB_ST_URGENT_PENDING,
	DB_ST_COUNTED_MARK,
	DB_ST_COUNTED_EACH,
	DB_ST_COUNTED_EXPIRE,
	DB_ST_VAULT_ADD,
	DB_ST_VAULT_GET,
	DB_ST_VAULT_DUE,
	DB_ST_VAULT_SHRED,
	DB_ST_VAULT_SHRED_BY,
	DB_ST_PURGE_NARRATIVES,
	DB_ST_PURGE_EVENTS,
	DB_ST_PURGE_AUDIT,
	/* case codes (schema v3) */
	DB_ST_REPORT_BY_CASE,
	DB_ST_EVENT_SET_BODY,
	DB_ST_EVENT_LAST,
	/* SMS conversations (schema v3) */
	DB_ST_CONV_PUT,
	DB_ST_CONV_GET,
	DB_ST_CONV_DELETE,
	DB_ST_CONV_EACH,
	DB_ST_CONV_EXPIRE,

	/* On the key store (db_attach_keys), prepared when it is attached. */
	DB_ST_KS_FIRST,
	DB_ST_KEY_ADD = DB_ST_KS_FIRST,
	DB_ST_KEY_GET,
	DB_ST_KEY_DELETE,
	DB_ST__COUNT
};

/* The statement's SQL and a short name for error messages. */
const char *db_st_sql(enum db_st id);
const char *db_st_name(enum db_st id);

#endif
