/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for routing/fold and routing/geo (make
 * build/fuzz/fuzz_geo).
 *
 * The first octet picks the mode. Even: the rest is an SMS; it is folded
 * (the result must be no longer than the input, lower-case ASCII words
 * or untouched non-ASCII, single spaces, none at either end) and matched
 * against a small built-in geography (a match must name one of its
 * regions). Odd: the rest is a geography file, which geo_load must load
 * or refuse with a message naming the file, never crash on; every id
 * of a loaded file finds its place. Seeds
 * (tests/fuzz/corpus/fuzz_geo/seed-*) were written by hand.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "routing/fold.h"
#include "routing/geo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char geo_yaml[] =
    "name: fuzz\nstatus: draft\n"
    "text_qualified: [San]\ntext_qualifiers: [vers]\n"
    "text_connectors: [de]\n"
    "regions:\n"
    "  - {id: gao, name: Gao, zone: nord}\n"
    "  - {id: segou, name: S\xc3\xa9gou, zone: centre, aliases: [Segu]}\n"
    "cercles:\n"
    "  - {id: gao.ansongo, region: gao, name: Ansongo}\n"
    "  - {id: gao.gao, region: gao, name: Gao}\n"
    "  - {id: segou.san, region: segou, name: San}\n"
    "communes:\n"
    "  - {id: gao.ansongo.tessit, region: gao, cercle: gao.ansongo, "
    "name: Tessit}\n"
    "  - {id: gao.ntahaka, region: gao, name: \"N'Tahaka\"}\n";

static struct geo *geo;

static char *
write_temp(const void *p, size_t n)
{
	char *path = strdup("/tmp/nv-fuzz-geo-XXXXXX");
	int fd = path != NULL ? mkstemp(path) : -1;

	if (fd < 0 || write(fd, p, n) != (ssize_t)n)
		abort();
	close(fd);
	return path;
}

static void
check_fold(const char *s, size_t len)
{
	char *out = malloc(len + 1);
	size_t n = fold_text(s, len, out, len + 1);

	if (n > len || strlen(out) != n || (n > 0 && (out[0] == ' ' ||
	    out[n - 1] == ' ')) || strstr(out, "  ") != NULL)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)out[i] < 0x80 && !(out[i] == ' ' ||
		    (out[i] >= 'a' && out[i] <= 'z') ||
		    (out[i] >= '0' && out[i] <= '9')))
			abort();
	free(out);
}

static void
text_mode(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct geo_match m;

	memcpy(s, data, size);
	s[size] = '\0';
	check_fold(s, size);
	/* A match names a place or, with no place, a road axis. */
	if (geo_match_text(geo, s, &m) == 0 && (m.region == NULL ?
	    m.axis == NULL : strcmp(m.region, "gao") != 0 &&
	    strcmp(m.region, "segou") != 0))
		abort();
	free(s);
}

static void
file_mode(const uint8_t *data, size_t size)
{
	char *path = write_temp(data, size), *cause = NULL;
	struct geo *g = geo_load(path, &cause);

	if (g == NULL && (cause == NULL || strstr(cause, path) == NULL))
		abort();
	if (g != NULL) {
		struct geo_place p;
		struct geo_match m;

		for (unsigned i = 0; geo_at(g, GEO_COMMUNE, i, &p) == 0; i++)
			if (geo_find(g, p.id, &p) != 0 || p.level != GEO_COMMUNE)
				abort();	/* every id finds its place */
		geo_match_text(g, "Gao Ansongo San vers San", &m);
	}
	geo_free(g);
	free(cause);
	unlink(path);
	free(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (geo == NULL) {
		char *path = write_temp(geo_yaml, sizeof geo_yaml - 1);
		char *cause = NULL;

		geo = geo_load(path, &cause);
		unlink(path);
		free(path);
		if (geo == NULL)
			abort();
	}
	if (size < 1)
		return 0;
	if (data[0] & 1)
		file_mode(data + 1, size - 1);
	else
		text_mode(data + 1, size - 1);
	return 0;
}
