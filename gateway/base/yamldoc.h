/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A YAML file as a read-only tree: the only code that includes libyaml.
 * Data files people edit (the GSM-7 fallback table, the menus) are YAML;
 * their loaders walk this tree and report faults with the line number.
 */
#ifndef NV_YAMLDOC_H
#define NV_YAMLDOC_H

#include <stddef.h>

/* Largest data file read: far above any menu or table we ship. */
#define YDOC_FILE_MAX (4u * 1024u * 1024u)

struct ydoc;

/* A node of the tree; 0 is "no node". */
typedef int ynode;

enum ykind {
	Y_NONE,
	Y_SCALAR,
	Y_SEQ,
	Y_MAP,
};

/* Parses the first document of a file. NULL with *cause (caller frees)
 * naming the file, the line and the fault. */
struct ydoc *ydoc_load(const char *path, char **cause);
void ydoc_free(struct ydoc *d);

ynode ydoc_root(const struct ydoc *d);
enum ykind ydoc_kind(const struct ydoc *d, ynode n);
/* 1-based line of a node, for messages. */
unsigned ydoc_line(const struct ydoc *d, ynode n);
/* A scalar's text (NUL-terminated; *len without the NUL) or NULL. */
const char *ydoc_scalar(const struct ydoc *d, ynode n, size_t *len);
/* Items of a sequence, or pairs of a mapping. */
size_t ydoc_count(const struct ydoc *d, ynode n);
ynode ydoc_item(const struct ydoc *d, ynode seq, size_t i);
ynode ydoc_key(const struct ydoc *d, ynode map, size_t i);
ynode ydoc_value(const struct ydoc *d, ynode map, size_t i);
/* The value of a scalar key in a mapping, or 0. */
ynode ydoc_get(const struct ydoc *d, ynode map, const char *key);

#endif
