/* test_probe_assert.c — unit tests for the probe module's pure pieces:
 * status ranges, regexes on binary bodies, header and latency expectations,
 * origin classification, tokens and trace ids, query appending, --connect-to
 * parsing, redaction, and recording outcomes as checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/result.h"
#include "probe/probe.h"
#include "util/xmalloc.h"

static pcre2_code *re_compile(const char *src, uint32_t opts)
{
    int ec;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED, opts, &ec, &off, NULL);
    assert_non_null(re);
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    return re;
}

static bool posix_match(const char *pattern, const char *s)
{
    regex_t r;
    bool m;
    assert_int_equal(regcomp(&r, pattern, REG_EXTENDED | REG_NOSUB), 0);
    m = regexec(&r, s, 0, NULL, 0) == 0;
    regfree(&r);
    return m;
}

/* ------------------------------------------------------------ status */

static void status_ranges(void **state)
{
    (void)state;
    struct status_range r[] = { { 200, 200 }, { 301, 302 }, { 500, 599 } };
    struct expect x = { .status = r, .n_status = 3 };
    static const struct { int status; bool ok; } cases[] = {
        { 200, true }, { 201, false }, { 300, false }, { 301, true }, { 302, true },
        { 303, false }, { 499, false }, { 500, true }, { 599, true }, { 600, false },
        { 0, false },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(probe_status_matches(&x, cases[i].status), cases[i].ok);
    x.n_status = 0;
    assert_true(probe_status_matches(&x, 418));
}

/* ------------------------------------------------------------ regex */

static void regex_binary_bodies(void **state)
{
    (void)state;
    static const unsigned char body[] = "ok\0\x1b[31mred\xff\xfe<script>x</script>";
    size_t len = sizeof body - 1;
    pcre2_code *after_nul = re_compile("red\\xff", 0);
    pcre2_code *script = re_compile("<script>[a-z]+</script>$", 0);
    pcre2_code *absent = re_compile("Hello", 0);
    pcre2_code *utf = re_compile("red", PCRE2_UTF);
    static const unsigned char good_utf[] = "caf\xc3\xa9 red";

    assert_int_equal(probe_regex_match(after_nul, body, len), 1);
    assert_int_equal(probe_regex_match(script, body, len), 1);
    assert_int_equal(probe_regex_match(absent, body, len), 0);
    /* Only the first 2 bytes: the match past the NUL must not be seen. */
    assert_int_equal(probe_regex_match(after_nul, body, 2), 0);
    /* A UTF pattern on invalid UTF-8 is an error, never a crash or a match. */
    assert_int_equal(probe_regex_match(utf, body, len), -1);
    assert_int_equal(probe_regex_match(utf, good_utf, sizeof good_utf - 1), 1);
    assert_int_equal(probe_regex_match(absent, NULL, 0), 0);
    pcre2_code_free(after_nul);
    pcre2_code_free(script);
    pcre2_code_free(absent);
    pcre2_code_free(utf);
}

static void printable_escapes(void **state)
{
    (void)state;
    static const struct { const char *in; size_t len, max; const char *out; } cases[] = {
        { "plain text", 10, 200, "plain text" },
        { "a\0b", 3, 200, "a\\x00b" },
        { "\x1b[0m", 4, 200, "\\x1b[0m" },
        { "line\r\n\t", 7, 200, "line\\r\\n\\t" },
        { "\xff\xfe", 2, 200, "\\xff\\xfe" },
        { "back\\slash", 10, 200, "back\\\\slash" },
        { "abcdef", 6, 3, "abc..." },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = probe_printable((const unsigned char *)cases[i].in, cases[i].len, cases[i].max);
        assert_string_equal(s, cases[i].out);
        free(s);
    }
}

/* ------------------------------------------------------------ assertions */

static struct kv hdr_server_app[] = {
    { (char *)"Server", (char *)"gunicorn" },
    { (char *)"content-type", (char *)"text/plain; charset=utf-8" },
    { (char *)"X-Service", (char *)"auth" },
};

static struct probe_evidence evidence(int status, const char *body)
{
    struct probe_evidence ev;
    memset(&ev, 0, sizeof ev);
    ev.status = status;
    ev.body = (unsigned char *)body;
    ev.body_len = body ? strlen(body) : 0;
    ev.body_total = ev.body_len;
    ev.url = (char *)"http://alb.test/auth/login";
    ev.origin = ORIGIN_SERVICE;
    ev.origin_detail = (char *)"200 from the service";
    ev.total_ms = 40;
    ev.ttfb_ms = 30;
    return ev;
}

static void header_expectations(void **state)
{
    (void)state;
    struct status_range ok = { 200, 200 };
    pcre2_code *ct = re_compile("^text/plain", 0);
    pcre2_code *json = re_compile("json", 0);
    struct header_expect hx[] = {
        { .name = (char *)"x-service", .equals = (char *)"auth" },
        { .name = (char *)"CONTENT-TYPE", .regex_src = (char *)"^text/plain", .regex = ct },
        { .name = (char *)"X-Powered-By", .absent = true },
    };
    struct expect x = { .status = &ok, .n_status = 1, .headers = hx, .n_headers = 3,
                        .cert_min_days = -1 };
    struct probe_evidence ev = evidence(200, "hi");
    char *m = probe_assert(&x, &ev, hdr_server_app, 3, 0);
    assert_null(m);

    hx[0].equals = (char *)"orders";
    hx[1].regex = json;
    hx[1].regex_src = (char *)"json";
    hx[2].name = (char *)"Server";
    m = probe_assert(&x, &ev, hdr_server_app, 3, 0);
    assert_non_null(m);
    assert_non_null(strstr(m, "header x-service is \"auth\", expected \"orders\""));
    assert_non_null(strstr(m, "does not match /json/"));
    assert_non_null(strstr(m, "header Server should be absent but is \"gunicorn\""));
    free(m);

    hx[0].name = (char *)"X-Missing";
    hx[0].equals = NULL;
    x.n_headers = 1;
    m = probe_assert(&x, &ev, hdr_server_app, 3, 0);
    assert_string_equal(m, "header X-Missing is missing");
    free(m);
    pcre2_code_free(ct);
    pcre2_code_free(json);
}

static void body_and_budget(void **state)
{
    (void)state;
    struct status_range ok = { 200, 299 };
    pcre2_code *re = re_compile("Hello from Auth", 0);
    struct expect x = { .status = &ok, .n_status = 1, .body_src = (char *)"Hello from Auth",
                        .body_re = re, .max_ms = 100, .cert_min_days = -1 };
    struct probe_evidence ev = evidence(204, "Hello from Auth Service");
    char *m = probe_assert(&x, &ev, NULL, 0, 0);
    assert_null(m);

    ev.total_ms = 250;
    m = probe_assert(&x, &ev, NULL, 0, 0);
    assert_non_null(m);
    assert_non_null(strstr(m, "took 250 ms, over the latency budget of 100 ms"));
    free(m);

    /* The failure shows the first 200 bytes of the body, made printable. */
    {
        char big[400];
        memset(big, 'z', sizeof big - 1);
        big[0] = '\x1b';
        big[sizeof big - 1] = '\0';
        ev = evidence(200, big);
        m = probe_assert(&x, &ev, NULL, 0, 0);
        assert_non_null(strstr(m, "body does not match /Hello from Auth/"));
        assert_non_null(strstr(m, "\"\\x1bzzz"));
        assert_null(strchr(m, '\x1b'));
        assert_non_null(strstr(m, "zzz...\""));
        assert_null(strstr(m, "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
                              "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
                              "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"));
        free(m);
    }
    pcre2_code_free(re);
}

static void cert_days(void **state)
{
    (void)state;
    struct expect x = { .cert_min_days = 30 };
    struct probe_evidence ev = evidence(200, "");
    char *m;

    ev.url = (char *)"https://alb.test/";
    ev.cert_not_after_s = 1798761600;  /* 2027-01-01 00:00:00 UTC */
    ev.cert_days_left = 10;
    m = probe_assert(&x, &ev, NULL, 0, 0);
    assert_non_null(m);
    assert_string_equal(m, "certificate expires on 2027-01-01 00:00:00 UTC, in 10 days; at least 30 required");
    free(m);
    ev.cert_days_left = 31;
    assert_null(probe_assert(&x, &ev, NULL, 0, 0));
    ev.cert_days_left = -3;
    m = probe_assert(&x, &ev, NULL, 0, 0);
    assert_string_equal(m, "certificate expired on 2027-01-01 00:00:00 UTC");
    free(m);
    /* With a clock: days counted from now_s, whatever was recorded. */
    ev.cert_days_left = 999;
    m = probe_assert(&x, &ev, NULL, 0, 1798761600 - 12 * 86400 - 5);
    assert_string_equal(m, "certificate expires on 2027-01-01 00:00:00 UTC, in 12 days; at least 30 required");
    free(m);
    m = probe_assert(&x, &ev, NULL, 0, 1798761600 + 60);
    assert_string_equal(m, "certificate expired on 2027-01-01 00:00:00 UTC");
    free(m);
    assert_null(probe_assert(&x, &ev, NULL, 0, 1798761600 - 30 * 86400));
    x.cert_min_days = 0;
    assert_null(probe_assert(&x, &ev, NULL, 0, 1798761600 - 60));
    /* Not checked over plain HTTP. */
    ev.url = (char *)"http://alb.test/";
    assert_null(probe_assert(&x, &ev, NULL, 0, 0));
}

/* ------------------------------------------------------------ origin */

static void origin_table(void **state)
{
    (void)state;
    struct rule_action fixed = { .type = (char *)"fixed-response", .fixed_status = 404,
                                 .fixed_content_type = (char *)"text/plain",
                                 .fixed_body = (char *)"no route" };
    struct probe_route none_healthy = { "auth-tg", 0, 2, NULL };
    struct probe_route none_registered = { "auth-tg", 0, 0, NULL };
    struct probe_route some_healthy = { "auth-tg", 2, 2, NULL };
    struct probe_route with_fixed = { NULL, -1, -1, &fixed };
    struct probe_route order = { "order-tg", -1, -1, NULL };
    struct kv elb[] = { { (char *)"Server", (char *)"awselb/2.0" },
                        { (char *)"Content-Type", (char *)"text/html" } };
    struct kv elb_plain[] = { { (char *)"server", (char *)"awselb/2.0" },
                              { (char *)"Content-Type", (char *)"text/plain; charset=utf-8" } };
    struct kv app[] = { { (char *)"Server", (char *)"gunicorn" } };
    static const char *const no_route = "no route";
    struct {
        int status;
        struct kv *h;
        size_t nh;
        const char *body;
        const struct probe_route *route;
        enum probe_origin origin;
        const char *detail;
    } cases[] = {
        { 503, elb, 2, "x", &none_healthy, ORIGIN_LOAD_BALANCER,
          "503 from the load balancer: auth-tg has no healthy targets" },
        { 503, elb, 2, "x", &none_registered, ORIGIN_LOAD_BALANCER,
          "503 from the load balancer: auth-tg has no registered targets" },
        { 503, elb, 2, "x", &some_healthy, ORIGIN_LOAD_BALANCER,
          "503 from the load balancer: auth-tg had 2 healthy targets at discovery; the targets "
          "may have gone away since or be overloaded" },
        { 502, elb, 2, "x", &order, ORIGIN_LOAD_BALANCER,
          "502 from the load balancer: a target of order-tg closed the connection or sent a "
          "malformed answer" },
        { 504, elb, 2, "x", &order, ORIGIN_LOAD_BALANCER,
          "504 from the load balancer: a target of order-tg did not answer in time" },
        { 503, elb, 2, "x", NULL, ORIGIN_LOAD_BALANCER,
          "503 from the load balancer: no target group is routed for this request (or the "
          "rule's target group is empty)" },
        { 404, elb_plain, 2, no_route, &with_fixed, ORIGIN_LOAD_BALANCER,
          "404 from the load balancer: the listener's fixed response (text/plain, \"no route\")" },
        /* A fixed response is recognised by its content even without awselb. */
        { 404, elb_plain + 1, 1, no_route, &with_fixed, ORIGIN_LOAD_BALANCER,
          "404 from the load balancer: the listener's fixed response (text/plain, \"no route\")" },
        { 404, elb_plain, 2, "other", &with_fixed, ORIGIN_LOAD_BALANCER,
          "404 from the load balancer (Server: awselb/2.0), not the listener's configured "
          "fixed response (404)" },
        { 404, app, 1, no_route, &with_fixed, ORIGIN_SERVICE,
          "404 from the service (Server: gunicorn)" },
        { 301, elb, 2, "", NULL, ORIGIN_LOAD_BALANCER,
          "301 from the load balancer itself (Server: awselb/2.0)" },
        { 503, app, 1, "busy", &order, ORIGIN_SERVICE, "503 from a service target (the rules send it to order-tg)" },
        { 200, NULL, 0, "", NULL, ORIGIN_SERVICE, "200 from the service" },
        { 0, NULL, 0, "", &order, ORIGIN_NONE, "no answer" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *d = NULL;
        enum probe_origin o = probe_classify_origin(
            cases[i].status, cases[i].h, cases[i].nh, (const unsigned char *)cases[i].body,
            strlen(cases[i].body), cases[i].route, &d);
        assert_int_equal(o, cases[i].origin);
        assert_string_equal(d, cases[i].detail);
        free(d);
    }
}

static void lb_answer_messages(void **state)
{
    (void)state;
    struct status_range ok = { 200, 200 };
    struct status_range nf = { 404, 404 };
    struct expect x = { .status = &ok, .n_status = 1, .cert_min_days = -1 };
    struct probe_evidence ev = evidence(503, "");
    char *m;

    ev.origin = ORIGIN_LOAD_BALANCER;
    ev.origin_detail = (char *)"503 from the load balancer: auth-tg has no healthy targets";
    m = probe_assert(&x, &ev, NULL, 0, 0);
    assert_string_equal(m, "503 from the load balancer: auth-tg has no healthy targets (expected 200)");
    free(m);

    /* Expected from the load balancer, but a service answered. */
    x.status = &nf;
    x.from = FROM_LOAD_BALANCER;
    ev = evidence(404, "");
    m = probe_assert(&x, &ev, hdr_server_app, 3, 0);
    assert_string_equal(m, "expected an answer from the load balancer itself, but the service "
                           "answered (404, Server: gunicorn)");
    free(m);

    /* Expected from the service, the load balancer answered with the right status. */
    x.from = FROM_SERVICE;
    ev.origin = ORIGIN_LOAD_BALANCER;
    ev.origin_detail = (char *)"404 from the load balancer: the listener's fixed response";
    m = probe_assert(&x, &ev, NULL, 0, 0);
    assert_string_equal(m, "404 from the load balancer: the listener's fixed response — expected an "
                           "answer from the service");
    free(m);
}

/* ------------------------------------------------------------ tokens */

static void token_and_trace_formats(void **state)
{
    (void)state;
    char *run = probe_run_id_new(), *run2 = probe_run_id_new();
    char *tok, *trace;
    char want[32];

    assert_true(posix_match("^[0-9a-f]{8}$", run));
    assert_string_not_equal(run, run2);
    tok = probe_token(run, 12);
    snprintf(want, sizeof want, "albcheck-%s-12", run);
    assert_string_equal(tok, want);
    assert_memory_equal(tok, PROBE_TOKEN_PREFIX, strlen(PROBE_TOKEN_PREFIX));
    trace = probe_trace_id_new(1764331200); /* 0x69298ec0 */
    assert_true(posix_match("^Root=1-69298ec0-[0-9a-f]{24}$", trace));
    free(trace);
    trace = probe_trace_id_new((int64_t)time(NULL));
    assert_true(posix_match("^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$", trace));
    free(trace);
    free(tok);
    free(run);
    free(run2);
}

static void query_appending(void **state)
{
    (void)state;
    static const struct { const char *path, *param, *value, *out; } cases[] = {
        { "/auth/login", "albcheck", "albcheck-1a2b-1", "/auth/login?albcheck=albcheck-1a2b-1" },
        { "/a?x=1", "albcheck", "t", "/a?x=1&albcheck=t" },
        { "/a?", "albcheck", "t", "/a?albcheck=t" },
        { "/a?x=1&", "albcheck", "t", "/a?x=1&albcheck=t" },
        { "/a#frag", "albcheck", "t", "/a?albcheck=t#frag" },
        { "/a?x=1#f?g", "albcheck", "t", "/a?x=1&albcheck=t#f?g" },
        { "/", "req id", "a&b=c", "/?req%20id=a%26b%3Dc" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = probe_url_add_query(cases[i].path, cases[i].param, cases[i].value);
        assert_string_equal(s, cases[i].out);
        free(s);
    }
}

/* ------------------------------------------------------------ connect-to */

static void connect_to_entries(void **state)
{
    (void)state;
    static const struct { const char *entry; bool ok; } ct[] = {
        { "alb.test:80:127.0.0.1:8080", true },
        { "::127.0.0.1:", true },
        { "alb.test:443:[::1]:8443", true },
        { "[::1]:80:127.0.0.1:81", true },
        { "alb.test:80:127.0.0.1", false },
        { "alb.test:80:127.0.0.1:8080:9", false },
        { "alb.test:http:127.0.0.1:80", false },
        { "alb.test:80:127.0.0.1:70000", false },
        { "alb.test:80:[::1:80", false },
    };
    static const struct { const char *entry; bool ok; } rs[] = {
        { "alb.test:80:127.0.0.1", true },
        { "alb.test:443:[::1]", true },
        { "+alb.test:443:10.0.0.1,10.0.0.2", true },
        { "alb.test:80", false },
        { ":80:127.0.0.1", false },
        { "alb.test::127.0.0.1", false },
        { "alb.test:80:", false },
    };
    struct err e;
    for (size_t i = 0; i < sizeof ct / sizeof ct[0]; i++) {
        err_clear(&e);
        assert_int_equal(probe_connect_to_valid(ct[i].entry, &e), ct[i].ok ? 0 : -1);
        if (!ct[i].ok) {
            assert_int_equal(e.code, ERR_USAGE);
            assert_non_null(strstr(e.msg, ct[i].entry));
        }
    }
    for (size_t i = 0; i < sizeof rs / sizeof rs[0]; i++)
        assert_int_equal(probe_resolve_valid(rs[i].entry, &e), rs[i].ok ? 0 : -1);
}

static void connect_to_env(void **state)
{
    (void)state;
    char **v = NULL;
    size_t n = 0;
    struct err e;

    err_clear(&e);
    assert_int_equal(probe_connect_to_parse_list(" a:80:127.0.0.1:1,b:80:127.0.0.1:2  c:443::3 ,,",
                                                 &v, &n, &e), 0);
    assert_int_equal(n, 3);
    assert_string_equal(v[0], "a:80:127.0.0.1:1");
    assert_string_equal(v[1], "b:80:127.0.0.1:2");
    assert_string_equal(v[2], "c:443::3");

    setenv("ALBCHECK_CONNECT_TO", "d:80:127.0.0.1:4", 1);
    assert_int_equal(probe_connect_to_from_env(&v, &n, &e), 0);
    assert_int_equal(n, 4);
    assert_string_equal(v[3], "d:80:127.0.0.1:4");

    setenv("ALBCHECK_CONNECT_TO", "ok:80:127.0.0.1:4 broken", 1);
    assert_int_equal(probe_connect_to_from_env(&v, &n, &e), -1);
    assert_non_null(strstr(e.msg, "ALBCHECK_CONNECT_TO"));
    assert_non_null(strstr(e.msg, "broken"));
    /* All or nothing: "ok:…" was not kept when "broken" was refused. */
    assert_int_equal(n, 4);

    unsetenv("ALBCHECK_CONNECT_TO");
    assert_int_equal(probe_connect_to_from_env(&v, &n, &e), 0);
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* ------------------------------------------------------------ redaction */

static void redaction(void **state)
{
    (void)state;
    static const struct { const char *name; bool secret; } cases[] = {
        { "Authorization", true }, { "authorization", true }, { "Cookie", true },
        { "Proxy-Authorization", true }, { "X-Api-Key", true }, { "Set-Cookie", true },
        { "X-Auth-Token", true }, { "X-Client-Secret", true }, { "X-Signing-KEY", true },
        { "Content-Type", false }, { "X-Request-Id", false }, { "Host", false },
        { "Accept", false }, { "X-Amzn-Trace-Id", false },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(probe_header_is_secret(cases[i].name), cases[i].secret);
}

/* ------------------------------------------------------------ record */

static void record_outcomes(void **state)
{
    (void)state;
    struct service_spec svc[1] = { { .name = (char *)"auth" } };
    struct suite s = { .services = svc, .n_services = 1 };
    struct probe_spec specs[2] = {
        { .id = (char *)"auth:GET /auth/login", .service = 0, .path = (char *)"/auth/login" },
        { .id = (char *)"probe:unknown", .service = -1, .method = (char *)"POST", .path = (char *)"/nope" },
    };
    struct probe_outcome out[2];
    struct run_result *r = run_result_new("abcd1234");
    struct check_result *c;

    memset(out, 0, sizeof out);
    for (int i = 0; i < 2; i++) {
        out[i].spec = &specs[i];
        out[i].ev = xcalloc(1, sizeof *out[i].ev);
        out[i].ev->method = xstrdup(i ? "POST" : "GET");
        out[i].ev->url = xstrdup("http://alb.test/x");
        out[i].ev->trace_id = xstrdup("Root=1-00000000-000000000000000000000000");
        out[i].ev->status = i ? 503 : 200;
        out[i].ev->origin = i ? ORIGIN_LOAD_BALANCER : ORIGIN_SERVICE;
        out[i].ev->origin_detail = xstrdup(i ? "503 from the load balancer: x" : "200 from the service");
    }
    out[0].status = CHECK_PASS;
    out[0].message = xstrdup("200 from the service in 3 ms");
    out[1].status = CHECK_FAIL;
    out[1].message = xstrdup("503 from the load balancer: x (expected 404)");

    probe_record(r, &s, out, 2);
    assert_int_equal(r->n_checks, 2);
    c = run_check(r, 0);
    assert_string_equal(c->id, "probe:auth:GET /auth/login");
    assert_string_equal(c->name, "probe GET /auth/login");
    assert_string_equal(c->kind, "probe");
    assert_string_equal(c->group, "auth");
    assert_int_equal(c->status, CHECK_PASS);
    assert_non_null(c->probe);
    assert_null(out[0].ev);
    c = run_check(r, 1);
    assert_string_equal(c->id, "probe:probe:unknown");
    assert_string_equal(c->name, "probe POST /nope");
    assert_string_equal(c->group, "load-balancer");
    assert_int_equal(c->status, CHECK_FAIL);
    assert_string_equal(c->message, "503 from the load balancer: x (expected 404)");
    assert_non_null(c->hint);
    {
        bool origin = false;
        for (size_t i = 0; i < c->n_details; i++)
            if (!strcmp(c->details[i].key, "origin") &&
                !strcmp(c->details[i].value, "503 from the load balancer: x"))
                origin = true;
        assert_true(origin);
    }
    assert_int_equal(run_exit_status(r), 1);
    for (int i = 0; i < 2; i++)
        free(out[i].message);
    run_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(status_ranges),
        cmocka_unit_test(regex_binary_bodies),
        cmocka_unit_test(printable_escapes),
        cmocka_unit_test(header_expectations),
        cmocka_unit_test(body_and_budget),
        cmocka_unit_test(cert_days),
        cmocka_unit_test(origin_table),
        cmocka_unit_test(lb_answer_messages),
        cmocka_unit_test(token_and_trace_formats),
        cmocka_unit_test(query_appending),
        cmocka_unit_test(connect_to_entries),
        cmocka_unit_test(connect_to_env),
        cmocka_unit_test(redaction),
        cmocka_unit_test(record_outcomes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
