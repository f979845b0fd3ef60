/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * nvdump DB KEYFILE: what the crash and privacy tests check, read the
 * way numvertd reads it. One line per report (its narrative opened with
 * the key file, non-printable octets as \xNN), then the outbox counts:
 *
 *   report ID CHANNEL INCOMPLETE NARRATIVE
 *   route ID region=R cercle=C commune=M queues=Q1,Q2 urgent=N counted=N
 *         flags=F category=K axis=A      (one line, "-" for none)
 *   mt ID queued attempts=N next_attempt=UNIXTIME status=0xNN
 *   outbox queued|done|failed N
 *
 * (one "mt" line per message still queued).
 *
 * Exit status 1 if a narrative does not open.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "routing/crypto.h"
#include "routing/keys.h"
#include "store.h"

struct dump {
	const struct keys *ks;
	struct db *db;
	int bad;
};

static void
queue_one(void *arg, const char *q)
{
	char *list = arg;
	size_t n = strlen(list);

	snprintf(list + n, 256 - n, "%s%s", n > 0 ? "," : "", q);
}

#define DASH(s) ((s) != NULL && (s)[0] != '\0' ? (s) : "-")

static void
route_line(struct dump *d, const struct db_report *r)
{
	char list[256] = "";

	if (db_report_queues(d->db, r->id, queue_one, list) < 0)
		d->bad++;
	printf("route %" PRId64 " region=%s cercle=%s commune=%s queues=%s "
	    "urgent=%d counted=%d flags=%s category=%s axis=%s\n", r->id,
	    DASH(r->region), DASH(r->cercle), DASH(r->commune), DASH(list),
	    r->urgent, r->counted, DASH(r->flags), DASH(r->category),
	    DASH(r->axis));
}

static void
print_escaped(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == '\\')
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

static void
one(void *arg, const struct db_report *r)
{
	struct dump *d = arg;
	char *text;
	size_t len;

	if (store_open_narrative(d->ks, r->id, r->narrative, r->narrative_len,
	    r->key_id, &text, &len) != 0) {
		printf("report %" PRId64 " %s %d <does not open>\n", r->id,
		    r->channel, r->incomplete);
		d->bad++;
		route_line(d, r);
		return;
	}
	printf("report %" PRId64 " %s %d ", r->id, r->channel, r->incomplete);
	print_escaped(text, len);
	putchar('\n');
	route_line(d, r);
	cry_wipe(text, len);
	free(text);
}

static void
queued(void *arg, const struct db_mt *m)
{
	(void)arg;
	printf("mt %" PRId64 " queued attempts=%u next_attempt=%" PRId64
	    " status=0x%x\n", m->id, m->attempts, m->next_attempt,
	    m->last_status);
}

int
main(int argc, char **argv)
{
	static const char *const state[] = { "queued", "done", "failed" };
	struct dump d = { NULL, NULL, 0 };
	struct keys *ks;
	struct db *db;
	char *cause = NULL;
	int64_t n;

	if (argc != 3) {
		fprintf(stderr, "usage: nvdump DB KEYFILE\n");
		return 2;
	}
	if (cry_init() != 0 || (ks = keys_load(argv[2], &cause)) == NULL ||
	    db_open(argv[1], DB_SYNC_FULL, &db, &cause) != 0) {
		fprintf(stderr, "nvdump: %s\n", cause ? cause : "libsodium");
		return 2;
	}
	d.ks = ks;
	d.db = db;
	if (db_report_each(db, one, &d) != 0)
		d.bad++;
	if (db_mt_each_queued(db, queued, NULL) != 0)
		d.bad++;
	for (int s = DB_MT_QUEUED; s <= DB_MT_FAILED; s++)
		if (db_mt_count(db, (enum db_mt_state)s, &n) == 0)
			printf("outbox %s %" PRId64 "\n", state[s], n);
	db_close(db);
	keys_free(ks);
	return d.bad ? 1 : 0;
}
