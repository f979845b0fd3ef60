/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What every file holding a secret needs, in one place: the check that
 * only this account can read it, hex keys read back, and directory
 * syncs that make a rename durable. Used by the key file
 * (routing/keys.c), the pseudonym epoch file (routing/pseudo.c) and the
 * backup (db/backup.c).
 */
#ifndef NV_SECFILE_H
#define NV_SECFILE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Refuses fd (opened from path) unless it is a regular file owned by this
 * account with no permission for group or others. The message names the
 * file and ends with why it matters: guards, e.g. "the keys that protect
 * every report". Returns 0, or -1 with *cause (caller frees).
 */
int sf_check_private(const char *path, int fd, const char *guards,
    char **cause);

/* Reads exactly 2n hex digits (either case) then the end of s into out.
 * Returns 0, or -1 (out partly written: the caller wipes it). */
int sf_unhex(const char *s, uint8_t *out, size_t n);

/* fsyncs the directory that holds path. Returns 0, or -1 with errno. */
int sf_sync_dir(const char *path);

#endif
