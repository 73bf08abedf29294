/* report.c — the table of report formats, atomic file writing and the words
 * every report shares (verdict, status names, times). */
#include "report/report.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/xmalloc.h"

static const struct report_format formats[] = {
    {"junit", "JUnit XML", offsetof(struct report_opts, junit_path), report_junit_write},
    {"html", "one-file HTML", offsetof(struct report_opts, html_path), report_html_write},
    {"json", "JSON", offsetof(struct report_opts, json_path), report_json_write},
    {NULL, NULL, 0, NULL},
};

const struct report_format *report_formats(void)
{
    return formats;
}

/* mkdir -p for the folder part of path. */
static int make_dirs(const char *dir, struct err *e)
{
    char *p = xstrdup(dir);
    int rc = 0;
    for (char *s = p + 1; ; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0777) < 0 && errno != EEXIST) {
                rc = err_set(e, ERR_IO, "cannot create folder %s: %s", p, strerror(errno));
                goto out;
            }
            *s = c;
            if (c == '\0')
                break;
        }
    }
out:
    free(p);
    return rc;
}

int report_write_file(const char *path,
                      int (*writer)(FILE *out, const struct run_result *r,
                                   const struct report_opts *o, struct err *e),
                      const struct run_result *r, const struct report_opts *o, struct err *e)
{
    char *copy = NULL, *tmp = NULL;
    FILE *f = NULL;
    int fd = -1, rc = -1;
    bool created = false;

    if (strcmp(path, "-") == 0) {
        rc = writer(stdout, r, o, e);
        if (fflush(stdout) != 0 && rc == 0)
            rc = err_set(e, ERR_IO, "writing to stdout: %s", strerror(errno));
        return rc;
    }
    copy = xstrdup(path);
    const char *dir = dirname(copy);
    if (strcmp(dir, ".") != 0 && make_dirs(dir, e) < 0)
        goto out;
    free(copy);
    copy = xstrdup(path);
    tmp = xasprintf("%s/.%s.XXXXXX", dirname(copy), strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
    fd = mkstemp(tmp);
    if (fd < 0) {
        err_set(e, ERR_IO, "cannot create a temporary file for %s: %s", path, strerror(errno));
        goto out;
    }
    created = true;
    (void)fchmod(fd, 0644); /* mkstemp makes 0600; reports are for sharing */
    f = fdopen(fd, "w");
    if (!f) {
        err_set(e, ERR_IO, "%s: %s", tmp, strerror(errno));
        goto out;
    }
    fd = -1;
    if (writer(f, r, o, e) < 0) {
        err_prefix(e, "%s", path);
        goto out;
    }
    if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0) {
        err_set(e, ERR_IO, "writing %s: %s", path, strerror(errno ? errno : EIO));
        goto out;
    }
    int c = fclose(f);
    f = NULL;
    if (c != 0) {
        err_set(e, ERR_IO, "writing %s: %s", path, strerror(errno));
        goto out;
    }
    if (rename(tmp, path) < 0) {
        err_set(e, ERR_IO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        goto out;
    }
    created = false;
    rc = 0;
out:
    if (f)
        fclose(f);
    if (fd >= 0)
        close(fd);
    if (created)
        unlink(tmp);
    free(tmp);
    free(copy);
    return rc;
}

int report_write_all(const struct run_result *r, const struct report_opts *o, struct err *e)
{
    int rc = 0, n_stdout = 0;
    struct err first = {0}, one = {0};

    for (const struct report_format *f = formats; f->name; f++) {
        const char *path = *(const char *const *)((const char *)o + f->path_offset);
        if (path && strcmp(path, "-") == 0 && ++n_stdout > 1)
            return err_set(e, ERR_USAGE, "only one report can be written to stdout ('-')");
    }
    for (const struct report_format *f = formats; f->name; f++) {
        const char *path = *(const char *const *)((const char *)o + f->path_offset);
        if (!path || !*path)
            continue;
        err_clear(&one);
        if (report_write_file(path, f->write, r, o, &one) < 0 && rc == 0) {
            first = one;
            rc = -1;
        }
    }
    if (o->github) {
        err_clear(&one);
        if (report_github_write(r, o, &one) < 0 && rc == 0) {
            first = one;
            rc = -1;
        }
    }
    if (rc < 0 && e)
        *e = first;
    return rc;
}

/* ------------------------------------------------------------ words */

const char *report_verdict_word(const struct run_result *r)
{
    if (r->fatal)
        return "error";
    if (r->interrupted)
        return "interrupted";
    switch (run_exit_status(r)) {
    case EXIT_PASS: return "pass";
    case EXIT_FAIL: return "fail";
    default: return "error";
    }
}

char *report_verdict_line(const struct run_result *r)
{
    size_t n = r->n_checks;
    size_t fail = run_count(r, CHECK_FAIL), err = run_count(r, CHECK_ERROR);
    size_t flaky = run_count(r, CHECK_FLAKY), skip = run_count(r, CHECK_SKIP);

    if (r->fatal)
        return xasprintf("ERROR: %s", r->fatal);
    if (r->interrupted)
        return xasprintf("INTERRUPTED: %s; %zu of %zu checks failed, %zu not run",
                         r->interrupt_reason ? r->interrupt_reason : "stopped early",
                         fail, n, skip);
    if (fail)
        return xasprintf("FAIL: %zu of %zu check%s failed%s", fail, n, n == 1 ? "" : "s",
                         err ? ", others could not run" : "");
    if (err)
        return xasprintf("ERROR: %zu of %zu check%s could not run", err, n, n == 1 ? "" : "s");
    if (n == 0)
        return xstrdup("PASS: no checks were run");
    return xasprintf("PASS: all %zu check%s passed%s", n - skip, n - skip == 1 ? "" : "s",
                     flaky ? " (some only after retries)" : "");
}

const char *report_status_word(enum check_status st)
{
    switch (st) {
    case CHECK_PASS: return "PASS";
    case CHECK_FAIL: return "FAIL";
    case CHECK_ERROR: return "ERROR";
    case CHECK_SKIP: return "SKIP";
    case CHECK_FLAKY: return "FLAKY";
    }
    return "UNKNOWN";
}

const char *report_suite_name(const struct run_result *r, const struct report_opts *o)
{
    if (o && o->suite && o->suite->name)
        return o->suite->name;
    return r->suite_name;
}

const char *report_suite_path(const struct run_result *r, const struct report_opts *o)
{
    if (o && o->suite && o->suite->path)
        return o->suite->path;
    return r->suite_path;
}

void report_iso_time(long long ms, bool zone, char *out, size_t n)
{
    struct tm tm;
    time_t s = (time_t)(ms / 1000);
    if (ms <= 0 || !gmtime_r(&s, &tm)) {
        if (n)
            out[0] = '\0';
        return;
    }
    strftime(out, n, zone ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%dT%H:%M:%S", &tm);
}

double report_run_seconds(const struct run_result *r)
{
    if (r->started_ms > 0 && r->finished_ms >= r->started_ms)
        return (double)(r->finished_ms - r->started_ms) / 1000.0;
    return 0;
}
