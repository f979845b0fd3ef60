/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The writer thread (db/writer.h): every job completes exactly once, in
 * order of submission, on the loop thread; groups grow under load; a
 * failing job is undone alone; a full disk fails whole groups with
 * temporary errors, logged once per second, and the store recovers when
 * room returns; completions are bounded per loop callback; dbw_free
 * drains; checkpoints run between groups; and a backup made by another
 * connection while the writer commits restores.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <event2/event.h>
#include <event2/thread.h>
#include <ftw.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/xmalloc.h"
#include "db/db.h"
#include "db/writer.h"

#define NJOBS_MAX 12000u

/* --- fixture ------------------------------------------------------------ */

struct fx {
	char *dir, *path;
	struct db *db;
	struct event_base *base;
	struct event *keepalive;	/* the loop has something to wait on */
	int logfd;
	struct logger *log;
	pthread_t loop_thread;

	/* What the jobs saw. */
	unsigned completed;
	unsigned calls[NJOBS_MAX];
	int status[NJOBS_MAX];
	unsigned order[NJOBS_MAX];
	atomic_int fn_on_loop;		/* a job ran on the loop thread */
	int done_off_loop;		/* a completion ran elsewhere */
	atomic_int temporary_seen;	/* jobs that saw a temporary error */
	sem_t started, go;		/* the blocker job's handshake */
	struct db_writer *w;
};

struct job {
	struct fx *f;
	unsigned idx;
	int fail;		/* return -1 after writing */
	size_t blob;		/* a report with a narrative this big */
	int block;		/* wait for f->go before returning */
	int cap;		/* -1: leave; 0 and up: db_set_max_pages */
};

static struct job jobs[NJOBS_MAX];

static void
noop_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
}

static int
rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int
setup(void **state)
{
	static struct fx fx;
	struct fx *f = &fx;
	struct timeval tv = { 0, 50 * 1000 };
	char *cause = NULL;

	memset(f, 0, sizeof *f);
	memset(jobs, 0, sizeof jobs);
	f->dir = xstrdup("/tmp/nvdbw-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	f->path = xasprintf("%s/w.db", f->dir);
	if (db_open(f->path, DB_SYNC_FULL, &f->db, &cause) != 0) {
		fprintf(stderr, "# %s\n", cause);
		return -1;
	}
	f->base = event_base_new();
	f->keepalive = event_new(f->base, -1, EV_PERSIST, noop_cb, NULL);
	event_add(f->keepalive, &tv);
	f->logfd = memfd_create("nvdblog", 0);
	f->log = log_new(f->logfd, LOG_DEBUG);
	f->loop_thread = pthread_self();
	sem_init(&f->started, 0, 0);
	sem_init(&f->go, 0, 0);
	*state = f;
	return 0;
}

/* dbw_free, once. */
static void
stop(struct fx *f)
{
	if (f->w != NULL)
		dbw_free(f->w);
	f->w = NULL;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	stop(f);		/* a failed assertion jumped past it */
	db_close(f->db);
	event_free(f->keepalive);
	event_base_free(f->base);
	log_free(f->log);
	close(f->logfd);
	sem_destroy(&f->started);
	sem_destroy(&f->go);
	nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f->path);
	free(f->dir);
	return 0;
}

/* Everything logged so far (caller frees). */
static char *
log_text(struct fx *f)
{
	off_t end = lseek(f->logfd, 0, SEEK_END);
	char *s = xmalloc((size_t)end + 1);

	assert_int_equal(pread(f->logfd, s, (size_t)end, 0), end);
	s[end] = '\0';
	return s;
}

/* Shows the log as TAP comments. */
static void
print_log(const char *text)
{
	for (const char *p = text, *nl; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p) - 1;
		print_message("# %.*s\n", (int)(nl - p), p);
	}
}

static unsigned
count_lines(const char *s, const char *needle)
{
	unsigned n = 0;

	for (const char *p = s; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* --- jobs --------------------------------------------------------------- */

static void
dedup_of(unsigned idx, uint8_t h[DB_HASH_LEN])
{
	memset(h, 0x11, DB_HASH_LEN);
	memcpy(h, &idx, sizeof idx);
}

static int
job_fn(struct db *db, void *arg)
{
	struct job *j = arg;
	static uint8_t big[64 * 1024];
	struct db_report r = { .category = "arms", .channel = "sms",
	    .link = "orange", .received = 1, .narrative = big,
	    .narrative_len = j->blob };
	uint8_t h[DB_HASH_LEN];
	int rc;

	if (pthread_equal(pthread_self(), j->f->loop_thread))
		atomic_store(&j->f->fn_on_loop, 1);
	if (j->block) {
		sem_post(&j->f->started);
		sem_wait(&j->f->go);
		return 0;
	}
	if (j->cap >= 0)
		return db_set_max_pages(db, (unsigned)j->cap);
	if (j->blob > 0)
		rc = db_report_add(db, &r, NULL);
	else {
		dedup_of(j->idx, h);
		rc = db_inbound_add(db, h, "orange", j->idx, "sms", 0);
	}
	if (rc != 0 && db_error_is_temporary(db))
		atomic_fetch_add(&j->f->temporary_seen, 1);
	return j->fail ? -1 : rc;
}

static void
job_done(void *arg, int status)
{
	struct job *j = arg;
	struct fx *f = j->f;

	if (!pthread_equal(pthread_self(), f->loop_thread))
		f->done_off_loop = 1;
	f->calls[j->idx]++;
	f->status[j->idx] = status;
	if (f->completed < NJOBS_MAX)
		f->order[f->completed] = j->idx;
	f->completed++;
}

static struct job *
job(struct fx *f, unsigned idx)
{
	struct job *j = &jobs[idx];

	j->f = f;
	j->idx = idx;
	j->cap = -1;
	return j;
}

static void
submit(struct fx *f, struct job *j)
{
	dbw_submit(f->w, job_fn, job_done, j);
}

/* Runs the loop until want completions ran (or 60 s went by). */
static void
run_until(struct fx *f, unsigned want)
{
	uint64_t end = clock_ms() + 60000;

	while (f->completed < want && clock_ms() < end)
		event_base_loop(f->base, EVLOOP_ONCE);
	assert_int_equal(f->completed, want);
}

/* Waits, without running the loop, until the writer handed want jobs
 * over. */
static void
wait_handed(struct fx *f, uint64_t want)
{
	uint64_t end = clock_ms() + 60000;
	struct dbw_stats st;

	do {
		dbw_stats(f->w, &st);
		if (st.jobs >= want)
			return;
		usleep(1000);
	} while (clock_ms() < end);
	fail_msg("the writer handed %llu of %llu jobs over",
	    (unsigned long long)st.jobs, (unsigned long long)want);
}

static int
seen(struct db *db, unsigned idx)
{
	uint8_t h[DB_HASH_LEN];

	dedup_of(idx, h);
	return db_inbound_seen(db, h, NULL);
}

/* --- tests ------------------------------------------------------------- */

static void
test_ten_thousand(void **state)
{
	struct fx *f = *state;
	const unsigned n = 10000;
	struct dbw_stats st;

	f->w = dbw_new(f->base, f->db, f->log, 256);
	for (unsigned i = 0; i < n; i++)
		submit(f, job(f, i));
	/* Completions run on the loop only: none ran yet. */
	assert_int_equal(dbw_pending(f->w), n);
	run_until(f, n);
	assert_int_equal(dbw_pending(f->w), 0);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(f->calls[i], 1);
		assert_int_equal(f->status[i], 0);
		assert_int_equal(f->order[i], i);
	}
	assert_false(f->done_off_loop);
	assert_false(atomic_load(&f->fn_on_loop));
	wait_handed(f, n);	/* counted just after the hand-over */
	dbw_stats(f->w, &st);
	assert_int_equal(st.jobs, n);
	assert_int_equal(st.failed_commits, 0);
	assert_true(st.largest_group > 1);
	assert_true(st.largest_group <= 256);
	assert_true(st.groups < n);
	print_message("# 10,000 jobs in %llu groups, largest %u\n",
	    (unsigned long long)st.groups, st.largest_group);
	stop(f);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(seen(f->db, i), 1);
}

/* A blocker job holds the thread while the next jobs queue, so that
 * they form one group. */
static void
hold_thread(struct fx *f, unsigned idx)
{
	struct job *b = job(f, idx);

	b->block = 1;
	submit(f, b);
	sem_wait(&f->started);
}

static void
test_failing_job_alone(void **state)
{
	struct fx *f = *state;
	struct dbw_stats st;

	f->w = dbw_new(f->base, f->db, f->log, 64);
	hold_thread(f, 0);
	for (unsigned i = 1; i <= 10; i++)
		job(f, i)->fail = i == 5;
	for (unsigned i = 1; i <= 10; i++)
		submit(f, &jobs[i]);
	sem_post(&f->go);
	run_until(f, 11);
	dbw_stats(f->w, &st);
	assert_int_equal(st.groups, 2);
	assert_int_equal(st.largest_group, 10);
	assert_int_equal(st.failed_commits, 0);
	stop(f);
	for (unsigned i = 1; i <= 10; i++) {
		assert_int_equal(f->calls[i], 1);
		assert_int_equal(f->status[i], i == 5 ? -1 : 0);
		assert_int_equal(seen(f->db, i), i == 5 ? 0 : 1);
	}
}

static void
test_max_batch_zero(void **state)
{
	struct fx *f = *state;
	struct dbw_stats st;

	f->w = dbw_new(f->base, f->db, NULL, 0);
	for (unsigned i = 0; i < 50; i++)
		submit(f, job(f, i));
	run_until(f, 50);
	dbw_stats(f->w, &st);
	assert_int_equal(st.groups, 50);
	assert_int_equal(st.largest_group, 1);
	stop(f);
}

/* A job submitted from a completion while dbw_free drains. */
static int late_ran;

static int
late_fn(struct db *db, void *arg)
{
	(void)db;
	(void)arg;
	late_ran = 1;
	return 0;
}

static void
chain_done(void *arg, int status)
{
	struct job *j = arg;

	job_done(arg, status);
	if (j->idx == 999)
		dbw_submit(j->f->w, late_fn, job_done, job(j->f, 1000));
}

static void
test_free_drains(void **state)
{
	struct fx *f = *state;

	late_ran = 0;
	f->w = dbw_new(f->base, f->db, f->log, 128);
	for (unsigned i = 0; i < 1000; i++)
		dbw_submit(f->w, job_fn, chain_done, job(f, i));
	stop(f);		/* the loop never ran */
	assert_int_equal(f->completed, 1001);
	for (unsigned i = 0; i < 1000; i++) {
		assert_int_equal(f->calls[i], 1);
		assert_int_equal(f->status[i], 0);
		assert_int_equal(f->order[i], i);
		assert_int_equal(seen(f->db, i), 1);
	}
	assert_int_equal(f->calls[1000], 1);
	assert_int_equal(f->status[1000], -1);
	assert_false(late_ran);
	assert_false(f->done_off_loop);
}

/*
 * Disk full: max_page_count is lowered by a job (the writer owns the
 * connection), big reports then fail with SQLITE_FULL and every job of
 * their groups completes with -1; one line per second is logged; after
 * a job raises the cap again, the next group commits.
 */
static void
test_disk_full_and_recovery(void **state)
{
	struct fx *f = *state;
	unsigned i = 0, first_big, after;
	struct dbw_stats st;
	char *text;

	f->w = dbw_new(f->base, f->db, f->log, 5);
	job(f, i)->cap = 1;
	submit(f, &jobs[i++]);
	run_until(f, i);
	assert_int_equal(f->status[0], 0);
	first_big = i;
	for (; i < first_big + 15; i++) {
		job(f, i)->blob = 20000;
		submit(f, &jobs[i]);
	}
	run_until(f, i);
	for (unsigned k = first_big; k < i; k++) {
		assert_int_equal(f->calls[k], 1);
		assert_int_equal(f->status[k], -1);
	}
	assert_true(atomic_load(&f->temporary_seen) >= 3);
	dbw_stats(f->w, &st);
	assert_true(st.failed_commits >= 3);

	job(f, i)->cap = 0;	/* room again */
	submit(f, &jobs[i++]);
	run_until(f, i);
	assert_int_equal(f->status[i - 1], 0);
	after = i;
	for (; i < after + 5; i++) {
		job(f, i)->blob = 20000;
		submit(f, &jobs[i]);
	}
	run_until(f, i);
	for (unsigned k = after; k < i; k++)
		assert_int_equal(f->status[k], 0);
	stop(f);

	text = log_text(f);
	print_log(text);
	/* Three or more failed groups within a second: one line. */
	assert_int_equal(count_lines(text, "event=db_commit_failed"), 1);
	assert_non_null(strstr(text, "temporary=1"));
	assert_non_null(strstr(text, "full"));
	assert_non_null(strstr(text, "jobs="));
	assert_int_equal(count_lines(text, "event=db_recovered"), 1);
	assert_non_null(strstr(text, "suppressed="));
	free(text);
}

/* At most 1,024 completions per loop iteration. */
static void
test_completions_bounded(void **state)
{
	struct fx *f = *state;
	const unsigned n = 3000;

	f->w = dbw_new(f->base, f->db, NULL, 256);
	for (unsigned i = 0; i < n; i++)
		submit(f, job(f, i));
	wait_handed(f, n);
	event_base_loop(f->base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	assert_int_equal(f->completed, 1024);
	event_base_loop(f->base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	assert_int_equal(f->completed, 2048);
	run_until(f, n);
	stop(f);
}

/* The WAL is checkpointed when the queue empties; dbw_checkpoint
 * truncates it. */
static void
test_checkpoints(void **state)
{
	struct fx *f = *state;
	char *wal = xasprintf("%s-wal", f->path);
	uint64_t end = clock_ms() + 60000;
	struct dbw_stats st;
	struct stat sb;

	f->w = dbw_new(f->base, f->db, NULL, 256);
	for (unsigned i = 0; i < 1200; i++) {
		job(f, i)->blob = 4000;
		submit(f, &jobs[i]);
	}
	run_until(f, 1200);
	do {
		dbw_stats(f->w, &st);
		if (st.checkpoints > 0)
			break;
		usleep(1000);
	} while (clock_ms() < end);
	assert_true(st.checkpoints >= 1);
	dbw_checkpoint(f->w);
	stop(f);
	assert_int_equal(stat(wal, &sb), 0);
	assert_int_equal(sb.st_size, 0);
	assert_int_equal(db_wal_pages(f->db), 0);
	free(wal);
}

/* --- a backup by another connection while the writer commits ----------- */

struct backup_run {
	const char *path, *dest;
	atomic_int done;
	int rc;
	char *cause;
};

static void *
backup_thread(void *arg)
{
	struct backup_run *b = arg;
	struct db *admin;

	if (db_open(b->path, DB_SYNC_FULL, &admin, &b->cause) == 0) {
		b->rc = db_backup(admin, b->dest, &b->cause);
		db_close(admin);
	} else {
		b->rc = -1;
	}
	atomic_store(&b->done, 1);
	return NULL;
}

static void
test_backup_while_writing(void **state)
{
	struct fx *f = *state;
	char *dest = xasprintf("%s/bk.db", f->dir);
	char *copy = xasprintf("%s/restored.db", f->dir), *cause;
	struct backup_run b = { .path = f->path, .dest = dest };
	unsigned i = 0;
	int64_t n = 0, total = 0;
	struct db *db;
	pthread_t t;

	f->w = dbw_new(f->base, f->db, f->log, 64);
	for (; i < 500; i++) {
		job(f, i)->blob = 3000;
		submit(f, &jobs[i]);
	}
	run_until(f, i);
	assert_int_equal(pthread_create(&t, NULL, backup_thread, &b), 0);
	/* Keep the writer committing until the backup is done. */
	while (!atomic_load(&b.done) && i < NJOBS_MAX - 100) {
		for (unsigned k = 0; k < 50; k++, i++) {
			job(f, i)->blob = 3000;
			submit(f, &jobs[i]);
		}
		run_until(f, i);
	}
	pthread_join(t, NULL);
	stop(f);
	if (b.rc != 0)
		fail_msg("backup: %s", b.cause);
	assert_int_equal(db_report_count(f->db, &total), 0);
	assert_int_equal(total, i);
	assert_int_equal(db_restore(copy, dest, &cause), 0);
	assert_int_equal(db_open(copy, DB_SYNC_FULL, &db, &cause), 0);
	assert_int_equal(db_report_count(db, &n), 0);
	print_message("# backup holds %lld of %lld reports\n", (long long)n,
	    (long long)total);
	assert_true(n >= 500 && n <= total);
	db_close(db);
	free(dest);
	free(copy);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ten_thousand, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_failing_job_alone, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_max_batch_zero, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_free_drains, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_disk_full_and_recovery,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_completions_bounded, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_checkpoints, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_backup_while_writing,
		    setup, teardown),
	};

	evthread_use_pthreads();
	/* prove reads TAP; an explicit CMOCKA_MESSAGE_OUTPUT still wins. */
	if (getenv("CMOCKA_MESSAGE_OUTPUT") == NULL)
		cmocka_set_message_output(CM_OUTPUT_TAP);

	return cmocka_run_group_tests_name("db_writer", tests, NULL, NULL) != 0;
}
