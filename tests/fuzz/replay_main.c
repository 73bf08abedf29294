/* replay_main.c — run a libFuzzer target's LLVMFuzzerTestOneInput() without
 * libFuzzer, so that saved inputs replay in the ordinary (gcc, debug or asan)
 * build: `replay_<name> FILE|DIR…` feeds each file (each regular file of a
 * directory, in name order) once and prints one TAP line per input.
 *
 * A crash, an abort() from the target's own checks, or a sanitizer report
 * kills the process, so the caller (tests/integration/test_fuzz_regress.sh)
 * sees a non-zero status; the "ok" line of the input that was running is then
 * missing.  Exit 0 when every input ran, 2 on a usage or I/O error.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_BYTES (1024u * 1024u)   /* a fuzz input is small; refuse more */

static int n_run;

/* Read path whole and feed it to the target. 0, or -1 after a message. */
static int replay_file(const char *path)
{
    int rc = -1;
    struct buf b;
    char chunk[4096];
    size_t got;
    buf_init(&b, REPLAY_MAX_BYTES);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        goto out;
    }
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (buf_append(&b, chunk, got) < 0) {
            fprintf(stderr, "replay: %s: larger than %u bytes\n", path, REPLAY_MAX_BYTES);
            goto out;
        }
    }
    if (ferror(f)) {
        fprintf(stderr, "replay: %s: read error\n", path);
        goto out;
    }
    /* Hand over an exact-size heap copy so ASan sees reads past the end. */
    uint8_t *copy = xmalloc(b.len ? b.len : 1);
    if (b.len)
        memcpy(copy, b.data, b.len);
    fprintf(stderr, "# replaying %s (%zu bytes)\n", path, b.len);
    LLVMFuzzerTestOneInput(copy, b.len);
    free(copy);
    printf("ok %d - %s\n", ++n_run, path);
    fflush(stdout);
    rc = 0;
out:
    if (f)
        fclose(f);
    buf_cleanup(&b);
    return rc;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *dir)
{
    int rc = 0;
    char **names = NULL;
    size_t n = 0, cap = 0;
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        *ARRAY_PUSH(names, n, cap) = xasprintf("%s/%s", dir, de->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, name_cmp);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (rc == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode) && replay_file(names[i]) < 0)
            rc = -1;
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) < 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            return 2;
        }
        if ((S_ISDIR(st.st_mode) ? replay_dir(argv[i]) : replay_file(argv[i])) < 0)
            return 2;
    }
    return 0;
}
