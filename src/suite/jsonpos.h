/* jsonpos.h — where each key and value of a JSON text is (private to suite/).
 *
 * jansson builds values but keeps no source positions, and the suite
 * validator must point at the offending key or value with LINE:COLUMN.  So,
 * after jansson has accepted the text, jsonpos scans it once more and records,
 * for every value, its JSON pointer (RFC 6901: "/services/0/name") with the
 * line and column of the value and, for object members, of the key.  Lines
 * and columns are 1-based; columns count characters (UTF-8 lead bytes), as
 * jansson's own error columns do, so both kinds of message agree.
 */
#ifndef ALBCHECK_SUITE_JSONPOS_H
#define ALBCHECK_SUITE_JSONPOS_H

#include <stddef.h>

struct jsonpos_entry {
    char *ptr;              /* JSON pointer of the value ("" = the root) */
    int key_line, key_col;  /* the member's key; 0 for array items and the root */
    int val_line, val_col;  /* the value's first character */
};

struct jsonpos {
    struct jsonpos_entry *v; /* sorted by ptr after jsonpos_build() */
    size_t n, cap;
};

/* Index `text` (len bytes), which should be JSON that jansson accepted.
 * Returns 0, or -1 when the text is not what it expected (the index then
 * holds what was read before; lookups of later values fail). */
int jsonpos_build(struct jsonpos *p, const char *text, size_t len);
void jsonpos_cleanup(struct jsonpos *p);
/* The entry for pointer `ptr` (borrowed), or NULL. */
const struct jsonpos_entry *jsonpos_find(const struct jsonpos *p, const char *ptr);
/* Append `key` escaped for a JSON pointer (~ → ~0, / → ~1) to the NUL-
 * terminated pointer in dst (size cap); returns -1 when it does not fit. */
int jsonpos_append(char *dst, size_t cap, const char *key);

#endif
