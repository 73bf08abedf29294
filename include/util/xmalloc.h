/* xmalloc.h — allocation that cannot fail.
 *
 * Small, fixed-size allocations abort with a message on out-of-memory (like
 * tmux's xmalloc.c): there is no sensible recovery for a CLI tool that cannot
 * get 64 bytes.  Growth driven by network or file input must go through
 * struct buf (util/buf.h), which has a hard cap and reports an error instead.
 */
#ifndef ALBCHECK_UTIL_XMALLOC_H
#define ALBCHECK_UTIL_XMALLOC_H

#include <stddef.h>
#include <stdarg.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow an array of nmemb elements of size bytes, checking for overflow. */
void *xreallocarray(void *p, size_t nmemb, size_t size);
/* Returns a new copy (caller frees); xstrdup(NULL) returns NULL. */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a new formatted string (caller frees). */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Append one element to a growable array: ARRAY_PUSH(arr, n, cap) returns a
 * pointer to the new zeroed slot at arr[n-1]. */
void *xarray_push(void **arr, size_t *n, size_t *cap, size_t elem);
#define ARRAY_PUSH(arr, n, cap) \
    ((__typeof__(arr))xarray_push((void **)&(arr), &(n), &(cap), sizeof(*(arr))))

#endif
