/* junit.c — the JUnit XML report (Jenkins xUnit junit-10.xsd).
 *
 * One <testsuite> per group ("load-balancer" first, then the services in the
 * order their first check appears), one <testcase> per check.  Every string
 * goes through ESC_XML / ESC_XML_ATTR, which also repairs invalid UTF-8 and
 * makes C0 controls visible, so the file is well-formed XML 1.0 whatever the
 * response bodies held.  No CDATA: "]]>" is harmless once ">" is escaped.
 * Times are "%.3f" seconds, never negative: the schema's SUREFIRE_TIME
 * pattern has no sign, exponent or unit.
 */
#include "report/report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "report/escape.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define LB_GROUP "load-balancer"

static void put(FILE *out, const char *s, enum esc_mode m)
{
    if (!s)
        return;
    char *x = esc_strdup(s, m);
    fputs(x, out);
    free(x);
}

static void attr(FILE *out, const char *name, const char *value)
{
    fprintf(out, " %s=\"", name);
    put(out, value ? value : "", ESC_XML_ATTR);
    fputc('"', out);
}

static double secs(double s)
{
    return isfinite(s) && s > 0 ? s : 0.0;
}

static void property(FILE *out, const char *name, const char *value)
{
    if (!value)
        return;
    fputs("      <property", out);
    attr(out, "name", name);
    attr(out, "value", value);
    fputs("/>\n", out);
}

static const char *group_of(const struct check_result *c)
{
    return c->group && *c->group ? c->group : LB_GROUP;
}

/* Groups in report order (borrowed strings). */
static const char **collect_groups(const struct run_result *r, bool synthetic, size_t *n_out)
{
    const char **g = xcalloc(r->n_checks + 2, sizeof *g);
    size_t n = 0;
    bool lb = synthetic;
    for (size_t i = 0; i < r->n_checks; i++)
        lb |= strcmp(group_of(&r->checks[i]), LB_GROUP) == 0;
    if (lb)
        g[n++] = LB_GROUP;
    for (size_t i = 0; i < r->n_checks; i++) {
        const char *name = group_of(&r->checks[i]);
        size_t j = 0;
        while (j < n && strcmp(g[j], name) != 0)
            j++;
        if (j == n)
            g[n++] = name;
    }
    *n_out = n;
    return g;
}

/* A run-level error (AWS unreachable …) with no check saying so gets its own
 * <error> testcase, so CI shows why nothing ran. */
static bool needs_fatal_case(const struct run_result *r)
{
    if (!r->fatal)
        return false;
    for (size_t i = 0; i < r->n_checks; i++)
        if (r->checks[i].status == CHECK_ERROR)
            return false;
    return true;
}

static void system_out(FILE *out, const struct check_result *c)
{
    struct evidence ev;
    evidence_init(&ev, c);
    fputs("      <system-out>", out);
    if (c->status == CHECK_FLAKY)
        fputs("FLAKY: passed only after retries\n", out);
    if (c->message) {
        put(out, c->message, ESC_XML);
        fputc('\n', out);
    }
    for (size_t i = 0; i < ev.n; i++) {
        put(out, ev.lines[i].key, ESC_XML);
        fputs(": ", out);
        put(out, ev.lines[i].value, ESC_XML);
        fputc('\n', out);
    }
    if (c->probe && c->probe->body_len) {
        char *x = esc_dup(c->probe->body, c->probe->body_len, ESC_XML, NULL);
        fputs("--- body excerpt ---\n", out);
        fputs(x, out);
        fputs("\n--- end of body ---\n", out);
        free(x);
    }
    fputs("</system-out>\n", out);
    evidence_cleanup(&ev);
}

static void testcase(FILE *out, const struct check_result *c)
{
    char *name = xasprintf("%s [%s]", c->name ? c->name : "", c->id ? c->id : "");
    fputs("    <testcase", out);
    attr(out, "name", name);
    attr(out, "classname", group_of(c));
    fprintf(out, " time=\"%.3f\">\n", secs(c->duration_s));
    free(name);
    const char *msg = c->message ? c->message : "";
    switch (c->status) {
    case CHECK_FAIL:
        fputs("      <failure", out);
        attr(out, "message", msg);
        attr(out, "type", c->kind);
        fputs(">", out);
        put(out, msg, ESC_XML);
        if (c->hint) {
            fputs("\nhint: ", out);
            put(out, c->hint, ESC_XML);
        }
        fputs("</failure>\n", out);
        break;
    case CHECK_ERROR:
        fputs("      <error", out);
        attr(out, "message", msg);
        attr(out, "type", c->kind);
        fputs(">", out);
        put(out, msg, ESC_XML);
        fputs("</error>\n", out);
        break;
    case CHECK_SKIP:
        fputs("      <skipped", out);
        attr(out, "message", msg);
        fputs("/>\n", out);
        break;
    case CHECK_FLAKY:
        for (size_t i = 0; c->probe && i < c->probe->n_attempts; i++) {
            const struct probe_attempt *a = &c->probe->attempts[i];
            if (!a->failure && !a->error)
                continue;
            fputs("      <flakyFailure", out);
            attr(out, "message", a->failure ? a->failure : a->error);
            attr(out, "type", c->kind);
            fputs("/>\n", out);
        }
        break;
    case CHECK_PASS:
        break;
    }
    system_out(out, c);
    fputs("    </testcase>\n", out);
}

int report_junit_write(FILE *out, const struct run_result *r, const struct report_opts *o,
                       struct err *e)
{
    bool fatal_case = needs_fatal_case(r);
    size_t n_groups;
    const char **groups = collect_groups(r, fatal_case, &n_groups);
    char ts[40];
    report_iso_time(r->started_ms, false, ts, sizeof ts);

    size_t tot_fail = run_count(r, CHECK_FAIL);
    size_t tot_err = run_count(r, CHECK_ERROR) + fatal_case;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", out);
    attr(out, "name", report_suite_name(r, o) ? report_suite_name(r, o) : "albcheck");
    fprintf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" time=\"%.3f\">\n",
            r->n_checks + fatal_case, tot_fail, tot_err, secs(report_run_seconds(r)));

    for (size_t g = 0; g < n_groups; g++) {
        size_t tests = 0, fail = 0, err = 0, skip = 0;
        double t = 0;
        bool here_fatal = fatal_case && strcmp(groups[g], LB_GROUP) == 0;
        for (size_t i = 0; i < r->n_checks; i++) {
            const struct check_result *c = &r->checks[i];
            if (strcmp(group_of(c), groups[g]) != 0)
                continue;
            tests++;
            fail += c->status == CHECK_FAIL;
            err += c->status == CHECK_ERROR;
            skip += c->status == CHECK_SKIP;
            t += secs(c->duration_s);
        }
        tests += here_fatal;
        err += here_fatal;
        fputs("  <testsuite", out);
        attr(out, "name", groups[g]);
        fprintf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\"",
                tests, fail, err, skip, t);
        if (*ts)
            attr(out, "timestamp", ts);
        fprintf(out, " id=\"%zu\">\n", g);
        fputs("    <properties>\n", out);
        property(out, "run_id", r->run_id);
        property(out, "suite", report_suite_name(r, o));
        property(out, "suite_path", report_suite_path(r, o));
        property(out, "region", r->region);
        property(out, "load_balancer_name", r->alb_name);
        property(out, "load_balancer_arn", r->alb_arn);
        property(out, "load_balancer_dns", r->alb_dns);
        if (r->interrupted)
            property(out, "interrupted", r->interrupt_reason ? r->interrupt_reason : "yes");
        fputs("    </properties>\n", out);
        for (size_t i = 0; i < r->n_checks; i++)
            if (strcmp(group_of(&r->checks[i]), groups[g]) == 0)
                testcase(out, &r->checks[i]);
        if (here_fatal) {
            fputs("    <testcase name=\"run [run]\" classname=\"" LB_GROUP "\" time=\"0.000\">\n"
                  "      <error type=\"run\"", out);
            attr(out, "message", r->fatal);
            fputs(">", out);
            put(out, r->fatal, ESC_XML);
            fputs("</error>\n    </testcase>\n", out);
        }
        fputs("  </testsuite>\n", out);
    }
    fputs("</testsuites>\n", out);
    free(groups);
    if (ferror(out))
        return err_set(e, ERR_IO, "writing JUnit XML: %s", strerror(errno ? errno : EIO));
    return 0;
}
