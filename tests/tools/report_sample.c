/* report_sample.c — writes every report for three synthetic runs, for the
 * report tests: a passing run, a failing run (unhealthy targets, a misroute,
 * a log line missing, an error, a skip, a flaky probe) and a run whose
 * response body is hostile (<script>, an <img> pointing at a loopback port,
 * "]]>", every C0 control including NUL and ESC, invalid UTF-8, 64 KiB).
 *
 *   report_sample OUTDIR [PORT]
 *
 * writes OUTDIR/{pass,fail,hostile,unreachable}.{xml,html,json,md,gh} (.md the
 * GitHub step summary, .gh the ::error annotations; "unreachable" is a run
 * where AWS could not be reached: no topology, no checks, a run-level error).
 * With GITHUB_ACTIONS=true, report_write_all() also prints the annotations on
 * stdout and appends to $GITHUB_STEP_SUMMARY.  PORT is the port the hostile <img>
 * points at (default 9).
 *
 *   report_sample --stdout FORMATS
 *
 * writes the failing run's reports for the comma-separated FORMATS (junit,
 * html, json) with the path "-" (stdout) through report_write_all().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/result.h"
#include "model/topology.h"
#include "report/report.h"
#include "util/err.h"
#include "util/xmalloc.h"

#define T0 1795867200000LL /* 2026-11-28T12:00:00Z */

static const char *svc_names[3] = {"auth", "orders", "products"};

static struct topology *make_topology(bool unhealthy)
{
    struct topology *t = topology_new();
    t->region = xstrdup("eu-west-1");
    t->account_id = xstrdup("123456789012");
    t->lb.name = xstrdup("shop-alb");
    t->lb.arn = xstrdup("arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/shop-alb/50dc6c495c0c9188");
    t->lb.dns_name = xstrdup("shop-alb-1234567890.eu-west-1.elb.amazonaws.com");
    t->lb.scheme = xstrdup("internet-facing");
    t->lb.state = xstrdup("active");
    t->discovery_s = 0.84;
    t->discovered_ms = T0;

    t->n_target_groups = 3;
    t->target_groups = xcalloc(3, sizeof *t->target_groups);
    t->n_task_defs = 3;
    t->task_defs = xcalloc(3, sizeof *t->task_defs);
    t->n_services = 3;
    t->services = xcalloc(3, sizeof *t->services);
    for (int i = 0; i < 3; i++) {
        struct target_group *tg = &t->target_groups[i];
        tg->name = xasprintf("%s-tg", svc_names[i]);
        tg->arn = xasprintf("arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/%s-tg/%04d", svc_names[i], i);
        tg->protocol = xstrdup("HTTP");
        tg->port = 8080;
        tg->target_type = xstrdup("ip");
        tg->hc_path = xasprintf("/%s/health", svc_names[i]);
        tg->n_targets = (size_t)(i == 2 ? 3 : 2);
        tg->targets = xcalloc(tg->n_targets, sizeof *tg->targets);
        for (size_t k = 0; k < tg->n_targets; k++) {
            struct target *x = &tg->targets[k];
            x->id = xasprintf("10.0.%d.%zu", i + 1, 10 + k);
            x->port = 8080;
            x->availability_zone = xstrdup(k % 2 ? "eu-west-1b" : "eu-west-1a");
            x->task_id = xasprintf("%c%zu3f9e2a7b64c1", 'a' + i, k);
            if (unhealthy && i == 1) {
                x->state = xstrdup(k == 0 ? "unhealthy" : "draining");
                x->reason = xstrdup(k == 0 ? "Target.FailedHealthChecks" : "Target.DeregistrationInProgress");
            } else if (unhealthy && i == 2 && k == 2) {
                x->state = xstrdup("initial");
                x->reason = xstrdup("Elb.RegistrationInProgress");
            } else {
                x->state = xstrdup("healthy");
            }
        }
        struct task_def *td = &t->task_defs[i];
        td->family = xstrdup(svc_names[i]);
        td->revision = 7;
        td->arn = xasprintf("arn:aws:ecs:eu-west-1:123456789012:task-definition/%s:7", svc_names[i]);
        td->n_containers = 1;
        td->containers = xcalloc(1, sizeof *td->containers);
        td->containers[0].name = xstrdup(svc_names[i]);
        td->containers[0].log_group = xasprintf("/ecs/shop/%s", svc_names[i]);
        td->containers[0].container_port = 8080;
        struct ecs_service *s = &t->services[i];
        s->name = xstrdup(svc_names[i]);
        s->arn = xasprintf("arn:aws:ecs:eu-west-1:123456789012:service/shop/%s", svc_names[i]);
        s->status = xstrdup("ACTIVE");
        s->desired = 2;
        s->running = unhealthy && i == 1 ? 1 : 2;
        s->task_definition = xstrdup(td->arn);
        s->task_def = td;
        s->n_load_balancers = 1;
        s->load_balancers = xcalloc(1, sizeof *s->load_balancers);
        s->load_balancers[0].target_group_arn = xstrdup(tg->arn);
    }

    t->n_listeners = 1;
    t->listeners = xcalloc(1, sizeof *t->listeners);
    struct listener *l = &t->listeners[0];
    l->protocol = xstrdup("HTTP");
    l->port = 80;
    l->arn = xstrdup("arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shop-alb/50dc/f0e1");
    l->n_rules = 4;
    l->rules = xcalloc(4, sizeof *l->rules);
    for (int i = 0; i < 4; i++) {
        struct rule *ru = &l->rules[i];
        ru->n_actions = 1;
        ru->actions = xcalloc(1, sizeof *ru->actions);
        if (i == 3) {
            ru->is_default = true;
            ru->priority = 2147483647;
            ru->actions[0].type = xstrdup("fixed-response");
            ru->actions[0].fixed_status = 404;
            continue;
        }
        ru->priority = 10 * (i + 1);
        ru->n_conditions = 1;
        ru->conditions = xcalloc(1, sizeof *ru->conditions);
        ru->conditions[0].field = xstrdup("path-pattern");
        ru->conditions[0].n_values = 1;
        ru->conditions[0].values = xcalloc(1, sizeof(char *));
        ru->conditions[0].values[0] = xasprintf("/%s/*", svc_names[i]);
        ru->actions[0].type = xstrdup("forward");
        ru->actions[0].n_targets = 1;
        ru->actions[0].targets = xcalloc(1, sizeof *ru->actions[0].targets);
        ru->actions[0].targets[0].target_group_arn = xstrdup(t->target_groups[i].arn);
        ru->actions[0].targets[0].weight = 1;
    }
    return t;
}

static void set_body(struct probe_evidence *p, const void *b, size_t n)
{
    p->body = xmalloc(n + 1);
    memcpy(p->body, b, n);
    p->body_len = n;
    p->body_total = n;
}

static struct probe_evidence *make_probe(const char *path, int status, double ms, const char *body)
{
    struct probe_evidence *p = xcalloc(1, sizeof *p);
    p->method = xstrdup("GET");
    p->url = xasprintf("http://shop-alb-1234567890.eu-west-1.elb.amazonaws.com%s?albcheck=tok-%s", path, path + 1);
    p->remote_addr = xstrdup("52.18.4.7:80");
    p->token = xasprintf("tok-%s", path + 1);
    p->trace_id = xstrdup("Root=1-67891233-abcdef012345678912345678");
    p->n_request_headers = 1;
    p->request_headers = xcalloc(1, sizeof *p->request_headers);
    p->request_headers[0].key = xstrdup("X-Request-Id");
    p->request_headers[0].value = xstrdup(p->token);
    p->status = status;
    p->http_version = xstrdup("HTTP/1.1");
    p->n_response_headers = 2;
    p->response_headers = xcalloc(2, sizeof *p->response_headers);
    p->response_headers[0].key = xstrdup("Content-Type");
    p->response_headers[0].value = xstrdup("application/json");
    p->response_headers[1].key = xstrdup("Server");
    p->response_headers[1].value = xstrdup("gunicorn");
    if (body)
        set_body(p, body, strlen(body));
    p->dns_ms = 1.2;
    p->connect_ms = 3.4;
    p->ttfb_ms = ms * 0.8;
    p->total_ms = ms;
    p->max_ms = 500;
    p->origin = status ? ORIGIN_SERVICE : ORIGIN_NONE;
    p->n_attempts = 1;
    p->attempts = xcalloc(1, sizeof *p->attempts);
    p->attempts[0].status = status;
    p->attempts[0].total_ms = ms;
    return p;
}

static struct log_evidence *make_log(int svc, const char *token, bool found, double delay_s)
{
    struct log_evidence *l = xcalloc(1, sizeof *l);
    l->token = xstrdup(token);
    l->expected_group = xasprintf("/ecs/shop/%s", svc_names[svc]);
    if (found) {
        l->found_group = xstrdup(l->expected_group);
        l->stream = xasprintf("ecs/%s/%c03f9e2a7b64c1", svc_names[svc], 'a' + svc);
        l->task_id = xasprintf("%c03f9e2a7b64c1", 'a' + svc);
        l->message = xasprintf("10.0.0.5 - - \"GET /%s/x?albcheck=%s HTTP/1.1\" 200 17", svc_names[svc], token);
        l->event_ms = T0 + 2000;
        l->delay_s = delay_s;
    }
    l->searched_groups = xcalloc(3, sizeof(char *));
    for (int i = 0; i < 3; i++)
        l->searched_groups[i] = xasprintf("/ecs/shop/%s", svc_names[i]);
    l->n_searched_groups = 3;
    l->pattern = xasprintf("\"%s\"", token);
    l->polls = found ? 2 : 12;
    return l;
}

static struct check_result *add(struct run_result *r, const char *kind, const char *group,
                                const char *id, const char *name, enum check_status st,
                                const char *msg)
{
    size_t i = run_add_check(r, kind, group, id, name);
    struct check_result *c = run_check(r, i);
    check_set(c, st, "%s", msg);
    c->started_ms = T0 + (int64_t)i * 50;
    c->duration_s = 0.01 * (double)(i + 1);
    return c;
}

enum scenario { PASSING, FAILING, HOSTILE, UNREACHABLE };

static unsigned char *hostile_body(int port, size_t *len)
{
    size_t cap = 64 * 1024;
    unsigned char *b = xcalloc(1, cap);
    size_t n = 0;
    char head[512];
    int h = snprintf(head, sizeof head,
                     "<script>document.title='PWNED'</script>"
                     "<img src=\"http://127.0.0.1:%d/fetched\">"
                     "]]> </system-out></testcase> --><!-- &amp; &#0; \"quoted\" 'single' ",
                     port);
    memcpy(b, head, (size_t)h);
    n = (size_t)h;
    for (int c = 0; c < 0x20; c++)      /* every C0 control, NUL and ESC included */
        b[n++] = (unsigned char)c;
    b[n++] = 0x7f;
    static const unsigned char bad[] = {
        0xc0, 0xaf,             /* overlong '/' */
        0xe0, 0x80, 0xaf,       /* overlong, 3 bytes */
        0xed, 0xa0, 0x80,       /* surrogate U+D800 */
        0xf4, 0x90, 0x80, 0x80, /* past U+10FFFF */
        0xff, 0xfe,             /* never valid */
        0xc3,                   /* truncated */
        ' ', 0xef, 0xbf, 0xbe,  /* U+FFFE */
        ' ', 0xc2, 0x85,        /* C1 NEL */
        ' ', 0x1b, '[', '2', 'J', 0x1b, ']', '0', ';', 'x', 0x07,
    };
    memcpy(b + n, bad, sizeof bad);
    n += sizeof bad;
    while (n < cap)                     /* fill to 64 KiB */
        b[n] = (unsigned char)("filler <b>bold</b> & more\n"[n % 26]), n++;
    *len = n;
    return b;
}

static struct run_result *make_run(enum scenario sc, struct topology **topo_out, int port)
{
    static const char *ids[] = {"pass-0001", "fail-0002", "hostile-0003", "unreachable-0004"};
    struct run_result *r = run_result_new(ids[sc]);
    if (sc == UNREACHABLE) {
        *topo_out = NULL;
        r->suite_name = xstrdup("shop microservices");
        r->region = xstrdup("eu-west-1");
        r->started_ms = T0;
        r->finished_ms = T0 + 3100;
        r->fatal = xstrdup("DescribeLoadBalancers: could not connect to "
                           "https://elasticloadbalancing.eu-west-1.amazonaws.com: Connection refused");
        r->fatal_exit = EXIT_AWS;
        run_add_timing(r, "discovery", 3.1);
        return r;
    }
    struct topology *t = make_topology(sc == FAILING);
    r->topology = t;
    *topo_out = t;
    r->suite_name = xstrdup("shop microservices");
    r->suite_path = xstrdup("checks/microservices.json");
    r->region = xstrdup(t->region);
    r->alb_name = xstrdup(t->lb.name);
    r->alb_arn = xstrdup(t->lb.arn);
    r->alb_dns = xstrdup(t->lb.dns_name);
    r->started_ms = T0;
    r->finished_ms = T0 + 7340;

    add(r, "alb", "load-balancer", "alb:state", "load balancer shop-alb is active", CHECK_PASS,
        "active, internet-facing, 2 availability zones");
    add(r, "route", "load-balancer", "route:default", "default action answers 404", CHECK_PASS,
        "fixed-response 404");
    for (int i = 0; i < 3; i++) {
        const char *s = svc_names[i];
        char id[128], name[128], path[64];
        snprintf(path, sizeof path, "/%s/ping", s);

        snprintf(id, sizeof id, "health:%s", s);
        snprintf(name, sizeof name, "targets of %s-tg healthy", s);
        struct check_result *c;
        if (sc == FAILING && i == 1) {
            c = add(r, "health", s, id, name, CHECK_FAIL,
                    "0 of 2 targets healthy (need 1): 10.0.2.10:8080 unhealthy (Target.FailedHealthChecks), 10.0.2.11:8080 draining");
            check_hint(c, "look at the health check path /orders/health and the container logs");
        } else {
            add(r, "health", s, id, name, CHECK_PASS, "2 of 2 targets healthy");
        }

        snprintf(id, sizeof id, "ecs:%s", s);
        snprintf(name, sizeof name, "ECS service %s steady", s);
        if (sc == FAILING && i == 1)
            add(r, "ecs", s, id, name, CHECK_FAIL, "running 1 of 2 desired tasks; deployment IN_PROGRESS");
        else
            add(r, "ecs", s, id, name, CHECK_PASS, "running 2 of 2, deployment COMPLETED");

        snprintf(id, sizeof id, "route:%s:GET %s", s, path);
        snprintf(name, sizeof name, "route GET %s", path);
        add(r, "route", s, id, name, CHECK_PASS, "rule priority 10 forwards to the expected target group");

        snprintf(id, sizeof id, "probe:%s:GET %s", s, path);
        snprintf(name, sizeof name, "probe GET %s", path);
        double ms = 40.0 + 35.0 * i;
        struct check_result *p;
        if (sc == FAILING && i == 1) {
            p = add(r, "probe", s, id, name, CHECK_FAIL,
                    "answered by products (task c03f9e2a7b64c1), expected orders: misrouted");
            p->probe = make_probe(path, 200, 612.5, "{\"service\":\"products\",\"ok\":true}");
            check_hint(p, "rule priority 20 forwards /orders/* to products-tg");
            check_detail(p, "expected service", "orders");
            check_detail(p, "answered by service", "products");
        } else if (sc == FAILING && i == 2) {
            p = add(r, "probe", s, id, name, CHECK_FLAKY, "200 after 2 attempts");
            p->probe = make_probe(path, 200, ms, "{\"service\":\"products\",\"ok\":true}");
            p->probe->n_attempts = 2;
            p->probe->attempts = xrealloc(p->probe->attempts, 2 * sizeof *p->probe->attempts);
            p->probe->attempts[1] = p->probe->attempts[0];
            p->probe->attempts[0] = (struct probe_attempt){503, 4.1, NULL, xstrdup("status 503, expected 200")};
        } else if (sc == HOSTILE && i == 2) {
            p = add(r, "probe", s, id, name, CHECK_FAIL,
                    "body does not match \"ok\": <script>alert(1)</script> ]]> \x1b[31mred\x1b[0m");
            p->probe = make_probe(path, 200, ms, NULL);
            size_t n;
            unsigned char *b = hostile_body(port, &n);
            p->probe->body = b;
            p->probe->body_len = n;
            p->probe->body_total = 70000;
            p->probe->body_truncated = true;
            free(p->probe->response_headers[1].value);
            p->probe->response_headers[1].value = xstrdup("<script>x</script>\x01\xff");
            check_detail(p, "body match", "<img src=x onerror=alert(1)> %s", "\xc0\xaf");
        } else {
            p = add(r, "probe", s, id, name, CHECK_PASS, "200 from the service");
            p->probe = make_probe(path, 200, ms, "{\"service\":\"ok\"}");
        }

        /* p is invalid after the next run_add_check (the array may move). */
        char token[64];
        snprintf(token, sizeof token, "%s", p->probe->token);
        snprintf(id, sizeof id, "logs:%s:GET %s", s, path);
        snprintf(name, sizeof name, "logs GET %s", path);
        struct check_result *lc;
        if (sc == FAILING && i == 0) {
            lc = add(r, "logs", s, id, name, CHECK_FAIL,
                     "token tok-auth/ping not found in /ecs/shop/auth within 60 s");
            lc->log = make_log(i, token, false, 0);
        } else if (sc == FAILING && i == 1) {
            lc = add(r, "logs", s, id, name, CHECK_SKIP, "not run: the probe was misrouted");
        } else if (sc == HOSTILE && i == 2) {
            lc = add(r, "logs", s, id, name, CHECK_PASS, "found in /ecs/shop/products after 4.0 s");
            lc->log = make_log(i, token, true, 4.0);
            free(lc->log->message);
            lc->log->message = xstrdup("GET /products/ping <script>document.title='PWNED'</script> \x1b]0;owned\x07 \xed\xa0\x80");
        } else {
            lc = add(r, "logs", s, id, name, CHECK_PASS, "found in the expected log group");
            lc->log = make_log(i, token, true, 2.5 + 3.1 * i);
        }
    }
    if (sc == FAILING) {
        struct check_result *c = add(r, "probe", "load-balancer", "probe:unknown-path", "probe GET /nowhere",
                                     CHECK_ERROR, "timeout after 5000 ms: connection to 52.18.4.7:80 timed out");
        c->probe = make_probe("/nowhere", 0, 5000, NULL);
        c->probe->origin = ORIGIN_NONE;
        c->probe->attempts[0].error = xstrdup("Operation timed out after 5000 milliseconds");
    }
    run_add_timing(r, "discovery", 0.84);
    run_add_timing(r, "static", 0.02);
    run_add_timing(r, "probes", 0.71);
    run_add_timing(r, "logs", 5.6);
    return r;
}

static int write_one(const char *dir, const char *stem, struct run_result *r)
{
    struct err e = {0};
    char *junit = xasprintf("%s/%s.xml", dir, stem);
    char *html = xasprintf("%s/%s.html", dir, stem);
    char *json = xasprintf("%s/%s.json", dir, stem);
    char *md = xasprintf("%s/%s.md", dir, stem);
    char *gh = xasprintf("%s/%s.gh", dir, stem);
    struct report_opts o = {.junit_path = junit, .html_path = html, .json_path = json,
                            .github = report_github_enabled()};
    int rc = report_write_all(r, &o, &e);
    if (rc < 0) {
        fprintf(stderr, "report_sample: %s\n", e.msg);
        goto out;
    }
    FILE *f = fopen(md, "w");
    if (f) {
        rc = report_github_summary(f, r, &o, &e);
        fclose(f);
    }
    f = fopen(gh, "w");
    if (f) {
        report_github_annotate(f, r);
        fclose(f);
    }
out:
    free(junit);
    free(html);
    free(json);
    free(md);
    free(gh);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: report_sample OUTDIR [PORT]\n");
        return 2;
    }
    if (strcmp(argv[1], "--stdout") == 0 && argc > 2) {
        struct topology *t = NULL;
        struct run_result *r = make_run(FAILING, &t, 9);
        struct report_opts o = {
            .junit_path = strstr(argv[2], "junit") ? "-" : NULL,
            .html_path = strstr(argv[2], "html") ? "-" : NULL,
            .json_path = strstr(argv[2], "json") ? "-" : NULL,
        };
        struct err e = {0};
        int rc = report_write_all(r, &o, &e);
        if (rc < 0)
            fprintf(stderr, "report_sample: %s\n", e.msg);
        run_result_free(r);
        topology_free(t);
        return rc < 0 ? err_exit_status(e.code) : 0;
    }
    int port = argc > 2 ? atoi(argv[2]) : 9;
    static const char *stems[] = {"pass", "fail", "hostile", "unreachable"};
    int rc = 0;
    for (int sc = PASSING; sc <= UNREACHABLE; sc++) {
        struct topology *t = NULL;
        struct run_result *r = make_run((enum scenario)sc, &t, port);
        if (write_one(argv[1], stems[sc], r) < 0)
            rc = 1;
        run_result_free(r);
        topology_free(t);
    }
    return rc;
}
