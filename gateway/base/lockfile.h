/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * An advisory lock beside the database: one numvertd per database, and
 * no restore under a running one. The lock goes with the process, so a
 * killed numvertd never leaves a stale one behind.
 */
#ifndef NV_LOCKFILE_H
#define NV_LOCKFILE_H

/*
 * Takes the exclusive lock on path (created mode 0600 if missing).
 * Returns the descriptor that holds it, or -1 with *cause (caller frees),
 * naming the holder's situation when another process has it.
 */
int lockfile_take(const char *path, char **cause);
void lockfile_release(int fd);

#endif
