/* fuzz_report.c — libFuzzer target: whole reports around arbitrary bytes
 * (fuzz_escape.c checks the escaping modes one by one).
 *
 * A synthetic run whose probe body, response header, messages, details and
 * log line are the input is written as JUnit, HTML, JSON, console lines and
 * GitHub annotations/summary.  The JUnit output must be well-formed XML
 * (libxml2), the JSON must parse (jansson) and keep the body exactly (text,
 * or base64 when it is not UTF-8), the HTML must be UTF-8, every GitHub
 * annotation a single line, and an uncoloured console free of ESC bytes.
 */
#include <jansson.h>
#include <libxml/parser.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/result.h"
#include "report/escape.h"
#include "report/report.h"
#include "util/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *out, size_t len)
{
    fprintf(stderr, "%s: %.*s\n", what, (int)(len > 400 ? 400 : len), out);
    abort();
}

static struct run_result *synthetic_run(const uint8_t *data, size_t size)
{
    int n = size > 300 ? 300 : (int)size;
    const char *s = (const char *)data;
    struct run_result *r = run_result_new("fz01");
    r->suite_name = xstrndup(s, size > 40 ? 40 : size);
    r->suite_path = xstrdup("checks/f.json");
    r->region = xstrdup("us-east-1");
    r->alb_name = xstrdup("alb");
    r->alb_dns = xstrndup(s, size > 20 ? 20 : size);
    r->started_ms = 1764331200000;
    r->finished_ms = r->started_ms + 1500;

    size_t i = run_add_check(r, "probe", "auth", "probe:auth:GET /auth/login", "probe GET /auth/login");
    struct check_result *c = run_check(r, i);
    check_set(c, (enum check_status)(size % 5), "body does not match: %.*s", n, s);
    check_hint(c, "look at %.*s", n, s);
    check_detail(c, "body", "%.*s", n, s);
    struct probe_evidence *ev = xcalloc(1, sizeof *ev);
    ev->method = xstrdup("GET");
    ev->url = xstrdup("http://alb/auth/login?albcheck=albcheck-fz01-1");
    ev->status = 200;
    ev->http_version = xstrdup("1.1");
    ev->response_headers = xcalloc(2, sizeof *ev->response_headers);
    ev->response_headers[0].key = xstrdup("Content-Type");
    ev->response_headers[0].value = xstrndup(s, size);
    ev->response_headers[1].key = xstrndup(s, size > 30 ? 30 : size);
    ev->response_headers[1].value = xstrdup("x");
    ev->n_response_headers = 2;
    ev->body = xmalloc(size + 1);
    if (size)
        memcpy(ev->body, data, size);
    ev->body_len = size;
    ev->body_total = size;
    ev->origin = ORIGIN_SERVICE;
    ev->origin_detail = xstrndup(s, size);
    ev->attempts = xcalloc(1, sizeof *ev->attempts);
    ev->attempts[0].status = 200;
    ev->attempts[0].failure = xstrndup(s, size);
    ev->n_attempts = 1;
    c->probe = ev;

    i = run_add_check(r, "logs", "auth", "logs:auth:GET /auth/login", "logs GET /auth/login");
    c = run_check(r, i);
    check_set(c, CHECK_FAIL, "%.*s", n, s);
    struct log_evidence *lg = xcalloc(1, sizeof *lg);
    lg->token = xstrdup("albcheck-fz01-1");
    lg->expected_group = xstrdup("/ecs/auth");
    lg->found_group = xstrdup("/ecs/orders");
    lg->stream = xstrndup(s, size);
    lg->message = xstrndup(s, size);
    lg->pattern = xstrdup("\"albcheck-fz01-\"");
    c->log = lg;

    i = run_add_check(r, "route", "load-balancer", "route:x", "route x");
    c = run_check(r, i);
    check_set(c, CHECK_ERROR, "%.*s", n, s);
    run_add_timing(r, "probes", 1.25);
    return r;
}

static int b64val(char c)
{
    static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = c ? strchr(set, c) : NULL;
    return p ? (int)(p - set) : -1;
}

/* The JSON report keeps the body exactly: as text when it is valid UTF-8
 * without NUL, else as base64 of the raw bytes. */
static void check_json_body(json_t *root, const uint8_t *data, size_t size)
{
    json_t *body = json_object_get(
        json_object_get(json_array_get(json_object_get(root, "checks"), 0), "probe"), "body");
    json_t *text = json_object_get(body, "text");
    json_t *b64 = json_object_get(body, "base64");
    if (!json_is_string(text))
        fail("no body text in the JSON report", "", 0);
    if (json_is_true(json_object_get(body, "valid_utf8"))) {
        if (json_string_length(text) != size || memcmp(json_string_value(text), data, size))
            fail("body text differs from the body", json_string_value(text),
                 json_string_length(text));
        return;
    }
    const char *s = json_string_value(b64);
    if (!s)
        fail("invalid UTF-8 body without base64", "", 0);
    size_t n = strlen(s), o = 0;
    if (n % 4)
        fail("base64 length", s, n);
    for (size_t i = 0; i < n; i += 4) {
        int v[4];
        for (int k = 0; k < 4; k++)
            v[k] = s[i + k] == '=' ? 0 : b64val(s[i + k]);
        if (v[0] < 0 || v[1] < 0 || v[2] < 0 || v[3] < 0)
            fail("base64 alphabet", s, n);
        unsigned w = (unsigned)v[0] << 18 | (unsigned)v[1] << 12 | (unsigned)v[2] << 6 | (unsigned)v[3];
        int bytes = s[i + 2] == '=' ? 1 : s[i + 3] == '=' ? 2 : 3;
        for (int k = 0; k < bytes; k++, o++)
            if (o >= size || data[o] != (uint8_t)(w >> (16 - 8 * k)))
                fail("base64 body differs from the body", s, n);
    }
    if (o != size)
        fail("base64 body length", s, n);
}

static char *write_mem(int (*writer)(FILE *, const struct run_result *, const struct report_opts *,
                                     struct err *),
                       const struct run_result *r, const struct report_opts *o, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    if (!f)
        abort();
    struct err e;
    err_clear(&e);
    if (writer(f, r, o, &e) != 0) {
        fprintf(stderr, "writer failed: %s\n", e.msg);
        abort();
    }
    fclose(f);
    return text;
}

static int github_summary(FILE *f, const struct run_result *r, const struct report_opts *o,
                          struct err *e)
{
    return report_github_summary(f, r, o, e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct run_result *r = synthetic_run(data, size);
    struct report_opts o;
    memset(&o, 0, sizeof o);
    size_t len;

    char *junit = write_mem(report_junit_write, r, &o, &len);
    xmlDocPtr doc = xmlReadMemory(junit, (int)len, "junit.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc)
        fail("JUnit report is not well-formed XML", junit, len);
    xmlFreeDoc(doc);
    free(junit);

    char *json = write_mem(report_json_write, r, &o, &len);
    json_error_t je;
    /* The report may hold "\u0000" (a NUL in the body): valid JSON. */
    json_t *j = json_loadb(json, len, JSON_ALLOW_NUL, &je);
    if (!j) {
        fprintf(stderr, "line %d col %d: %s\n", je.line, je.column, je.text);
        fail("JSON report does not parse", json, len);
    }
    check_json_body(j, data, size);
    json_decref(j);
    free(json);

    char *html = write_mem(report_html_write, r, &o, &len);
    if (!esc_utf8_valid(html, len))
        fail("HTML report is not UTF-8", html, len);
    free(html);

    char *md = write_mem(github_summary, r, &o, &len);
    free(md);

    char *ann = NULL;
    FILE *f = open_memstream(&ann, &len);
    report_github_annotate(f, r);
    struct report_console_opts co = {.color = (size & 1) != 0, .quiet = false, .verbose = 1};
    fclose(f);
    for (size_t k = 0; k < len; k++)
        if (ann[k] == '\n' && k + 1 < len && strncmp(ann + k + 1, "::", 2) != 0)
            fail("GitHub annotation spans lines", ann, len);
    free(ann);

    char *con = NULL;
    f = open_memstream(&con, &len);
    for (size_t k = 0; k < r->n_checks; k++)
        report_console_check(f, &r->checks[k], &co);
    report_console_summary(f, r, &co);
    fclose(f);
    for (size_t k = 0; k < len; k++)
        if (con[k] == 0x1b && !co.color)
            fail("escape byte on an uncoloured console", con, len);
    free(con);

    run_result_free(r);
    return 0;
}
