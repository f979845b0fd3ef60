/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pseudo.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/limits.h"
#include "base/secfile.h"
#include "base/xmalloc.h"
#include "crypto.h"

/*
 * Domain separation: the same key must never give the same hash as any
 * other keyed hash numvert computes, should it ever be shared.
 */
#define PSEUDO_CONTEXT "numvert pseudonym v1"

/* "pseudonym" START LEN HEX64 "\n", with room for long numbers. */
#define PSEUDO_FILE_MAX 160

struct pseudo {
	char *path;
	int64_t len;		/* epoch length, seconds */
	int64_t start;		/* current epoch start, Unix seconds */
	uint8_t *key;		/* CRY_KEY_LEN octets of locked memory */
};

static int64_t
epoch_start(int64_t now, int64_t len)
{
	return now - now % len;	/* now >= 0: checked by the callers */
}

/*
 * Reads the key file. Returns 1 with *start, *len and key filled, 0 if
 * there is no file, -1 with *cause if it cannot be used.
 */
static int
read_file(const char *path, int64_t *start, int64_t *len, uint8_t *key,
    char **cause)
{
	char buf[PSEUDO_FILE_MAX + 1], hex[2 * CRY_KEY_LEN + 2];
	long long st, ln;
	int fd, used = 0, rc = -1;
	ssize_t n;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno == ELOOP) {
			*cause = xasprintf("%s: a symbolic link; give the real "
			    "path (the file is replaced by rename)", path);
			return -1;
		}
		*cause = xasprintf("%s: cannot open: %s", path,
		    strerror(errno));
		return -1;
	}
	if (sf_check_private(path, fd, "the key that hides who sent each "
	    "report", cause) != 0)
		goto out;
	n = read(fd, buf, sizeof buf - 1);
	if (n < 0) {
		*cause = xasprintf("%s: cannot read: %s", path,
		    strerror(errno));
		goto out;
	}
	buf[n] = '\0';
	if (n == (ssize_t)sizeof buf - 1 || sscanf(buf,
	    "pseudonym %lld %lld %65s%n", &st, &ln, hex, &used) != 3 ||
	    strlen(hex) != 2 * CRY_KEY_LEN || buf[used] != '\n' ||
	    buf[used + 1] != '\0' || st < 0 || ln <= 0 ||
	    sf_unhex(hex, key, CRY_KEY_LEN) != 0) {
		/* Maybe another key file given by mistake: never replace it. */
		*cause = xasprintf("%s: not a pseudonym key file (expected one "
		    "line: pseudonym EPOCH_START EPOCH_LEN HEX64); refusing "
		    "to use or replace it", path);
		goto out;
	}
	*start = st;
	*len = ln;
	rc = 1;
out:
	cry_wipe(buf, sizeof buf);
	cry_wipe(hex, sizeof hex);
	close(fd);
	return rc;
}

/*
 * Best effort at destroying the old key on disk too: after the rename,
 * the old file (held open in fd) is overwritten and synced before its
 * blocks are freed. A journal, a copy-on-write file system or an SSD
 * may still keep a copy: hence full-disk encryption (docs/privacy.md).
 */
static void
shred_fd(int fd)
{
	char zero[PSEUDO_FILE_MAX];
	struct stat st;

	if (fd < 0 || fstat(fd, &st) != 0)
		return;
	memset(zero, 0, sizeof zero);
	for (off_t off = 0; off < st.st_size; off += (off_t)sizeof zero)
		if (pwrite(fd, zero, sizeof zero, off) < 0)
			break;
	(void)fsync(fd);
}

/*
 * Writes key for the epoch at start into path: a temporary file 0600,
 * fsync, rename over the old one, fsync of the directory, then the old
 * file's content overwritten. Returns 0 or -1 with *cause.
 */
static int
write_file(const char *path, int64_t start, int64_t len, const uint8_t *key,
    char **cause)
{
	char buf[PSEUDO_FILE_MAX], *tmp = xasprintf("%s.tmp", path);
	int fd = -1, old = -1, rc = -1;
	size_t off;

	off = (size_t)snprintf(buf, sizeof buf, "pseudonym %" PRId64 " %"
	    PRId64 " ", start, len);
	for (size_t i = 0; i < CRY_KEY_LEN; i++)
		off += (size_t)snprintf(buf + off, sizeof buf - off, "%02x",
		    key[i]);
	buf[off++] = '\n';
	/* A temporary file left by a crash may hold a key: it goes. */
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0 || write(fd, buf, off) != (ssize_t)off || fsync(fd) != 0) {
		*cause = xasprintf("%s: cannot write: %s", tmp,
		    strerror(errno));
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		*cause = xasprintf("%s: cannot write: %s", tmp,
		    strerror(errno));
		goto fail;
	}
	fd = -1;
	old = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (rename(tmp, path) != 0) {
		*cause = xasprintf("%s: cannot replace: %s", path,
		    strerror(errno));
		goto fail;
	}
	/*
	 * The new key is in place and in use from here. If the directory
	 * cannot be synced, a crash may bring the old name back: the old
	 * file is then left intact, so that numvertd can still start (it
	 * finds an old epoch and makes a new key).
	 */
	if (sf_sync_dir(path) == 0)
		shred_fd(old);
	rc = 0;
fail:
	if (rc != 0 && fd >= 0)
		close(fd);
	if (rc != 0)
		(void)unlink(tmp);
	if (old >= 0)
		close(old);
	cry_wipe(buf, sizeof buf);
	free(tmp);
	return rc;
}

static int
check_args(int64_t len, int64_t now, char **cause)
{
	if (len < NV_PSEUDO_EPOCH_MIN_S || len > NV_PSEUDO_EPOCH_MAX_S) {
		*cause = xasprintf("pseudonym epoch of %" PRId64 " s: must be "
		    "%d..%d s (a day to a quarter)", len, NV_PSEUDO_EPOCH_MIN_S,
		    NV_PSEUDO_EPOCH_MAX_S);
		return -1;
	}
	if (now < 0) {
		*cause = xasprintf("time %" PRId64 " is before 1970", now);
		return -1;
	}
	return 0;
}

struct pseudo *
pseudo_open(const char *path, int64_t epoch_len_s, int64_t now, char **cause)
{
	struct pseudo *p;
	int64_t fstart = 0, flen = 0;
	int got;

	if (check_args(epoch_len_s, now, cause) != 0)
		return NULL;
	p = xcalloc(1, sizeof *p);
	p->path = xstrdup(path);
	p->len = epoch_len_s;
	p->key = cry_secure_alloc(CRY_KEY_LEN);
	got = read_file(path, &fstart, &flen, p->key, cause);
	if (got < 0)
		goto fail;
	if (got == 1 && flen == epoch_len_s &&
	    fstart == epoch_start(now, epoch_len_s)) {
		p->start = fstart;
		return p;
	}
	/* No file, or another epoch's key: a new one replaces it. */
	p->start = epoch_start(now, epoch_len_s);
	cry_random(p->key, CRY_KEY_LEN);
	if (write_file(path, p->start, p->len, p->key, cause) != 0)
		goto fail;
	return p;
fail:
	pseudo_free(p);
	return NULL;
}

void
pseudo_free(struct pseudo *p)
{
	if (p == NULL)
		return;
	cry_secure_free(p->key);	/* wipes it */
	free(p->path);
	free(p);
}

int
pseudo_rotate(struct pseudo *p, int64_t now, char **cause)
{
	uint8_t *key;
	int64_t start;

	if (check_args(p->len, now, cause) != 0)
		return -1;
	start = epoch_start(now, p->len);
	if (start == p->start)
		return 0;
	key = cry_secure_alloc(CRY_KEY_LEN);
	cry_random(key, CRY_KEY_LEN);
	if (write_file(p->path, start, p->len, key, cause) != 0) {
		cry_secure_free(key);
		return -1;
	}
	cry_secure_free(p->key);
	p->key = key;
	p->start = start;
	return 0;
}

int64_t
pseudo_epoch_end(const struct pseudo *p)
{
	return p->start + p->len;
}

void
pseudo_of(const struct pseudo *p, const char *e164, uint8_t out[PSEUDO_LEN])
{
	struct cry_hash h;
	uint8_t full[CRY_HASH_LEN];

	if (e164[0] == '+')
		e164++;
	cry_hash_init(&h, p->key, PSEUDO_CONTEXT);
	cry_hash_field(&h, e164, strlen(e164));
	cry_hash_final(&h, full);	/* wipes h */
	memcpy(out, full, PSEUDO_LEN);
	cry_wipe(full, sizeof full);
}

const char *
pseudo_str(const uint8_t pn[PSEUDO_LEN], char out[PSEUDO_STR])
{
	static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
	size_t o = 0;

	out[o++] = 'p';
	out[o++] = '-';
	/* 15 octets = 120 bits = 24 groups of 5 bits. */
	for (size_t i = 0; i < 15; i += 5) {
		uint64_t v = 0;

		for (size_t k = 0; k < 5; k++)
			v = v << 8 | pn[i + k];
		for (int s = 35; s >= 0; s -= 5)
			out[o++] = b32[(v >> s) & 31];
	}
	out[o] = '\0';
	return out;
}
