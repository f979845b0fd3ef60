/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The writer thread (see writer.h).
 *
 * Two lists under one mutex: the queue (submitted, not yet taken) and
 * the done list (fate sealed, completion not yet run). A job is on
 * exactly one of them, or in the thread's current group, or being
 * completed on the loop, and is freed right after its completion runs:
 * so it completes once. The thread holds the mutex only to move list
 * heads, never across database work, so dbw_submit never waits for a
 * commit.
 *
 * The loop learns of completions through one event of its base, made
 * active by the thread when the done list goes from empty to non-empty
 * (event_active is safe from another thread once evthread_use_pthreads
 * ran). The callback runs at most DBW_DONE_PER_CB completions; if more
 * wait, it re-arms itself with a zero timeout rather than event_active:
 * an event activated from its own callback runs again in the same pass
 * of libevent's active queue, before any socket is polled, while a
 * timer fires on the next iteration, after the poll. So a burst of
 * completions cannot starve the loop's network events.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/xmalloc.h"
#include "db/db.h"
#include "db/writer.h"

/* Completions per loop callback before yielding to other events. */
#define DBW_DONE_PER_CB 1024u

/* At most one failure line per interval; the rest are counted. */
#define DBW_LOG_EVERY_MS 1000u

/* Checkpoint policy (writer.h): WAL pages for an idle checkpoint, for
 * one even under load (32 MiB at 4 KiB pages), and the least interval
 * between attempts (a reader may keep a checkpoint from finishing). */
#define DBW_CKPT_IDLE_PAGES 1000u
#define DBW_CKPT_FORCE_PAGES 8192u
#define DBW_CKPT_MIN_MS 100u

struct dbw_job {
	struct dbw_job *next;
	dbw_job_fn fn;
	dbw_done_fn done;
	void *arg;
	int status;
};

struct jobq {
	struct dbw_job *head, **tail;
	unsigned n;
};

/* A log line at most every DBW_LOG_EVERY_MS, counting the others. */
struct ratelog {
	uint64_t last_ms;
	uint64_t suppressed;
	int any;
};

struct db_writer {
	struct db *db;
	struct logger *log;
	unsigned max_batch;
	struct event *ev;		/* runs completions on the loop */
	pthread_t thread;

	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct jobq queue;		/* under mu */
	struct jobq done;		/* under mu */
	int stopping;			/* under mu */
	int truncate;			/* under mu: dbw_checkpoint asked */

	atomic_uint pending;		/* submitted, completion not yet run */

	/* The thread's own. */
	struct ratelog fail_log, ckpt_log;
	uint64_t fail_streak;		/* failed groups since the last good */
	uint64_t last_ckpt_ms;
	char err[256];			/* the first temporary job error */

	/* Written by the thread, read by dbw_stats. */
	atomic_uint_fast64_t jobs, groups, failed_commits, checkpoints;
	atomic_uint largest_group;
};

/* --- lists --------------------------------------------------------- */

static void
q_init(struct jobq *q)
{
	q->head = NULL;
	q->tail = &q->head;
	q->n = 0;
}

static void
q_push(struct jobq *q, struct dbw_job *j)
{
	j->next = NULL;
	*q->tail = j;
	q->tail = &j->next;
	q->n++;
}

/* Moves the first max jobs of from (all if fewer) to the empty to. */
static void
q_take(struct jobq *from, struct jobq *to, unsigned max)
{
	q_init(to);
	while (from->head != NULL && to->n < max) {
		struct dbw_job *j = from->head;

		from->head = j->next;
		from->n--;
		q_push(to, j);
	}
	if (from->head == NULL)
		q_init(from);
}

/* Appends all of src to dst; src is left empty. */
static void
q_append(struct jobq *dst, struct jobq *src)
{
	if (src->head == NULL)
		return;
	*dst->tail = src->head;
	dst->tail = src->tail;
	dst->n += src->n;
	q_init(src);
}

/* --- logging (writer thread) --------------------------------------- */

static int
ratelog_pass(struct ratelog *rl, uint64_t *suppressed)
{
	uint64_t now = clock_ms();

	if (rl->any && now - rl->last_ms < DBW_LOG_EVERY_MS) {
		rl->suppressed++;
		return 0;
	}
	rl->any = 1;
	rl->last_ms = now;
	*suppressed = rl->suppressed;
	rl->suppressed = 0;
	return 1;
}

/* event=db_commit_failed (the group is lost) or db_job_failed (jobs
 * failed with a temporary error: the store is in trouble). */
static void
log_failure(struct db_writer *w, const char *event, const char *err,
    int temporary, unsigned jobs)
{
	char q[LOG_QBUF];
	uint64_t suppressed;

	if (!ratelog_pass(&w->fail_log, &suppressed))
		return;
	log_msg(w->log, LOG_ERROR, NULL, event,
	    "error=%s temporary=%d jobs=%u suppressed=%" PRIu64,
	    log_qs(q, sizeof q, err), temporary, jobs, suppressed);
}

static void
note_outcome(struct db_writer *w, int failed)
{
	if (failed) {
		w->fail_streak++;
		return;
	}
	if (w->fail_streak == 0)
		return;
	log_msg(w->log, LOG_INFO, NULL, "db_recovered",
	    "failed_groups=%" PRIu64 " suppressed=%" PRIu64, w->fail_streak,
	    w->fail_log.suppressed);
	w->fail_streak = 0;
	w->fail_log.suppressed = 0;
	w->fail_log.any = 0;	/* the next failure is reported at once */
}

/* --- the group (writer thread) ------------------------------------- */

static void
fail_all(struct jobq *g)
{
	for (struct dbw_job *j = g->head; j != NULL; j = j->next)
		j->status = -1;
}

/*
 * Runs one job in its own savepoint. Returns 1 if it failed with a
 * temporary error (its text kept in w->err for the first one).
 */
static int
run_job(struct db_writer *w, struct dbw_job *j, unsigned *temp)
{
	struct db *db = w->db;

	db_error_clear(db);
	if (db_savepoint(db) == 0) {
		if (j->fn(db, j->arg) == 0 && db_release(db) == 0) {
			j->status = 0;
			return 0;
		}
	}
	j->status = -1;
	if (db_error_is_temporary(db) && (*temp)++ == 0)
		snprintf(w->err, sizeof w->err, "%s", db_error(db));
	db_rollback_savepoint(db);
	return -1;
}

static void
run_group(struct db_writer *w, struct jobq *g)
{
	struct db *db = w->db;
	unsigned temp = 0;
	int failed = 0;

	if (db_begin(db) != 0) {
		failed = 1;
	} else {
		for (struct dbw_job *j = g->head; j != NULL; j = j->next)
			(void)run_job(w, j, &temp);
		failed = db_commit(db) != 0;
	}
	if (failed) {
		log_failure(w, "db_commit_failed", db_error(db),
		    db_error_is_temporary(db), g->n);
		db_rollback(db);
		fail_all(g);
		atomic_fetch_add(&w->failed_commits, 1);
	} else if (temp > 0) {
		log_failure(w, "db_job_failed", w->err, 1, temp);
	}
	note_outcome(w, failed || temp > 0);
	atomic_fetch_add(&w->groups, 1);
	if (g->n > atomic_load(&w->largest_group))
		atomic_store(&w->largest_group, g->n);
}

/* Hands a finished group to the loop. */
static void
complete(struct db_writer *w, struct jobq *g)
{
	int wake;

	pthread_mutex_lock(&w->mu);
	wake = w->done.head == NULL;
	q_append(&w->done, g);
	pthread_mutex_unlock(&w->mu);
	if (wake)
		event_active(w->ev, 0, 0);
}

/* The policy of writer.h; truncate: dbw_checkpoint asked for one. */
static void
maybe_checkpoint(struct db_writer *w, int truncate)
{
	unsigned pages = db_wal_pages(w->db);
	uint64_t now = clock_ms(), suppressed;
	char q[LOG_QBUF];
	int idle;

	if (!truncate) {
		if (pages < DBW_CKPT_IDLE_PAGES ||
		    now - w->last_ckpt_ms < DBW_CKPT_MIN_MS)
			return;
		pthread_mutex_lock(&w->mu);
		idle = w->queue.head == NULL;
		pthread_mutex_unlock(&w->mu);
		if (!idle && pages < DBW_CKPT_FORCE_PAGES)
			return;
	}
	w->last_ckpt_ms = now;
	if (db_checkpoint(w->db, truncate ? DB_CKPT_TRUNCATE :
	    DB_CKPT_PASSIVE) == 0) {
		atomic_fetch_add(&w->checkpoints, 1);
		return;
	}
	if (ratelog_pass(&w->ckpt_log, &suppressed))
		log_msg(w->log, LOG_WARN, NULL, "db_checkpoint_failed",
		    "error=%s pages=%u suppressed=%" PRIu64,
		    log_qs(q, sizeof q, db_error(w->db)), pages, suppressed);
}

static void *
writer_main(void *arg)
{
	struct db_writer *w = arg;
	struct jobq g;
	int truncate, stop;

	for (;;) {
		pthread_mutex_lock(&w->mu);
		while (w->queue.head == NULL && !w->stopping && !w->truncate)
			pthread_cond_wait(&w->cv, &w->mu);
		q_take(&w->queue, &g, w->max_batch);
		truncate = w->truncate;
		w->truncate = 0;
		stop = w->stopping && g.head == NULL;
		pthread_mutex_unlock(&w->mu);
		if (g.head != NULL) {
			unsigned n = g.n;

			run_group(w, &g);
			complete(w, &g);
			/* Counted once handed over: a reader of dbw_stats
			 * knows their completions are on the done list. */
			atomic_fetch_add(&w->jobs, n);
		}
		maybe_checkpoint(w, truncate);
		if (stop)
			return NULL;
	}
}

/* --- the loop's side ----------------------------------------------- */

/* Runs the completions of list, in order, and frees the jobs. */
static void
run_done(struct db_writer *w, struct dbw_job *list)
{
	while (list != NULL) {
		struct dbw_job *j = list;

		list = j->next;
		atomic_fetch_sub(&w->pending, 1);
		j->done(j->arg, j->status);
		free(j);
	}
}

static void
done_cb(evutil_socket_t fd, short what, void *arg)
{
	static const struct timeval now = { 0, 0 };
	struct db_writer *w = arg;
	struct jobq batch;
	int more;

	(void)fd;
	(void)what;
	pthread_mutex_lock(&w->mu);
	q_take(&w->done, &batch, DBW_DONE_PER_CB);
	more = w->done.head != NULL;
	pthread_mutex_unlock(&w->mu);
	run_done(w, batch.head);
	if (more)
		event_add(w->ev, &now);		/* after the next poll */
}

struct db_writer *
dbw_new(struct event_base *base, struct db *db, struct logger *log,
    unsigned max_batch)
{
	struct db_writer *w = xcalloc(1, sizeof *w);

	w->db = db;
	w->log = log;
	w->max_batch = max_batch > 0 ? max_batch : 1;
	q_init(&w->queue);
	q_init(&w->done);
	atomic_init(&w->pending, 0);
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	/* Like xmalloc: nothing useful can be done without these. */
	if ((w->ev = event_new(base, -1, 0, done_cb, w)) == NULL ||
	    pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		fprintf(stderr, "numvert: cannot start the database writer\n");
		abort();
	}
	return w;
}

void
dbw_submit(struct db_writer *w, dbw_job_fn fn, dbw_done_fn done, void *arg)
{
	struct dbw_job *j = xmalloc(sizeof *j);

	j->fn = fn;
	j->done = done;
	j->arg = arg;
	j->status = -1;
	atomic_fetch_add(&w->pending, 1);
	pthread_mutex_lock(&w->mu);
	/* Once stopping, a job is not run: it completes with -1 in the
	 * drain of dbw_free. */
	q_push(w->stopping ? &w->done : &w->queue, j);
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

unsigned
dbw_pending(const struct db_writer *w)
{
	return atomic_load(&w->pending);
}

void
dbw_stats(const struct db_writer *w, struct dbw_stats *out)
{
	memset(out, 0, sizeof *out);
	out->jobs = atomic_load(&w->jobs);
	out->groups = atomic_load(&w->groups);
	out->failed_commits = atomic_load(&w->failed_commits);
	out->largest_group = atomic_load(&w->largest_group);
	out->checkpoints = atomic_load(&w->checkpoints);
}

void
dbw_checkpoint(struct db_writer *w)
{
	pthread_mutex_lock(&w->mu);
	w->truncate = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void
dbw_free(struct db_writer *w)
{
	struct jobq all;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	/* Completions may submit more jobs: those land on the done list
	 * (stopping) and are completed here too. */
	for (;;) {
		pthread_mutex_lock(&w->mu);
		q_take(&w->done, &all, UINT32_MAX);
		pthread_mutex_unlock(&w->mu);
		if (all.head == NULL)
			break;
		run_done(w, all.head);
	}
	event_free(w->ev);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w);
}
