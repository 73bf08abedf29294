/* test_rules.c — the ALB rule evaluator, its lint, and zero-config derivation.
 *
 * Listeners are built from compact specs ("path=/img/STAR;host=STAR.example.com", STAR being an asterisk)
 * so that each table row reads like the rule it stands for.  Evaluator cases
 * include the ALB user guide's own examples (aws/NOTES.md §8).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/rules.h"
#include "model/topology.h"
#include "suite/suite.h"
#include "util/xmalloc.h"

/* ------------------------------------------------------------ builders */

struct rspec {
    int priority;           /* 0: the default rule */
    const char *conds;      /* "path=/a,/b;host=x.com;method=GET;header:X-A=v;query=k:v,:v;ip=10.0.0.0/8" */
    const char *action;     /* "tg:NAME", "fixed:404", "redirect", "weighted:A=0,B=5" */
};

static char *tg_arn(const char *name)
{
    return xasprintf("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/%s/0123", name);
}

static char **split(const char *s, char sep, size_t *n)
{
    char **v = NULL;
    *n = 0;
    const char *p = s;
    for (;;) {
        const char *e = strchr(p, sep);
        size_t len = e ? (size_t)(e - p) : strlen(p);
        v = xreallocarray(v, *n + 1, sizeof *v);
        v[(*n)++] = xstrndup(p, len);
        if (!e)
            break;
        p = e + 1;
    }
    return v;
}

static void build_condition(struct rule_condition *c, const char *spec)
{
    const char *eq = strchr(spec, '=');
    assert_non_null(eq);
    char *field = xstrndup(spec, (size_t)(eq - spec));
    size_t n;
    char **vals = split(eq + 1, ',', &n);
    static const struct {
        const char *short_name, *name;
    } names[] = {{"path", "path-pattern"}, {"host", "host-header"},
                 {"method", "http-request-method"}, {"query", "query-string"},
                 {"ip", "source-ip"}};
    if (strncmp(field, "header:", 7) == 0) {
        c->field = xstrdup("http-header");
        c->header_name = xstrdup(field + 7);
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(field, names[i].short_name) == 0)
            c->field = xstrdup(names[i].name);
    assert_non_null(c->field);
    if (strcmp(c->field, "query-string") == 0) {
        c->query = xcalloc(n, sizeof *c->query);
        c->n_query = n;
        for (size_t i = 0; i < n; i++) {
            char *colon = strchr(vals[i], ':');
            assert_non_null(colon);
            c->query[i].key = colon == vals[i] ? NULL : xstrndup(vals[i], (size_t)(colon - vals[i]));
            c->query[i].value = xstrdup(colon + 1);
        }
        strv_free(vals, n);
    } else {
        c->values = vals;
        c->n_values = n;
    }
    free(field);
}

static void build_action(struct rule_action *a, const char *spec)
{
    if (strncmp(spec, "tg:", 3) == 0) {
        a->type = xstrdup("forward");
        a->targets = xcalloc(1, sizeof *a->targets);
        a->n_targets = 1;
        a->targets[0].target_group_arn = tg_arn(spec + 3);
        a->targets[0].weight = 1;
    } else if (strncmp(spec, "weighted:", 9) == 0) {
        size_t n;
        char **parts = split(spec + 9, ',', &n);
        a->type = xstrdup("forward");
        a->targets = xcalloc(n, sizeof *a->targets);
        a->n_targets = n;
        for (size_t i = 0; i < n; i++) {
            char *eq = strchr(parts[i], '=');
            *eq = '\0';
            a->targets[i].target_group_arn = tg_arn(parts[i]);
            a->targets[i].weight = atoi(eq + 1);
        }
        strv_free(parts, n);
    } else if (strncmp(spec, "fixed:", 6) == 0) {
        a->type = xstrdup("fixed-response");
        a->fixed_status = atoi(spec + 6);
        a->fixed_body = xstrdup("nope");
    } else {
        a->type = xstrdup("redirect");
        a->redirect_status = xstrdup("HTTP_301");
    }
}

/* Build a listener from specs, in the order given (not necessarily sorted). */
static void build_listener(struct listener *l, const struct rspec *specs, size_t n)
{
    memset(l, 0, sizeof *l);
    l->arn = xstrdup("arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/1/2");
    l->protocol = xstrdup("HTTP");
    l->port = 80;
    l->rules = xcalloc(n, sizeof *l->rules);
    l->n_rules = n;
    for (size_t i = 0; i < n; i++) {
        struct rule *r = &l->rules[i];
        r->arn = xasprintf("arn:rule/%d", specs[i].priority);
        r->is_default = specs[i].priority == 0;
        r->priority = r->is_default ? INT_MAX : specs[i].priority;
        if (specs[i].conds && *specs[i].conds) {
            size_t nc;
            char **parts = split(specs[i].conds, ';', &nc);
            r->conditions = xcalloc(nc, sizeof *r->conditions);
            r->n_conditions = nc;
            for (size_t k = 0; k < nc; k++)
                build_condition(&r->conditions[k], parts[k]);
            strv_free(parts, nc);
        }
        /* an authenticate action first, to check the terminal one is chosen */
        r->actions = xcalloc(2, sizeof *r->actions);
        r->n_actions = 2;
        r->actions[0].type = xstrdup("authenticate-oidc");
        r->actions[0].order = 1;
        r->actions[1].order = 2;
        build_action(&r->actions[1], specs[i].action);
    }
}

/* ------------------------------------------------------------ evaluator */

/* The seed stack: three path rules and a 404 default. */
static const struct rspec seed[] = {
    {10, "path=/auth/*", "tg:auth-tg"},
    {20, "path=/orders/*", "tg:order-tg"},
    {30, "path=/products/*", "tg:product-tg"},
    {0, NULL, "fixed:404"},
};

/* The ALB guide's examples. */
static const struct rspec docs[] = {
    {1, "path=/img/*", "tg:img"},
    {2, "host=*.example.com", "tg:ex"},
    {3, "path=/a?c", "tg:q"},
    {0, NULL, "fixed:404"},
};

/* Deliberately out of order: default first, then 50, then 5. */
static const struct rspec unsorted[] = {
    {0, NULL, "tg:fallback"},
    {50, "path=/*", "tg:catchall"},
    {5, "path=/x", "tg:x"},
};

static const struct rspec others[] = {
    {1, "method=POST;path=/api/*", "tg:post-api"},
    {2, "header:X-Env=Prod*", "tg:prod"},
    {3, "query=version:v2", "tg:v2"},
    {4, "query=:beta", "tg:beta"},
    {5, "ip=10.0.0.0/8", "tg:ten"},
    {6, "ip=2001:db8::/32", "tg:v6"},
    {7, "method=GET,HEAD;host=api.example.com", "tg:api"},
    {8, "path=/r", "redirect"},
    {9, "path=/w", "weighted:blue=0,green=5"},
    {10, "query=q:a%20b", "tg:space"},
    {0, NULL, "fixed:503"},
};

static const struct {
    const struct rspec *specs;
    size_t n;
} listeners[] = {
    {seed, 4}, {docs, 4}, {unsorted, 3}, {others, 11},
};

struct eval_case {
    int listener;
    const char *method, *host, *path, *header, *ip;
    int want_priority;      /* 0: the default rule */
    const char *want;       /* "tg:NAME", "fixed:N" or "redirect" */
};

static const struct eval_case eval_cases[] = {
    /* seed */
    {0, NULL, NULL, "/auth/login", NULL, NULL, 10, "tg:auth-tg"},
    {0, NULL, NULL, "/orders/123", NULL, NULL, 20, "tg:order-tg"},
    {0, NULL, NULL, "/products/item/abc", NULL, NULL, 30, "tg:product-tg"},
    {0, NULL, NULL, "/nope", NULL, NULL, 0, "fixed:404"},
    {0, NULL, NULL, "/Auth/login", NULL, NULL, 0, "fixed:404"},    /* case-sensitive */
    {0, NULL, NULL, "/auth", NULL, NULL, 0, "fixed:404"},          /* needs "/auth/" */
    {0, NULL, NULL, "/auth/", NULL, NULL, 10, "tg:auth-tg"},       /* '*' matches nothing */
    {0, NULL, NULL, "/nope?next=/auth/x", NULL, NULL, 0, "fixed:404"}, /* not the query */
    {0, NULL, NULL, "/auth/x?y=1", NULL, NULL, 10, "tg:auth-tg"},
    {0, "DELETE", "anything.test", "/orders/1", NULL, NULL, 20, "tg:order-tg"},
    /* the guide's examples */
    {1, NULL, NULL, "/img/picture.jpg", NULL, NULL, 1, "tg:img"},
    {1, NULL, NULL, "/img/", NULL, NULL, 1, "tg:img"},
    {1, NULL, NULL, "/IMG/picture.jpg", NULL, NULL, 0, "fixed:404"},
    {1, NULL, "test.example.com", "/", NULL, NULL, 2, "tg:ex"},
    {1, NULL, "example.com", "/", NULL, NULL, 0, "fixed:404"},
    {1, NULL, "TEST.Example.COM:8080", "/", NULL, NULL, 2, "tg:ex"}, /* case, port */
    {1, NULL, "a.b.example.com", "/", NULL, NULL, 2, "tg:ex"},
    {1, NULL, "test.example.com.evil", "/", NULL, NULL, 0, "fixed:404"},
    {1, NULL, "test.example.com", "/img/x", NULL, NULL, 1, "tg:img"}, /* priority order */
    {1, NULL, NULL, "/abc", NULL, NULL, 3, "tg:q"},
    {1, NULL, NULL, "/ac", NULL, NULL, 0, "fixed:404"},             /* '?' is one char */
    {1, NULL, NULL, "/abbc", NULL, NULL, 0, "fixed:404"},
    /* priorities, not array order */
    {2, NULL, NULL, "/x", NULL, NULL, 5, "tg:x"},
    {2, NULL, NULL, "/y", NULL, NULL, 50, "tg:catchall"},
    {2, NULL, NULL, "/", NULL, NULL, 50, "tg:catchall"},
    /* methods, headers, query strings, source addresses */
    {3, "POST", NULL, "/api/orders", NULL, NULL, 1, "tg:post-api"},
    {3, "GET", NULL, "/api/orders", NULL, NULL, 0, "fixed:503"},
    {3, "post", NULL, "/api/orders", NULL, NULL, 0, "fixed:503"},   /* method exact */
    {3, "POST", NULL, "/other", NULL, NULL, 0, "fixed:503"},        /* AND */
    {3, NULL, NULL, "/", "x-env: production", NULL, 2, "tg:prod"},  /* name, value nocase */
    {3, NULL, NULL, "/", "X-Env: staging", NULL, 0, "fixed:503"},
    {3, NULL, NULL, "/?VERSION=V2", NULL, NULL, 3, "tg:v2"},
    {3, NULL, NULL, "/?a=1&version=v2&b", NULL, NULL, 3, "tg:v2"},
    {3, NULL, NULL, "/?version=v3", NULL, NULL, 0, "fixed:503"},
    {3, NULL, NULL, "/?flag=beta", NULL, NULL, 4, "tg:beta"},       /* any key */
    {3, NULL, NULL, "/?beta", NULL, NULL, 0, "fixed:503"},          /* "beta" is a key */
    {3, NULL, NULL, "/?q=a%20b", NULL, NULL, 10, "tg:space"},
    {3, NULL, NULL, "/?q=A+b", NULL, NULL, 0, "fixed:503"},
    {3, NULL, NULL, "/", NULL, "10.1.2.3", 5, "tg:ten"},
    {3, NULL, NULL, "/", NULL, "11.0.0.1", 0, "fixed:503"},
    {3, NULL, NULL, "/", NULL, "2001:db8:0:1::5", 6, "tg:v6"},
    {3, NULL, NULL, "/", NULL, "2001:db9::5", 0, "fixed:503"},
    {3, "HEAD", "API.example.com", "/", NULL, NULL, 7, "tg:api"},
    {3, "PUT", "api.example.com", "/", NULL, NULL, 0, "fixed:503"},
    {3, NULL, NULL, "/r", NULL, NULL, 8, "redirect"},
    {3, NULL, NULL, "/w", NULL, NULL, 9, "tg:green"},               /* weight 0 skipped */
};

/* "tg:NAME" etc. for a terminal action. */
static char *describe_action(const struct rule_action *a)
{
    if (!a)
        return xstrdup("none");
    if (strcmp(a->type, "forward") == 0) {
        for (size_t i = 0; i < a->n_targets; i++)
            if (a->n_targets == 1 || a->targets[i].weight > 0) {
                const char *arn = a->targets[i].target_group_arn;
                const char *end = strrchr(arn, '/');
                const char *start = end - 1;
                while (*start != '/')
                    start--;
                return xasprintf("tg:%.*s", (int)(end - start - 1), start + 1);
            }
        return xstrdup("tg:?");
    }
    if (strcmp(a->type, "fixed-response") == 0)
        return xasprintf("fixed:%d", a->fixed_status);
    return xstrdup(a->type);
}

static void evaluator_table(void **state)
{
    (void)state;
    struct listener ls[4];
    for (size_t i = 0; i < 4; i++)
        build_listener(&ls[i], listeners[i].specs, listeners[i].n);
    int failures = 0;
    for (size_t i = 0; i < sizeof eval_cases / sizeof eval_cases[0]; i++) {
        const struct eval_case *c = &eval_cases[i];
        struct kv h = {0};
        char name[64] = "", value[128] = "";
        if (c->header) {
            const char *colon = strchr(c->header, ':');
            snprintf(name, sizeof name, "%.*s", (int)(colon - c->header), c->header);
            snprintf(value, sizeof value, "%s", colon + 2);
            h.key = name;
            h.value = value;
        }
        struct rules_request rq = {.method = c->method, .host = c->host, .path = c->path,
                                   .headers = c->header ? &h : NULL, .n_headers = c->header ? 1 : 0,
                                   .source_ip = c->ip};
        struct rules_match m;
        struct err e;
        int rc = rules_evaluate(&ls[c->listener], &rq, &m, &e);
        char *got = describe_action(rc == 0 ? m.action : NULL);
        int want_prio = c->want_priority ? c->want_priority : INT_MAX;
        const struct rule *r = m.rule_index >= 0 ? &ls[c->listener].rules[m.rule_index] : NULL;
        bool ok = rc == 0 && m.priority == want_prio && strcmp(got, c->want) == 0 && r &&
                  r->priority == want_prio && m.is_default == (c->want_priority == 0) &&
                  m.rule_arn == r->arn;
        if (!ok) {
            print_error("case %zu: %s %s host=%s: want rule %d %s, got rc=%d rule %d %s\n", i,
                        c->method ? c->method : "GET", c->path, c->host ? c->host : "-",
                        c->want_priority, c->want, rc, m.priority, got);
            failures++;
        }
        free(got);
    }
    for (size_t i = 0; i < 4; i++)
        listener_cleanup(&ls[i]);
    assert_int_equal(failures, 0);
}

static void default_actions_when_no_default_rule(void **state)
{
    (void)state;
    static const struct rspec only[] = {{10, "path=/a", "tg:a"}};
    struct listener l;
    build_listener(&l, only, 1);
    struct rules_request rq = {.path = "/b"};
    struct rules_match m;
    struct err e;
    err_clear(&e);
    assert_int_equal(rules_evaluate(&l, &rq, &m, &e), -1);
    assert_int_equal(e.code, ERR_NOTFOUND);
    l.default_actions = xcalloc(1, sizeof *l.default_actions);
    l.n_default_actions = 1;
    build_action(&l.default_actions[0], "fixed:418");
    assert_int_equal(rules_evaluate(&l, &rq, &m, &e), 0);
    assert_int_equal(m.rule_index, -1);
    assert_true(m.is_default);
    assert_int_equal(m.priority, INT_MAX);
    assert_int_equal(m.action->fixed_status, 418);
    listener_cleanup(&l);
}

static void glob_primitives(void **state)
{
    (void)state;
    static const struct {
        const char *pattern, *text;
        bool nocase, want;
    } match[] = {
        {"/img/*", "/img/picture.jpg", false, true}, {"*", "", false, true},
        {"a*b*c", "aXbYc", false, true},             {"a*b*c", "aXbY", false, false},
        {"?", "", false, false},                     {"*.example.com", "example.com", true, false},
        {"A?C", "abc", true, true},                  {"A?C", "abc", false, false},
        {"*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false, false},
    };
    for (size_t i = 0; i < sizeof match / sizeof match[0]; i++)
        if (rules_glob_match(match[i].pattern, match[i].text, match[i].nocase) != match[i].want) {
            print_error("match case %zu\n", i);
            fail();
        }
    static const struct {
        const char *outer, *inner;
        bool nocase, want;
    } contains[] = {
        {"/api/*", "/api/v1/*", false, true},  {"/api/v1/*", "/api/*", false, false},
        {"/api*", "/api/*", false, true},      {"/api/*", "/api*", false, false},
        {"*", "/anything?*", false, true},     {"/a?c", "/abc", false, true},
        {"/abc", "/a?c", false, false},        {"/a?c", "/a*c", false, false},
        {"/A/*", "/a/x", false, false},        {"/A/*", "/a/x", true, true},
        {"*.example.com", "a.example.com", true, true},
        {"*.example.com", "example.com", true, false},
        {"a*", "a", false, true},              {"", "", false, true},
        {"*x*", "?x", false, true},            {"?*", "*", false, false},
    };
    for (size_t i = 0; i < sizeof contains / sizeof contains[0]; i++)
        if (rules_glob_contains(contains[i].outer, contains[i].inner, contains[i].nocase) !=
            contains[i].want) {
            print_error("contains case %zu: %s ⊇ %s\n", i, contains[i].outer, contains[i].inner);
            fail();
        }
    assert_true(rules_cidr_contains("10.0.0.0/8", "10.1.0.0/16"));
    assert_false(rules_cidr_contains("10.1.0.0/16", "10.0.0.0/8"));
    assert_true(rules_cidr_contains("0.0.0.0/0", "192.168.1.1/32"));
    assert_false(rules_cidr_contains("10.0.0.0/8", "2001:db8::/32"));
    assert_true(rules_cidr_match("10.0.0.0/8", "10.255.255.255"));
    assert_false(rules_cidr_match("10.0.0.0/8", "not-an-ip"));
    assert_true(rules_cidr_match("192.168.1.7", "192.168.1.7"));
    assert_true(rules_cidr_match("2001:db8::/31", "2001:db9::1"));
    assert_false(rules_cidr_match("10.0.0.0/33", "10.0.0.1"));
}

static void order_sorts_by_priority_default_last(void **state)
{
    (void)state;
    enum { N = 257 };
    struct rspec specs[N];
    char conds[N][32];
    /* priorities 1..N-1 scattered through the array, the default in the middle */
    for (size_t i = 0; i < N; i++) {
        size_t j = i < N / 2 ? i : i - 1; /* 0..N-2 over the non-default rules */
        int prio = i == N / 2 ? 0 : (int)((j * 97) % (N - 1)) + 1; /* 97 ⊥ 256: a permutation */
        snprintf(conds[i], sizeof conds[i], "path=/r%d", prio);
        specs[i].priority = prio;
        specs[i].conds = prio ? conds[i] : NULL;
        specs[i].action = "fixed:200";
    }
    struct listener l;
    build_listener(&l, specs, N);
    size_t *ix = rules_order(&l);
    for (size_t k = 0; k + 1 < N; k++)
        assert_true(l.rules[ix[k]].priority < l.rules[ix[k + 1]].priority);
    assert_true(l.rules[ix[N - 1]].is_default);
    free(ix);
    struct rules_request rq = {.path = "/r200"};
    struct rules_match m;
    assert_int_equal(rules_evaluate(&l, &rq, &m, NULL), 0);
    assert_int_equal(m.priority, 200);
    listener_cleanup(&l);
}

/* ------------------------------------------------------------ lint */

static const struct rspec lint_specs[] = {
    {10, "path=/api/*", "tg:a"},
    {20, "path=/api/v1/*", "tg:b"},                  /* covered by 10 */
    {30, "path=/api/v1/*;method=GET", "tg:b"},       /* more conditions: covered by 10 */
    {40, "path=/a?i/x", "tg:a"},                     /* /abi/x is not under /api/ */
    {50, "host=*.example.com", "tg:a"},
    {60, "host=A.Example.com;path=/z", "tg:a"},      /* covered by 50 */
    {70, "path=/x,/y", "tg:a"},
    {80, "path=/x", "tg:a"},                         /* covered by 70 */
    {90, "path=/p/*", "tg:a"},
    {95, "path=/q/*", "tg:a"},
    {100, "path=/p/1,/q/2", "tg:a"},                 /* covered by 90 and 95 together */
    {110, "ip=10.0.0.0/8", "tg:a"},
    {120, "ip=10.1.0.0/16", "tg:a"},                 /* covered by 110 */
    {130, "ip=192.168.0.0/16", "tg:a"},
    {140, "query=:v", "tg:a"},
    {150, "query=k:v", "tg:a"},                      /* covered by 140 (any key) */
    {160, "header:X-A=a*", "tg:a"},
    {170, "header:x-a=AB", "tg:a"},                  /* covered by 160 */
    {180, "header:X-B=ab", "tg:a"},
    {190, "path=/p/1,/r/2", "tg:a"},                 /* /r/2 is not covered */
    {0, NULL, "tg:d"},
};

static void lint_finds_shadowed_rules_and_unreached_groups(void **state)
{
    (void)state;
    struct listener l;
    size_t n = sizeof lint_specs / sizeof lint_specs[0];
    build_listener(&l, lint_specs, n);
    char *tgs[5] = {tg_arn("a"), tg_arn("b"), tg_arn("c"), tg_arn("d"), NULL};
    struct rules_finding *f = NULL;
    size_t nf = rules_lint(&l, 1, (const char *const *)tgs, 4, &f);
    static const struct {
        int priority;
        int by[2];
    } want[] = {{20, {10, 0}}, {30, {10, 0}}, {60, {50, 0}}, {80, {70, 0}},
                {100, {90, 95}}, {120, {110, 0}}, {150, {140, 0}}, {170, {160, 0}}};
    size_t nw = sizeof want / sizeof want[0];
    for (size_t i = 0; i < nf; i++)
        print_message("# %s\n", f[i].message);
    assert_int_equal(nf, nw + 2);
    for (size_t i = 0; i < nw; i++) {
        assert_int_equal(f[i].kind, RULES_SHADOWED);
        assert_int_equal(f[i].priority, want[i].priority);
        assert_int_equal(l.rules[f[i].rule_index].priority, want[i].priority);
        size_t nby = want[i].by[1] ? 2 : 1;
        assert_int_equal(f[i].n_covered_by, nby);
        for (size_t k = 0; k < nby; k++)
            assert_int_equal(l.rules[f[i].covered_by[k]].priority, want[i].by[k]);
    }
    assert_non_null(strstr(f[0].message, "rule 20 (path-pattern /api/v1/*) can never match: "
                                         "covered by rule 10"));
    /* b is only reached through shadowed rules; c by nothing; d by the default */
    assert_int_equal(f[nw].kind, RULES_TG_UNREACHED);
    assert_string_equal(f[nw].target_group_arn, tgs[1]);
    assert_int_equal(f[nw + 1].kind, RULES_TG_UNREACHED);
    assert_string_equal(f[nw + 1].target_group_arn, tgs[2]);
    rules_findings_free(f, nf);
    for (size_t i = 0; i < 4; i++)
        free(tgs[i]);
    listener_cleanup(&l);
}

static void lint_clean_listener_has_no_findings(void **state)
{
    (void)state;
    struct listener l;
    build_listener(&l, seed, 4);
    char *tgs[3] = {tg_arn("auth-tg"), tg_arn("order-tg"), tg_arn("product-tg")};
    struct rules_finding *f = NULL;
    size_t nf = rules_lint(&l, 1, (const char *const *)tgs, 3, &f);
    assert_int_equal(nf, 0);
    rules_findings_free(f, nf);
    /* a rule repointed away from product-tg leaves that group unreached */
    free(l.rules[2].actions[1].targets[0].target_group_arn);
    l.rules[2].actions[1].targets[0].target_group_arn = tg_arn("order-tg");
    nf = rules_lint(&l, 1, (const char *const *)tgs, 3, &f);
    assert_int_equal(nf, 1);
    assert_int_equal(f[0].kind, RULES_TG_UNREACHED);
    assert_string_equal(f[0].target_group_arn, tgs[2]);
    rules_findings_free(f, nf);
    for (size_t i = 0; i < 3; i++)
        free(tgs[i]);
    listener_cleanup(&l);
}

/* ------------------------------------------------------------ derive */

static const struct rspec derive_specs[] = {
    {10, "path=/auth/*", "tg:auth-tg"},
    {20, "path=/orders/*;host=*.shop.example", "tg:order-tg"},
    {30, "path=/auth/x/*", "tg:product-tg"},                  /* shadowed by 10 */
    {40, "ip=10.0.0.0/8", "tg:order-tg"},                     /* not satisfiable */
    {50, "method=POST;path=/p?d;header:X-Mode=fast*;query=v:2", "tg:product-tg"},
    {60, "path=/old", "redirect"},
    {0, NULL, "fixed:404"},
};

static struct topology *derive_topology(void)
{
    struct topology *t = topology_new();
    t->region = xstrdup("us-east-1");
    t->lb.name = xstrdup("ShopALB");
    t->lb.arn = xstrdup("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/ShopALB/1");
    t->lb.dns_name = xstrdup("ShopALB-1.us-east-1.elb.amazonaws.com");
    t->listeners = xcalloc(2, sizeof *t->listeners);
    t->n_listeners = 2;
    /* an HTTPS listener first: the HTTP one is still the one probed */
    static const struct rspec tls[] = {{0, NULL, "fixed:500"}};
    build_listener(&t->listeners[0], tls, 1);
    free(t->listeners[0].protocol);
    t->listeners[0].protocol = xstrdup("HTTPS");
    t->listeners[0].port = 443;
    build_listener(&t->listeners[1], derive_specs, sizeof derive_specs / sizeof derive_specs[0]);
    static const char *const names[] = {"auth-tg", "order-tg", "product-tg"};
    t->target_groups = xcalloc(3, sizeof *t->target_groups);
    t->n_target_groups = 3;
    for (size_t i = 0; i < 3; i++) {
        t->target_groups[i].name = xstrdup(names[i]);
        t->target_groups[i].arn = tg_arn(names[i]);
    }
    t->task_defs = xcalloc(1, sizeof *t->task_defs);
    t->n_task_defs = 1;
    struct task_def *td = &t->task_defs[0];
    td->family = xstrdup("auth");
    td->containers = xcalloc(2, sizeof *td->containers);
    td->n_containers = 2;
    td->containers[0].name = xstrdup("sidecar");
    td->containers[0].log_group = xstrdup("/ecs/sidecar");
    td->containers[1].name = xstrdup("auth-container");
    td->containers[1].log_group = xstrdup("/ecs/auth-service");
    t->services = xcalloc(1, sizeof *t->services);
    t->n_services = 1;
    struct ecs_service *s = &t->services[0];
    s->name = xstrdup("auth-service");
    s->cluster_arn = xstrdup("arn:aws:ecs:us-east-1:123456789012:cluster/Shop");
    s->load_balancers = xcalloc(1, sizeof *s->load_balancers);
    s->n_load_balancers = 1;
    s->load_balancers[0].target_group_arn = tg_arn("auth-tg");
    s->load_balancers[0].container_name = xstrdup("auth-container");
    s->load_balancers[0].container_port = 5000;
    s->task_def = td;
    return t;
}

static void derive_builds_a_verified_suite(void **state)
{
    (void)state;
    struct topology *t = derive_topology();
    struct suite *s = NULL;
    struct err e;
    err_clear(&e);
    assert_int_equal(suite_derive(t, &s, &e), 0);
    assert_true(s->derived);
    assert_int_equal(s->lb.kind, LB_SEL_ARN);
    assert_string_equal(s->region, "us-east-1");

    assert_int_equal(s->n_services, 3);
    const struct service_spec *auth = &s->services[0];
    assert_string_equal(auth->name, "auth-service");
    assert_string_equal(auth->target_group, "auth-tg");
    assert_string_equal(auth->ecs_service, "auth-service");
    assert_string_equal(auth->cluster, "arn:aws:ecs:us-east-1:123456789012:cluster/Shop");
    assert_string_equal(auth->log_group, "/ecs/auth-service"); /* the serving container's */
    assert_string_equal(auth->container_name, "auth-container");
    assert_int_equal(auth->container_port, 5000);
    assert_string_equal(s->services[1].name, "order-tg"); /* no ECS service known */
    assert_null(s->services[1].log_group);
    assert_string_equal(s->services[2].name, "product-tg");

    assert_int_equal(s->n_probes, 4);
    const struct probe_spec *p = &s->probes[0];
    assert_string_equal(p->id, "auth-service:GET /auth/albcheck-probe");
    assert_string_equal(p->path, "/auth/albcheck-probe");
    assert_string_equal(p->expect_target_group, "auth-tg");
    assert_int_equal(p->expect.from, FROM_SERVICE);
    assert_int_equal(p->expect.status[0].lo, 100);
    assert_int_equal(p->expect.status[0].hi, 499);
    assert_true(p->check_logs);
    p = &s->probes[1];
    assert_string_equal(p->path, "/orders/albcheck-probe");
    assert_string_equal(p->host, "albcheck.shop.example");
    assert_string_equal(p->expect_target_group, "order-tg");
    assert_false(p->check_logs);
    p = &s->probes[2];
    assert_string_equal(p->method, "POST");
    assert_string_equal(p->path, "/pad?v=2");
    assert_int_equal(p->n_headers, 1);
    assert_string_equal(p->headers[0].key, "X-Mode");
    assert_string_equal(p->headers[0].value, "fastalbcheck-probe");
    assert_string_equal(p->expect_target_group, "product-tg");
    p = &s->probes[3];
    assert_string_equal(p->id, "probe:GET /albcheck-no-route");
    assert_int_equal(p->service, -1);
    assert_int_equal(p->expect.from, FROM_LOAD_BALANCER);
    assert_int_equal(p->expect.status[0].lo, 404);
    assert_string_equal(p->expect_target_group, "");

    /* Every probe, evaluated independently, lands where it expects. */
    const struct listener *l = &t->listeners[1];
    for (size_t i = 0; i < s->n_probes; i++) {
        p = &s->probes[i];
        struct rules_request rq = {.method = p->method, .host = p->host ? p->host : t->lb.dns_name,
                                   .path = p->path, .headers = p->headers,
                                   .n_headers = p->n_headers};
        struct rules_match m;
        assert_int_equal(rules_evaluate(l, &rq, &m, NULL), 0);
        if (*p->expect_target_group) {
            const struct target_group *tg =
                topology_tg_by_arn(t, m.action->targets[0].target_group_arn);
            assert_non_null(tg);
            assert_string_equal(tg->name, p->expect_target_group);
        } else {
            assert_true(m.is_default);
        }
    }
    assert_int_equal(s->n_notes, 2);
    assert_non_null(strstr(s->notes[0], "rule 30"));
    assert_non_null(strstr(s->notes[0], "lands on rule 10"));
    assert_non_null(strstr(s->notes[1], "rule 40"));
    assert_non_null(strstr(s->notes[1], "source-ip"));
    suite_free(s);
    topology_free(t);
}

static void derive_without_listener_fails(void **state)
{
    (void)state;
    struct topology *t = topology_new();
    t->lb.name = xstrdup("Empty");
    struct suite *s = (struct suite *)1;
    struct err e;
    err_clear(&e);
    assert_int_equal(suite_derive(t, &s, &e), -1);
    assert_null(s);
    assert_int_equal(e.code, ERR_NOTFOUND);
    topology_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(evaluator_table),
        cmocka_unit_test(default_actions_when_no_default_rule),
        cmocka_unit_test(glob_primitives),
        cmocka_unit_test(order_sorts_by_priority_default_last),
        cmocka_unit_test(lint_finds_shadowed_rules_and_unreached_groups),
        cmocka_unit_test(lint_clean_listener_has_no_findings),
        cmocka_unit_test(derive_builds_a_verified_suite),
        cmocka_unit_test(derive_without_listener_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
