/* typed_test_util.h — helpers shared by the typed-call parser tests:
 * reading $SHARED/aws/samples files (skipping when absent) and parsing text. */
#ifndef ALBCHECK_TESTS_TYPED_TEST_UTIL_H
#define ALBCHECK_TESTS_TYPED_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Contents of $SHARED/aws/samples/<rel> (caller frees), or NULL when $SHARED
 * is unset or the file is absent: the caller then skips with a message. */
static inline char *sample_read(const char *rel, size_t *len)
{
    const char *shared = getenv("SHARED");
    char path[4096];
    if (!shared || !*shared)
        return NULL;
    snprintf(path, sizeof path, "%s/aws/samples/%s", shared, rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            cap *= 2;
            char *nb = realloc(buf, cap + 1);
            if (!nb) {
                free(buf);
                buf = NULL;
            }
            buf = nb;
        }
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

#define SAMPLE_OR_SKIP(var, rel)                                                        \
    char *var = sample_read(rel, NULL);                                                 \
    do {                                                                                \
        if (!var) {                                                                     \
            print_message("# SKIP sample %s: $SHARED unset or sample absent\n", rel); \
            skip();                                                                     \
        }                                                                               \
    } while (0)

#endif
