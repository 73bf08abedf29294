/* github.c — GitHub Actions: ::error workflow commands for failing checks and
 * a markdown summary appended to $GITHUB_STEP_SUMMARY.
 *
 * Workflow commands are parsed line by line by the runner, so messages are
 * escaped with GitHub's own scheme (% CR LF, and : , in properties) and the
 * markdown cells with HTML entities: a body cannot inject a command or markup.
 */
#include "report/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report/escape.h"
#include "util/buf.h"
#include "util/xmalloc.h"

bool report_github_enabled(void)
{
    const char *v = getenv("GITHUB_ACTIONS");
    return v && strcmp(v, "true") == 0;
}

static bool failing(const struct check_result *c)
{
    return c->status == CHECK_FAIL || c->status == CHECK_ERROR;
}

void report_github_annotate(FILE *out, const struct run_result *r)
{
    struct buf b;
    buf_init(&b, BUF_MAX_DEFAULT);
    for (size_t i = 0; i < r->n_checks; i++) {
        const struct check_result *c = &r->checks[i];
        if (!failing(c))
            continue;
        buf_reset(&b);
        buf_appends(&b, "::error title=");
        esc_appends(&b, c->status == CHECK_ERROR ? "albcheck error: " : "albcheck: ", ESC_GH_PROP);
        esc_appends(&b, c->name ? c->name : c->id, ESC_GH_PROP);
        buf_appends(&b, "::");
        esc_appends(&b, c->message ? c->message : report_status_word(c->status), ESC_GH_DATA);
        if (c->hint) {
            esc_appends(&b, "\nhint: ", ESC_GH_DATA);
            esc_appends(&b, c->hint, ESC_GH_DATA);
        }
        fprintf(out, "%s\n", buf_str(&b));
    }
    if (r->fatal) {
        buf_reset(&b);
        buf_appends(&b, "::error title=albcheck::");
        esc_appends(&b, r->fatal, ESC_GH_DATA);
        fprintf(out, "%s\n", buf_str(&b));
    }
    fflush(out);
    buf_cleanup(&b);
}

static int rank(enum check_status st)
{
    switch (st) {
    case CHECK_FAIL: return 0;
    case CHECK_ERROR: return 1;
    case CHECK_FLAKY: return 2;
    case CHECK_SKIP: return 3;
    case CHECK_PASS: return 4;
    }
    return 5;
}

static const char *status_icon(enum check_status st)
{
    switch (st) {
    case CHECK_PASS: return "✅ pass";
    case CHECK_FAIL: return "❌ **fail**";
    case CHECK_ERROR: return "⛔ **error**";
    case CHECK_SKIP: return "⏭️ skip";
    case CHECK_FLAKY: return "⚠️ flaky";
    }
    return "?";
}

int report_github_summary(FILE *out, const struct run_result *r, const struct report_opts *o,
                          struct err *e)
{
    struct buf b;
    char *verdict = report_verdict_line(r);
    const char *suite = report_suite_name(r, o);

    buf_init(&b, BUF_MAX_DEFAULT);
    buf_appends(&b, "## albcheck");
    if (suite) {
        buf_appends(&b, ": ");
        esc_appends(&b, suite, ESC_MD_CELL);
    }
    buf_appends(&b, "\n\n**");
    esc_appends(&b, verdict, ESC_MD_CELL);
    buf_printf(&b, "** — %zu passed, %zu failed, %zu errors, %zu flaky, %zu skipped in %.1f s",
               run_count(r, CHECK_PASS), run_count(r, CHECK_FAIL), run_count(r, CHECK_ERROR),
               run_count(r, CHECK_FLAKY), run_count(r, CHECK_SKIP), report_run_seconds(r));
    if (r->alb_name || r->region) {
        buf_appends(&b, " · load balancer ");
        esc_appends(&b, r->alb_name ? r->alb_name : "?", ESC_MD_CELL);
        buf_appends(&b, " in ");
        esc_appends(&b, r->region ? r->region : "?", ESC_MD_CELL);
    }
    buf_appends(&b, "\n\n| status | check | group | message |\n|---|---|---|---|\n");
    for (int want = 0; want <= 4; want++) {
        for (size_t i = 0; i < r->n_checks; i++) {
            const struct check_result *c = &r->checks[i];
            if (rank(c->status) != want)
                continue;
            buf_printf(&b, "| %s | ", status_icon(c->status));
            esc_appends(&b, c->name ? c->name : c->id, ESC_MD_CELL);
            buf_appends(&b, " | ");
            esc_appends(&b, c->group, ESC_MD_CELL);
            buf_appends(&b, " | ");
            esc_appends(&b, c->message, ESC_MD_CELL);
            buf_appends(&b, " |\n");
        }
    }
    buf_appends(&b, "\n");
    int rc = 0;
    if (!b.data)
        rc = err_set(e, ERR_LIMIT, "GitHub step summary exceeds %u bytes", BUF_MAX_DEFAULT);
    else if (fwrite(b.data, 1, b.len, out) != b.len)
        rc = err_set(e, ERR_IO, "writing the step summary: %s", strerror(errno));
    buf_cleanup(&b);
    free(verdict);
    return rc;
}

int report_github_write(const struct run_result *r, const struct report_opts *o, struct err *e)
{
    report_github_annotate(o->github_out ? o->github_out : stdout, r);
    const char *path = getenv("GITHUB_STEP_SUMMARY");
    if (!path || !*path)
        return 0;
    FILE *f = fopen(path, "a");
    if (!f)
        return err_set(e, ERR_IO, "cannot open $GITHUB_STEP_SUMMARY %s: %s", path, strerror(errno));
    int rc = report_github_summary(f, r, o, e);
    if (fclose(f) != 0 && rc == 0)
        rc = err_set(e, ERR_IO, "writing $GITHUB_STEP_SUMMARY %s: %s", path, strerror(errno));
    return rc;
}
