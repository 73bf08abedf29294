/* html.c — the one-file HTML report.
 *
 * Self-contained: inline CSS, inline SVG, no scripts, no external resources;
 * a Content-Security-Policy meta tag forbids scripts and any fetch anyway
 * (images only from data: URLs, of which there are none).  Every string that
 * came from AWS, the suite or a response goes through ESC_HTML (which also
 * repairs invalid UTF-8 and makes controls visible) — there is no path where
 * a byte reaches the page unescaped.
 *
 * Sections: header with the verdict; counts; the topology as an SVG laid out
 * in columns computed from the model (ALB → rules → target groups → ECS
 * services → log groups); a routes table; latency and log-delay bar charts;
 * every check as a <details> with its evidence; phase timings.
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

/* ------------------------------------------------------------ helpers */

/* Escaped text. */
static void h(FILE *out, const char *s)
{
    if (!s)
        return;
    char *x = esc_strdup(s, ESC_HTML);
    fputs(x, out);
    free(x);
}

/* At most max code points of s, with "…" when cut (new string). */
static char *trunc_cp(const char *s, size_t max)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t n = strlen((const char *)p), i = 0, count = 0;
    while (i < n && count < max) {
        uint32_t cp;
        bool ok;
        i += esc_utf8_decode(p + i, n - i, &cp, &ok);
        count++;
    }
    if (i >= n)
        return xstrdup((const char *)p);
    return xasprintf("%.*s…", (int)i, (const char *)p);
}

static void ht(FILE *out, const char *s, size_t max)
{
    char *t = trunc_cp(s, max);
    h(out, t);
    free(t);
}

static const char *status_class(enum check_status st)
{
    return check_status_name(st); /* pass fail error skip flaky */
}

static bool failing(enum check_status st)
{
    return st == CHECK_FAIL || st == CHECK_ERROR;
}

static void badge(FILE *out, enum check_status st)
{
    fprintf(out, "<span class=\"badge s-%s\">%s</span>", status_class(st), report_status_word(st));
}

/* ALB path-pattern glob: '*' any run, '?' one character (case-sensitive). */
static bool glob_match(const char *pat, const char *s)
{
    const char *star = NULL, *ss = NULL;
    while (*s) {
        if (*pat == '?' || *pat == *s) {
            pat++;
            s++;
        } else if (*pat == '*') {
            star = pat++;
            ss = s;
        } else if (star) {
            pat = star + 1;
            s = ++ss;
        } else {
            return false;
        }
    }
    while (*pat == '*')
        pat++;
    return *pat == '\0';
}

/* The path of a probe URL ("http://host/a/b?x" → "/a/b"), new string. */
static char *url_path(const char *url)
{
    if (!url)
        return xstrdup("/");
    const char *p = strstr(url, "://");
    p = p ? strchr(p + 3, '/') : url;
    if (!p)
        return xstrdup("/");
    size_t n = strcspn(p, "?#");
    return xstrndup(p, n);
}

static bool rule_matches_path(const struct rule *ru, const char *path)
{
    bool any_path = false;
    for (size_t c = 0; c < ru->n_conditions; c++) {
        const struct rule_condition *rc = &ru->conditions[c];
        if (!rc->field || strcmp(rc->field, "path-pattern") != 0)
            continue;
        any_path = true;
        for (size_t v = 0; v < rc->n_values; v++)
            if (glob_match(rc->values[v], path))
                return true;
    }
    return !any_path && ru->is_default;
}

/* The first rule (in priority order) whose path patterns match path. */
static const struct rule *rule_for_path(const struct topology *t, const char *path,
                                        const struct listener **lout)
{
    for (size_t i = 0; t && i < t->n_listeners; i++)
        for (size_t k = 0; k < t->listeners[i].n_rules; k++)
            if (rule_matches_path(&t->listeners[i].rules[k], path)) {
                *lout = &t->listeners[i];
                return &t->listeners[i].rules[k];
            }
    return NULL;
}

/* Does a check of group g concern ECS service / target group `name`?  Groups
 * are suite service names; AWS names often carry a suffix ("auth-tg"). */
static bool group_is(const char *g, const char *name)
{
    if (!g || !name)
        return false;
    size_t n = strlen(g);
    return strcmp(g, name) == 0 || (strncmp(g, name, n) == 0 && (name[n] == '-' || name[n] == '_'));
}

static bool group_failing(const struct run_result *r, const char *name, const char *kinds)
{
    for (size_t i = 0; i < r->n_checks; i++) {
        const struct check_result *c = &r->checks[i];
        if (failing(c->status) && c->kind && strstr(kinds, c->kind) && group_is(c->group, name))
            return true;
    }
    return false;
}

/* ------------------------------------------------------------ style */

/* The style sheet, in pieces (ISO C bounds the length of one literal). */
static const char *const css[] = {
    ":root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa;",
    "--pass:#0a7d5c;--fail:#c2410c;--error:#9d3b7f;--flaky:#9a6700;--skip:#6b7280;",
    "--accent:#0b5cad;--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,\"Liberation Mono\",monospace}\n",
    "*{box-sizing:border-box}\n",
    "html{-webkit-text-size-adjust:100%}\n",
    "body{margin:0;font:15px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Noto Sans\",\"Helvetica Neue\",Arial,sans-serif;",
    "color:var(--fg);background:var(--soft)}\n",
    ".wrap{max-width:1240px;margin:0 auto;padding:0 24px}\n",
    "header.top{background:#fff;border-bottom:1px solid var(--line);border-top:6px solid var(--skip);padding:20px 0 16px}\n",
    "header.v-pass{border-top-color:var(--pass)}header.v-fail{border-top-color:var(--fail)}",
    "header.v-error,header.v-interrupted{border-top-color:var(--error)}\n",
    ".brand{font-size:13px;letter-spacing:.08em;text-transform:uppercase;color:var(--muted);font-weight:600}\n",
    "h1{font-size:26px;line-height:1.25;margin:6px 0 14px;font-weight:650;overflow-wrap:anywhere}\n",
    "h1 .verdict{display:inline-block;padding:2px 10px;border-radius:6px;color:#fff;margin-right:10px;font-size:20px;vertical-align:3px}\n",
    "h2{font-size:18px;margin:0 0 12px;font-weight:650}\n",
    "h3{font-size:15px;margin:18px 0 8px;color:var(--muted);font-weight:600}\n",
    ".meta{display:grid;grid-template-columns:repeat(auto-fill,minmax(270px,1fr));gap:4px 28px;margin:0;font-size:13.5px}\n"
    ".meta div.wide{grid-column:1/-1}\n",
    ".meta div{display:flex;gap:8px;min-width:0}.meta dt{color:var(--muted);flex:none;min-width:92px}",
    ".meta dd{margin:0;font-family:var(--mono);font-size:12.5px;overflow-wrap:anywhere;min-width:0;padding-top:1px}\n",
    "section{background:#fff;border:1px solid var(--line);border-radius:10px;padding:18px 20px;margin:18px 0}\n",
    ".counts{display:grid;grid-template-columns:repeat(6,1fr);gap:12px;background:none;border:0;padding:0}\n",
    ".count{background:#fff;border:1px solid var(--line);border-left:5px solid var(--skip);border-radius:10px;padding:10px 14px}\n",
    ".count b{display:block;font-size:26px;line-height:1.2;font-variant-numeric:tabular-nums}.count span{color:var(--muted);font-size:13px}\n",
    ".count.c-pass{border-left-color:var(--pass)}.count.c-fail{border-left-color:var(--fail)}.count.c-error{border-left-color:var(--error)}",
    ".count.c-flaky{border-left-color:var(--flaky)}.count.c-total{border-left-color:var(--accent)}\n",
    ".badge{display:inline-block;min-width:54px;text-align:center;font:700 11.5px/1.9 var(--mono);letter-spacing:.04em;",
    "color:#fff;border-radius:4px;padding:0 6px;background:var(--skip)}\n",
    ".s-pass{background:var(--pass)}.s-fail{background:var(--fail)}.s-error{background:var(--error)}",
    ".s-flaky{background:var(--flaky)}.s-skip{background:var(--skip)}\n",
    ".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}\n",
    "svg.topo{display:block;width:100%;min-width:880px;height:auto;font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,Arial,sans-serif}\n",
    ".topo .node rect{fill:#fff;stroke:#8c959f;stroke-width:1.2}.topo .node.bad rect{stroke:var(--fail);stroke-width:2.6;stroke-dasharray:7 3;fill:#fff4ed}\n",
    ".topo .t1{font-size:13px;font-weight:600;fill:var(--fg)}.topo .t2{font-size:11.5px;fill:var(--muted)}",
    ".topo .col{font-size:11px;font-weight:700;letter-spacing:.08em;fill:var(--muted);text-transform:uppercase}\n",
    ".topo .edge{fill:none;stroke:#afb8c1;stroke-width:1.5}.topo .edge.bad{stroke:var(--fail);stroke-dasharray:5 3}\n",
    ".topo .bad-label{font-size:10.5px;font-weight:700;fill:var(--fail)}\n",
    ".legend{display:flex;flex-wrap:wrap;gap:6px 18px;font-size:12.5px;color:var(--muted);margin-top:10px}\n",
    ".dot{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:5px;vertical-align:-1px}\n",
    ".d-healthy{background:var(--pass)}.d-unhealthy{background:var(--fail)}.d-other{background:#a0a7b0}\n",
    ".outline{display:inline-block;width:18px;height:11px;border:2px dashed var(--fail);border-radius:3px;margin-right:5px;vertical-align:-1px}\n",
    "table{border-collapse:collapse;width:100%;font-size:13.5px}\n",
    "th{text-align:left;font-weight:600;color:var(--muted);font-size:12.5px;border-bottom:1px solid var(--line);padding:6px 10px;white-space:nowrap}\n",
    "td{border-bottom:1px solid #eaeef2;padding:7px 10px;vertical-align:top}\n",
    "td.mono,.mono{font-family:var(--mono);font-size:12.5px;overflow-wrap:anywhere}\n",
    "td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n",
    "tr.row-bad td{background:#fff8f3}table.routes td:first-child{white-space:nowrap}\n",
    ".charts{display:grid;grid-template-columns:1fr 1fr;gap:18px;background:none;border:0;padding:0}\n",
    ".charts>div{background:#fff;border:1px solid var(--line);border-radius:10px;padding:18px 20px;min-width:0}\n",
    ".bar{display:grid;grid-template-columns:minmax(90px,34%) 1fr 104px;gap:10px;align-items:center;font-size:12.5px;margin:7px 0}\n",
    ".bar .lbl{font-family:var(--mono);overflow:hidden;text-overflow:ellipsis;white-space:nowrap}\n",
    ".track{position:relative;height:14px;background:#eef1f4;border-radius:3px}\n",
    ".fill{position:absolute;left:0;top:0;bottom:0;border-radius:3px;background:var(--pass)}.fill.over{background:var(--fail);",
    "background-image:repeating-linear-gradient(135deg,rgba(255,255,255,.35) 0 4px,transparent 4px 8px)}\n",
    ".fill.f-delay{background:var(--accent)}\n",
    ".budget{position:absolute;top:-3px;bottom:-3px;width:0;border-left:2px dashed var(--fg)}\n",
    ".bar .val{font-variant-numeric:tabular-nums;white-space:nowrap;min-width:64px;text-align:right}\n",
    ".note{color:var(--muted);font-size:12.5px;margin:8px 0 0}\n",
    "details.check{border:1px solid var(--line);border-radius:8px;margin:6px 0;background:#fff}\n",
    "details.check.bad{border-color:#f0b89a}\n",
    "details.check>summary{cursor:pointer;padding:8px 12px;display:flex;gap:10px;align-items:baseline;flex-wrap:wrap;list-style-position:outside}\n",
    "details.check>summary .name{font-weight:600;overflow-wrap:anywhere}\n",
    "details.check>summary .msg{color:var(--muted);font-size:13.5px;overflow-wrap:anywhere;flex:1 1 300px}\n",
    "details.check>summary .time{color:var(--muted);font-size:12px;font-variant-numeric:tabular-nums;margin-left:auto}\n",
    ".ev{padding:4px 14px 14px;border-top:1px solid #eaeef2}\n",
    ".ev dl{display:grid;grid-template-columns:minmax(120px,max-content) 1fr;gap:3px 14px;margin:10px 0;font-size:13px}\n",
    ".ev dt{color:var(--muted)}.ev dd{margin:0;font-family:var(--mono);font-size:12.5px;overflow-wrap:anywhere;white-space:pre-wrap}\n",
    ".ev .hint{background:#fff8c5;border:1px solid #eed888;border-radius:6px;padding:6px 10px;font-size:13.5px;margin:10px 0}\n",
    "pre.body{margin:8px 0 0;max-height:360px;overflow:auto;background:var(--soft);border:1px solid var(--line);border-radius:6px;",
    "padding:10px;font:12px/1.45 var(--mono);white-space:pre-wrap;overflow-wrap:anywhere}\n",
    ".cap{font-size:12.5px;color:var(--muted);margin-top:10px}\n",
    ".failures ul{list-style:none;margin:0;padding:0}.failures li{padding:8px 0;border-top:1px solid #eaeef2}"
    ".failures li:first-child{border-top:0;padding-top:0}\n"
    ".failures a{color:var(--fg);font-weight:600;text-decoration:none;overflow-wrap:anywhere}.failures a:hover{text-decoration:underline}\n"
    ".failures .grp{color:var(--muted);font-size:12.5px;margin-left:4px}.failures .why{margin:3px 0 0 64px;font-size:13.5px;overflow-wrap:anywhere}\n"
    "@media (max-width:560px){.failures .why{margin-left:0}}\n"
    "footer{color:var(--muted);font-size:12.5px;padding:8px 0 40px}\n",
    "footer .phases{display:flex;flex-wrap:wrap;gap:4px 18px}\n",
    "@media (max-width:900px){.counts{grid-template-columns:repeat(3,1fr)}.charts{grid-template-columns:1fr}}\n",
    "@media (max-width:560px){.wrap{padding:0 12px}h1{font-size:21px}section{padding:14px 12px;border-radius:8px}",
    ".counts{grid-template-columns:repeat(2,1fr);gap:8px}.count b{font-size:22px}.charts>div{padding:14px 12px}",
    ".meta dt{min-width:78px}.bar{grid-template-columns:1fr auto}.bar .lbl{grid-column:1/-1}",
    "table.routes th:nth-child(3),table.routes td:nth-child(3){display:none}.ev dl{grid-template-columns:1fr}.ev dt{margin-top:6px}}\n",
    "@media print{body{background:#fff;font-size:11pt}section,.count,.charts>div{border-color:#999;break-inside:avoid}",
    "header.top{border-bottom:0}details.check{break-inside:avoid}details::details-content{content-visibility:visible;display:block}",
    "pre.body{max-height:none;overflow:visible}.scroll{overflow:visible}svg.topo{min-width:0}",
    ".badge,.fill,.dot,h1 .verdict{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n",
    NULL,
};

/* ------------------------------------------------------------ header */

static void meta_row(FILE *out, const char *k, const char *v, bool wide)
{
    if (!v || !*v)
        return;
    fputs(wide ? "<div class=\"wide\"><dt>" : "<div><dt>", out);
    h(out, k);
    fputs("</dt><dd>", out);
    h(out, v);
    fputs("</dd></div>\n", out);
}

static void write_header(FILE *out, const struct run_result *r, const struct report_opts *o)
{
    const char *word = report_verdict_word(r);
    char *line = report_verdict_line(r);
    const char *colon = strchr(line, ':');
    char started[40], dur[32];
    report_iso_time(r->started_ms, true, started, sizeof started);
    snprintf(dur, sizeof dur, "%.1f s", report_run_seconds(r));
    enum check_status vst = strcmp(word, "pass") == 0 ? CHECK_PASS
                          : strcmp(word, "fail") == 0 ? CHECK_FAIL : CHECK_ERROR;

    fprintf(out, "<header class=\"top v-%s\"><div class=\"wrap\">\n", word);
    fputs("<div class=\"brand\">albcheck report", out);
    if (report_suite_name(r, o)) {
        fputs(" · ", out);
        h(out, report_suite_name(r, o));
    }
    fputs("</div>\n", out);
    fprintf(out, "<h1><span class=\"verdict s-%s\">", status_class(vst));
    if (colon) {
        char *w = xstrndup(line, (size_t)(colon - line));
        h(out, w);
        free(w);
        fputs("</span>", out);
        h(out, colon + 1 + (colon[1] == ' '));
    } else {
        h(out, line);
        fputs("</span>", out);
    }
    fprintf(out, "</h1>\n<dl class=\"meta\">\n");
    meta_row(out, "run id", r->run_id, false);
    meta_row(out, "started", started, false);
    meta_row(out, "duration", dur, false);
    meta_row(out, "region", r->region, false);
    meta_row(out, "load balancer", r->alb_name, false);
    if (r->interrupted)
        meta_row(out, "interrupted", r->interrupt_reason ? r->interrupt_reason : "yes", true);
    char exit_s[16];
    snprintf(exit_s, sizeof exit_s, "%d", run_exit_status(r));
    meta_row(out, "exit status", exit_s, false);
    meta_row(out, "suite", report_suite_path(r, o), true);
    meta_row(out, "DNS name", r->alb_dns, true);
    meta_row(out, "ARN", r->alb_arn, true);
    fputs("</dl>\n</div></header>\n", out);
    free(line);
}

static void write_counts(FILE *out, const struct run_result *r)
{
    static const struct {
        const char *cls, *label;
        int st;
    } cards[] = {
        {"total", "checks", -1}, {"pass", "passed", CHECK_PASS}, {"fail", "failed", CHECK_FAIL},
        {"error", "errors", CHECK_ERROR}, {"flaky", "flaky", CHECK_FLAKY}, {"skip", "skipped", CHECK_SKIP},
    };
    fputs("<section class=\"counts\" aria-label=\"counts\">\n", out);
    for (size_t i = 0; i < sizeof cards / sizeof cards[0]; i++) {
        size_t n = cards[i].st < 0 ? r->n_checks : run_count(r, (enum check_status)cards[i].st);
        fprintf(out, "<div class=\"count c-%s\"><b>%zu</b><span>%s</span></div>\n", cards[i].cls, n,
                cards[i].label);
    }
    fputs("</section>\n", out);
}

/* The failing checks in one short list, each linking to its evidence. */
static void write_failures(FILE *out, const struct run_result *r)
{
    size_t n = run_count(r, CHECK_FAIL) + run_count(r, CHECK_ERROR);
    if (!n)
        return;
    fprintf(out, "<section class=\"failures\"><h2>What failed <span class=\"note\">· %zu check%s</span></h2>\n<ul>\n",
            n, n == 1 ? "" : "s");
    for (size_t i = 0; i < r->n_checks; i++) {
        const struct check_result *c = &r->checks[i];
        if (!failing(c->status))
            continue;
        fputs("<li>", out);
        badge(out, c->status);
        fprintf(out, " <a href=\"#check-%zu\">", i);
        h(out, c->name ? c->name : c->id);
        fputs("</a> <span class=\"grp\">", out);
        h(out, c->group);
        fputs("</span><div class=\"why\">", out);
        ht(out, c->message, 300);
        if (c->hint) {
            fputs("<br><span class=\"note\">Hint: ", out);
            ht(out, c->hint, 300);
            fputs("</span>", out);
        }
        fputs("</div></li>\n", out);
    }
    fputs("</ul></section>\n", out);
}

/* ------------------------------------------------------------ topology SVG */

#define COL_W 200
#define COL_GAP 45
#define NODE_H 54
#define ROW_H 68
#define TOP 34

struct node {
    double x, y;            /* top-left */
    bool bad;
};

static double col_x(int col)
{
    return 10 + col * (COL_W + COL_GAP);
}

/* y of row i of a column with n rows, centred in height hgt. */
static double row_y(size_t i, size_t n, double hgt)
{
    double used = (double)n * ROW_H - (ROW_H - NODE_H);
    return TOP + (hgt - TOP - used) / 2 + (double)i * ROW_H;
}

static void svg_edge(FILE *out, const struct node *a, const struct node *b, bool bad)
{
    double x1 = a->x + COL_W, y1 = a->y + NODE_H / 2.0, x2 = b->x, y2 = b->y + NODE_H / 2.0;
    fprintf(out, "<path class=\"edge%s\" d=\"M%.1f %.1fC%.1f %.1f %.1f %.1f %.1f %.1f\"/>\n",
            bad ? " bad" : "", x1, y1, x1 + COL_GAP * 0.6, y1, x2 - COL_GAP * 0.6, y2, x2, y2);
}

static void svg_node_open(FILE *out, const struct node *n, const char *title)
{
    fprintf(out, "<g class=\"node%s\"><title>", n->bad ? " bad" : "");
    h(out, title);
    if (n->bad)
        fputs(" (failing)", out);
    fprintf(out, "</title><rect x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"%d\" rx=\"7\"/>\n", n->x, n->y,
            COL_W, NODE_H);
    if (n->bad)
        fprintf(out, "<text class=\"bad-label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">✕ FAIL</text>\n",
                n->x + COL_W - 8, n->y + 17);
}

static void svg_text(FILE *out, const struct node *n, const char *t1, const char *t2, size_t max1)
{
    fprintf(out, "<text class=\"t1\" x=\"%.1f\" y=\"%.1f\">", n->x + 10, n->y + 21);
    ht(out, t1, n->bad ? max1 - 6 : max1);
    fputs("</text>", out);
    if (t2) {
        fprintf(out, "<text class=\"t2\" x=\"%.1f\" y=\"%.1f\">", n->x + 10, n->y + 40);
        ht(out, t2, 30);
        fputs("</text>", out);
    }
    fputs("\n", out);
}

static char *conditions_text(const struct rule *ru)
{
    struct buf b;
    buf_init(&b, 4096);
    for (size_t c = 0; c < ru->n_conditions; c++) {
        const struct rule_condition *rc = &ru->conditions[c];
        const char *f = rc->field ? rc->field : "?";
        if (c)
            buf_appends(&b, " & ");
        buf_appends(&b, strcmp(f, "path-pattern") == 0 ? "path " : strcmp(f, "host-header") == 0 ? "host " : f);
        if (strcmp(f, "path-pattern") != 0 && strcmp(f, "host-header") != 0)
            buf_appends(&b, " ");
        if (rc->header_name)
            buf_printf(&b, "%s=", rc->header_name);
        for (size_t v = 0; v < rc->n_values; v++)
            buf_printf(&b, "%s%s", v ? "," : "", rc->values[v] ? rc->values[v] : "");
    }
    const struct rule_action *a = ru->n_actions ? &ru->actions[ru->n_actions - 1] : NULL;
    if (a && a->type && strcmp(a->type, "forward") != 0) {
        if (b.len)
            buf_appends(&b, " → ");
        if (a->fixed_status)
            buf_printf(&b, "fixed %d", a->fixed_status);
        else
            buf_appends(&b, a->type);
    }
    if (!b.len && ru->is_default)
        buf_appends(&b, "anything else");
    return buf_steal(&b);
}

static const char *health_class(const char *state)
{
    if (state && strcmp(state, "healthy") == 0)
        return "healthy";
    if (state && strncmp(state, "unhealthy", 9) == 0)
        return "unhealthy";
    return "other";
}

static void write_topology(FILE *out, const struct run_result *r)
{
    const struct topology *t = r->topology;
    fputs("<section><h2>Topology</h2>\n", out);
    if (!t) {
        fputs("<p class=\"note\">The topology is not available: discovery did not finish", out);
        if (r->fatal) {
            fputs(" (", out);
            h(out, r->fatal);
            fputs(")", out);
        }
        fputs(".</p></section>\n", out);
        return;
    }
    /* Columns: 0 ALB, 1 rules, 2 target groups, 3 services, 4 log groups. */
    size_t n_rules = 0;
    for (size_t i = 0; i < t->n_listeners; i++)
        n_rules += t->listeners[i].n_rules;
    const char **logs = xcalloc(t->n_services * 4 + 1, sizeof *logs);
    size_t n_logs = 0;
    for (size_t i = 0; i < t->n_services; i++) {
        const struct task_def *td = t->services[i].task_def;
        for (size_t k = 0; td && k < td->n_containers; k++) {
            const char *lg = td->containers[k].log_group;
            size_t j = 0;
            while (lg && j < n_logs && strcmp(logs[j], lg) != 0)
                j++;
            if (lg && j == n_logs) {
                logs = xreallocarray(logs, n_logs + 1, sizeof *logs);
                logs[n_logs++] = lg;
            }
        }
    }
    size_t rows = 1;
    size_t counts[5] = {1, n_rules, t->n_target_groups, t->n_services, n_logs};
    for (int c = 0; c < 5; c++)
        rows = counts[c] > rows ? counts[c] : rows;
    double hgt = TOP + (double)rows * ROW_H + 4;
    double wid = col_x(5) - COL_GAP + 10;

    struct node alb = {col_x(0), row_y(0, 1, hgt), false};
    struct node *rn = xcalloc(n_rules + 1, sizeof *rn);
    struct node *tn = xcalloc(t->n_target_groups + 1, sizeof *tn);
    struct node *sn = xcalloc(t->n_services + 1, sizeof *sn);
    struct node *ln = xcalloc(n_logs + 1, sizeof *ln);
    const struct rule **rules = xcalloc(n_rules + 1, sizeof *rules);
    const struct listener **rl = xcalloc(n_rules + 1, sizeof *rl);

    for (size_t i = 0; i < r->n_checks; i++) {
        const struct check_result *c = &r->checks[i];
        if (failing(c->status) && c->kind && strcmp(c->kind, "alb") == 0)
            alb.bad = true;
    }
    size_t k = 0;
    for (size_t i = 0; i < t->n_listeners; i++)
        for (size_t j = 0; j < t->listeners[i].n_rules; j++, k++) {
            rules[k] = &t->listeners[i].rules[j];
            rl[k] = &t->listeners[i];
            rn[k] = (struct node){col_x(1), row_y(k, n_rules, hgt), false};
        }
    /* A rule is failing when a failed probe/route check's path falls to it. */
    for (size_t i = 0; i < r->n_checks; i++) {
        const struct check_result *c = &r->checks[i];
        if (!failing(c->status) || !c->probe || !c->kind || strcmp(c->kind, "logs") == 0)
            continue;
        char *path = url_path(c->probe->url);
        const struct listener *l = NULL;
        const struct rule *ru = rule_for_path(t, path, &l);
        for (size_t j = 0; ru && j < n_rules; j++)
            if (rules[j] == ru)
                rn[j].bad = true;
        free(path);
    }
    for (size_t i = 0; i < t->n_target_groups; i++) {
        const struct target_group *tg = &t->target_groups[i];
        size_t healthy = 0;
        bool bad = false;
        for (size_t j = 0; j < tg->n_targets; j++) {
            const char *hc = health_class(tg->targets[j].state);
            healthy += strcmp(hc, "healthy") == 0;
            bad |= strcmp(hc, "unhealthy") == 0;
        }
        tn[i] = (struct node){col_x(2), row_y(i, t->n_target_groups, hgt),
                              bad || healthy == 0 || group_failing(r, tg->name, "health")};
        const struct ecs_service *s = topology_service_for_tg(t, tg->arn);
        if (s && group_failing(r, s->name, "health"))
            tn[i].bad = true;
    }
    for (size_t i = 0; i < t->n_services; i++) {
        const struct ecs_service *s = &t->services[i];
        sn[i] = (struct node){col_x(3), row_y(i, t->n_services, hgt),
                              s->running < s->desired || group_failing(r, s->name, "ecs probe")};
    }
    for (size_t i = 0; i < n_logs; i++) {
        ln[i] = (struct node){col_x(4), row_y(i, n_logs, hgt), false};
        for (size_t j = 0; j < r->n_checks; j++) {
            const struct check_result *c = &r->checks[j];
            if (failing(c->status) && c->log && c->log->expected_group &&
                strcmp(c->log->expected_group, logs[i]) == 0)
                ln[i].bad = true;
        }
    }

    fputs("<div class=\"scroll\">\n", out);
    fprintf(out, "<svg class=\"topo\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" "
                 "role=\"img\" aria-label=\"load balancer topology\">\n", wid, hgt);
    static const char *cols[] = {"Load balancer", "Listener rules", "Target groups", "ECS services", "Log groups"};
    for (int c = 0; c < 5; c++)
        fprintf(out, "<text class=\"col\" x=\"%.1f\" y=\"16\">%s</text>\n", col_x(c) + 2, cols[c]);

    /* Edges first, so that nodes are drawn over them. */
    for (size_t i = 0; i < n_rules; i++) {
        svg_edge(out, &alb, &rn[i], rn[i].bad);
        for (size_t a = 0; a < rules[i]->n_actions; a++)
            for (size_t f = 0; f < rules[i]->actions[a].n_targets; f++)
                for (size_t g = 0; g < t->n_target_groups; g++)
                    if (rules[i]->actions[a].targets[f].target_group_arn && t->target_groups[g].arn &&
                        strcmp(rules[i]->actions[a].targets[f].target_group_arn, t->target_groups[g].arn) == 0)
                        svg_edge(out, &rn[i], &tn[g], rn[i].bad || tn[g].bad);
    }
    for (size_t g = 0; g < t->n_target_groups; g++)
        for (size_t s = 0; s < t->n_services; s++)
            for (size_t b = 0; b < t->services[s].n_load_balancers; b++)
                if (t->services[s].load_balancers[b].target_group_arn && t->target_groups[g].arn &&
                    strcmp(t->services[s].load_balancers[b].target_group_arn, t->target_groups[g].arn) == 0)
                    svg_edge(out, &tn[g], &sn[s], tn[g].bad || sn[s].bad);
    for (size_t s = 0; s < t->n_services; s++) {
        const struct task_def *td = t->services[s].task_def;
        for (size_t c = 0; td && c < td->n_containers; c++)
            for (size_t i = 0; i < n_logs; i++)
                if (td->containers[c].log_group && strcmp(td->containers[c].log_group, logs[i]) == 0)
                    svg_edge(out, &sn[s], &ln[i], ln[i].bad);
    }

    /* Nodes. */
    svg_node_open(out, &alb, t->lb.dns_name ? t->lb.dns_name : "load balancer");
    svg_text(out, &alb, t->lb.name ? t->lb.name : "load balancer",
             t->lb.scheme ? t->lb.scheme : t->lb.dns_name, 24);
    fputs("</g>\n", out);
    for (size_t i = 0; i < n_rules; i++) {
        char *cond = conditions_text(rules[i]);
        char *t1 = rules[i]->is_default ? xstrdup("default rule")
                                        : xasprintf("priority %d", rules[i]->priority);
        char *t2 = xasprintf("%s:%d · %s", rl[i]->protocol ? rl[i]->protocol : "", rl[i]->port, cond);
        char *title = xasprintf("%s, %s", t1, t2);
        svg_node_open(out, &rn[i], title);
        svg_text(out, &rn[i], t1, t2, 26);
        free(t2);
        fputs("</g>\n", out);
        free(title);
        free(t1);
        free(cond);
    }
    for (size_t i = 0; i < t->n_target_groups; i++) {
        const struct target_group *tg = &t->target_groups[i];
        size_t healthy = 0;
        for (size_t j = 0; j < tg->n_targets; j++)
            healthy += strcmp(health_class(tg->targets[j].state), "healthy") == 0;
        char *title = xasprintf("%s: %zu of %zu targets healthy", tg->name ? tg->name : "?", healthy,
                                tg->n_targets);
        svg_node_open(out, &tn[i], title);
        svg_text(out, &tn[i], tg->name ? tg->name : "(unnamed)", NULL, 24);
        size_t shown = tg->n_targets > 8 ? 8 : tg->n_targets;
        for (size_t j = 0; j < shown; j++) {
            const struct target *x = &tg->targets[j];
            const char *hc = health_class(x->state);
            fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5.5\" fill=\"%s\"><title>",
                    tn[i].x + 16 + (double)j * 15, tn[i].y + 37,
                    strcmp(hc, "healthy") == 0 ? "#0a7d5c" : strcmp(hc, "unhealthy") == 0 ? "#c2410c" : "#a0a7b0");
            char *tt = xasprintf("%s:%d %s%s%s", x->id ? x->id : "?", x->port, x->state ? x->state : "unknown",
                                 x->reason ? " — " : "", x->reason ? x->reason : "");
            h(out, tt);
            free(tt);
            fputs("</title></circle>\n", out);
        }
        fprintf(out, "<text class=\"t2\" x=\"%.1f\" y=\"%.1f\">%s%zu/%zu healthy</text>\n",
                tn[i].x + 16 + (double)shown * 15, tn[i].y + 41, tg->n_targets > shown ? "… " : "", healthy,
                tg->n_targets);
        fputs("</g>\n", out);
        free(title);
    }
    for (size_t i = 0; i < t->n_services; i++) {
        const struct ecs_service *s = &t->services[i];
        char *t2 = xasprintf("running %d / desired %d", s->running, s->desired);
        svg_node_open(out, &sn[i], s->arn ? s->arn : s->name);
        svg_text(out, &sn[i], s->name ? s->name : "(unnamed)", t2, 24);
        fputs("</g>\n", out);
        free(t2);
    }
    for (size_t i = 0; i < n_logs; i++) {
        svg_node_open(out, &ln[i], logs[i]);
        const char *slash = strrchr(logs[i], '/');
        svg_text(out, &ln[i], slash && slash[1] ? slash + 1 : logs[i], logs[i], 24);
        fputs("</g>\n", out);
    }
    fputs("</svg>\n</div>\n", out);
    fputs("<div class=\"legend\"><span><i class=\"dot d-healthy\"></i>healthy target</span>"
          "<span><i class=\"dot d-unhealthy\"></i>unhealthy target</span>"
          "<span><i class=\"dot d-other\"></i>other state (initial, draining, unused…)</span>"
          "<span><i class=\"outline\"></i>failing element</span></div>\n", out);
    fputs("</section>\n", out);
    free(logs);
    free(rn);
    free(tn);
    free(sn);
    free(ln);
    free(rules);
    free(rl);
}

/* ------------------------------------------------------------ routes */

/* The check of `kind` that belongs with probe p: for logs the one carrying
 * the same correlation token; otherwise (and for a logs check that has no
 * evidence, e.g. skipped) the one whose id has the same part after the first
 * ':' ("route:auth:GET /x" goes with "probe:auth:GET /x"). */
static const struct check_result *related(const struct run_result *r, const struct check_result *p,
                                          const char *kind)
{
    if (strcmp(kind, "logs") == 0 && p->probe && p->probe->token)
        for (size_t i = 0; i < r->n_checks; i++) {
            const struct check_result *c = &r->checks[i];
            if (c->log && c->log->token && strcmp(c->log->token, p->probe->token) == 0)
                return c;
        }
    const char *suffix = p->id ? strchr(p->id, ':') : NULL;
    for (size_t i = 0; suffix && i < r->n_checks; i++) {
        const struct check_result *c = &r->checks[i];
        const char *cs = c->id ? strchr(c->id, ':') : NULL;
        if (c != p && c->kind && strcmp(c->kind, kind) == 0 && cs && strcmp(cs, suffix) == 0)
            return c;
    }
    return NULL;
}

static void write_routes(FILE *out, const struct run_result *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_checks; i++)
        n += r->checks[i].probe != NULL;
    fputs("<section><h2>Routes</h2>\n", out);
    if (!n) {
        fputs("<p class=\"note\">No probes were sent.</p></section>\n", out);
        return;
    }
    fputs("<div class=\"scroll\"><table class=\"routes\">\n<thead><tr><th>request</th><th>service</th>"
          "<th>rule → target group</th><th>route</th><th>probe</th><th>answer</th>"
          "<th class=\"num\">latency</th><th>log line</th></tr></thead>\n<tbody>\n", out);
    for (size_t i = 0; i < r->n_checks; i++) {
        const struct check_result *c = &r->checks[i];
        const struct probe_evidence *p = c->probe;
        if (!p)
            continue;
        const struct check_result *lc = related(r, c, "logs");
        const struct check_result *rc = related(r, c, "route");
        bool bad = failing(c->status) || (lc && failing(lc->status)) || (rc && failing(rc->status));
        fprintf(out, "<tr%s><td class=\"mono\">", bad ? " class=\"row-bad\"" : "");
        char *path = url_path(p->url);
        h(out, p->method ? p->method : "GET");
        fputs(" ", out);
        h(out, path);
        fputs("</td><td>", out);
        h(out, c->group);
        fputs("</td><td class=\"mono\">", out);
        const struct listener *l = NULL;
        const struct rule *ru = rule_for_path(r->topology, path, &l);
        if (ru) {
            if (ru->is_default)
                fputs("default", out);
            else
                fprintf(out, "P%d", ru->priority);
            const struct rule_action *a = ru->n_actions ? &ru->actions[ru->n_actions - 1] : NULL;
            if (a && a->n_targets) {
                const struct target_group *tg = topology_tg_by_arn(r->topology, a->targets[0].target_group_arn);
                fputs(" → ", out);
                h(out, tg && tg->name ? tg->name : a->targets[0].target_group_arn);
            } else if (a && a->fixed_status) {
                fprintf(out, " → fixed %d", a->fixed_status);
            }
        } else {
            fputs("—", out);
        }
        free(path);
        fputs("</td><td>", out);
        if (rc)
            badge(out, rc->status);
        else
            fputs("<span class=\"note\">—</span>", out);
        fputs("</td><td>", out);
        badge(out, c->status);
        fputs("</td><td>", out);
        if (p->status)
            fprintf(out, "%d ", p->status);
        else
            fputs("no answer ", out);
        fprintf(out, "<span class=\"note\">%s</span>", evidence_origin_name(p->origin));
        fputs("</td><td class=\"num\">", out);
        fprintf(out, "%.0f ms", isfinite(p->total_ms) ? p->total_ms : 0.0);
        fputs("</td><td>", out);
        if (lc) {
            badge(out, lc->status);
            if (lc->log && lc->log->found_group)
                fprintf(out, " <span class=\"note\">%.1f s</span>", lc->log->delay_s);
        } else {
            fputs("<span class=\"note\">not checked</span>", out);
        }
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody></table></div></section>\n", out);
}

/* ------------------------------------------------------------ charts */

static void write_charts(FILE *out, const struct run_result *r)
{
    double scale = 1;
    size_t n_probe = 0, n_log = 0;
    for (size_t i = 0; i < r->n_checks; i++) {
        const struct probe_evidence *p = r->checks[i].probe;
        if (p && isfinite(p->total_ms)) {
            n_probe++;
            scale = p->total_ms > scale ? p->total_ms : scale;
            scale = p->max_ms > scale ? p->max_ms : scale;
        }
        n_log += r->checks[i].log != NULL;
    }
    scale *= 1.08;
    fputs("<section class=\"charts\">\n<div><h2>Latency</h2>\n", out);
    if (!n_probe)
        fputs("<p class=\"note\">No probes were sent.</p>\n", out);
    for (size_t i = 0; i < r->n_checks; i++) {
        const struct check_result *c = &r->checks[i];
        const struct probe_evidence *p = c->probe;
        if (!p || !isfinite(p->total_ms))
            continue;
        double ms = p->total_ms > 0 ? p->total_ms : 0;
        bool over = p->max_ms > 0 && ms > p->max_ms;
        char *path = url_path(p->url);
        fputs("<div class=\"bar\"><span class=\"lbl\" title=\"", out);
        h(out, c->name);
        fputs("\">", out);
        h(out, path);
        fprintf(out, "</span><span class=\"track\"><span class=\"fill%s\" style=\"width:%.1f%%\"></span>",
                over ? " over" : "", 100.0 * ms / scale);
        if (p->max_ms > 0)
            fprintf(out, "<span class=\"budget\" style=\"left:%.1f%%\" title=\"budget %d ms\"></span>",
                    100.0 * p->max_ms / scale, p->max_ms);
        fprintf(out, "</span><span class=\"val\">%.0f ms%s</span></div>\n", ms, over ? " ✕ over" : "");
        free(path);
    }
    fputs("<p class=\"note\">Total time per probe; the dashed line is the latency budget. "
          "Striped bars are over budget.</p>\n</div>\n", out);

    fputs("<div><h2>Log delivery delay</h2>\n", out);
    double dscale = 1;
    for (size_t i = 0; i < r->n_checks; i++) {
        const struct log_evidence *l = r->checks[i].log;
        if (l && l->found_group && isfinite(l->delay_s) && l->delay_s > dscale)
            dscale = l->delay_s;
    }
    dscale *= 1.08;
    if (!n_log)
        fputs("<p class=\"note\">No log lines were looked for.</p>\n", out);
    for (size_t i = 0; i < r->n_checks; i++) {
        const struct check_result *c = &r->checks[i];
        const struct log_evidence *l = c->log;
        if (!l)
            continue;
        fputs("<div class=\"bar\"><span class=\"lbl\" title=\"", out);
        h(out, l->expected_group);
        fputs("\">", out);
        h(out, c->group);
        fputs("</span><span class=\"track\">", out);
        if (l->found_group) {
            double d = isfinite(l->delay_s) && l->delay_s > 0 ? l->delay_s : 0;
            fprintf(out, "<span class=\"fill f-delay\" style=\"width:%.1f%%\"></span></span>"
                         "<span class=\"val\">%.1f s</span></div>\n", 100.0 * d / dscale, d);
        } else {
            fputs("</span><span class=\"val\">✕ not found</span></div>\n", out);
        }
    }
    fputs("<p class=\"note\">From sending the probe to the log event carrying its token.</p>\n</div>\n"
          "</section>\n", out);
}

/* ------------------------------------------------------------ checks */

static void write_check(FILE *out, const struct check_result *c, size_t index)
{
    struct evidence ev;
    evidence_init(&ev, c);
    bool bad = failing(c->status);
    fprintf(out, "<details class=\"check%s\" id=\"check-%zu\"%s><summary>", bad ? " bad" : "", index,
            bad ? " open" : "");
    badge(out, c->status);
    fputs("<span class=\"name\">", out);
    h(out, c->name ? c->name : c->id);
    fputs("</span><span class=\"msg\">", out);
    ht(out, c->message, 240);
    fprintf(out, "</span><span class=\"time\">%.2f s</span></summary>\n<div class=\"ev\">\n",
            isfinite(c->duration_s) && c->duration_s > 0 ? c->duration_s : 0.0);
    if (c->hint) {
        fputs("<div class=\"hint\">Hint: ", out);
        h(out, c->hint);
        fputs("</div>\n", out);
    }
    fputs("<dl>\n<dt>id</dt><dd>", out);
    h(out, c->id);
    fputs("</dd>\n<dt>kind</dt><dd>", out);
    h(out, c->kind);
    fputs("</dd>\n", out);
    if (c->message && strlen(c->message) > 240) {
        fputs("<dt>message</dt><dd>", out);
        h(out, c->message);
        fputs("</dd>\n", out);
    }
    for (size_t i = 0; i < ev.n; i++) {
        if (strcmp(ev.lines[i].key, "hint") == 0)
            continue;
        fputs("<dt>", out);
        h(out, ev.lines[i].key);
        fputs("</dt><dd>", out);
        h(out, ev.lines[i].value);
        fputs("</dd>\n", out);
    }
    fputs("</dl>\n", out);
    if (c->probe && c->probe->body_len) {
        fprintf(out, "<div class=\"cap\">Body excerpt: %zu of %zu bytes%s. Control characters are shown as "
                     "\\xNN, bytes that are not UTF-8 as �.</div>\n<pre class=\"body\">",
                c->probe->body_len, c->probe->body_total, c->probe->body_truncated ? ", truncated" : "");
        char *x = esc_dup(c->probe->body, c->probe->body_len, ESC_HTML, NULL);
        fputs(x, out);
        free(x);
        fputs("</pre>\n", out);
    }
    fputs("</div></details>\n", out);
    evidence_cleanup(&ev);
}

static void write_checks(FILE *out, const struct run_result *r)
{
    fputs("<section><h2>Checks</h2>\n", out);
    if (r->fatal) {
        fputs("<details class=\"check bad\" open><summary>", out);
        badge(out, CHECK_ERROR);
        fputs("<span class=\"name\">run</span><span class=\"msg\">", out);
        h(out, r->fatal);
        fputs("</span></summary></details>\n", out);
    }
    if (!r->n_checks)
        fputs("<p class=\"note\">No checks were run.</p>\n", out);
    const char **seen = xcalloc(r->n_checks + 1, sizeof *seen);
    size_t n_seen = 0;
    for (size_t i = 0; i < r->n_checks; i++) {
        const char *g = r->checks[i].group ? r->checks[i].group : "load-balancer";
        size_t j = 0;
        while (j < n_seen && strcmp(seen[j], g) != 0)
            j++;
        if (j < n_seen)
            continue;
        seen[n_seen++] = g;
        size_t nf = 0, nt = 0;
        for (size_t k = i; k < r->n_checks; k++) {
            const char *g2 = r->checks[k].group ? r->checks[k].group : "load-balancer";
            if (strcmp(g, g2) == 0) {
                nt++;
                nf += failing(r->checks[k].status);
            }
        }
        fputs("<h3>", out);
        h(out, g);
        fprintf(out, " <span class=\"note\">· %zu check%s%s", nt, nt == 1 ? "" : "s", nf ? ", " : "");
        if (nf)
            fprintf(out, "%zu failing", nf);
        fputs("</span></h3>\n", out);
        for (size_t k = i; k < r->n_checks; k++) {
            const char *g2 = r->checks[k].group ? r->checks[k].group : "load-balancer";
            if (strcmp(g, g2) == 0)
                write_check(out, &r->checks[k], k);
        }
    }
    free(seen);
    fputs("</section>\n", out);
}

static void write_footer(FILE *out, const struct run_result *r)
{
    fputs("<footer><div class=\"phases\">", out);
    for (size_t i = 0; i < r->n_timings; i++) {
        fputs("<span>", out);
        h(out, r->timings[i].phase);
        fprintf(out, " %.2f s</span>", isfinite(r->timings[i].seconds) ? r->timings[i].seconds : 0.0);
    }
    if (r->topology && r->topology->n_calls) {
        unsigned calls = 0;
        for (size_t i = 0; i < r->topology->n_calls; i++)
            calls += r->topology->calls[i].calls;
        fprintf(out, "<span>%u AWS calls</span>", calls);
    }
    fputs("</div><p>Generated by albcheck. This file is self-contained: no scripts, "
          "no external resources.</p></footer>\n", out);
}

int report_html_write(FILE *out, const struct run_result *r, const struct report_opts *o,
                      struct err *e)
{
    char *line = report_verdict_line(r);
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; img-src data:\">\n"
          "<meta name=\"referrer\" content=\"no-referrer\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>albcheck ", out);
    h(out, line);
    if (report_suite_name(r, o)) {
        fputs(" — ", out);
        h(out, report_suite_name(r, o));
    }
    fputs("</title>\n<style>\n", out);
    for (size_t i = 0; css[i]; i++)
        fputs(css[i], out);
    fputs("</style>\n</head>\n<body>\n", out);
    free(line);
    write_header(out, r, o);
    fputs("<main class=\"wrap\">\n", out);
    write_counts(out, r);
    write_failures(out, r);
    write_topology(out, r);
    write_routes(out, r);
    write_charts(out, r);
    write_checks(out, r);
    write_footer(out, r);
    fputs("</main>\n</body>\n</html>\n", out);
    if (ferror(out))
        return err_set(e, ERR_IO, "writing HTML: %s", strerror(errno ? errno : EIO));
    return 0;
}
