/* probe_run.c — test driver for the probe engine (test-only code).
 *
 * Reads a small JSON description of probes, a target and options (from the
 * file named as the only argument, or stdin), runs probe_run_all(), records
 * the outcomes with probe_record(), and prints one JSON document on stdout:
 *
 *   input:  {"target": {"scheme": "http", "host": "alb.test", "port": 8080},
 *            "options": {"concurrency": 16, "connect_to": [...], "resolve": [...],
 *                        "connect_to_env": true, "cacert": "...", "insecure": false,
 *                        "body_cap": 65536, "excerpt_cap": 8192, "correlation": "both|query|header|off",
 *                        "query_param": "albcheck", "run_id": "abcd1234",
 *                        "deadline_in_ms": 0},
 *            "probes": [{"id": "auth:GET /x", "service": "auth", "method": "GET",
 *                        "path": "/x", "host": "h", "headers": {"K": "V"},
 *                        "body": "...", "timeout_ms": 2000, "retries": 0,
 *                        "retry_delay_ms": 0,
 *                        "expect": {"status": [200, [500, 599]], "body": "re",
 *                                   "headers": [{"name": "X", "absent": false,
 *                                                "equals": "v", "regex": "re"}],
 *                                   "max_ms": 0, "from": "service|load_balancer",
 *                                   "cert_min_days": -1},
 *                        "route": {"target_group": "auth-tg", "healthy": 0,
 *                                  "registered": 2, "fixed": {"status": 404,
 *                                  "content_type": "text/plain", "body": "..."}}}]}
 *   output: {"run_id": ..., "outcomes": [{...}]}   (see print_outcome)
 *
 * Exit status: 0 when the run happened (whatever the verdicts), 2 on bad input.
 */
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "probe/probe.h"
#include "util/err.h"
#include "util/xmalloc.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static char *sdup(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? xstrdup(s) : NULL;
}

static int ival(json_t *o, const char *k, int def)
{
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (int)json_integer_value(v) : def;
}

static pcre2_code *compile(const char *src)
{
    int ec;
    PCRE2_SIZE off;
    pcre2_code *re;

    if (!src)
        return NULL;
    re = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED, 0, &ec, &off, NULL);
    if (!re) {
        fprintf(stderr, "probe_run: bad regex %s\n", src);
        exit(2);
    }
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    return re;
}

static void load_expect(json_t *x, struct expect *e)
{
    json_t *st = json_object_get(x, "status"), *v;
    size_t i;

    e->cert_min_days = ival(x, "cert_min_days", -1);
    e->max_ms = ival(x, "max_ms", 0);
    if (json_is_integer(st)) {
        e->status = xcalloc(1, sizeof *e->status);
        e->status[0].lo = e->status[0].hi = (int)json_integer_value(st);
        e->n_status = 1;
    } else if (json_is_array(st)) {
        e->status = xcalloc(json_array_size(st) + 1, sizeof *e->status);
        json_array_foreach(st, i, v) {
            if (json_is_array(v)) {
                e->status[i].lo = (int)json_integer_value(json_array_get(v, 0));
                e->status[i].hi = (int)json_integer_value(json_array_get(v, 1));
            } else {
                e->status[i].lo = e->status[i].hi = (int)json_integer_value(v);
            }
        }
        e->n_status = json_array_size(st);
    }
    e->body_src = sdup(x, "body");
    e->body_re = compile(e->body_src);
    {
        const char *from = json_string_value(json_object_get(x, "from"));
        e->from = !from ? FROM_ANY : strcmp(from, "load_balancer") == 0 ? FROM_LOAD_BALANCER
                                                                          : FROM_SERVICE;
    }
    {
        json_t *hs = json_object_get(x, "headers");
        e->n_headers = json_array_size(hs);
        e->headers = xcalloc(e->n_headers + 1, sizeof *e->headers);
        json_array_foreach(hs, i, v) {
            e->headers[i].name = sdup(v, "name");
            e->headers[i].absent = json_is_true(json_object_get(v, "absent"));
            e->headers[i].equals = sdup(v, "equals");
            e->headers[i].regex_src = sdup(v, "regex");
            e->headers[i].regex = compile(e->headers[i].regex_src);
        }
    }
}

static void free_spec(struct probe_spec *p)
{
    free(p->id);
    free(p->name);
    free(p->method);
    free(p->path);
    free(p->host);
    for (size_t i = 0; i < p->n_headers; i++)
        kv_cleanup(&p->headers[i]);
    free(p->headers);
    free(p->body);
    free(p->expect.status);
    free(p->expect.body_src);
    pcre2_code_free(p->expect.body_re);
    for (size_t i = 0; i < p->expect.n_headers; i++) {
        free(p->expect.headers[i].name);
        free(p->expect.headers[i].equals);
        free(p->expect.headers[i].regex_src);
        pcre2_code_free(p->expect.headers[i].regex);
    }
    free(p->expect.headers);
}

static const char *status_name(enum check_status s)
{
    return check_status_name(s);
}

static const char *origin_name(enum probe_origin o)
{
    switch (o) {
    case ORIGIN_SERVICE: return "service";
    case ORIGIN_LOAD_BALANCER: return "load_balancer";
    case ORIGIN_NONE: return "none";
    default: return "unknown";
    }
}

static json_t *kv_obj(const struct kv *kv, size_t n)
{
    json_t *o = json_object();
    for (size_t i = 0; i < n; i++)
        json_object_set_new(o, kv[i].key, json_string(kv[i].value ? kv[i].value : ""));
    return o;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *outcome_json(const struct probe_outcome *o, const struct check_result *c)
{
    json_t *j = json_object();
    const struct probe_evidence *ev = c->probe;

    json_object_set_new(j, "id", json_string(o->spec->id));
    json_object_set_new(j, "verdict", json_string(status_name(o->status)));
    json_object_set_new(j, "message", str_or_null(o->message));
    json_object_set_new(j, "token", str_or_null(o->token));
    json_object_set_new(j, "sent_ms", json_integer(o->sent_ms));
    json_object_set_new(j, "check_id", json_string(c->id));
    json_object_set_new(j, "check_name", json_string(c->name));
    json_object_set_new(j, "check_group", json_string(c->group));
    json_object_set_new(j, "check_status", json_string(status_name(c->status)));
    json_object_set_new(j, "check_message", str_or_null(c->message));
    json_object_set_new(j, "hint", str_or_null(c->hint));
    json_object_set_new(j, "details", kv_obj(c->details, c->n_details));
    if (ev) {
        json_t *atts = json_array();
        char *excerpt = probe_printable(ev->body, ev->body_len, 4096);
        json_object_set_new(j, "method", json_string(ev->method));
        json_object_set_new(j, "url", json_string(ev->url));
        json_object_set_new(j, "trace_id", str_or_null(ev->trace_id));
        json_object_set_new(j, "status", json_integer(ev->status));
        json_object_set_new(j, "http_version", str_or_null(ev->http_version));
        json_object_set_new(j, "remote", str_or_null(ev->remote_addr));
        json_object_set_new(j, "origin", json_string(origin_name(ev->origin)));
        json_object_set_new(j, "origin_detail", str_or_null(ev->origin_detail));
        json_object_set_new(j, "request_headers",
                            kv_obj(ev->request_headers, ev->n_request_headers));
        json_object_set_new(j, "response_headers",
                            kv_obj(ev->response_headers, ev->n_response_headers));
        json_object_set_new(j, "body_len", json_integer((json_int_t)ev->body_len));
        json_object_set_new(j, "body_total", json_integer((json_int_t)ev->body_total));
        json_object_set_new(j, "body_truncated", json_boolean(ev->body_truncated));
        json_object_set_new(j, "body_printable", json_string(excerpt));
        free(excerpt);
        json_object_set_new(j, "body_hex", json_stringn("", 0));
        {
            char *hex = xmalloc(ev->body_len * 2 + 1);
            for (size_t i = 0; i < ev->body_len; i++)
                snprintf(hex + 2 * i, 3, "%02x", ev->body[i]);
            hex[ev->body_len * 2] = '\0';
            json_object_set_new(j, "body_hex", json_string(hex));
            free(hex);
        }
        json_object_set_new(j, "timings", json_pack("{s:f,s:f,s:f,s:f,s:f}",
                            "dns_ms", ev->dns_ms, "connect_ms", ev->connect_ms,
                            "tls_ms", ev->tls_ms, "ttfb_ms", ev->ttfb_ms,
                            "total_ms", ev->total_ms));
        json_object_set_new(j, "cert_subject", str_or_null(ev->cert_subject));
        json_object_set_new(j, "cert_issuer", str_or_null(ev->cert_issuer));
        json_object_set_new(j, "cert_not_after_s", json_integer(ev->cert_not_after_s));
        json_object_set_new(j, "cert_days_left", json_integer(ev->cert_days_left));
        for (size_t i = 0; i < ev->n_attempts; i++)
            json_array_append_new(atts, json_pack("{s:i,s:f,s:o,s:o}",
                                  "status", ev->attempts[i].status,
                                  "total_ms", ev->attempts[i].total_ms,
                                  "error", str_or_null(ev->attempts[i].error),
                                  "failure", str_or_null(ev->attempts[i].failure)));
        json_object_set_new(j, "attempts", atts);
    }
    return j;
}

int main(int argc, char **argv)
{
    json_error_t jerr;
    json_t *in, *probes, *opts, *tgt, *v;
    struct probe_spec *specs = NULL;
    struct probe_route *routes = NULL;
    struct rule_action *fixed = NULL;
    struct suite suite;
    struct probe_options o;
    struct probe_target t;
    struct probe_outcome *outs = NULL;
    struct err e = { 0 };
    struct run_result *rr;
    const char **cto = NULL, **res = NULL;
    char **env_cto = NULL;
    size_t n_env_cto = 0, n, i;
    char *run_id;
    json_t *result, *arr;
    int ret = 2;

    in = argc > 1 ? json_load_file(argv[1], 0, &jerr) : json_loadf(stdin, 0, &jerr);
    if (!in) {
        fprintf(stderr, "probe_run: %s:%d: %s\n", argc > 1 ? argv[1] : "-", jerr.line, jerr.text);
        return 2;
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    memset(&suite, 0, sizeof suite);
    memset(&o, 0, sizeof o);
    opts = json_object_get(in, "options");
    tgt = json_object_get(in, "target");
    probes = json_object_get(in, "probes");
    n = json_array_size(probes);

    t.scheme = json_string_value(json_object_get(tgt, "scheme"));
    t.host = json_string_value(json_object_get(tgt, "host"));
    t.port = ival(tgt, "port", 0);

    o.concurrency = ival(opts, "concurrency", 0);
    o.body_cap = (size_t)ival(opts, "body_cap", 0);
    o.excerpt_cap = (size_t)ival(opts, "excerpt_cap", 0);
    o.cacert = json_string_value(json_object_get(opts, "cacert"));
    o.insecure = json_is_true(json_object_get(opts, "insecure"));
    o.query_param = json_string_value(json_object_get(opts, "query_param"));
    {
        const char *c = json_string_value(json_object_get(opts, "correlation"));
        o.correlation = !c || !strcmp(c, "both") ? CORR_BOTH : !strcmp(c, "query") ? CORR_QUERY
                        : !strcmp(c, "header") ? CORR_HEADER : CORR_OFF;
    }
    run_id = json_string_value(json_object_get(opts, "run_id"))
                 ? xstrdup(json_string_value(json_object_get(opts, "run_id")))
                 : probe_run_id_new();
    o.run_id = run_id;
    o.stop = &stop_flag;
    if (ival(opts, "deadline_in_ms", 0) > 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        o.deadline_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 +
                        ival(opts, "deadline_in_ms", 0);
    }
    {
        json_t *l = json_object_get(opts, "connect_to");
        size_t k = json_array_size(l), cap = 0;
        if (json_is_true(json_object_get(opts, "connect_to_env")) &&
            probe_connect_to_from_env(&env_cto, &n_env_cto, &e) < 0) {
            fprintf(stderr, "probe_run: %s\n", e.msg);
            goto out;
        }
        cto = xcalloc(k + n_env_cto + 1, sizeof *cto);
        json_array_foreach(l, i, v)
            cto[cap++] = json_string_value(v);
        for (i = 0; i < n_env_cto; i++)
            cto[cap++] = env_cto[i];
        o.connect_to = cto;
        o.n_connect_to = cap;
        l = json_object_get(opts, "resolve");
        res = xcalloc(json_array_size(l) + 1, sizeof *res);
        json_array_foreach(l, i, v)
            res[i] = json_string_value(v);
        o.resolve = res;
        o.n_resolve = json_array_size(l);
    }

    specs = xcalloc(n + 1, sizeof *specs);
    routes = xcalloc(n + 1, sizeof *routes);
    fixed = xcalloc(n + 1, sizeof *fixed);
    suite.services = xcalloc(n + 1, sizeof *suite.services);
    json_array_foreach(probes, i, v) {
        struct probe_spec *p = &specs[i];
        json_t *h = json_object_get(v, "headers"), *r = json_object_get(v, "route");
        const char *k;
        json_t *hv;
        size_t cap = 0;

        p->id = sdup(v, "id");
        if (!p->id)
            p->id = xasprintf("p%zu", i + 1);
        p->method = sdup(v, "method");
        p->path = sdup(v, "path");
        p->host = sdup(v, "host");
        p->body = sdup(v, "body");
        p->timeout_ms = ival(v, "timeout_ms", 3000);
        p->retries = ival(v, "retries", 0);
        p->retry_delay_ms = ival(v, "retry_delay_ms", 0);
        p->service = -1;
        if (json_string_value(json_object_get(v, "service"))) {
            suite.services[suite.n_services].name = (char *)json_string_value(json_object_get(v, "service"));
            p->service = (int)suite.n_services++;
        }
        json_object_foreach(h, k, hv) {
            struct kv *kv = xarray_push((void **)&p->headers, &p->n_headers, &cap, sizeof *kv);
            kv->key = xstrdup(k);
            kv->value = xstrdup(json_string_value(hv));
        }
        p->expect.cert_min_days = -1;
        if (json_object_get(v, "expect"))
            load_expect(json_object_get(v, "expect"), &p->expect);
        routes[i].healthy_targets = -1;
        routes[i].registered_targets = -1;
        if (r) {
            json_t *f = json_object_get(r, "fixed");
            routes[i].target_group = json_string_value(json_object_get(r, "target_group"));
            routes[i].healthy_targets = ival(r, "healthy", -1);
            routes[i].registered_targets = ival(r, "registered", -1);
            if (f) {
                fixed[i].type = (char *)"fixed-response";
                fixed[i].fixed_status = ival(f, "status", 0);
                fixed[i].fixed_content_type = (char *)json_string_value(json_object_get(f, "content_type"));
                fixed[i].fixed_body = (char *)json_string_value(json_object_get(f, "body"));
                routes[i].fixed = &fixed[i];
            }
        }
    }

    if (probe_run_all(specs, n, routes, &t, &o, &outs, &e) < 0) {
        fprintf(stderr, "probe_run: %s\n", e.msg);
        goto out;
    }
    rr = run_result_new(run_id);
    probe_record(rr, &suite, outs, n);
    result = json_object();
    arr = json_array();
    json_object_set_new(result, "run_id", json_string(run_id));
    for (i = 0; i < n; i++)
        json_array_append_new(arr, outcome_json(&outs[i], run_check(rr, i)));
    json_object_set_new(result, "outcomes", arr);
    json_dumpf(result, stdout, JSON_INDENT(1));
    fputc('\n', stdout);
    json_decref(result);
    run_result_free(rr);
    ret = 0;

out:
    probe_outcomes_free(outs, n);
    for (i = 0; specs && i < n; i++)
        free_spec(&specs[i]);
    free(specs);
    free(routes);
    free(fixed);
    free(suite.services);
    free(cto);
    free(res);
    for (i = 0; i < n_env_cto; i++)
        free(env_cto[i]);
    free(env_cto);
    free(run_id);
    json_decref(in);
    return ret;
}
