/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The schema's steps (v1 to v3) and the migration machinery (see schema.h).
 *
 * Rules for the SQL below: every table says why it exists and every
 * column why it is there (the comments inside CREATE TABLE are kept by
 * SQLite in sqlite_schema, so the file documents itself); no column
 * holds a phone number, a pseudonym or a citizen's words in clear: those
 * are BLOBs sealed by the caller with keys the database never sees.
 *
 * A new version appends a step and updates expect[] below: the check
 * then refuses a file where any step's table or column is missing.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "base/xmalloc.h"
#include "db/db.h"
#include "db/schema.h"

static const char v0_to_v1[] =
"-- Reports: one row per report a citizen completed, by SMS or USSD.\n"
"-- Nothing here identifies the citizen: no number, no pseudonym.\n"
"CREATE TABLE reports (\n"
"  id INTEGER PRIMARY KEY,     -- row id; bound into the narrative's seal\n"
"  case_hash BLOB UNIQUE,      -- keyed hash of a case reference, to join a\n"
"                              -- follow-up to its report; NULL if none\n"
"  category TEXT NOT NULL,     -- what is reported: routing, statistics\n"
"  region TEXT,                -- where, as precisely as the citizen said:\n"
"  cercle TEXT,                --   region, cercle, commune (NULL if not\n"
"  commune TEXT,               --   given); routing and statistics cells\n"
"  queue TEXT,                 -- the office queue routing chose: who reads\n"
"  urgent INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1)),\n"
"                              -- routing's escalation flag (timers run in\n"
"                              -- memory)\n"
"  status TEXT NOT NULL DEFAULT 'unverified', -- triage state (operators)\n"
"  language TEXT,              -- menu language, to answer in it; never\n"
"                              -- crossed with region in statistics\n"
"  channel TEXT NOT NULL CHECK (channel IN ('sms', 'ussd')), -- how it came\n"
"  link TEXT NOT NULL,         -- carrier link it came on: spend, replies\n"
"  received INTEGER NOT NULL,  -- arrival, Unix seconds rounded (to the\n"
"                              -- hour by default) against carrier records\n"
"  narrative BLOB,             -- the citizen's words, sealed; NULL when\n"
"                              -- none or purged\n"
"  key_id INTEGER,             -- the key that sealed narrative (kept\n"
"                              -- outside the database)\n"
"  counted INTEGER NOT NULL DEFAULT 0, -- 1: this report is its reporter's\n"
"                              -- one count in its statistics cell\n"
"  incomplete INTEGER NOT NULL DEFAULT 0 -- 1: a concatenated SMS that\n"
"                              -- lost parts; the narrative is partial\n"
");\n"
"-- Each office lists its queue by status.\n"
"CREATE INDEX reports_queue_status ON reports (queue, status);\n"
"\n"
"-- What happened to a report after it came in: triage, notes, questions.\n"
"CREATE TABLE report_events (\n"
"  id INTEGER PRIMARY KEY,     -- order of events\n"
"  report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,\n"
"                              -- the report; events go with it\n"
"  at INTEGER NOT NULL,        -- when, Unix seconds\n"
"  kind TEXT NOT NULL CHECK (kind IN\n"
"    ('status', 'note', 'question', 'answer', 'added')), -- what it is\n"
"  body BLOB,                  -- its text, sealed (an answer is the\n"
"                              -- citizen's words)\n"
"  key_id INTEGER,             -- the key that sealed body\n"
"  actor INTEGER REFERENCES users (id) -- who did it; NULL for the system\n"
");\n"
"-- A report's history, and the cascade when a report is deleted.\n"
"CREATE INDEX report_events_report ON report_events (report_id);\n"
"\n"
"-- Every MO stored, for a while: a carrier that lost our response sends\n"
"-- it again, and it must not make a second report.\n"
"CREATE TABLE inbound (\n"
"  id INTEGER PRIMARY KEY,     -- row id\n"
"  dedup BLOB NOT NULL UNIQUE, -- keyed hash of what a retransmission\n"
"                              -- repeats (never the number in clear)\n"
"  link TEXT NOT NULL,         -- carrier link it came on\n"
"  at INTEGER NOT NULL,        -- when, Unix seconds: expiry of the window\n"
"  kind TEXT NOT NULL CHECK (kind IN ('sms', 'part', 'ussd')), -- what it was\n"
"  report_id INTEGER REFERENCES reports (id) ON DELETE SET NULL\n"
"                              -- the report it made, to answer a\n"
"                              -- retransmission the same way; or NULL\n"
");\n"
"-- Expiry deletes by age.\n"
"CREATE INDEX inbound_at ON inbound (at);\n"
"-- Deleting a report looks up the rows that name it.\n"
"CREATE INDEX inbound_report ON inbound (report_id)\n"
"  WHERE report_id IS NOT NULL;\n"
"\n"
"-- Parts of concatenated MOs waiting for the rest, so that parts already\n"
"-- acknowledged to the carrier survive a restart.\n"
"CREATE TABLE parts (\n"
"  id INTEGER PRIMARY KEY,     -- arrival order, to reassemble in it\n"
"  msg_key BLOB NOT NULL,      -- keyed hash of the reassembly key\n"
"                              -- (addresses, reference, total)\n"
"  seq INTEGER NOT NULL,       -- this part's number, 1..total\n"
"  total INTEGER NOT NULL,     -- parts the message announced\n"
"  link TEXT NOT NULL,         -- carrier link: parts join per link\n"
"  at INTEGER NOT NULL,        -- when, Unix seconds: reassembly timeout\n"
"  sealed BLOB NOT NULL,       -- the part with its addressing, sealed\n"
"  key_id INTEGER NOT NULL,    -- the key that sealed it\n"
"  UNIQUE (msg_key, seq)       -- a resent part is stored once\n"
");\n"
"\n"
"-- Every SMS reply until it is final: it survives restarts and is\n"
"-- retried with backoff. The destination exists only sealed, and only\n"
"-- while the message is queued.\n"
"CREATE TABLE outbox (\n"
"  id INTEGER PRIMARY KEY,     -- row id; bound into the seal\n"
"  link TEXT NOT NULL,         -- carrier link to send it on\n"
"  state TEXT NOT NULL CHECK (state IN ('queued', 'done', 'failed')),\n"
"                              -- queued until accepted or given up\n"
"  sealed BLOB,                -- destination, source and text, sealed\n"
"  key_id INTEGER,             -- the key that sealed it\n"
"  attempts INTEGER NOT NULL DEFAULT 0, -- submissions so far (backoff)\n"
"  next_attempt INTEGER NOT NULL, -- not before, Unix seconds\n"
"  created INTEGER NOT NULL,   -- when queued: order of resending\n"
"  finished INTEGER,           -- when final; NULL while queued\n"
"  last_status INTEGER,        -- the carrier's last command_status\n"
"  why TEXT,                   -- why it failed for good, for operators\n"
"  CHECK (state = 'queued' OR sealed IS NULL) -- final: destination gone\n"
");\n"
"-- The sender picks what is due.\n"
"CREATE INDEX outbox_state_next ON outbox (state, next_attempt);\n"
"\n"
"-- Console accounts: operators, supervisors, caseworkers and the rest.\n"
"CREATE TABLE users (\n"
"  id INTEGER PRIMARY KEY,     -- row id: events and audit name it\n"
"  name TEXT NOT NULL UNIQUE,  -- login name\n"
"  pw_hash TEXT NOT NULL,      -- argon2id string (libsodium)\n"
"  role TEXT NOT NULL CHECK (role IN ('operator', 'supervisor',\n"
"    'caseworker', 'eod', 'admin', 'analyst', 'auditor')),\n"
"                              -- what the account may do\n"
"  created INTEGER NOT NULL,   -- when, Unix seconds\n"
"  disabled INTEGER NOT NULL DEFAULT 0 -- 1: may not log in; kept so the\n"
"                              -- audit log still names it\n"
");\n"
"\n"
"-- Append-only, hash-chained log of every view and action (DESIGN 5).\n"
"CREATE TABLE audit (\n"
"  id INTEGER PRIMARY KEY,     -- order of the chain\n"
"  at INTEGER NOT NULL,        -- when, Unix seconds\n"
"  actor INTEGER REFERENCES users (id), -- who; NULL for the system\n"
"  action TEXT NOT NULL,       -- what was done\n"
"  object TEXT,                -- to what (a report or account id)\n"
"  detail TEXT,                -- more, written by the console (no\n"
"                              -- citizen's words)\n"
"  prev BLOB NOT NULL,         -- hash of the entry before (zeros first)\n"
"  hash BLOB NOT NULL          -- hash over prev and this entry, made by\n"
"                              -- the caller; the head is also kept\n"
"                              -- outside the database\n"
");\n"
"-- Append-only: a rewrite is refused here too, not only detected.\n"
"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit\n"
"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;\n"
"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit\n"
"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;\n";

/*
 * v2: routing and privacy. A report may go to several queues; operators
 * acknowledge urgent ones (escalation) and close them (retention counts
 * from there); the "counted once" marks of the statistics; the reply
 * vault; and audit details that may be purged after a year while the
 * chain stays verifiable (the entry hash covers detail_hash).
 */
static const char v1_to_v2[] =
"-- Every queue routing sent a report to, and no other: who may read it.\n"
"CREATE TABLE report_queues (\n"
"  queue TEXT NOT NULL,        -- a queue of the routing data\n"
"  report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,\n"
"                              -- the report\n"
"  PRIMARY KEY (queue, report_id)\n"
") WITHOUT ROWID;\n"
"-- Deleting a report finds its rows.\n"
"CREATE INDEX report_queues_report ON report_queues (report_id);\n"
"\n"
"ALTER TABLE reports ADD COLUMN axis TEXT;\n"
"  -- the road axis it was reported on (data/geo: an IED axis crossing\n"
"  -- several regions), or NULL\n"
"ALTER TABLE reports ADD COLUMN flags TEXT;\n"
"  -- comma-separated marks: over_limit (the reporter's rate limit was\n"
"  -- passed: stored, not answered), accuses_security\n"
"ALTER TABLE reports ADD COLUMN acked_at INTEGER;\n"
"  -- when an operator first acknowledged it (escalation stops)\n"
"ALTER TABLE reports ADD COLUMN escalated_at INTEGER;\n"
"  -- when the on-duty officer was alerted about it, once\n"
"ALTER TABLE reports ADD COLUMN closed_at INTEGER;\n"
"  -- when it was closed: the retention of its narrative counts from here\n"
"CREATE INDEX reports_closed ON reports (closed_at)\n"
"  WHERE closed_at IS NOT NULL AND narrative IS NOT NULL;\n"
"\n"
"-- The statistics' \"counted once\" rule: one mark per reporter, cell\n"
"-- and epoch, a keyed hash of the epoch's pseudonym (whose key is\n"
"-- destroyed with the epoch; its marks are deleted then). Appended\n"
"-- only: numvertd keeps the set in memory (a unique index on random\n"
"-- hashes would dirty a random page per report).\n"
"CREATE TABLE counted (\n"
"  id INTEGER PRIMARY KEY,     -- order written\n"
"  mark BLOB NOT NULL,         -- keyed hash of pseudonym, category,\n"
"                              -- region and epoch (16 octets)\n"
"  epoch INTEGER NOT NULL      -- the epoch's start, Unix seconds\n"
");\n"
"-- Expiry deletes by epoch.\n"
"CREATE INDEX counted_epoch ON counted (epoch);\n"
"\n"
"-- The reply path: a citizen's number, only where a reply is needed and\n"
"-- the citizen agreed, sealed under a key of its own that lives in the\n"
"-- key store, outside this file. Shredding that key ends the path.\n"
"CREATE TABLE vault (\n"
"  report_id INTEGER PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,\n"
"                              -- the case it answers\n"
"  sealed BLOB,                -- the number, sealed under the case key;\n"
"                              -- NULL once shredded\n"
"  created INTEGER NOT NULL,   -- when, Unix seconds\n"
"  shred_at INTEGER NOT NULL,  -- when the case key is destroyed at the\n"
"                              -- latest\n"
"  shredded INTEGER            -- when it was; NULL while the path lives\n"
");\n"
"CREATE INDEX vault_due ON vault (shred_at) WHERE shredded IS NULL;\n"
"\n"
"ALTER TABLE audit ADD COLUMN detail_hash BLOB;\n"
"  -- keyed hash of detail, made by the caller: the entry hash covers it,\n"
"  -- so detail can be purged after a year and the chain still verified\n"
"DROP TRIGGER audit_no_update;\n"
"-- Append-only, except that an old detail may be blanked (retention).\n"
"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit\n"
"  WHEN NOT (NEW.detail IS NULL AND NEW.id IS OLD.id AND NEW.at IS OLD.at\n"
"    AND NEW.actor IS OLD.actor AND NEW.action IS OLD.action\n"
"    AND NEW.object IS OLD.object AND NEW.prev IS OLD.prev\n"
"    AND NEW.hash IS OLD.hash AND NEW.detail_hash IS OLD.detail_hash)\n"
"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;\n";

/*
 * v3: menus and sessions. The menus ask what weapon, how many and who is
 * involved; a USSD dialogue cut after the category and region of an
 * urgent category is kept as a partial report (DESIGN 4); and an SMS
 * conversation survives a restart, since each of its steps is
 * acknowledged to the carrier only once committed (DESIGN 6).
 */
static const char v2_to_v3[] =
"ALTER TABLE reports ADD COLUMN weapon TEXT;\n"
"  -- the kind of weapon the citizen chose (a menu id such as 'war'), or\n"
"  -- NULL: routing and the statistics cells by kind\n"
"ALTER TABLE reports ADD COLUMN weapon_count TEXT;\n"
"  -- how many, as a band of the menu ('2-5'), never a free number; or NULL\n"
"ALTER TABLE reports ADD COLUMN involved TEXT CHECK (involved IN\n"
"  ('armed_group', 'security_forces', 'civilians', 'unknown'));\n"
"  -- who is involved, as the citizen said (NULL: skipped): a complaint\n"
"  -- about security forces is routed outside their chain\n"
"ALTER TABLE reports ADD COLUMN partial INTEGER NOT NULL DEFAULT 0\n"
"  CHECK (partial IN (0, 1));\n"
"  -- 1: a USSD dialogue broke off after the category and region of an\n"
"  -- urgent category; kept so an office can act, resumable by case code\n"
"\n"
"-- SMS conversations in progress, one per sender, so that a step the\n"
"-- carrier was told we have (deliver_sm_resp) survives a restart. The\n"
"-- sender appears only as a keyed hash of their pseudonym (whose key\n"
"-- is not in this file); where the conversation stands is sealed.\n"
"CREATE TABLE conversations (\n"
"  key BLOB PRIMARY KEY,       -- keyed hash of the sender's pseudonym\n"
"                              -- (32 octets), never the pseudonym itself\n"
"  state BLOB NOT NULL,        -- the menu's state, sealed; its associated\n"
"                              -- data binds key and key_id\n"
"  key_id INTEGER NOT NULL,    -- the key that sealed state\n"
"  expires INTEGER NOT NULL    -- Unix seconds: after it the conversation\n"
"                              -- is over and the row deleted\n"
");\n"
"-- Expiry deletes by time.\n"
"CREATE INDEX conversations_expires ON conversations (expires);\n";

const char *const db_schema_steps[] = {
	v0_to_v1,
	v1_to_v2,
	v2_to_v3,
};

const unsigned db_schema_nsteps = ARRAY_SIZE(db_schema_steps);

_Static_assert(ARRAY_SIZE(db_schema_steps) == DB_SCHEMA_VERSION,
    "one migration step per schema version");

/*
 * The tables (each present from version since on) and, at
 * DB_SCHEMA_VERSION, their columns in order.
 */
static const struct {
	const char *table;
	int since;
	const char *cols;
} expect[] = {
	{ "reports", 1, "id case_hash category region cercle commune queue "
	    "urgent status language channel link received narrative key_id "
	    "counted incomplete axis flags acked_at escalated_at closed_at "
	    "weapon weapon_count involved partial" },
	{ "report_events", 1, "id report_id at kind body key_id actor" },
	{ "inbound", 1, "id dedup link at kind report_id" },
	{ "parts", 1, "id msg_key seq total link at sealed key_id" },
	{ "outbox", 1, "id link state sealed key_id attempts next_attempt "
	    "created finished last_status why" },
	{ "users", 1, "id name pw_hash role created disabled" },
	{ "audit", 1, "id at actor action object detail prev hash "
	    "detail_hash" },
	{ "report_queues", 2, "queue report_id" },
	{ "counted", 2, "id mark epoch" },
	{ "vault", 2, "report_id sealed created shred_at shredded" },
	{ "conversations", 3, "key state key_id expires" },
};

static int
read_version(sqlite3 *h, int *version, char **cause)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*version = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
		return 0;
	}
	*cause = xasprintf("cannot read the schema version: %s",
	    sqlite3_errmsg(h));
	sqlite3_finalize(st);
	return -1;
}

/* Runs sql (several statements) and records the failure in *cause. */
static int
exec(sqlite3 *h, const char *sql, const char *what, char **cause)
{
	char *err = NULL;

	if (sqlite3_exec(h, sql, NULL, NULL, &err) == SQLITE_OK)
		return 0;
	*cause = xasprintf("%s: %s", what, err != NULL ? err :
	    sqlite3_errmsg(h));
	sqlite3_free(err);
	return -1;
}

/*
 * One step inside BEGIN IMMEDIATE: the version is read again under the
 * write lock, so two processes starting together migrate once.
 * *done is set when nothing was left to do.
 */
static int
migrate_one(sqlite3 *h, const char *const *steps, unsigned n, int *version,
    int *done, char **cause)
{
	char pragma[64], what[64];
	int v;

	if (exec(h, "BEGIN IMMEDIATE", "migration", cause) != 0)
		return -1;
	if (read_version(h, &v, cause) != 0)
		goto fail;
	if (v < 0 || (unsigned)v > n) {
		*cause = xasprintf("the database has schema version %d, newer "
		    "than this build's %u: run a newer numvert, or restore a "
		    "backup made by this version", v, n);
		goto fail;
	}
	*version = v;
	if ((*done = (unsigned)v == n))
		return exec(h, "COMMIT", "migration", cause);
	snprintf(what, sizeof what, "migration %d to %d", v, v + 1);
	/* A version number, not outside input: PRAGMA takes no parameter. */
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
	if (exec(h, steps[v], what, cause) != 0 ||
	    exec(h, pragma, what, cause) != 0 ||
	    exec(h, "COMMIT", what, cause) != 0)
		goto fail;
	*version = v + 1;
	return 0;
fail:
	sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int
db_schema_migrate(sqlite3 *h, const char *const *steps, unsigned n,
    int *version, char **cause)
{
	int done = 0;

	/* Most opens find the current version and need no write lock (the
	 * admin tool opens while numvertd writes). */
	if (read_version(h, version, cause) != 0)
		return -1;
	if (*version >= 0 && (unsigned)*version == n)
		return 0;
	while (!done) {
		if (migrate_one(h, steps, n, version, &done, cause) != 0)
			return -1;
	}
	return 0;
}

/* The table's columns, space-separated in order, or "" if it is absent. */
static int
table_cols(sqlite3 *h, const char *table, char *out, size_t size)
{
	sqlite3_stmt *st = NULL;
	size_t off = 0;
	int rc;

	out[0] = '\0';
	rc = sqlite3_prepare_v2(h, "SELECT name FROM pragma_table_info(?1) "
	    "ORDER BY cid", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(st, 0);
		int w = snprintf(out + off, size - off, "%s%s",
		    off > 0 ? " " : "", c != NULL ? c : "");

		if (w < 0 || (size_t)w >= size - off)
			break;	/* longer than any expected list: a mismatch */
		off += (size_t)w;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_OK || rc == SQLITE_ROW ? 0 : -1;
}

int
db_schema_check(sqlite3 *h, int *version, char **cause)
{
	char cols[512];

	if (read_version(h, version, cause) != 0)
		return -1;
	if (*version < 1 || *version > DB_SCHEMA_VERSION) {
		*cause = xasprintf("not a numvert database this build can use "
		    "(schema version %d; this build knows 1 to %d)", *version,
		    DB_SCHEMA_VERSION);
		return -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(expect); i++) {
		if (*version < expect[i].since)
			continue;
		if (table_cols(h, expect[i].table, cols, sizeof cols) != 0) {
			*cause = xasprintf("cannot read the schema: %s",
			    sqlite3_errmsg(h));
			return -1;
		}
		if (cols[0] == '\0') {
			*cause = xasprintf("not a numvert database: table %s "
			    "is missing", expect[i].table);
			return -1;
		}
		if (*version == DB_SCHEMA_VERSION &&
		    strcmp(cols, expect[i].cols) != 0) {
			*cause = xasprintf("not a numvert database of version "
			    "%d: table %s has columns (%s), expected (%s)",
			    *version, expect[i].table, cols, expect[i].cols);
			return -1;
		}
	}
	return 0;
}
