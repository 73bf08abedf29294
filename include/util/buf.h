/* buf.h — a growable, always NUL-terminated byte buffer with a hard size cap.
 *
 * Modelled on curl's dynbuf: anything sized by the network or by a file goes
 * through a struct buf whose `max` bounds how large it may grow, so a hostile
 * or broken peer cannot exhaust memory.  When an append would exceed `max`,
 * the buffer frees its contents and the append returns -1: the caller reports
 * an error rather than working on a silently truncated value.  (Where a
 * truncated value is wanted — a body excerpt — use buf_append_trunc().)
 *
 * The struct is caller-owned: buf_init() / buf_cleanup().
 */
#ifndef ALBCHECK_UTIL_BUF_H
#define ALBCHECK_UTIL_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdarg.h>

#define BUF_MAX_DEFAULT (16u * 1024u * 1024u) /* 16 MiB */

struct buf {
    char *data;     /* NULL until the first append; always NUL-terminated after */
    size_t len;     /* bytes used, excluding the terminating NUL */
    size_t cap;     /* bytes allocated */
    size_t max;     /* hard cap on len */
    bool truncated; /* set by buf_append_trunc() when it dropped bytes */
};

void buf_init(struct buf *b, size_t max);
void buf_cleanup(struct buf *b);
/* Forget the contents, keep the allocation and the cap. */
void buf_reset(struct buf *b);
/* Append n bytes; 0 on success, -1 when the cap would be exceeded (b is freed). */
int buf_append(struct buf *b, const void *p, size_t n);
int buf_appends(struct buf *b, const char *s);
int buf_appendc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Append as much of p as fits under the cap; sets b->truncated if bytes were dropped. */
void buf_append_trunc(struct buf *b, const void *p, size_t n);
/* The contents as a C string: "" when empty, never NULL (borrowed). */
const char *buf_str(const struct buf *b);
/* Hand the contents to the caller (caller frees; never NULL) and reset b. */
char *buf_steal(struct buf *b);

#endif
