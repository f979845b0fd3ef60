/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Allocation wrappers. A daemon cannot do anything useful after running
 * out of memory, so these abort with a message instead of returning NULL;
 * callers never check. Sizes are overflow-checked.
 */
#ifndef NV_XMALLOC_H
#define NV_XMALLOC_H

#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a newly allocated formatted string the caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
