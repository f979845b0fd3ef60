/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The writer: one thread that owns the database connection and commits
 * the jobs the event loop hands it in groups. While one group is being
 * committed (its fsync takes ~0.2 ms here, 1-10 ms on ordinary disks),
 * the next jobs accumulate, so the group size follows the load without
 * any timer. Each job runs in its own savepoint: a failing job is undone
 * alone. Its completion runs back on the loop thread, after the commit
 * returned: that is where a carrier or a citizen may be answered.
 *
 * When a commit fails (disk full, database read-only, I/O error), every
 * job of the group completes with -1: the caller answers the carrier
 * with a temporary error and it retries. The next group tries again, so
 * the store recovers without a restart when space returns.
 *
 * Checkpoints (automatic ones are off, db.h) run on this thread between
 * groups: a PASSIVE one when the WAL holds 1,000 pages or more and no
 * job waits, or at 8,192 pages even under load (so the WAL stays
 * bounded), at most every 100 ms. The loop needs no timer for them.
 */
#ifndef NV_DB_WRITER_H
#define NV_DB_WRITER_H

#include <stdint.h>

#include <event2/event.h>

struct db;
struct db_writer;
struct logger;

/* Runs on the writer thread inside the group's transaction: 0, or -1 to
 * undo this job alone (any value but 0 counts as -1). */
typedef int (*dbw_job_fn)(struct db *db, void *arg);

/*
 * Runs on the loop thread once the job's fate is sealed: 0 after its
 * group committed, -1 if the job or the commit failed. Called exactly
 * once per submitted job.
 */
typedef void (*dbw_done_fn)(void *arg, int status);

/*
 * Starts the writer on db (which it then owns until dbw_free; the loop
 * must not touch db meanwhile). max_batch bounds a group (jobs; 0 is
 * read as 1). evthread_use_pthreads() must have been called before base
 * was made. log may be NULL.
 */
struct db_writer *dbw_new(struct event_base *base, struct db *db,
    struct logger *log, unsigned max_batch);

/* Queues a job. fn, done and arg stay the caller's. */
void dbw_submit(struct db_writer *w, dbw_job_fn fn, dbw_done_fn done,
    void *arg);

/* Jobs submitted and not yet completed. */
unsigned dbw_pending(const struct db_writer *w);

struct dbw_stats {
	uint64_t jobs;
	uint64_t groups;
	uint64_t failed_commits;
	unsigned largest_group;
	uint64_t checkpoints;
};
void dbw_stats(const struct db_writer *w, struct dbw_stats *out);

/*
 * Asks for a TRUNCATE checkpoint after the current group (after a
 * purge: the WAL must not keep frames of deleted rows, DESIGN 5).
 */
void dbw_checkpoint(struct db_writer *w);

/*
 * Commits what is queued, runs its completions, stops the thread. The
 * database is the caller's again afterwards. Call it from the loop
 * thread, not from a completion. A job submitted from a completion run
 * here completes with -1.
 */
void dbw_free(struct db_writer *w);

#endif
