/* check_route.c — the `route` check: for each probe, evaluate the listener's
 * rules exactly as ALB does (checks/rules.h) and verify that the request
 * lands on the expected target group — or, for a probe expecting the load
 * balancer's own answer, on a fixed response or redirect.  Also the lint:
 * rules that can never match and groups no rule reaches. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/checks.h"
#include "checks/rules.h"
#include "discover/print.h"
#include "util/buf.h"
#include "util/xmalloc.h"

const struct listener *checks_probe_listener(const struct topology *t)
{
    const struct listener *best = NULL;
    for (size_t i = 0; i < t->n_listeners; i++) {
        const struct listener *l = &t->listeners[i];
        if (l->protocol && strcasecmp(l->protocol, "HTTP") == 0 && l->port == 80)
            return l;
        if (!best || (l->protocol && strcasecmp(l->protocol, "HTTPS") == 0 && l->port == 443))
            best = l;
    }
    return best;
}

static const char *tg_name_of(const struct topology *t, const char *arn)
{
    const struct target_group *tg = topology_tg_by_arn(t, arn);
    return tg && tg->name ? tg->name : arn;
}

/* "rule 1 (path-pattern /auth, /auth/...)" or "the default rule" */
static void describe_rule(struct buf *b, const struct listener *l, const struct rules_match *m)
{
    if (m->is_default || m->rule_index < 0) {
        buf_appends(b, "the default rule");
        return;
    }
    const struct rule *r = &l->rules[m->rule_index];
    buf_printf(b, "rule %d (", r->priority);
    for (size_t i = 0; i < r->n_conditions; i++) {
        char *d = rule_condition_describe(&r->conditions[i]);
        buf_printf(b, "%s%s", i ? " AND " : "", d);
        free(d);
    }
    buf_appendc(b, ')');
}

int checks_route_of(const struct topology *t, const struct probe_spec *p,
                    struct rules_match *m, struct err *e)
{
    const struct listener *l = checks_probe_listener(t);
    if (!l)
        return err_set(e, ERR_NOTFOUND, "the load balancer has no listener");
    struct rules_request rq = {
        .method = p->method,
        .host = p->host ? p->host : t->lb.dns_name,
        .path = p->path,
        .headers = p->headers,
        .n_headers = p->n_headers,
    };
    return rules_evaluate(l, &rq, m, e);
}

static void route_one(const struct check_ctx *ctx, const struct probe_spec *p)
{
    char id[600], title[600];
    snprintf(id, sizeof id, "route:%s", p->id);
    snprintf(title, sizeof title, "route %s", p->name);
    const char *group = checks_service_group(ctx->suite, p->service);
    struct check_result *c = run_check(ctx->run, run_add_check(ctx->run, "route", group, id, title));
    const struct listener *l = checks_probe_listener(ctx->topo);
    struct rules_match m;
    struct err e = {0};
    if (checks_route_of(ctx->topo, p, &m, &e) < 0) {
        check_set(c, CHECK_FAIL, "%s", e.msg);
        return;
    }
    /* What the suite expects. */
    const char *want = p->expect_target_group;
    if (!want && p->service >= 0)
        want = ctx->suite->services[p->service].target_group;
    bool want_none = want && !*want;

    struct buf rule;
    buf_init(&rule, 8192);
    describe_rule(&rule, l, &m);
    char *act = m.action ? rule_action_describe(ctx->topo, m.action) : xstrdup("no action");
    check_detail(c, "listener", "%s:%d", l->protocol ? l->protocol : "?", l->port);
    check_detail(c, "request", "%s %s host %s", p->method ? p->method : "GET", p->path,
                 p->host ? p->host : (ctx->topo->lb.dns_name ? ctx->topo->lb.dns_name : "?"));
    check_detail(c, "matched", "%s", buf_str(&rule));
    if (m.rule_arn)
        check_detail(c, "rule arn", "%s", m.rule_arn);
    check_detail(c, "action", "%s", act);

    bool forward = m.action && m.action->type && strcmp(m.action->type, "forward") == 0;
    if (want_none || (!want && p->expect.from == FROM_LOAD_BALANCER)) {
        if (forward)
            check_set(c, CHECK_FAIL, "%s sends %s %s to %s; expected the load balancer to answer "
                      "itself", buf_str(&rule), p->method ? p->method : "GET", p->path, act);
        else
            check_set(c, CHECK_PASS, "%s → %s", buf_str(&rule), act);
    } else if (!want) {
        check_set(c, CHECK_PASS, "%s → %s (no expected group given)", buf_str(&rule), act);
    } else if (!forward) {
        check_set(c, CHECK_FAIL, "%s answers %s %s with %s; expected it forwarded to %s",
                  buf_str(&rule), p->method ? p->method : "GET", p->path, act, want);
    } else {
        bool hit = false;
        for (size_t i = 0; i < m.action->n_targets; i++) {
            const char *arn = m.action->targets[i].target_group_arn;
            const char *name = tg_name_of(ctx->topo, arn);
            if ((name && strcmp(name, want) == 0) || (arn && strcmp(arn, want) == 0))
                hit = true;
        }
        if (hit)
            check_set(c, CHECK_PASS, "%s → %s", buf_str(&rule), act);
        else {
            check_set(c, CHECK_FAIL, "%s sends %s %s to %s, expected %s", buf_str(&rule),
                      p->method ? p->method : "GET", p->path,
                      act + (strncmp(act, "forward ", 8) == 0 ? 8 : 0), want);
            check_hint(c, "was the rule's target group changed? compare the rule with the "
                          "service's target group");
        }
    }
    free(act);
    buf_cleanup(&rule);
}

static void lint(const struct check_ctx *ctx)
{
    const struct topology *t = ctx->topo;
    const char **arns = xcalloc(t->n_target_groups + 1, sizeof *arns);
    for (size_t i = 0; i < t->n_target_groups; i++)
        arns[i] = t->target_groups[i].arn;
    struct rules_finding *f = NULL;
    size_t n = rules_lint(t->listeners, t->n_listeners, arns, t->n_target_groups, &f);
    for (size_t i = 0; i < n; i++) {
        char id[600], title[600];
        if (f[i].kind == RULES_SHADOWED) {
            const struct listener *l = &t->listeners[f[i].listener];
            snprintf(id, sizeof id, "lint:shadowed:%d:%d", l->port, f[i].priority);
            snprintf(title, sizeof title, "lint rule %d on %s:%d is reachable", f[i].priority,
                     l->protocol ? l->protocol : "?", l->port);
        } else {
            const char *name = tg_name_of(t, f[i].target_group_arn);
            snprintf(id, sizeof id, "lint:unreached:%s", name ? name : "?");
            snprintf(title, sizeof title, "lint %s is reachable", name ? name : "?");
        }
        struct check_result *c =
            run_check(ctx->run, run_add_check(ctx->run, "lint", "load-balancer", id, title));
        check_set(c, CHECK_FAIL, "%s", f[i].message);
    }
    rules_findings_free(f, n);
    free(arns);
}

void check_route_run(const struct check_ctx *ctx)
{
    for (size_t i = 0; i < ctx->suite->n_probes; i++)
        route_one(ctx, &ctx->suite->probes[i]);
    lint(ctx);
}
