/* fuzz_suite.c — libFuzzer target: suite_load_buffer() on arbitrary bytes.
 *
 * Build and run (seed corpus in tests/fuzz/corpus/suite/):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -D_GNU_SOURCE \
 *     tests/fuzz/fuzz_suite.c src/suite/(each .c) src/util/(each .c) \
 *     src/model/(each .c) src/checks/rules.c -ljansson -lpcre2-8 -o /tmp/fuzz_suite
 *   /tmp/fuzz_suite -max_total_time=60 tests/fuzz/corpus/suite
 * Every outcome is fine except a crash, a leak or undefined behaviour; an
 * error must always carry a "NAME:LINE:COLUMN: " prefix.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suite/suite.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct suite *s = NULL;
    struct err e;
    err_clear(&e);
    int rc = suite_load_buffer((const char *)data, size, "f.json", &s, &e);
    if (rc == 0) {
        /* a loaded suite is complete: every probe has an id, a method, a path */
        for (size_t i = 0; i < s->n_probes; i++) {
            const struct probe_spec *p = &s->probes[i];
            if (!p->id || !p->name || !p->method || !p->path || p->path[0] != '/' ||
                p->expect.n_status == 0 || p->service >= (int)s->n_services) {
                fprintf(stderr, "incomplete probe %zu\n", i);
                abort();
            }
        }
        suite_free(s);
    } else {
        int line = 0, col = 0;
        if (s != NULL || e.code != ERR_SUITE ||
            sscanf(e.msg, "f.json:%d:%d: ", &line, &col) != 2 || line < 1 || col < 1) {
            fprintf(stderr, "bad error: code %d: %s\n", (int)e.code, e.msg);
            abort();
        }
    }
    return 0;
}
