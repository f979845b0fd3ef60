/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/secfile.h"
#include "base/xmalloc.h"

/* Keys per file: names x rotations; far above what numvertd needs. */
#define KEYS_MAX 64

/* Longest line: a name, an id and 64 hex digits, with room to spare. */
#define LINE_MAX_ 256

struct key {
	char name[24];
	uint32_t id;
	uint8_t *k;		/* CRY_KEY_LEN octets of locked memory */
};

struct keys {
	struct key k[KEYS_MAX];
	unsigned n;
};

static const char *const names[] = { KEY_STORE, KEY_DEDUP };

static int
parse_line(struct keys *ks, char *line, const char *path, unsigned lineno,
    char **cause)
{
	char name[24], hex[130];
	unsigned id;
	struct key *k;

	if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
		return 0;
	if (sscanf(line, "%23s %u %129s", name, &id, hex) != 3 ||
	    strlen(hex) != 2 * CRY_KEY_LEN || ks->n == KEYS_MAX) {
		*cause = xasprintf("%s:%u: expected NAME ID HEX (64 hex digits)",
		    path, lineno);
		return -1;
	}
	if (keys_find(ks, name, id) != NULL) {
		*cause = xasprintf("%s:%u: key %s %u given twice", path, lineno,
		    name, id);
		return -1;
	}
	k = &ks->k[ks->n];
	k->k = cry_secure_alloc(CRY_KEY_LEN);
	if (sf_unhex(hex, k->k, CRY_KEY_LEN) != 0) {
		cry_secure_free(k->k);
		*cause = xasprintf("%s:%u: the key is not hexadecimal", path,
		    lineno);
		return -1;
	}
	snprintf(k->name, sizeof k->name, "%s", name);
	k->id = id;
	ks->n++;
	return 0;
}

struct keys *
keys_load(const char *path, char **cause)
{
	struct keys *ks;
	char line[LINE_MAX_];
	unsigned lineno = 0;
	FILE *fp;
	int fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		*cause = xasprintf("%s: cannot open: %s (create one with "
		    "`numvert keygen %s`)", path, strerror(errno), path);
		return NULL;
	}
	if (sf_check_private(path, fd, "the keys that protect every report",
	    cause) != 0 ||
	    (fp = fdopen(fd, "r")) == NULL) {
		close(fd);
		return NULL;
	}
	ks = xcalloc(1, sizeof *ks);
	while (rc == 0 && fgets(line, sizeof line, fp) != NULL)
		rc = parse_line(ks, line, path, ++lineno, cause);
	cry_wipe(line, sizeof line);
	fclose(fp);
	for (size_t i = 0; rc == 0 && i < sizeof names / sizeof names[0]; i++) {
		if (keys_current(ks, names[i], NULL) == NULL) {
			*cause = xasprintf("%s: no '%s' key", path, names[i]);
			rc = -1;
		}
	}
	if (rc != 0) {
		keys_free(ks);
		return NULL;
	}
	return ks;
}

void
keys_free(struct keys *ks)
{
	if (ks == NULL)
		return;
	for (unsigned i = 0; i < ks->n; i++)
		cry_secure_free(ks->k[i].k);
	free(ks);
}

int
keys_generate(const char *path, char **cause)
{
	char line[LINE_MAX_];
	uint8_t key[CRY_KEY_LEN];
	int fd, rc = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		*cause = xasprintf("%s: %s", path, errno == EEXIST ?
		    "exists already: refusing to replace keys (the data they "
		    "sealed would be lost)" : strerror(errno));
		return -1;
	}
	snprintf(line, sizeof line, "# numvert keys: keep this file out of "
	    "backups of the database\n");
	rc |= write(fd, line, strlen(line)) != (ssize_t)strlen(line);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		size_t off;

		cry_random(key, sizeof key);
		off = (size_t)snprintf(line, sizeof line, "%s 1 ", names[i]);
		for (size_t j = 0; j < sizeof key; j++)
			off += (size_t)snprintf(line + off, sizeof line - off,
			    "%02x", key[j]);
		line[off++] = '\n';
		rc |= write(fd, line, off) != (ssize_t)off;
	}
	cry_wipe(key, sizeof key);
	cry_wipe(line, sizeof line);
	rc |= fsync(fd) != 0;
	rc |= close(fd) != 0;
	rc |= sf_sync_dir(path) != 0;
	if (rc != 0) {
		*cause = xasprintf("%s: cannot write: %s", path, strerror(errno));
		(void)unlink(path);
		return -1;
	}
	return 0;
}

const uint8_t *
keys_current(const struct keys *ks, const char *name, uint32_t *id)
{
	const struct key *best = NULL;

	for (unsigned i = 0; i < ks->n; i++)
		if (strcmp(ks->k[i].name, name) == 0 &&
		    (best == NULL || ks->k[i].id > best->id))
			best = &ks->k[i];
	if (best != NULL && id != NULL)
		*id = best->id;
	return best != NULL ? best->k : NULL;
}

const uint8_t *
keys_find(const struct keys *ks, const char *name, uint32_t id)
{
	for (unsigned i = 0; i < ks->n; i++)
		if (ks->k[i].id == id && strcmp(ks->k[i].name, name) == 0)
			return ks->k[i].k;
	return NULL;
}
