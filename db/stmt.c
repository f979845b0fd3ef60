/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The statement table (see stmt.h). Columns are listed by name, never
 * with *, so a migration that adds a column cannot shift what the
 * readers in query.c and outbox.c take from each position.
 */
#include <stddef.h>

#include "db/stmt.h"

#define REPORT_COLS "id, case_hash, category, region, cercle, commune, " \
	"queue, urgent, status, language, channel, link, received, " \
	"narrative, key_id, incomplete, counted, flags, acked_at, " \
	"escalated_at, closed_at, axis, weapon, weapon_count, involved, " \
	"partial"

#define PART_COLS "id, msg_key, seq, total, link, at, sealed, key_id"

#define EVENT_COLS "id, report_id, at, kind, body, key_id, actor"

#define CONV_COLS "key, state, key_id, expires"

#define MT_COLS "id, link, state, sealed, key_id, attempts, next_attempt, " \
	"created, finished, last_status, why"

struct st_def {
	const char *name;
	const char *sql;
};

static const struct st_def defs[DB_ST__COUNT] = {
	/* IMMEDIATE: take the write lock at BEGIN, so a group never fails
	 * half-way on a lock another connection (the admin tool) holds. */
	[DB_ST_BEGIN] = { "begin", "BEGIN IMMEDIATE" },
	[DB_ST_BEGIN_READ] = { "begin_read", "BEGIN DEFERRED" },
	[DB_ST_COMMIT] = { "commit", "COMMIT" },
	[DB_ST_ROLLBACK] = { "rollback", "ROLLBACK" },
	[DB_ST_SAVEPOINT] = { "savepoint", "SAVEPOINT job" },
	[DB_ST_RELEASE] = { "release", "RELEASE job" },
	[DB_ST_ROLLBACK_TO] = { "rollback_to", "ROLLBACK TO job" },

	[DB_ST_INBOUND_SEEN] = { "inbound_seen",
	    "SELECT coalesce(report_id, 0) FROM inbound WHERE dedup = $dedup" },
	/* A retransmission is not an error: DO NOTHING, seen by changes(). */
	[DB_ST_INBOUND_ADD] = { "inbound_add",
	    "INSERT INTO inbound (dedup, link, at, kind, report_id) "
	    "VALUES ($dedup, $link, $at, $kind, nullif($report_id, 0)) "
	    "ON CONFLICT (dedup) DO NOTHING" },
	[DB_ST_INBOUND_EXPIRE] = { "inbound_expire",
	    "DELETE FROM inbound WHERE at < $before" },

	[DB_ST_REPORT_ADD] = { "report_add",
	    "INSERT INTO reports (case_hash, category, region, cercle, "
	    "commune, queue, urgent, status, language, channel, link, "
	    "received, narrative, key_id, incomplete, counted, flags, axis, "
	    "weapon, weapon_count, involved, partial) "
	    "VALUES ($case_hash, $category, $region, $cercle, $commune, "
	    "$queue, $urgent, coalesce($status, 'unverified'), $language, "
	    "$channel, $link, $received, $narrative, $key_id, $incomplete, "
	    "$counted, $flags, $axis, $weapon, $weapon_count, $involved, "
	    "$partial)" },
	[DB_ST_REPORT_GET] = { "report_get",
	    "SELECT " REPORT_COLS " FROM reports WHERE id = $id" },
	[DB_ST_REPORT_COUNT] = { "report_count",
	    "SELECT count(*) FROM reports" },
	[DB_ST_REPORT_EACH] = { "report_each",
	    "SELECT " REPORT_COLS " FROM reports ORDER BY id" },
	[DB_ST_REPORT_SET_STATUS] = { "report_set_status",
	    "UPDATE reports SET status = $status, closed_at = CASE "
	    "WHEN $status = 'closed' THEN coalesce(closed_at, $at) END "
	    "WHERE id = $id" },
	[DB_ST_REPORT_SET_NARRATIVE] = { "report_set_narrative",
	    "UPDATE reports SET narrative = $narrative, key_id = $key_id "
	    "WHERE id = $id" },
	[DB_ST_EVENT_ADD] = { "event_add",
	    "INSERT INTO report_events (report_id, at, kind, body, key_id, "
	    "actor) VALUES ($report_id, $at, $kind, $body, $key_id, "
	    "nullif($actor, 0))" },

	[DB_ST_PART_ADD] = { "part_add",
	    "INSERT INTO parts (msg_key, seq, total, link, at, sealed, key_id) "
	    "VALUES ($msg_key, $seq, $total, $link, $at, $sealed, $key_id) "
	    "ON CONFLICT (msg_key, seq) DO NOTHING" },
	[DB_ST_PART_DELETE] = { "part_delete",
	    "DELETE FROM parts WHERE msg_key = $msg_key" },
	[DB_ST_PART_EACH] = { "part_each",
	    "SELECT " PART_COLS " FROM parts ORDER BY id" },

	[DB_ST_MT_ADD] = { "mt_add",
	    "INSERT INTO outbox (link, state, sealed, key_id, attempts, "
	    "next_attempt, created, finished, last_status, why) "
	    "VALUES ($link, $state, $sealed, $key_id, $attempts, "
	    "$next_attempt, $created, nullif($finished, 0), $last_status, "
	    "$why)" },
	[DB_ST_MT_SET_SEALED] = { "mt_set_sealed",
	    "UPDATE outbox SET sealed = $sealed, key_id = $key_id "
	    "WHERE id = $id AND state = 'queued'" },
	[DB_ST_MT_RETRY] = { "mt_retry",
	    "UPDATE outbox SET attempts = $attempts, "
	    "next_attempt = $next_attempt, last_status = $status "
	    "WHERE id = $id AND state = 'queued'" },
	/* The sealed destination goes with the state change (secure_delete
	 * overwrites it in the page). */
	[DB_ST_MT_FINAL] = { "mt_final",
	    "UPDATE outbox SET state = $state, sealed = NULL, key_id = NULL, "
	    "finished = $at, last_status = $status, why = $why "
	    "WHERE id = $id AND state = 'queued'" },
	[DB_ST_MT_EACH_QUEUED] = { "mt_each_queued",
	    "SELECT " MT_COLS " FROM outbox WHERE state = 'queued' "
	    "ORDER BY created, id" },
	[DB_ST_MT_GET] = { "mt_get",
	    "SELECT " MT_COLS " FROM outbox WHERE id = $id" },
	[DB_ST_MT_COUNT] = { "mt_count",
	    "SELECT count(*) FROM outbox WHERE state = $state" },

	[DB_ST_USER_ADD] = { "user_add",
	    "INSERT INTO users (name, pw_hash, role, created) "
	    "VALUES ($name, $pw_hash, $role, $created)" },
	[DB_ST_USER_GET] = { "user_get",
	    "SELECT id, pw_hash, role, disabled FROM users WHERE name = $name" },
	/* One statement, so checking the head and appending cannot be
	 * separated by another connection's append. */
	[DB_ST_AUDIT_APPEND] = { "audit_append",
	    "INSERT INTO audit (at, actor, action, object, detail, prev, hash, "
	    "detail_hash) SELECT $at, nullif($actor, 0), $action, $object, "
	    "$detail, $prev, $hash, $detail_hash WHERE $prev = coalesce((SELECT hash FROM audit "
	    "ORDER BY id DESC LIMIT 1), zeroblob(32))" },
	[DB_ST_AUDIT_HEAD] = { "audit_head",
	    "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1" },

	[DB_ST_SNAPSHOT] = { "snapshot", "SELECT count(*) FROM sqlite_schema" },

	[DB_ST_REPORT_QUEUE_ADD] = { "report_queue_add",
	    "INSERT INTO report_queues (queue, report_id) "
	    "VALUES ($queue, $report_id) ON CONFLICT DO NOTHING" },
	[DB_ST_REPORT_QUEUES] = { "report_queues",
	    "SELECT queue FROM report_queues WHERE report_id = $report_id "
	    "ORDER BY queue" },
	[DB_ST_REPORT_ACK] = { "report_ack",
	    "UPDATE reports SET acked_at = coalesce(acked_at, $at) "
	    "WHERE id = $id" },
	/* Checks and marks in one statement: one alert per report, even
	 * if an operator acknowledges it at the same moment. */
	[DB_ST_REPORT_ESCALATE] = { "report_escalate",
	    "UPDATE reports SET escalated_at = $at WHERE id = $id "
	    "AND urgent = 1 AND acked_at IS NULL AND escalated_at IS NULL" },
	[DB_ST_URGENT_PENDING] = { "urgent_pending",
	    "SELECT id, queue FROM reports WHERE urgent = 1 AND acked_at IS NULL "
	    "AND escalated_at IS NULL ORDER BY id" },
	[DB_ST_COUNTED_MARK] = { "counted_mark",
	    "INSERT INTO counted (mark, epoch) VALUES ($mark, $epoch)" },
	[DB_ST_COUNTED_EACH] = { "counted_each",
	    "SELECT mark, epoch FROM counted ORDER BY id" },
	[DB_ST_COUNTED_EXPIRE] = { "counted_expire",
	    "DELETE FROM counted WHERE epoch < $epoch" },
	[DB_ST_VAULT_ADD] = { "vault_add",
	    "INSERT INTO vault (report_id, sealed, created, shred_at) "
	    "VALUES ($report_id, $sealed, $created, $shred_at)" },
	[DB_ST_VAULT_GET] = { "vault_get",
	    "SELECT sealed, shred_at, coalesce(shredded, 0) FROM vault "
	    "WHERE report_id = $report_id" },
	[DB_ST_VAULT_DUE] = { "vault_due",
	    "SELECT v.report_id FROM vault v JOIN reports r "
	    "ON r.id = v.report_id WHERE v.shredded IS NULL "
	    "AND (v.shred_at <= $now OR r.closed_at < $closed_before) "
	    "ORDER BY v.shred_at LIMIT $max" },
	[DB_ST_VAULT_SHRED] = { "vault_shred",
	    "UPDATE vault SET sealed = NULL, shredded = $at "
	    "WHERE report_id = $report_id AND shredded IS NULL" },
	[DB_ST_VAULT_SHRED_BY] = { "vault_shred_by",
	    "UPDATE vault SET shred_at = min(shred_at, $at) "
	    "WHERE report_id = $report_id AND shredded IS NULL" },
	[DB_ST_PURGE_NARRATIVES] = { "purge_narratives",
	    "UPDATE reports SET narrative = NULL, key_id = NULL "
	    "WHERE closed_at < $before AND narrative IS NOT NULL" },
	[DB_ST_PURGE_EVENTS] = { "purge_events",
	    "UPDATE report_events SET body = NULL, key_id = NULL "
	    "WHERE body IS NOT NULL AND report_id IN "
	    "(SELECT id FROM reports WHERE closed_at < $before)" },
	[DB_ST_PURGE_AUDIT] = { "purge_audit",
	    "UPDATE audit SET detail = NULL "
	    "WHERE at < $before AND detail IS NOT NULL" },

	/* case_hash is UNIQUE: its index answers this. */
	[DB_ST_REPORT_BY_CASE] = { "report_by_case",
	    "SELECT " REPORT_COLS " FROM reports WHERE case_hash = $case_hash" },
	[DB_ST_EVENT_SET_BODY] = { "event_set_body",
	    "UPDATE report_events SET body = $body, key_id = $key_id "
	    "WHERE id = $id" },
	/* Row order, not at: two events of one second keep their order. */
	[DB_ST_EVENT_LAST] = { "event_last",
	    "SELECT " EVENT_COLS " FROM report_events "
	    "WHERE report_id = $report_id AND kind = $kind "
	    "ORDER BY id DESC LIMIT 1" },

	[DB_ST_CONV_PUT] = { "conv_put",
	    "INSERT INTO conversations (key, state, key_id, expires) "
	    "VALUES ($key, $state, $key_id, $expires) "
	    "ON CONFLICT (key) DO UPDATE SET state = excluded.state, "
	    "key_id = excluded.key_id, expires = excluded.expires" },
	[DB_ST_CONV_GET] = { "conv_get",
	    "SELECT " CONV_COLS " FROM conversations WHERE key = $key" },
	[DB_ST_CONV_DELETE] = { "conv_delete",
	    "DELETE FROM conversations WHERE key = $key" },
	[DB_ST_CONV_EACH] = { "conv_each",
	    "SELECT " CONV_COLS " FROM conversations ORDER BY expires, key" },
	[DB_ST_CONV_EXPIRE] = { "conv_expire",
	    "DELETE FROM conversations WHERE expires <= $now" },

	[DB_ST_KEY_ADD] = { "key_add",
	    "INSERT INTO ks.case_keys (report_id, key) "
	    "VALUES ($report_id, $key)" },
	[DB_ST_KEY_GET] = { "key_get",
	    "SELECT key FROM ks.case_keys WHERE report_id = $report_id" },
	[DB_ST_KEY_DELETE] = { "key_delete",
	    "DELETE FROM ks.case_keys WHERE report_id = $report_id" },
};

const char *
db_st_sql(enum db_st id)
{
	return defs[id].sql;
}

const char *
db_st_name(enum db_st id)
{
	return defs[id].name;
}
