/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "yamldoc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <yaml.h>

#include "xmalloc.h"

struct ydoc {
	yaml_document_t doc;
};

static yaml_node_t *
node(const struct ydoc *d, ynode n)
{
	/* libyaml's accessor takes a non-const document but only reads. */
	return n > 0 ? yaml_document_get_node((yaml_document_t *)&d->doc, n) :
	    NULL;
}

struct ydoc *
ydoc_load(const char *path, char **cause)
{
	struct ydoc *d = NULL;
	yaml_parser_t parser;
	struct stat st;
	FILE *fp;
	int ok;

	if ((fp = fopen(path, "rb")) == NULL) {
		*cause = xasprintf("%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(fp), &st) != 0 || st.st_size > (off_t)YDOC_FILE_MAX) {
		*cause = xasprintf("%s: larger than %u octets", path,
		    YDOC_FILE_MAX);
		fclose(fp);
		return NULL;
	}
	d = xcalloc(1, sizeof *d);
	if (!yaml_parser_initialize(&parser))
		abort();	/* out of memory */
	yaml_parser_set_input_file(&parser, fp);
	ok = yaml_parser_load(&parser, &d->doc);
	if (!ok) {
		*cause = xasprintf("%s:%zu: %s", path,
		    parser.problem_mark.line + 1, parser.problem ?
		    parser.problem : "not valid YAML");
	} else if (yaml_document_get_root_node(&d->doc) == NULL) {
		*cause = xasprintf("%s: empty document", path);
		yaml_document_delete(&d->doc);
		ok = 0;
	}
	yaml_parser_delete(&parser);
	fclose(fp);
	if (!ok) {
		free(d);
		return NULL;
	}
	return d;
}

void
ydoc_free(struct ydoc *d)
{
	if (d == NULL)
		return;
	yaml_document_delete(&d->doc);
	free(d);
}

ynode
ydoc_root(const struct ydoc *d)
{
	return d->doc.nodes.start < d->doc.nodes.top ? 1 : 0;
}

enum ykind
ydoc_kind(const struct ydoc *d, ynode n)
{
	yaml_node_t *y = node(d, n);

	if (y == NULL)
		return Y_NONE;
	switch (y->type) {
	case YAML_SCALAR_NODE:
		return Y_SCALAR;
	case YAML_SEQUENCE_NODE:
		return Y_SEQ;
	case YAML_MAPPING_NODE:
		return Y_MAP;
	default:
		return Y_NONE;
	}
}

unsigned
ydoc_line(const struct ydoc *d, ynode n)
{
	yaml_node_t *y = node(d, n);

	return y != NULL ? (unsigned)y->start_mark.line + 1 : 0;
}

const char *
ydoc_scalar(const struct ydoc *d, ynode n, size_t *len)
{
	yaml_node_t *y = node(d, n);

	if (y == NULL || y->type != YAML_SCALAR_NODE)
		return NULL;
	if (len != NULL)
		*len = y->data.scalar.length;
	/* libyaml keeps every scalar NUL-terminated. */
	return (const char *)y->data.scalar.value;
}

size_t
ydoc_count(const struct ydoc *d, ynode n)
{
	yaml_node_t *y = node(d, n);

	if (y == NULL)
		return 0;
	if (y->type == YAML_SEQUENCE_NODE)
		return (size_t)(y->data.sequence.items.top -
		    y->data.sequence.items.start);
	if (y->type == YAML_MAPPING_NODE)
		return (size_t)(y->data.mapping.pairs.top -
		    y->data.mapping.pairs.start);
	return 0;
}

ynode
ydoc_item(const struct ydoc *d, ynode seq, size_t i)
{
	yaml_node_t *y = node(d, seq);

	if (y == NULL || y->type != YAML_SEQUENCE_NODE || i >= ydoc_count(d, seq))
		return 0;
	return y->data.sequence.items.start[i];
}

static yaml_node_pair_t *
pair(const struct ydoc *d, ynode map, size_t i)
{
	yaml_node_t *y = node(d, map);

	if (y == NULL || y->type != YAML_MAPPING_NODE || i >= ydoc_count(d, map))
		return NULL;
	return &y->data.mapping.pairs.start[i];
}

ynode
ydoc_key(const struct ydoc *d, ynode map, size_t i)
{
	yaml_node_pair_t *p = pair(d, map, i);

	return p != NULL ? p->key : 0;
}

ynode
ydoc_value(const struct ydoc *d, ynode map, size_t i)
{
	yaml_node_pair_t *p = pair(d, map, i);

	return p != NULL ? p->value : 0;
}

ynode
ydoc_get(const struct ydoc *d, ynode map, const char *key)
{
	size_t n = ydoc_count(d, map);

	for (size_t i = 0; i < n; i++) {
		const char *k = ydoc_scalar(d, ydoc_key(d, map, i), NULL);

		if (k != NULL && strcmp(k, key) == 0)
			return ydoc_value(d, map, i);
	}
	return 0;
}
