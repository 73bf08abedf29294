/* fuzz_config.c — libFuzzer target for the shared config/credentials parser.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude \
 *     -I/usr/include/libxml2 -D_GNU_SOURCE \
 *     tests/fuzz/fuzz_config.c src/aws/config.c src/aws/aws.c src/util/buf.c src/util/err.c \
 *     src/util/xmalloc.c \
 *     -o build/fuzz_config && build/fuzz_config -max_total_time=60
 *
 * Parses the input both as a config file and as a credentials file and walks
 * every section, property and sub-property.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "aws/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int pass = 0; pass < 2; pass++) {
        struct aws_ini ini;
        struct err e;
        memset(&ini, 0, sizeof ini);
        if (aws_ini_parse(&ini, (const char *)data, size, "fuzz", pass == 0, &e) < 0)
            continue;
        size_t total = 0;
        for (size_t i = 0; i < ini.n; i++) {
            const struct aws_ini_section *s = &ini.sections[i];
            total += strlen(s->name);
            for (size_t j = 0; j < s->nprops; j++) {
                total += strlen(s->props[j].key) + strlen(s->props[j].value);
                for (size_t k = 0; k < s->props[j].nsub; k++)
                    total += strlen(s->props[j].sub[k].value);
            }
        }
        (void)total;
        aws_ini_cleanup(&ini);
    }
    return 0;
}
