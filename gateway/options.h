/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The table of every numvertd option: name, type, bounds, default,
 * help. It drives parsing and validation (config.c) and the annotated
 * example file; adding an option means adding a line here and a field
 * to struct cfg or struct cfg_link.
 */
#ifndef NV_OPTIONS_H
#define NV_OPTIONS_H

#include <stddef.h>

enum otype {
	T_STR,		/* text up to size - 1 octets */
	T_SECRET,	/* like T_STR, never repeated in messages */
	T_UINT,
	T_MS,		/* duration: 30s, 500ms, 2m, 1h; plain = seconds */
	T_ENUM,		/* one of enums, stored as its index */
	T_LEVEL,
	T_PROFILE,
	T_LISTEN,	/* host:port, port 0 = any free port */
	T_NETS,		/* address[/prefix], ... */
	T_CODES,	/* short codes: digits * # +, ... */
};

enum {
	SEC_MAIN,	/* [numvertd] */
	SEC_LINK,	/* [link NAME] */
};

/* Options that apply to one link mode only. */
enum { ANY, CLIENT, SERVER };

struct opt {
	int section;
	const char *name;
	enum otype type;
	size_t off;
	size_t size;		/* T_STR, T_SECRET: buffer size */
	unsigned min, max;
	const char *enums;	/* T_ENUM: "a|b|c" */
	int mode;		/* ANY, CLIENT or SERVER */
	const char *def;	/* NULL: required in its mode */
	const char *example;	/* value in the example file */
	const char *help;
};

extern const struct opt opts[];
extern const size_t nopts;

#endif
