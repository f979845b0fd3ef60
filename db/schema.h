/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The schema: migration steps and the check that a file is a numvert
 * database. Step i takes user_version i to i + 1 in one transaction,
 * so an interrupted migration leaves the file at a version it had.
 *
 * Private to db/ (the tests use it to build files at chosen versions
 * and to show that a missing step is caught).
 */
#ifndef NV_DB_SCHEMA_H
#define NV_DB_SCHEMA_H

struct sqlite3;

/* db_schema_steps[i] migrates version i to i + 1; DB_SCHEMA_VERSION of
 * them. */
extern const char *const db_schema_steps[];
extern const unsigned db_schema_nsteps;

/*
 * Applies steps[v .. n-1] to h, where v is its user_version, each in its
 * own transaction. Refuses a file whose version is above n. Returns 0
 * with the version reached in *version, or -1 with *cause (caller
 * frees).
 */
int db_schema_migrate(struct sqlite3 *h, const char *const *steps,
    unsigned n, int *version, char **cause);

/*
 * Is h a numvert database this build can open: user_version in
 * 1..DB_SCHEMA_VERSION and every table present; at DB_SCHEMA_VERSION
 * also every column, in order. Returns 0 with *version, or -1 with
 * *cause (caller frees).
 */
int db_schema_check(struct sqlite3 *h, int *version, char **cause);

#endif
